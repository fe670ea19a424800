// ReleaseTask: runs a service's release command (for example `python manage.py migrate`) as one ECS
// task with the NEW task definition, during `pulumi up`, before the service rolls out.
//
// How it runs only when it should: the resource's inputs are the task definition revision to run,
// the command and the network. A new image, environment, secret, size or role gives the service a
// new task definition revision (every argument of aws_ecs_task_definition forces a new revision:
// Terraform AWS provider, internal/service/ecs/task_definition.go), so the ARN changes, the
// resource diffs, and its update runs the command. A re-run of the same commit registers nothing
// new: no diff, nothing runs.
//
// Where it sits: it depends on the task definition (and the roles' policies); the service depends
// on it. A failed release fails the update of this resource, so Pulumi never reaches the service:
// the old task definition keeps serving, and the next `pulumi up` diffs again and runs it again.
//
// Like the drain barrier (drainBarrier.ts) it is a Pulumi dynamic resource: its provider code is
// serialized into the state and runs in the deployment's process.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { LogReader, ReleaseClock, ReleaseOutcome, ReleaseRun, runRelease, readLogTail } from "./releaseRunner";
import { fargateTaskPlatform } from "../service/fargateTask";

export const RELEASE_TASK_TYPE = "pulumi-nodejs:dynamic:ReleaseTask";

/** A service's release command as the components take it. */
export interface ReleaseSettings {
    /** The command, exec form: `["python", "manage.py", "migrate"]`. */
    command: string[];
    /** Minutes the command may run before the task is stopped and the `up` fails, 1 to 120. @default 15 */
    timeoutMinutes?: number;
}

export const RELEASE_DEFAULTS = { timeoutMinutes: 15, pollSeconds: 6 } as const;
export const RELEASE_TIMEOUT_RANGE = { min: 1, max: 120 } as const;

/** Inputs whose change means: run the release again. The timeout and poll interval only change how it waits. */
export const RELEASE_RUN_KEYS = ["region", "cluster", "taskDefinitionArn", "containerName", "command", "subnets", "securityGroups", "assignPublicIp"] as const;

/** The problems of a release as a component receives it, worded like the configuration's errors. */
export function releaseProblems(release: ReleaseSettings | undefined): string[] {
    if (release === undefined) return [];
    const problems: string[] = [];
    const c = release.command;
    if (!Array.isArray(c) || c.length === 0 || c.some((x) => typeof x !== "string" || x.length === 0)) {
        problems.push(`release.command: must be a non-empty list of non-empty strings (exec form, e.g. ["python", "manage.py", "migrate"]), got ${JSON.stringify(c)}`);
    }
    const t = release.timeoutMinutes;
    if (t !== undefined && !(Number.isInteger(t) && t >= RELEASE_TIMEOUT_RANGE.min && t <= RELEASE_TIMEOUT_RANGE.max)) {
        problems.push(`release.timeoutMinutes: must be an integer from ${RELEASE_TIMEOUT_RANGE.min} to ${RELEASE_TIMEOUT_RANGE.max}, got ${JSON.stringify(t)}`);
    }
    return problems;
}

/** Test seams: where the provider reads logs and how it waits. Production passes none. */
export interface ReleaseProviderSeams {
    readLogs?: LogReader;
    clock?: ReleaseClock;
}

/** True when a run key differs between two input sets. */
export function releaseInputsChanged(olds: Partial<ReleaseRun>, news: Partial<ReleaseRun>): boolean {
    return RELEASE_RUN_KEYS.some((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
}

/** Runs one release with the deployment's credentials (or the seams). */
export async function runReleaseWith(run: ReleaseRun, seams: ReleaseProviderSeams): Promise<ReleaseOutcome> {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { ECSClient } = require("@aws-sdk/client-ecs");
    const readLogs: LogReader = seams.readLogs ?? ((group, stream, limit) => {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const { CloudWatchLogsClient } = require("@aws-sdk/client-cloudwatch-logs");
        return readLogTail(new CloudWatchLogsClient({ region: run.region }), group, stream, limit);
    });
    const clock: ReleaseClock = seams.clock ?? { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
    return runRelease(run, new ECSClient({ region: run.region }), readLogs, clock);
}

/** The dynamic provider: create runs the release; update runs it when a run key changed; delete does nothing. */
export function releaseTaskProvider(seams: ReleaseProviderSeams = {}): pulumi.dynamic.ResourceProvider {
    return {
        async create(inputs: ReleaseRun) {
            const outcome = await runReleaseWith(inputs, seams);
            return { id: outcome.taskArn, outs: { ...inputs, taskArn: outcome.taskArn, exitCode: outcome.exitCode } };
        },
        async diff(_id: string, olds: ReleaseRun, news: ReleaseRun) {
            const changes = releaseInputsChanged(olds, news) || olds.timeoutSeconds !== news.timeoutSeconds || olds.pollSeconds !== news.pollSeconds
                || olds.logGroup !== news.logGroup || olds.logStreamPrefix !== news.logStreamPrefix || olds.service !== news.service;
            return { changes, replaces: [], deleteBeforeReplace: false };
        },
        async update(_id: string, olds: ReleaseRun & { taskArn?: string; exitCode?: number }, news: ReleaseRun) {
            if (!releaseInputsChanged(olds, news)) return { outs: { ...news, taskArn: olds.taskArn, exitCode: olds.exitCode } };
            const outcome = await runReleaseWith(news, seams);
            return { outs: { ...news, taskArn: outcome.taskArn, exitCode: outcome.exitCode } };
        },
        // The task has stopped long ago; a migration is not undone by deleting its record.
        async delete() { /* nothing to remove */ },
    };
}

export interface ReleaseTaskArgs {
    region: pulumi.Input<string>;
    cluster: pulumi.Input<string>;
    taskDefinitionArn: pulumi.Input<string>;
    containerName: string;
    command: string[];
    subnets: pulumi.Input<pulumi.Input<string>[]>;
    securityGroups: pulumi.Input<pulumi.Input<string>[]>;
    assignPublicIp: pulumi.Input<boolean>;
    logGroup: pulumi.Input<string>;
    logStreamPrefix: string;
    timeoutMinutes?: number;
    service: string;
}

/**
 * Runs `command` as one task of `taskDefinitionArn` when created and whenever the revision, the
 * command or the network changes; fails the deployment on a non-zero exit. Make the service depend
 * on it. It creates nothing that lasts; a run costs one task for as long as the command takes.
 */
export class ReleaseTask extends pulumi.dynamic.Resource {
    /** The last release task that ran (its exit code was 0). */
    public readonly taskArn!: pulumi.Output<string>;

    constructor(name: string, args: ReleaseTaskArgs, opts?: pulumi.CustomResourceOptions) {
        super(releaseTaskProvider(), name, {
            region: args.region,
            cluster: args.cluster,
            taskDefinitionArn: args.taskDefinitionArn,
            containerName: args.containerName,
            command: args.command,
            subnets: args.subnets,
            securityGroups: args.securityGroups,
            assignPublicIp: args.assignPublicIp,
            logGroup: args.logGroup,
            logStreamPrefix: args.logStreamPrefix,
            timeoutSeconds: (args.timeoutMinutes ?? RELEASE_DEFAULTS.timeoutMinutes) * 60,
            pollSeconds: RELEASE_DEFAULTS.pollSeconds,
            service: args.service,
            taskArn: undefined,
            exitCode: undefined,
        }, opts, undefined, "ReleaseTask");
    }
}

/** The release's own log stream prefix in a task definition of its own (Express). */
export const RELEASE_STREAM_PREFIX = "release";

/**
 * Express Mode runs the service's containers from a task definition AWS manages, so the release
 * gets one of its own, family `<service>-release`: the same image, size, environment, secrets and
 * roles, logging to the service's log group under the `release` prefix.
 */
export function releaseTaskDefinition(parent: pulumi.Resource, name: string, a: {
    image: pulumi.Input<string>; cpu: number; memory: number; containerName: string;
    environment: { name: string; value: string }[]; secrets: { name: string; valueFrom: string }[];
    executionRoleArn: pulumi.Input<string>; taskRoleArn?: pulumi.Input<string>; logGroup: pulumi.Input<string>; tags?: Record<string, string>;
}): aws.ecs.TaskDefinition {
    const region = aws.getRegionOutput({}, { parent }).region;
    return new aws.ecs.TaskDefinition(`${name}-release-td`, {
        // Express tasks run x86_64 (config/service.ts), and so does their release.
        ...fargateTaskPlatform({ family: `${name}-release`, cpu: a.cpu, memory: a.memory, architecture: "x86_64" }),
        executionRoleArn: a.executionRoleArn,
        taskRoleArn: a.taskRoleArn,
        containerDefinitions: pulumi.jsonStringify([{
            name: a.containerName,
            image: a.image,
            essential: true,
            environment: a.environment,
            secrets: a.secrets,
            logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": a.logGroup, "awslogs-region": region, "awslogs-stream-prefix": RELEASE_STREAM_PREFIX } },
        }]),
        tags: a.tags,
    }, { parent });
}
