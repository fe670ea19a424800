// Shared by the deploy gate's modules: exit codes, the failure type, what a service target is, the
// injected effects, and the backoff. No checks live here (tools/verify/verifyEcs.ts, tools/verify/verifyHttp.ts).
import { ECSClient } from "@aws-sdk/client-ecs";

export const EXIT = { ok: 0, error: 1, badInput: 2, rolledBack: 3, timeout: 4, versionMismatch: 5, imageMismatch: 6 } as const;
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
    /** A worker serves no traffic: the gate checks its deployment and running image, with no HTTP probe. @default "web" */
    kind?: "web" | "worker";
    /** Base URL without a trailing slash ("" for a worker). */
    url: string;
    serviceArn: string;
    /** Cluster name or ARN; derived from the service ARN when not exported. */
    cluster: string;
    region: string;
    /** The image digest (sha256:<64 hex>) that must serve. */
    imageDigest: string;
    /** Path the load balancer probes; the gate probes it too. */
    healthCheckPath: string;
    /** Path of the app's version endpoint; checked only when set. */
    versionPath?: string;
    /** CloudWatch log group of the service's containers, named in failures. */
    logGroupName?: string;
    /** The service's deployment strategy and its designed waits (tools/verify/verifyDeployment.ts); absent: rolling. */
    deployment?: { strategy: "rolling" | "canary" | "linear" | "blueGreen"; waitMinutes: number };
    /** The service's release command (stack output `release.command`), when it has one. */
    release?: string[];
    /** The stack whose build this service runs (stack output `promotedFrom`): tools/verify/verifyPromotion.ts. */
    promotedFrom?: string;
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

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The digest part of `<registry>/<repository>@sha256:<hex>`, or undefined when the reference is not pinned. */
export function digestOf(ref: unknown): string | undefined {
    if (typeof ref !== "string") return undefined;
    const digest = ref.slice(ref.lastIndexOf("@") + 1);
    return ref.includes("@") && DIGEST.test(digest) ? digest : undefined;
}

/** "see ..." for a failure: the deployment, then the log group, whichever are known. */
export function whereToLook(target: ServiceTarget, deploymentArn?: string): string {
    const places = [deploymentArn ? `service deployment ${deploymentArn}` : undefined, target.logGroupName ? `log group ${target.logGroupName}` : undefined].filter(Boolean);
    return places.length ? `; see ${places.join(" and ")}` : "";
}

/**
 * For a service with a release command, what an old version still serving may mean: the release
 * failed inside `pulumi up`, which stops the deploy before the service changes (docs/workloads.md).
 */
export function releaseHint(target: ServiceTarget): string {
    if (!target.release) return "";
    return `. If this run's \`pulumi up\` failed at its release task (${JSON.stringify(target.release)}), this is what a failed release leaves: `
        + "the old version serving, the service untouched, nothing half-migrated by the deploy itself; the error of `pulumi up` names the task, "
        + "its exit code and its last log lines, and the next `pulumi up` runs the release again (docs/workloads.md, \"Release tasks\")";
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

export function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function describe(v: unknown): string {
    return v === undefined ? "nothing" : JSON.stringify(v);
}

export function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(ms < 1000 ? 2 : 0)}s`;
}
