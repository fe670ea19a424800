// The review deploy role against the call table (components/trust/iamCalls/index.ts), with the real IAM evaluator: every
// call of a review stack's `up` and `destroy` is allowed, and every call of prod's and dev's, on their own
// resources, is not. The role and its policies are those stack `review` plans; the calls are those of pr-42's plan.
import { strict as assert } from "assert";
import { STACK_TAG } from "../components/trust/trustPolicies";
import { Plan, plan } from "../tools/planner/planner";
import { PR_TAGS, REVIEW_SHA, ReviewTrustPlan, evaluateCalls as evaluate, reviewPlan, reviewTrustOf } from "./support/reviewPlans";


describe("review role: every call of a review stack's up and destroy is allowed", function () {
    this.timeout(300_000);
    let review: Plan;
    let pr: Plan;
    let trust: ReviewTrustPlan;
    before(async () => {
        review = await reviewPlan("review");
        pr = await reviewPlan("pr-42");
        trust = reviewTrustOf(review);
    });

    it("plans both stacks within every AWS limit, the review role's policies included", () => {
        assert.deepEqual(review.violations, []);
        assert.deepEqual(pr.violations, []);
    });

    it("gives every role of pr-42 the review stack's boundary, by its fixed name", () => {
        // GIVEN pr-42's roles  WHEN their boundaries are read  THEN each is the boundary stack `review` created
        const roles = pr.resources.filter((r) => r.type === "aws:iam/role:Role");
        assert.ok(roles.length >= 3);
        assert.equal(trust.boundaryArn, "arn:aws:iam::123456789012:policy/ecs-ship-review-boundary");
        for (const r of roles) assert.equal(r.inputs.permissionsBoundary, trust.boundaryArn, r.name);
    });

    it("allows the review role every tabled call of pr-42's plan", async () => {
        // GIVEN the review role's policies and pr-42's plan  WHEN each call is simulated with pr-42's tags
        const results = await evaluate(trust, pr, PR_TAGS, review.resources);
        // THEN every one is allowed
        const denied = results.filter((e) => e.decision !== "Allowed").map((e) => `${e.call.action} on ${e.arn} (${e.resource}, ${e.call.phase}): ${e.decision}`);
        assert.deepEqual(denied, []);
        assert.ok(results.length > 100, `only ${results.length} calls`);
    });

    it("allows the calls of another pull request's stack too (pr-7, a one-digit load balancer name)", async () => {
        const other = await reviewPlan("pr-7");
        const results = await evaluate(trust, other, { ...PR_TAGS, [STACK_TAG]: "pr-7" }, review.resources);
        assert.deepEqual(results.filter((e) => e.decision !== "Allowed").map((e) => `${e.call.action} on ${e.arn}`), []);
    });

    it("denies those same calls when the resources lack the review tag (a stack named pr-… is a review stack or nothing)", async () => {
        // GIVEN pr-42's plan  WHEN its calls carry the stack tag but not ecs-ship:review=true
        const results = await evaluate(trust, pr, { [STACK_TAG]: "pr-42", "ecs-ship:managed-by": "pulumi" }, review.resources);
        // THEN every create the tag scopes is refused
        const creates = results.filter((e) => e.call.phase === "create" && e.call.requestTags && e.decision === "Allowed" && /CreateLoadBalancer|CreateTargetGroup|CreateRepository|CreateRole|CreateSecurityGroup$/.test(e.call.action) && !e.arn.includes(":vpc/"));
        assert.deepEqual(creates.map((e) => `${e.call.action} on ${e.arn}`), []);
    });
});

describe("review role: denied on prod's and dev's resources", function () {
    this.timeout(300_000);
    let trust: ReviewTrustPlan;
    before(async () => { trust = reviewTrustOf(await reviewPlan("review")); });

    /**
     * Calls the review role may make on any stack's behalf, by what they are authorized on: actions with no
     * resource type ("*": Describe, GetAuthorizationToken, Describe/DeregisterTaskDefinition, as for every
     * deploy role: docs/security-model.md, "What AWS cannot scope"), the VPC a security group is created in
     * (the group itself must carry the review tags), and service-linked roles (one per account and service).
     */
    const unscoped = (arn: string) => arn === "*" || /:vpc\/|:role\/aws-service-role\//.test(arn);

    for (const stack of ["prod", "dev"]) {
        it(`denies the review role every tabled call of ${stack}'s plan on ${stack}'s own resources`, async () => {
            // GIVEN the ${stack} stack as it ships, its resources tagged for ${stack}
            const p = await plan(stack, { env: { GITHUB_SHA: REVIEW_SHA } });
            const tags = { [STACK_TAG]: stack, "ecs-ship:managed-by": "pulumi" };
            // WHEN the review role makes each call of its up and destroy
            const results = await evaluate(trust, p, tags, p.resources);
            // THEN none on a resource of ${stack}'s is allowed
            const allowed = results.filter((e) => e.decision === "Allowed" && !unscoped(e.arn)).map((e) => `${e.call.action} on ${e.arn} (${e.call.phase})`);
            assert.deepEqual(allowed, []);
            assert.ok(results.filter((e) => !unscoped(e.arn)).length > 100);
        });
    }
});
