// The release runner: runs a service's release command (a database migration, say) as one ECS task
// with the new task definition, waits for it to stop, and judges it by the command's exit code.
//
// It runs inside the ReleaseTask dynamic provider (releaseTask.ts), which Pulumi serializes into
// the stack state and runs in the deployment's process: so everything here is a plain top-level
// function, and the AWS SDK clients are loaded with `require` inside the function that needs them.
//
// Calls (each row in iamCalls.ts): ecs:RunTask, ecs:DescribeTasks, ecs:StopTask on timeout, and
// logs:GetLogEvents for the last lines of a failed run. RunTask passes the task definition's
// execution and task roles (iam:PassRole, PassedToService ecs-tasks.amazonaws.com).

/** Everything one run needs. Plain values: the provider stores them in the state. */
export interface ReleaseRun {
    region: string;
    cluster: string;
    /** The task definition revision to run: the service's new one (Fargate) or its release one (Express). */
    taskDefinitionArn: string;
    /** The container whose command is replaced and whose exit code decides. */
    containerName: string;
    command: string[];
    subnets: string[];
    /** Empty: RunTask uses the VPC's default security group (Amazon ECS API Reference, AwsVpcConfiguration). */
    securityGroups: string[];
    assignPublicIp: boolean;
    /** The container's awslogs group and stream prefix, to read the last lines of a failed run. */
    logGroup: string;
    logStreamPrefix: string;
    timeoutSeconds: number;
    pollSeconds: number;
    /** Who is released, for messages: the service's resource name. */
    service: string;
}

/** How many log lines a failed release's error carries. */
export const RELEASE_LOG_LINES = 20;
/** What ECS records as the task's starter (RunTask `startedBy`, at most 128 characters). */
export const RELEASE_STARTED_BY = "ecs-ship-release";

export interface ReleaseOutcome {
    taskArn: string;
    exitCode: number;
    /** Every lastStatus seen, in order. */
    statuses: string[];
}

/** The waiting loop's clock, replaceable in tests. */
export interface ReleaseClock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

/** Reads the last lines of one log stream; [] when there are none. */
export type LogReader = (logGroup: string, logStream: string, limit: number) => Promise<string[]>;

interface Sender { send(command: unknown): Promise<any> }

/**
 * The awslogs driver names a task's stream `<prefix>/<container>/<task id>`. Source: Amazon ECS
 * Developer Guide, "Send Amazon ECS logs to CloudWatch" (awslogs-stream-prefix).
 */
export function releaseLogStream(run: Pick<ReleaseRun, "logStreamPrefix" | "containerName">, taskArn: string): string {
    return `${run.logStreamPrefix}/${run.containerName}/${taskArn.split("/").pop()}`;
}

/** The RunTask request: one task, on regular Fargate (a migration must not meet a Spot interruption). */
export function runTaskInput(run: ReleaseRun): Record<string, unknown> {
    return {
        cluster: run.cluster,
        taskDefinition: run.taskDefinitionArn,
        launchType: "FARGATE",
        count: 1,
        startedBy: RELEASE_STARTED_BY,
        networkConfiguration: { awsvpcConfiguration: { subnets: run.subnets, securityGroups: run.securityGroups.length ? run.securityGroups : undefined, assignPublicIp: run.assignPublicIp ? "ENABLED" : "DISABLED" } },
        overrides: { containerOverrides: [{ name: run.containerName, command: run.command }] },
    };
}

/**
 * Starts the release task and waits until it stops. Returns its outcome on exit code 0; throws an
 * error naming the task, its exit code (or why it never ran) and the last log lines otherwise, and
 * stops the task when the timeout passes first.
 */
export async function runRelease(run: ReleaseRun, ecs: Sender, readLogs: LogReader, clock: ReleaseClock): Promise<ReleaseOutcome> {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { RunTaskCommand, DescribeTasksCommand, StopTaskCommand } = require("@aws-sdk/client-ecs");
    const started = await ecs.send(new RunTaskCommand(runTaskInput(run)));
    const task = (started.tasks ?? [])[0];
    if (!task?.taskArn) {
        const why = (started.failures ?? []).map((f: any) => `${f.reason ?? "unknown"}${f.detail ? ` (${f.detail})` : ""}`).join("; ") || "no task and no failure returned";
        throw new Error(`ecs-ship: the release task of ${run.service} could not be started from ${run.taskDefinitionArn}: ${why}. The service was not changed.`);
    }
    const taskArn: string = task.taskArn;
    const statuses: string[] = [];
    const deadline = clock.now() + run.timeoutSeconds * 1000;
    for (;;) {
        const out = await ecs.send(new DescribeTasksCommand({ cluster: run.cluster, tasks: [taskArn] }));
        const t = (out.tasks ?? []).find((x: any) => x.taskArn === taskArn);
        const status: string = t?.lastStatus ?? "MISSING";
        if (statuses[statuses.length - 1] !== status) statuses.push(status);
        if (status === "STOPPED") return judge(run, t, taskArn, statuses, readLogs);
        if (clock.now() >= deadline) {
            await ecs.send(new StopTaskCommand({ cluster: run.cluster, task: taskArn, reason: `ecs-ship: release timed out after ${minutes(run.timeoutSeconds)}` }));
            const lines = await lastLines(run, taskArn, readLogs);
            throw new Error(`ecs-ship: the release task ${taskArn} of ${run.service} did not finish within ${minutes(run.timeoutSeconds)} `
                + `(last status ${status}); it was stopped, and the service was not changed. Raise release.timeoutMinutes if the command needs longer.${logTail(lines)}`);
        }
        await clock.sleep(run.pollSeconds * 1000);
    }
}

/** A stopped task: exit code 0 passes; a non-zero code, or a container that never ran, fails. */
async function judge(run: ReleaseRun, t: any, taskArn: string, statuses: string[], readLogs: LogReader): Promise<ReleaseOutcome> {
    const container = (t.containers ?? []).find((c: any) => c.name === run.containerName);
    const exitCode = container?.exitCode;
    if (exitCode === 0) return { taskArn, exitCode, statuses };
    const lines = await lastLines(run, taskArn, readLogs);
    if (typeof exitCode !== "number") {
        // Stopped with no exit code: the container never ran (image pull, secrets, ENI, capacity).
        // Source: Amazon ECS Developer Guide, "Amazon ECS stopped tasks errors" (stopCode TaskFailedToStart).
        const reasons = [t.stopCode, t.stoppedReason, container?.reason].filter(Boolean).join("; ");
        throw new Error(`ecs-ship: the release task ${taskArn} of ${run.service} never started its command: ${reasons || "no reason given"}. The service was not changed.${logTail(lines)}`);
    }
    throw new Error(`ecs-ship: the release task ${taskArn} of ${run.service} exited with code ${exitCode} running ${JSON.stringify(run.command)}. `
        + `The service was not changed: the old version keeps serving.${logTail(lines)}`);
}

async function lastLines(run: ReleaseRun, taskArn: string, readLogs: LogReader): Promise<string[]> {
    try {
        return await readLogs(run.logGroup, releaseLogStream(run, taskArn), RELEASE_LOG_LINES);
    } catch (e) {
        return [`(its log could not be read: ${(e as Error).message})`];
    }
}

function logTail(lines: string[]): string {
    return lines.length ? `\nLast ${lines.length} log line(s):\n${lines.map((l) => `  ${l}`).join("\n")}` : "\n(The task wrote no log lines.)";
}

function minutes(seconds: number): string {
    const m = Math.round(seconds / 60);
    return `${m} minute${m === 1 ? "" : "s"}`;
}

/** GetLogEvents, newest last, at most `limit` lines. Source: Amazon CloudWatch Logs API Reference, GetLogEvents (startFromHead false: the latest events). */
export async function readLogTail(client: Sender, logGroup: string, logStream: string, limit: number): Promise<string[]> {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { GetLogEventsCommand } = require("@aws-sdk/client-cloudwatch-logs");
    const out = await client.send(new GetLogEventsCommand({ logGroupName: logGroup, logStreamName: logStream, limit, startFromHead: false }));
    return (out.events ?? []).map((e: any) => String(e.message ?? "").replace(/\n$/, ""));
}
