// The policy pack's advice for production releases: an ECS service of a production stack should
// release with deployment alarms that roll back (policy/rules.ts, production-deployment-alarms).
import { strict as assert } from "assert";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { PRODUCTION_STACK, TYPES, productionDeploymentAlarms, stackOfUrn } from "../policy/rules";

class NotApplicable extends Error {}

/** What the rule reports for an ECS service with these inputs in `stack`, or "not applicable". */
async function advice(stack: string, props: Record<string, unknown>): Promise<string[] | "not applicable"> {
    const messages: string[] = [];
    const args = {
        type: TYPES.service, props, urn: `urn:pulumi:${stack}::ecs-ship::aws:ecs/service:Service::ecs-ship-${stack}-web-svc`, name: "web",
        notApplicable: (reason?: string): never => { throw new NotApplicable(reason); },
    } as unknown as ResourceValidationArgs;
    try {
        const v = productionDeploymentAlarms.validateResource;
        for (const f of Array.isArray(v) ? v : [v!]) await f(args, (m) => messages.push(m));
    } catch (e) {
        if (e instanceof NotApplicable) return "not applicable";
        throw e;
    }
    return messages;
}

const ALARMS = { alarmNames: ["ecs-ship-prod-web-5xx"], enable: true, rollback: true };
const LB = { loadBalancers: [{ targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef", containerName: "app", containerPort: 8080 }] };

describe("policy: production-deployment-alarms", () => {
    it("is advisory", () => assert.equal(productionDeploymentAlarms.enforcementLevel, "advisory"));

    it("knows production stacks by name", () => {
        assert.deepEqual(["prod", "production", "prod-eu", "dev", "production2", "preprod"].map((s) => PRODUCTION_STACK.test(s)), [true, true, true, false, false, false]);
        assert.equal(stackOfUrn("urn:pulumi:prod-eu::ecs-ship::aws:ecs/service:Service::x"), "prod-eu");
    });

    it("passes a production service that rolls back on its alarms", async () => {
        assert.deepEqual(await advice("prod", { ...LB, alarms: ALARMS, deploymentConfiguration: { strategy: "CANARY" } }), []);
    });

    it("warns when a production service rolls without alarms", async () => {
        assert.deepEqual(await advice("prod", { ...LB }), [
            'alarms: should be {"alarmNames":[...],"enable":true,"rollback":true} in production stack "prod", so ECS rolls back a ROLLING release that serves errors; got unset (AWS\'s default is no deployment alarms)',
        ]);
    });

    it("warns when a production canary's alarms are attached without rollback", async () => {
        assert.deepEqual(await advice("production", { ...LB, alarms: { ...ALARMS, rollback: false }, deploymentConfiguration: { strategy: "CANARY" } }), [
            'alarms: should be {"alarmNames":[...],"enable":true,"rollback":true} in production stack "production", so ECS rolls back a CANARY release that serves errors; got {"alarmNames":["ecs-ship-prod-web-5xx"],"enable":true,"rollback":false}',
        ]);
    });

    it("does not apply to a production worker, which has no load balancer for the alarms to watch", async () => {
        assert.equal(await advice("prod", { loadBalancers: [] }), "not applicable");
        assert.equal(await advice("prod", {}), "not applicable");
    });

    it("does not apply outside production", async () => {
        assert.equal(await advice("dev", {}), "not applicable");
    });
});
