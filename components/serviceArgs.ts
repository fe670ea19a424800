// The one service contract shared by ExpressService and FargateService, and the
// pure helpers both modes need. Nothing here creates resources, so everything is
// tested without mocks (test/serviceArgs.test.ts).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** CPU architecture of the task. Maps to the image platform and Fargate's runtimePlatform. */
export type Architecture = "x86_64" | "arm64";
export const ARCHITECTURES: readonly Architecture[] = ["x86_64", "arm64"];

/** What target tracking follows. */
export type ScalingMetric = "cpu" | "memory" | "requests";
export const SCALING_METRICS: readonly ScalingMetric[] = ["cpu", "memory", "requests"];

export interface ScalingSettings {
    /** Fewest running tasks. @default 1 */
    min: number;
    /** Most running tasks. @default 4 */
    max: number;
    /** Metric that target tracking follows. @default "cpu" */
    metric: ScalingMetric;
    /**
     * Target value: percent for `cpu`/`memory`, requests per task for `requests`.
     * @default 60
     */
    target: number;
}

/**
 * Everything a service needs, whichever mode runs it. Switching `mode` in the stack
 * file changes which component receives these settings, and nothing else.
 */
export interface ServiceSettings {
    /** Image reference pinned by digest (`<repo>@sha256:<64 hex>`), never a mutable tag. */
    image: pulumi.Input<string>;
    /** Port the container listens on; the app also receives it as `PORT`. @default 8080 */
    port: number;
    /** Task CPU units (256 = 0.25 vCPU). Must pair with `memory` per Fargate's table. @default 256 */
    cpu: number;
    /** Task memory in MiB. @default 512 */
    memory: number;
    /** @default "x86_64" */
    architecture: Architecture;
    /** Path the load balancer probes; must answer 200 when the task is healthy. @default "/health" */
    healthCheckPath: string;
    /** Tasks to run at first deploy; autoscaling moves it within `scaling`. @default 1 */
    desiredCount: number;
    /** Target-tracking autoscaling. @default { min: 1, max: 4, metric: "cpu", target: 60 } */
    scaling: ScalingSettings;
    /** Plain environment variables. @default {} */
    environment: Record<string, string>;
    /**
     * Secrets injected as environment variables: name → Secrets Manager secret ARN or SSM
     * parameter ARN. The execution role may read exactly these ARNs. @default {}
     */
    secrets: Record<string, string>;
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
}

/**
 * Defaults that belong to the contract. `config.ts` applies them to stack configuration;
 * components apply the optional ones for callers that compose them directly.
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
// Secrets

const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9/_.-]+$/;

export type SecretKind = "secretsmanager" | "ssm";

/** Which store a secret ARN points at, or undefined when it is neither. */
export function secretKind(arn: string): SecretKind | undefined {
    if (SECRETS_MANAGER_ARN.test(arn)) return "secretsmanager";
    if (SSM_PARAMETER_ARN.test(arn)) return "ssm";
    return undefined;
}

/**
 * The execution role's inline policy for the service's secrets: exactly the configured
 * ARNs, and `kms:Decrypt` only when a customer-managed key is configured. Returns
 * undefined when there is nothing to read, so no empty policy is created.
 *
 * Source: Amazon ECS Developer Guide, "Pass sensitive data to an Amazon ECS container"
 * (execution role needs secretsmanager:GetSecretValue / ssm:GetParameters, plus kms:Decrypt
 * for a customer-managed key).
 */
export function secretsPolicy(secrets: Record<string, string>, kmsKeyArn?: string): aws.iam.PolicyDocument | undefined {
    const arns = [...new Set(Object.values(secrets))].sort();
    const sm = arns.filter((a) => secretKind(a) === "secretsmanager");
    const ssm = arns.filter((a) => secretKind(a) === "ssm");
    const statements: aws.iam.PolicyStatement[] = [];
    if (sm.length) statements.push({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: sm });
    if (ssm.length) statements.push({ Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: ssm });
    if (statements.length === 0) return undefined;
    if (kmsKeyArn) statements.push({ Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [kmsKeyArn] });
    return { Version: "2012-10-17", Statement: statements };
}

// ---------------------------------------------------------------------------
// Container shapes

export interface NameValue { name: string; value: string }
export interface NameValueFrom { name: string; valueFrom: string }

/** Environment map → container `environment` entries, sorted by name so diffs are stable. */
export function containerEnvironment(environment: Record<string, string>): NameValue[] {
    return Object.keys(environment).sort().map((name) => ({ name, value: environment[name] }));
}

/** Secrets map → container `secrets` entries, sorted by name so diffs are stable. */
export function containerSecrets(secrets: Record<string, string>): NameValueFrom[] {
    return Object.keys(secrets).sort().map((name) => ({ name, valueFrom: secrets[name] }));
}

// ---------------------------------------------------------------------------
// IAM documents shared by both modes

/** A trust policy that lets one AWS service assume the role. */
export function serviceTrustPolicy(service: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    };
}

/** The app's own permissions as a policy document, or undefined when there are none. */
export function taskPolicy(statements: aws.iam.PolicyStatement[] | undefined): aws.iam.PolicyDocument | undefined {
    if (!statements || statements.length === 0) return undefined;
    return { Version: "2012-10-17", Statement: statements };
}

/** AWS managed policy every ECS execution role needs (ECR pull, CloudWatch Logs write). */
export const TASK_EXECUTION_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

// ---------------------------------------------------------------------------
// Naming (components/naming.ts holds every physical-name rule)

export { serviceResourceName, stackPrefix } from "./naming";

// ---------------------------------------------------------------------------
// Trust wiring

/** A role a service component creates, and the AWS service it is handed to. */
export interface PassRoleGrant {
    roleArn: pulumi.Input<string>;
    /** The `iam:PassedToService` value under which the deploy role may pass it. */
    service: "ecs-tasks.amazonaws.com" | "ecs.amazonaws.com";
}
