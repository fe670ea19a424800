// Pre-flight: each AWS limit, proven with a resource that breaks it and one that does not.
import { strict as assert } from "assert";
import { LIMITS, PlannedResource, policySize, preflight } from "../components/limits/limits";

function only(id: string) {
    const c = LIMITS.find((x) => x.id === id);
    assert.ok(c, `no check ${id}`);
    return [c!];
}

function res(type: string, inputs: Record<string, any>, physicalName?: string, name = "r"): PlannedResource {
    return { type, name, inputs, physicalName };
}

const ROLE = "aws:iam/role:Role";
const bigDoc = (chars: number) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${"x".repeat(chars)}` }] });

describe("pre-flight limits", () => {
    it("counts policy size without whitespace", () => {
        assert.equal(policySize('{ "a" : [ 1, 2 ] }'), '{"a":[1,2]}'.length);
    });

    it("rejects a load balancer name over 32 characters", () => {
        const v = preflight([res("aws:lb/loadBalancer:LoadBalancer", {}, "ecs-ship-staging-checkout-alb-1a2b3c4")], only("alb-name"));
        assert.deepEqual(v.map((x) => x.detail), ['load balancer name "ecs-ship-staging-checkout-alb-1a2b3c4" is 37 characters']);
    });

    it("accepts a 32-character load balancer name", () => {
        assert.deepEqual(preflight([res("aws:lb/loadBalancer:LoadBalancer", {}, "ecs-ship-prod-web-alb-1234567890")], only("alb-name")), []);
    });

    it("rejects a target group name with an underscore", () => {
        const v = preflight([res("aws:lb/targetGroup:TargetGroup", {}, "ecs_ship-tg")], only("target-group-name"));
        assert.deepEqual(v.map((x) => x.detail), ['target group name "ecs_ship-tg" has characters other than letters, digits and inner hyphens']);
    });

    it("rejects a namePrefix over 6 characters", () => {
        const v = preflight([res("aws:lb/targetGroup:TargetGroup", { namePrefix: "ecsship" })], only("elb-name-prefix"));
        assert.deepEqual(v.map((x) => x.detail), ['namePrefix "ecsship" is 7 characters']);
    });

    it("rejects a role name over 64 characters", () => {
        const v = preflight([res(ROLE, {}, "r".repeat(65))], only("iam-role-name"));
        assert.deepEqual(v.map((x) => x.detail), [`role name "${"r".repeat(65)}" is 65 characters`]);
    });

    it("rejects a trust policy over 2,048 characters", () => {
        const v = preflight([res(ROLE, { assumeRolePolicy: bigDoc(2000) })], only("iam-trust-policy-size"));
        assert.equal(v.length, 1);
        assert.match(v[0].detail, /^trust policy is \d+ characters$/);
    });

    it("rejects a managed policy over 6,144 characters", () => {
        const v = preflight([res("aws:iam/policy:Policy", { policy: bigDoc(6100) })], only("iam-managed-policy-size"));
        assert.equal(v.length, 1);
    });

    it("accepts a managed policy just under 6,144 characters", () => {
        const doc = bigDoc(6144 - policySize(bigDoc(0)));
        assert.equal(policySize(doc), 6144);
        assert.deepEqual(preflight([res("aws:iam/policy:Policy", { policy: doc })], only("iam-managed-policy-size")), []);
    });

    it("adds up a role's inline policies against 10,240 characters", () => {
        const role = res(ROLE, {}, "ecs-ship-dev-web-exec-1234567", "ecs-ship-dev-web-exec");
        const p1 = res("aws:iam/rolePolicy:RolePolicy", { role: "ecs-ship-dev-web-exec-1234567", policy: bigDoc(6000) });
        const p2 = res("aws:iam/rolePolicy:RolePolicy", { role: "ecs-ship-dev-web-exec-1234567", policy: bigDoc(6000) });
        const v = preflight([role, p1, p2], only("iam-inline-policies-size"));
        assert.deepEqual(v.map((x) => x.resource), ["ecs-ship-dev-web-exec"]);
    });

    it("rejects an uppercase repository name", () => {
        const v = preflight([res("aws:ecr/repository:Repository", {}, "ecs-ship-dev-Web")], only("ecr-repository-name"));
        assert.deepEqual(v.map((x) => x.detail), ['repository name "ecs-ship-dev-Web" is not lowercase letters, digits and separators']);
    });

    it("rejects a tagged lifecycle rule with no tag list", () => {
        const policy = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: "tagged", countType: "imageCountMoreThan", countNumber: 5 }, action: { type: "expire" } }] });
        const v = preflight([res("aws:ecr/lifecyclePolicy:LifecyclePolicy", { policy })], only("ecr-lifecycle-tagged-selection"));
        assert.deepEqual(v.map((x) => x.detail), ["rule 1 selects tagged images with no tagPrefixList or tagPatternList"]);
    });

    it("rejects a tagStatus any rule that is not last", () => {
        const policy = JSON.stringify({ rules: [
            { rulePriority: 1, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 5 }, action: { type: "expire" } },
            { rulePriority: 2, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 }, action: { type: "expire" } },
        ] });
        const v = preflight([res("aws:ecr/lifecyclePolicy:LifecyclePolicy", { policy })], only("ecr-lifecycle-any-last"));
        assert.deepEqual(v.map((x) => x.detail), ['rule 1 selects tagStatus "any" but rule 2 comes after it']);
    });

    it("rejects an Express service given one subnet", () => {
        const v = preflight([res("aws:ecs/expressGatewayService:ExpressGatewayService", { networkConfigurations: [{ subnets: ["subnet-1"], securityGroups: [] }] })], only("express-subnets"));
        assert.deepEqual(v.map((x) => x.detail), ["networkConfigurations names 1 subnet(s)"]);
    });

    it("rejects an ECS service name with a dot", () => {
        const v = preflight([res("aws:ecs/expressGatewayService:ExpressGatewayService", { serviceName: "web.v2" })], only("ecs-service-name"));
        assert.deepEqual(v.map((x) => x.detail), ['service name "web.v2" breaks the rule']);
    });

    /** A shared load balancer with `services` services, each a target group and `rulesEach` rules, and `extraCerts` listener certificates. */
    function sharedPlan(services: number, rulesEach: number, extraCerts = 0): PlannedResource[] {
        const lb = { type: "aws:lb/loadBalancer:LoadBalancer", name: "lb", inputs: {}, state: { arn: "arn:lb" } };
        const listener = { type: "aws:lb/listener:Listener", name: "http", inputs: { loadBalancerArn: "arn:lb", defaultActions: [{ type: "fixed-response" }] }, state: { arn: "arn:l" } };
        const rules = Array.from({ length: services * rulesEach }, (_, i) => ({
            type: "aws:lb/listenerRule:ListenerRule", name: `rule${i}`, inputs: { listenerArn: "arn:l", actions: [{ type: "forward", targetGroupArn: `arn:tg${i % services}` }] },
        }));
        const certs = Array.from({ length: extraCerts }, (_, i) => ({ type: "aws:lb/listenerCertificate:ListenerCertificate", name: `c${i}`, inputs: { listenerArn: "arn:l" } }));
        return [lb, listener, ...rules, ...certs];
    }

    it("refuses more than 100 rules on one load balancer, and accepts 100", () => {
        // GIVEN 51 services with two rules each (HTTPS forward, HTTP redirect)  WHEN checked  THEN 102 rules break the quota
        const v = preflight(sharedPlan(51, 2), only("alb-rules"));
        assert.deepEqual(v.map((x) => [x.resource, x.detail]), [["lb", "load balancer has 102 listener rules"]]);
        assert.match(v[0].source, /load-balancer-limits\.html/);
        assert.deepEqual(preflight(sharedPlan(50, 2), only("alb-rules")), []);
    });

    it("refuses more than 100 target groups behind one load balancer", () => {
        assert.deepEqual(preflight(sharedPlan(101, 1), only("alb-target-groups")).map((x) => x.detail), ["load balancer forwards to 101 target groups"]);
        assert.deepEqual(preflight(sharedPlan(100, 1), only("alb-target-groups")), []);
    });

    it("names the load balancer quota a refusal meets and how to get past it", () => {
        // GIVEN a shared load balancer over both quotas  WHEN checked  THEN each refusal names its quota and the way out
        const [rules] = preflight(sharedPlan(101, 1), only("alb-rules"));
        const [groups] = preflight(sharedPlan(101, 1), only("alb-target-groups"));
        assert.match(rules.limit, /quota "Rules per Application Load Balancer".*Request an increase of that quota in Service Quotas/);
        assert.match(groups.limit, /quota "Target groups per Application Load Balancer", not adjustable.*loadBalancer\.shared: false or from another stack/);
    });

    it("refuses more than 10 managed policies on one role, and accepts 10", () => {
        // GIVEN a role and N attachments naming it by its physical name  WHEN checked  THEN 11 break IAM's default quota
        const role = res(ROLE, {}, "ecs-ship-dev-github-deploy-1a2b3c4", "deploy");
        const attached = (n: number) => Array.from({ length: n }, (_, i) => res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "ecs-ship-dev-github-deploy-1a2b3c4", policyArn: `arn:p${i}` }, undefined, `a${i}`));
        const v = preflight([role, ...attached(11)], only("iam-managed-policies-per-role"));
        assert.deepEqual(v.map((x) => [x.resource, x.detail]), [["deploy", "11 managed policies are attached to the role"]]);
        assert.match(v[0].source, /reference_iam-quotas\.html/);
        assert.deepEqual(preflight([role, ...attached(10)], only("iam-managed-policies-per-role")), []);
    });

    it("refuses more than 25 certificates besides the default one", () => {
        assert.deepEqual(preflight(sharedPlan(1, 1, 26), only("alb-certificates")).map((x) => x.detail), ["load balancer has 26 certificates besides its default"]);
        assert.deepEqual(preflight(sharedPlan(1, 1, 25), only("alb-certificates")), []);
    });

    it("names the source of every limit", () => {
        for (const c of LIMITS) assert.ok(c.source.length > 10, c.id);
    });
});
