// The post-deploy gate behind `npm run verify`: pure parsing and checking, with every effect
// (ECS client, fetch, clock, log) injected so tests drive it directly. tools/verify.ts is the CLI.
//
// What "deployed" means here:
//   1. ECS: the service's latest service deployment reaches SUCCESSFUL. ROLLBACK_* and STOP* statuses
//      fail at once, naming the deployment ARN and its status reason; PENDING and IN_PROGRESS are polled.
//   2. HTTP: GET <url>/health answers 200 and GET <url>/version reports the expected commit.
// Both are retried with exponential backoff until one shared deadline.
//
// Exit codes (also in README "CI/CD"):
//   0 every service passed
//   1 an unexpected error (for example an AWS API error): no verdict on the rollout
//   2 bad input: arguments, stack outputs, or the expected SHA
//   3 ECS rolled the deployment back or stopped it (or the Express service is draining/inactive)
//   4 deadline reached before a service was healthy
//   5 a service answered healthy, but /version never reported the expected commit
import {
    DescribeExpressGatewayServiceCommand,
    DescribeServiceDeploymentsCommand,
    ECSClient,
    ListServiceDeploymentsCommand,
    ServiceDeploymentBrief,
} from "@aws-sdk/client-ecs";

export const EXIT = { ok: 0, error: 1, badInput: 2, rolledBack: 3, timeout: 4, versionMismatch: 5 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure with the exit code it maps to and a one-line reason. */
export class GateFailure extends Error {
    constructor(readonly code: ExitCode, message: string) {
        super(message);
        this.name = "GateFailure";
    }
}

/** One service to check, as read from the stack outputs. */
export interface ServiceTarget {
    name: string;
    mode: "express" | "fargate";
    /** Base URL without a trailing slash. */
    url: string;
    serviceArn: string;
    /** Cluster name or ARN for ListServiceDeployments; derived from the service ARN when not exported. */
    cluster: string;
    region: string;
}

export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface GateDeps {
    /** An ECS client for a region (the region comes from each service ARN). */
    ecs(region: string): ECSClient;
    fetch: typeof fetch;
    clock: Clock;
    log(line: string): void;
}

export interface GateOptions {
    stack: string;
    /** Parsed `pulumi stack output --json`. */
    outputs: unknown;
    expectedSha: string;
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

/** Normalizes and validates the expected commit: 7 to 40 hex characters. */
export function parseExpectedSha(raw: string | undefined): string {
    const sha = (raw ?? "").trim().toLowerCase();
    if (!HEX_SHA.test(sha)) {
        throw new GateFailure(EXIT.badInput, `--sha: must be a commit SHA of 7 to 40 hex characters (or set GITHUB_SHA), got ${JSON.stringify(raw ?? "")}`);
    }
    return sha;
}

/**
 * The image tag is the first 7 hex characters of GITHUB_SHA, and APP_VERSION may be either that tag or
 * the full SHA. So two versions match when both are hex commits of at least 7 characters and the
 * shorter one is a prefix of the longer one (case-insensitive).
 */
export function versionMatches(expected: string, served: unknown): boolean {
    if (typeof served !== "string") return false;
    const a = expected.trim().toLowerCase();
    const b = served.trim().toLowerCase();
    if (!HEX_SHA.test(a) || !HEX_SHA.test(b)) return false;
    return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
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
        throw new GateFailure(EXIT.badInput, `stack outputs: "services" must be an object of name -> { mode, url, serviceArn }, got ${describe(raw)}`);
    }
    if (entries.length === 0) {
        throw new GateFailure(EXIT.badInput, `stack outputs: "services" lists no service`);
    }
    const problems: string[] = [];
    const targets: ServiceTarget[] = [];
    for (const [name, svc] of entries) {
        const key = `services.${name}`;
        if (!isRecord(svc)) {
            problems.push(`${key}: must be an object, got ${describe(svc)}`);
            continue;
        }
        const before = problems.length;
        if (svc.mode !== "express" && svc.mode !== "fargate") problems.push(`${key}.mode: must be "express" or "fargate", got ${describe(svc.mode)}`);
        const url = typeof svc.url === "string" ? svc.url.trim().replace(/\/+$/, "") : undefined;
        if (!url || !/^https?:\/\/[^\s/]+/.test(url)) problems.push(`${key}.url: must be an http(s) URL, got ${describe(svc.url)}`);
        const arn = typeof svc.serviceArn === "string" ? SERVICE_ARN.exec(svc.serviceArn) : null;
        if (!arn) problems.push(`${key}.serviceArn: must be an ECS service ARN (arn:aws:ecs:<region>:<account>:service/<cluster>/<name>), got ${describe(svc.serviceArn)}`);
        if (svc.clusterArn !== undefined && (typeof svc.clusterArn !== "string" || !CLUSTER_ARN.test(svc.clusterArn))) {
            problems.push(`${key}.clusterArn: must be an ECS cluster ARN when given, got ${describe(svc.clusterArn)}`);
        }
        if (problems.length > before || !arn || !url) continue;
        targets.push({
            name,
            mode: svc.mode as ServiceTarget["mode"],
            url,
            serviceArn: svc.serviceArn as string,
            cluster: typeof svc.clusterArn === "string" ? svc.clusterArn : arn[3],
            region: arn[1],
        });
    }
    if (problems.length > 0) throw new GateFailure(EXIT.badInput, `stack outputs: ${problems.join("; ")}`);
    return targets;
}

// ServiceDeployment statuses (Amazon ECS API Reference, ServiceDeployment; Developer Guide,
// "View service history using Amazon ECS service deployments": SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL
// and ROLLBACK_FAILED are completed; IN_PROGRESS, STOP_REQUESTED, ROLLBACK_IN_PROGRESS are ongoing).
// Once a rollback or stop is requested the new revision will not serve, so those fail without waiting.
const FAILED_STATUSES = new Set(["ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED", "STOP_REQUESTED", "STOPPED"]);

/** Waits until the service's latest service deployment is SUCCESSFUL. */
export async function checkRollout(target: ServiceTarget, deps: GateDeps, deadlineAt: number, retry: Retry): Promise<void> {
    const ecs = deps.ecs(target.region);
    const label = `${target.name} (${target.mode})`;
    for (let attempt = 0; ; attempt++) {
        if (target.mode === "express") await checkExpressStatus(ecs, target, label);
        // Express services are ECS services too: their rollouts are listed by ListServiceDeployments on the
        // Express service ARN, as AWS's own aws-actions/amazon-ecs-deploy-express-service does
        // (index.js, waitForServiceStable: ListServiceDeployments, then DescribeServiceDeployments).
        const listed = await ecs.send(new ListServiceDeploymentsCommand({ service: target.serviceArn, cluster: target.cluster }));
        const latest = latestDeployment(listed.serviceDeployments ?? []);
        let state = "no service deployment listed yet";
        if (latest?.serviceDeploymentArn) {
            const described = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [latest.serviceDeploymentArn] }));
            const deployment = described.serviceDeployments?.[0];
            const status = deployment?.status ?? latest.status ?? "UNKNOWN";
            if (status === "SUCCESSFUL") {
                deps.log(`${label}: service deployment ${latest.serviceDeploymentArn} is SUCCESSFUL`);
                return;
            }
            if (FAILED_STATUSES.has(status)) {
                const reason = deployment?.statusReason ?? latest.statusReason ?? deployment?.rollback?.reason ?? "no status reason given";
                throw new GateFailure(EXIT.rolledBack, `${label}: service deployment ${latest.serviceDeploymentArn} is ${status}: ${reason}`);
            }
            state = `service deployment ${latest.serviceDeploymentArn} is ${status}`;
        }
        await retry.wait(attempt, deadlineAt, () => new GateFailure(EXIT.timeout, `${label}: deadline reached while ${state}`), (delay) => deps.log(`${label}: ${state}; polling again in ${seconds(delay)}`));
    }
}

async function checkExpressStatus(ecs: ECSClient, target: ServiceTarget, label: string): Promise<void> {
    const out = await ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn: target.serviceArn }));
    const status = out.service?.status;
    if (status?.statusCode === "DRAINING" || status?.statusCode === "INACTIVE") {
        throw new GateFailure(EXIT.rolledBack, `${label}: Express service ${target.serviceArn} is ${status.statusCode}: ${status.statusReason ?? "no status reason given"}`);
    }
}

/** The most recently created deployment; the list's order is not documented, so sort by time. */
function latestDeployment(list: ServiceDeploymentBrief[]): ServiceDeploymentBrief | undefined {
    const time = (d: ServiceDeploymentBrief) => (d.createdAt ?? d.startedAt)?.getTime() ?? -Infinity;
    return list.reduce<ServiceDeploymentBrief | undefined>((best, d) => (best === undefined || time(d) > time(best) ? d : best), undefined);
}

/** Waits until /health answers 200 and /version reports the expected commit. */
export async function checkHttp(target: ServiceTarget, expectedSha: string, deps: GateDeps, deadlineAt: number, retry: Retry, requestTimeoutMs: number): Promise<void> {
    let lastServed: string | undefined;
    for (let attempt = 0; ; attempt++) {
        let state: string;
        const health = await get(deps, `${target.url}/health`, requestTimeoutMs);
        if (health.status === 200) {
            const version = await get(deps, `${target.url}/version`, requestTimeoutMs);
            const served = version.status === 200 ? readVersion(version.body) : undefined;
            if (versionMatches(expectedSha, served)) {
                deps.log(`${target.name}: ${target.url} is healthy and serves version ${served}`);
                return;
            }
            lastServed = served ?? `unreadable (GET /version -> ${version.error ?? version.status})`;
            state = `healthy, but /version is ${lastServed}, expected ${expectedSha}`;
        } else {
            state = `GET /health -> ${health.error ?? health.status}`;
        }
        // A mismatch is retried too: old tasks keep answering while traffic shifts to the new revision.
        await retry.wait(
            attempt,
            deadlineAt,
            () => lastServed !== undefined
                ? new GateFailure(EXIT.versionMismatch, `${target.name}: ${target.url}/version reports ${lastServed}, expected ${expectedSha}`)
                : new GateFailure(EXIT.timeout, `${target.name}: deadline reached before ${target.url}/health answered 200 (last: ${state})`),
            (delay) => deps.log(`${target.name}: ${state}; retrying in ${seconds(delay)}`),
        );
    }
}

interface Response { status?: number; body?: string; error?: string }

/** One GET with its own timeout; the run's deadline may therefore be overrun by at most one request timeout. */
async function get(deps: GateDeps, url: string, timeoutMs: number): Promise<Response> {
    try {
        const res = await deps.fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
        return { status: res.status, body: await res.text() };
    } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        return { error: cause ?? (err as Error).name ?? "request failed" };
    }
}

function readVersion(body: string | undefined): string | undefined {
    try {
        const parsed: unknown = JSON.parse(body ?? "");
        return isRecord(parsed) && typeof parsed.version === "string" ? parsed.version : undefined;
    } catch {
        return undefined;
    }
}

/** Exponential backoff bounded by the deadline. */
export class Retry {
    constructor(private readonly clock: Clock, private readonly initialMs: number, private readonly maxMs: number) {}

    async wait(attempt: number, deadlineAt: number, onDeadline: () => GateFailure, onWait: (delayMs: number) => void): Promise<void> {
        const left = deadlineAt - this.clock.now();
        if (left <= 0) throw onDeadline();
        const delay = Math.min(this.initialMs * 2 ** Math.min(attempt, 30), this.maxMs, left);
        onWait(delay);
        await this.clock.sleep(delay);
    }
}

/** Runs every check for every service, in order, under one deadline. */
export async function runGate(options: GateOptions, deps: GateDeps): Promise<void> {
    const expectedSha = parseExpectedSha(options.expectedSha);
    const targets = parseServices(options.outputs, options.stack);
    const deadlineSeconds = options.deadlineSeconds ?? 600;
    const deadlineAt = deps.clock.now() + deadlineSeconds * 1000;
    const retry = new Retry(deps.clock, options.initialDelayMs ?? 2000, options.maxDelayMs ?? 30000);
    deps.log(`verify ${options.stack}: ${targets.length} service(s), expecting version ${expectedSha}, deadline ${deadlineSeconds}s`);
    for (const target of targets) {
        await checkRollout(target, deps, deadlineAt, retry);
        await checkHttp(target, expectedSha, deps, deadlineAt, retry, options.requestTimeoutMs ?? 10000);
    }
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
    return v === undefined ? "nothing" : JSON.stringify(v);
}

function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(ms < 1000 ? 2 : 0)}s`;
}
