// The ECS infrastructure role for load balancers (components/fargate/trafficShift.ts) and the deploy role's
// part in it, evaluated with a real IAM evaluator on the policies the canary fixture's plan creates:
// ECS may shift exactly one service's rules and target groups; escalations through the role, or
// through the deploy role's new grants, are denied.
import { strict as assert } from "assert";
import * as path from "path";
import { STACK_TAG } from "../components/trust/trustPolicies";
import { IamDocument } from "../components/trust/trustPolicies";
import { plan } from "../tools/planner/planner";
import { RecordedResource } from "../tools/planner/mockCloud";
import { ACCOUNT, decideTyped } from "./support/iamSim";
import { PlanIam, applicableContext, planIam } from "./support/planIam";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const R = `us-east-1:${ACCOUNT}`;
const LB_MANAGED_POLICY: IamDocument = { Version: "2012-10-17", Statement: [
    { Sid: "ELBReadOperations", Effect: "Allow", Action: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"], Resource: "*" },
    { Sid: "TargetGroupOperations", Effect: "Allow", Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*" },
    { Sid: "ALBModifyListeners", Effect: "Allow", Action: "elasticloadbalancing:ModifyListener", Resource: ["arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*"] },
    { Sid: "ALBModifyRules", Effect: "Allow", Action: "elasticloadbalancing:ModifyRule", Resource: ["arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*/*"] },
] };
const ALLOW_ALL: IamDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const mine = { [`aws:ResourceTag/${STACK_TAG}`]: "canary" };
const theirs = { [`aws:ResourceTag/${STACK_TAG}`]: "payments" };

describe("IAM: the load-balancer role of a canary, linear or blue/green service", function () {
    this.timeout(180_000);
    let iam: PlanIam;
    let by: (type: string, name: string) => RecordedResource;
    before(async () => {
        const p = await plan("canary", { stackFile: path.join(__dirname, "fixtures", "Pulumi.strategies-own.yaml"), env: { GITHUB_SHA: SHA } });
        iam = planIam(p);
        by = (type, name) => p.resources.find((r) => r.type === type && r.name === name)!;
    });
    const arn = (type: string, name: string) => String(by(type, name).state.arn);
    const RULE = "aws:lb/listenerRule:ListenerRule";
    const TG = "aws:lb/targetGroup:TargetGroup";
    const role = () => arn("aws:iam/role:Role", "ecs-ship-canary-cart-lb");
    // AmazonECSInfrastructureRolePolicyForLoadBalancers as the AWS Managed Policy Reference Guide shows it
    // (ELB reads on *, Register/DeregisterTargets on any target group, ModifyListener and ModifyRule on any ALB
    // listener and rule): the boundary is what holds it to the stack.
    const policy = () => ({ managed: LB_MANAGED_POLICY });
    async function asRole(action: string, resource: string, context: Record<string, string | string[]> = {}, policies: Record<string, IamDocument> = policy()): Promise<string> {
        return (await decideTyped(role(), policies, { action, resource, context: await applicableContext(action, resource, context) }, iam.boundary)).decision;
    }
    async function asDeploy(action: string, resource: string, context: Record<string, string | string[]> = {}): Promise<string> {
        return (await decideTyped(iam.deployRoleArn, iam.deploy, { action, resource, context: await applicableContext(action, resource, context) })).decision;
    }

    // What ECS does with the role during a deployment (Amazon ECS Developer Guide, "Amazon ECS
    // infrastructure IAM role for load balancers"; AmazonECSInfrastructureRolePolicyForLoadBalancers).
    const needs: [string, string, () => string][] = [
        ["moves the production rule's weights", "elasticloadbalancing:ModifyRule", () => arn(RULE, "ecs-ship-canary-cart-prod-rule")],
        ["moves the test rule's weights", "elasticloadbalancing:ModifyRule", () => arn(RULE, "ecs-ship-canary-cart-test-rule")],
        ["registers new tasks in the alternate target group", "elasticloadbalancing:RegisterTargets", () => arn(TG, "ecs-ship-canary-cart-tg2")],
        ["deregisters old tasks from the primary target group", "elasticloadbalancing:DeregisterTargets", () => arn(TG, "ecs-ship-canary-cart-tg")],
    ];
    for (const [what, action, resource] of needs) {
        it(`lets ECS, through the role and under the boundary: ${what}`, async () => {
            assert.equal(await asRole(action, resource(), mine), "Allowed");
        });
    }
    it("lets ECS read rules, listeners, target groups and target health", async () => {
        for (const a of ["DescribeRules", "DescribeListeners", "DescribeTargetGroups", "DescribeTargetHealth"]) assert.equal(await asRole(`elasticloadbalancing:${a}`, "*"), "Allowed", a);
    });

    const attacks: [string, string, () => string, Record<string, string | string[]>, boolean][] = [
        // [what, action, resource, context, with an allow-everything policy in place of the role's own]
        ["change the listener itself (its default action, certificate)", "elasticloadbalancing:ModifyListener", () => String(by(RULE, "ecs-ship-canary-cart-prod-rule").inputs.listenerArn), mine, false],
        ["create a rule", "elasticloadbalancing:CreateRule", () => String(by(RULE, "ecs-ship-canary-cart-prod-rule").inputs.listenerArn), mine, false],
        ["delete its production rule", "elasticloadbalancing:DeleteRule", () => arn(RULE, "ecs-ship-canary-cart-prod-rule"), mine, false],
        ["modify another team's rule, even given every permission", "elasticloadbalancing:ModifyRule", () => `arn:aws:elasticloadbalancing:${R}:listener-rule/app/payments/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`, theirs, true],
        ["register targets in another team's target group, even given every permission", "elasticloadbalancing:RegisterTargets", () => `arn:aws:elasticloadbalancing:${R}:targetgroup/payments-tg/6d0ecf831eec9f09`, theirs, true],
        ["modify an untagged rule, even given every permission", "elasticloadbalancing:ModifyRule", () => `arn:aws:elasticloadbalancing:${R}:listener-rule/app/legacy/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`, {}, true],
        ["give itself an inline policy, even given every permission", "iam:PutRolePolicy", () => role(), {}, true],
        ["pass itself to another service, even given every permission", "iam:PassRole", () => role(), { "iam:PassedToService": "lambda.amazonaws.com" }, true],
        ["assume another role, even given every permission", "sts:AssumeRole", () => `arn:aws:iam::${ACCOUNT}:role/payments-admin`, {}, true],
    ];
    for (const [what, action, resource, context, allowAll] of attacks) {
        it(`denies the role: ${what}`, async () => {
            assert.notEqual(await asRole(action, resource(), context, allowAll ? { managed: ALLOW_ALL } : policy()), "Allowed");
        });
    }

    it("adds the boundary's Shift statement only to a stack with a shifting service, so rolling stacks keep their room", async () => {
        // GIVEN the canary fixture's boundary, and dev's (rolling and Express only)
        const dev = planIam(await plan("dev", { env: { GITHUB_SHA: SHA } }));
        const sids = (d: IamDocument) => d.Statement.map((x) => x.Sid);
        // THEN only the former admits the load-balancer roles' writes, held to the stack's tag
        assert.ok(!sids(dev.boundary).includes("Shift"));
        const shift = iam.boundary.Statement.find((x) => x.Sid === "Shift")!;
        assert.deepEqual(shift.Action, ["elasticloadbalancing:*egisterTargets", "elasticloadbalancing:ModifyRule"]);
        assert.deepEqual(shift.Condition, { StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: "canary" } });
    });

    it("lets the deploy role create the role only with the boundary and the stack's tag, attach exactly the managed policy and pass it to ECS", async () => {
        const boundary = { "iam:PermissionsBoundary": iam.boundaryArn };
        const tags = { [`aws:RequestTag/${STACK_TAG}`]: "canary", "aws:TagKeys": [STACK_TAG] };
        assert.equal(await asDeploy("iam:CreateRole", role(), { ...boundary, ...tags }), "Allowed");
        assert.equal(await asDeploy("iam:AttachRolePolicy", role(), { ...boundary, "iam:PolicyARN": "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers" }), "Allowed");
        assert.notEqual(await asDeploy("iam:PutRolePolicy", role(), boundary), "Allowed");
        assert.equal(await asDeploy("iam:PassRole", role(), { "iam:PassedToService": "ecs.amazonaws.com", ...mine }), "Allowed");
        // AND not without the boundary, nor to tasks or another service
        assert.notEqual(await asDeploy("iam:CreateRole", role(), tags), "Allowed");
        assert.notEqual(await asDeploy("iam:PutRolePolicy", role(), { "iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/wide-open" }), "Allowed");
        assert.notEqual(await asDeploy("iam:PassRole", role(), { "iam:PassedToService": "ecs-tasks.amazonaws.com", ...mine }), "Allowed");
        assert.notEqual(await asDeploy("iam:PassRole", role(), { "iam:PassedToService": "lambda.amazonaws.com", ...mine }), "Allowed");
    });

    it("denies the deploy role AdministratorAccess on a load-balancer role, and a load-balancer role in another stack's names", async () => {
        const boundary = { "iam:PermissionsBoundary": iam.boundaryArn };
        assert.notEqual(await asDeploy("iam:AttachRolePolicy", role(), { ...boundary, "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" }), "Allowed");
        assert.notEqual(await asDeploy("iam:PutRolePolicy", `arn:aws:iam::${ACCOUNT}:role/ecs-ship-payments-web-lb-1a2b3c4`, boundary), "Allowed");
        assert.notEqual(await asDeploy("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/ecs-ship-canary-web-lb-1a2b3c4`, { "iam:PassedToService": "ecs.amazonaws.com" }), "Allowed");
    });
});
