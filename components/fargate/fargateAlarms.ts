// Deployment alarms of a FargateService: CloudWatch alarms on its target group that ECS watches
// during a rollout, rolling back a release that trips one. The settings and alarm shapes are pure
// (alarmSpecs); createAlarms makes the resources.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface AlarmSettings {
    /** Create the alarms and attach them to deployments. @default true */
    enabled?: boolean;
    /** 5xx answers from the tasks per minute (HTTPCode_Target_5XX_Count, Sum) that trip the alarm. @default 10 */
    http5xx?: number;
    /** Unhealthy tasks (UnHealthyHostCount, Maximum per minute) that trip the alarm. @default 1 */
    unhealthyHosts?: number;
    /** Consecutive one-minute periods over the threshold before an alarm trips. @default 3 */
    evaluationPeriods?: number;
    /** Send alarm state changes to this address (an SNS topic and an email subscription are created). @default - no notification */
    email?: string;
    /** Send alarm state changes to this existing SNS topic. @default - no notification */
    snsTopicArn?: string;
}

/**
 * Defaults: ten 5xx a minute, or one unhealthy task, for three minutes in a row. Three minutes
 * outlast one health-check round (HEALTH_CHECK: 3 failures × 10 s), so a task that is being
 * replaced normally does not trip the unhealthy alarm; ten errors a minute ignores a single
 * failed request but catches a release that breaks a route.
 */
export const ALARM_DEFAULTS = { enabled: true, http5xx: 10, unhealthyHosts: 1, evaluationPeriods: 3 } as const;

/** The metric namespace and dimensions of an ALB target group. Source: Elastic Load Balancing User Guide, "CloudWatch metrics for your Application Load Balancer". */
export interface AlarmSpec {
    /** Suffix of the logical and physical name (`<service>-<suffix>`). */
    suffix: string;
    metricName: "HTTPCode_Target_5XX_Count" | "UnHealthyHostCount";
    statistic: "Sum" | "Maximum";
    threshold: number;
    evaluationPeriods: number;
    description: string;
}

/** The two alarms of a service, with its thresholds; none when disabled. Pure. */
export function alarmSpecs(s: AlarmSettings | undefined): AlarmSpec[] {
    const a = { ...ALARM_DEFAULTS, ...s };
    if (!a.enabled) return [];
    return [
        { suffix: "5xx", metricName: "HTTPCode_Target_5XX_Count", statistic: "Sum", threshold: a.http5xx, evaluationPeriods: a.evaluationPeriods,
            description: `ecs-ship: ${a.http5xx} or more 5xx answers from the tasks per minute for ${a.evaluationPeriods} minutes; ECS rolls back a deployment that trips it` },
        { suffix: "unhealthy", metricName: "UnHealthyHostCount", statistic: "Maximum", threshold: a.unhealthyHosts, evaluationPeriods: a.evaluationPeriods,
            description: `ecs-ship: ${a.unhealthyHosts} or more unhealthy tasks for ${a.evaluationPeriods} minutes; ECS rolls back a deployment that trips it` },
    ];
}

/** The names a service's deployment alarms have, whether or not they exist: `<service>-5xx`, `<service>-unhealthy`. */
export function alarmNamesOf(name: string): string[] {
    return alarmSpecs({ enabled: true }).map((spec) => `${name}-${spec.suffix}`);
}

/** The `alarms` block of an ECS service's deployment configuration. */
export interface DeploymentAlarmsBlock {
    alarmNames: pulumi.Input<string>[];
    enable: boolean;
    rollback: boolean;
}

/**
 * The service's `alarms` block, sent in every case. With alarms, their names (so the service waits
 * for them), enabled with rollback. Without, the same fixed names with `enable` and `rollback` off:
 * leaving the block out would change nothing in AWS. The provider suppresses the removal of an
 * `alarms` block (DiffSuppressFunc verify.SuppressMissingOptionalConfigurationBlock, which hides the
 * change of the block's count from 1 to 0), and even when its Update runs it sets
 * DeploymentConfiguration.Alarms only if the block is present; ECS keeps what UpdateService does not
 * send (Terraform AWS provider, internal/service/ecs/service.go, schema `alarms` and
 * resourceServiceUpdate; internal/verify/diff.go). The names are required by the schema
 * (`alarm_names` Required) and by ECS (Amazon ECS API Reference, DeploymentAlarms); with `enable`
 * false ECS does not read them, so they may name alarms that were deleted.
 */
export function deploymentAlarms(name: string, created: aws.cloudwatch.MetricAlarm[]): DeploymentAlarmsBlock {
    if (created.length > 0) return { alarmNames: created.map((x) => x.name), enable: true, rollback: true };
    return { alarmNames: alarmNamesOf(name), enable: false, rollback: false };
}

/**
 * The alarms, named `<service>-5xx` and `<service>-unhealthy` (fixed names: ECS's deployment
 * configuration refers to alarms by name, Amazon ECS API Reference, DeploymentAlarms), and the
 * notification topic when an email is given.
 */
export function createAlarms(
    parent: pulumi.Resource, name: string, s: AlarmSettings | undefined,
    dims: { loadBalancer: pulumi.Input<string>; targetGroup: pulumi.Input<string>; alternateTargetGroup?: pulumi.Input<string> }, tags?: Record<string, string>,
): aws.cloudwatch.MetricAlarm[] {
    const specs = alarmSpecs(s);
    if (specs.length === 0) return [];
    let topicArn: pulumi.Input<string> | undefined = s?.snsTopicArn;
    if (s?.email) {
        const topic = new aws.sns.Topic(`${name}-alarms`, { name: `${name}-alarms`, tags }, { parent });
        new aws.sns.TopicSubscription(`${name}-alarms-email`, { topic: topic.arn, protocol: "email", endpoint: s.email }, { parent });
        topicArn = topic.arn;
    }
    const actions = topicArn ? [topicArn] : [];
    return specs.map((spec) => new aws.cloudwatch.MetricAlarm(`${name}-${spec.suffix}`, {
        name: `${name}-${spec.suffix}`,
        alarmDescription: spec.description,
        ...(dims.alternateTargetGroup === undefined ? {
            namespace: "AWS/ApplicationELB",
            metricName: spec.metricName,
            dimensions: { LoadBalancer: dims.loadBalancer, TargetGroup: dims.targetGroup },
            statistic: spec.statistic,
            period: 60,
        } : { metricQueries: bothTargetGroups(spec, dims.loadBalancer, dims.targetGroup, dims.alternateTargetGroup) }),
        evaluationPeriods: spec.evaluationPeriods,
        threshold: spec.threshold,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // No requests means no 5xx data points: that is healthy, not unknown.
        treatMissingData: "notBreaching",
        alarmActions: actions,
        okActions: actions,
        tags,
    }, { parent }));
}

/**
 * A canary, linear or blue/green service runs its new revision in whichever of its two target
 * groups is not serving (components/fargate/trafficShift.ts), so its alarms watch the sum over both:
 * `FILL(a, 0) + FILL(b, 0)`, so a target group without data points counts as zero. Source: Amazon
 * CloudWatch User Guide, "Using metric math" (FILL) and "Create a CloudWatch alarm based on a metric
 * math expression".
 */
export function bothTargetGroups(
    spec: AlarmSpec, loadBalancer: pulumi.Input<string>, primary: pulumi.Input<string>, alternate: pulumi.Input<string>,
): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
    const metric = (id: string, targetGroup: pulumi.Input<string>) => ({
        id, returnData: false,
        metric: { namespace: "AWS/ApplicationELB", metricName: spec.metricName, dimensions: { LoadBalancer: loadBalancer, TargetGroup: targetGroup }, stat: spec.statistic, period: 60 },
    });
    return [metric("primary", primary), metric("alternate", alternate), { id: "total", expression: "FILL(primary, 0) + FILL(alternate, 0)", label: `${spec.metricName} of both target groups`, returnData: true }];
}
