// The deploy gate for a worker (`kind: worker`): no URL and no health path in its outputs, judged by its
// service deployment and the image its tasks run, and never probed over HTTP. ECS is aws-sdk-client-mock.
import * as assert from "assert";
import { DescribeServiceDeploymentsCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, ListServiceDeploymentsCommand } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { EXIT, GateFailure, parseServices, runGate } from "../tools/verify/verifyGate";
import { CLUSTER_ARN, DIGEST, FARGATE_SERVICE_ARN, OTHER_DIGEST, SINCE, described, listed, serviceRunning, stackOutputs, taskDefinition, taskDefinitionArn } from "./support/verifyFixtures";

const ecsMock = mockClient(ECSClient);
/** A worker as index.ts exports it: no url, no healthCheckPath. */
const worker = { mode: "fargate", kind: "worker", serviceArn: FARGATE_SERVICE_ARN, clusterArn: CLUSTER_ARN, imageDigest: DIGEST, logGroupName: "ecs-ship-prod-worker-logs" };
const noFetch = (async () => { throw new Error("a worker must not be probed over HTTP"); }) as unknown as typeof fetch;

function gateDeps(log: string[]) {
    let t = 0;
    return { ecs: (region: string) => new ECSClient({ region }), fetch: noFetch, clock: { now: () => t, sleep: async (ms: number) => { t += ms; } }, log: (l: string) => log.push(l) };
}

describe("verify gate: a worker", () => {
    beforeEach(() => ecsMock.reset());

    it("reads a worker without url or health path, and still refuses a web service without them", () => {
        const [target] = parseServices(stackOutputs({ worker }), "prod");
        assert.deepStrictEqual([target.kind, target.url, target.healthCheckPath], ["worker", "", ""]);
        assert.throws(() => parseServices(stackOutputs({ web: { ...worker, kind: "web" } }), "prod"), (e: GateFailure) => e.code === EXIT.badInput && /services\.web\.url: must be an http\(s\) URL/.test(e.message));
        assert.throws(() => parseServices(stackOutputs({ w: { ...worker, kind: "cron" } }), "prod"), /services\.w\.kind: must be "web" or "worker" when given, got "cron"/);
    });

    it("passes a worker whose deployment is SUCCESSFUL and whose tasks run the digest, with no HTTP request", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "SUCCESSFUL"));
        ecsMock.on(DescribeServicesCommand).resolves(serviceRunning([[7, "PRIMARY", 1]]));
        ecsMock.on(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn(7) }).resolves(taskDefinition(7, DIGEST));
        const log: string[] = [];
        await runGate({ stack: "prod", outputs: stackOutputs({ worker }), since: SINCE }, gateDeps(log));
        assert.ok(log.includes("worker (worker): no port and no load balancer, so no HTTP probe; its deployment and image decide"), log.join("\n"));
    });

    it("fails a worker whose deployment the circuit breaker rolled back", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "ROLLBACK_SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "ROLLBACK_SUCCESSFUL", "tasks failed to start"));
        await assert.rejects(runGate({ stack: "prod", outputs: stackOutputs({ worker }), since: SINCE }, gateDeps([])), (e: GateFailure) => e.code === EXIT.rolledBack);
    });

    it("fails a worker that still runs another image at the deadline", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, []));
        ecsMock.on(DescribeServicesCommand).resolves(serviceRunning([[6, "PRIMARY", 1]]));
        ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(6, OTHER_DIGEST));
        await assert.rejects(runGate({ stack: "prod", outputs: stackOutputs({ worker }), since: SINCE, deadlineSeconds: 5 }, gateDeps([])), (e: GateFailure) => e.code === EXIT.imageMismatch);
    });
});
