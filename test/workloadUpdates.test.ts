// Update paths of workers and scheduled jobs: add, remove and rename each, planned through the real
// program twice (the second run against the first run's account) and compared with the providers'
// replacement rules (tools/planner/replacements.ts). Nothing else of the stack may be replaced, and no step
// may be one AWS refuses.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ROOT, plan } from "../tools/planner/planner";
import { ResourceChange, compareRuns } from "../tools/planner/replacements";

const SHA = "4f2a9c1e0b7d3a5c9e1f2b4d6a8c0e2f4b6d8a0c";
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-workloads-"));
const DJANGO = path.join(ROOT, "test", "scenarios", "django", "Pulumi.prod.yaml");

/** A copy of the Django production stack file with its config edited. */
function edited(label: string, edit: (config: Record<string, any>) => void): string {
    const doc = parse(fs.readFileSync(DJANGO, "utf8"));
    edit(doc.config);
    const file = path.join(TMP, `Pulumi.prod.${label}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}

/** Plans the stack file as `before` leaves it, then as `after` leaves it (each edits the Django file as shipped). */
async function change(label: string, before: (c: Record<string, any>) => void, after: (c: Record<string, any>) => void): Promise<ResourceChange[]> {
    const first = await plan("prod", { env: { GITHUB_SHA: SHA }, stackFile: edited(`${label}-before`, before) });
    const second = await plan("prod", { env: { GITHUB_SHA: SHA }, world: first.world, stackFile: edited(label, after) });
    return compareRuns(first.resources, second.resources);
}

const pick = (c: ResourceChange[], action: string) => c.filter((x) => x.action === action).map((x) => x.name).sort();
const problems = (c: ResourceChange[]) => c.filter((x) => x.problem).map((x) => `${x.name}: ${x.problem}`);
const noJobs = (c: Record<string, any>) => { delete c["ecs-ship:jobs"]; };
const noWorker = (c: Record<string, any>) => { delete c["ecs-ship:services"].worker; };
/** Every name belongs to this component, or is the deploy role's pass-role policy for it. */
const only = (names: string[], component: string, pass: string) => names.filter((n) => !n.startsWith(`${component}-`) && n !== component && n !== `ecs-ship-prod-github-pass-${pass}`);

describe("Update paths: workers and scheduled jobs (real program, planned twice)", function () {
    this.timeout(240_000);

    it("add a worker: only the worker's resources are created; nothing replaced, nothing deleted", async () => {
        const c = await change("add-worker", noWorker, () => undefined);
        const created = pick(c, "create");
        assert.ok(created.includes("ecs-ship-prod-worker-svc") && created.includes("ecs-ship-prod-worker-scale-queue"), created.join(", "));
        assert.deepEqual(only(created, "ecs-ship-prod-worker", "worker"), []);
        assert.deepEqual([pick(c, "replace"), pick(c, "delete"), problems(c)], [[], [], []]);
        // The worker's SQS statement joins the boundary, its family the deploy role's task families, and its task
        // role (the stack's first) the pass-role patterns: the trust's policies are updated in place.
        assert.deepEqual(pick(c, "update"), ["ecs-ship-prod-github-boundary", "ecs-ship-prod-github-deploy-iam", "ecs-ship-prod-github-deploy-tasks"]);
    });

    it("remove a worker: only its resources are deleted", async () => {
        const c = await change("remove-worker", () => undefined, noWorker);
        assert.ok(pick(c, "delete").includes("ecs-ship-prod-worker-svc"));
        assert.deepEqual(only(pick(c, "delete"), "ecs-ship-prod-worker", "worker"), []);
        assert.deepEqual([pick(c, "create"), pick(c, "replace"), problems(c)], [[], [], []]);
        // Its SQS statement leaves the boundary, its family and the task-role pattern the deploy role.
        assert.deepEqual(pick(c, "update"), ["ecs-ship-prod-github-boundary", "ecs-ship-prod-github-deploy-iam", "ecs-ship-prod-github-deploy-tasks"]);
    });

    it("rename a worker: the old one is deleted and the new one created, under names that do not collide", async () => {
        const c = await change("rename-worker", () => undefined, (cfg) => {
            cfg["ecs-ship:services"].celery = cfg["ecs-ship:services"].worker;
            delete cfg["ecs-ship:services"].worker;
        });
        assert.ok(pick(c, "create").includes("ecs-ship-prod-celery-svc"));
        assert.deepEqual(only(pick(c, "create"), "ecs-ship-prod-celery", "celery"), []);
        assert.deepEqual(only(pick(c, "delete"), "ecs-ship-prod-worker", "worker"), []);
        // The deploy role's task families name the new family instead of the old one.
        assert.deepEqual([pick(c, "update"), pick(c, "replace"), problems(c)], [["ecs-ship-prod-github-deploy-tasks"], [], []]);
    });

    it("add a job: its task definition, security group, scheduler role and schedule are created; the trust's policies grow in place", async () => {
        const c = await change("add-job", noJobs, () => undefined);
        const created = pick(c, "create");
        assert.ok(created.includes("ecs-ship-prod-clear-sessions-job-td") && created.includes("ecs-ship-prod-clear-sessions-job-sched"), created.join(", "));
        assert.equal(c.filter((x) => x.action === "create" && x.type === "aws:scheduler/schedule:Schedule").length, 1);
        // The trust writes the scheduler grant (components/trust/schedulerPolicies.ts); the job attaches it.
        assert.deepEqual(only(created, "ecs-ship-prod-clear-sessions-job", "job-clear-sessions"), ["ecs-ship-prod-github-sched-grant"]);
        // The boundary gains the scheduler statements, the deploy role the schedules, the job's family and the sched role kind.
        assert.deepEqual(pick(c, "update"), ["ecs-ship-prod-github-boundary", "ecs-ship-prod-github-deploy-edge", "ecs-ship-prod-github-deploy-iam", "ecs-ship-prod-github-deploy-tasks", "ecs-ship-prod-github-preview"]);
        assert.deepEqual([pick(c, "replace"), pick(c, "delete"), problems(c)], [[], [], []]);
    });

    it("remove a job: its resources are deleted, and the scheduler permissions leave the trust", async () => {
        const c = await change("remove-job", () => undefined, noJobs);
        assert.deepEqual(only(pick(c, "delete"), "ecs-ship-prod-clear-sessions-job", "job-clear-sessions"), ["ecs-ship-prod-github-sched-grant"]);
        assert.ok(pick(c, "delete").length >= 6);
        assert.deepEqual(pick(c, "update"), ["ecs-ship-prod-github-boundary", "ecs-ship-prod-github-deploy-edge", "ecs-ship-prod-github-deploy-iam", "ecs-ship-prod-github-deploy-tasks", "ecs-ship-prod-github-preview"]);
        assert.deepEqual([pick(c, "create"), pick(c, "replace"), problems(c)], [[], [], []]);
    });

    it("rename a job: the old job is deleted and the new one created; the trust's families and grant name the new one", async () => {
        const c = await change("rename-job", () => undefined, (cfg) => {
            cfg["ecs-ship:jobs"].sessions = cfg["ecs-ship:jobs"]["clear-sessions"];
            delete cfg["ecs-ship:jobs"]["clear-sessions"];
        });
        assert.ok(pick(c, "create").includes("ecs-ship-prod-sessions-job-td"));
        assert.deepEqual(only(pick(c, "create"), "ecs-ship-prod-sessions-job", "job-sessions"), []);
        assert.deepEqual(only(pick(c, "delete"), "ecs-ship-prod-clear-sessions-job", "job-clear-sessions"), []);
        assert.deepEqual([pick(c, "update"), pick(c, "replace"), problems(c)], [["ecs-ship-prod-github-deploy-tasks", "ecs-ship-prod-github-sched-grant"], [], []]);
    });

    it("change a job's schedule: the schedule is updated in place, nothing else", async () => {
        const c = await change("job-schedule", () => undefined, (cfg) => { cfg["ecs-ship:jobs"]["clear-sessions"].schedule = "cron(30 4 * * ? *)"; });
        assert.deepEqual(c.map((x) => [x.action, x.type, x.changed.join(",")]), [["update", "aws:scheduler/schedule:Schedule", "scheduleExpression"]]);
    });
});
