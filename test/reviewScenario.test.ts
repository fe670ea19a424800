// The review-env scenario (test/scenarios/review-env) planned through index.ts as the template stack `review`
// and as pull request 42's stack: what each creates, under which names, at which sizes, and what a review
// stack costs a month (tools/review/reviewCost.ts, which the review workflow's pull-request comment shows).
import { strict as assert } from "assert";
import { ConfigError } from "../config";
import { Plan, plan } from "../tools/planner/planner";
import { reviewCostOf, reviewStackMonthlyCost } from "../tools/review/reviewCost";
import { REVIEW_SHA, TEMPLATE, reviewPlan, templateVariant } from "./support/reviewPlans";

const variant = templateVariant;

const count = (p: Plan) => {
    const out: Record<string, number> = {};
    for (const r of p.resources) out[r.type] = (out[r.type] ?? 0) + 1;
    return out;
};

describe("review scenario: stack review creates only the review trust", function () {
    this.timeout(120_000);
    let p: Plan;
    before(async () => { p = await reviewPlan("review"); });

    it("creates the role, its five policies and their attachments, and the boundary: nothing else", () => {
        assert.deepEqual(count(p), {
            "pulumi:providers:aws": 1,
            "ecs-ship:index:ReviewTrust": 1,
            "aws:iam/role:Role": 1,
            "aws:iam/policy:Policy": 6,
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 5,
        });
    });

    it("names the role and the boundary as every pr-<n> stack and the workflow expect", () => {
        assert.equal(p.outputs.deployRoleArn, "arn:aws:iam::123456789012:role/ecs-ship-review-deploy");
        assert.equal(p.outputs.permissionsBoundaryArn, "arn:aws:iam::123456789012:policy/ecs-ship-review-boundary");
        assert.deepEqual(p.outputs.services, {});
    });

    it("protects the trust, as a stack's own trust is: the review role cannot delete it, an administrator removes it", () => {
        const unprotected = p.resources.filter((r) => r.type.startsWith("aws:iam/") && !r.protect);
        assert.deepEqual(unprotected.map((r) => r.name), []);
    });

    it("creates GitHub's OIDC provider when the template reuses none", async () => {
        const q = await plan("review", { stackFile: variant((c) => { delete c["ecs-ship:github"].oidcProviderArn; }), env: { GITHUB_SHA: REVIEW_SHA } });
        assert.equal(count(q)["aws:iam/openIdConnectProvider:OpenIdConnectProvider"], 1);
        assert.deepEqual(q.violations, []);
    });
});

describe("review scenario: pr-42 runs the template's services at review sizes", function () {
    this.timeout(120_000);
    let p: Plan;
    before(async () => { p = await reviewPlan("pr-42"); });
    const of = (type: string) => p.resources.filter((r) => r.type === type);

    it("creates no trust of its own", () => {
        for (const type of ["aws:iam/openIdConnectProvider:OpenIdConnectProvider", "ecs-ship:index:GithubOidcTrust", "ecs-ship:index:ReviewTrust", "aws:iam/policy:Policy"]) assert.deepEqual(of(type), [], type);
        assert.equal(p.outputs.deployRoleArn, "arn:aws:iam::123456789012:role/ecs-ship-review-deploy");
        assert.equal(p.outputs.previewRoleArn, undefined);
    });

    it("names everything under ecs-ship-pr-42 and tags it as a review", () => {
        const named = p.resources.filter((r) => typeof r.state.name === "string" && r.type.startsWith("aws:") && !r.type.startsWith("aws:vpc/"));
        assert.ok(named.length > 10);
        assert.deepEqual(named.filter((r) => !String(r.state.name).startsWith("ecs-ship-pr-42-")).map((r) => `${r.type} ${r.state.name}`), []);
        const provider = of("pulumi:providers:aws")[0];
        const tags = typeof provider.inputs.defaultTags === "string" ? JSON.parse(provider.inputs.defaultTags) : provider.inputs.defaultTags;
        assert.deepEqual(tags.tags, { "ecs-ship:stack": "pr-42", "ecs-ship:managed-by": "pulumi", "ecs-ship:review": "true" });
    });

    it("runs one task of each, on Fargate Spot where Fargate runs it, scaling to one", () => {
        const svc = of("aws:ecs/service:Service")[0];
        assert.deepEqual(svc.inputs.capacityProviderStrategies.map((c: { capacityProvider: string }) => c.capacityProvider), ["FARGATE_SPOT"]);
        assert.equal(svc.inputs.desiredCount, 1);
        assert.deepEqual(of("aws:appautoscaling/target:Target").map((t) => [t.inputs.minCapacity, t.inputs.maxCapacity]), [[1, 1]]);
        const express = of("aws:ecs/expressGatewayService:ExpressGatewayService")[0];
        assert.deepEqual(express.inputs.scalingTargets.map((t: { minTaskCount: number; maxTaskCount: number }) => [t.minTaskCount, t.maxTaskCount]), [[1, 1]]);
        const td = of("aws:ecs/taskDefinition:TaskDefinition")[0];
        assert.deepEqual([td.inputs.cpu, td.inputs.memory], ["512", "1024"]);
    });

    it("keeps what the template says over the review defaults", async () => {
        const q = await plan("pr-42", {
            stackFile: variant((c) => { Object.assign(c["ecs-ship:services"].web, { spot: false, scaling: { min: 1, max: 3 } }); }),
            env: { GITHUB_SHA: REVIEW_SHA },
        });
        const svc = q.resources.find((r) => r.type === "aws:ecs/service:Service")!;
        assert.deepEqual(svc.inputs.capacityProviderStrategies.map((c: { capacityProvider: string }) => c.capacityProvider), ["FARGATE"]);
        assert.deepEqual(q.resources.filter((r) => r.type === "aws:appautoscaling/target:Target").map((t) => t.inputs.maxCapacity), [3]);
    });

    it("refuses a template a review role could not deploy alone, naming the key and why", async () => {
        const file = variant((c) => { c["ecs-ship:services"].web.secrets = { DB_URL: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf" }; });
        await assert.rejects(plan("pr-42", { stackFile: file, env: { GITHUB_SHA: REVIEW_SHA } }), (e: unknown) => {
            assert.ok(e instanceof ConfigError);
            assert.deepEqual(e.problems, ['ecs-ship:services.web.secrets: is not allowed in a review template (it becomes an inline role policy, which only an administrator writes, and review stacks deploy without one), got {"DB_URL":"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"}']);
            return true;
        });
    });
});

describe("review scenario: what a review stack costs a month", function () {
    this.timeout(120_000);

    it("prices pr-42 per service and for the template's three stacks together", async () => {
        // GIVEN the template (maxStacks 3)  WHEN pull request 42's stack is planned and priced
        const c = await reviewStackMonthlyCost({ stackFile: TEMPLATE, number: 42, env: { GITHUB_SHA: REVIEW_SHA } });
        // THEN one stack costs its services' sum plus the shared part, and three stacks three times that
        assert.equal(c.stack, "pr-42");
        assert.equal(c.maxStacks, 3);
        assert.deepEqual(c.services.map((s) => s.name).sort(), ["api", "web"]);
        assert.ok(c.monthly.expected > 0);
        assert.equal(c.allStacks.expected, Math.round(c.monthly.expected * 3 * 100) / 100);
        // One task at most: the maximum is the minimum for the Fargate service.
        const web = c.services.find((s) => s.name === "web")!.monthly;
        assert.equal(web.low, web.high);
        assert.match(c.markdown, /### Monthly cost estimate: `pr-42`/);
        assert.ok(c.estimate.services.find((s) => s.name === "web")!.items.some((i) => /Spot/.test(i.explain)));
    });

    it("costs less than the same services at ordinary defaults (on-demand, scaling to four)", async () => {
        const review = reviewCostOf(await reviewPlan("pr-42"), 3);
        const ordinary = variant((c) => { Object.assign(c["ecs-ship:services"].web, { spot: false, scaling: { max: 4 } }); c["ecs-ship:services"].api.scaling = { max: 4 }; });
        const full = reviewCostOf(await plan("pr-42", { stackFile: ordinary, env: { GITHUB_SHA: REVIEW_SHA } }), 3);
        assert.ok(review.monthly.expected < full.monthly.expected, `${review.monthly.expected} < ${full.monthly.expected}`);
        assert.ok(review.monthly.high < full.monthly.high);
    });
});
