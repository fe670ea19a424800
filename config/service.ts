// The schema of one service (`ecs-ship:services.<name>`), the same in both modes, and its cross-field
// rules: sizes, variables and secrets, and what applies only to one mode.
import { z } from "zod";
import {
    ARCHITECTURES, FARGATE_CPU_MEMORY, LOG_RETENTION_DAYS, SCALING_METRICS, SCALING_TARGET_DEFAULTS, describeMemoryFor, isPartialSecretArn, secretKind,
} from "../components/service/serviceArgs";
import { DIGEST_REF } from "../components/registry/registryPolicies";
import { DEFAULTS } from "./defaults";
import { ALWAYS, bool, closed, int, listOf, mapOf, oneOf, oneOfNumbers, problem, record, says, show, text } from "./rules";
import { EXPRESS_DEPLOYMENT_ERROR, deploymentSchema } from "./deployment";
import { checkRelease, releaseSchema } from "./release";
import { checkSidecars, sidecarsSchema } from "./sidecars";
import { checkWorker, queueScalingFields, workerFields } from "./worker";
import { ACM_ARN, COMMIT, STACK_NAME, DNS_LABEL, DOMAIN, EMAIL, ENV_NAME, ROUTE_PATH, SECRET_REF, SNS_ARN, ZONE_ID, kmsKey, path, statementSchema } from "./patterns";

export const SERVICE_MODES = ["express", "fargate"] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];
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

export const imageSchema = closed({
    context: z.string({ error: "must be a folder path relative to the project" }).min(1, { error: "must be a folder path relative to the project" }).optional()
        .meta({ description: "Folder to build the image from, relative to the project. It must exist." }),
    dockerfile: z.string({ error: "must be a file path relative to `context`" }).min(1, { error: "must be a file path relative to `context`" }).optional()
        .meta({ description: "Dockerfile path, relative to `context`. It must exist.", default: DEFAULTS.image.dockerfile }),
    tag: text(COMMIT, "must be a commit SHA of 7 to 40 hexadecimal characters").optional()
        .meta({ description: "Commit to tag the image with (its first 7 characters). Default: GITHUB_SHA, else the checkout's HEAD." }),
    ref: text(DIGEST_REF, "must be pinned by digest, as <registry>/<repository>@sha256:<64 hex digits>").optional()
        .meta({ description: "A prebuilt image, pinned by digest. No repository is created and nothing is built." }),
    from: text(STACK_NAME, "must be the name of the stack whose image this service runs (a lowercase letter, then up to 19 lowercase letters, digits or \"-\")").optional()
        .meta({ description: "Run the image this service's namesake in that earlier stack built (one build, promoted): the deploy workflow passes the digest that stack deployed, and nothing is built or stored here. That stack lists this one in its `ecs-ship:registry.promoteTo` (docs/promotion.md)." }),
}, "Either `context`, `ref` or `from` must be provided").superRefine((o, ctx) => {
    if (!record(o)) return;
    const given = IMAGE_SOURCES.filter((k) => o[k] !== undefined);
    if (given.length > 1) problem(ctx, [], `Only one of \`context\`, \`ref\` or \`from\` can be provided, got ${given.join(" and ")}`);
    else if (given.length === 0) problem(ctx, [], "Either `context`, `ref` or `from` must be provided, got neither");
    else if (given[0] !== "context" && (o.tag !== undefined || o.dockerfile !== undefined)) {
        const what = given[0] === "ref" ? "a prebuilt image" : "a promoted image";
        problem(ctx, [given[0]], `${what} is not built, so \`tag\` and \`dockerfile\` do not apply, got ${show(Object.keys(o).filter((x) => x !== given[0]).join(", "))}`);
    }
}, ALWAYS).meta({ description: "What the service runs: an image built from a folder, a prebuilt image by digest, or the image an earlier stack built." });

/** The image keys that say where an image comes from; exactly one is given. */
const IMAGE_SOURCES = ["context", "ref", "from"] as const;

const metricOf = (s: unknown) => (record(s)?.metric === "requests" || record(s)?.metric === "queue" ? "count" : "percent");

export const scalingSchema = closed({
    min: int(1, 1000).optional().meta({ description: "Fewest running tasks.", default: DEFAULTS.service.scaling.min }),
    max: int(1, 1000).optional().meta({ description: "Most running tasks.", default: DEFAULTS.service.scaling.max }),
    metric: oneOf([...SCALING_METRICS, "queue"] as unknown as ["cpu", "memory", "requests", "queue"]).optional()
        .meta({ description: "What target tracking follows: cpu or memory percent, load balancer requests per task, or (workers) an SQS queue's backlog per task.", default: DEFAULTS.service.scaling.metric }),
    target: z.number(says("must be an integer")).optional()
        .meta({ description: `Target value: percent (1-100) for cpu and memory (default ${SCALING_TARGET_DEFAULTS.cpu}); requests per task per minute for requests (default ${SCALING_TARGET_DEFAULTS.requests}); messages waiting per task for queue (required).` }),
    ...queueScalingFields,
}).superRefine((o, ctx) => {
    if (!record(o)) return;
    const [lo, hi] = metricOf(o) === "count" ? [1, 1_000_000] : [1, 100];
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
    healthCheckPath: path().optional().meta({ description: "Path the load balancer probes and the deploy gate requests; must answer 200 when healthy. Behind a path prefix on the shared load balancer it must lie under the prefix, and defaults to <prefix>/health.", default: DEFAULTS.service.healthCheckPath }),
    versionPath: path().optional()
        .meta({ description: "A path that answers with the deployed commit. When set, the deploy gate checks it; otherwise the gate needs nothing from the app. Behind a path prefix on the shared load balancer it must lie under the prefix." }),
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
    deployment: deploymentSchema.optional(),
    release: releaseSchema.optional(),
    sidecars: sidecarsSchema.optional(),
    ...workerFields,
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
    checkRelease(s, ctx);
    checkWorker(s, ctx);
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
    if (express && s.deployment !== undefined) problem(ctx, ["deployment"], `${EXPRESS_DEPLOYMENT_ERROR}, got ${show(s.deployment)}`);
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
        if (record(o[name])) checkSidecars(name, o[name] as Record<string, unknown>, ctx);
    }
}, ALWAYS).meta({ description: "The stack's services, by name (a lowercase DNS label). Every service takes the same settings in either mode." });
