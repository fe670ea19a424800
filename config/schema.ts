// The one schema of a stack file's `ecs-ship:` keys. From it come the Settings types (index.ts),
// validation and its messages (format.ts), the editor's JSON Schema (schema/stack.schema.json) and
// the configuration reference (docs/configuration.md). Cross-field rules live beside the fields.
import { z } from "zod";
import { Region } from "@pulumi/aws/types/enums";
import {
    ARCHITECTURES, FARGATE_CPU_MEMORY, LOG_RETENTION_DAYS, SCALING_METRICS, SCALING_TARGET_DEFAULTS, describeMemoryFor, isPartialSecretArn, secretKind,
} from "../components/serviceArgs";
import { DIGEST_REF } from "../components/registryPolicies";
import { NAT_STRATEGY_VALUES, NatStrategy } from "../components/network";
import { DEFAULTS } from "./defaults";
import { priorityCollisions, routeCollisions, routesOf, sharesLoadBalancer } from "../components/frontDoor";
import { ALWAYS, bool, closed, int, listOf, mapOf, oneOf, oneOfNumbers, problem, record, says, show, text } from "./rules";

/**
 * The partitions other than `aws` that the provider's Regions belong to, by Region prefix. Source: AWS
 * General Reference, "Amazon Resource Names (ARNs)" (partition: aws, aws-cn, aws-us-gov, and the isolated
 * and sovereign partitions).
 */
export const OTHER_PARTITIONS: [prefix: string, partition: string][] = [
    ["cn-", "aws-cn (China)"], ["us-gov-", "aws-us-gov (GovCloud)"], ["us-isob-", "aws-iso-b"], ["us-isof-", "aws-iso-f"],
    ["us-iso-", "aws-iso"], ["eu-isoe-", "aws-iso-e"], ["eusc-", "aws-eusc (European Sovereign Cloud)"],
];
const partitionOf = (region: string) => OTHER_PARTITIONS.find(([prefix]) => region.startsWith(prefix))?.[1];

/**
 * Every Region of the `aws` partition the AWS provider knows. Source: @pulumi/aws types/enums `Region`
 * (the provider's own list, which tracks AWS's published Regions). Regions of other partitions are
 * refused by name: the AWS managed policies ecs-ship attaches are named `arn:aws:iam::aws:policy/…`
 * only in the `aws` partition.
 */
export const AWS_REGIONS = Object.values(Region).filter((r) => partitionOf(r) === undefined) as [string, ...string[]];

export const SERVICE_MODES = ["express", "fargate"] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];
/** NAT choices for a created VPC (awsx.ec2.NatGatewayStrategy values). */
export const NAT_STRATEGIES = NAT_STRATEGY_VALUES as readonly NatStrategy[] as ["None", "Single", "OnePerAz"];
/**
 * Names the stack's own components use after the prefix. A service called `github` would get
 * role names the deploy role is denied touching (they look like the trust's own).
 */
export const RESERVED_SERVICE_NAMES = ["github", "network", "cluster", "capacity", "shared"];

/**
 * Express Mode task sizes: cpu 256 to 4096 in powers of 2, memory 512 to 8192 MiB, and the pair must
 * also be a Fargate task size (Express runs its tasks on Fargate). Source: @pulumi/aws
 * ecs/expressGatewayService.d.ts, `cpu` and `memory` (from the provider's resource docs), and
 * Amazon ECS API Reference, CreateExpressGatewayService.
 */
export const EXPRESS_LIMITS = { cpu: [256, 512, 1024, 2048, 4096], memory: { min: 512, max: 8192 } } as const;

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const COMMIT = /^[0-9a-fA-F]{7,40}$/;
const PATH = /^\/[\x21-\x7e]{0,1023}$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** A lowercase fully qualified name of two or more labels, no wildcard (Route 53 and ACM both take it). */
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const ROUTE_PATH = /^\/[A-Za-z0-9._~\/-]{0,127}$/;

const SECRET_REF = "must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>[:<json-key>:<version-stage>:<version-id>]) or an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)";
const actions = (what: string) => z.union([z.string(), z.array(z.string())], says(`must be ${what} or a list of them`));
/** An IAM statement as the app's task role takes it; other IAM fields (Sid, Condition) pass through. */
const statementSchema = z.looseObject({
    Effect: oneOf(["Allow", "Deny"]),
    Action: actions("an IAM action"),
    Resource: actions("a resource ARN"),
}, says("must be an IAM statement with Effect, Action and Resource"));
const kmsKey = () => text(KMS_KEY_ARN, "must be a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)");
const exactName = (what: string) => text(/^[^*?\[\]\s]+$/, `must be an exact ${what} name, with no wildcard ("*", "?", "[") or space`);
const path = () => text(PATH, 'must be a path starting with "/"');

export const githubSchema = closed({
    repository: z.string(says('must be "owner/name"', 'is required, as "owner/name"'))
        .refine((r) => !r.includes("*"), { error: "must name exactly one repository, with no wildcard", abort: true })
        .regex(REPOSITORY, { error: 'must be "owner/name" (letters, digits, "-", and "." or "_" in the name)' })
        .meta({ description: "The GitHub repository whose workflows may deploy, as owner/name. No wildcards." }),
    deployBranches: listOf(exactName("branch"), "branch names").optional()
        .meta({ description: "Branches whose pushes may assume the deploy role.", default: DEFAULTS.github.deployBranches }),
    deployEnvironments: listOf(exactName("environment"), "environment names").optional()
        .meta({ description: "GitHub environments whose jobs may assume the deploy role.", default: DEFAULTS.github.deployEnvironments }),
    pullRequestPreview: bool().optional()
        .meta({ description: "Create a read-only role for `pulumi preview` on pull requests.", default: DEFAULTS.github.pullRequestPreview }),
    oidcProviderArn: text(OIDC_PROVIDER_ARN, "must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com").optional()
        .meta({ description: "Reuse the account's existing GitHub OIDC provider (there can be one per account) instead of creating one." }),
    retainProvider: bool().optional()
        .meta({ description: "Keep the created OIDC provider on destroy, for other stacks in the account.", default: DEFAULTS.github.retainProvider }),
    // AssumeRoleWithWebIdentity sessions last 1 to 12 hours. Source: IAM User Guide, "IAM role max session duration".
    maxSessionDuration: int(3600, 43200).optional()
        .meta({ description: "Longest deploy session, in seconds.", default: DEFAULTS.github.maxSessionDuration }),
}, "is required, with at least `repository: owner/name`").superRefine((g, ctx) => {
    if (!record(g)) return;
    const key = "ecs-ship:github";
    const count = (list: unknown, dflt: number) => (list === undefined ? dflt : Array.isArray(list) ? list.length : -1);
    if (count(g.deployBranches, 1) === 0 && count(g.deployEnvironments, 0) === 0) {
        problem(ctx, ["deployBranches"], `nothing could deploy: list at least one branch here or one environment in ${key}.deployEnvironments, got none`);
    }
    if (g.oidcProviderArn !== undefined && g.retainProvider !== undefined) {
        problem(ctx, ["retainProvider"], "Only one of `oidcProviderArn` or `retainProvider` can be provided (a reused provider is never deleted), got both");
    }
}, ALWAYS).meta({ description: "Which GitHub workflows may deploy and preview this stack." });

export const backendSchema = closed({
    stateBucket: text(BUCKET, 'must be an S3 bucket name (3-63 lowercase letters, digits, "." or "-")').optional()
        .meta({ description: "S3 bucket of the Pulumi state backend: the CI roles may read and write this stack's state in it." }),
    kmsKeyArn: kmsKey().optional()
        .meta({ description: "KMS key of the Pulumi secrets provider: the CI roles may use it." }),
}).meta({ description: "The Pulumi backend the CI roles may use. Omit for Pulumi Cloud." });

export const registrySchema = closed({
    forceDelete: bool().optional()
        .meta({ description: "Let `pulumi destroy` delete a repository that still holds images.", default: DEFAULTS.registry.forceDelete }),
    keepImages: int(1, 1000).optional()
        .meta({ description: "Newest tagged images the lifecycle policy keeps (rollback targets); untagged ones expire after a day.", default: DEFAULTS.registry.keepImages }),
    kmsKeyArn: kmsKey().optional()
        .meta({ description: "Encrypt images with this KMS key instead of AES256." }),
}).meta({ description: "The ECR repository each built service gets." });

export const networkSchema = closed({
    vpcId: text(VPC_ID, "must be a VPC id (vpc- followed by 8 or 17 hex digits)").optional()
        .meta({ description: "An existing VPC to use." }),
    publicSubnetIds: listOf(text(SUBNET_ID, "must be a subnet-… id"), "subnet-… ids").optional()
        .meta({ description: "Public subnets for the load balancer (at least 2, in different Availability Zones)." }),
    privateSubnetIds: listOf(text(SUBNET_ID, "must be a subnet-… id"), "subnet-… ids").optional()
        .meta({ description: "Private subnets (with a NAT route) for the tasks. Without them, tasks run in the public subnets with a public IP." }),
    create: bool().optional()
        .meta({ description: "Create a dedicated VPC instead of using an existing one.", default: DEFAULTS.network.create }),
    natStrategy: oneOf(NAT_STRATEGIES).optional()
        .meta({ description: "NAT gateways of a created VPC: None costs nothing; each gateway costs about $32/month plus data.", default: DEFAULTS.network.natStrategy }),
}).superRefine((n, ctx) => {
    if (!record(n)) return;
    const key = "ecs-ship:network";
    if (n.create === true) {
        if (n.vpcId !== undefined || n.publicSubnetIds !== undefined || n.privateSubnetIds !== undefined) {
            problem(ctx, ["create"], "Only one of `create` or `vpcId`/subnets can be provided, got both");
        }
        return;
    }
    for (const field of ["publicSubnetIds", "privateSubnetIds"] as const) {
        const ids = n[field];
        if (Array.isArray(ids) && new Set(ids).size !== ids.length) problem(ctx, [field], `must list each subnet once, got ${show(ids)}`);
    }
    // A subnet is public (routed to an internet gateway) or private (routed through NAT), not both: tasks
    // placed in it as private get no public IP, so with its internet-gateway route they could not pull their image.
    const both = Array.isArray(n.privateSubnetIds) && Array.isArray(n.publicSubnetIds) ? n.privateSubnetIds.filter((id) => (n.publicSubnetIds as unknown[]).includes(id)) : [];
    if (both.length > 0) problem(ctx, ["privateSubnetIds"], `must not repeat a subnet of ${key}.publicSubnetIds (a subnet is public or private, and tasks in a private one get no public IP), got ${show(both)} in both`);
    if (n.natStrategy !== undefined) problem(ctx, ["natStrategy"], `applies only with ${key}.create: true, got ${show(n.natStrategy)} without it`);
    if (n.vpcId === undefined) problem(ctx, ["vpcId"], `is required when ${key} is set (or set ${key}.create: true), got nothing`);
    if (n.publicSubnetIds === undefined || (Array.isArray(n.publicSubnetIds) && n.publicSubnetIds.length < 2)) {
        // An ALB needs subnets in at least two Availability Zones, and so does Express Mode.
        // Source: Elastic Load Balancing User Guide, "Application Load Balancers", Availability Zones and subnets.
        const given = Array.isArray(n.publicSubnetIds) ? n.publicSubnetIds.length : "none";
        problem(ctx, ["publicSubnetIds"], `must list at least 2 public subnets in different Availability Zones (the load balancer needs two), got ${given}`);
    }
}, ALWAYS).meta({ description: "Where services run. Default: the account's default VPC." });

export const imageSchema = closed({
    context: z.string({ error: "must be a folder path relative to the project" }).min(1, { error: "must be a folder path relative to the project" }).optional()
        .meta({ description: "Folder to build the image from, relative to the project. It must exist." }),
    dockerfile: z.string({ error: "must be a file path relative to `context`" }).min(1, { error: "must be a file path relative to `context`" }).optional()
        .meta({ description: "Dockerfile path, relative to `context`. It must exist.", default: DEFAULTS.image.dockerfile }),
    tag: text(COMMIT, "must be a commit SHA of 7 to 40 hexadecimal characters").optional()
        .meta({ description: "Commit to tag the image with (its first 7 characters). Default: GITHUB_SHA, else the checkout's HEAD." }),
    ref: text(DIGEST_REF, "must be pinned by digest, as <registry>/<repository>@sha256:<64 hex digits>").optional()
        .meta({ description: "A prebuilt image, pinned by digest. No repository is created and nothing is built." }),
}, "Either `context` or `ref` must be provided").superRefine((o, ctx) => {
    if (!record(o)) return;
    const hasContext = o.context !== undefined;
    const hasRef = o.ref !== undefined;
    if (hasContext && hasRef) problem(ctx, [], "Only one of `context` or `ref` can be provided, got both");
    else if (!hasContext && !hasRef) problem(ctx, [], "Either `context` or `ref` must be provided, got neither");
    else if (hasRef && (o.tag !== undefined || o.dockerfile !== undefined)) {
        problem(ctx, ["ref"], `a prebuilt image is not built, so \`tag\` and \`dockerfile\` do not apply, got ${show(Object.keys(o).filter((x) => x !== "ref").join(", "))}`);
    }
}, ALWAYS).meta({ description: "What the service runs: an image built from a folder, or a prebuilt image by digest." });

const metricOf = (s: unknown) => (record(s)?.metric === "requests" ? "requests" : "percent");

export const scalingSchema = closed({
    min: int(1, 1000).optional().meta({ description: "Fewest running tasks.", default: DEFAULTS.service.scaling.min }),
    max: int(1, 1000).optional().meta({ description: "Most running tasks.", default: DEFAULTS.service.scaling.max }),
    metric: oneOf(SCALING_METRICS as unknown as ["cpu", "memory", "requests"]).optional()
        .meta({ description: "What target tracking follows: cpu or memory percent, or load balancer requests per task.", default: DEFAULTS.service.scaling.metric }),
    target: z.number(says("must be an integer")).optional()
        .meta({ description: `Target value: percent (1-100) for cpu and memory (default ${SCALING_TARGET_DEFAULTS.cpu}); requests per task per minute for requests (default ${SCALING_TARGET_DEFAULTS.requests}).` }),
}).superRefine((o, ctx) => {
    if (!record(o)) return;
    const [lo, hi] = metricOf(o) === "requests" ? [1, 1_000_000] : [1, 100];
    if (typeof o.target === "number" && !(Number.isInteger(o.target) && o.target >= lo && o.target <= hi)) {
        problem(ctx, ["target"], `must be an integer from ${lo} to ${hi}, got ${show(o.target)}`);
    }
    if (Number.isInteger(o.min) && Number.isInteger(o.max) && (o.min as number) > (o.max as number)) {
        problem(ctx, ["min"], `must not exceed {parent}.max (${o.max}), got ${o.min}`);
    }
}, ALWAYS).meta({ description: "Target-tracking autoscaling; each field has its own default." });

export const alarmsSchema = closed({
    enabled: bool().optional()
        .meta({ description: "Create the alarms and let them roll a deployment back.", default: DEFAULTS.alarms.enabled }),
    http5xx: int(1, 1_000_000).optional()
        .meta({ description: "5xx responses from the service's tasks per minute (HTTPCode_Target_5XX_Count) that trip the alarm.", default: DEFAULTS.alarms.http5xx }),
    unhealthyHosts: int(1, 1000).optional()
        .meta({ description: "Unhealthy tasks behind the load balancer (UnHealthyHostCount, maximum per minute) that trip the alarm.", default: DEFAULTS.alarms.unhealthyHosts }),
    evaluationPeriods: int(1, 60).optional()
        .meta({ description: "Consecutive one-minute periods over the threshold before an alarm trips.", default: DEFAULTS.alarms.evaluationPeriods }),
    email: text(EMAIL, "must be an email address").optional()
        .meta({ description: "Send alarm state changes to this address (an SNS topic and subscription are created; the address must confirm it)." }),
    snsTopicArn: text(SNS_ARN, "must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)").optional()
        .meta({ description: "Send alarm state changes to this existing SNS topic." }),
}).superRefine((o, ctx) => {
    if (record(o) && o.email !== undefined && o.snsTopicArn !== undefined) problem(ctx, ["snsTopicArn"], "Only one of `email` or `snsTopicArn` can be provided, got both");
}, ALWAYS).meta({ description: "Fargate only: CloudWatch alarms on the target group's 5xx count and unhealthy tasks; a deployment that trips one is rolled back by ECS." });

export const serviceSchema = closed({
    mode: oneOf(SERVICE_MODES, "is required, one of express, fargate")
        .meta({ description: "express: ECS Express Mode (AWS runs the load balancer and HTTPS). fargate: ECS on Fargate behind a load balancer ecs-ship creates." }),
    image: imageSchema,
    port: int(1, 65535).optional().meta({ description: "Port the container listens on; the app also gets it as PORT.", default: DEFAULTS.service.port }),
    cpu: z.number(says(`must be one of ${Object.keys(FARGATE_CPU_MEMORY).join(", ")} (Fargate task sizes)`)).optional().meta({ description: "Task CPU units (1024 = 1 vCPU): a Fargate task size; Express allows 256 to 4096.", default: DEFAULTS.service.cpu }),
    memory: z.number(says("must be a number of MiB")).optional().meta({ description: "Task memory in MiB, valid for the cpu value; Express allows 512 to 8192.", default: DEFAULTS.service.memory }),
    architecture: oneOf(ARCHITECTURES as unknown as ["x86_64", "arm64"]).optional()
        .meta({ description: "CPU architecture of the image and tasks (arm64: Fargate only).", default: DEFAULTS.service.architecture }),
    healthCheckPath: path().optional().meta({ description: "Path the load balancer probes; must answer 200 when healthy.", default: DEFAULTS.service.healthCheckPath }),
    versionPath: path().optional()
        .meta({ description: "A path that answers with the deployed commit. When set, the deploy gate checks it; otherwise the gate needs nothing from the app." }),
    desiredCount: int(0, 1000).optional().meta({ description: "Tasks at first deploy; autoscaling moves it within scaling.", default: DEFAULTS.service.desiredCount }),
    scaling: scalingSchema.optional(),
    environment: mapOf(z.union([z.string(), z.number(), z.boolean()], { error: "must be a string, number or boolean" })).optional()
        .meta({ description: "Plain environment variables." }),
    secrets: mapOf(z.string(says(SECRET_REF))).optional()
        .meta({ description: "Variables read from Secrets Manager (full secret ARN, optionally with :json-key:version-stage:version-id) or SSM Parameter Store (parameter ARN). The execution role may read exactly these." }),
    secretsKmsKeyArn: kmsKey().optional().meta({ description: "Customer-managed KMS key that encrypts the secrets." }),
    taskPolicyStatements: listOf(statementSchema, "IAM policy statements").optional()
        .meta({ description: "IAM statements for the app itself; a task role exists only when this is set." }),
    spot: bool().optional().meta({ description: "Fargate only: run on Fargate Spot (about 70% cheaper, may be interrupted).", default: DEFAULTS.service.spot }),
    certificateArn: text(ACM_ARN, "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)").optional()
        .meta({ description: "Fargate only: ACM certificate for an HTTPS listener; HTTP then redirects to HTTPS." }),
    // Target group deregistration delay range. Source: ELB User Guide, "Target groups", deregistration_delay.timeout_seconds (0-3600).
    deregistrationDelay: int(0, 3600).optional().meta({ description: "Fargate only: seconds the load balancer drains a task.", default: DEFAULTS.service.deregistrationDelay }),
    healthCheckGracePeriod: int(0, 7200).optional()
        .meta({ description: "Fargate only: seconds ECS ignores failing health checks after a task starts.", default: DEFAULTS.service.healthCheckGracePeriod }),
    logRetentionDays: oneOfNumbers(LOG_RETENTION_DAYS, " (CloudWatch Logs retention values)").optional()
        .meta({ description: "Days CloudWatch Logs keeps the service's logs.", default: DEFAULTS.service.logRetentionDays }),
    domain: text(DOMAIN, "must be a lowercase domain name such as api.example.com, with no wildcard").optional()
        .meta({ description: "Fargate only: serve on this name over HTTPS. ecs-ship finds its Route 53 zone, creates a DNS-validated certificate (unless certificateArn is set), an alias A record, and redirects HTTP to HTTPS." }),
    hostedZone: text(DOMAIN, "must be a Route 53 hosted zone name such as example.com").optional()
        .meta({ description: "Fargate only: the public Route 53 zone that holds domain. Default: domain without its first label (api.example.com → example.com), or domain itself when it has two labels." }),
    hostedZoneId: text(ZONE_ID, "must be a Route 53 hosted zone id (Z followed by letters and digits)").optional()
        .meta({ description: "Fargate only: the zone's id, instead of looking it up by name." }),
    path: text(ROUTE_PATH, 'must be a path prefix such as /api (letters, digits, ".", "_", "~", "-" and "/", no wildcard)').optional()
        .meta({ description: "Fargate on a shared load balancer: the path prefix routed to this service (it and everything below it; the app sees the full path). Default: /<service> when the service has no domain, none when it has one." }),
    priority: int(1, 50000).optional()
        .meta({ description: "Fargate on a shared load balancer: the listener rule priority (lower is evaluated first). Default: a stable hash of the service name within a band by route, so host-and-path rules come before host-only or path-only rules, and those before the catch-all path /." }),
    alarms: alarmsSchema.optional(),
}).superRefine((s, ctx) => { if (record(s)) checkService(s as Record<string, unknown>, ctx); }, ALWAYS);

/** Rules that read several of a service's fields. Paths are relative to the service. */
function checkService(s: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const express = s.mode === "express";
    checkSize(s, express, ctx);
    const scaling = record(s.scaling) ?? {};
    const [min, max] = [scaling.min ?? DEFAULTS.service.scaling.min, scaling.max ?? DEFAULTS.service.scaling.max];
    const desired = s.desiredCount;
    if (Number.isInteger(desired) && Number.isInteger(min) && Number.isInteger(max) && (min as number) <= (max as number)
        && ((desired as number) < (min as number) || (desired as number) > (max as number))) {
        problem(ctx, ["desiredCount"], `must lie within scaling.min..scaling.max (${min}..${max}), got ${desired}`);
    }
    checkVariables(s, ctx);
    if (express && s.architecture === "arm64") {
        // The provider's ExpressGatewayService has no CPU architecture argument, so Express tasks run x86_64.
        // Source: @pulumi/aws ecs/expressGatewayService.d.ts (no runtimePlatform or cpuArchitecture input).
        problem(ctx, ["architecture"], 'Express Mode runs x86_64 tasks only; arm64 is allowed only with mode: fargate, got "arm64"');
    }
    if (express && s.spot === true) problem(ctx, ["spot"], "Express Mode has no Fargate Spot option; allowed only with mode: fargate, got true");
    if (express && s.certificateArn !== undefined) {
        problem(ctx, ["certificateArn"], `Express Mode provisions its own HTTPS certificate; allowed only with mode: fargate, got ${show(s.certificateArn)}`);
    }
    if (express && s.domain !== undefined) {
        // Express Mode serves on an AWS-provided domain with a certificate ECS manages; neither the API nor the
        // provider takes a custom domain. Sources: Amazon ECS API Reference, CreateExpressGatewayService (no domain
        // parameter) and ManagedCertificate ("the HTTPS domain created for the Express service"); @pulumi/aws
        // ecs/expressGatewayService.d.ts (no domain or certificate input).
        problem(ctx, ["domain"], `Express Mode serves only on the domain AWS gives it (https://<name>.ecs.<region>.on.aws) and takes no custom domain (Amazon ECS API Reference, CreateExpressGatewayService); use mode: fargate for a custom domain, got ${show(s.domain)}`);
    }
    for (const field of ["hostedZone", "hostedZoneId", "path", "priority", "alarms"]) {
        if (express && s[field] !== undefined) problem(ctx, [field], `applies only with mode: fargate (Express Mode runs its own load balancer and alarms), got ${show(s[field])}`);
    }
    if (!express && s.domain === undefined) {
        for (const field of ["hostedZone", "hostedZoneId"]) if (s[field] !== undefined) problem(ctx, [field], `applies only with this service's domain set, got ${show(s[field])} without it`);
    }
    if (s.hostedZone !== undefined && s.hostedZoneId !== undefined) problem(ctx, ["hostedZoneId"], "Only one of `hostedZone` or `hostedZoneId` can be provided, got both");
    if (typeof s.domain === "string" && typeof s.hostedZone === "string" && s.domain !== s.hostedZone && !s.domain.endsWith(`.${s.hostedZone}`)) {
        problem(ctx, ["hostedZone"], `must be ${show(s.domain)} or a parent of it, got ${show(s.hostedZone)}`);
    }
    for (const field of ["deregistrationDelay", "healthCheckGracePeriod"]) {
        if (express && s[field] !== undefined) problem(ctx, [field], `Express Mode manages its own load balancer; allowed only with mode: fargate, got ${show(s[field])}`);
    }
    // arm64 with Fargate Spot is allowed: "FARGATE_SPOT supports Linux tasks with the ARM64 architecture on
    // platform version 1.4.0 or later" (Amazon ECS API Reference, CapacityProviderStrategyItem); ecs-ship
    // runs LATEST, which is 1.4.0.
}

/** Fargate's cpu/memory table, and Express Mode's narrower limits. */
function checkSize(s: Record<string, unknown>, express: boolean, ctx: z.RefinementCtx): void {
    const cpu = s.cpu ?? DEFAULTS.service.cpu;
    const memory = s.memory ?? DEFAULTS.service.memory;
    if (typeof cpu !== "number" || typeof memory !== "number") return;
    if (express && !(EXPRESS_LIMITS.cpu as readonly number[]).includes(cpu)) {
        problem(ctx, ["cpu"], `must be one of ${EXPRESS_LIMITS.cpu.join(", ")} (Express Mode task sizes), got ${show(cpu)}`);
        return;
    }
    // Source: Amazon ECS Developer Guide, Fargate task size table (FARGATE_CPU_MEMORY).
    const allowed = FARGATE_CPU_MEMORY[cpu];
    if (!allowed) {
        problem(ctx, ["cpu"], `must be one of ${Object.keys(FARGATE_CPU_MEMORY).join(", ")} (Fargate task sizes), got ${show(cpu)}`);
    } else if (express && memory > EXPRESS_LIMITS.memory.max) {
        problem(ctx, ["memory"], `Express Mode allows ${EXPRESS_LIMITS.memory.min} to ${EXPRESS_LIMITS.memory.max} MiB, got ${show(memory)}`);
    } else if (!allowed.includes(memory)) {
        problem(ctx, ["memory"], `with cpu ${cpu}, Fargate accepts ${describeMemoryFor(cpu)} MiB, got ${show(memory)}`);
    }
}

/** Secret references, and variables that come from two places or contradict `port`. */
function checkVariables(s: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const environment = record(s.environment) ?? {};
    const secrets = record(s.secrets) ?? {};
    for (const [n, ref] of Object.entries(secrets)) {
        if (!ENV_NAME.test(n)) continue;
        if (typeof ref === "string" && isPartialSecretArn(ref)) {
            problem(ctx, ["secrets", n], `must be the secret's full ARN, which ends in "-" and the 6 characters Secrets Manager adds to the name (…:secret:prod/db-AbCdEf; see \`aws secretsmanager describe-secret\`), got ${show(ref)}`);
        } else if (typeof ref === "string" && !secretKind(ref)) {
            problem(ctx, ["secrets", n], `${SECRET_REF}, got ${show(ref)}`);
        }
        if (n in environment) problem(ctx, ["secrets", n], "is also set in {service}.environment; a variable may come from one place only");
    }
    for (const n of [...Object.keys(environment), ...Object.keys(secrets)]) {
        if (!ENV_NAME.test(n)) problem(ctx, [n in environment ? "environment" : "secrets", n], `variable name must be letters, digits and "_", not starting with a digit, got ${show(n)}`);
    }
    const port = s.port ?? DEFAULTS.service.port;
    if ("PORT" in secrets) problem(ctx, ["secrets", "PORT"], `PORT is set from port (${port}); remove it from secrets, got ${show(secrets.PORT)}`);
    if ("PORT" in environment && String(environment.PORT) !== String(port)) {
        problem(ctx, ["environment", "PORT"], `must equal port (${port}), since the load balancer sends traffic to port; set port instead, got ${show(environment.PORT)}`);
    }
}

export const servicesSchema = mapOf(serviceSchema, "is required: define at least one service, for example `web: { mode: express }`").superRefine((o, ctx) => {
    if (!record(o)) return;
    if (Object.keys(o).length === 0) problem(ctx, [], "must define at least one service, got none");
    for (const name of Object.keys(o)) {
        if (!DNS_LABEL.test(name)) {
            problem(ctx, [name], `service name must be a lowercase DNS label (a-z, 0-9 and "-", starting with a letter, at most 63 characters), got ${show(name)}`);
        } else if (RESERVED_SERVICE_NAMES.includes(name)) {
            problem(ctx, [name], `service name is reserved for the stack's own ${name === "github" ? "GitHub trust" : name} resources (the deploy role may not touch ecs-ship-<stack>-${name}-*); choose another, got ${show(name)}`);
        }
    }
}, ALWAYS).meta({ description: "The stack's services, by name (a lowercase DNS label). Every service takes the same settings in either mode." });

/** Every `ecs-ship:` key of a stack file, and `aws:region`. */
const stackShape = {
    region: z.enum(AWS_REGIONS, { error: (iss) => {
        if (iss.input === undefined) return "is required (for example us-east-1)";
        const partition = typeof iss.input === "string" ? partitionOf(iss.input) : undefined;
        return partition
            ? `must be a Region of the aws partition; ${iss.input} is in ${partition}, where the managed policy ARNs ecs-ship attaches (arn:aws:iam::aws:policy/…) do not exist`
            : `must be one of ${AWS_REGIONS.join(", ")} (AWS Regions)`;
    } }).meta({ description: "The AWS Region the stack deploys to (a Region of the aws partition)." }),
    github: githubSchema,
    backend: backendSchema.optional(),
    registry: registrySchema.optional(),
    network: networkSchema.optional(),
    containerInsights: bool().optional()
        .meta({ description: "CloudWatch Container Insights on the stack's cluster (billed per metric).", default: DEFAULTS.containerInsights }),
    loadBalancer: closed({
        shared: bool().optional()
            .meta({ description: "Put every Fargate service behind one load balancer with a rule each (by domain or path). Default: shared when the stack has two or more Fargate services; false gives each its own." }),
    }).optional().meta({ description: "The Fargate services' load balancer." }),
    services: servicesSchema,
};

/** The `ecs-ship:` keys, as the schema declares them (`region` is the provider's `aws:region`). */
export const CONFIG_KEYS = Object.keys(stackShape).filter((k) => k !== "region");

export const stackSchema = z.strictObject(stackShape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? `allowed keys are ${CONFIG_KEYS.join(", ")}` : undefined),
}).superRefine((o, ctx) => {
    checkFrontDoor(o as Record<string, unknown>, ctx);
    // ACM certificates are regional: a load balancer can use only a certificate of its own Region.
    // Source: AWS Certificate Manager User Guide, "Supported Regions" (https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html).
    const region = o.region;
    for (const [name, svc] of Object.entries(record(o.services) ?? {})) {
        const arn = record(svc)?.certificateArn;
        const certRegion = typeof arn === "string" ? arn.split(":")[3] : undefined;
        if (typeof region === "string" && certRegion !== undefined && ACM_ARN.test(arn as string) && certRegion !== region && record(svc)?.mode !== "express") {
            problem(ctx, ["services", name, "certificateArn"], `must be a certificate in the stack's region (${region}): ACM certificates are regional, and a load balancer uses only its own Region's; got ${show(arn)}, in ${certRegion}`);
        }
    }
}, ALWAYS);

/** Routing on the shared load balancer: `path` and `priority` need one, and no two services may share a priority or a route. */
function checkFrontDoor(o: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const fargate = Object.entries(record(o.services) ?? {}).filter(([, v]) => record(v)?.mode === "fargate") as [string, Record<string, unknown>][];
    const shared = sharesLoadBalancer(fargate.length, record(o.loadBalancer)?.shared as boolean | undefined);
    checkSharedDomains(fargate, shared, ctx);
    if (!shared) {
        for (const [name, svc] of fargate) {
            for (const field of ["path", "priority"]) {
                if (svc[field] !== undefined) problem(ctx, ["services", name, field], `applies only on a shared load balancer (ecs-ship:loadBalancer.shared, the default with two or more Fargate services); this service has its own, got ${show(svc[field])}`);
            }
        }
        return;
    }
    const routes = routesOf(fargate.map(([name, svc]) => ({
        name, domain: typeof svc.domain === "string" ? svc.domain : undefined, path: typeof svc.path === "string" ? svc.path : undefined,
        priority: Number.isInteger(svc.priority) ? svc.priority as number : undefined,
    })));
    for (const [priority, names] of priorityCollisions(Object.fromEntries(Object.entries(routes).map(([n, r]) => [n, r.priority])))) {
        problem(ctx, ["services", names[1], "priority"], `must differ from the rule priority of ${names[0]} on the shared load balancer; set \`priority\` (1-50000) on one of ${names.join(", ")}, got ${priority} for both`);
    }
    for (const names of routeCollisions(routes)) {
        problem(ctx, ["services", names[1], "path"], `routes the same requests as ${names[0]} on the shared load balancer; give each its own domain or path, got the same for ${names.join(", ")}`);
    }
}

/**
 * Services on one domain (a site on `/`, its API on `/api`) share the domain's certificate, zone and
 * alias record, so they must sit on the shared load balancer and agree on them.
 */
function checkSharedDomains(fargate: [string, Record<string, unknown>][], shared: boolean, ctx: z.RefinementCtx): void {
    const byDomain = new Map<string, [string, Record<string, unknown>][]>();
    for (const [name, svc] of fargate) {
        if (typeof svc.domain === "string") byDomain.set(svc.domain, [...(byDomain.get(svc.domain) ?? []), [name, svc]]);
    }
    for (const [domain, owners] of byDomain) {
        const [[first, firstSvc], ...rest] = owners.sort(([a], [b]) => a.localeCompare(b));
        for (const [name, svc] of rest) {
            if (!shared) {
                problem(ctx, ["services", name, "domain"], `is also ${first}'s; services share a domain only on the shared load balancer (ecs-ship:loadBalancer.shared: true), each on its own path; got ${show(domain)} for both`);
                continue;
            }
            for (const field of ["certificateArn", "hostedZone", "hostedZoneId"]) {
                if (svc[field] !== firstSvc[field]) problem(ctx, ["services", name, field], `must equal services.${first}.${field}: both serve ${domain}, which has one certificate and one zone; got ${show(svc[field])}, and ${show(firstSvc[field])} on ${first}`);
            }
        }
    }
}

export type StackValues = z.output<typeof stackSchema>;
export type ServiceValues = z.output<typeof serviceSchema>;
export type GithubValues = z.output<typeof githubSchema>;
export type NetworkValues = z.output<typeof networkSchema>;
export type ImageValues = z.output<typeof imageSchema>;
