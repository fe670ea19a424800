// The drain barrier: its wait against a mocked ECS client, the provider code exactly as the
// plan serializes it, and where it sits in the delete order of the real dev plan.
import { strict as assert } from "assert";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { Clock, DrainTarget, describeServiceStatus, drainTimeoutMessage, waitForDrain } from "../components/service/drainBarrier";
import { deleteOrder } from "../tools/planner/lifecycle";
import { Plan, plan } from "../tools/planner/planner";

const TARGET: DrainTarget = { region: "us-east-1", cluster: "ecs-ship-dev-cluster-8371c9c", serviceName: "ecs-ship-dev-web-f1100b", timeoutSeconds: 60, pollSeconds: 15 };

/** A clock that only moves when the barrier sleeps. */
function fakeClock(): Clock & { slept: number[] } {
    let t = 0;
    const slept: number[] = [];
    return { slept, now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; } };
}

const service = (status: string) => ({ services: [{ serviceName: TARGET.serviceName, status }], failures: [] });

describe("DrainBarrier: waiting for the drain (mocked ECS client)", () => {
    const ecs = mockClient(ECSClient);
    beforeEach(() => ecs.reset());

    it("waits through ACTIVE and DRAINING and returns at INACTIVE", async () => {
        // GIVEN a service that ECS reports ACTIVE, then DRAINING, then INACTIVE
        ecs.on(DescribeServicesCommand).resolvesOnce(service("ACTIVE")).resolvesOnce(service("DRAINING")).resolvesOnce(service("INACTIVE"));
        const clock = fakeClock();
        // WHEN the barrier waits
        const seen = await waitForDrain(TARGET, () => describeServiceStatus(new ECSClient({ region: "us-east-1" }), TARGET), clock);
        // THEN it saw all three, slept one poll interval between looks, and asked about exactly this service
        assert.deepEqual(seen, ["ACTIVE", "DRAINING", "INACTIVE"]);
        assert.deepEqual(clock.slept, [15000, 15000]);
        assert.deepEqual(ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input), Array(3).fill({ cluster: TARGET.cluster, services: [TARGET.serviceName] }));
    });

    it("fails at the timeout with a message naming the service, its status and what to do", async () => {
        // GIVEN a service that never leaves DRAINING
        ecs.on(DescribeServicesCommand).resolves(service("DRAINING"));
        // WHEN the barrier waits with a 60-second timeout
        const wait = waitForDrain(TARGET, () => describeServiceStatus(new ECSClient({ region: "us-east-1" }), TARGET), fakeClock());
        // THEN it gives up with the exact, actionable message
        await assert.rejects(wait, (e: Error) => {
            assert.equal(e.message, 'ecs-ship: ECS service "ecs-ship-dev-web-f1100b" in cluster "ecs-ship-dev-cluster-8371c9c" is still DRAINING after 1 minutes. '
                + "Its roles and cluster are kept, because ECS needs them to finish removing the load balancer rules, target groups and "
                + "security groups it created. Run `pulumi destroy` again once `aws ecs describe-services --region us-east-1 "
                + "--cluster ecs-ship-dev-cluster-8371c9c --services ecs-ship-dev-web-f1100b` shows INACTIVE.");
            return true;
        });
        // 60 s / 15 s: five looks, the fifth at the deadline
        assert.equal(ecs.commandCalls(DescribeServicesCommand).length, 5);
    });

    it("returns at once when the service is already gone (MISSING)", async () => {
        // GIVEN a name ECS no longer knows
        ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: `arn:aws:ecs:us-east-1:123456789012:service/${TARGET.cluster}/${TARGET.serviceName}`, reason: "MISSING" }] });
        const clock = fakeClock();
        // WHEN the barrier waits
        const seen = await waitForDrain(TARGET, () => describeServiceStatus(new ECSClient({ region: "us-east-1" }), TARGET), clock);
        // THEN it returns after one look, without sleeping
        assert.deepEqual(seen, ["MISSING"]);
        assert.deepEqual(clock.slept, []);
    });

    it("words the timeout in whole minutes", () => {
        assert.match(drainTimeoutMessage({ ...TARGET, timeoutSeconds: 1800 }, "ACTIVE"), /is still ACTIVE after 30 minutes\./);
    });
});

describe("DrainBarrier: in the dev plan", () => {
    let dev: Plan;
    const ecs = mockClient(ECSClient);
    before(async function () {
        this.timeout(60000);
        dev = await plan("dev", { env: { GITHUB_SHA: "89fad5b000000000000000000000000000000000" } });
    });
    beforeEach(() => ecs.reset());

    it("runs the provider code exactly as Pulumi serialized it into the plan", async () => {
        // GIVEN the barrier's serialized provider and inputs, as the plan recorded them
        const barrier = dev.resources.find((r) => r.type === "pulumi-nodejs:dynamic:DrainBarrier")!;
        // Pulumi's dynamic provider host loads the code this way (@pulumi/pulumi cmd/dynamic-provider).
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const provider = require("require-from-string")(barrier.inputs.__provider).handler();
        ecs.on(DescribeServicesCommand).resolvesOnce(service("DRAINING")).resolvesOnce(service("INACTIVE"));
        // WHEN Pulumi calls its delete (polling without pause, to keep the test quick)
        await provider.delete("id", { ...barrier.inputs, pollSeconds: 0 });
        // THEN it asked ECS about the dev service in the dev cluster until it was INACTIVE
        const asked = ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input);
        assert.deepEqual(asked, Array(2).fill({ cluster: barrier.inputs.cluster, services: [barrier.inputs.serviceName] }));
        assert.equal(barrier.inputs.serviceName, dev.resources.find((r) => r.type === "aws:ecs/expressGatewayService:ExpressGatewayService")!.inputs.serviceName);
    });

    it("is deleted after the service and before the infrastructure role's policy, the roles, the log group and the cluster", () => {
        // GIVEN the recorded dependencies of the real dev plan
        const order = deleteOrder(dev.resources);
        const at = (name: string) => {
            const i = order.indexOf(name);
            assert.notEqual(i, -1, `${name} is not in the delete order`);
            return i;
        };
        // THEN Pulumi's reverse-dependency delete runs: service -> barrier -> what the drain needs
        assert.ok(at("ecs-ship-dev-web-service") < at("ecs-ship-dev-web-drain"));
        for (const needed of ["ecs-ship-dev-web-infra-managed", "ecs-ship-dev-web-exec-managed", "ecs-ship-dev-web-infra", "ecs-ship-dev-web-exec", "ecs-ship-dev-web-logs", "ecs-ship-dev-capacity", "ecs-ship-dev-cluster"]) {
            assert.ok(at("ecs-ship-dev-web-drain") < at(needed), `${needed} would be deleted before the drain ends`);
        }
    });

    it("is what the service depends on, and it depends on the policies, the log group and the cluster", () => {
        const byName = (n: string) => dev.resources.find((r) => r.name === n)!;
        assert.ok(byName("ecs-ship-dev-web-service").dependsOn.includes("ecs-ship-dev-web-drain"));
        assert.deepEqual([...byName("ecs-ship-dev-web-drain").dependencies].sort(), [
            "ecs-ship-dev-capacity", "ecs-ship-dev-web-exec-managed", "ecs-ship-dev-web-infra", "ecs-ship-dev-web-infra-managed", "ecs-ship-dev-web-logs",
        ]);
    });
});
