// A live review stack's updates and its destroy, planned through the program and simulated against the model
// of the AWS account (tools/simulate): a second push to the pull request, a template change that adds a
// service, and the pull request's close. Each is one the review role alone can carry out.
import { strict as assert } from "assert";
import { Plan, plan } from "../tools/planner/planner";
import { renderSimulation, simulate } from "../tools/simulate";
import { PR_TAGS, REVIEW_SHA, TEMPLATE, evaluateCalls, reviewPlan, reviewTrustOf, templateVariant } from "./support/reviewPlans";

const NEXT_SHA = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807";

/** Plans pr-42 from `file` on the account `before` left, and simulates the update between them. */
async function update(before: Plan, file: string, sha: string) {
    const after = await plan("pr-42", { stackFile: file, env: { GITHUB_SHA: sha }, world: before.world });
    const sim = simulate(before.resources, after.resources);
    return { after, sim, text: `\n${renderSimulation("pr-42", "the last deploy", sim)}` };
}

describe("review transitions: a live pr stack's updates and destroy", function () {
    this.timeout(300_000);
    let live: Plan;
    before(async () => { live = await reviewPlan("pr-42"); });

    it("accepts a second push (same template, a new image tag) in the engine's order", async () => {
        // GIVEN pr-42 as deployed  WHEN the pull request's next commit is deployed
        const { sim, text } = await update(live, TEMPLATE, NEXT_SHA);
        // THEN every step is one AWS accepts, the images are rebuilt and the services roll to them, nothing is deleted
        assert.ok(!sim.failure, text);
        const changed = sim.steps.map((s) => `${s.op} ${s.type}`);
        assert.ok(changed.includes("update docker:index/image:Image") || changed.includes("create-replacement docker:index/image:Image"), text);
        assert.ok(sim.steps.some((s) => s.type === "aws:ecs/expressGatewayService:ExpressGatewayService" && s.op === "update"), text);
        assert.ok(sim.steps.some((s) => s.type === "aws:ecs/taskDefinition:TaskDefinition"), text);
        assert.deepEqual(sim.steps.filter((s) => s.op === "delete").map((s) => s.name), [], text);
        // AND no step is an administrator's: a pr stack has no trust of its own
        assert.deepEqual(sim.administrator, [], text);
    });

    it("accepts a template change that adds a Fargate service: web moves onto the shared load balancer, and the review role can make every call", async () => {
        // GIVEN pr-42 as deployed  WHEN the pull request adds a second Fargate service to its template copy
        const file = templateVariant((c) => { c["ecs-ship:services"].admin = { mode: "fargate", image: { context: "app" }, path: "/admin", healthCheckPath: "/admin/health" }; });
        const { after, sim, text } = await update(live, file, NEXT_SHA);
        // THEN every step is one AWS accepts, in the engine's order
        assert.ok(!sim.failure, text);
        assert.ok(sim.steps.some((s) => s.op === "create" && /^pr-42-shared-[0-9a-f]{6}-alb$/.test(s.name)), text);
        assert.ok(sim.steps.some((s) => s.op === "create" && s.name === "ecs-ship-pr-42-admin-svc"), text);
        assert.deepEqual(sim.administrator, [], text);
        // AND the review role needs no administrator for it: every call of the new plan is allowed
        const trust = reviewTrustOf(await reviewPlan("review"));
        const denied = (await evaluateCalls(trust, after, PR_TAGS, (await reviewPlan("review")).resources)).filter((e) => e.decision !== "Allowed");
        assert.deepEqual(denied.map((e) => `${e.call.action} on ${e.arn}`), []);
    });

    it("destroys pr-42 to nothing: every resource is deleted, none is protected or retained, and the review role may delete each", async () => {
        // GIVEN pr-42 as deployed  WHEN the pull request closes and the stack is destroyed
        const sim = simulate(live.resources, []);
        const text = `\n${renderSimulation("pr-42", "the last deploy", sim)}`;
        // THEN AWS accepts every delete, and every resource the stack recorded is among them
        assert.ok(!sim.failure, text);
        assert.deepEqual(sim.administrator, [], text);
        const deleted = new Set(sim.steps.filter((s) => s.op === "delete").map((s) => s.urn));
        const kept = live.resources.filter((r) => r.custom && !deleted.has(r.urn)).map((r) => `${r.type} ${r.name}`);
        assert.deepEqual(kept, [], text);
        assert.deepEqual(live.resources.filter((r) => r.protect || r.retainOnDelete).map((r) => r.name), []);
        // AND the review role is allowed every delete call of them (components/trust/iamCalls/index.ts, phase delete)
        const review = await reviewPlan("review");
        const deletes = (await evaluateCalls(reviewTrustOf(review), live, PR_TAGS, review.resources)).filter((e) => e.call.phase === "delete");
        assert.ok(deletes.length > 20, `only ${deletes.length} delete calls`);
        assert.deepEqual(deletes.filter((e) => e.decision !== "Allowed").map((e) => `${e.call.action} on ${e.arn}`), []);
    });

    it("marks every change to the review trust itself (stack review) as an administrator's", async () => {
        // GIVEN stack review as applied  WHEN the template moves from a label to an environment with reviewers
        const before = await reviewPlan("review");
        const after = await plan("review", { stackFile: templateVariant((c) => { c["ecs-ship:review"] = { require: "environment" }; }), env: { GITHUB_SHA: NEXT_SHA }, world: before.world });
        const sim = simulate(before.resources, after.resources);
        // THEN the role's trust policy changes, and that step is the administrator's
        const text = `\n${renderSimulation("review", "the last admin run", sim)}`;
        assert.deepEqual(sim.administrator.map((s) => `${s.op} ${s.name}`), ["update ecs-ship-review-github-deploy"], text);
    });
});
