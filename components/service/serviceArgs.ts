// The one service contract shared by ExpressService and FargateService, and the
// pure helpers both modes need. Nothing here creates resources, so everything is
// tested without mocks (test/serviceArgs.test.ts).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { secretKind } from "./secrets";

/** CPU architecture of the task. Maps to the image platform and Fargate's runtimePlatform. */
export type Architecture = "x86_64" | "arm64";
export const ARCHITECTURES: readonly Architecture[] = ["x86_64", "arm64"];

/** What target tracking follows. */
export type ScalingMetric = "cpu" | "memory" | "requests";
export const SCALING_METRICS: readonly ScalingMetric[] = ["cpu", "memory", "requests"];

/** Target-tracking autoscaling as a caller gives it: every field has a default. */
export interface ScalingArgs {
    /** Fewest running tasks. @default 1 */
    min?: number;
    /** Most running tasks. @default 4 */
    max?: number;
    /** Metric that target tracking follows. @default "cpu" */
    metric?: ScalingMetric;
    /**
     * Target value: percent for `cpu`/`memory`, requests per task for `requests`.
     * @default 60 for `cpu` and `memory`, 1000 for `requests`
     */
    target?: number;
}

/** Scaling with every default applied: what the components work with. */
export type ScalingSettings = Required<ScalingArgs>;

/**
 * Everything a service needs, whichever mode runs it. Switching `mode` in the stack
 * file changes which component receives these settings, and nothing else.
 *
 * Only `image` is required: every other setting has a default (SERVICE_DEFAULTS), which the
 * component applies itself, so a program that composes the components sets only what it changes.
 */
export interface ServiceSettings {
    /** Image reference pinned by digest (`<repo>@sha256:<64 hex>`), never a mutable tag. */
    image: pulumi.Input<string>;
    /**
     * Port the container listens on. The app also receives it as `PORT`, unless `environment`
     * or `secrets` already set `PORT`. @default 8080
     */
    port?: number;
    /** Task CPU units (256 = 0.25 vCPU). Must pair with `memory` per Fargate's table. @default 256 */
    cpu?: number;
    /** Task memory in MiB. @default 512 */
    memory?: number;
    /** @default "x86_64" */
    architecture?: Architecture;
    /** Path the load balancer probes; must answer 200 when the task is healthy. @default "/health" */
    healthCheckPath?: string;
    /**
     * Tasks to run at first deploy; autoscaling moves it within `scaling`.
     * @default 1, raised to `scaling.min` when that is higher
     */
    desiredCount?: number;
    /**
     * Target-tracking autoscaling; each field defaults on its own.
     * @default { min: 1, max: 4, metric: "cpu", target: 60 }
     */
    scaling?: ScalingArgs;
    /** Plain environment variables. @default {} (plus `PORT`) */
    environment?: Record<string, string>;
    /**
     * Secrets injected as environment variables: name → Secrets Manager secret ARN or SSM
     * parameter ARN. The execution role may read exactly these ARNs. @default {}
     */
    secrets?: Record<string, string>;
    /**
     * Customer-managed KMS key that encrypts the secrets. When set, the execution role may
     * `kms:Decrypt` with it, and only it. @default - no KMS permission (AWS-managed keys need none)
     */
    secretsKmsKeyArn?: string;
    /**
     * Extra permissions for the application itself. A task role is created only when this is
     * non-empty, so a service that calls no AWS API holds no credentials. @default - no task role
     */
    taskPolicyStatements?: aws.iam.PolicyStatement[];
    /** Tags for every child resource, on top of the provider's default tags. @default {} */
    tags?: Record<string, string>;
    /** CloudWatch Logs retention for the service's log group, in days. @default 30 */
    logRetentionDays?: number;
    /** The container's command, overriding the image's CMD. @default - the image's CMD */
    command?: string[];
    /**
     * ECS Exec (Fargate only): `enableExecuteCommand` on the service, and the task role gets the
     * Session Manager channel permissions (EXEC_TASK_STATEMENT). @default false
     */
    exec?: boolean;
}

/** ServiceSettings with every default applied (normalizeServiceSettings). */
export interface ResolvedServiceSettings extends Required<Omit<ServiceSettings, "scaling" | "secretsKmsKeyArn" | "taskPolicyStatements" | "tags" | "command" | "exec">> {
    command?: string[];
    exec?: boolean;
    scaling: ScalingSettings;
    secretsKmsKeyArn?: string;
    taskPolicyStatements?: aws.iam.PolicyStatement[];
    tags?: Record<string, string>;
}

/**
 * The one place the service defaults live. Both service components apply them
 * (normalizeServiceSettings); the stack configuration passes on only what the user set.
 */
export const SERVICE_DEFAULTS = {
    port: 8080,
    cpu: 256,
    memory: 512,
    architecture: "x86_64" as Architecture,
    healthCheckPath: "/health",
    desiredCount: 1,
    scaling: { min: 1, max: 4, metric: "cpu" as ScalingMetric, target: 60 },
    logRetentionDays: 30,
} as const;

/**
 * The default target per scaling metric: 60 percent for `cpu` and `memory`, 1000 requests
 * per task and minute for `requests` (ALBRequestCountPerTarget counts per minute).
 */
export const SCALING_TARGET_DEFAULTS: Readonly<Record<ScalingMetric, number>> = { cpu: 60, memory: 60, requests: 1000 };

/**
 * Applies every service default: the normalize step of both service components. Pure.
 * `PORT` is added to the environment, so the app listens where the load balancer sends,
 * unless the caller set it in `environment` or `secrets`.
 */
export function normalizeServiceSettings<T extends ServiceSettings>(args: T): T & ResolvedServiceSettings {
    const d = SERVICE_DEFAULTS;
    const metric = args.scaling?.metric ?? d.scaling.metric;
    const port = args.port ?? d.port;
    const min = args.scaling?.min ?? d.scaling.min;
    const secrets = args.secrets ?? {};
    const environment = { ...(args.environment ?? {}) };
    if (!("PORT" in environment) && !("PORT" in secrets) && typeof port === "number") environment.PORT = String(port);
    return {
        ...args,
        port,
        cpu: args.cpu ?? d.cpu,
        memory: args.memory ?? d.memory,
        architecture: args.architecture ?? d.architecture,
        healthCheckPath: args.healthCheckPath ?? d.healthCheckPath,
        desiredCount: args.desiredCount ?? (typeof min === "number" ? Math.max(d.desiredCount, min) : d.desiredCount),
        scaling: {
            min,
            max: args.scaling?.max ?? d.scaling.max,
            metric,
            target: args.scaling?.target ?? SCALING_TARGET_DEFAULTS[metric] ?? d.scaling.target,
        },
        environment,
        secrets,
        logRetentionDays: args.logRetentionDays ?? d.logRetentionDays,
    };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Every problem with resolved service settings, worded like the stack configuration's errors:
 * the argument, what is allowed, what was given. Plain values only; an Output `image` is not
 * checked here. Pure, so it is tested without mocks.
 */
export function serviceSettingsProblems(a: ResolvedServiceSettings): string[] {
    const problems: string[] = [];
    const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));
    const int = (v: unknown, min: number, max: number) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
    if (typeof a.image === "string" && !/@sha256:[0-9a-f]{64}$/.test(a.image)) {
        problems.push(`image: must be pinned by digest, as <registry>/<repository>@sha256:<64 hex digits>, got ${show(a.image)}`);
    }
    if (!int(a.port, 1, 65535)) problems.push(`port: must be an integer from 1 to 65535, got ${show(a.port)}`);
    const memories = FARGATE_CPU_MEMORY[a.cpu];
    if (!memories) problems.push(`cpu: must be one of ${Object.keys(FARGATE_CPU_MEMORY).join(", ")} (Fargate task sizes), got ${show(a.cpu)}`);
    else if (!memories.includes(a.memory)) problems.push(`memory: with cpu ${a.cpu}, Fargate accepts ${describeMemoryFor(a.cpu)} MiB, got ${show(a.memory)}`);
    if (!ARCHITECTURES.includes(a.architecture)) problems.push(`architecture: must be one of ${ARCHITECTURES.join(", ")}, got ${show(a.architecture)}`);
    if (typeof a.healthCheckPath !== "string" || !a.healthCheckPath.startsWith("/")) {
        problems.push(`healthCheckPath: must be a path starting with "/", got ${show(a.healthCheckPath)}`);
    }
    const s = a.scaling;
    if (!int(s.min, 1, 1000) || !int(s.max, s.min, 1000)) {
        problems.push(`scaling: min and max must be integers with 1 <= min <= max <= 1000, got ${show({ min: s.min, max: s.max })}`);
    } else if (!int(a.desiredCount, s.min, s.max)) {
        problems.push(`desiredCount: must lie within scaling.min..scaling.max (${s.min}..${s.max}), got ${show(a.desiredCount)}`);
    }
    if (!SCALING_METRICS.includes(s.metric)) problems.push(`scaling.metric: must be one of ${SCALING_METRICS.join(", ")}, got ${show(s.metric)}`);
    else if (!int(s.target, 1, s.metric === "requests" ? 1_000_000 : 100)) {
        problems.push(`scaling.target: must be an integer from 1 to ${s.metric === "requests" ? 1_000_000 : 100} for metric ${s.metric}, got ${show(s.target)}`);
    }
    for (const n of Object.keys(a.environment)) {
        if (!ENV_NAME.test(n)) problems.push(`environment.${n}: variable name must be letters, digits and "_", not starting with a digit, got ${show(n)}`);
    }
    for (const [n, arn] of Object.entries(a.secrets)) {
        if (!ENV_NAME.test(n)) problems.push(`secrets.${n}: variable name must be letters, digits and "_", not starting with a digit, got ${show(n)}`);
        else if (!secretKind(arn)) problems.push(`secrets.${n}: must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>), got ${show(arn)}`);
        else if (n in a.environment) problems.push(`secrets.${n}: is also set in environment; a variable may come from one place only`);
    }
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(a.logRetentionDays)) {
        problems.push(`logRetentionDays: must be one of ${LOG_RETENTION_DAYS.join(", ")} (CloudWatch Logs retention values), got ${show(a.logRetentionDays)}`);
    }
    return problems;
}

/**
 * CloudWatch Logs accepts only these retention values (days).
 * Source: CloudWatch Logs API reference, PutRetentionPolicy, `retentionInDays`.
 */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Valid Fargate task CPU → memory (MiB) pairs.
 * Source: Amazon ECS Developer Guide, "Amazon ECS task definition parameters for Fargate",
 * section "Task size" (the CPU/memory table).
 */
export const FARGATE_CPU_MEMORY: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: range(1024, 4096, 1024),
    1024: range(2048, 8192, 1024),
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

/** A human summary of the memory values allowed for a CPU value, for error messages. */
export function describeMemoryFor(cpu: number): string {
    const values = FARGATE_CPU_MEMORY[cpu];
    if (!values) return "";
    if (values.length <= 4) return values.join(", ");
    return `${values[0]} to ${values[values.length - 1]} in steps of ${values[1] - values[0]}`;
}

// ---------------------------------------------------------------------------
// Secrets and the container's environment (secrets.ts), named here with the rest of the contract

export * from "./secrets";

// ---------------------------------------------------------------------------
// IAM documents shared by both modes

/** A trust policy that lets one AWS service assume the role. */
export function serviceTrustPolicy(service: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    };
}

/**
 * What ECS Exec needs on the task role: the SSM agent in the task opens its control and data
 * channels. These actions support no resource-level permissions. Source: Amazon ECS Developer
 * Guide, "Monitor Amazon ECS containers with ECS Exec", IAM permissions required for ECS Exec
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html).
 */
export const EXEC_TASK_STATEMENT = {
    Sid: "EcsExecChannels",
    Effect: "Allow",
    Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
    Resource: "*",
} as const;

/** The app's own permissions as a policy document, or undefined when there are none. */
export function taskPolicy(statements: aws.iam.PolicyStatement[] | undefined, exec = false): aws.iam.PolicyDocument | undefined {
    const all = [...(statements ?? []), ...(exec ? [EXEC_TASK_STATEMENT as unknown as aws.iam.PolicyStatement] : [])];
    if (all.length === 0) return undefined;
    return { Version: "2012-10-17", Statement: all };
}

/** AWS managed policy every ECS execution role needs (ECR pull, CloudWatch Logs write). */
export const TASK_EXECUTION_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

// ---------------------------------------------------------------------------
// Naming (components/service/naming.ts holds every physical-name rule)

export { serviceResourceName, stackPrefix } from "./naming";

// ---------------------------------------------------------------------------
// Trust wiring

/** A role a service component creates, and the AWS service it is handed to. */
export interface PassRoleGrant {
    roleArn: pulumi.Input<string>;
    /** The `iam:PassedToService` value under which the deploy role may pass it. */
    service: "ecs-tasks.amazonaws.com" | "ecs.amazonaws.com" | "scheduler.amazonaws.com";
}
