// npm run bench -- --only strategies
//
// The rollout model of each deployment strategy against rolling: minutes until all production
// traffic is on the new revision, and for a bad release (it answers a share of requests with 5xx)
// minutes until the deployment alarm trips and how much traffic met the release before that.
// Computed minute by minute from the strategies' own timelines (components/fargate/deploymentStrategy.ts)
// and the alarm defaults the service ships (components/fargate/fargateAlarms.ts); no AWS account needed.
import { ALARM_DEFAULTS } from "../../components/fargate/fargateAlarms";
import { READY_MINUTES, ResolvedDeployment, STRATEGIES, linearSteps, minutesToFullTraffic, resolveDeployment, waitMinutes } from "../../components/fargate/deploymentStrategy";

/**
 * Share (0 to 1) of production traffic on the new revision `minute` minutes after its tasks are healthy.
 * Rolling and blue/green move everything at once; canary holds `canaryPercent` for its bake, then all;
 * linear adds a step after every step bake. Source: Amazon ECS Developer Guide, "Amazon ECS canary
 * deployments", "Amazon ECS linear deployments", "Amazon ECS blue/green deployments".
 */
export function shareAt(d: ResolvedDeployment, minute: number): number {
    if (minute < 0) return 0;
    if (d.strategy === "canary") return minute < d.canaryBakeMinutes ? d.canaryPercent / 100 : 1;
    if (d.strategy === "linear") {
        const step = d.linearStepMinutes === 0 ? linearSteps(d.linearStepPercent) : Math.floor(minute / d.linearStepMinutes) + 1;
        return Math.min(1, (step * d.linearStepPercent) / 100);
    }
    return 1;
}

export interface BadRelease {
    /** Requests per second the service takes. */
    rps: number;
    /** Share of the bad revision's requests that fail with 5xx. */
    errorRate: number;
    /** 5xx per minute that trip the alarm, for `evaluationPeriods` minutes in a row. */
    threshold: number;
    evaluationPeriods: number;
}

export interface Detection {
    /** Minutes after the new tasks are healthy until the alarm trips; undefined if it never does before the old revision is gone. */
    minutes?: number;
    /** Production traffic the bad release served before the alarm tripped, in minutes of full traffic. */
    exposedTrafficMinutes: number;
}

/**
 * The first minute at which the alarm has seen `evaluationPeriods` minutes in a row of at least
 * `threshold` errors, and the traffic the release served until then. The rollback then takes the
 * alarm's word (Amazon ECS Developer Guide, "How CloudWatch alarms detect Amazon ECS deployment
 * failures"); a rolling deployment is watched too until it completes. The horizon is the
 * deployment's end (its waits plus the evaluation window), after which ECS no longer rolls back.
 */
export function detect(d: ResolvedDeployment, bad: BadRelease): Detection {
    const horizon = waitMinutes(d) + bad.evaluationPeriods;
    let run = 0;
    let exposed = 0;
    for (let m = 0; m < horizon; m++) {
        const share = shareAt(d, m);
        exposed += share;
        run = bad.rps * 60 * share * bad.errorRate >= bad.threshold ? run + 1 : 0;
        if (run >= bad.evaluationPeriods) return { minutes: m + 1, exposedTrafficMinutes: round(exposed) };
    }
    return { minutes: undefined, exposedTrafficMinutes: round(exposed) };
}

const round = (x: number) => Math.round(x * 100) / 100;

export async function run(): Promise<void> {
    const out = process.stdout;
    const bad = (rps: number): BadRelease => ({ rps, errorRate: 0.05, threshold: ALARM_DEFAULTS.http5xx, evaluationPeriods: ALARM_DEFAULTS.evaluationPeriods });
    out.write("Method: a minute-by-minute model of each strategy's traffic share (ecs-ship's defaults), and a bad release that\n");
    out.write(`fails 5% of its requests, against the deployment alarm ecs-ship ships (${ALARM_DEFAULTS.http5xx} 5xx/min for ${ALARM_DEFAULTS.evaluationPeriods} minutes in a row).\n`);
    out.write(`New tasks are healthy after about ${READY_MINUTES} min (start + one health round) in every strategy; minutes below count from then.\n`);
    out.write("exposed = traffic the bad release served before the alarm tripped, in minutes of full production traffic.\n\n");
    const strategies = STRATEGIES.map((s) => resolveDeployment({ strategy: s }));
    const pad = (s: string, n: number) => s.padEnd(n);
    for (const rps of [50, 5]) {
        out.write(`At ${rps} requests/s:\n`);
        out.write(`${pad("strategy", 12)}${pad("full traffic", 15)}${pad("old kept until", 17)}${pad("alarm trips", 14)}${pad("exposed", 12)}vs rolling\n`);
        const rolling = detect(strategies[0], bad(rps));
        for (const d of strategies) {
            const x = detect(d, bad(rps));
            const ratio = rolling.exposedTrafficMinutes > 0 ? `${round(x.exposedTrafficMinutes / rolling.exposedTrafficMinutes)}x traffic exposed` : "";
            out.write(`${pad(d.strategy, 12)}${pad(`${minutesToFullTraffic(d)} min`, 15)}${pad(`${waitMinutes(d)} min`, 17)}${pad(x.minutes === undefined ? "never" : `${x.minutes} min`, 14)}${pad(`${x.exposedTrafficMinutes}`, 12)}${ratio}\n`);
        }
        out.write("\n");
    }
    out.write("At low traffic a canary's share may never reach the alarm's threshold: the alarm then trips only after the\n");
    out.write("rest of the traffic moves, so the canary limits exposure only when the service has traffic enough to see errors.\n");
}
