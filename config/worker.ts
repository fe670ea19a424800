// The keys that make a service a worker, or give any service a command or ECS Exec, and the rules
// that read them: a worker is a Fargate service with no port and no load balancer; `exec` is
// Fargate only; the `queue` scaling metric is for workers only.
import { z } from "zod";
import { bool, listOf, problem, record, says, show, text } from "./rules";

export const SERVICE_KINDS = ["web", "worker"] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** An SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>) or ARN (arn:aws:sqs:<region>:<account>:<name>). */
export const SQS_URL = /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
export const SQS_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

/** The queue's name, the CloudWatch QueueName dimension, from its URL or ARN (the last segment of either). */
export function queueNameOf(urlOrArn: string): string {
    return urlOrArn.split(/[/:]/).pop()!;
}

/** Fields of `ecs-ship:services.<name>` added by workers, commands and ECS Exec (spread into serviceSchema). */
export const workerFields = {
    kind: z.enum(SERVICE_KINDS, says(`must be one of ${SERVICE_KINDS.join(", ")}`)).optional()
        .meta({ description: "web: served through a load balancer on port. worker: a long-running Fargate service with no port and no load balancer (queue consumers, background jobs).", default: "web" }),
    command: listOf(z.string(says("must be a string")).min(1, { error: "must not be empty" }), "strings (the program and its arguments)")
        .min(1, { error: "must list the program and its arguments" }).optional()
        .meta({ description: "The container's command, overriding the image's CMD, as a list: [program, arg, ...]. Default: the image's CMD." }),
    exec: bool().optional()
        .meta({ description: "Fargate only: turn on ECS Exec (`aws ecs execute-command`): a shell in running tasks for anyone allowed ecs:ExecuteCommand on the service (docs/workloads.md, \"Shell access\").", default: false }),
};

/** Extra `scaling` fields for workers scaling on an SQS queue's backlog per task. */
export const queueScalingFields = {
    queueUrl: text(SQS_URL, "must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)").optional()
        .meta({ description: "Workers with metric: queue: the queue whose backlog per task is tracked (or queueArn)." }),
    queueArn: text(SQS_ARN, "must be an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>)").optional()
        .meta({ description: "Workers with metric: queue: the queue whose backlog per task is tracked (or queueUrl)." }),
};

/** Keys that need a port or a load balancer, which a worker has neither of. */
export const WEB_ONLY_KEYS = [
    "port", "healthCheckPath", "versionPath", "domain", "hostedZone", "hostedZoneId", "path", "priority",
    "certificateArn", "deregistrationDelay", "healthCheckGracePeriod",
] as const;

/** Cross-field rules of `kind`, `command`, `exec` and the queue metric. Paths are relative to the service. */
export function checkWorker(s: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const worker = s.kind === "worker";
    const scaling = record(s.scaling) ?? {};
    if (s.exec === true && s.mode === "express") {
        // Express Mode's API takes no enableExecuteCommand. Source: Amazon ECS API Reference,
        // CreateExpressGatewayService (request parameters); @pulumi/aws ecs/expressGatewayService.d.ts (no such input).
        problem(ctx, ["exec"], "ECS Exec is not offered by Express Mode (CreateExpressGatewayService takes no enableExecuteCommand); allowed only with mode: fargate, got true");
    }
    if (scaling.metric === "queue" && !worker) {
        problem(ctx, ["scaling", "metric"], 'queue applies only to kind: worker (a web service scales on cpu, memory or requests), got "queue"');
    }
    for (const key of ["queueUrl", "queueArn"]) {
        if (scaling[key] !== undefined && scaling.metric !== "queue") problem(ctx, ["scaling", key], `applies only with scaling.metric: queue, got ${show(scaling[key])}`);
    }
    if (!worker) return;
    if (s.mode === "express") {
        problem(ctx, ["mode"], 'a worker runs as an ECS service on Fargate; Express Mode serves web traffic only, so kind: worker needs mode: fargate, got "express"');
    }
    for (const key of WEB_ONLY_KEYS) {
        if (s[key] !== undefined) problem(ctx, [key], `a worker has no port and no load balancer, so ${key} does not apply to kind: worker; remove it, got ${show(s[key])}`);
    }
    for (const [key, value] of Object.entries(record(s.alarms) ?? {})) {
        problem(ctx, ["alarms", key], `the deployment alarms watch a load balancer's target group, which a worker has none of; remove alarms from kind: worker, got ${show(value)}`);
    }
    // A worker is not rolled out behind a release task or given sidecars (components/worker/workerService.ts takes neither);
    // the web service that shares its image runs the release before its own rollout (docs/workloads.md).
    if (s.release !== undefined) problem(ctx, ["release"], `a worker runs no release task; put release on the web service that shares its image, got ${show(s.release)}`);
    // Canary, linear and blue/green shift load-balancer traffic (config/deployment.ts); a worker rolls tasks only.
    if (s.deployment !== undefined) problem(ctx, ["deployment"], `a worker has no load balancer to shift traffic on and rolls its tasks; remove deployment from kind: worker, got ${show(s.deployment)}`);
    if (s.sidecars !== undefined) problem(ctx, ["sidecars"], `sidecars apply only to web services (kind: web); remove them from kind: worker, got ${show(s.sidecars)}`);
    if (scaling.metric === "requests") {
        problem(ctx, ["scaling", "metric"], 'a worker has no load balancer to count requests; use cpu, memory or queue, got "requests"');
    }
    if (scaling.metric === "queue") {
        if ((scaling.queueUrl === undefined) === (scaling.queueArn === undefined)) {
            problem(ctx, ["scaling", "queueUrl"], `exactly one of queueUrl or queueArn is required with metric: queue, got ${scaling.queueUrl === undefined ? "neither" : "both"}`);
        }
        if (scaling.target === undefined) {
            problem(ctx, ["scaling", "target"], "is required with metric: queue: the messages one task may have waiting (acceptable latency / seconds per message), got nothing");
        }
    }
}

/**
 * Rules across a worker and the stack: the queue metric divides by RunningTaskCount, which only
 * Container Insights publishes (namespace ECS/ContainerInsights). Source: Application Auto Scaling User
 * Guide, "Example: Amazon SQS queue backlog per task", and Amazon ECS Developer Guide, "Amazon ECS
 * Container Insights metrics" (RunningTaskCount).
 */
export function checkWorkersInStack(o: Record<string, unknown>, ctx: z.RefinementCtx): void {
    if (o.containerInsights === true) return;
    for (const [name, svc] of Object.entries(record(o.services) ?? {})) {
        if (record(record(svc)?.scaling)?.metric === "queue") {
            problem(ctx, ["services", name, "scaling", "metric"], `queue scaling divides the backlog by RunningTaskCount, which only Container Insights publishes; set ecs-ship:containerInsights: true (billed per metric), got "queue" with containerInsights ${show(o.containerInsights ?? false)}`);
        }
    }
}
