// How a Fargate service releases: ECS's own deployment strategies (rolling, canary, linear,
// blue/green), their defaults, what each maps onto in the ECS service, and how long each takes.
// Pure: no resources; the traffic-shift resources are in components/fargate/trafficShift.ts, and the
// deploy gate (tools/verify/verifyDeployment.ts) and the rollout bench read the same numbers.
import type * as aws from "@pulumi/aws";
import { HEALTH_CHECK } from "./fargateSettings";

export const STRATEGIES = ["rolling", "canary", "linear", "blueGreen"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/**
 * The ECS API's name of each strategy (Amazon ECS API Reference, DeploymentConfiguration,
 * `strategy`: ROLLING | BLUE_GREEN | LINEAR | CANARY; @pulumi/aws 7.48 types/input.d.ts,
 * ServiceDeploymentConfiguration.strategy; Terraform AWS provider, internal/service/ecs/service.go,
 * `deployment_configuration.strategy`).
 */
export const ECS_STRATEGY: Readonly<Record<Strategy, string>> = { rolling: "ROLLING", canary: "CANARY", linear: "LINEAR", blueGreen: "BLUE_GREEN" };

/** What a stack file may set under `deployment`. */
export interface DeploymentSettings {
    strategy?: Strategy;
    /** Canary: percent of production traffic the new revision takes first. */
    canaryPercent?: number;
    /** Canary: minutes the canary bakes before the rest of the traffic moves. */
    canaryBakeMinutes?: number;
    /** Linear: percent of production traffic moved per step. */
    linearStepPercent?: number;
    /** Linear: minutes between two steps. */
    linearStepMinutes?: number;
    /** Minutes after all traffic has moved before the old revision stops (not for rolling). */
    bakeMinutes?: number;
    /** Traffic that reaches the new revision before any production traffic does. */
    testTraffic?: { header?: { name: string; value: string }; port?: number };
}

/**
 * Valid ranges. Sources: Terraform AWS provider, internal/service/ecs/service.go (schema:
 * `bake_time_in_minutes`, `canary_bake_time_in_minutes`, `step_bake_time_in_minutes` 0-1440;
 * `canary_percent` 0.1-100.0; `step_percent` 3.0-100.0), and AWS CloudFormation Template
 * Reference, AWS::ECS::Service CanaryConfiguration (canary percent in multiples of 0.1).
 */
export const DEPLOYMENT_LIMITS = {
    minutes: { min: 0, max: 1440 },
    canaryPercent: { min: 0.1, max: 100 },
    linearStepPercent: { min: 3, max: 100 },
} as const;

/**
 * ecs-ship's defaults: rolling unless asked; a 10% canary for 10 minutes (AWS: 5% for 10,
 * CloudFormation Template Reference, CanaryConfiguration); 20% steps every 5 minutes; a
 * 5-minute bake after the last shift, long enough for the deployment alarms (three
 * one-minute periods by default, fargateAlarms.ts) to trip and roll back during it.
 */
export const DEPLOYMENT_DEFAULTS = {
    strategy: "rolling" as Strategy,
    canaryPercent: 10,
    canaryBakeMinutes: 10,
    linearStepPercent: 20,
    linearStepMinutes: 5,
    bakeMinutes: 5,
} as const;

/** DeploymentSettings with the defaults of its strategy applied. */
export interface ResolvedDeployment {
    strategy: Strategy;
    canaryPercent: number;
    canaryBakeMinutes: number;
    linearStepPercent: number;
    linearStepMinutes: number;
    bakeMinutes: number;
    testTraffic?: DeploymentSettings["testTraffic"];
}

export function resolveDeployment(d: DeploymentSettings | undefined): ResolvedDeployment {
    const x = DEPLOYMENT_DEFAULTS;
    return {
        strategy: d?.strategy ?? x.strategy,
        canaryPercent: d?.canaryPercent ?? x.canaryPercent,
        canaryBakeMinutes: d?.canaryBakeMinutes ?? x.canaryBakeMinutes,
        linearStepPercent: d?.linearStepPercent ?? x.linearStepPercent,
        linearStepMinutes: d?.linearStepMinutes ?? x.linearStepMinutes,
        bakeMinutes: d?.bakeMinutes ?? x.bakeMinutes,
        testTraffic: d?.testTraffic,
    };
}

/** Whether ECS moves traffic between two target groups (every strategy but rolling). */
export function shiftsTraffic(d: ResolvedDeployment): boolean {
    return d.strategy !== "rolling";
}

/**
 * The service's `deploymentConfiguration` for the strategy. Rolling keeps the provider's
 * default (no block), so a service that never sets `deployment` plans exactly as before.
 * `bakeTimeInMinutes` is always sent for the other three: BLUE_GREEN requires it (Amazon ECS API
 * Reference, DeploymentConfiguration, bakeTimeInMinutes: "You must provide this parameter when you
 * use the BLUE_GREEN deployment strategy").
 * The provider takes the minute fields as strings (nullable ints): @pulumi/aws 7.48
 * types/input.d.ts, ServiceDeploymentConfiguration.bakeTimeInMinutes and the canary and
 * linear blocks; Terraform AWS provider, internal/service/ecs/service.go (nullable.TypeNullableInt).
 */
export function deploymentConfiguration(d: ResolvedDeployment): aws.types.input.ecs.ServiceDeploymentConfiguration | undefined {
    if (d.strategy === "rolling") return undefined;
    const out: aws.types.input.ecs.ServiceDeploymentConfiguration = { strategy: ECS_STRATEGY[d.strategy], bakeTimeInMinutes: String(d.bakeMinutes) };
    if (d.strategy === "canary") out.canaryConfiguration = { canaryPercent: d.canaryPercent, canaryBakeTimeInMinutes: String(d.canaryBakeMinutes) };
    if (d.strategy === "linear") out.linearConfiguration = { stepPercent: d.linearStepPercent, stepBakeTimeInMinutes: String(d.linearStepMinutes) };
    return out;
}

/** Number of traffic steps of a linear deployment: ceil(100 / step), the last step taking the remainder. */
export function linearSteps(stepPercent: number): number {
    return Math.ceil(100 / stepPercent - 1e-9);
}

/**
 * Minutes a deployment waits by design, beyond starting and registering the new tasks:
 * canary bake + final bake; (steps - 1) step bakes + final bake; the final bake alone for
 * blue/green; nothing for rolling. Source: Amazon ECS Developer Guide, "Amazon ECS canary
 * deployments", "Amazon ECS linear deployments" and "Amazon ECS blue/green deployments"
 * (the bake times and when each applies).
 */
export function waitMinutes(d: ResolvedDeployment): number {
    switch (d.strategy) {
        case "rolling": return 0;
        case "canary": return d.canaryBakeMinutes + d.bakeMinutes;
        case "linear": return (linearSteps(d.linearStepPercent) - 1) * d.linearStepMinutes + d.bakeMinutes;
        case "blueGreen": return d.bakeMinutes;
    }
}

/** Minutes after the new tasks are healthy until all production traffic has moved (the bake after it excluded). */
export function minutesToFullTraffic(d: ResolvedDeployment): number {
    return waitMinutes(d) - (d.strategy === "rolling" ? 0 : d.bakeMinutes);
}

/**
 * Percent of production traffic on the new revision during its first exposure: what a bad
 * release reaches before an alarm can roll it back. Rolling and blue/green expose everyone.
 */
export function firstExposurePercent(d: ResolvedDeployment): number {
    if (d.strategy === "canary") return d.canaryPercent;
    if (d.strategy === "linear") return Math.min(100, d.linearStepPercent);
    return 100;
}

/**
 * What a FargateService cannot do with its strategy, worded like config errors. On the shared ALB,
 * ECS shifts one production rule per target-group pair (Amazon ECS API Reference,
 * AdvancedConfiguration: one productionListenerRule), so a service reached through two forwarding
 * rules (no certificate of its own on a shared ALB that also listens on HTTPS) could not be shifted
 * whole; and test traffic needs a rule priority or a port of the service's own.
 */
export function deploymentProblems(d: ResolvedDeployment, at: { shared: boolean; https: boolean; sharedHttps: boolean }): string[] {
    if (!shiftsTraffic(d)) return [];
    const out: string[] = [];
    if (at.shared && at.sharedHttps && !at.https) {
        out.push(`deployment.strategy: ${d.strategy} on the shared load balancer needs the service to serve HTTPS (a certificateArn or domain) when the shared load balancer listens on HTTPS, so its requests reach it through one forwarding rule ECS can shift; got no certificate`);
    }
    if (at.shared && d.testTraffic !== undefined) {
        out.push(`deployment.testTraffic: applies only to a service on its own load balancer (loadBalancer.shared: false), got ${JSON.stringify(d.testTraffic)} on the shared load balancer`);
    }
    return out;
}

/**
 * Minutes until a release's new tasks are healthy: a start (image pull, app start) assumed at one
 * minute, as the rollout bench assumes, plus one health round of the shipped health check.
 */
export const READY_MINUTES = Math.ceil((60 + HEALTH_CHECK.healthyThreshold * HEALTH_CHECK.interval + HEALTH_CHECK.timeout) / 60);

/**
 * The strategy of a planned ECS service, read back from its `deploymentConfiguration` inputs
 * (the provider takes minutes as strings).
 */
export function plannedDeployment(c: { strategy?: unknown; bakeTimeInMinutes?: unknown; canaryConfiguration?: any; linearConfiguration?: any } | undefined): ResolvedDeployment {
    const n = (v: unknown) => (v === undefined || v === null || v === "" ? undefined : Number(v));
    const byApi = Object.entries(ECS_STRATEGY).find(([, api]) => api === c?.strategy)?.[0] as Strategy | undefined;
    return resolveDeployment({
        strategy: byApi ?? "rolling",
        bakeMinutes: n(c?.bakeTimeInMinutes),
        canaryPercent: n(c?.canaryConfiguration?.canaryPercent),
        canaryBakeMinutes: n(c?.canaryConfiguration?.canaryBakeTimeInMinutes),
        linearStepPercent: n(c?.linearConfiguration?.stepPercent),
        linearStepMinutes: n(c?.linearConfiguration?.stepBakeTimeInMinutes),
    });
}
