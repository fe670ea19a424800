// `npm run task -- --stack <s> --job <name>`: the job target read from the stack outputs, and one run
// against a mocked ECS client: the RunTask request (task definition, network), polling to STOPPED,
// the exit code and log lines, and each way it fails (never starts, stops before running, timeout).
import * as assert from "assert";
import { DescribeTasksCommand, ECSClient, RunTaskCommand } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { parseTaskArgs } from "../tools/operate/task";
import { JobTarget, TASK_EXIT, TaskFailure, jobTarget, logStreamOf, runJobOnce } from "../tools/operate/taskRun";

const ecsMock = mockClient(ECSClient);
const CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/ecs-ship-prod-cluster-1a2b3c4";
const TD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/ecs-ship-prod-clear-sessions-job:4";
const TASK = "arn:aws:ecs:eu-west-1:123456789012:task/ecs-ship-prod-cluster-1a2b3c4/0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const OUTPUTS = {
    stack: "prod",
    jobs: {
        "clear-sessions": {
            service: "web", clusterArn: CLUSTER, taskDefinitionArn: TD, family: "ecs-ship-prod-clear-sessions-job",
            subnetIds: ["subnet-0aa11bb22cc33dd40", "subnet-0aa11bb22cc33dd41"], securityGroupId: "sg-0123456789abcdef0", assignPublicIp: false,
            logGroupName: "ecs-ship-prod-web-logs-1234567", logStreamPrefix: "job-clear-sessions",
        },
    },
};

function fakeDeps(logs: Record<string, string[]> = {}) {
    let t = 0;
    const printed: string[] = [];
    const reads: string[] = [];
    return {
        printed, reads,
        deps: {
            ecs: new ECSClient({ region: "eu-west-1" }),
            lastLogLines: async (group: string, stream: string, limit: number) => { reads.push(`${group}/${stream}`); return (logs[stream] ?? []).slice(-limit); },
            clock: { now: () => t, sleep: async (ms: number) => { t += ms; } },
            log: (l: string) => printed.push(l),
        },
    };
}

async function failure(p: Promise<unknown>): Promise<TaskFailure> {
    try { await p; } catch (e) { if (e instanceof TaskFailure) return e; throw e; }
    return assert.fail("expected a TaskFailure");
}

const tasks = (...states: Array<{ lastStatus: string; exitCode?: number; stoppedReason?: string; reason?: string }>) =>
    states.map((s) => ({ tasks: [{ taskArn: TASK, lastStatus: s.lastStatus, stoppedReason: s.stoppedReason, containers: [{ name: "app", exitCode: s.exitCode, reason: s.reason }] }] }));

describe("task: the job from the stack outputs", () => {
    const target: JobTarget = jobTarget(OUTPUTS, "clear-sessions");

    it("reads the job's task definition, network and log stream", () => {
        assert.deepStrictEqual(target, {
            name: "clear-sessions", clusterArn: CLUSTER, taskDefinitionArn: TD, subnetIds: OUTPUTS.jobs["clear-sessions"].subnetIds,
            securityGroupId: "sg-0123456789abcdef0", assignPublicIp: false, logGroupName: "ecs-ship-prod-web-logs-1234567", logStreamPrefix: "job-clear-sessions",
        });
        assert.strictEqual(logStreamOf(target, TASK), "job-clear-sessions/app/0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    });

    it("names the stack's jobs when asked for one it does not have", () => {
        assert.throws(() => jobTarget(OUTPUTS, "nightly"), (e: TaskFailure) => e.code === TASK_EXIT.badInput && e.message === '--job: the stack has jobs clear-sessions, got "nightly"');
        assert.throws(() => jobTarget({ stack: "dev" }, "nightly"), /the stack has no jobs/);
    });

    it("parses the command line and refuses a bad timeout", () => {
        assert.deepStrictEqual(parseTaskArgs(["--stack", "prod", "--job", "clear-sessions"]), { stack: "prod", job: "clear-sessions", outputsFile: undefined, timeoutMinutes: 60 });
        assert.throws(() => parseTaskArgs(["--stack", "prod"]), /--job: required/);
        assert.throws(() => parseTaskArgs(["--stack", "prod", "--job", "x", "--timeout", "0"]), /--timeout: must be a whole number of minutes from 1 to 1440, got "0"/);
    });
});

describe("task: one run against ECS", () => {
    const target = jobTarget(OUTPUTS, "clear-sessions");
    beforeEach(() => ecsMock.reset());

    it("runs the job's task definition in its network, waits for STOPPED, returns the exit code and the last log lines", async () => {
        ecsMock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK, lastStatus: "PROVISIONING" }] });
        const [pending, running, stopped] = tasks({ lastStatus: "PENDING" }, { lastStatus: "RUNNING" }, { lastStatus: "STOPPED", exitCode: 0, stoppedReason: "Essential container in task exited" });
        ecsMock.on(DescribeTasksCommand).resolvesOnce(pending).resolvesOnce(running).resolves(stopped);
        const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
        const { deps, printed, reads } = fakeDeps({ "job-clear-sessions/app/0f1e2d3c4b5a69788796a5b4c3d2e1f0": lines });
        const result = await runJobOnce(target, deps, { timeoutMs: 600_000, pollMs: 5000 });
        assert.deepStrictEqual(ecsMock.commandCalls(RunTaskCommand)[0].args[0].input, {
            cluster: CLUSTER, taskDefinition: TD, launchType: "FARGATE", count: 1, startedBy: "ecs-ship-task-clear-sessions",
            networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-0aa11bb22cc33dd40", "subnet-0aa11bb22cc33dd41"], securityGroups: ["sg-0123456789abcdef0"], assignPublicIp: "DISABLED" } },
        });
        assert.strictEqual(ecsMock.commandCalls(DescribeTasksCommand).length, 3);
        assert.strictEqual(result.exitCode, 0);
        assert.deepStrictEqual(result.logLines, lines.slice(-20));
        assert.deepStrictEqual(reads, ["ecs-ship-prod-web-logs-1234567/job-clear-sessions/app/0f1e2d3c4b5a69788796a5b4c3d2e1f0"]);
        assert.deepStrictEqual(printed, [`job clear-sessions: started ${TASK}`, "job clear-sessions: PENDING", "job clear-sessions: RUNNING", "job clear-sessions: STOPPED"]);
    });

    it("returns a non-zero exit code as the job's own, with its log lines", async () => {
        ecsMock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }] });
        ecsMock.on(DescribeTasksCommand).resolves(tasks({ lastStatus: "STOPPED", exitCode: 3 })[0]);
        const { deps } = fakeDeps({ "job-clear-sessions/app/0f1e2d3c4b5a69788796a5b4c3d2e1f0": ["Traceback (most recent call last):", "django.db.utils.OperationalError: no such table"] });
        const result = await runJobOnce(target, deps, { timeoutMs: 600_000 });
        assert.strictEqual(result.exitCode, 3);
        assert.deepStrictEqual(result.logLines, ["Traceback (most recent call last):", "django.db.utils.OperationalError: no such table"]);
    });

    it("fails with its own code when RunTask starts nothing, saying why", async () => {
        ecsMock.on(RunTaskCommand).resolves({ tasks: [], failures: [{ arn: TD, reason: "MISSING", detail: "subnet-0aa11bb22cc33dd40 not found" }] });
        const { deps } = fakeDeps();
        const f = await failure(runJobOnce(target, deps, { timeoutMs: 600_000 }));
        assert.strictEqual(f.code, TASK_EXIT.neverStarted);
        assert.strictEqual(f.message, "job clear-sessions: the task did not start: MISSING: subnet-0aa11bb22cc33dd40 not found");
        assert.strictEqual(ecsMock.commandCalls(DescribeTasksCommand).length, 0);
    });

    it("fails when the task stops before its container runs, with the stopped reason", async () => {
        ecsMock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }] });
        ecsMock.on(DescribeTasksCommand).resolves(tasks({ lastStatus: "STOPPED", stoppedReason: "CannotPullContainerError: pull access denied", reason: "CannotPullContainerError" })[0]);
        const f = await failure(runJobOnce(target, fakeDeps().deps, { timeoutMs: 600_000 }));
        assert.strictEqual(f.code, TASK_EXIT.noExitCode);
        assert.match(f.message, /stopped before its container ran: CannotPullContainerError: pull access denied; CannotPullContainerError$/);
    });

    it("times out while the task still runs, saying how to stop it, with the log so far", async () => {
        ecsMock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }] });
        ecsMock.on(DescribeTasksCommand).resolves(tasks({ lastStatus: "RUNNING" })[0]);
        const { deps } = fakeDeps({ "job-clear-sessions/app/0f1e2d3c4b5a69788796a5b4c3d2e1f0": ["still working"] });
        const f = await failure(runJobOnce(target, deps, { timeoutMs: 60_000, pollMs: 10_000 }));
        assert.strictEqual(f.code, TASK_EXIT.timeout);
        assert.match(f.message, /is still RUNNING after 60s; it keeps running \(stop it with `aws ecs stop-task --cluster .* --task .*`\)/);
        assert.deepStrictEqual(f.logLines, ["still working"]);
        // polled at t = 0, 10, ..., 60 s; the next poll would pass the deadline
        assert.strictEqual(ecsMock.commandCalls(DescribeTasksCommand).length, 7);
    });
});
