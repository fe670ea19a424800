// The post-deploy gate behind `npm run verify`: what it checks, in order, for every service in the
// stack outputs, with every effect (ECS client, fetch, clock, log) injected so tests drive it directly.
// tools/verify/index.ts is the CLI; tools/verify/verifyEcs.ts and tools/verify/verifyHttp.ts hold the checks.
//
// The gate needs nothing from the app beyond the health path the load balancer already probes:
//   1. ECS: the service deployment this `pulumi up` started (the newest one created at or after --since,
//      every page read) reaches SUCCESSFUL. ROLLBACK_* and STOP* fail at once.
//   0. a promoted service (stack output promotedFrom) deployed exactly its source stack's digest (tools/verify/verifyPromotion.ts);
//   2. ECS: what serves is exactly the image digest this run pushed or pinned (stack output imageDigest):
//      every Fargate task definition that still has running tasks, every Express active configuration.
//   3. HTTP (web services only; a worker, `kind: worker`, has no port and is judged by 1 and 2): GET <healthCheckPath> on the url's host answers 200; then, only when the stack sets versionPath,
//      GET <versionPath> there reports the expected commit. (The paths are the app's own, from its host's
//      root: behind a path prefix they already include it, and the url ends in it.)
// All polling shares one deadline, with exponential backoff.
//
// Exit codes (docs/ci-cd.md, "The deploy gate"):
//   0 every service passed
//   1 an unexpected error (for example an AWS API error): no verdict on the rollout
//   2 bad input: arguments, stack outputs, or the expected SHA
//   3 ECS rolled the deployment back or stopped it (or the Express service is draining/inactive)
//   4 deadline reached before a service finished rolling out or answered healthy
//   5 healthy, but the version endpoint never reported the expected commit
//   6 ECS serves another image digest than the one this run deployed
import { EXIT, GateDeps, GateFailure, Retry, ServiceTarget, describe, digestOf, isRecord } from "./verifyCore";
import { checkImage, checkRollout } from "./verifyEcs";
import { checkHttp } from "./verifyHttp";
import { parseDeploymentOutput, strategyBudgetSeconds } from "./verifyDeployment";
import { checkPromoted } from "./verifyPromotion";

export * from "./verifyCore";
export { versionMatches } from "./verifyHttp";

export interface GateOptions {
    stack: string;
    /** Parsed `pulumi stack output --json`. */
    outputs: unknown;
    /** When `pulumi up` started: the deployment it started is the newest created at or after this time. */
    since: Date;
    /** Commit the version endpoint must report; needed only when a service sets versionPath. */
    expectedSha?: string;
    /** The images promoted services must have deployed, by service (ECS_SHIP_PROMOTED_IMAGES). */
    promoted?: Record<string, string>;
    /** @default 600 */
    deadlineSeconds?: number;
    /** First retry delay; doubles each attempt up to maxDelayMs. @default 2000 */
    initialDelayMs?: number;
    /** @default 30000 */
    maxDelayMs?: number;
    /** Timeout of one HTTP request. @default 10000 */
    requestTimeoutMs?: number;
}

// Service ARN, long format: arn:<partition>:ecs:<region>:<account>:service/<cluster>/<name>
// (Amazon ECS Developer Guide, "Amazon Resource Names (ARNs) and IDs"; Express services use the
// same format, e.g. `aws ecs monitor-express-gateway-service --service-arn arn:aws:ecs:...:service/my-cluster/...`).
const SERVICE_ARN = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):service\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]+$/;
const HEX_SHA = /^[0-9a-f]{7,40}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const PATH = /^\/[\x21-\x7e]{0,1023}$/;

/** Normalizes and validates the expected commit: 7 to 40 hex characters. */
export function parseExpectedSha(raw: string | undefined): string {
    const sha = (raw ?? "").trim().toLowerCase();
    if (!HEX_SHA.test(sha)) {
        throw new GateFailure(EXIT.badInput, `--sha: must be a commit SHA of 7 to 40 hex characters (or set GITHUB_SHA), got ${JSON.stringify(raw ?? "")}`);
    }
    return sha;
}

/**
 * Reads the services from `pulumi stack output --json`: `services` is a map of name -> service, or an
 * array of services carrying `name`. Every problem is reported at once, with exit code 2.
 */
export function parseServices(outputs: unknown, stack: string): ServiceTarget[] {
    if (!isRecord(outputs)) {
        throw new GateFailure(EXIT.badInput, `stack outputs: must be the JSON object printed by \`pulumi stack output --json\`, got ${describe(outputs)}`);
    }
    if (typeof outputs.stack === "string" && outputs.stack !== stack) {
        throw new GateFailure(EXIT.badInput, `stack outputs: belong to stack "${outputs.stack}", but --stack is "${stack}"`);
    }
    const raw = outputs.services;
    let entries: Array<[string, unknown]>;
    if (Array.isArray(raw)) {
        entries = raw.map((s, i) => [isRecord(s) && typeof s.name === "string" ? s.name : String(i), s]);
    } else if (isRecord(raw)) {
        entries = Object.entries(raw);
    } else {
        throw new GateFailure(EXIT.badInput, `stack outputs: "services" must be an object of name -> { mode, url, serviceArn, imageDigest, healthCheckPath }, got ${describe(raw)}`);
    }
    if (entries.length === 0) throw new GateFailure(EXIT.badInput, `stack outputs: "services" lists no service`);
    const problems: string[] = [];
    const targets: ServiceTarget[] = [];
    for (const [name, svc] of entries) {
        const target = parseService(`services.${name}`, name, svc, problems);
        if (target) targets.push(target);
    }
    if (problems.length > 0) throw new GateFailure(EXIT.badInput, `stack outputs: ${problems.join("; ")}`);
    return targets;
}

function parseService(key: string, name: string, svc: unknown, problems: string[]): ServiceTarget | undefined {
    if (!isRecord(svc)) {
        problems.push(`${key}: must be an object, got ${describe(svc)}`);
        return undefined;
    }
    const before = problems.length;
    if (svc.mode !== "express" && svc.mode !== "fargate") problems.push(`${key}.mode: must be "express" or "fargate", got ${describe(svc.mode)}`);
    if (svc.kind !== undefined && svc.kind !== "web" && svc.kind !== "worker") problems.push(`${key}.kind: must be "web" or "worker" when given, got ${describe(svc.kind)}`);
    // A worker has no port, URL or health check: only its deployment and running image are checked.
    const worker = svc.kind === "worker";
    const url = worker ? "" : typeof svc.url === "string" ? svc.url.trim().replace(/\/+$/, "") : undefined;
    if (!worker && (!url || !/^https?:\/\/[^\s/]+/.test(url))) problems.push(`${key}.url: must be an http(s) URL, got ${describe(svc.url)}`);
    const arn = typeof svc.serviceArn === "string" ? SERVICE_ARN.exec(svc.serviceArn) : null;
    if (!arn) problems.push(`${key}.serviceArn: must be an ECS service ARN (arn:aws:ecs:<region>:<account>:service/<cluster>/<name>), got ${describe(svc.serviceArn)}`);
    if (svc.clusterArn !== undefined && (typeof svc.clusterArn !== "string" || !CLUSTER_ARN.test(svc.clusterArn))) {
        problems.push(`${key}.clusterArn: must be an ECS cluster ARN when given, got ${describe(svc.clusterArn)}`);
    }
    // imageDigest is exported by ecs-ship; outputs of an older program carry only imageRef (<repo>@sha256:...).
    const imageDigest = typeof svc.imageDigest === "string" && DIGEST.test(svc.imageDigest) ? svc.imageDigest : svc.imageDigest === undefined ? digestOf(svc.imageRef) : undefined;
    if (!imageDigest) problems.push(`${key}.imageDigest: must be an image digest (sha256:<64 hex digits>), got ${describe(svc.imageDigest ?? svc.imageRef)}`);
    if (!worker && (typeof svc.healthCheckPath !== "string" || !PATH.test(svc.healthCheckPath))) {
        problems.push(`${key}.healthCheckPath: must be a path starting with "/", got ${describe(svc.healthCheckPath)}`);
    }
    if (svc.versionPath !== undefined && svc.versionPath !== null && (typeof svc.versionPath !== "string" || !PATH.test(svc.versionPath))) {
        problems.push(`${key}.versionPath: must be a path starting with "/" when given, got ${describe(svc.versionPath)}`);
    }
    const deployment = parseDeploymentOutput(key, svc.deployment, problems);
    if (problems.length > before || !arn || url === undefined || !imageDigest) return undefined;
    return {
        name,
        mode: svc.mode as ServiceTarget["mode"],
        ...(worker ? { kind: "worker" as const } : {}),
        url,
        serviceArn: svc.serviceArn as string,
        cluster: typeof svc.clusterArn === "string" ? svc.clusterArn : arn[3],
        region: arn[1],
        imageDigest,
        healthCheckPath: worker ? "" : svc.healthCheckPath as string,
        versionPath: typeof svc.versionPath === "string" ? svc.versionPath : undefined,
        logGroupName: typeof svc.logGroupName === "string" ? svc.logGroupName : undefined,
        ...(deployment ? { deployment } : {}),
        ...(typeof svc.promotedFrom === "string" ? { promotedFrom: svc.promotedFrom } : {}),
        ...(isRecord(svc.release) && Array.isArray(svc.release.command) && svc.release.command.every((c) => typeof c === "string") ? { release: svc.release.command as string[] } : {}),
    };
}

/** Runs every check for every service, in order, under one deadline. */
export async function runGate(options: GateOptions, deps: GateDeps): Promise<void> {
    const targets = parseServices(options.outputs, options.stack);
    if (!(options.since instanceof Date) || Number.isNaN(options.since.getTime())) {
        throw new GateFailure(EXIT.badInput, `--since: must be the time \`pulumi up\` started, got ${describe(String(options.since))}`);
    }
    // The commit matters only to a version endpoint; an app without one is judged by its image digest.
    const expectedSha = targets.some((t) => t.versionPath) ? parseExpectedSha(options.expectedSha) : undefined;
    // A promoted service must have deployed its source's digest; ECS's check below proves it serves.
    checkPromoted(targets, options.promoted, deps.log);
    // The budget follows the strategies: a canary's bakes or a linear rollout's steps are waits by design.
    const deadlineSeconds = (options.deadlineSeconds ?? 600) + strategyBudgetSeconds(targets.map((t) => t.deployment));
    const deadlineAt = deps.clock.now() + deadlineSeconds * 1000;
    const retry = new Retry(deps.clock, options.initialDelayMs ?? 2000, options.maxDelayMs ?? 30000);
    deps.log(`verify ${options.stack}: ${targets.length} service(s), deployments since ${options.since.toISOString()}, deadline ${deadlineSeconds}s`);
    for (const target of targets) {
        const deploymentArn = await checkRollout(target, options.since, deps, deadlineAt, retry);
        await checkImage(target, deploymentArn, deps, deadlineAt, retry);
        if (target.kind === "worker") deps.log(`${target.name} (worker): no port and no load balancer, so no HTTP probe; its deployment and image decide`);
        else await checkHttp(target, expectedSha, deps, deadlineAt, retry, options.requestTimeoutMs ?? 10000);
    }
}

