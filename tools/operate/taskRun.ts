// Runs one scheduled job once, by hand, with the settings its schedule uses: the job's task
// definition (its service's image, roles, environment and secrets, the job's command), in the job's
// subnets and security group. Waits for the task to stop, and reports its exit code and the last
// lines of its log. Every effect (ECS client, log reader, clock, log) is injected: tests drive it
// with a mocked ECS client. tools/operate/task.ts is the CLI.
import { DescribeTasksCommand, ECSClient, RunTaskCommand, Task } from "@aws-sdk/client-ecs";
import { Clock } from "../verify/verifyCore";

/** What index.ts exports for each job (`jobs.<name>`). */
export interface JobTarget {
    name: string;
    clusterArn: string;
    taskDefinitionArn: string;
    subnetIds: string[];
    securityGroupId: string;
    assignPublicIp: boolean;
    logGroupName: string;
    logStreamPrefix: string;
}

export interface TaskDeps {
    ecs: ECSClient;
    /** The last `limit` lines of a log stream; [] when it has none (or cannot be read). */
    lastLogLines(group: string, stream: string, limit: number): Promise<string[]>;
    clock: Clock;
    log(line: string): void;
}

export interface TaskResult {
    taskArn: string;
    /** The app container's exit code; undefined when the task stopped before the container ran. */
    exitCode?: number;
    stoppedReason?: string;
    logLines: string[];
}

/** Why running the job failed before it produced an exit code (bad input, never started, timeout). */
export class TaskFailure extends Error {
    constructor(public readonly code: number, message: string, public readonly logLines: string[] = []) {
        super(message);
        this.name = "TaskFailure";
    }
}

/** Exit codes of `npm run task` besides the job's own: docs/workloads.md, "Running a task by hand". */
export const TASK_EXIT = { badInput: 2, neverStarted: 3, timeout: 4, noExitCode: 5 } as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The job named `name` from `pulumi stack output --json`, or a bad-input failure listing the stack's jobs. */
export function jobTarget(outputs: unknown, name: string): JobTarget {
    const jobs = isRecord(outputs) && isRecord(outputs.jobs) ? outputs.jobs : {};
    const job = jobs[name];
    if (!isRecord(job)) {
        const known = Object.keys(jobs).sort();
        throw new TaskFailure(TASK_EXIT.badInput, `--job: the stack has ${known.length === 0 ? "no jobs (ecs-ship:jobs is empty, or the outputs predate it)" : `jobs ${known.join(", ")}`}, got ${JSON.stringify(name)}`);
    }
    const missing = ["clusterArn", "taskDefinitionArn", "securityGroupId", "logGroupName", "logStreamPrefix"].filter((k) => typeof job[k] !== "string");
    if (!Array.isArray(job.subnetIds) || job.subnetIds.length === 0) missing.push("subnetIds");
    if (missing.length > 0) throw new TaskFailure(TASK_EXIT.badInput, `jobs.${name}: the stack outputs lack ${missing.join(", ")}; run \`pulumi up\` with this version of ecs-ship first`);
    return {
        name,
        clusterArn: job.clusterArn as string,
        taskDefinitionArn: job.taskDefinitionArn as string,
        subnetIds: job.subnetIds as string[],
        securityGroupId: job.securityGroupId as string,
        assignPublicIp: job.assignPublicIp !== false,
        logGroupName: job.logGroupName as string,
        logStreamPrefix: job.logStreamPrefix as string,
    };
}

/** The awslogs stream of a task's app container: `<prefix>/<container>/<task id>` (Amazon ECS Developer Guide, "Using the awslogs log driver", awslogs-stream-prefix). */
export function logStreamOf(target: JobTarget, taskArn: string): string {
    return `${target.logStreamPrefix}/app/${taskArn.slice(taskArn.lastIndexOf("/") + 1)}`;
}

/**
 * Starts the job's task (RunTask, Fargate, its network), waits until it is STOPPED (polling every
 * `pollMs` up to `timeoutMs`), and returns the app container's exit code and last log lines.
 * Throws TaskFailure when the task cannot start, stops before its container ran, or outlives the timeout.
 */
export async function runJobOnce(target: JobTarget, deps: TaskDeps, opts: { timeoutMs: number; pollMs?: number; logLines?: number }): Promise<TaskResult> {
    const pollMs = opts.pollMs ?? 6000;
    const limit = opts.logLines ?? 20;
    const started = await deps.ecs.send(new RunTaskCommand({
        cluster: target.clusterArn,
        taskDefinition: target.taskDefinitionArn,
        launchType: "FARGATE",
        count: 1,
        startedBy: `ecs-ship-task-${target.name}`.slice(0, 128),
        networkConfiguration: { awsvpcConfiguration: { subnets: target.subnetIds, securityGroups: [target.securityGroupId], assignPublicIp: target.assignPublicIp ? "ENABLED" : "DISABLED" } },
    }));
    const taskArn = started.tasks?.[0]?.taskArn;
    if (!taskArn) {
        // RunTask reports capacity, subnet or permission problems as failures, not errors
        // (Amazon ECS API Reference, RunTask: failures; Failure: arn, reason, detail).
        const why = (started.failures ?? []).map((f) => [f.reason, f.detail].filter(Boolean).join(": ")).join("; ") || "RunTask returned no task";
        throw new TaskFailure(TASK_EXIT.neverStarted, `job ${target.name}: the task did not start: ${why}`);
    }
    deps.log(`job ${target.name}: started ${taskArn}`);
    const deadline = deps.clock.now() + opts.timeoutMs;
    let task: Task | undefined;
    let lastStatus = "";
    for (;;) {
        const out = await deps.ecs.send(new DescribeTasksCommand({ cluster: target.clusterArn, tasks: [taskArn] }));
        task = out.tasks?.[0];
        const status = task?.lastStatus ?? "UNKNOWN";
        if (status !== lastStatus) deps.log(`job ${target.name}: ${status}`);
        lastStatus = status;
        if (status === "STOPPED") break;
        if (deps.clock.now() + pollMs > deadline) {
            const lines = await deps.lastLogLines(target.logGroupName, logStreamOf(target, taskArn), limit);
            throw new TaskFailure(TASK_EXIT.timeout, `job ${target.name}: task ${taskArn} is still ${status} after ${Math.round(opts.timeoutMs / 1000)}s; it keeps running (stop it with \`aws ecs stop-task --cluster ${target.clusterArn} --task ${taskArn}\`)`, lines);
        }
        await deps.clock.sleep(pollMs);
    }
    const container = task?.containers?.find((c) => c.name === "app") ?? task?.containers?.[0];
    const logLines = await deps.lastLogLines(target.logGroupName, logStreamOf(target, taskArn), limit);
    const stoppedReason = task?.stoppedReason;
    if (container?.exitCode === undefined || container.exitCode === null) {
        // A task that stops before its container runs (image pull, secrets, ENI) has no exit code; the
        // reason is the task's stoppedReason and the container's reason (Amazon ECS API Reference, Task, Container).
        const why = [stoppedReason, container?.reason].filter(Boolean).join("; ") || "no reason given";
        throw new TaskFailure(TASK_EXIT.noExitCode, `job ${target.name}: task ${taskArn} stopped before its container ran: ${why}`, logLines);
    }
    return { taskArn, exitCode: container.exitCode, stoppedReason, logLines };
}
