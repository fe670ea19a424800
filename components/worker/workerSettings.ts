// Pure settings of WorkerService: its scaling policy per metric and its argument checks. No
// resources, so tested without mocks (test/workers.test.ts).
import { SCALE_IN_COOLDOWN, SCALE_OUT_COOLDOWN, PREDEFINED_METRIC } from "../fargate/fargateSettings";
import { ResolvedServiceSettings, serviceSettingsProblems } from "../service/serviceArgs";

export type WorkerMetric = "cpu" | "memory" | "queue";
export const WORKER_METRICS: readonly WorkerMetric[] = ["cpu", "memory", "queue"];

export interface WorkerScaling { min: number; max: number; metric: WorkerMetric; target: number; queueName?: string }

/**
 * Target tracking for a worker. `cpu` and `memory` use the predefined ECS metrics. `queue` tracks the
 * SQS backlog per task with a metric math customized metric: the queue's
 * ApproximateNumberOfMessagesVisible divided by the service's RunningTaskCount (Container Insights),
 * held at `target` messages per task. Source: Application Auto Scaling User Guide, "Create a target
 * tracking scaling policy for Application Auto Scaling using metric math", "Example: Amazon SQS queue
 * backlog per task" (https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html).
 * The provider's field names: Terraform AWS provider, internal/service/appautoscaling/policy.go
 * (customized_metric_specification.metrics: id, expression, metric_stat, return_data).
 */
export function workerTargetTracking(s: WorkerScaling, where: { cluster: string; service: string }) {
    const cooldowns = { scaleInCooldown: SCALE_IN_COOLDOWN, scaleOutCooldown: SCALE_OUT_COOLDOWN };
    if (s.metric !== "queue") {
        return { targetValue: s.target, ...cooldowns, predefinedMetricSpecification: { predefinedMetricType: PREDEFINED_METRIC[s.metric] } };
    }
    if (!s.queueName) throw new Error("scaling on `queue` needs the queue's name");
    return {
        targetValue: s.target,
        ...cooldowns,
        customizedMetricSpecification: {
            metrics: [
                {
                    id: "m1", label: "Messages waiting", returnData: false,
                    metricStat: { stat: "Sum", metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: s.queueName }] } },
                },
                {
                    id: "m2", label: "Running tasks", returnData: false,
                    metricStat: { stat: "Average", metric: { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", dimensions: [{ name: "ClusterName", value: where.cluster }, { name: "ServiceName", value: where.service }] } },
                },
                { id: "e1", label: "Backlog per task", expression: "m1 / m2", returnData: true },
            ],
        },
    };
}

/** Every problem with a worker's resolved arguments, worded like the configuration's errors. */
export function workerArgsProblems(a: Omit<ResolvedServiceSettings, "scaling"> & { scaling: WorkerScaling }): string[] {
    const problems = serviceSettingsProblems({ ...a, scaling: { ...a.scaling, metric: a.scaling.metric === "queue" ? "requests" : a.scaling.metric } })
        .filter((p) => !p.startsWith("scaling.metric") && !p.startsWith("scaling.target"));
    const s = a.scaling;
    const show = (v: unknown) => JSON.stringify(v);
    if (!WORKER_METRICS.includes(s.metric)) problems.push(`scaling.metric: must be one of ${WORKER_METRICS.join(", ")}, got ${show(s.metric)}`);
    const hi = s.metric === "queue" ? 1_000_000 : 100;
    if (!(Number.isInteger(s.target) && s.target >= 1 && s.target <= hi)) problems.push(`scaling.target: must be an integer from 1 to ${hi} for metric ${s.metric}, got ${show(s.target)}`);
    if (s.metric === "queue" && !s.queueName) problems.push("scaling.queueName: is required with metric queue, got nothing");
    return problems;
}
