// The post-deploy gate: stack-output parsing, the version rule, the deployment found by time over every
// page, the serving image digest, HTTP against two real apps on 127.0.0.1 (ecs-ship's sample app, and an
// app with /healthz and no version endpoint), and the CLI's exit codes. ECS is aws-sdk-client-mock.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import {
    DescribeExpressGatewayServiceCommand,
    DescribeServiceDeploymentsCommand,
    DescribeServicesCommand,
    DescribeTaskDefinitionCommand,
    ECSClient,
    ListServiceDeploymentsCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { main } from "../tools/verify";
import { checkImage, checkRollout } from "../tools/verify/verifyEcs";
import { Clock, EXIT, GateDeps, GateFailure, parseExpectedSha, parseServices, realClock, Retry, runGate, ServiceTarget, versionMatches } from "../tools/verify/verifyGate";
import { checkHttp, readVersion } from "../tools/verify/verifyHttp";
import { ROOT, Running, startApp, startHealthFlakingProxy, startOtherApp } from "./support/verifyApp";
import {
    CLUSTER_ARN, deploymentArn, described, DIGEST, EXPRESS_SERVICE_ARN, expressService, FARGATE_SERVICE_ARN, listed, OTHER_DIGEST,
    REPOSITORY, serviceRunning, SHA, SINCE, stackOutputs, taskDefinition, taskDefinitionArn,
} from "./support/verifyFixtures";

const ecsMock = mockClient(ECSClient);
const LOG_GROUP = "/ecs/ecs-ship-prod-web";

/** A clock whose sleep advances virtual time at once: polling tests run without real waiting. */
function fakeClock(): Clock & { slept: number[] } {
    let t = 0;
    const slept: number[] = [];
    return { slept, now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; } };
}

function deps(clock: Clock, log: string[] = []): GateDeps {
    return { ecs: (region) => new ECSClient({ region }), fetch, clock, log: (line) => log.push(line) };
}

async function failure(promise: Promise<unknown>): Promise<GateFailure> {
    try {
        await promise;
    } catch (err) {
        if (err instanceof GateFailure) return err;
        throw err;
    }
    assert.fail("expected a GateFailure");
}

const base = { url: "http://127.0.0.1:1", region: "us-east-1", imageDigest: DIGEST, healthCheckPath: "/health", logGroupName: LOG_GROUP };
const fargate: ServiceTarget = { ...base, name: "web", mode: "fargate", serviceArn: FARGATE_SERVICE_ARN, cluster: CLUSTER_ARN };
const express: ServiceTarget = { ...base, name: "web", mode: "express", serviceArn: EXPRESS_SERVICE_ARN, cluster: "ecs-ship-dev-cluster-9f8e7d6" };
const retry = (clock: Clock) => new Retry(clock, 1000, 8000);
const dep = (id: string) => deploymentArn(FARGATE_SERVICE_ARN, id);

/** One service as index.ts exports it. */
function exported(over: Record<string, unknown> = {}): Record<string, unknown> {
    return { mode: "fargate", url: "http://alb.example", serviceArn: FARGATE_SERVICE_ARN, clusterArn: CLUSTER_ARN, imageDigest: DIGEST, healthCheckPath: "/health", logGroupName: LOG_GROUP, ...over };
}

describe("verify gate: stack outputs", () => {
    it("reads one Express service, deriving the cluster from the service ARN", () => {
        const targets = parseServices(stackOutputs({ web: exported({ mode: "express", url: "https://ec-1a2b3c.ecs.us-east-1.on.aws/", serviceArn: EXPRESS_SERVICE_ARN, clusterArn: undefined, versionPath: "/version" }) }, "dev"), "dev");
        assert.deepStrictEqual(targets, [{
            name: "web", mode: "express", url: "https://ec-1a2b3c.ecs.us-east-1.on.aws", serviceArn: EXPRESS_SERVICE_ARN, cluster: "ecs-ship-dev-cluster-9f8e7d6", region: "us-east-1",
            imageDigest: DIGEST, healthCheckPath: "/health", versionPath: "/version", logGroupName: LOG_GROUP,
        }]);
    });

    it("reads several services, using clusterArn when it is exported", () => {
        const targets = parseServices(stackOutputs({ web: exported(), api: exported({ mode: "express", serviceArn: EXPRESS_SERVICE_ARN, clusterArn: undefined }) }), "prod");
        assert.deepStrictEqual(targets.map((t) => [t.name, t.mode, t.cluster]), [["web", "fargate", CLUSTER_ARN], ["api", "express", "ecs-ship-dev-cluster-9f8e7d6"]]);
    });

    it("takes the digest from imageRef when outputs of an older program have no imageDigest", () => {
        const targets = parseServices(stackOutputs({ web: exported({ imageDigest: undefined, imageRef: `${REPOSITORY}@${DIGEST}` }) }), "prod");
        assert.strictEqual(targets[0].imageDigest, DIGEST);
    });

    it("accepts services as an array of named entries", () => {
        const targets = parseServices({ services: [exported({ name: "web" })] }, "prod");
        assert.deepStrictEqual(targets.map((t) => t.name), ["web"]);
    });

    it("lists every missing field in one bad-input failure", () => {
        assert.throws(() => parseServices(stackOutputs({ web: { mode: "ec2", serviceArn: "web", imageDigest: "latest", healthCheckPath: "health" } }), "prod"), (e: GateFailure) => {
            assert.strictEqual(e.code, EXIT.badInput);
            assert.strictEqual(e.message, 'stack outputs: services.web.mode: must be "express" or "fargate", got "ec2"; services.web.url: must be an http(s) URL, got nothing; services.web.serviceArn: must be an ECS service ARN (arn:aws:ecs:<region>:<account>:service/<cluster>/<name>), got "web"; services.web.imageDigest: must be an image digest (sha256:<64 hex digits>), got "latest"; services.web.healthCheckPath: must be a path starting with "/", got "health"');
            return true;
        });
    });

    it("fails with bad input when there is no services output", () => {
        assert.throws(() => parseServices({ stack: "prod", deployRoleArn: "arn:aws:iam::123456789012:role/x" }, "prod"), (e: GateFailure) =>
            e.code === EXIT.badInput && e.message === 'stack outputs: "services" must be an object of name -> { mode, url, serviceArn, imageDigest, healthCheckPath }, got nothing');
    });

    it("fails with bad input when the outputs belong to another stack", () => {
        assert.throws(() => parseServices(stackOutputs({}, "dev"), "prod"), (e: GateFailure) =>
            e.code === EXIT.badInput && e.message === 'stack outputs: belong to stack "dev", but --stack is "prod"');
    });
});

describe("verify gate: version rule", () => {
    it("matches the 7-character image tag against the full SHA", () => {
        assert.strictEqual(versionMatches(SHA, SHA.slice(0, 7)), true);
    });

    it("matches the full SHA against an expected 7-character tag", () => {
        assert.strictEqual(versionMatches(SHA.slice(0, 7), SHA.toUpperCase()), true);
    });

    it("rejects a different commit", () => {
        assert.strictEqual(versionMatches(SHA, "fedcba9"), false);
    });

    it("rejects a served version that is not a commit", () => {
        assert.strictEqual(versionMatches(SHA, "dev"), false);
    });

    it("reads a version as a JSON object, a JSON string or plain text", () => {
        assert.deepStrictEqual([readVersion('{"version":"abc1234"}'), readVersion('"abc1234"'), readVersion("abc1234\n"), readVersion("<html>")], ["abc1234", "abc1234", "abc1234", undefined]);
    });

    it("refuses an expected SHA that is not hex", () => {
        assert.throws(() => parseExpectedSha("main"), (e: GateFailure) =>
            e.code === EXIT.badInput && e.message === '--sha: must be a commit SHA of 7 to 40 hex characters (or set GITHUB_SHA), got "main"');
    });
});

describe("verify gate: the deployment this run started", () => {
    beforeEach(() => ecsMock.reset());

    it("passes when the deployment created since the run started is SUCCESSFUL, asking ECS for that window", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "SUCCESSFUL"));
        const clock = fakeClock();
        assert.strictEqual(await checkRollout(fargate, SINCE, deps(clock), 600_000, retry(clock)), dep("d-new"));
        assert.deepStrictEqual(ecsMock.commandCalls(ListServiceDeploymentsCommand)[0].args[0].input, {
            service: FARGATE_SERVICE_ARN, cluster: CLUSTER_ARN, createdAt: { after: SINCE }, maxResults: 100, nextToken: undefined,
        });
    });

    it("reads every page and judges this run's deployment on the second page", async () => {
        // GIVEN a busy service: the first page holds only deployments of earlier runs, the second holds this run's rollback
        ecsMock.on(ListServiceDeploymentsCommand, { nextToken: undefined }).resolves(listed(FARGATE_SERVICE_ARN, [
            ["d-1", "SUCCESSFUL", "2025-01-01T08:00:00Z"], ["d-2", "SUCCESSFUL", "2025-01-01T09:00:00Z"],
        ], "page-2"));
        ecsMock.on(ListServiceDeploymentsCommand, { nextToken: "page-2" }).resolves(listed(FARGATE_SERVICE_ARN, [["d-3", "ROLLBACK_SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [dep("d-3")] })
            .resolves(described(FARGATE_SERVICE_ARN, "d-3", "ROLLBACK_SUCCESSFUL", "Circuit breaker triggered"));
        const clock = fakeClock();
        // WHEN the gate looks for the deployment
        const err = await failure(checkRollout(fargate, SINCE, deps(clock), 600_000, retry(clock)));
        // THEN both pages were read and the rollback on page two fails the gate
        assert.strictEqual(ecsMock.commandCalls(ListServiceDeploymentsCommand).length, 2);
        assert.strictEqual(err.code, EXIT.rolledBack);
    });

    it("ignores a newer-looking deployment created before the run started", async () => {
        // GIVEN ECS lists an older deployment (before SINCE) after this run's (list order is not documented)
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [
            ["d-ours", "SUCCESSFUL", "2025-01-01T10:00:00Z"], ["d-old", "ROLLBACK_SUCCESSFUL", "2025-01-01T09:00:00Z"],
        ]));
        ecsMock.on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [dep("d-ours")] }).resolves(described(FARGATE_SERVICE_ARN, "d-ours", "SUCCESSFUL"));
        const clock = fakeClock();
        // THEN the gate judges this run's deployment only
        assert.strictEqual(await checkRollout(fargate, SINCE, deps(clock), 600_000, retry(clock)), dep("d-ours"));
    });

    it("judges the newest of several deployments this run started", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [
            ["d-first", "STOPPED", "2025-01-01T09:40:00Z"], ["d-last", "SUCCESSFUL", "2025-01-01T09:50:00Z"],
        ]));
        ecsMock.on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [dep("d-last")] }).resolves(described(FARGATE_SERVICE_ARN, "d-last", "SUCCESSFUL"));
        const clock = fakeClock();
        assert.strictEqual(await checkRollout(fargate, SINCE, deps(clock), 600_000, retry(clock)), dep("d-last"));
    });

    it("leaves the verdict to the image check when this run started no deployment", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-old", "SUCCESSFUL", "2025-01-01T09:00:00Z"]]));
        const clock = fakeClock();
        const log: string[] = [];
        assert.strictEqual(await checkRollout(fargate, SINCE, deps(clock, log), 600_000, retry(clock)), undefined);
        assert.deepStrictEqual(log, ["web (fargate): no service deployment started since 2025-01-01T09:30:00.000Z; this run left the service unchanged, so the image it serves decides"]);
    });

    for (const [status, reason] of [["ROLLBACK_SUCCESSFUL", "Circuit breaker triggered: 3 tasks failed their health checks"], ["ROLLBACK_FAILED", "Rollback could not reach the source revision"], ["STOPPED", "Stopped by a newer deployment"]] as const) {
        it(`fails with the rollback code on ${status}, saying what was expected and where to look`, async () => {
            ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", status, "2025-01-01T10:00:00Z"]]));
            ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", status, reason));
            const clock = fakeClock();
            const err = await failure(checkRollout(fargate, SINCE, deps(clock), 600_000, retry(clock)));
            assert.strictEqual(err.code, EXIT.rolledBack);
            assert.strictEqual(err.message, `web (fargate): expected service deployment ${dep("d-new")} to be SUCCESSFUL, saw ${status}: ${reason}; see service deployment ${dep("d-new")} and log group ${LOG_GROUP}`);
        });
    }

    it("reports a rollback its deployment alarm triggered as such, naming the alarm", async () => {
        // GIVEN ECS rolled the deployment back because the 5xx alarm fired (ServiceDeploymentAlarms.triggeredAlarmNames)
        const reason = "ECS deployment detected triggered alarms and rolled back";
        const out = described(FARGATE_SERVICE_ARN, "d-new", "ROLLBACK_SUCCESSFUL", reason);
        out.serviceDeployments![0].alarms = { status: "TRIGGERED", alarmNames: ["ecs-ship-prod-web-5xx", "ecs-ship-prod-web-unhealthy"], triggeredAlarmNames: ["ecs-ship-prod-web-5xx"] };
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "ROLLBACK_SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(out);
        // WHEN the gate checks the rollout
        const clock = fakeClock();
        const err = await failure(checkRollout(fargate, SINCE, deps(clock), 600_000, retry(clock)));
        // THEN it fails with the rollback code and says which alarm rolled the release back
        assert.strictEqual(err.code, EXIT.rolledBack);
        assert.strictEqual(err.message, `web (fargate): service deployment ${dep("d-new")} was rolled back by its deployment alarm ecs-ship-prod-web-5xx (the release passed health checks but tripped the alarm), expected SUCCESSFUL, saw ROLLBACK_SUCCESSFUL: ${reason}; see service deployment ${dep("d-new")} and log group ${LOG_GROUP}`);
    });

    it("says so when a failed deployment carries no status reason", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "STOPPED", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "STOPPED"));
        const clock = fakeClock();
        const err = await failure(checkRollout(fargate, SINCE, deps(clock), 600_000, retry(clock)));
        assert.match(err.message, /saw STOPPED: no status reason given; see /);
    });

    it("polls IN_PROGRESS until SUCCESSFUL, printing progress", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "IN_PROGRESS", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand)
            .resolvesOnce(described(FARGATE_SERVICE_ARN, "d-new", "IN_PROGRESS"))
            .resolvesOnce(described(FARGATE_SERVICE_ARN, "d-new", "IN_PROGRESS"))
            .resolves(described(FARGATE_SERVICE_ARN, "d-new", "SUCCESSFUL"));
        const clock = fakeClock();
        const log: string[] = [];
        await checkRollout(fargate, SINCE, deps(clock, log), 600_000, retry(clock));
        assert.deepStrictEqual(log, [
            `web (fargate): service deployment ${dep("d-new")} is IN_PROGRESS; polling again in 1s`,
            `web (fargate): service deployment ${dep("d-new")} is IN_PROGRESS; polling again in 2s`,
            `web (fargate): service deployment ${dep("d-new")} is SUCCESSFUL`,
        ]);
    });

    it("backs off exponentially up to the cap and stops at the deadline with the timeout code", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "IN_PROGRESS", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "IN_PROGRESS"));
        const clock = fakeClock();
        const err = await failure(checkRollout(fargate, SINCE, deps(clock), 30_000, retry(clock)));
        assert.strictEqual(err.code, EXIT.timeout);
        assert.strictEqual(err.message, `web (fargate): deadline reached while service deployment ${dep("d-new")} is IN_PROGRESS, expected SUCCESSFUL; see service deployment ${dep("d-new")} and log group ${LOG_GROUP}`);
        assert.deepStrictEqual(clock.slept, [1000, 2000, 4000, 8000, 8000, 7000]);
    });

    it("checks an Express service through ListServiceDeployments on the Express service ARN", async () => {
        ecsMock.on(DescribeExpressGatewayServiceCommand).resolves(expressService("ACTIVE"));
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(EXPRESS_SERVICE_ARN, [["e-new", "SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(EXPRESS_SERVICE_ARN, "e-new", "SUCCESSFUL"));
        const clock = fakeClock();
        await checkRollout(express, SINCE, deps(clock), 600_000, retry(clock));
        assert.deepStrictEqual(ecsMock.commandCalls(ListServiceDeploymentsCommand)[0].args[0].input.service, EXPRESS_SERVICE_ARN);
    });

    it("fails an Express service that is draining", async () => {
        ecsMock.on(DescribeExpressGatewayServiceCommand).resolves(expressService("DRAINING", "Service is being deleted"));
        const clock = fakeClock();
        const err = await failure(checkRollout(express, SINCE, deps(clock), 600_000, retry(clock)));
        assert.strictEqual(err.code, EXIT.rolledBack);
        assert.strictEqual(err.message, `web (express): expected Express service ${EXPRESS_SERVICE_ARN} to be ACTIVE, saw DRAINING: Service is being deleted; see log group ${LOG_GROUP}`);
    });
});

describe("verify gate: the image that serves", () => {
    beforeEach(() => ecsMock.reset());

    it("passes when every Fargate deployment with running tasks runs the digest", async () => {
        // GIVEN the new revision running, an old one already drained (INACTIVE) on another image
        ecsMock.on(DescribeServicesCommand).resolves(serviceRunning([[7, "PRIMARY", 2], [6, "INACTIVE", 0]]));
        ecsMock.on(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn(7) }).resolves(taskDefinition(7, DIGEST));
        ecsMock.on(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn(6) }).resolves(taskDefinition(6, OTHER_DIGEST));
        const clock = fakeClock();
        const log: string[] = [];
        await checkImage(fargate, dep("d-new"), deps(clock, log), 600_000, retry(clock));
        assert.deepStrictEqual(ecsMock.commandCalls(DescribeServicesCommand)[0].args[0].input, { cluster: CLUSTER_ARN, services: [FARGATE_SERVICE_ARN] });
        assert.deepStrictEqual(log, [`web (fargate): every task definition with running tasks (ecs-ship-prod-web-task-1a2b3c4:7 (2 running)) serves ${DIGEST}`]);
    });

    it("waits while old tasks of the previous revision still run", async () => {
        ecsMock.on(DescribeServicesCommand)
            .resolvesOnce(serviceRunning([[7, "PRIMARY", 2], [6, "ACTIVE", 1]]))
            .resolves(serviceRunning([[7, "PRIMARY", 2], [6, "INACTIVE", 0]]));
        ecsMock.on(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn(7) }).resolves(taskDefinition(7, DIGEST));
        ecsMock.on(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn(6) }).resolves(taskDefinition(6, OTHER_DIGEST));
        const clock = fakeClock();
        await checkImage(fargate, dep("d-new"), deps(clock), 600_000, retry(clock));
        assert.deepStrictEqual(clock.slept, [1000]);
    });

    it("fails with the image code when tasks still run another digest at the deadline", async () => {
        ecsMock.on(DescribeServicesCommand).resolves(serviceRunning([[7, "PRIMARY", 2]]));
        ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(7, OTHER_DIGEST));
        const clock = fakeClock();
        const err = await failure(checkImage(fargate, dep("d-new"), deps(clock), 10_000, retry(clock)));
        assert.strictEqual(err.code, EXIT.imageMismatch);
        assert.strictEqual(err.message, `web (fargate): expected every task definition with running tasks to serve ${DIGEST}, saw 1 of 1 serve another image: ecs-ship-prod-web-task-1a2b3c4:7 (2 running) runs ${OTHER_DIGEST}; see service deployment ${dep("d-new")} and log group ${LOG_GROUP}`);
    });

    it("passes when the Express service's active configuration runs the digest", async () => {
        ecsMock.on(DescribeExpressGatewayServiceCommand).resolves(expressService("ACTIVE"));
        const clock = fakeClock();
        await checkImage(express, undefined, deps(clock), 600_000, retry(clock));
    });

    it("waits while an Express canary still has the old configuration active", async () => {
        ecsMock.on(DescribeExpressGatewayServiceCommand)
            .resolvesOnce(expressService("ACTIVE", undefined, [OTHER_DIGEST, DIGEST]))
            .resolves(expressService("ACTIVE", undefined, [DIGEST]));
        const clock = fakeClock();
        await checkImage(express, undefined, deps(clock), 600_000, retry(clock));
        assert.deepStrictEqual(clock.slept, [1000]);
    });

    it("fails with the image code when the Express active configuration runs another digest", async () => {
        ecsMock.on(DescribeExpressGatewayServiceCommand).resolves(expressService("ACTIVE", undefined, [OTHER_DIGEST]));
        const clock = fakeClock();
        const err = await failure(checkImage(express, undefined, deps(clock), 5_000, retry(clock)));
        assert.strictEqual(err.code, EXIT.imageMismatch);
        assert.strictEqual(err.message, `web (express): expected every active configuration to serve ${DIGEST}, saw 1 of 1 serve another image: 4980306466373577090 runs ${OTHER_DIGEST}; see log group ${LOG_GROUP}`);
    });

    it("times out when no task runs at all", async () => {
        ecsMock.on(DescribeServicesCommand).resolves(serviceRunning([[7, "PRIMARY", 0]]));
        const clock = fakeClock();
        const err = await failure(checkImage(fargate, undefined, deps(clock), 3_000, retry(clock)));
        assert.strictEqual(err.code, EXIT.timeout);
        assert.strictEqual(err.message, `web (fargate): deadline reached with no task definition with running tasks listed, expected ${DIGEST} to serve; see log group ${LOG_GROUP}`);
    });
});

describe("verify gate: HTTP against real apps", () => {
    let app: Running | undefined;
    let other: Running | undefined;
    const stops: Array<() => Promise<void>> = [];
    before(async () => {
        app = await startApp(SHA);
        other = await startOtherApp();
    });
    afterEach(async () => {
        while (stops.length) await stops.pop()!();
    });
    after(async () => {
        await app?.stop();
        await other?.stop();
    });

    // Short real delays and a short deadline: these tests talk to real servers in real time.
    const fast = (clock: Clock) => new Retry(clock, 20, 100);
    const sample = (url: string): ServiceTarget => ({ ...fargate, url, versionPath: "/version" });
    const healthz = (url: string): ServiceTarget => ({ ...fargate, url, healthCheckPath: "/healthz" });

    it("passes the sample app when /health is 200 and /version is the expected commit", async () => {
        await checkHttp(sample(app!.url), SHA, deps(realClock), Date.now() + 5000, fast(realClock), 2000);
    });

    it("passes the other app on /healthz without asking for any version endpoint", async () => {
        const log: string[] = [];
        await checkHttp(healthz(other!.url), undefined, deps(realClock, log), Date.now() + 5000, fast(realClock), 2000);
        assert.deepStrictEqual(log, [`web: GET ${other!.url}/healthz -> 200`]);
    });

    it("requests the paths from the host's root when the url ends in a path prefix (shared load balancer)", async () => {
        // GIVEN an app that serves only under /api, as the shared load balancer passes /api/* on unchanged,
        // and the outputs of a service routed there: url https://<lb>/api, healthCheckPath /api/health
        const seen: string[] = [];
        const server = http.createServer((req, res) => {
            seen.push(req.url!);
            if (req.url === "/api/health") res.end("ok");
            else if (req.url === "/api/version") res.end(JSON.stringify({ version: SHA }));
            else { res.statusCode = 404; res.end(); }
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        stops.push(() => new Promise((resolve) => server.close(() => resolve())));
        const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        const log: string[] = [];
        // WHEN the gate checks it
        await checkHttp({ ...fargate, url: `${origin}/api`, healthCheckPath: "/api/health", versionPath: "/api/version" }, SHA, deps(realClock, log), Date.now() + 5000, fast(realClock), 2000);
        // THEN it asked for /api/health and /api/version, not /api/api/health
        assert.deepStrictEqual(seen, ["/api/health", "/api/version"]);
        assert.deepStrictEqual(log, [`web: GET ${origin}/api/health -> 200, and ${origin}/api/version reports ${SHA}`]);
    });

    it("fails with the mismatch code when /version is another commit", async () => {
        const err = await failure(checkHttp(sample(app!.url), "fedcba9", deps(realClock), Date.now() + 300, fast(realClock), 2000));
        assert.strictEqual(err.code, EXIT.versionMismatch);
        assert.strictEqual(err.message, `web: expected ${app!.url}/version to report fedcba9, saw ${SHA}; see log group ${LOG_GROUP}`);
    });

    it("passes after retries when /healthz answers 503 three times, then 200", async () => {
        const proxy = await startHealthFlakingProxy(other!.url, 3, "/healthz");
        stops.push(proxy.stop);
        const log: string[] = [];
        await checkHttp(healthz(proxy.url), undefined, deps(realClock, log), Date.now() + 10_000, fast(realClock), 2000);
        assert.strictEqual(proxy.healthRequests(), 4);
        assert.deepStrictEqual(log.map((l) => l.replace(/retrying in .*/, "retrying")), [
            "web: GET /healthz -> 503; retrying",
            "web: GET /healthz -> 503; retrying",
            "web: GET /healthz -> 503; retrying",
            `web: GET ${proxy.url}/healthz -> 200`,
        ]);
    });

    it("fails with the timeout code when the health path never answers 200 before the deadline", async () => {
        const proxy = await startHealthFlakingProxy(app!.url, Infinity);
        stops.push(proxy.stop);
        const err = await failure(checkHttp(sample(proxy.url), SHA, deps(realClock), Date.now() + 300, fast(realClock), 2000));
        assert.strictEqual(err.code, EXIT.timeout);
        assert.strictEqual(err.message, `web: deadline reached before ${proxy.url}/health answered 200, expected 200, saw 503; see log group ${LOG_GROUP}`);
    });

    it("fails with the timeout code when an app has no endpoint at the configured health path", async () => {
        const err = await failure(checkHttp(sample(other!.url), SHA, deps(realClock), Date.now() + 300, fast(realClock), 2000));
        assert.strictEqual(err.code, EXIT.timeout);
        assert.match(err.message, /answered 200, expected 200, saw 404; see log group /);
    });
});

describe("verify gate: the whole gate, ECS mocked, real apps", () => {
    let app: Running | undefined;
    let other: Running | undefined;
    before(async () => {
        app = await startApp(SHA);
        other = await startOtherApp();
    });
    after(async () => {
        await app?.stop();
        await other?.stop();
    });
    beforeEach(() => ecsMock.reset());

    /** ECS's story of this run: the deployment's final status, and the digest the tasks run. */
    function ecsReports(status: "SUCCESSFUL" | "ROLLBACK_SUCCESSFUL", digest: string): void {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-old", "SUCCESSFUL", "2025-01-01T09:00:00Z"], ["d-new", status, "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", status, status === "SUCCESSFUL" ? undefined : "Circuit breaker triggered"));
        ecsMock.on(DescribeServicesCommand).resolves(serviceRunning([[7, "PRIMARY", 2]]));
        ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(7, digest));
    }

    const apps = [
        { name: "the sample app (/health, /version)", url: () => app!.url, service: { healthCheckPath: "/health", versionPath: "/version" } },
        { name: "another app (/healthz, no version endpoint)", url: () => other!.url, service: { healthCheckPath: "/healthz" } },
    ];
    const run = (url: string, service: Record<string, unknown>) => runGate({
        stack: "prod", outputs: stackOutputs({ web: exported({ url, ...service }) }), since: SINCE, expectedSha: SHA,
        deadlineSeconds: 1, initialDelayMs: 20, maxDelayMs: 100,
    }, deps(realClock));

    for (const a of apps) {
        it(`passes ${a.name} when this run's deployment succeeded and its digest serves`, async () => {
            ecsReports("SUCCESSFUL", DIGEST);
            await run(a.url(), a.service);
        });

        it(`fails ${a.name} with exit code 3 when ECS rolled this run's deployment back`, async () => {
            ecsReports("ROLLBACK_SUCCESSFUL", OTHER_DIGEST);
            assert.strictEqual((await failure(run(a.url(), a.service))).code, EXIT.rolledBack);
        });

        it(`fails ${a.name} with exit code 6 when another digest serves`, async () => {
            ecsReports("SUCCESSFUL", OTHER_DIGEST);
            assert.strictEqual((await failure(run(a.url(), a.service))).code, EXIT.imageMismatch);
        });
    }

    it("needs no commit when no service has a version endpoint", async () => {
        ecsReports("SUCCESSFUL", DIGEST);
        await runGate({ stack: "prod", outputs: stackOutputs({ web: exported({ url: other!.url, healthCheckPath: "/healthz" }) }), since: SINCE, deadlineSeconds: 1, initialDelayMs: 20, maxDelayMs: 100 }, deps(realClock));
    });

    it("exits through the CLI with the documented codes: 0, then 3 on a rollback, then 6 on another digest", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-verify-")), "outputs.json");
        fs.writeFileSync(file, JSON.stringify(stackOutputs({ web: exported({ url: other!.url, healthCheckPath: "/healthz" }) })));
        const args = ["--stack", "prod", "--since", SINCE.toISOString(), "--outputs", file, "--deadline", "1"];
        const errors: string[] = [];
        const saved = { error: console.error, log: console.log };
        console.error = (line: string) => errors.push(line);
        console.log = () => undefined;
        try {
            ecsReports("SUCCESSFUL", DIGEST);
            const ok = await main(args);
            ecsMock.reset();
            ecsReports("ROLLBACK_SUCCESSFUL", DIGEST);
            const rolledBack = await main(args);
            ecsMock.reset();
            ecsReports("SUCCESSFUL", OTHER_DIGEST);
            const otherImage = await main(args);
            assert.deepStrictEqual([ok, rolledBack, otherImage], [0, 3, 6]);
            assert.match(errors[0], /^(::error title=verify::)?verify: web \(fargate\): expected service deployment \S+ to be SUCCESSFUL, saw ROLLBACK_SUCCESSFUL: Circuit breaker triggered; see service deployment \S+ and log group \/ecs\/ecs-ship-prod-web$/);
        } finally {
            Object.assign(console, saved);
        }
    });
});

describe("verify CLI", () => {
    const run = (args: string[], input?: string) =>
        spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools", "verify", "index.ts"), ...args], {
            cwd: ROOT, input, encoding: "utf8", env: { ...process.env, GITHUB_ACTIONS: "", GITHUB_SHA: SHA },
        });
    const USAGE = "usage: npm run verify -- --stack <name> --since <ISO 8601 time> [--outputs <file>] [--sha <sha>] [--deadline <seconds>]";

    it("exits 2 with a one-line reason when --stack is missing", () => {
        const result = run([]);
        assert.strictEqual(result.status, EXIT.badInput);
        assert.strictEqual(result.stderr, `verify: --stack: required; ${USAGE}\n`);
    });

    it("exits 2 when --since is missing: the gate must know which deployment is this run's", () => {
        const result = run(["--stack", "prod"]);
        assert.strictEqual(result.status, EXIT.badInput);
        assert.strictEqual(result.stderr, `verify: --since: required, the time \`pulumi up\` started; ${USAGE}\n`);
    });

    it("exits 2 when --since is not an ISO 8601 time with a zone", () => {
        const result = run(["--stack", "prod", "--since", "yesterday"]);
        assert.strictEqual(result.status, EXIT.badInput);
        assert.strictEqual(result.stderr, 'verify: --since: must be an ISO 8601 time with a zone, such as 2026-11-23T08:00:00Z, got "yesterday"\n');
    });

    it("exits 2 when the piped stack outputs lack a service URL", () => {
        const outputs = stackOutputs({ web: exported({ url: undefined }) });
        const result = run(["--stack", "prod", "--since", SINCE.toISOString()], JSON.stringify(outputs));
        assert.strictEqual(result.status, EXIT.badInput);
        assert.strictEqual(result.stderr, "verify: stack outputs: services.web.url: must be an http(s) URL, got nothing\n");
    });

    it("exits 2 when the --outputs file is not JSON", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-verify-")), "outputs.json");
        fs.writeFileSync(file, "Current stack outputs (1):");
        const result = run(["--stack", "prod", "--since", SINCE.toISOString(), "--outputs", file]);
        assert.strictEqual(result.status, EXIT.badInput);
        assert.strictEqual(result.stderr, `verify: stack outputs: ${file} is not JSON (expected the output of \`pulumi stack output --json\`)\n`);
    });
});

describe("verify gate: reads what index.ts exports", function () {
    this.timeout(120_000);
    for (const stack of ["dev", "prod"]) {
        it(`parses the ${stack} plan's services output: digest, health path and the sample app's /version`, async () => {
            // GIVEN the real program planned for the shipped stack file
            const { plan } = await import("../tools/planner/planner");
            const p = await plan(stack, { env: { GITHUB_SHA: SHA } });
            // WHEN the gate reads its outputs
            const [web] = parseServices(p.outputs, stack);
            // THEN it knows what must serve and where to probe
            assert.match(web.imageDigest, /^sha256:[0-9a-f]{64}$/);
            assert.deepStrictEqual([web.name, web.healthCheckPath, web.versionPath, web.logGroupName !== undefined], ["web", "/health", "/version", true]);
        });
    }
});

describe("verify gate: runs with the deploy role's permissions", () => {
    // The gate runs in the deploy job, after configure-aws-credentials assumed the stack's deploy role.
    // Every ECS call it makes, as recorded from whole-gate runs, must be allowed by that role's policies.
    const { deployPolicies } = require("../components/trust/trustPolicies") as typeof import("../components/trust/trustPolicies");
    const { ACCOUNT, PROVIDER_ARN, decide } = require("./support/iamSim") as typeof import("./support/iamSim");
    const policies = deployPolicies({
        partition: "aws", accountId: ACCOUNT, region: "us-east-1", stack: "prod", prefix: "ecs-ship-prod", trustName: "ecs-ship-prod-github", project: "ecs-ship",
        providerArn: PROVIDER_ARN, boundaryArn: `arn:aws:iam::${ACCOUNT}:policy/ecs-ship-prod-github-boundary-1a2b3c4`,
        // prod's Fargate service: a stack with a family of its own may describe task definitions (the gate reads the running image).
        taskDefinitionFamilies: ["ecs-ship-prod-web"],
    });
    const asDeploy = (action: string, resource: string) => decide(`arn:aws:iam::${ACCOUNT}:role/ecs-ship-prod-github-deploy-1a2b3c4`, policies, { action, resource });

    /** IAM action and resource of each recorded ECS call (Service Authorization Reference, Amazon ECS). */
    function requests(): Array<[string, string]> {
        return ecsMock.calls().flatMap((call) => {
            const command = call.args[0] as { constructor: { name: string }; input: Record<string, any> };
            const action = `ecs:${command.constructor.name.replace(/Command$/, "")}`;
            const input = command.input;
            const resources: string[] = input.serviceDeploymentArns ?? input.services ?? [input.service ?? input.serviceArn ?? "*"];
            return resources.map((r): [string, string] => [action, r]);
        });
    }

    beforeEach(() => ecsMock.reset());

    it("may make every call of a Fargate and an Express run", async () => {
        // GIVEN whole-gate runs against a Fargate and an Express service, HTTP left out
        ecsMock.on(ListServiceDeploymentsCommand, { service: FARGATE_SERVICE_ARN }).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        const api: ServiceTarget = { ...express, name: "api", serviceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/ecs-ship-prod-cluster-1a2b3c4/ecs-ship-prod-api-d4e5f6` };
        ecsMock.on(ListServiceDeploymentsCommand, { service: api.serviceArn }).resolves(listed(api.serviceArn, [["e-new", "SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "SUCCESSFUL"));
        ecsMock.on(DescribeServicesCommand).resolves(serviceRunning([[7, "PRIMARY", 2]]));
        ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(7, DIGEST));
        ecsMock.on(DescribeExpressGatewayServiceCommand).resolves(expressService("ACTIVE"));
        const clock = fakeClock();
        for (const target of [fargate, api]) {
            await checkImage(target, await checkRollout(target, SINCE, deps(clock), 600_000, retry(clock)), deps(clock), 600_000, retry(clock));
        }
        // WHEN each call is evaluated against the deploy role's policies
        const calls = requests();
        assert.deepStrictEqual([...new Set(calls.map(([a]) => a))].sort(), [
            "ecs:DescribeExpressGatewayService", "ecs:DescribeServiceDeployments", "ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:ListServiceDeployments",
        ]);
        // THEN every one is allowed
        for (const [action, resource] of calls) assert.strictEqual(await asDeploy(action, resource), "Allowed", `${action} on ${resource}`);
    });

    it("is the check that would catch a call the role may not make: ListTasks is not allowed", async () => {
        assert.notStrictEqual(await asDeploy("ecs:ListTasks", `arn:aws:ecs:us-east-1:${ACCOUNT}:container-instance/ecs-ship-prod-cluster-1a2b3c4/0123456789abcdef`), "Allowed");
    });
});
