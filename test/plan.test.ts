// npm run plan: the real program under the mock runtime, for each stack file.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan, ROOT, plan, planJson } from "../tools/planner";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";

/** Runs `npm run plan` as a user would, with a fixed commit. */
function runPlan(args: string[]) {
    return spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(ROOT, "tools/plan.ts"), ...args], {
        cwd: ROOT,
        env: { ...process.env, GITHUB_SHA: SHA },
        encoding: "utf8",
    });
}

function tempStackFile(yaml: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-plan-"));
    const file = path.join(dir, "Pulumi.bad.yaml");
    fs.writeFileSync(file, yaml);
    return file;
}

describe("plan: command line", function () {
    this.timeout(120_000);

    it("reports no changes for a re-run of the same commit with --rerun", () => {
        // GIVEN the dev stack  WHEN planned twice, the second time against the first run's account
        const r = runPlan(["--stack", "dev", "--rerun"]);
        // THEN the second `pulumi up` would change nothing
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, 'Re-run of stack "dev" against the first run\'s account: no changes\n');
    });

    it("reports the image and what runs it for a new commit with --rerun --rerun-sha", () => {
        const r = runPlan(["--stack", "dev", "--rerun", "--rerun-sha", "9c3e5a7", "--json"]);
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout).changes.map((c: { action: string; name: string }) => `${c.action} ${c.name}`).sort(), [
            "update ecs-ship-dev-web-registry-image", "update ecs-ship-dev-web-service",
        ]);
    });

    it("prints only the plan JSON on stdout with --json", () => {
        const r = runPlan(["--stack", "dev", "--json"]);
        assert.equal(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.deepEqual(Object.keys(doc), ["project", "stack", "resources", "outputs"]);
        assert.equal(doc.project, "ecs-ship");
        assert.equal(doc.stack, "dev");
        for (const res of doc.resources) assert.deepEqual(Object.keys(res).slice(0, 5), ["type", "name", "parent", "inputs", "dependsOn"]);
    });

    it("prints only JSON through `npm run plan -- --json`, so it can be piped", () => {
        const r = spawnSync("npm", ["run", "plan", "--", "--stack", "dev", "--json"], { cwd: ROOT, env: { ...process.env, GITHUB_SHA: SHA }, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).stack, "dev");
    });

    it("exits 2 and lists every problem of an invalid stack file, each with its full key", () => {
        // GIVEN a stack file with ten problems
        const file = tempStackFile(`config:
  aws:region: us-east-1
  ecs-ship:github:
    repository: "acme/*"
    deployBranches: ["*"]
  ecs-ship:registry:
    keepImages: 0
  ecs-ship:services:
    web:
      mode: lambda
      image: { context: app, ref: nope }
      port: 80a
      memory: 4096
      architecture: arm
      healthCheckPath: health
      scaling: { metric: latency }
`);
        // WHEN it is planned
        const r = runPlan(["--stack", "bad", "--stack-file", file, "--json"]);
        // THEN the plan exits 2, prints nothing on stdout, and names each key on stderr
        assert.equal(r.status, 2);
        assert.equal(r.stdout, "");
        const keys = r.stderr.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.slice(4).split(": ")[0]);
        assert.deepEqual(keys, [
            "ecs-ship:github.repository",
            "ecs-ship:github.deployBranches[0]",
            "ecs-ship:registry.keepImages",
            "ecs-ship:services.web.mode",
            "ecs-ship:services.web.image",
            "ecs-ship:services.web.port",
            "ecs-ship:services.web.memory",
            "ecs-ship:services.web.architecture",
            "ecs-ship:services.web.healthCheckPath",
            "ecs-ship:services.web.scaling.metric",
        ]);
    });

    it("exits 2 when a resource would break an AWS limit, naming the resource, limit and source", () => {
        // GIVEN a valid service whose app permissions are too large for the permissions boundary
        const statements = Array.from({ length: 60 }, (_, i) => `      - { Effect: Allow, Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::acme-shop-assets-bucket-${i}/*"] }`).join("\n");
        const file = tempStackFile(`config:
  aws:region: us-east-1
  ecs-ship:github: { repository: acme/shop }
  ecs-ship:services:
    web:
      mode: express
      image: { context: app }
      taskPolicyStatements:
${statements}
`);
        // WHEN it is planned
        const r = runPlan(["--stack", "dev", "--stack-file", file]);
        // THEN the plan stops before anything is created, naming the resource, the limit and its source
        assert.equal(r.status, 2);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /^Pre-flight: 1 resource\(s\) would be rejected by AWS:\n  - ecs-ship-dev-github-boundary \(aws:iam\/policy:Policy\): policy document is \d+ characters; limit: managed policy document at most 6,144 characters, whitespace excluded \[IAM User Guide, IAM and AWS STS quotas, Managed policy size\]\n$/);
    });

    it("exits 2 for a stack with no stack file", () => {
        const r = runPlan(["--stack", "nosuch"]);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /stack "nosuch": no stack file Pulumi\.nosuch\.yaml/);
    });
});

for (const stack of ["dev", "prod"]) {
    describe(`plan: ${stack} stack`, function () {
        this.timeout(60_000);
        let p: Plan;
        before(async () => { p = await plan(stack, { env: { GITHUB_SHA: SHA } }); });

        it("breaks no AWS limit", () => {
            assert.deepEqual(p.violations, []);
        });

        it("gives every resource a parent chain that ends at a top-level component or the provider", () => {
            const byUrn = new Map(p.resources.map((r) => [r.urn, r]));
            const orphans = p.resources.filter((r) => {
                let cur = r;
                while (cur.parentUrn) {
                    const up = byUrn.get(cur.parentUrn);
                    if (!up) return true;
                    cur = up;
                }
                return !(cur.type.startsWith("ecs-ship:index:") || cur.type === "pulumi:providers:aws");
            });
            assert.deepEqual(orphans.map((r) => r.name), []);
        });

        it("serializes every resource to the documented JSON shape, with parents that exist", () => {
            const doc = JSON.parse(JSON.stringify(planJson(p)));
            assert.equal(doc.stack, stack);
            assert.equal(doc.resources.length, p.resources.length);
            const names = new Set(doc.resources.map((r: any) => r.name));
            const bad = doc.resources.filter((r: any) =>
                typeof r.type !== "string" || typeof r.inputs !== "object" || !Array.isArray(r.dependsOn) ||
                !(r.parent === null || names.has(r.parent)) || r.dependsOn.some((d: string) => !names.has(d)));
            assert.deepEqual(bad.map((r: any) => r.name), []);
        });

        it("tags the image with the 7-character commit", () => {
            const image = p.resources.find((r) => r.type === "docker:index/image:Image")!;
            assert.equal(image.inputs.imageName, `123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-${stack}-web:4f2a9c1`);
        });
    });
}

describe("plan: secrets", function () {
    this.timeout(60_000);
    it("shows the registry password as [secret], never its value", async () => {
        const p = await plan("dev", { env: { GITHUB_SHA: SHA } });
        const image = (planJson(p) as any).resources.find((r: any) => r.type === "docker:index/image:Image");
        assert.equal(image.inputs.registry, "[secret]");
        assert.doesNotMatch(JSON.stringify(planJson(p)), /mock-ecr-password/);
    });
});
