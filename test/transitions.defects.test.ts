// One transition per defect of issue 24, each planned through the real program (index.ts) before and
// after a stack-file edit and simulated against the model of the AWS account (tools/simulate). Each
// one failed on the code the issue was filed against, at the step and rule named in its comment.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { rulePriority } from "../components/frontDoor/frontDoor";
import { ROOT } from "../tools/planner/planner";
import { SHA, explain, stackFile, transition } from "./support/transitions";

const SERVICES = "ecs-ship:services";
/** prod's web alone on www.example.com, behind its own load balancer, with the certificate ecs-ship creates. */
const www = (c: Record<string, any>) => { c[SERVICES].web.domain = "www.example.com"; };
/** A second Fargate service under /api, its probes too (the shared load balancer passes the prefix on). */
const addApi = (c: Record<string, any>) => {
    c[SERVICES].api = { ...structuredClone(c[SERVICES].web), path: "/api", healthCheckPath: "/api/health", versionPath: "/api/version" };
    delete c[SERVICES].api.domain;
};

describe("Transitions: the defects of issue 24, simulated against AWS's rules", function () {
    this.timeout(180_000);

    it("adds a second Fargate service: no target group is put on a second load balancer", async () => {
        // Was: the web target group kept its logical name while moving from its own load balancer to
        // the shared one, so the new https rule forwarded to it while the old listener still did
        // (target-group-one-load-balancer, TargetGroupAssociationLimit, at the rule's create).
        const t = await transition("prod", "one-to-two", www, addApi);
        assert.ok(!t.failure, explain(t));
        assert.ok(t.steps.some((s) => s.op === "create" && s.name === "ecs-ship-prod-shared-alb"), explain(t));
    });

    it("goes back from two Fargate services to one: the listener of its own load balancer takes a target group no other load balancer holds", async () => {
        // Was: CreateListener on the service's own load balancer, forwarding to the target group the
        // shared load balancer's rule still held (TargetGroupAssociationLimit).
        const t = await transition("prod", "two-to-one", (c) => { www(c); addApi(c); }, (c) => { delete c[SERVICES].api; });
        assert.ok(!t.failure, explain(t));
        assert.ok(t.steps.some((s) => s.op === "delete" && s.name === "ecs-ship-prod-shared-alb"), explain(t));
    });

    it("turns alarms off: the service is sent an empty alarm configuration, so ECS detaches the alarms", async () => {
        // Was: the service update dropped `alarms`, which the provider does not send, so ECS kept
        // watching the alarms during the hotfix (ecs-keeps-unsent).
        const t = await transition("prod", "alarms-off", (c) => { c[SERVICES].web.alarms = { email: "ops@example.com" }; }, (c) => { c[SERVICES].web.alarms.enabled = false; });
        assert.ok(!t.failure, explain(t));
        const update = t.steps.find((s) => s.op === "update" && s.name === "ecs-ship-prod-web-svc");
        assert.ok(update?.changed.includes("alarms"), explain(t));
    });

    it("renames a service with an explicit priority: its new rules never take a priority the old rules hold", async () => {
        // Was: CreateRule at priority 150 while the old service's rule still held it (PriorityInUse).
        const t = await transition("prod", "rename-priority",
            (c) => { www(c); addApi(c); c[SERVICES].api.priority = 150; },
            (c) => { c[SERVICES].backend = c[SERVICES].api; delete c[SERVICES].api; });
        assert.ok(!t.failure, explain(t));
        assert.ok(t.steps.some((s) => s.op === "create" && s.name.startsWith("ecs-ship-prod-backend-")), explain(t));
    });

    it("removes a service whose explicit priority the survivor's derived one collided with: the survivor never moves onto a held priority", async () => {
        // GIVEN x holds, explicitly, the priority api's name derives, so api took the next one
        const derived = rulePriority("api", undefined, "hostOrPath");
        const t = await transition("prod", "remove-collided",
            (c) => { www(c); addApi(c); c[SERVICES].x = { ...structuredClone(c[SERVICES].api), path: "/x", healthCheckPath: "/x/health", versionPath: "/x/version", priority: derived }; },
            (c) => { delete c[SERVICES].x; });
        // Was: SetRulePriorities moved api's rule onto `derived` while x's rule still held it (PriorityInUse).
        assert.ok(!t.failure, explain(t));
    });

    it("moves a domain to a certificate of its own: ACM's validation record for the name stays", async () => {
        // Was: the created certificate's validation CNAME was deleted with it, while the user's own
        // certificate of the same name in the account needs that record to renew (acm-validation-record-needed).
        const own = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
        const t = await transition("prod", "own-certificate", www, (c) => { c[SERVICES].web.certificateArn = own; });
        assert.ok(!t.failure, explain(t));
        assert.ok(t.steps.some((s) => s.op === "update" && s.type === "aws:lb/listener:Listener"), explain(t));
    });

    it("deletes an Express service: the drain barrier's code finds every module it requires in an installed package", async () => {
        // Was: the barrier required @aws-sdk/client-ecs, a devDependency, so its delete threw
        // "Cannot find module" in a user's install (dynamic-provider-modules).
        const t = await transition("dev", "remove-express", (c) => { c[SERVICES].api = structuredClone(c[SERVICES].web); }, (c) => { delete c[SERVICES].api; });
        assert.ok(!t.failure, explain(t));
        assert.ok(t.steps.some((s) => s.op === "delete" && s.type === "pulumi-nodejs:dynamic:DrainBarrier"), explain(t));
    });

    it("npm run plan -- --from: one Fargate service → two exits 0, every step accepted", () => {
        const before = stackFile("prod", "cli-one", www);
        const after = stackFile("prod", "cli-two", (c) => { www(c); addApi(c); });
        const r = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(ROOT, "tools/plan/index.ts"), "--stack", "prod", "--stack-file", after, "--from", before],
            { cwd: ROOT, env: { ...process.env, GITHUB_SHA: SHA }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, /^Every step is one AWS accepts/m);
    });
});
