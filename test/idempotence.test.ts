// Idempotence: the real program planned twice against one mock cloud, the second time with the
// account as the first `pulumi up` left it (the commit's image pushed under its tag, every
// resource existing). The comparison follows the engine: by URN, inputs at ignoreChanges paths
// kept from the first run, replacement decided by the providers' rules (tools/planner/replacements.ts).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { Plan, ROOT, plan } from "../tools/planner/planner";
import { compareRuns } from "../tools/planner/replacements";

const SHA_A = "4f2a9c1e0b7d3a5c9e1f2b4d6a8c0e2f4b6d8a0c";
const SHA_B = "9c3e5a7b1d2f4e6a8c0b2d4f6e8a0c2e4b6d8f0a";

const run = (stack: string, sha: string, previous?: Plan) => plan(stack, { env: { GITHUB_SHA: sha }, world: previous?.world });
/** The changes, as [action, type, name, changed inputs], sorted for stable comparison. */
const summary = (before: Plan, after: Plan) => compareRuns(before.resources, after.resources)
    .map((c) => [c.action, c.type, c.name, c.changed.join(","), c.problem ?? ""])
    .sort((x, y) => `${x[1]} ${x[2]}`.localeCompare(`${y[1]} ${y[2]}`));

for (const stack of ["dev", "prod"]) {
    describe(`Idempotence: the ${stack} stack planned twice`, function () {
        this.timeout(120000);
        let first: Plan;
        let again: Plan;
        before(async () => {
            first = await run(stack, SHA_A);
            again = await run(stack, SHA_A, first);
        });

        it("pushed the commit's image in the first run, as the second run finds it", () => {
            // GIVEN the account after the first run
            // THEN the repository holds exactly the commit's tag
            assert.deepEqual(Object.values(first.world.images).map((imgs) => imgs.map((i) => i.tag)), [["4f2a9c1"]]);
        });

        it("changes nothing when the same commit runs again: no create, update, replacement or delete", () => {
            // GIVEN a second run of the same commit against the first run's account
            // THEN no resource's inputs differ, so `pulumi up` builds, pushes and deploys nothing
            assert.deepEqual(summary(first, again), []);
        });

        it("pushes nothing new on the second run", () => {
            assert.deepEqual(Object.values(again.world.images).map((imgs) => imgs.map((i) => i.tag)), [["4f2a9c1"]]);
        });
    });
}

describe("Idempotence: Express in a custom network", function () {
    this.timeout(120000);

    it("changes nothing on a re-run, the security groups AWS attached being read from the state", async () => {
        // GIVEN dev in a VPC of its own
        const doc = parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8"));
        doc.config["ecs-ship:network"] = { create: true };
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-idem-"));
        const stackFile = path.join(dir, "Pulumi.dev.yaml");
        fs.writeFileSync(stackFile, stringify(doc));
        // WHEN it is planned twice
        const first = await plan("dev", { env: { GITHUB_SHA: SHA_A }, stackFile });
        const again = await plan("dev", { env: { GITHUB_SHA: SHA_A }, stackFile, world: first.world });
        fs.rmSync(dir, { recursive: true, force: true });
        // THEN the service got the subnets, the groups path is ignored, and the re-run changes nothing
        const svc = again.resources.find((r) => r.type === "aws:ecs/expressGatewayService:ExpressGatewayService")!;
        const vpc = again.resources.find((r) => r.type === "awsx:ec2:Vpc")!;
        assert.deepEqual(svc.inputs.networkConfigurations, [{ subnets: vpc.state.publicSubnetIds, securityGroups: [] }]);
        assert.deepEqual(svc.ignoreChanges, ["networkConfigurations[0].securityGroups"]);
        assert.deepEqual(summary(first, again), []);
    });
});

describe("Idempotence: a new commit on dev (Express)", function () {
    this.timeout(120000);

    it("updates only the image and the service's container image", async () => {
        // GIVEN dev deployed at commit A
        const a = await run("dev", SHA_A);
        // WHEN commit B is deployed
        const b = await run("dev", SHA_B, a);
        // THEN the image is built and pushed under B, and the Express service's container changes; nothing else
        assert.deepEqual(summary(a, b), [
            ["update", "aws:ecs/expressGatewayService:ExpressGatewayService", "ecs-ship-dev-web-service", "primaryContainer", ""],
            ["update", "docker:index/image:Image", "ecs-ship-dev-web-registry-image", "build,imageName", ""],
        ]);
    });
});

describe("Idempotence: a new commit on prod (Fargate)", function () {
    this.timeout(120000);

    it("updates the image, replaces the task definition revision and updates the service to it; nothing else", async () => {
        const a = await run("prod", SHA_A);
        const b = await run("prod", SHA_B, a);
        assert.deepEqual(summary(a, b), [
            ["update", "aws:ecs/service:Service", "ecs-ship-prod-web-svc", "taskDefinition", ""],
            ["replace", "aws:ecs/taskDefinition:TaskDefinition", "ecs-ship-prod-web-td", "containerDefinitions", ""],
            ["update", "docker:index/image:Image", "ecs-ship-prod-web-registry-image", "build,imageName", ""],
        ]);
    });
});

describe("Idempotence: redeploying an older commit (rollback)", function () {
    this.timeout(180000);

    it("rebuilds nothing and points the service back at the older image's digest", async () => {
        // GIVEN dev deployed at A, then at B
        const a = await run("dev", SHA_A);
        const b = await run("dev", SHA_B, a);
        // WHEN A is deployed again
        const back = await run("dev", SHA_A, b);
        // THEN the image resource keeps B's recorded inputs (no build, no push of the IMMUTABLE tag A)
        // and the service runs A's digest again
        assert.deepEqual(summary(b, back), [
            ["update", "aws:ecs/expressGatewayService:ExpressGatewayService", "ecs-ship-dev-web-service", "primaryContainer", ""],
        ]);
        const image = (p: Plan) => p.resources.find((r) => r.type === "aws:ecs/expressGatewayService:ExpressGatewayService")!.inputs.primaryContainer.image;
        assert.equal(image(back), image(a));
        assert.deepEqual(back.world.images["ecs-ship-dev-web"].map((i) => i.tag), ["4f2a9c1", "9c3e5a7"]);
    });
});
