// Deployment strategies through the real program (tools/planner/planner.ts `plan`, as `npm run plan` runs
// index.ts): each strategy on its own load balancer and on the shared one, with the exact ECS
// strategy fields, both target groups, the rules ECS shifts and the load-balancer role's policy.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan, plan } from "../tools/planner/planner";
import { RecordedResource } from "../tools/planner/mockCloud";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const OWN = path.join(__dirname, "fixtures", "Pulumi.strategies-own.yaml");
const SHARED = path.join(__dirname, "fixtures", "Pulumi.strategies-shared.yaml");
const T = { tg: "aws:lb/targetGroup:TargetGroup", rule: "aws:lb/listenerRule:ListenerRule", svc: "aws:ecs/service:Service", role: "aws:iam/role:Role", policy: "aws:iam/rolePolicy:RolePolicy", listener: "aws:lb/listener:Listener" };

function facts(p: Plan, stack: string, service: string) {
    const n = `ecs-ship-${stack}-${service}`;
    const mine = (type: string) => p.resources.filter((r) => r.type === type && r.parent === n);
    const ecs = p.resources.find((r) => r.type === T.svc && r.name === `${n}-svc`)!;
    const tgs = mine(T.tg);
    const rules = mine(T.rule);
    const role = p.resources.find((r) => r.type === T.role && r.name === `${n}-lb`);
    const policy = p.resources.find((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.name === `${n}-lb-managed`);
    return { ecs, tgs, rules, role, policy, listeners: mine(T.listener) };
}
const arnOf = (r: RecordedResource | undefined) => String(r?.state.arn);
const weights = (rule: RecordedResource) => (rule.inputs.actions[0].forward.targetGroups as { arn: string; weight: number }[]).map((t) => `${t.arn}=${t.weight}`);

describe("deployment strategies (real program)", function () {
    this.timeout(240_000);
    let own: Plan;
    let shared: Plan;
    before(async () => {
        own = await plan("canary", { stackFile: OWN, env: { GITHUB_SHA: SHA } });
        shared = await plan("shift", { stackFile: SHARED, env: { GITHUB_SHA: SHA } });
    });

    it("plans both stacks without a policy violation", () => {
        assert.deepEqual(own.violations, []);
        assert.deepEqual(shared.violations, []);
    });

    for (const [label, stack, pick] of [["own", "canary", () => own], ["shared", "shift", () => shared]] as const) {
        it(`keeps a rolling service (${label} load balancer) exactly as before: one target group, no strategy, no role`, () => {
            const f = facts(pick(), stack, "web");
            assert.equal(f.ecs.inputs.deploymentConfiguration, undefined);
            assert.equal(f.ecs.inputs.loadBalancers[0].advancedConfiguration, undefined);
            assert.equal(f.tgs.length, 1);
            assert.equal(f.role, undefined);
        });
    }

    it("maps canary onto CANARY with its percent, canary bake and bake, on its own load balancer with a header test rule", () => {
        // GIVEN cart: canary 5% for 15 minutes, bake 10, test header X-Canary: 1  WHEN planned
        const f = facts(own, "canary", "cart");
        // THEN the exact strategy fields
        assert.deepEqual(f.ecs.inputs.deploymentConfiguration, { strategy: "CANARY", bakeTimeInMinutes: "10", canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: "15" } });
        // AND two target groups, the production rule forwarding all to the primary, the test rule (first) all to the alternate
        assert.deepEqual(f.tgs.map((t) => t.name).sort(), ["ecs-ship-canary-cart-tg", "ecs-ship-canary-cart-tg2"]);
        const [primary, alternate] = [f.tgs.find((t) => t.name.endsWith("-tg"))!, f.tgs.find((t) => t.name.endsWith("-tg2"))!];
        const prod = f.rules.find((r) => r.name === "ecs-ship-canary-cart-prod-rule")!;
        const test = f.rules.find((r) => r.name === "ecs-ship-canary-cart-test-rule")!;
        assert.deepEqual(weights(prod), [`${arnOf(primary)}=100`, `${arnOf(alternate)}=0`]);
        assert.deepEqual(weights(test), [`${arnOf(primary)}=0`, `${arnOf(alternate)}=100`]);
        assert.deepEqual(test.inputs.conditions, [{ httpHeader: { httpHeaderName: "X-Canary", values: ["1"] } }]);
        assert.ok(test.inputs.priority < prod.inputs.priority);
        // AND the service names both, the rules and the role
        const adv = f.ecs.inputs.loadBalancers[0];
        assert.equal(adv.targetGroupArn, arnOf(primary));
        assert.deepEqual(adv.advancedConfiguration, { alternateTargetGroupArn: arnOf(alternate), productionListenerRule: arnOf(prod), testListenerRule: arnOf(test), roleArn: arnOf(f.role) });
        // AND the role is ECS's, under the boundary, allowed exactly these groups and rules
        assert.equal(JSON.parse(f.role!.inputs.assumeRolePolicy).Statement[0].Principal.Service, "ecs.amazonaws.com");
        assert.match(String(f.role!.inputs.permissionsBoundary), /:policy\/ecs-ship-canary-github-boundary/);
        // AND the AWS managed policy for load balancers is attached to it (the boundary holds it to the stack)
        assert.equal(f.policy!.inputs.policyArn, "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers");
        assert.equal(f.policy!.inputs.role, f.role!.state.name ?? f.policy!.inputs.role);
    });

    it("watches both target groups with the deployment alarms, wherever the new revision runs", () => {
        // GIVEN cart (canary) and web (rolling)  WHEN planned
        const alarm = (n: string) => own.resources.find((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.name === n)!;
        const f = facts(own, "canary", "cart");
        const suffix = (t: RecordedResource) => String(t.state.arnSuffix);
        const [primary, alternate] = [f.tgs.find((t) => t.name.endsWith("-tg"))!, f.tgs.find((t) => t.name.endsWith("-tg2"))!];
        // THEN cart's 5xx alarm sums the metric over both groups, and web's reads its one group
        const q = alarm("ecs-ship-canary-cart-5xx").inputs.metricQueries as { id: string; expression?: string; metric?: { dimensions: { TargetGroup: string }; metricName: string; stat: string } }[];
        assert.deepEqual(q.map((x) => x.id), ["primary", "alternate", "total"]);
        assert.deepEqual(q.slice(0, 2).map((x) => x.metric!.dimensions.TargetGroup), [suffix(primary), suffix(alternate)]);
        assert.deepEqual(q.slice(0, 2).map((x) => `${x.metric!.metricName}/${x.metric!.stat}`), ["HTTPCode_Target_5XX_Count/Sum", "HTTPCode_Target_5XX_Count/Sum"]);
        assert.equal(q[2].expression, "FILL(primary, 0) + FILL(alternate, 0)");
        assert.equal(alarm("ecs-ship-canary-cart-5xx").inputs.metricName, undefined);
        assert.equal(alarm("ecs-ship-canary-web-5xx").inputs.metricName, "HTTPCode_Target_5XX_Count");
        assert.equal(alarm("ecs-ship-canary-web-5xx").inputs.metricQueries, undefined);
    });

    it("maps linear onto LINEAR with its step and step bake, the production rule on HTTPS and test traffic on its own port", () => {
        const f = facts(own, "canary", "search");
        assert.deepEqual(f.ecs.inputs.deploymentConfiguration, { strategy: "LINEAR", bakeTimeInMinutes: "5", linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: "4" } });
        assert.equal(f.tgs.length, 2);
        const https = f.listeners.find((l) => l.inputs.port === 443)!;
        const testListener = f.listeners.find((l) => l.inputs.port === 8443)!;
        assert.equal(testListener.inputs.protocol, "HTTPS");
        const prod = f.rules.find((r) => r.name.endsWith("-prod-rule"))!;
        const test = f.rules.find((r) => r.name.endsWith("-test-rule"))!;
        assert.equal(prod.inputs.listenerArn, arnOf(https));
        assert.equal(test.inputs.listenerArn, arnOf(testListener));
        // AND the test port is open on the service's load balancer like 80 and 443
        const ingress = own.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.name.startsWith("ecs-ship-canary-search-alb-8443"));
        assert.equal(ingress.length, 2);
        assert.equal(f.policy!.inputs.policyArn, "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers");
    });

    it("maps blue/green onto BLUE_GREEN with its bake and no test rule", () => {
        const f = facts(own, "canary", "checkout");
        assert.deepEqual(f.ecs.inputs.deploymentConfiguration, { strategy: "BLUE_GREEN", bakeTimeInMinutes: "20" });
        assert.equal(f.tgs.length, 2);
        assert.equal(f.ecs.inputs.loadBalancers[0].advancedConfiguration.testListenerRule, undefined);
        assert.deepEqual(f.rules.map((r) => r.name), ["ecs-ship-canary-checkout-prod-rule"]);
    });

    for (const [service, config] of [
        ["cart", { strategy: "CANARY", bakeTimeInMinutes: "5", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "10" } }],
        ["search", { strategy: "LINEAR", bakeTimeInMinutes: "0", linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: "2" } }],
        ["checkout", { strategy: "BLUE_GREEN", bakeTimeInMinutes: "5" }],
    ] as const) {
        it(`shifts ${service} (${config.strategy}) on the shared load balancer by its own forwarding rule`, () => {
            // GIVEN the service behind the shared ALB  WHEN planned
            const f = facts(shared, "shift", service);
            // THEN the strategy fields (defaults where unset)
            assert.deepEqual(f.ecs.inputs.deploymentConfiguration, config);
            // AND its one forwarding rule on the shared HTTP listener is the production rule, weighted over both groups
            const [primary, alternate] = [f.tgs.find((t) => /-stg$/.test(t.name))!, f.tgs.find((t) => /-stg2$/.test(t.name))!];
            assert.ok(primary && alternate, f.tgs.map((t) => t.name).join());
            assert.equal(f.rules.length, 1);
            const prod = f.rules[0];
            const http = shared.resources.find((r) => r.type === T.listener && r.name === "ecs-ship-shift-shared-http")!;
            assert.equal(prod.inputs.listenerArn, arnOf(http));
            assert.deepEqual(weights(prod), [`${arnOf(primary)}=100`, `${arnOf(alternate)}=0`]);
            assert.deepEqual(f.ecs.inputs.loadBalancers[0].advancedConfiguration, { alternateTargetGroupArn: arnOf(alternate), productionListenerRule: arnOf(prod), roleArn: arnOf(f.role) });
            assert.equal(f.policy!.inputs.policyArn, "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers");
        });
    }

    it("refuses a strategy on the shared load balancer for a service that would be reached through two forwarding rules", async () => {
        // GIVEN the shared ALB listens on HTTPS (web has a certificate), and cart has none and a canary
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-shift-")), "Pulumi.qa.yaml");
        fs.writeFileSync(file, [
            "config:", "  aws:region: us-east-1", "  ecs-ship:github: { repository: acme/shop }", "  ecs-ship:services:",
            "    web: { mode: fargate, image: { context: app }, path: /, priority: 50000, certificateArn: \"arn:aws:acm:us-east-1:123456789012:certificate/0b6f2a59-8c1d-4c4e-9a53-2f1d0c7e6b11\" }",
            "    cart: { mode: fargate, image: { context: app }, deployment: { strategy: canary } }", "",
        ].join("\n"));
        // WHEN planned  THEN the plan fails naming the key and why
        await assert.rejects(plan("qa", { stackFile: file, env: { GITHUB_SHA: SHA } }), /deployment\.strategy: canary on the shared load balancer needs the service to serve HTTPS/);
    });
});
