// The deploy gate's view of a canary, linear or blue/green deployment: which lifecycle stage it is
// in, how much production traffic has moved, how much bake is left, why it was rolled back, and how
// long the gate may wait for it. Pure: tools/verify/verifyEcs.ts feeds it DescribeServiceDeployments.
//
// Sources: Amazon ECS API Reference, ServiceDeployment (lifecycleStage, targetServiceRevision
// .requestedProductionTrafficWeight, deploymentConfiguration, rollback, alarms, deploymentCircuitBreaker,
// updatedAt), ServiceRevisionSummary, ServiceDeploymentAlarms / ServiceDeploymentCircuitBreaker (status
// TRIGGERED); Amazon ECS Developer Guide, "Amazon ECS service deployment lifecycle stages".
import type { DeploymentConfiguration, ServiceDeployment } from "@aws-sdk/client-ecs";
import { ResolvedDeployment, STRATEGIES, Strategy, resolveDeployment, waitMinutes } from "../../components/fargate/deploymentStrategy";
import { describe as show, isRecord } from "./verifyCore";

/** What the stack exports per Fargate service (index.ts `services.<name>.deployment`). */
export interface DeploymentOutput { strategy: Strategy; waitMinutes: number }

/** Reads `services.<name>.deployment`; a problem names the key. Older outputs have none: rolling. */
export function parseDeploymentOutput(key: string, raw: unknown, problems: string[]): DeploymentOutput | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (!isRecord(raw) || !(STRATEGIES as readonly unknown[]).includes(raw.strategy) || typeof raw.waitMinutes !== "number" || !(raw.waitMinutes >= 0)) {
        problems.push(`${key}.deployment: must be { strategy: ${STRATEGIES.join(" | ")}, waitMinutes: <minutes> } when given, got ${show(raw)}`);
        return undefined;
    }
    return { strategy: raw.strategy as Strategy, waitMinutes: raw.waitMinutes };
}

/**
 * Seconds the gate adds to its deadline for the stack's strategies: the longest designed wait
 * (canary and step bakes, the final bake), since every service's deployment started with the same
 * `pulumi up` and runs alongside the others.
 */
export function strategyBudgetSeconds(deployments: (DeploymentOutput | undefined)[]): number {
    return Math.max(0, ...deployments.map((d) => (d ? d.waitMinutes * 60 : 0)));
}

/** The strategy as ECS reports it on the deployment, back in the stack file's terms. */
export function deploymentOf(c: DeploymentConfiguration | undefined): ResolvedDeployment {
    const strategy: Strategy = c?.strategy === "CANARY" ? "canary" : c?.strategy === "LINEAR" ? "linear" : c?.strategy === "BLUE_GREEN" ? "blueGreen" : "rolling";
    return resolveDeployment({
        strategy,
        bakeMinutes: c?.bakeTimeInMinutes,
        canaryPercent: c?.canaryConfiguration?.canaryPercent,
        canaryBakeMinutes: c?.canaryConfiguration?.canaryBakeTimeInMinutes,
        linearStepPercent: c?.linearConfiguration?.stepPercent,
        linearStepMinutes: c?.linearConfiguration?.stepBakeTimeInMinutes,
    });
}

export interface Progress {
    strategy: Strategy;
    /** The deployment's lifecycle stage, e.g. PRODUCTION_TRAFFIC_SHIFT or BAKE_TIME. */
    stage: string;
    /** Percent of production traffic the new revision is asked to take. */
    percentShifted?: number;
    /** Minutes of bake left, in BAKE_TIME (counted from the deployment's last update, when it entered the stage). */
    bakeRemainingMinutes?: number;
}

export function progressOf(d: ServiceDeployment, now: number): Progress {
    const strategy = deploymentOf(d.deploymentConfiguration);
    const stage = d.lifecycleStage ?? "UNKNOWN";
    const out: Progress = { strategy: strategy.strategy, stage };
    const weight = d.targetServiceRevision?.requestedProductionTrafficWeight;
    if (weight !== undefined) out.percentShifted = weight;
    if (stage === "BAKE_TIME") {
        const since = (d.updatedAt ?? d.startedAt)?.getTime();
        const elapsed = since === undefined ? 0 : Math.max(0, (now - since) / 60_000);
        out.bakeRemainingMinutes = Math.max(0, Math.round((strategy.bakeMinutes - elapsed) * 10) / 10);
    }
    return out;
}

/** One line for the log: `canary deployment in PRODUCTION_TRAFFIC_SHIFT, 10% of production traffic shifted`. */
export function progressLine(p: Progress): string {
    const parts = [`${p.strategy} deployment in ${p.stage}`];
    if (p.percentShifted !== undefined) parts.push(`${p.percentShifted}% of production traffic shifted`);
    if (p.bakeRemainingMinutes !== undefined) parts.push(`${p.bakeRemainingMinutes} min of bake remaining`);
    return parts.join(", ");
}

export interface RollbackVerdict {
    /** What rolled it back. */
    cause: "deployment alarm" | "circuit breaker" | "stop" | "rollback";
    /** The stage the deployment was last seen in before the rollback. */
    during?: string;
    percentShifted?: number;
    message: string;
}

/**
 * Why a deployment failed, in one sentence: the alarms that triggered (ServiceDeploymentAlarms
 * .triggeredAlarmNames) or the circuit breaker (failureCount of threshold), the stage it was in
 * (the last one the gate saw, since a rolled-back deployment reports the rollback's own progress),
 * and ECS's own reason.
 */
export function rollbackVerdict(d: ServiceDeployment, lastSeen: Progress | undefined, status: string): RollbackVerdict {
    const during = lastSeen?.stage ?? d.lifecycleStage;
    const percentShifted = lastSeen?.percentShifted;
    const reason = d.rollback?.reason ?? d.statusReason ?? "no reason given";
    const alarms = d.alarms?.triggeredAlarmNames ?? [];
    const where = during ? ` during ${during}${percentShifted !== undefined ? ` (${percentShifted}% of production traffic shifted)` : ""}` : "";
    if (alarms.length > 0 || d.alarms?.status === "TRIGGERED") {
        const names = alarms.length > 0 ? ` ${alarms.join(", ")}` : "";
        return { cause: "deployment alarm", during, percentShifted, message: `rolled back${where} by its deployment alarm${alarms.length === 1 ? "" : "s"}${names} (the release passed health checks but tripped the alarm), saw ${status}: ${reason}` };
    }
    if (d.deploymentCircuitBreaker?.status === "TRIGGERED") {
        const cb = d.deploymentCircuitBreaker;
        const count = cb.failureCount !== undefined ? ` after ${cb.failureCount}${cb.threshold !== undefined ? ` of ${cb.threshold}` : ""} failed tasks` : "";
        return { cause: "circuit breaker", during, percentShifted, message: `rolled back${where} by the deployment circuit breaker${count} (its tasks never turned healthy), saw ${status}: ${reason}` };
    }
    if (status === "STOPPED" || status === "STOP_REQUESTED") return { cause: "stop", during, percentShifted, message: `stopped${where}, saw ${status}: ${reason}` };
    return { cause: "rollback", during, percentShifted, message: `rolled back${where}, saw ${status}: ${reason}` };
}

/** The designed waits of the strategy a deployment reports, in minutes (for the log). */
export function deploymentWaitMinutes(d: ServiceDeployment): number {
    return waitMinutes(deploymentOf(d.deploymentConfiguration));
}
