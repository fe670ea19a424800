// The deploy gate on canary, linear and blue/green deployments, against a mocked ECS deployment
// history (aws-sdk-client-mock): progress by lifecycle stage, rollbacks named with their cause and
// stage, a timeout, and a time budget that follows the strategy.
import * as assert from "assert";
import { DescribeServiceDeploymentsCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, ListServiceDeploymentsCommand, ServiceDeployment } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { checkRollout } from "../tools/verify/verifyEcs";
import { Clock, EXIT, GateDeps, GateFailure, Retry, ServiceTarget, parseServices, runGate } from "../tools/verify/verifyGate";
import { parseDeploymentOutput, progressLine, progressOf, strategyBudgetSeconds } from "../tools/verify/verifyDeployment";
import { CLUSTER_ARN, DIGEST, FARGATE_SERVICE_ARN, SINCE, deploymentArn, listed, serviceRunning, stackOutputs, taskDefinition } from "./support/verifyFixtures";

const ecsMock = mockClient(ECSClient);
const ARN = deploymentArn(FARGATE_SERVICE_ARN, "canary1");
const CANARY = { strategy: "CANARY" as const, bakeTimeInMinutes: 10, canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 } };
const LINEAR = { strategy: "LINEAR" as const, bakeTimeInMinutes: 5, linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 } };

function fakeClock(): Clock {
    let t = SINCE.getTime();
    return { now: () => t, sleep: async (ms) => { t += ms; } };
}
const deps = (clock: Clock, log: string[]): GateDeps => ({ ecs: (region) => new ECSClient({ region }), fetch, clock, log: (l) => log.push(l) });
const target: ServiceTarget = { name: "web", mode: "fargate", url: "http://127.0.0.1:1", serviceArn: FARGATE_SERVICE_ARN, cluster: CLUSTER_ARN, region: "us-east-1", imageDigest: DIGEST, healthCheckPath: "/health" };

/** One step of the deployment's history, as DescribeServiceDeployments returns it. */
function step(status: string, stage: string, weight: number | undefined, over: Partial<ServiceDeployment> = {}, configuration: ServiceDeployment["deploymentConfiguration"] = CANARY) {
    return {
        $metadata: {}, failures: [],
        serviceDeployments: [{
            serviceDeploymentArn: ARN, serviceArn: FARGATE_SERVICE_ARN, clusterArn: CLUSTER_ARN, createdAt: new Date(SINCE.getTime() + 1000),
            status, lifecycleStage: stage, deploymentConfiguration: configuration,
            targetServiceRevision: weight === undefined ? undefined : { arn: "rev-new", requestedProductionTrafficWeight: weight },
            updatedAt: new Date(SINCE.getTime() + 60_000), ...over,
        } as ServiceDeployment],
    };
}

/** The history in order; the last step repeats for every later poll. */
function history(...steps: ReturnType<typeof step>[]) {
    ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["canary1", "IN_PROGRESS", "2025-01-01T09:30:01Z"]]));
    let chain = ecsMock.on(DescribeServiceDeploymentsCommand);
    for (const s of steps) chain = chain.resolvesOnce(s as never);
    chain.resolves(steps[steps.length - 1] as never);
}

async function failure(p: Promise<unknown>): Promise<GateFailure> {
    try { await p; } catch (e) { if (e instanceof GateFailure) return e; throw e; }
    return assert.fail("expected a GateFailure");
}

describe("verify gate: canary, linear and blue/green deployments", () => {
    beforeEach(() => ecsMock.reset());

    it("follows a successful canary through its stages, reporting percent shifted and bake remaining", async () => {
        // GIVEN a canary that scales up, shifts 10%, shifts all, bakes, and succeeds
        history(
            step("IN_PROGRESS", "SCALE_UP", 0),
            step("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT", 10),
            step("IN_PROGRESS", "BAKE_TIME", 100),
            step("SUCCESSFUL", "CLEAN_UP", 100),
        );
        const log: string[] = [];
        // WHEN the gate follows it  THEN it returns the deployment and logs each stage
        const arn = await checkRollout(target, SINCE, deps(fakeClock(), log), SINCE.getTime() + 3_600_000, new Retry(fakeClock(), 60_000, 60_000));
        assert.equal(arn, ARN);
        assert.ok(log.some((l) => l.includes("canary deployment in SCALE_UP, 0% of production traffic shifted")), log.join("\n"));
        assert.ok(log.some((l) => l.includes("canary deployment in PRODUCTION_TRAFFIC_SHIFT, 10% of production traffic shifted")), log.join("\n"));
        assert.ok(log.some((l) => /canary deployment in BAKE_TIME, 100% of production traffic shifted, [0-9.]+ min of bake remaining/.test(l)), log.join("\n"));
        assert.match(log[log.length - 1], /is SUCCESSFUL$/);
    });

    it("names a rollback during the bake caused by a deployment alarm", async () => {
        // GIVEN a canary fully shifted and baking, then rolled back by its 5xx alarm
        history(
            step("IN_PROGRESS", "BAKE_TIME", 100),
            step("ROLLBACK_IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT", 0, {
                alarms: { status: "TRIGGERED", alarmNames: ["ecs-ship-prod-web-5xx", "ecs-ship-prod-web-unhealthy"], triggeredAlarmNames: ["ecs-ship-prod-web-5xx"] },
                rollback: { reason: "Deployment alarm ecs-ship-prod-web-5xx went into ALARM", startedAt: new Date() },
            }),
        );
        const clock = fakeClock();
        // WHEN the gate follows it  THEN it fails as rolled back, naming the stage, the traffic share and the alarm
        const f = await failure(checkRollout(target, SINCE, deps(clock, []), SINCE.getTime() + 3_600_000, new Retry(clock, 60_000, 60_000)));
        assert.equal(f.code, EXIT.rolledBack);
        assert.match(f.message, /service deployment \S+ rolled back during BAKE_TIME \(100% of production traffic shifted\) by its deployment alarm ecs-ship-prod-web-5xx \(the release passed health checks but tripped the alarm\), saw ROLLBACK_IN_PROGRESS: Deployment alarm ecs-ship-prod-web-5xx went into ALARM/);
    });

    it("names a rollback during the traffic shift caused by the circuit breaker", async () => {
        // GIVEN a linear deployment at its second step whose tasks keep failing
        history(
            step("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT", 25, {}, LINEAR),
            step("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT", 50, {}, LINEAR),
            step("ROLLBACK_SUCCESSFUL", "CLEAN_UP", 0, {
                deploymentCircuitBreaker: { status: "TRIGGERED", failureCount: 3, threshold: 3 },
                rollback: { reason: "ECS deployment circuit breaker: tasks failed to start", startedAt: new Date() },
            }, LINEAR),
        );
        const clock = fakeClock();
        const f = await failure(checkRollout(target, SINCE, deps(clock, []), SINCE.getTime() + 3_600_000, new Retry(clock, 60_000, 60_000)));
        assert.equal(f.code, EXIT.rolledBack);
        assert.match(f.message, /rolled back during PRODUCTION_TRAFFIC_SHIFT \(50% of production traffic shifted\) by the deployment circuit breaker after 3 of 3 failed tasks \(its tasks never turned healthy\), saw ROLLBACK_SUCCESSFUL: ECS deployment circuit breaker: tasks failed to start/);
    });

    it("times out with the stage it was stuck in", async () => {
        // GIVEN a canary that never leaves its canary shift
        history(step("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT", 10));
        const clock = fakeClock();
        // WHEN the deadline passes  THEN a timeout that says where the deployment stood
        const f = await failure(checkRollout(target, SINCE, deps(clock, []), clock.now() + 300_000, new Retry(clock, 60_000, 60_000)));
        assert.equal(f.code, EXIT.timeout);
        assert.match(f.message, /deadline reached while service deployment \S+ is IN_PROGRESS \(canary deployment in PRODUCTION_TRAFFIC_SHIFT, 10% of production traffic shifted\), expected SUCCESSFUL/);
    });

    it("gives the gate the strategy's designed waits on top of its own deadline", async () => {
        // GIVEN stack outputs with a canary (25 minutes of bakes) and a rolling service
        const outputs = stackOutputs({
            web: { mode: "fargate", url: "http://127.0.0.1:1", serviceArn: FARGATE_SERVICE_ARN, clusterArn: CLUSTER_ARN, imageDigest: DIGEST, healthCheckPath: "/health", deployment: { strategy: "canary", waitMinutes: 25 } },
        });
        const [t] = parseServices(outputs, "prod");
        assert.deepEqual(t.deployment, { strategy: "canary", waitMinutes: 25 });
        assert.equal(strategyBudgetSeconds([t.deployment, undefined, { strategy: "linear", waitMinutes: 11 }]), 1500);
        // AND a deployment that bakes for 20 minutes of a 60-second gate deadline, then is rolled back
        const bake = Array.from({ length: 20 }, () => step("IN_PROGRESS", "BAKE_TIME", 100));
        history(...bake, step("ROLLBACK_IN_PROGRESS", "BAKE_TIME", 100, { alarms: { status: "TRIGGERED", triggeredAlarmNames: ["ecs-ship-prod-web-unhealthy"] } }));
        ecsMock.on(DescribeServicesCommand).resolves(serviceRunning([[1, "PRIMARY", 1]]));
        ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(1, DIGEST));
        const log: string[] = [];
        const f = await failure(runGate({ stack: "prod", outputs, since: SINCE, deadlineSeconds: 60, initialDelayMs: 60_000, maxDelayMs: 60_000 }, deps(fakeClock(), log)));
        // THEN the gate waited through the bake and reports the rollback, not a timeout
        assert.equal(f.code, EXIT.rolledBack, f.message);
        assert.match(log[0], /deadline 1560s$/);
    });

    it("refuses a malformed deployment output, naming the key", () => {
        const problems: string[] = [];
        assert.equal(parseDeploymentOutput("services.web", { strategy: "shadow", waitMinutes: 5 }, problems), undefined);
        assert.deepEqual(problems, ['services.web.deployment: must be { strategy: rolling | canary | linear | blueGreen, waitMinutes: <minutes> } when given, got {"strategy":"shadow","waitMinutes":5}']);
    });

    it("computes bake remaining from when the deployment entered its bake", () => {
        const d = step("IN_PROGRESS", "BAKE_TIME", 100).serviceDeployments[0];
        // entered at SINCE + 1 min, bake 10 min, now SINCE + 4 min: 7 minutes left
        assert.equal(progressLine(progressOf(d, SINCE.getTime() + 240_000)), "canary deployment in BAKE_TIME, 100% of production traffic shifted, 7 min of bake remaining");
    });
});
