// Changes whose every step AWS accepts in the engine's order: creates and updates first, in
// dependency order, and every delete at the end (Pulumi docs, "How Pulumi works": replacements
// create before they delete unless deleteBeforeReplace). Each change goes through the real program
// (index.ts) twice, and each test names the AWS rule that a step taken in that order would break.
import { strict as assert } from "assert";
import { RecordedResource } from "../tools/planner/mockCloud";
import { PlannedChange, planChange, prioritiesTaken, targetGroupsMoved } from "./support/stackChange";

const TG = "aws:lb/targetGroup:TargetGroup";
const RULE = "aws:lb/listenerRule:ListenerRule";
const RECORD = "aws:route53/record:Record";
const SERVICE = "aws:ecs/service:Service";

const named = (rs: RecordedResource[], name: string) => {
    const r = rs.find((x) => x.name === name);
    assert.ok(r, `no ${name}; have ${rs.map((x) => x.name).join(", ")}`);
    return r!;
};
const pick = (c: PlannedChange, action: string, type?: string) => c.changes.filter((x) => x.action === action && (!type || x.type === type)).map((x) => x.name).sort();

/** An API beside web, under /api with its probes there (the shared load balancer passes the prefix on). */
const addApi = (config: Record<string, any>) => {
    const s = config["ecs-ship:services"];
    s.api = { ...structuredClone(s.web), path: "/api", healthCheckPath: "/api/health", versionPath: "/api/version" };
};
/** web as the shared load balancer's catch-all, so its probes at / stay reachable. */
const webAtRoot = (config: Record<string, any>) => { config["ecs-ship:services"].web.path = "/"; };

describe("Update order: every step AWS accepts, in the engine's order (real program, planned twice)", function () {
    this.timeout(240000);

    describe("a target group serves one load balancer (ELB quota: load balancers per target group 1)", () => {
        it("a second Fargate service: web gets a new target group behind the shared load balancer; the old one goes at the end", async () => {
            // GIVEN prod's web alone behind its own load balancer  WHEN a second Fargate service is added
            const c = await planChange("prod", "tg-to-shared", () => undefined, (config) => { webAtRoot(config); addApi(config); });
            // THEN no target group keeps its identity while moving to another load balancer
            assert.deepEqual(targetGroupsMoved(c.before.resources, c.after.resources), []);
            // AND web's target group behind the shared load balancer is a new resource, its own goes at the end with its listener
            assert.ok(pick(c, "create", TG).includes("ecs-ship-prod-web-stg"), pick(c, "create", TG).join(", "));
            assert.ok(pick(c, "delete", TG).includes("ecs-ship-prod-web-tg"));
            assert.ok(pick(c, "delete").includes("ecs-ship-prod-web-http"));
            // AND the ECS service is updated in place to the new one (load_balancer is not ForceNew in ecs/service.go)
            const svc = c.changes.find((x) => x.name === "ecs-ship-prod-web-svc")!;
            assert.equal(svc.action, "update");
            assert.ok(svc.changed.includes("loadBalancers"));
            const tg = named(c.after.resources, "ecs-ship-prod-web-stg");
            assert.equal(named(c.after.resources, "ecs-ship-prod-web-svc").inputs.loadBalancers[0].targetGroupArn, tg.state.arn);
            // AND its physical name is new too (auto-named from the new logical name)
            assert.notEqual(tg.state.name, named(c.before.resources, "ecs-ship-prod-web-tg").state.name);
        });

        it("back from two Fargate services to one: web gets a new target group behind its own load balancer", async () => {
            // GIVEN web and api on the shared load balancer  WHEN api is removed
            const c = await planChange("prod", "tg-to-own", (config) => { webAtRoot(config); addApi(config); }, (config) => {
                const s = config["ecs-ship:services"];
                delete s.api;
                delete s.web.path;
            });
            // THEN CreateListener of web's own load balancer forwards to a target group no other load balancer uses
            assert.deepEqual(targetGroupsMoved(c.before.resources, c.after.resources), []);
            assert.ok(pick(c, "create", TG).includes("ecs-ship-prod-web-tg"));
            assert.ok(pick(c, "delete", TG).includes("ecs-ship-prod-web-stg"));
            assert.equal(c.changes.find((x) => x.name === "ecs-ship-prod-web-svc")?.action, "update");
        });
    });

    describe("ECS keeps the deployment settings it is not sent (ecs/service.go: SuppressMissingOptionalConfigurationBlock)", () => {
        it("alarms off: the service is sent its alarms disabled, not left without the block", async () => {
            // GIVEN prod's web with alarms  WHEN alarms.enabled is set to false for a hotfix
            const c = await planChange("prod", "alarms-detach", () => undefined, (config) => { config["ecs-ship:services"].web.alarms = { enabled: false }; });
            const names = ["ecs-ship-prod-web-5xx", "ecs-ship-prod-web-unhealthy"];
            // THEN before, the deployments watch both alarms with rollback
            assert.deepEqual(named(c.before.resources, "ecs-ship-prod-web-svc").inputs.alarms, { alarmNames: names, enable: true, rollback: true });
            // AND after, the service gets an explicit block that switches them off: an absent block would leave them attached
            const svc = named(c.after.resources, "ecs-ship-prod-web-svc");
            assert.deepEqual(svc.inputs.alarms, { alarmNames: names, enable: false, rollback: false });
            assert.deepEqual(c.changes.find((x) => x.name === "ecs-ship-prod-web-svc")?.changed, ["alarms"]);
            // AND the alarms themselves go at the end, after the service no longer watches them
            assert.deepEqual(pick(c, "delete"), names);
            // AND the circuit breaker, suppressed the same way when absent, is sent in both runs
            for (const run of [c.before, c.after]) assert.deepEqual(named(run.resources, "ecs-ship-prod-web-svc").inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        });

        it("alarms on again: the alarms are created before the service is updated to watch them", async () => {
            const c = await planChange("prod", "alarms-attach", (config) => { config["ecs-ship:services"].web.alarms = { enabled: false }; }, (config) => { delete config["ecs-ship:services"].web.alarms; });
            const svc = named(c.after.resources, "ecs-ship-prod-web-svc");
            assert.deepEqual(svc.inputs.alarms, { alarmNames: ["ecs-ship-prod-web-5xx", "ecs-ship-prod-web-unhealthy"], enable: true, rollback: true });
            // the service depends on both alarms (their names are its inputs), so they exist when ECS is told to watch them
            for (const a of ["ecs-ship-prod-web-5xx", "ecs-ship-prod-web-unhealthy"]) assert.ok(svc.dependencies.includes(a), `${a} not in ${svc.dependencies.join(", ")}`);
            assert.deepEqual(pick(c, "create"), ["ecs-ship-prod-web-5xx", "ecs-ship-prod-web-unhealthy"]);
        });
    });

    describe("rule priorities are unique per listener (PriorityInUse; listener_rule.go creates once with a priority)", () => {
        it("renaming a service with an explicit priority updates the rule at that priority instead of creating one", async () => {
            // GIVEN web at priority 10 beside api on the shared load balancer  WHEN web is renamed site
            const c = await planChange("prod", "rename-priority", (config) => {
                webAtRoot(config);
                addApi(config);
                config["ecs-ship:services"].web.priority = 10;
            }, (config) => {
                const s = config["ecs-ship:services"];
                s.site = s.web;
                delete s.web;
            });
            // THEN no rule takes a priority another rule holds until the end of the update
            assert.deepEqual(prioritiesTaken(c.before.resources, c.after.resources), []);
            // AND no rule is created or deleted: the rule at 10 now forwards to site's new target group
            assert.deepEqual([pick(c, "create", RULE), pick(c, "delete", RULE)], [[], []]);
            const rule = named(c.after.resources, "ecs-ship-prod-shared-http-rule-10");
            assert.equal(rule.inputs.priority, 10);
            assert.equal(rule.inputs.actions[0].targetGroupArn, named(c.after.resources, "ecs-ship-prod-site-stg").state.arn);
            assert.equal(rule.parent, "ecs-ship-prod-site");
        });

        it("removing a service whose derived priority collided: the survivor updates the rule at that number", async () => {
            // GIVEN svc15 and svc190, whose names hash to the same priority in their band, so svc190 takes the next
            const both = (config: Record<string, any>) => {
                const s = config["ecs-ship:services"];
                for (const n of ["svc15", "svc190"]) s[n] = { ...structuredClone(s.web), path: `/${n}`, healthCheckPath: `/${n}/health`, versionPath: `/${n}/version` };
                delete s.web;
                // shared also once one service is left, so only the rules change
                config["ecs-ship:loadBalancer"] = { shared: true };
            };
            const c = await planChange("prod", "collision-remove", both, (config) => { delete config["ecs-ship:services"].svc15; });
            const before = c.before.resources.filter((r) => r.type === RULE).map((r) => [r.parent, r.inputs.priority]).sort();
            assert.deepEqual(before, [["ecs-ship-prod-svc15", 34104], ["ecs-ship-prod-svc190", 34105]], "the two services collide (test premise)");
            // WHEN svc15 is removed  THEN svc190 moves to 34104 without taking it from a rule that still holds it
            assert.deepEqual(prioritiesTaken(c.before.resources, c.after.resources), []);
            assert.deepEqual(c.after.resources.filter((r) => r.type === RULE).map((r) => [r.name, r.parent, r.inputs.priority]), [["ecs-ship-prod-shared-http-rule-34104", "ecs-ship-prod-svc190", 34104]]);
            // AND the rule that held 34105 is deleted at the end
            assert.deepEqual(pick(c, "delete", RULE), ["ecs-ship-prod-shared-http-rule-34105"]);
        });

        it("rules of stacks planned before keep their identity: each is aliased to its old per-service name", async () => {
            const c = await planChange("prod", "rule-aliases", (config) => { webAtRoot(config); addApi(config); }, () => undefined);
            const urn = (name: string) => `urn:pulumi:prod::ecs-ship::ecs-ship:index:FargateService$${RULE}::${name}`;
            const rules = c.after.resources.filter((r) => r.type === RULE);
            assert.equal(rules.length, 2);
            // (@pulumi/aws adds its own alias from the provider's former type token)
            for (const r of rules) assert.ok(r.aliases?.includes(urn(`${r.parent}-http-rule`)), `${r.name}: ${r.aliases?.join(", ")}`);
        });
    });

    describe("a Route 53 record set is one per zone, name and type (record.go deletes whatever set holds the key)", () => {
        it("a domain taken over by a certificate of its own keeps ACM's validation CNAME, which that certificate renews with", async () => {
            // GIVEN web on www.example.com with a certificate ecs-ship requests
            const c = await planChange("prod", "own-certificate", (config) => { config["ecs-ship:services"].web.domain = "www.example.com"; }, (config) => {
                // WHEN the user brings a certificate of the same name (ACM gives it the same validation record)
                config["ecs-ship:services"].web.certificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/0b4f6f2e-3c3d-4d6a-9a7e-2f1c5d8e9a10";
            });
            // THEN ecs-ship's certificate goes, and its validation record leaves the program
            assert.ok(pick(c, "delete").includes("ecs-ship-prod-www.example.com-cert"));
            const validation = c.before.resources.filter((r) => r.type === RECORD && r.inputs.type === "CNAME");
            assert.deepEqual(validation.map((r) => r.name), ["ecs-ship-prod-www.example.com-validation"]);
            assert.ok(pick(c, "delete", RECORD).includes("ecs-ship-prod-www.example.com-validation"));
            // AND its delete is retained: the engine drops it from the state without calling the provider's delete
            assert.equal(validation[0].retainOnDelete, true);
            // AND a later certificate of that name UPSERTs over the kept record instead of failing on CREATE
            assert.equal(validation[0].inputs.allowOverwrite, true);
            // AND the alias record of the domain is untouched
            assert.equal(c.changes.find((x) => x.name === "ecs-ship-prod-www.example.com-dns"), undefined);
            assert.equal(named(c.after.resources, "ecs-ship-prod-web-https").inputs.certificateArn, "arn:aws:acm:us-east-1:123456789012:certificate/0b4f6f2e-3c3d-4d6a-9a7e-2f1c5d8e9a10");
            assert.ok(c.after.resources.some((r) => r.type === SERVICE));
        });
    });
});
