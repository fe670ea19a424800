// npm run bench -- --only rollout
//
// Worst-case rollout timing of a Fargate service, computed (not measured) from the values
// FargateService ships (components/fargate/fargateSettings.ts) and from AWS's defaults, with the
// same formulas for both columns. No AWS account is needed: these are upper bounds of the
// load balancer's and ECS's own timers, not of image pulls or app start-up.
import {
    AWS_DEREGISTRATION_DELAY, AWS_HEALTH_CHECK_DEFAULTS, DEPLOYMENT, DEREGISTRATION_DELAY, HEALTH_CHECK,
    HEALTH_CHECK_GRACE_PERIOD, STOP_TIMEOUT,
} from "../../components/fargate/fargateSettings";

interface Timers {
    interval: number;
    timeout: number;
    healthyThreshold: number;
    deregistrationDelay: number;
    stopTimeout: number;
}

/**
 * Healthy: a registered target's first check comes within one interval, it needs
 * `healthyThreshold` passes one interval apart, and the last answer may take `timeout`.
 * Source: ECS Best Practices Guide, "Load balancer health check parameters" (30 s x 5 = 150 s).
 */
export function healthySeconds(t: Timers): number {
    return t.healthyThreshold * t.interval + t.timeout;
}

/**
 * Drain: ECS deregisters the old task, the target group keeps it for the deregistration delay,
 * then ECS sends SIGTERM and waits up to stopTimeout before SIGKILL.
 * Source: ECS Best Practices Guide, "Connection draining" (deregistration delay, default 300 s).
 */
export function drainSeconds(t: Timers): number {
    return t.deregistrationDelay + t.stopTimeout;
}

/**
 * A rolling deploy with minimumHealthyPercent 100 / maximumPercent 200 starts every
 * replacement at once, so one start + one health round + one drain covers all tasks.
 * `startSeconds` (provisioning, image pull, app start) is the same assumption for both columns.
 */
export function rolloutSeconds(t: Timers, startSeconds: number, rounds: number): number {
    return rounds * (startSeconds + healthySeconds(t)) + drainSeconds(t);
}

const START_ASSUMPTION = 60;

export async function run(): Promise<void> {
    const ours: Timers = { ...HEALTH_CHECK, deregistrationDelay: DEREGISTRATION_DELAY, stopTimeout: STOP_TIMEOUT };
    // Fargate's stopTimeout default is also 30 s (ECS Developer Guide, task definition parameters).
    const aws: Timers = { ...AWS_HEALTH_CHECK_DEFAULTS, deregistrationDelay: AWS_DEREGISTRATION_DELAY, stopTimeout: 30 };
    // With maximumPercent 200 every replacement starts at once (one round); below that ECS
    // replaces tasks in batches, counted here as at least two rounds.
    const rounds = DEPLOYMENT.maximumPercent >= 200 ? 1 : 2;

    const out = process.stdout;
    out.write("Method: worst-case timers, from the values FargateService ships vs AWS's defaults.\n");
    out.write("  healthy = healthyThreshold x interval + timeout      (first check within one interval)\n");
    out.write("  drain   = deregistrationDelay + stopTimeout          (SIGTERM after draining, SIGKILL after stopTimeout)\n");
    out.write(`  rollout = rounds x (start + healthy) + drain          (rounds = ${rounds} with ${DEPLOYMENT.minimumHealthyPercent}/${DEPLOYMENT.maximumPercent}; start = ${START_ASSUMPTION} s assumed for both)\n\n`);

    const rows: [string, (t: Timers) => string, (t: Timers) => number][] = [
        ["health check", (t) => `${t.healthyThreshold} x ${t.interval} s + ${t.timeout} s`, healthySeconds],
        ["drain", (t) => `${t.deregistrationDelay} s + ${t.stopTimeout} s`, drainSeconds],
        ["rolling deploy", (t) => `${rounds} x (${START_ASSUMPTION} + ${healthySeconds(t)}) + ${drainSeconds(t)}`, (t) => rolloutSeconds(t, START_ASSUMPTION, rounds)],
    ];
    const pad = (s: string, n: number) => s.padEnd(n);
    out.write(`${pad("", 16)}${pad("ecs-ship", 40)}${pad("AWS defaults", 42)}speed-up\n`);
    for (const [label, formula, value] of rows) {
        const a = value(ours);
        const b = value(aws);
        out.write(`${pad(label, 16)}${pad(`${formula(ours)} = ${fmt(a)}`, 40)}${pad(`${formula(aws)} = ${fmt(b)}`, 42)}${(b / a).toFixed(1)}x\n`);
    }
    out.write(`\nThe health-check grace period (${HEALTH_CHECK_GRACE_PERIOD} s; AWS default 0) does not delay "healthy": it only keeps ECS from\n` +
        "acting on failed checks while a task starts, so it appears in neither formula.\n");
    out.write(`Unhealthy detection (a task that stops answering): ${HEALTH_CHECK.unhealthyThreshold} x ${HEALTH_CHECK.interval} s = ${HEALTH_CHECK.unhealthyThreshold * HEALTH_CHECK.interval} s ` +
        `vs ${AWS_HEALTH_CHECK_DEFAULTS.unhealthyThreshold} x ${AWS_HEALTH_CHECK_DEFAULTS.interval} s = ${AWS_HEALTH_CHECK_DEFAULTS.unhealthyThreshold * AWS_HEALTH_CHECK_DEFAULTS.interval} s.\n`);
}

function fmt(seconds: number): string {
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    return m ? `${seconds} s (${m}m${String(s).padStart(2, "0")}s)` : `${seconds} s`;
}
