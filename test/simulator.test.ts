// The update simulator's parts on hand-made resources, as the planner records them: the engine's step
// order, and each AWS rule refusing the step it is about and letting its accepted counterpart through.
import { strict as assert } from "assert";
import { RecordedResource } from "../tools/planner/mockCloud";
import { RULES, deriveSteps, simulate } from "../tools/simulate";

const ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:";
const T = {
    lb: "aws:lb/loadBalancer:LoadBalancer", tg: "aws:lb/targetGroup:TargetGroup", listener: "aws:lb/listener:Listener", rule: "aws:lb/listenerRule:ListenerRule",
    record: "aws:route53/record:Record", cert: "aws:acm/certificate:Certificate", sg: "aws:ec2/securityGroup:SecurityGroup", service: "aws:ecs/service:Service",
    express: "aws:ecs/expressGatewayService:ExpressGatewayService", td: "aws:ecs/taskDefinition:TaskDefinition", role: "aws:iam/role:Role",
};

/** A recorded custom resource; `arn` becomes its state's ARN, which other resources' inputs refer to. */
function r(type: string, name: string, inputs: Record<string, any> = {}, extra: Partial<RecordedResource> & { arn?: string } = {}): RecordedResource {
    const { arn, ...rest } = extra;
    return {
        type, name, urn: `urn:pulumi:dev::ecs-ship::${type}::${name}`, custom: true, inputs, displayInputs: inputs, parent: null, parentUrn: null,
        dependsOn: [], dependencies: [], provider: null, state: arn ? { arn } : {}, ...rest,
    };
}
const lb = (n: string) => r(T.lb, n, {}, { arn: `${ARN}loadbalancer/app/${n}/1` });
const tg = (n: string, inputs: Record<string, any> = { port: 80 }) => r(T.tg, n, inputs, { arn: `${ARN}targetgroup/${n}/1` });
const listener = (n: string, onLb: string, port: number, forwardTo?: string, extra: Record<string, any> = {}) =>
    r(T.listener, n, { loadBalancerArn: `${ARN}loadbalancer/app/${onLb}/1`, port, defaultActions: forwardTo ? [{ type: "forward", targetGroupArn: `${ARN}targetgroup/${forwardTo}/1` }] : [], ...extra },
        { arn: `${ARN}listener/app/${onLb}/1/${n}`, dependencies: [onLb, ...(forwardTo ? [forwardTo] : [])] });
const rule = (n: string, onListener: string, onLb: string, priority: number, forwardTo: string) =>
    r(T.rule, n, { listenerArn: `${ARN}listener/app/${onLb}/1/${onListener}`, priority, actions: [{ type: "forward", targetGroupArn: `${ARN}targetgroup/${forwardTo}/1` }] },
        { arn: `${ARN}listener-rule/${n}`, dependencies: [onListener, forwardTo] });
const ruleId = (before: RecordedResource[], after: RecordedResource[]) => simulate(before, after, { modules: new Set() }).failure?.rule.id;

describe("update simulator: the engine's steps", () => {
    it("runs creates and updates in registration order, then every delete, old halves of replacements included, dependents first", () => {
        const before = [r(T.role, "role"), r(T.td, "td", { cpu: "256" }), r(T.service, "svc", { taskDefinition: "td:1" }, { dependencies: ["td"] }), r(T.role, "gone")];
        const after = [r(T.role, "role"), r(T.td, "td", { cpu: "512" }), r(T.service, "svc", { taskDefinition: "td:2" }, { dependencies: ["td"] }), r(T.role, "new")];
        assert.deepEqual(deriveSteps(before, after).map((s) => `${s.n} ${s.op} ${s.name}`), [
            "1 create-replacement td", "2 update svc", "3 create new", "4 delete gone", "5 delete-replaced td",
        ]);
    });

    it("deletes first where the resource sets deleteBeforeReplace, and updates a dependent of a replaced resource even when its inputs look unchanged", () => {
        const before = [r(T.tg, "tg", { port: 80 }), listener("l", "alb", 80, "tg")];
        const after = [r(T.tg, "tg", { port: 81 }, { deleteBeforeReplace: true }), listener("l", "alb", 80, "tg")];
        assert.deepEqual(deriveSteps(before, after).map((s) => `${s.op} ${s.name} ${s.changed.join(",")}`), [
            "delete-replaced tg port", "create-replacement tg port", "update l (input from replaced tg)",
        ]);
    });

    it("takes over a resource registered under an alias: an update, not a create and a delete", () => {
        const base = [lb("alb"), tg("a"), listener("http", "alb", 80)];
        const old = rule("api-rule", "http", "alb", 5, "a");
        const renamed = { ...rule("rule-5", "http", "alb", 5, "a"), aliases: [old.urn] };
        assert.deepEqual(deriveSteps([...base, old], [...base, renamed]), []);
        const moved = { ...rule("rule-5", "http", "alb", 6, "a"), aliases: [old.urn] };
        assert.deepEqual(deriveSteps([...base, old], [...base, moved]).map((s) => `${s.op} ${s.name} ${s.old?.name}`), ["update rule-5 api-rule"]);
        // without the alias, the new rule takes priority 5 while the old one still holds it
        assert.equal(ruleId([...base, old], [...base, rule("rule-5", "http", "alb", 5, "a")]), RULES.rulePriorityUnique.id);
        assert.equal(ruleId([...base, old], [...base, renamed]), undefined);
    });
});

describe("update simulator: AWS's rules", () => {
    it("refuses a rule on a second load balancer forwarding to a target group the first still serves, and accepts it once nothing else does", () => {
        const before = [lb("own"), tg("tg"), listener("own-http", "own", 80, "tg")];
        const moved = [lb("own"), lb("shared"), tg("tg"), listener("own-http", "own", 80, "tg"), listener("shared-http", "shared", 80), rule("r", "shared-http", "shared", 10, "tg")];
        assert.equal(ruleId(before, moved.filter((x) => x.name !== "own-http")), RULES.targetGroupOneLoadBalancer.id);
        // a new target group for the shared load balancer is accepted
        const fresh = [lb("shared"), tg("tg2"), listener("shared-http", "shared", 80), rule("r", "shared-http", "shared", 10, "tg2")];
        assert.equal(ruleId(before, fresh), undefined);
    });

    it("refuses a priority or a port another rule or listener still holds", () => {
        const base = [lb("alb"), tg("a"), tg("b"), listener("http", "alb", 80)];
        assert.equal(ruleId([...base, rule("old", "http", "alb", 5, "a")], [...base, rule("new", "http", "alb", 5, "b")]), RULES.rulePriorityUnique.id);
        assert.equal(ruleId([...base, rule("old", "http", "alb", 5, "a")], [...base, rule("new", "http", "alb", 6, "b")]), undefined);
        assert.equal(ruleId([...base, listener("x", "alb", 443)], [...base, listener("y", "alb", 443)]), RULES.listenerPortUnique.id);
    });

    it("refuses a fixed name the old resource still holds, and an Express name still DRAINING", () => {
        assert.equal(ruleId([r(T.role, "a", { name: "n" })], [r(T.role, "b", { name: "n" })]), RULES.fixedNameUnique.id);
        assert.equal(ruleId([r(T.role, "a", { name: "n" })], [r(T.role, "a", { name: "n", path: "/x/" })]), RULES.fixedNameUnique.id);
        assert.equal(ruleId([r(T.role, "a", { name: "n" })], [r(T.role, "a", { name: "n", path: "/x/" }, { deleteBeforeReplace: true })]), undefined);
        assert.equal(ruleId([r(T.express, "a", { serviceName: "s", infrastructureRoleArn: "r1" })], [r(T.express, "a", { serviceName: "s", infrastructureRoleArn: "r2" }, { deleteBeforeReplace: true })]), RULES.fixedNameUnique.id);
    });

    it("refuses a record set another resource holds unless allowOverwrite, and flags the old resource's delete removing the new write", () => {
        const rec = (n: string, extra: Record<string, any> = {}) => r(T.record, n, { zoneId: "Z1", name: "www.example.com", type: "A", ...extra });
        assert.equal(ruleId([rec("old")], [rec("old"), rec("new")]), RULES.recordSetUnique.id);
        assert.equal(ruleId([rec("old")], [rec("new", { allowOverwrite: true })]), RULES.recordDeleteRemovesHolder.id);
        assert.equal(ruleId([rec("old")], [rec("old", { ttl: 60 })]), undefined);
    });

    it("flags deleting ACM's validation record while a certificate of that name remains, not when the last one goes with it", () => {
        const validation = r(T.record, "v", { zoneId: "Z1", name: "_abc.www.example.com.", type: "CNAME", records: ["_x.acm-validations.aws."] });
        const cert = (n: string) => r(T.cert, n, { domainName: "www.example.com" }, { arn: `arn:aws:acm:us-east-1:123456789012:certificate/${n}` });
        assert.equal(ruleId([cert("c1"), validation, cert("c2")], [cert("c2")]), RULES.acmValidationRecordNeeded.id);
        assert.equal(ruleId([cert("c1"), validation], []), undefined);
    });

    it("refuses deleting a target group a rule still forwards to, counting the actions ignoreChanges keeps in AWS", () => {
        // GIVEN a rule whose weighted forward ECS owns (ignoreChanges: actions), over a blue and a green target group
        const weighted = (n: string, groups: string[], ignore: boolean) => {
            const x = rule(n, "http", "alb", 5, groups[0]);
            x.inputs.actions = [{ type: "forward", forward: { targetGroups: groups.map((g) => ({ arn: `${ARN}targetgroup/${g}/1`, weight: g === groups[0] ? 100 : 0 })) } }];
            x.dependencies = ["http", ...groups];
            return ignore ? { ...x, ignoreChanges: ["actions"] } : x;
        };
        const base = [lb("alb"), tg("blue"), listener("http", "alb", 80)];
        // WHEN the program drops the green group but keeps ignoring the rule's actions, the rule in AWS still forwards to it
        assert.equal(ruleId([...base, tg("green"), weighted("r", ["blue", "green"], true)], [...base, weighted("r", ["blue"], true)]), RULES.targetGroupInUse.id);
        // AND when the program takes the actions back (no ignoreChanges), the update runs first and the delete is accepted
        assert.equal(ruleId([...base, tg("green"), weighted("r", ["blue", "green"], true)], [...base, weighted("r", ["blue"], false)]), undefined);
    });

    it("refuses deleting a certificate or a security group still in use", () => {
        const cert = r(T.cert, "c", { domainName: "x.example.com" }, { arn: "arn:aws:acm:us-east-1:123456789012:certificate/c" });
        const https = listener("https", "alb", 443, "tg", { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c" });
        assert.equal(ruleId([lb("alb"), tg("tg"), cert, https], [lb("alb"), tg("tg"), https]), RULES.certificateInUse.id);
        const sg = r(T.sg, "sg", {}, { arn: "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1" });
        const alb = r(T.lb, "alb", { securityGroups: ["arn:aws:ec2:us-east-1:123456789012:security-group/sg-1"] });
        assert.equal(ruleId([sg, alb], [alb]), RULES.securityGroupInUse.id);
        assert.equal(ruleId([sg, alb], []), undefined);
    });

    it("flags an ECS service update that drops alarms, and refuses a strategy change without a new deployment", () => {
        const svc = (inputs: Record<string, any>) => r(T.service, "svc", inputs);
        assert.equal(ruleId([svc({ alarms: { alarmNames: ["a"], enable: true } })], [svc({})]), RULES.ecsKeepsUnsent.id);
        assert.equal(ruleId([svc({ alarms: { alarmNames: ["a"], enable: true } })], [svc({ alarms: { alarmNames: [], enable: false } })]), undefined);
        const spot = (force: boolean) => svc({ capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT" }], forceNewDeployment: force });
        assert.equal(ruleId([svc({ capacityProviderStrategies: [{ capacityProvider: "FARGATE" }] })], [spot(false)]), RULES.capacityProviderNeedsDeployment.id);
        assert.equal(ruleId([svc({ capacityProviderStrategies: [{ capacityProvider: "FARGATE" }] })], [spot(true)]), undefined);
    });

    it("refuses a service on a target group no listener forwards to yet", () => {
        const svc = r(T.service, "svc", { loadBalancers: [{ targetGroupArn: `${ARN}targetgroup/tg/1` }] }, { dependencies: ["tg"] });
        assert.equal(ruleId([], [tg("tg"), svc]), RULES.targetGroupNeedsLoadBalancer.id);
        assert.equal(ruleId([], [lb("alb"), tg("tg"), listener("l", "alb", 80, "tg"), svc]), undefined);
    });

    it("refuses deleting a dynamic resource whose code requires a module the installed package lacks", () => {
        const barrier = r("pulumi-nodejs:dynamic:DrainBarrier", "drain", { __provider: 'exports.handler = () => { const { ECSClient } = require("@aws-sdk/client-ecs"); require("fs"); }' });
        assert.equal(simulate([barrier], [], { modules: new Set(["fs"]) }).failure?.rule.id, RULES.dynamicProviderModules.id);
        assert.equal(simulate([barrier], [], { modules: new Set(["fs", "@aws-sdk/client-ecs"]) }).failure, undefined);
        assert.equal(simulate([{ ...barrier, retainOnDelete: true }], [], { modules: new Set() }).failure, undefined);
    });
});
