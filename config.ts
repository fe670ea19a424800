// Stack configuration → one validated, typed Settings object.
//
// This is the only module that reads Pulumi config or the environment, and the only
// place that holds the stack's defaults. `parseSettings` is pure (tested without
// mocks); `loadSettings` gathers its inputs from Pulumi and the process.
//
// Validation collects every problem and throws one ConfigError listing them all, so a
// user fixes their stack file in one pass. Each problem names the full key, what is
// allowed, and what was given. index.ts calls this before creating any resource, so
// invalid configuration registers nothing.
import { execFileSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import {
    ARCHITECTURES, Architecture, FARGATE_CPU_MEMORY, LOG_RETENTION_DAYS, SCALING_METRICS, SERVICE_DEFAULTS,
    ScalingSettings, ServiceSettings, describeMemoryFor, secretKind, stackPrefix,
} from "./components/serviceArgs";
import type { NatStrategy } from "./components/network";
import { DIGEST_REF } from "./components/registryPolicies";

export const PROJECT = "ecs-ship";

export type ServiceMode = "express" | "fargate";
export const SERVICE_MODES: readonly ServiceMode[] = ["express", "fargate"];

/** AWS's NAT choices for a dedicated VPC (awsx.ec2.NatGatewayStrategy values). */
export const NAT_STRATEGIES: readonly NatStrategy[] = ["None", "Single", "OnePerAz"];

export interface GithubSettings {
    /** "owner/name" */
    repository: string;
    deployBranches: string[];
    deployEnvironments: string[];
    pullRequestPreview: boolean;
    /** Reuse this account's existing GitHub OIDC provider instead of creating one. */
    oidcProviderArn?: string;
    /** Keep the created OIDC provider when the stack is destroyed (other stacks may share it). */
    retainProvider: boolean;
    maxSessionDuration: number;
}

export interface BackendSettings {
    stateBucket?: string;
    kmsKeyArn?: string;
}

export interface RegistrySettings {
    forceDelete: boolean;
    keepImages: number;
    kmsKeyArn?: string;
}

export interface NetworkSettings {
    vpcId?: string;
    publicSubnetIds: string[];
    privateSubnetIds: string[];
    /** Create a dedicated VPC (awsx.ec2.Vpc) instead of using an existing one. */
    create: boolean;
    /** NAT gateways for a created VPC. "None" costs nothing; each gateway costs ~$32/month plus data. */
    natStrategy: NatStrategy;
}

/** Where a service's image comes from: built from source, or a prebuilt digest reference. */
export type ImageSource =
    | { kind: "build"; context: string; dockerfile: string; tag: string }
    | { kind: "ref"; ref: string };

/** One entry of `ecs-ship:services`, normalized. */
export interface ServiceConfig extends Omit<ServiceSettings, "image" | "tags"> {
    name: string;
    mode: ServiceMode;
    image: ImageSource;
    /** Fargate only: run on FARGATE_SPOT capacity. */
    spot: boolean;
    /** Fargate only: ACM certificate for an HTTPS listener (HTTP then redirects). */
    certificateArn?: string;
    /** Fargate only: seconds the target group waits for in-flight requests. */
    deregistrationDelay: number;
    /** Fargate only: seconds ECS ignores failing health checks after a task starts. */
    healthCheckGracePeriod: number;
    logRetentionDays: number;
}

export interface Settings {
    project: string;
    stack: string;
    region: string;
    /** `ecs-ship-<stack>`: every physical name starts with it. */
    prefix: string;
    /** Tags applied to every taggable resource through the provider's default tags. */
    tags: Record<string, string>;
    github: GithubSettings;
    backend: BackendSettings;
    registry: RegistrySettings;
    network?: NetworkSettings;
    containerInsights: boolean;
    services: ServiceConfig[];
}

/** Invalid configuration: one error listing every problem. */
export class ConfigError extends Error {
    constructor(public readonly stack: string, public readonly problems: string[]) {
        super(
            `Invalid ecs-ship configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** What parseSettings reads: raw values, already JSON-decoded where Pulumi stores JSON. */
export interface RawConfig {
    stack: string;
    /** `aws:region` */
    region?: string;
    /** Every `ecs-ship:<key>` value, by key without the namespace. */
    values: Record<string, unknown>;
    /** Process environment (only GITHUB_SHA is read). */
    env: { GITHUB_SHA?: string };
    /** Commit of the project checkout (`git rev-parse HEAD`), asked for only when needed. */
    gitHead: () => string | undefined;
}

const TOP_LEVEL_KEYS = ["github", "backend", "registry", "network", "services", "containerInsights"];
const GITHUB_KEYS = ["repository", "deployBranches", "deployEnvironments", "pullRequestPreview", "oidcProviderArn", "retainProvider", "maxSessionDuration"];
const BACKEND_KEYS = ["stateBucket", "kmsKeyArn"];
const REGISTRY_KEYS = ["forceDelete", "keepImages", "kmsKeyArn"];
const NETWORK_KEYS = ["vpcId", "publicSubnetIds", "privateSubnetIds", "create", "natStrategy"];
const SERVICE_KEYS = [
    "mode", "image", "port", "cpu", "memory", "architecture", "healthCheckPath", "desiredCount", "scaling",
    "environment", "secrets", "secretsKmsKeyArn", "taskPolicyStatements", "spot", "certificateArn",
    "deregistrationDelay", "healthCheckGracePeriod", "logRetentionDays",
];
const IMAGE_KEYS = ["context", "dockerfile", "tag", "ref"];
const SCALING_KEYS = ["min", "max", "metric", "target"];

/** Every key config.ts accepts, by section; the README's reference is tested against these. */
export const CONFIG_KEYS = {
    top: TOP_LEVEL_KEYS,
    github: GITHUB_KEYS,
    backend: BACKEND_KEYS,
    registry: REGISTRY_KEYS,
    network: NETWORK_KEYS,
    service: SERVICE_KEYS,
};

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const STACK_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const COMMIT = /^[0-9a-fA-F]{7,40}$/;
/**
 * Names the stack's own components use after the prefix. A service called `github` would get
 * role names the deploy role is denied touching (they look like the trust's own).
 */
const RESERVED_SERVICE_NAMES = ["github", "network", "cluster", "capacity"];
/** Characters a GitHub branch or environment name may not carry into an exact `sub` match. */
const GLOB = /[*?\[\]\s]/;

/** Turns raw stack configuration into Settings, or throws one ConfigError listing every problem. */
export function parseSettings(raw: RawConfig): Settings {
    const problems: string[] = [];
    const v = new Validator(problems);
    const stack = raw.stack;

    if (!STACK_NAME.test(stack)) {
        problems.push(`stack name: must be a lowercase letter followed by up to 19 lowercase letters, digits or hyphens (it starts every physical name), got ${show(stack)}`);
    }
    if (raw.region === undefined || raw.region === "") {
        problems.push(`aws:region: is required (for example us-east-1), got nothing`);
    } else if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(raw.region)) {
        problems.push(`aws:region: must be an AWS region code such as us-east-1, got ${show(raw.region)}`);
    }
    v.unknownKeys("ecs-ship", raw.values, TOP_LEVEL_KEYS);

    const github = parseGithub(v, raw.values.github);
    const backend = parseBackend(v, raw.values.backend);
    const registry = parseRegistry(v, raw.values.registry);
    const network = parseNetwork(v, raw.values.network);
    const containerInsights = v.bool("ecs-ship:containerInsights", raw.values.containerInsights, false);
    // The image tag: image.tag, else GITHUB_SHA, else the checkout's HEAD. Resolved once.
    let ambient: { found: boolean; value?: string } | undefined;
    const resolveCommit = (key: string, explicit: unknown): string | undefined => {
        if (explicit !== undefined) return checkCommit(v, key, explicit);
        if (!ambient) {
            const sha = raw.env.GITHUB_SHA;
            const head = sha ? undefined : raw.gitHead();
            ambient = sha ? { found: true, value: checkCommit(v, "GITHUB_SHA (environment)", sha) }
                : head !== undefined ? { found: true, value: checkCommit(v, "git rev-parse HEAD", head) }
                : { found: false };
        }
        if (!ambient.found) {
            problems.push(`${key}: no commit SHA to tag the image with: set ${key}, or GITHUB_SHA, or run from a git checkout, got nothing`);
        }
        return ambient.value;
    };
    const services = parseServices(v, raw.values.services, stackPrefix(stack), resolveCommit);

    if (problems.length > 0) throw new ConfigError(stack, problems);
    const prefix = stackPrefix(stack);
    return {
        project: PROJECT,
        stack,
        region: raw.region!,
        prefix,
        tags: { "ecs-ship:stack": stack, "ecs-ship:managed-by": "pulumi" },
        github: github!,
        backend,
        registry,
        network,
        containerInsights,
        services,
    };
}

function parseGithub(v: Validator, value: unknown): GithubSettings | undefined {
    const key = "ecs-ship:github";
    if (value === undefined) {
        v.problems.push(`${key}: is required, with at least \`repository: owner/name\`, got nothing`);
        return undefined;
    }
    const o = v.object(key, value);
    if (!o) return undefined;
    v.unknownKeys(key, o, GITHUB_KEYS);
    let repository = "";
    if (o.repository === undefined) {
        v.problems.push(`${key}.repository: is required, as "owner/name", got nothing`);
    } else if (typeof o.repository !== "string") {
        v.problems.push(`${key}.repository: must be "owner/name", got ${show(o.repository)}`);
    } else if (o.repository.includes("*")) {
        v.problems.push(`${key}.repository: must name exactly one repository, with no wildcard, got ${show(o.repository)}`);
    } else if (!REPOSITORY.test(o.repository)) {
        v.problems.push(`${key}.repository: must be "owner/name" (letters, digits, "-", and "." or "_" in the name), got ${show(o.repository)}`);
    } else {
        repository = o.repository;
    }
    const deployBranches = v.names(`${key}.deployBranches`, o.deployBranches, ["main"], "branch");
    const deployEnvironments = v.names(`${key}.deployEnvironments`, o.deployEnvironments, [], "environment");
    // Only when the lists as given are empty: a rejected entry is already reported.
    const given = (list: unknown, dflt: number) => (list === undefined ? dflt : Array.isArray(list) ? list.length : -1);
    if (given(o.deployBranches, 1) === 0 && given(o.deployEnvironments, 0) === 0) {
        v.problems.push(`${key}.deployBranches: nothing could deploy: list at least one branch here or one environment in ${key}.deployEnvironments, got none`);
    }
    const pullRequestPreview = v.bool(`${key}.pullRequestPreview`, o.pullRequestPreview, true);
    let oidcProviderArn: string | undefined;
    if (o.oidcProviderArn !== undefined) {
        if (typeof o.oidcProviderArn === "string" && OIDC_PROVIDER_ARN.test(o.oidcProviderArn)) oidcProviderArn = o.oidcProviderArn;
        else v.problems.push(`${key}.oidcProviderArn: must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com, got ${show(o.oidcProviderArn)}`);
    }
    const retainProvider = v.bool(`${key}.retainProvider`, o.retainProvider, false);
    if (oidcProviderArn && o.retainProvider !== undefined) {
        v.problems.push(`${key}.retainProvider: Only one of \`oidcProviderArn\` or \`retainProvider\` can be provided (a reused provider is never deleted), got both`);
    }
    // AssumeRoleWithWebIdentity sessions last 1 to 12 hours. Source: IAM User Guide, "IAM role max session duration".
    const maxSessionDuration = v.int(`${key}.maxSessionDuration`, o.maxSessionDuration, 3600, 3600, 43200);
    return { repository, deployBranches, deployEnvironments, pullRequestPreview, oidcProviderArn, retainProvider, maxSessionDuration };
}

function parseBackend(v: Validator, value: unknown): BackendSettings {
    const key = "ecs-ship:backend";
    if (value === undefined) return {};
    const o = v.object(key, value);
    if (!o) return {};
    v.unknownKeys(key, o, BACKEND_KEYS);
    const out: BackendSettings = {};
    if (o.stateBucket !== undefined) {
        if (typeof o.stateBucket === "string" && BUCKET.test(o.stateBucket)) out.stateBucket = o.stateBucket;
        else v.problems.push(`${key}.stateBucket: must be an S3 bucket name (3-63 lowercase letters, digits, "." or "-"), got ${show(o.stateBucket)}`);
    }
    out.kmsKeyArn = v.kmsKey(`${key}.kmsKeyArn`, o.kmsKeyArn);
    return out;
}

function parseRegistry(v: Validator, value: unknown): RegistrySettings {
    const key = "ecs-ship:registry";
    const o = value === undefined ? {} : v.object(key, value) ?? {};
    v.unknownKeys(key, o, REGISTRY_KEYS);
    return {
        forceDelete: v.bool(`${key}.forceDelete`, o.forceDelete, true),
        keepImages: v.int(`${key}.keepImages`, o.keepImages, 30, 1, 1000),
        kmsKeyArn: v.kmsKey(`${key}.kmsKeyArn`, o.kmsKeyArn),
    };
}

function parseNetwork(v: Validator, value: unknown): NetworkSettings | undefined {
    const key = "ecs-ship:network";
    if (value === undefined) return undefined;
    const o = v.object(key, value);
    if (!o) return undefined;
    v.unknownKeys(key, o, NETWORK_KEYS);
    const create = v.bool(`${key}.create`, o.create, false);
    const publicSubnetIds = v.ids(`${key}.publicSubnetIds`, o.publicSubnetIds, SUBNET_ID, "subnet-");
    const privateSubnetIds = v.ids(`${key}.privateSubnetIds`, o.privateSubnetIds, SUBNET_ID, "subnet-");
    let vpcId: string | undefined;
    if (o.vpcId !== undefined) {
        if (typeof o.vpcId === "string" && VPC_ID.test(o.vpcId)) vpcId = o.vpcId;
        else v.problems.push(`${key}.vpcId: must be a VPC id (vpc- followed by 8 or 17 hex digits), got ${show(o.vpcId)}`);
    }
    let natStrategy: NatStrategy = "None";
    if (o.natStrategy !== undefined) {
        if (typeof o.natStrategy === "string" && (NAT_STRATEGIES as readonly string[]).includes(o.natStrategy)) natStrategy = o.natStrategy as NatStrategy;
        else v.problems.push(`${key}.natStrategy: must be one of ${NAT_STRATEGIES.join(", ")}, got ${show(o.natStrategy)}`);
    }
    if (create) {
        if (o.vpcId !== undefined || o.publicSubnetIds !== undefined || o.privateSubnetIds !== undefined) {
            v.problems.push(`${key}.create: Only one of \`create\` or \`vpcId\`/subnets can be provided, got both`);
        }
    } else {
        if (o.natStrategy !== undefined) v.problems.push(`${key}.natStrategy: applies only with ${key}.create: true, got ${show(o.natStrategy)} without it`);
        if (o.vpcId === undefined) {
            v.problems.push(`${key}.vpcId: is required when ${key} is set (or set ${key}.create: true), got nothing`);
        }
        if (o.publicSubnetIds === undefined || (Array.isArray(o.publicSubnetIds) && o.publicSubnetIds.length < 2)) {
            // An ALB needs subnets in at least two Availability Zones, and so does Express Mode.
            // Source: Elastic Load Balancing User Guide, "Application Load Balancers", Availability Zones and subnets.
            v.problems.push(`${key}.publicSubnetIds: must list at least 2 public subnets in different Availability Zones (the load balancer needs two), got ${Array.isArray(o.publicSubnetIds) ? o.publicSubnetIds.length : "none"}`);
        }
    }
    return { vpcId, publicSubnetIds, privateSubnetIds, create, natStrategy };
}

function parseServices(
    v: Validator,
    value: unknown,
    prefix: string,
    resolveCommit: (key: string, explicit: unknown) => string | undefined,
): ServiceConfig[] {
    const key = "ecs-ship:services";
    if (value === undefined) {
        v.problems.push(`${key}: is required: define at least one service, for example \`web: { mode: express }\`, got nothing`);
        return [];
    }
    const o = v.object(key, value);
    if (!o) return [];
    const names = Object.keys(o);
    if (names.length === 0) {
        v.problems.push(`${key}: must define at least one service, got none`);
        return [];
    }
    const out: ServiceConfig[] = [];
    for (const name of names.sort()) {
        const k = `${key}.${name}`;
        if (!DNS_LABEL.test(name)) {
            v.problems.push(`${k}: service name must be a lowercase DNS label (a-z, 0-9 and "-", starting with a letter, at most 63 characters), got ${show(name)}`);
        } else if (RESERVED_SERVICE_NAMES.includes(name)) {
            v.problems.push(`${k}: service name is reserved for the stack's own ${name === "github" ? "GitHub trust" : name} resources (the deploy role may not touch ecs-ship-<stack>-${name}-*); choose another, got ${show(name)}`);
        }
        const s = v.object(k, o[name]);
        if (!s) continue;
        v.unknownKeys(k, s, SERVICE_KEYS);
        const svc = parseService(v, k, name, s, resolveCommit);
        if (svc) out.push(svc);
    }
    return out;
}

function parseService(
    v: Validator,
    k: string,
    name: string,
    s: Record<string, unknown>,
    resolveCommit: (key: string, explicit: unknown) => string | undefined,
): ServiceConfig | undefined {
    let mode: ServiceMode = "express";
    if (s.mode === undefined) {
        v.problems.push(`${k}.mode: is required, one of ${SERVICE_MODES.join(", ")}, got nothing`);
    } else if (typeof s.mode === "string" && (SERVICE_MODES as readonly string[]).includes(s.mode)) {
        mode = s.mode as ServiceMode;
    } else {
        v.problems.push(`${k}.mode: must be one of ${SERVICE_MODES.join(", ")}, got ${show(s.mode)}`);
    }
    const image = parseImage(v, `${k}.image`, s.image, resolveCommit);
    const port = v.int(`${k}.port`, s.port, SERVICE_DEFAULTS.port, 1, 65535);
    const cpu = v.int(`${k}.cpu`, s.cpu, SERVICE_DEFAULTS.cpu, 1, 16384, false);
    const memory = v.int(`${k}.memory`, s.memory, SERVICE_DEFAULTS.memory, 1, 122880, false);
    if (Number.isInteger(cpu) && Number.isInteger(memory)) {
        // Source: Amazon ECS Developer Guide, Fargate task size table (FARGATE_CPU_MEMORY).
        const allowed = FARGATE_CPU_MEMORY[cpu];
        if (!allowed) {
            v.problems.push(`${k}.cpu: must be one of ${Object.keys(FARGATE_CPU_MEMORY).join(", ")} (Fargate task sizes), got ${show(s.cpu)}`);
        } else if (!allowed.includes(memory)) {
            v.problems.push(`${k}.memory: with cpu ${cpu}, Fargate accepts ${describeMemoryFor(cpu)} MiB, got ${show(s.memory ?? memory)}`);
        }
    }
    let architecture: Architecture = SERVICE_DEFAULTS.architecture;
    if (s.architecture !== undefined) {
        if (typeof s.architecture === "string" && (ARCHITECTURES as readonly string[]).includes(s.architecture)) architecture = s.architecture as Architecture;
        else v.problems.push(`${k}.architecture: must be one of ${ARCHITECTURES.join(", ")}, got ${show(s.architecture)}`);
    }
    if (mode === "express" && architecture === "arm64") {
        // Express Mode has no runtime-platform setting and runs x86_64 tasks, so an arm64 image would not start.
        // Source: Amazon ECS API Reference, CreateExpressGatewayService (no runtimePlatform parameter).
        v.problems.push(`${k}.architecture: Express Mode runs x86_64 tasks only; arm64 is allowed only with mode: fargate, got "arm64"`);
    }
    let healthCheckPath: string = SERVICE_DEFAULTS.healthCheckPath;
    if (s.healthCheckPath !== undefined) {
        if (typeof s.healthCheckPath === "string" && /^\/[\x21-\x7e]{0,1023}$/.test(s.healthCheckPath)) healthCheckPath = s.healthCheckPath;
        else v.problems.push(`${k}.healthCheckPath: must be a path starting with "/", got ${show(s.healthCheckPath)}`);
    }
    const desiredCount = v.int(`${k}.desiredCount`, s.desiredCount, SERVICE_DEFAULTS.desiredCount, 0, 1000);
    const scaling = parseScaling(v, `${k}.scaling`, s.scaling);
    if (scaling && Number.isInteger(desiredCount) && scaling.min <= scaling.max && (desiredCount < scaling.min || desiredCount > scaling.max)) {
        v.problems.push(`${k}.desiredCount: must lie within scaling.min..scaling.max (${scaling.min}..${scaling.max}), got ${desiredCount}`);
    }
    const environment = parseEnvironment(v, `${k}.environment`, s.environment);
    const secrets = parseSecrets(v, `${k}.secrets`, s.secrets);
    for (const n of Object.keys(secrets)) {
        if (n in environment) v.problems.push(`${k}.secrets.${n}: is also set in ${k}.environment; a variable may come from one place only`);
    }
    if (!("PORT" in environment) && !("PORT" in secrets)) environment.PORT = String(port);
    const secretsKmsKeyArn = v.kmsKey(`${k}.secretsKmsKeyArn`, s.secretsKmsKeyArn);
    const taskPolicyStatements = parseStatements(v, `${k}.taskPolicyStatements`, s.taskPolicyStatements);
    const spot = v.bool(`${k}.spot`, s.spot, false);
    if (mode === "express" && spot) {
        v.problems.push(`${k}.spot: Express Mode has no Fargate Spot option; allowed only with mode: fargate, got true`);
    }
    let certificateArn: string | undefined;
    if (s.certificateArn !== undefined) {
        if (mode === "express") v.problems.push(`${k}.certificateArn: Express Mode provisions its own HTTPS certificate; allowed only with mode: fargate, got ${show(s.certificateArn)}`);
        else if (typeof s.certificateArn === "string" && ACM_ARN.test(s.certificateArn)) certificateArn = s.certificateArn;
        else v.problems.push(`${k}.certificateArn: must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got ${show(s.certificateArn)}`);
    }
    const fargateOnly = (field: string) => {
        if (mode === "express" && s[field] !== undefined) v.problems.push(`${k}.${field}: Express Mode manages its own load balancer; allowed only with mode: fargate, got ${show(s[field])}`);
    };
    fargateOnly("deregistrationDelay");
    fargateOnly("healthCheckGracePeriod");
    // Target group deregistration delay range. Source: ELB User Guide, "Target groups", deregistration_delay.timeout_seconds (0-3600).
    const deregistrationDelay = v.int(`${k}.deregistrationDelay`, s.deregistrationDelay, 30, 0, 3600);
    const healthCheckGracePeriod = v.int(`${k}.healthCheckGracePeriod`, s.healthCheckGracePeriod, 30, 0, 7200);
    let logRetentionDays: number = SERVICE_DEFAULTS.logRetentionDays;
    if (s.logRetentionDays !== undefined) {
        if (typeof s.logRetentionDays === "number" && (LOG_RETENTION_DAYS as readonly number[]).includes(s.logRetentionDays)) logRetentionDays = s.logRetentionDays;
        else v.problems.push(`${k}.logRetentionDays: must be one of ${LOG_RETENTION_DAYS.join(", ")} (CloudWatch Logs retention values), got ${show(s.logRetentionDays)}`);
    }
    if (!image || !scaling) return undefined;
    return {
        name, mode, image, port, cpu, memory, architecture, healthCheckPath, desiredCount, scaling,
        environment, secrets, secretsKmsKeyArn, taskPolicyStatements, spot, certificateArn,
        deregistrationDelay, healthCheckGracePeriod, logRetentionDays,
    };
}

function parseImage(
    v: Validator,
    k: string,
    value: unknown,
    resolveCommit: (key: string, explicit: unknown) => string | undefined,
): ImageSource | undefined {
    if (value === undefined) {
        v.problems.push(`${k}: Either \`context\` or \`ref\` must be provided, got nothing`);
        return undefined;
    }
    const o = v.object(k, value);
    if (!o) return undefined;
    v.unknownKeys(k, o, IMAGE_KEYS);
    const hasContext = o.context !== undefined;
    const hasRef = o.ref !== undefined;
    if (hasContext && hasRef) {
        v.problems.push(`${k}: Only one of \`context\` or \`ref\` can be provided, got both`);
        return undefined;
    }
    if (!hasContext && !hasRef) {
        v.problems.push(`${k}: Either \`context\` or \`ref\` must be provided, got neither`);
        return undefined;
    }
    if (hasRef) {
        if (o.tag !== undefined || o.dockerfile !== undefined) {
            v.problems.push(`${k}.ref: a prebuilt image is not built, so \`tag\` and \`dockerfile\` do not apply, got ${show(Object.keys(o).filter((x) => x !== "ref").join(", "))}`);
        }
        if (typeof o.ref === "string" && DIGEST_REF.test(o.ref)) return { kind: "ref", ref: o.ref };
        v.problems.push(`${k}.ref: must be pinned by digest, as <registry>/<repository>@sha256:<64 hex digits>, got ${show(o.ref)}`);
        return undefined;
    }
    if (typeof o.context !== "string" || o.context === "") {
        v.problems.push(`${k}.context: must be a directory path relative to the project, got ${show(o.context)}`);
        return undefined;
    }
    let dockerfile = "Dockerfile";
    if (o.dockerfile !== undefined) {
        if (typeof o.dockerfile === "string" && o.dockerfile !== "") dockerfile = o.dockerfile;
        else v.problems.push(`${k}.dockerfile: must be a file name inside the context, got ${show(o.dockerfile)}`);
    }
    const tag = resolveCommit(`${k}.tag`, o.tag);
    if (tag === undefined) return undefined;
    return { kind: "build", context: o.context, dockerfile, tag };
}

function checkCommit(v: Validator, key: string, value: unknown): string | undefined {
    if (typeof value === "string" && COMMIT.test(value)) return value.slice(0, 7).toLowerCase();
    v.problems.push(`${key}: must be a commit SHA of 7 to 40 hexadecimal characters, got ${show(value)}`);
    return undefined;
}

function parseScaling(v: Validator, k: string, value: unknown): ScalingSettings | undefined {
    const d = SERVICE_DEFAULTS.scaling;
    const o = value === undefined ? {} : v.object(k, value);
    if (!o) return undefined;
    v.unknownKeys(k, o, SCALING_KEYS);
    const min = v.int(`${k}.min`, o.min, d.min, 1, 1000);
    const max = v.int(`${k}.max`, o.max, d.max, 1, 1000);
    let metric = d.metric as ScalingSettings["metric"];
    if (o.metric !== undefined) {
        if (typeof o.metric === "string" && (SCALING_METRICS as readonly string[]).includes(o.metric)) metric = o.metric as ScalingSettings["metric"];
        else v.problems.push(`${k}.metric: must be one of ${SCALING_METRICS.join(", ")}, got ${show(o.metric)}`);
    }
    const target = metric === "requests"
        ? v.int(`${k}.target`, o.target, 1000, 1, 1_000_000)
        : v.int(`${k}.target`, o.target, d.target, 1, 100);
    if (Number.isInteger(min) && Number.isInteger(max) && min > max) {
        v.problems.push(`${k}.min: must not exceed ${k}.max (${max}), got ${min}`);
    }
    return { min, max, metric, target };
}

function parseEnvironment(v: Validator, k: string, value: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    if (value === undefined) return out;
    const o = v.object(k, value);
    if (!o) return out;
    for (const [n, val] of Object.entries(o)) {
        if (!ENV_NAME.test(n)) {
            v.problems.push(`${k}.${n}: variable name must be letters, digits and "_", not starting with a digit, got ${show(n)}`);
        } else if (typeof val === "string" || typeof val === "number" || typeof val === "boolean") {
            out[n] = String(val);
        } else {
            v.problems.push(`${k}.${n}: must be a string, number or boolean, got ${show(val)}`);
        }
    }
    return out;
}

function parseSecrets(v: Validator, k: string, value: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    if (value === undefined) return out;
    const o = v.object(k, value);
    if (!o) return out;
    for (const [n, val] of Object.entries(o)) {
        if (!ENV_NAME.test(n)) {
            v.problems.push(`${k}.${n}: variable name must be letters, digits and "_", not starting with a digit, got ${show(n)}`);
        } else if (typeof val === "string" && secretKind(val)) {
            out[n] = val;
        } else {
            v.problems.push(`${k}.${n}: must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>), got ${show(val)}`);
        }
    }
    return out;
}

function parseStatements(v: Validator, k: string, value: unknown): ServiceSettings["taskPolicyStatements"] {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
        v.problems.push(`${k}: must be a list of IAM policy statements, got ${show(value)}`);
        return undefined;
    }
    value.forEach((st, i) => {
        const sk = `${k}[${i}]`;
        if (typeof st !== "object" || st === null || Array.isArray(st)) {
            v.problems.push(`${sk}: must be an IAM statement with Effect, Action and Resource, got ${show(st)}`);
            return;
        }
        const s = st as Record<string, unknown>;
        if (s.Effect !== "Allow" && s.Effect !== "Deny") v.problems.push(`${sk}.Effect: must be Allow or Deny, got ${show(s.Effect)}`);
        if (s.Action === undefined) v.problems.push(`${sk}.Action: is required, got nothing`);
        if (s.Resource === undefined) v.problems.push(`${sk}.Resource: is required, got nothing`);
    });
    return value as ServiceSettings["taskPolicyStatements"];
}

/** Small typed readers that record a problem instead of throwing. */
class Validator {
    constructor(public readonly problems: string[]) {}

    object(key: string, value: unknown): Record<string, unknown> | undefined {
        if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
        this.problems.push(`${key}: must be a map of keys to values, got ${show(value)}`);
        return undefined;
    }

    unknownKeys(key: string, o: Record<string, unknown>, allowed: string[]): void {
        for (const k of Object.keys(o)) {
            if (!allowed.includes(k)) this.problems.push(`${key}.${k}: unknown key; allowed keys are ${allowed.join(", ")}`);
        }
    }

    bool(key: string, value: unknown, dflt: boolean): boolean {
        if (value === undefined) return dflt;
        if (typeof value === "boolean") return value;
        if (value === "true" || value === "false") return value === "true";
        this.problems.push(`${key}: must be true or false, got ${show(value)}`);
        return dflt;
    }

    /** Returns NaN after recording a problem, so dependent checks can skip. */
    int(key: string, value: unknown, dflt: number, min: number, max: number, checkRange = true): number {
        if (value === undefined) return dflt;
        const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : NaN;
        if (!Number.isInteger(n) || (checkRange && (n < min || n > max))) {
            this.problems.push(`${key}: must be an integer from ${min} to ${max}, got ${show(value)}`);
            return NaN;
        }
        return n;
    }

    names(key: string, value: unknown, dflt: string[], what: string): string[] {
        if (value === undefined) return dflt;
        if (!Array.isArray(value)) {
            this.problems.push(`${key}: must be a list of ${what} names, got ${show(value)}`);
            return [];
        }
        const out: string[] = [];
        value.forEach((n, i) => {
            if (typeof n !== "string" || n === "") {
                this.problems.push(`${key}[${i}]: must be a ${what} name, got ${show(n)}`);
            } else if (GLOB.test(n)) {
                this.problems.push(`${key}[${i}]: must be an exact ${what} name, with no wildcard ("*", "?", "[") or space, got ${show(n)}`);
            } else {
                out.push(n);
            }
        });
        return out;
    }

    ids(key: string, value: unknown, pattern: RegExp, prefix: string): string[] {
        if (value === undefined) return [];
        if (!Array.isArray(value)) {
            this.problems.push(`${key}: must be a list of ${prefix}… ids, got ${show(value)}`);
            return [];
        }
        const out: string[] = [];
        value.forEach((id, i) => {
            if (typeof id === "string" && pattern.test(id)) out.push(id);
            else this.problems.push(`${key}[${i}]: must be a ${prefix}… id, got ${show(id)}`);
        });
        return out;
    }

    kmsKey(key: string, value: unknown): string | undefined {
        if (value === undefined) return undefined;
        if (typeof value === "string" && KMS_KEY_ARN.test(value)) return value;
        this.problems.push(`${key}: must be a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>), got ${show(value)}`);
        return undefined;
    }
}

/** How a given value is quoted in an error. */
function show(value: unknown): string {
    if (value === undefined) return "nothing";
    return JSON.stringify(value);
}

/**
 * Reads the current stack's configuration through Pulumi and the process environment,
 * and validates it. Throws ConfigError (listing every problem) before any resource exists.
 */
export function loadSettings(): Settings {
    const all = pulumi.runtime.allConfig();
    const values: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(all)) {
        if (!fullKey.startsWith(`${PROJECT}:`)) continue;
        values[fullKey.slice(PROJECT.length + 1)] = decode(text);
    }
    return parseSettings({
        stack: pulumi.getStack(),
        region: new pulumi.Config("aws").get("region"),
        values,
        env: { GITHUB_SHA: process.env.GITHUB_SHA },
        gitHead: () => gitHead(__dirname),
    });
}

/** Pulumi hands structured values to the program as JSON text; scalars as plain text. */
function decode(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

function gitHead(cwd: string): string | undefined {
    try {
        return execFileSync("git", ["rev-parse", "HEAD"], { cwd, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    } catch {
        return undefined;
    }
}
