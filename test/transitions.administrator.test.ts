// Which steps of an update only an administrator can take: those on the stack's trust (children of
// GithubOidcTrust), which the deploy role may not change (docs/trust.md). Planned through index.ts
// before and after each edit, as a pull request's simulation step runs it.
import { strict as assert } from "assert";
import { administratorSentence, needsAdministrator, simulationJson } from "../tools/simulate";
import { Step } from "../tools/simulate/steps";
import { explain, transition } from "./support/transitions";

const SERVICES = "ecs-ship:services";
const none = () => undefined;

describe("update simulator: the steps only an administrator can take", function () {
    this.timeout(240_000);

    it("reads the trust from the URN's type chain: a child of GithubOidcTrust, not a resource that merely shares its name", () => {
        const step = (urn: string) => ({ n: 1, op: "update", type: "", name: "", urn, changed: [], replaceBecause: [] }) as Step;
        assert.equal(needsAdministrator(step("urn:pulumi:dev::shop::ecs-ship:index:GithubOidcTrust$aws:iam/policy:Policy::ecs-ship-dev-github-boundary")), true);
        assert.equal(needsAdministrator(step("urn:pulumi:dev::shop::ecs-ship:index:GithubOidcTrust$aws:iam/role:Role::ecs-ship-dev-github-deploy")), true);
        assert.equal(needsAdministrator(step("urn:pulumi:dev::shop::ecs-ship:index:FargateService$aws:iam/role:Role::ecs-ship-dev-github-exec")), false);
        assert.equal(needsAdministrator(step("urn:pulumi:dev::shop::aws:iam/policy:Policy::ecs-ship:index:GithubOidcTrust")), false);
    });

    it("needs no administrator for what CI deploys every day: an environment variable, a size, the scaling range", async () => {
        const t = await transition("dev", "admin-none", none, (c) => {
            const web = c[SERVICES].web;
            web.environment = { ...web.environment, FEATURE_X: "on" };
            web.memory = 1024;
            web.scaling.max = 3;
        });
        assert.ok(t.steps.length > 0, explain(t));
        assert.deepEqual(t.administrator, [], explain(t));
        assert.equal(administratorSentence("dev", t), undefined);
        assert.doesNotMatch(t.text, /\[administrator\]|needs an administrator/);
    });

    it("marks a new scheduled job's grant and the boundary as the administrator's, and says where CI's up would stop", async () => {
        const t = await transition("dev", "admin-job", none, (c) => {
            c["ecs-ship:jobs"] = { nightly: { service: "web", command: ["node", "nightly.js"], schedule: "cron(0 3 * * ? *)" } };
        });
        assert.equal(t.failure, undefined, explain(t));
        const names = t.administrator.map((s) => `${s.op} ${s.name}`);
        assert.ok(names.includes("create ecs-ship-dev-github-sched-grant"), explain(t));
        assert.ok(names.includes("update ecs-ship-dev-github-boundary"), explain(t));
        // Only the trust's: the job's own role, task definition and schedule are the deploy role's to create.
        for (const s of t.administrator) assert.match(s.urn, /ecs-ship:index:GithubOidcTrust\$/);
        assert.ok(t.steps.some((s) => s.name === "ecs-ship-dev-nightly-job" && !t.administrator.includes(s)), explain(t));
        const first = t.administrator[0].n;
        assert.match(t.text, new RegExp(`^\\s+${first}\\. .*\\[administrator\\]$`, "m"));
        assert.match(t.text, new RegExp(`Note: this change needs an administrator: step\\(s\\) ${t.administrator.map((s) => s.n).join(", ")} change the stack's trust .*Run \`pulumi up --stack dev\` as an administrator .*stops at step ${first} with AccessDenied`));
        const json = simulationJson("dev", "HEAD", t) as { administrator: { steps: number[] }; steps: Array<{ n: number; administrator: boolean }> };
        assert.deepEqual(json.administrator.steps, t.administrator.map((s) => s.n));
        assert.deepEqual(json.steps.filter((s) => s.administrator).map((s) => s.n), json.administrator.steps);
    });

    it("marks a new secret's boundary change, on prod's Fargate service, as the administrator's", async () => {
        const t = await transition("prod", "admin-secret", none, (c) => {
            c[SERVICES].web.secrets = { ...(c[SERVICES].web.secrets ?? {}), STRIPE_KEY: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe-AbCdEf" };
        });
        assert.ok(t.administrator.some((s) => s.name === "ecs-ship-prod-github-boundary" && s.op === "update"), explain(t));
    });
});
