// The post-deploy gate: stack-output parsing, the version rule, every ECS rollout status through
// aws-sdk-client-mock, HTTP against the real app on 127.0.0.1, and the CLI's exit codes.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    DescribeExpressGatewayServiceCommand,
    DescribeServiceDeploymentsCommand,
    ECSClient,
    ListServiceDeploymentsCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { checkHttp, checkRollout, Clock, EXIT, GateDeps, GateFailure, parseExpectedSha, parseServices, realClock, Retry, runGate, ServiceTarget, versionMatches } from "../tools/verifyGate";
import { ROOT, Running, startApp, startHealthFlakingProxy } from "./support/verifyApp";
import { CLUSTER_ARN, deploymentArn, described, EXPRESS_SERVICE_ARN, expressService, FARGATE_SERVICE_ARN, listed, SHA, stackOutputs } from "./support/verifyFixtures";

const ecsMock = mockClient(ECSClient);

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

const fargate: ServiceTarget = { name: "web", mode: "fargate", url: "http://127.0.0.1:1", serviceArn: FARGATE_SERVICE_ARN, cluster: CLUSTER_ARN, region: "us-east-1" };
const express: ServiceTarget = { name: "web", mode: "express", url: "http://127.0.0.1:1", serviceArn: EXPRESS_SERVICE_ARN, cluster: "default", region: "us-east-1" };

describe("verify gate: stack outputs", () => {
    it("reads one service from the services map, deriving the cluster from the service ARN", () => {
        const targets = parseServices(stackOutputs({ web: { mode: "express", url: "https://ec-1a2b3c.ecs.us-east-1.on.aws/", serviceArn: EXPRESS_SERVICE_ARN, serviceName: "ecs-ship-dev-web" } }, "dev"), "dev");
        assert.deepStrictEqual(targets, [{ name: "web", mode: "express", url: "https://ec-1a2b3c.ecs.us-east-1.on.aws", serviceArn: EXPRESS_SERVICE_ARN, cluster: "default", region: "us-east-1" }]);
    });

    it("reads several services, using clusterArn when it is exported", () => {
        const targets = parseServices(stackOutputs({
            web: { mode: "fargate", url: "http://alb.example", serviceArn: FARGATE_SERVICE_ARN, clusterArn: CLUSTER_ARN },
            api: { mode: "express", url: "https://api.example", serviceArn: EXPRESS_SERVICE_ARN },
        }), "prod");
        assert.deepStrictEqual(targets.map((t) => [t.name, t.mode, t.cluster]), [["web", "fargate", CLUSTER_ARN], ["api", "express", "default"]]);
    });

    it("accepts services as an array of named entries", () => {
        const targets = parseServices({ services: [{ name: "web", mode: "fargate", url: "http://alb.example", serviceArn: FARGATE_SERVICE_ARN }] }, "prod");
        assert.deepStrictEqual(targets.map((t) => t.name), ["web"]);
    });

    it("lists every missing field in one bad-input failure", () => {
        assert.throws(() => parseServices(stackOutputs({ web: { mode: "ec2", serviceArn: "web" } }), "prod"), (e: GateFailure) => {
            assert.strictEqual(e.code, EXIT.badInput);
            assert.strictEqual(e.message, 'stack outputs: services.web.mode: must be "express" or "fargate", got "ec2"; services.web.url: must be an http(s) URL, got nothing; services.web.serviceArn: must be an ECS service ARN (arn:aws:ecs:<region>:<account>:service/<cluster>/<name>), got "web"');
            return true;
        });
    });

    it("fails with bad input when there is no services output", () => {
        assert.throws(() => parseServices({ stack: "prod", deployRoleArn: "arn:aws:iam::123456789012:role/x" }, "prod"), (e: GateFailure) =>
            e.code === EXIT.badInput && e.message === 'stack outputs: "services" must be an object of name -> { mode, url, serviceArn }, got nothing');
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

    it("refuses an expected SHA that is not hex", () => {
        assert.throws(() => parseExpectedSha("main"), (e: GateFailure) =>
            e.code === EXIT.badInput && e.message === '--sha: must be a commit SHA of 7 to 40 hex characters (or set GITHUB_SHA), got "main"');
    });
});

describe("verify gate: ECS rollout", () => {
    beforeEach(() => ecsMock.reset());

    const retry = (clock: Clock) => new Retry(clock, 1000, 8000);

    it("passes when the latest Fargate deployment is SUCCESSFUL", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "SUCCESSFUL"));
        const clock = fakeClock();
        await checkRollout(fargate, deps(clock), 600_000, retry(clock));
        assert.deepStrictEqual(ecsMock.commandCalls(ListServiceDeploymentsCommand)[0].args[0].input, { service: FARGATE_SERVICE_ARN, cluster: CLUSTER_ARN });
    });

    it("fails with the rollback code, naming the deployment and its reason, on ROLLBACK_SUCCESSFUL", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "ROLLBACK_SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "ROLLBACK_SUCCESSFUL", "Circuit breaker triggered: 3 tasks failed their health checks", "Circuit breaker triggered"));
        const clock = fakeClock();
        const err = await failure(checkRollout(fargate, deps(clock), 600_000, retry(clock)));
        assert.strictEqual(err.code, EXIT.rolledBack);
        assert.strictEqual(err.message, `web (fargate): service deployment ${deploymentArn(FARGATE_SERVICE_ARN, "d-new")} is ROLLBACK_SUCCESSFUL: Circuit breaker triggered: 3 tasks failed their health checks`);
    });

    it("fails with the rollback code on ROLLBACK_FAILED", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "ROLLBACK_FAILED", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "ROLLBACK_FAILED", "Rollback could not reach the source revision"));
        const clock = fakeClock();
        const err = await failure(checkRollout(fargate, deps(clock), 600_000, retry(clock)));
        assert.strictEqual(err.code, EXIT.rolledBack);
        assert.strictEqual(err.message, `web (fargate): service deployment ${deploymentArn(FARGATE_SERVICE_ARN, "d-new")} is ROLLBACK_FAILED: Rollback could not reach the source revision`);
    });

    it("fails with the rollback code on STOPPED", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "STOPPED", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "STOPPED", "Stopped by a newer deployment"));
        const clock = fakeClock();
        const err = await failure(checkRollout(fargate, deps(clock), 600_000, retry(clock)));
        assert.strictEqual(err.code, EXIT.rolledBack);
        assert.strictEqual(err.message, `web (fargate): service deployment ${deploymentArn(FARGATE_SERVICE_ARN, "d-new")} is STOPPED: Stopped by a newer deployment`);
    });

    it("says so when a failed deployment carries no status reason", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "STOPPED", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "STOPPED"));
        const clock = fakeClock();
        const err = await failure(checkRollout(fargate, deps(clock), 600_000, retry(clock)));
        assert.strictEqual(err.message, `web (fargate): service deployment ${deploymentArn(FARGATE_SERVICE_ARN, "d-new")} is STOPPED: no status reason given`);
    });

    it("polls IN_PROGRESS until SUCCESSFUL, printing progress", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "IN_PROGRESS", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand)
            .resolvesOnce(described(FARGATE_SERVICE_ARN, "d-new", "IN_PROGRESS"))
            .resolvesOnce(described(FARGATE_SERVICE_ARN, "d-new", "IN_PROGRESS"))
            .resolves(described(FARGATE_SERVICE_ARN, "d-new", "SUCCESSFUL"));
        const clock = fakeClock();
        const log: string[] = [];
        await checkRollout(fargate, deps(clock, log), 600_000, retry(clock));
        assert.deepStrictEqual(log, [
            `web (fargate): service deployment ${deploymentArn(FARGATE_SERVICE_ARN, "d-new")} is IN_PROGRESS; polling again in 1s`,
            `web (fargate): service deployment ${deploymentArn(FARGATE_SERVICE_ARN, "d-new")} is IN_PROGRESS; polling again in 2s`,
            `web (fargate): service deployment ${deploymentArn(FARGATE_SERVICE_ARN, "d-new")} is SUCCESSFUL`,
        ]);
    });

    it("backs off exponentially up to the cap and stops at the deadline with the timeout code", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "IN_PROGRESS", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "IN_PROGRESS"));
        const clock = fakeClock();
        const err = await failure(checkRollout(fargate, deps(clock), 30_000, retry(clock)));
        assert.strictEqual(err.code, EXIT.timeout);
        assert.strictEqual(err.message, `web (fargate): deadline reached while service deployment ${deploymentArn(FARGATE_SERVICE_ARN, "d-new")} is IN_PROGRESS`);
        assert.deepStrictEqual(clock.slept, [1000, 2000, 4000, 8000, 8000, 7000]);
    });

    it("judges the most recently created deployment, not the first listed", async () => {
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [
            ["d-old", "SUCCESSFUL", "2025-01-01T09:00:00Z"],
            ["d-new", "ROLLBACK_SUCCESSFUL", "2025-01-01T10:00:00Z"],
        ]));
        ecsMock.on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [deploymentArn(FARGATE_SERVICE_ARN, "d-new")] })
            .resolves(described(FARGATE_SERVICE_ARN, "d-new", "ROLLBACK_SUCCESSFUL", "Alarm triggered"));
        const clock = fakeClock();
        const err = await failure(checkRollout(fargate, deps(clock), 600_000, retry(clock)));
        assert.strictEqual(err.code, EXIT.rolledBack);
    });

    it("checks an Express service through ListServiceDeployments on the Express service ARN", async () => {
        ecsMock.on(DescribeExpressGatewayServiceCommand).resolves(expressService("ACTIVE"));
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(EXPRESS_SERVICE_ARN, [["e-new", "SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(EXPRESS_SERVICE_ARN, "e-new", "SUCCESSFUL"));
        const clock = fakeClock();
        await checkRollout(express, deps(clock), 600_000, retry(clock));
        assert.deepStrictEqual(ecsMock.commandCalls(ListServiceDeploymentsCommand)[0].args[0].input, { service: EXPRESS_SERVICE_ARN, cluster: "default" });
    });

    it("fails an Express rollout that ECS rolled back", async () => {
        ecsMock.on(DescribeExpressGatewayServiceCommand).resolves(expressService("ACTIVE"));
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(EXPRESS_SERVICE_ARN, [["e-new", "ROLLBACK_SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(EXPRESS_SERVICE_ARN, "e-new", "ROLLBACK_SUCCESSFUL", "Deployment alarm in ALARM"));
        const clock = fakeClock();
        const err = await failure(checkRollout(express, deps(clock), 600_000, retry(clock)));
        assert.strictEqual(err.code, EXIT.rolledBack);
        assert.strictEqual(err.message, `web (express): service deployment ${deploymentArn(EXPRESS_SERVICE_ARN, "e-new")} is ROLLBACK_SUCCESSFUL: Deployment alarm in ALARM`);
    });

    it("fails an Express service that is draining", async () => {
        ecsMock.on(DescribeExpressGatewayServiceCommand).resolves(expressService("DRAINING", "Service is being deleted"));
        const clock = fakeClock();
        const err = await failure(checkRollout(express, deps(clock), 600_000, retry(clock)));
        assert.strictEqual(err.code, EXIT.rolledBack);
        assert.strictEqual(err.message, `web (express): Express service ${EXPRESS_SERVICE_ARN} is DRAINING: Service is being deleted`);
    });
});

describe("verify gate: HTTP against the real app", () => {
    let app: Running | undefined;
    const stops: Array<() => Promise<void>> = [];
    before(async () => {
        app = await startApp(SHA);
    });
    afterEach(async () => {
        while (stops.length) await stops.pop()!();
    });
    after(async () => app?.stop());

    // Short real delays and a short deadline: these tests talk to a real server in real time.
    const fast = (clock: Clock) => new Retry(clock, 20, 100);
    const target = (url: string): ServiceTarget => ({ ...fargate, url });

    it("passes when /health is 200 and /version is the expected commit", async () => {
        await checkHttp(target(app!.url), SHA, deps(realClock), Date.now() + 5000, fast(realClock), 2000);
    });

    it("passes when the app reports the full SHA and the gate expects the 7-character tag", async () => {
        await checkHttp(target(app!.url), SHA.slice(0, 7), deps(realClock), Date.now() + 5000, fast(realClock), 2000);
    });

    it("fails with the mismatch code when /version is another commit", async () => {
        const err = await failure(checkHttp(target(app!.url), "fedcba9", deps(realClock), Date.now() + 300, fast(realClock), 2000));
        assert.strictEqual(err.code, EXIT.versionMismatch);
        assert.strictEqual(err.message, `web: ${app!.url}/version reports ${SHA}, expected fedcba9`);
    });

    it("passes after retries when /health answers 503 three times, then 200", async () => {
        const proxy = await startHealthFlakingProxy(app!.url, 3);
        stops.push(proxy.stop);
        const log: string[] = [];
        await checkHttp(target(proxy.url), SHA, deps(realClock, log), Date.now() + 10_000, fast(realClock), 2000);
        assert.strictEqual(proxy.healthRequests(), 4);
        assert.deepStrictEqual(log.map((l) => l.replace(/retrying in .*/, "retrying")), [
            "web: GET /health -> 503; retrying",
            "web: GET /health -> 503; retrying",
            "web: GET /health -> 503; retrying",
            `web: ${proxy.url} is healthy and serves version ${SHA}`,
        ]);
    });

    it("fails with the timeout code when /health never answers 200 before the deadline", async () => {
        const proxy = await startHealthFlakingProxy(app!.url, Infinity);
        stops.push(proxy.stop);
        const err = await failure(checkHttp(target(proxy.url), SHA, deps(realClock), Date.now() + 300, fast(realClock), 2000));
        assert.strictEqual(err.code, EXIT.timeout);
        assert.strictEqual(err.message, `web: deadline reached before ${proxy.url}/health answered 200 (last: GET /health -> 503)`);
    });

    it("runs the whole gate: mocked ECS SUCCESSFUL, then the real app", async () => {
        ecsMock.reset();
        ecsMock.on(ListServiceDeploymentsCommand).resolves(listed(FARGATE_SERVICE_ARN, [["d-new", "SUCCESSFUL", "2025-01-01T10:00:00Z"]]));
        ecsMock.on(DescribeServiceDeploymentsCommand).resolves(described(FARGATE_SERVICE_ARN, "d-new", "SUCCESSFUL"));
        const outputs = stackOutputs({ web: { mode: "fargate", url: app!.url, serviceArn: FARGATE_SERVICE_ARN, clusterArn: CLUSTER_ARN } });
        const log: string[] = [];
        await runGate({ stack: "prod", outputs, expectedSha: SHA, deadlineSeconds: 5, initialDelayMs: 20, maxDelayMs: 100 }, deps(realClock, log));
        assert.strictEqual(log[0], `verify prod: 1 service(s), expecting version ${SHA}, deadline 5s`);
    });
});

describe("verify CLI", () => {
    const run = (args: string[], input?: string) =>
        spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools", "verify.ts"), ...args], {
            cwd: ROOT, input, encoding: "utf8", env: { ...process.env, GITHUB_ACTIONS: "", GITHUB_SHA: SHA },
        });

    it("exits 2 with a one-line reason when --stack is missing", () => {
        const result = run([]);
        assert.strictEqual(result.status, EXIT.badInput);
        assert.strictEqual(result.stderr, "verify: --stack: required; usage: npm run verify -- --stack <name> [--outputs <file>] [--sha <sha>] [--deadline <seconds>]\n");
    });

    it("exits 2 when the piped stack outputs lack a service URL", () => {
        const outputs = stackOutputs({ web: { mode: "fargate", serviceArn: FARGATE_SERVICE_ARN } });
        const result = run(["--stack", "prod"], JSON.stringify(outputs));
        assert.strictEqual(result.status, EXIT.badInput);
        assert.strictEqual(result.stderr, "verify: stack outputs: services.web.url: must be an http(s) URL, got nothing\n");
    });

    it("exits 2 when the --outputs file is not JSON", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-verify-")), "outputs.json");
        fs.writeFileSync(file, "Current stack outputs (1):");
        const result = run(["--stack", "prod", "--outputs", file]);
        assert.strictEqual(result.status, EXIT.badInput);
        assert.strictEqual(result.stderr, `verify: stack outputs: ${file} is not JSON (expected the output of \`pulumi stack output --json\`)\n`);
    });
});
