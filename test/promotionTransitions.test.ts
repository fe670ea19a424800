// Update transitions of one build, promoted, planned through index.ts before and after a stack-file
// edit (the second plan against the account the first left) and simulated against the model of the AWS
// account (tools/simulate): a prod service switching from its own build to staging's and back, and
// staging's pull grant gaining a later stack. Each goes through in the engine's order.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { plan } from "../tools/planner/planner";
import { renderSimulation, simulate } from "../tools/simulate";
import { PROMOTED_IMAGES_ENV } from "../config/promotion";
import { PROMOTION_DIR, SHA } from "./support/promotion";

type Config = Record<string, any>;
const SERVICES = "ecs-ship:services";
const ref = (service: string) => `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-ship-staging-${service}@sha256:${"a1".repeat(32)}`;
const ENV = { GITHUB_SHA: SHA, [PROMOTED_IMAGES_ENV]: JSON.stringify({ web: ref("web"), admin: ref("admin") }) };

/** A folder with the scenario's staging and prod stack files, each edited. */
function folder(edit: { staging?: (c: Config) => void; prod?: (c: Config) => void }): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-promotion-"));
    for (const stack of ["staging", "prod"] as const) {
        const doc = parse(fs.readFileSync(path.join(PROMOTION_DIR, `Pulumi.${stack}.yaml`), "utf8"));
        edit[stack]?.(doc.config);
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify(doc));
    }
    return dir;
}

async function transition(stack: "staging" | "prod", before: string, after: string) {
    const a = await plan(stack, { env: ENV, stackFile: path.join(before, `Pulumi.${stack}.yaml`) });
    const b = await plan(stack, { env: ENV, world: a.world, stackFile: path.join(after, `Pulumi.${stack}.yaml`) });
    const sim = simulate(a.resources, b.resources);
    return { ...sim, text: `\n${renderSimulation(stack, "before", sim)}` };
}

const prodBuildsWeb = (c: Config) => { c[SERVICES].web.image = { context: "app" }; };

describe("Transitions: one build, promoted, simulated against AWS's rules", function () {
    this.timeout(240_000);

    it("prod's web switches from its own build to staging's: its repository and build go, the service takes staging's digest", async () => {
        const t = await transition("prod", folder({ prod: prodBuildsWeb }), folder({}));
        assert.ok(!t.failure, t.text);
        assert.ok(t.steps.some((s) => s.op === "delete" && s.type === "aws:ecr/repository:Repository" && s.name === "ecs-ship-prod-web-registry-repo"), t.text);
        const task = t.steps.find((s) => s.type === "aws:ecs/taskDefinition:TaskDefinition" && (s.op === "update" || s.op === "create-replacement"));
        assert.ok(task && JSON.stringify(task.new?.inputs).includes(ref("web")), t.text);
        // The repository goes only after nothing runs its image any more.
        const deleteRepo = t.steps.find((s) => s.op === "delete" && s.type === "aws:ecr/repository:Repository")!;
        assert.ok(t.steps.findIndex((s) => s === task) < t.steps.indexOf(deleteRepo), t.text);
    });

    it("and back: prod's web builds again, its repository created before the image and the service that runs it", async () => {
        const t = await transition("prod", folder({}), folder({ prod: prodBuildsWeb }));
        assert.ok(!t.failure, t.text);
        const order = (type: string) => t.steps.findIndex((s) => s.op === "create" && s.type === type && s.name.startsWith("ecs-ship-prod-web"));
        assert.ok(order("aws:ecr/repository:Repository") >= 0 && order("aws:ecr/repository:Repository") < order("docker:index/image:Image"), t.text);
    });

    it("staging's repositories gain prod's pull grant and protected-tag rule when prod starts running staging's images", async () => {
        // GIVEN staging promoting to nobody while prod builds its own
        const before = folder({
            staging: (c) => { delete c["ecs-ship:registry"]; },
            prod: (c) => { prodBuildsWeb(c); c[SERVICES].admin.image = { context: "app" }; },
        });
        const t = await transition("staging", before, folder({}));
        assert.ok(!t.failure, t.text);
        assert.deepEqual(t.steps.filter((s) => s.type === "aws:ecr/repositoryPolicy:RepositoryPolicy").map((s) => `${s.op} ${s.name}`).sort(),
            ["create ecs-ship-staging-admin-registry-pull", "create ecs-ship-staging-web-registry-pull"]);
        assert.deepEqual(t.steps.filter((s) => s.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy").map((s) => `${s.op} ${s.changed.join(",")}`), ["update policy", "update policy"]);
        // Nothing is rebuilt or replaced in staging.
        assert.deepEqual(t.steps.filter((s) => s.op !== "update" && s.op !== "create").map((s) => `${s.op} ${s.name}`), [], t.text);
    });

    it("staging's grant adds a second later stack's account in place", async () => {
        const qa = (c: Config) => { c["ecs-ship:registry"].promoteTo.qa = "333344445555"; };
        const before = folder({});
        const after = folder({ staging: qa });
        fs.writeFileSync(path.join(after, "Pulumi.qa.yaml"), fs.readFileSync(path.join(after, "Pulumi.prod.yaml"), "utf8"));
        const t = await transition("staging", before, after);
        assert.ok(!t.failure, t.text);
        const grants = t.steps.filter((s) => s.type === "aws:ecr/repositoryPolicy:RepositoryPolicy");
        assert.deepEqual(grants.map((s) => `${s.op} ${s.changed.join(",")}`), ["update policy", "update policy"], t.text);
        assert.match(String(grants[0].new?.inputs.policy), /333344445555:role\/ecs-ship-qa-(web|admin)-exec-\?{7}/);
    });
});
