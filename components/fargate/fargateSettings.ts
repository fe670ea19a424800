// Pure settings of the Fargate service mode: the tuned load-balancer and rollout values,
// the scaling policy per metric, the ALB subnet choice. Nothing here
// creates resources, so it is tested without mocks, and the rollout bench
// (tools/bench/rollout.ts) reads the same constants the component ships.
import { underRoute } from "../frontDoor/frontDoor";
import { ResolvedServiceSettings, ScalingMetric, serviceSettingsProblems } from "../service/serviceArgs";

/**
 * Target-group health check, tuned for fast and safe rollouts.
 *
 * Source for the AWS defaults replaced here: Amazon ECS Best Practices Guide, "Load balancer
 * health check parameters" (interval 30 s, healthy threshold 5: 150 s before a new task takes
 * traffic), and the Elastic Load Balancing User Guide, "Health checks for Application Load
 * Balancer target groups" (timeout 5 s for HTTP, unhealthy threshold 2, matcher 200).
 */
export const HEALTH_CHECK = {
    /** Seconds between checks. AWS default 30. */
    interval: 10,
    /** Seconds to wait for an answer; must be below the interval. AWS default 5 (HTTP). */
    timeout: 5,
    /** Consecutive successes before a new task receives traffic. AWS default 5. */
    healthyThreshold: 2,
    /**
     * Consecutive failures before a task is taken out. AWS default 2; one more than that, so a
     * single slow answer during a garbage-collection pause does not cycle a healthy task.
     */
    unhealthyThreshold: 3,
    /** Only 200 counts as healthy: a redirect or 404 from a misrouted path must not pass. */
    matcher: "200",
} as const;

/** The AWS defaults the values above replace, for the bench and the docs. Same sources. */
export const AWS_HEALTH_CHECK_DEFAULTS = { interval: 30, timeout: 5, healthyThreshold: 5, unhealthyThreshold: 2 } as const;

/**
 * Seconds the target group lets in-flight requests finish before a deregistered task is
 * stopped. AWS default 300. The app finishes its requests within a few seconds of SIGTERM.
 * Source: Amazon ECS Best Practices Guide, "Connection draining" (deregistration delay,
 * default 300 s), and Elastic Load Balancing User Guide, "Target groups", deregistration delay.
 */
export const DEREGISTRATION_DELAY = 30;
export const AWS_DEREGISTRATION_DELAY = 300;

/**
 * Seconds ECS ignores failing load-balancer health checks after a task starts.
 * AWS default 0 when unset (Amazon ECS API Reference, CreateService, healthCheckGracePeriodSeconds).
 */
export const HEALTH_CHECK_GRACE_PERIOD = 30;

/**
 * Seconds between SIGTERM and SIGKILL for the container. Fargate's default is also 30 (max 120);
 * it is written out so the drain budget is visible beside the deregistration delay.
 * Source: Amazon ECS Developer Guide, "Task definition parameters", stopTimeout.
 */
export const STOP_TIMEOUT = 30;

/**
 * Rolling deployment: keep every running task until its replacement is healthy (100), and
 * start all replacements at once (200), so a deploy takes one health-check round, not N.
 * These are also ECS's defaults for a REPLICA service (Amazon ECS Developer Guide, "Deploy
 * Amazon ECS services by replacing tasks"); they are written out because the rollout
 * estimate depends on them.
 */
export const DEPLOYMENT = { minimumHealthyPercent: 100, maximumPercent: 200 } as const;

/**
 * Scale-out cooldown in seconds. Application Auto Scaling's default for ECS services is 300
 * for both directions (Application Auto Scaling User Guide, "Target tracking scaling policies",
 * cooldown period); scaling out after 60 s answers a burst within a minute, while scale-in
 * keeps the default 300 s so capacity is not removed between two peaks.
 */
export const SCALE_OUT_COOLDOWN = 60;
export const SCALE_IN_COOLDOWN = 300;

/** Application Auto Scaling's predefined metric for each `scaling.metric`. */
export const PREDEFINED_METRIC: Readonly<Record<ScalingMetric, string>> = {
    cpu: "ECSServiceAverageCPUUtilization",
    memory: "ECSServiceAverageMemoryUtilization",
    requests: "ALBRequestCountPerTarget",
};

export interface TargetTrackingConfig {
    targetValue: number;
    scaleInCooldown: number;
    scaleOutCooldown: number;
    predefinedMetricSpecification: { predefinedMetricType: string; resourceLabel?: string };
}

/**
 * The target-tracking configuration for a metric. `requests` needs the resource label
 * `<alb arn suffix>/<target group arn suffix>`, i.e. `app/<lb>/<id>/targetgroup/<tg>/<id>`.
 * Source: Application Auto Scaling API Reference, PredefinedMetricSpecification, ResourceLabel.
 */
export function targetTracking(metric: ScalingMetric, target: number, resourceLabel?: string): TargetTrackingConfig {
    const spec: TargetTrackingConfig["predefinedMetricSpecification"] = { predefinedMetricType: PREDEFINED_METRIC[metric] };
    if (metric === "requests") {
        if (!resourceLabel) throw new Error("scaling on `requests` needs the ALB and target group resource label");
        spec.resourceLabel = resourceLabel;
    }
    return { targetValue: target, scaleInCooldown: SCALE_IN_COOLDOWN, scaleOutCooldown: SCALE_OUT_COOLDOWN, predefinedMetricSpecification: spec };
}

/** `app/<lb>/<id>/targetgroup/<tg>/<id>` from the two ARN suffixes. */
export function requestCountLabel(albArnSuffix: string, targetGroupArnSuffix: string): string {
    return `${albArnSuffix}/${targetGroupArnSuffix}`;
}

/**
 * The service's delete timeout. Deleting scales the service to zero: each task drains for the
 * deregistration delay, then gets up to the stop timeout; the provider's own default is 20
 * minutes (Terraform AWS provider, aws_ecs_service, Timeouts). Fifteen minutes more than the
 * drain leaves time for ENI release.
 */
export function serviceDeleteTimeout(deregistrationDelay: number): string {
    return `${Math.max(20, Math.ceil((deregistrationDelay + STOP_TIMEOUT) / 60) + 15)}m`;
}

/**
 * FargateService's own defaults, beside the service defaults (SERVICE_DEFAULTS): the one place
 * they live. The component applies them; the stack configuration passes on only what the user set.
 */
export const FARGATE_DEFAULTS = {
    /** Regular FARGATE capacity; Spot is opt-in because AWS may stop a Spot task at any time. */
    spot: false,
    /**
     * A public IP for each task, so it reaches ECR and CloudWatch Logs from a public subnet
     * (the default VPC's subnets are public). In a private subnet with a NAT gateway, pass false.
     */
    assignPublicIp: true,
    deregistrationDelay: DEREGISTRATION_DELAY,
    healthCheckGracePeriod: HEALTH_CHECK_GRACE_PERIOD,
} as const;

/** The slice of FargateService's arguments that can be checked before any child exists. */
export interface FargateArgsToCheck extends ResolvedServiceSettings {
    albSubnetIds: unknown;
    /** On a shared load balancer: the route whose path prefix the health check must lie under. */
    sharedLoadBalancer?: unknown;
    route?: { path?: string };
    /** A created certificate's ARN is an Output, checked by AWS instead. */
    certificateArn?: unknown;
    deregistrationDelay: number;
    healthCheckGracePeriod: number;
}

const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;

/**
 * Every problem with FargateService's plain arguments, defaults applied, worded like config.ts's
 * errors (key, what is allowed, what was given). Output values are not checked here.
 */
export function fargateArgsProblems(name: string, a: FargateArgsToCheck): string[] {
    const show = (v: unknown) => JSON.stringify(v);
    const int = (v: unknown, min: number, max: number) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
    const problems: string[] = [];
    problems.push(...serviceSettingsProblems(a));
    if (Array.isArray(a.albSubnetIds) && a.albSubnetIds.length !== 2) {
        problems.push(`albSubnetIds: must list exactly 2 subnets in different Availability Zones, got ${a.albSubnetIds.length}`);
    }
    if (typeof a.certificateArn === "string" && !ACM_CERTIFICATE_ARN.test(a.certificateArn)) {
        problems.push(`certificateArn: must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got ${show(a.certificateArn)}`);
    }
    // Source: Elastic Load Balancing User Guide, "Target groups", deregistration delay (0-3600 s).
    if (!int(a.deregistrationDelay, 0, 3600)) problems.push(`deregistrationDelay: must be an integer from 0 to 3600, got ${show(a.deregistrationDelay)}`);
    if (!int(a.healthCheckGracePeriod, 0, 7200)) problems.push(`healthCheckGracePeriod: must be an integer from 0 to 7200, got ${show(a.healthCheckGracePeriod)}`);
    const prefix = a.sharedLoadBalancer ? a.route?.path : undefined;
    if (typeof a.healthCheckPath === "string" && !underRoute(a.healthCheckPath, prefix)) {
        problems.push(`healthCheckPath: must lie under the service's path prefix ${show(prefix)}, which reaches the app unchanged, so the health check is reachable through the load balancer; got ${show(a.healthCheckPath)}`);
    }
    return problems;
}

/** The first of fargateArgsProblems, or undefined. */
export function fargateArgsProblem(name: string, a: FargateArgsToCheck): string | undefined {
    return fargateArgsProblems(name, a)[0];
}
