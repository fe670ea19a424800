// What the cost model cannot read from a plan: traffic, log volume, image size. Every
// figure here is an assumption of ecs-ship, not an AWS fact, and each can be overridden
// (`npm run plan -- --assume requestsPerSecond=20`).

export interface CostAssumptions {
    /** Hours in a month. AWS's calculator uses 730 (8,760 / 12). */
    hoursPerMonth: number;
    /** Requests per second reaching each service through its load balancer, around the clock. */
    requestsPerSecond: number;
    /** Request plus response size, KB, for the load balancer's processed-bytes dimension. */
    kbPerRequest: number;
    /**
     * Where the "expected" figure sits between the scaling minimum (0) and maximum (1):
     * the average task count is min + averageLoad × (max − min).
     */
    averageLoad: number;
    /** Application logs written per service per month, GB (CloudWatch Logs ingestion). */
    logGbPerMonth: number;
    /** Size of one pushed image, GB (ECR stores each kept image; shared layers are stored once). */
    imageGb: number;
    /** Images kept in a repository whose lifecycle policy sets no count. */
    imagesKept: number;
    /** Data through the stack's NAT gateways per month, GB, all gateways together. */
    natGbPerMonth: number;
    /** Availability Zones (and so public IPv4 addresses) of an Express Mode load balancer. */
    expressAlbZones: number;
    /** Container Insights performance log events per running task per month, GB. */
    insightsGbPerTaskMonth: number;
    /** DNS queries per hosted zone per month, millions. */
    dnsMillionQueriesPerMonth: number;
    /** Releases per service per month: a canary, linear or blue/green release runs a second full set of tasks while it lasts. */
    deploysPerMonth: number;
    /** Deployments per month that run a service's release command (each one a new task definition revision). */
    releasesPerMonth: number;
    /** Minutes one release task runs, from start to exit (a migration). */
    releaseMinutes: number;
    /** Minutes one run of a scheduled job lasts (its task is billed while it runs). */
    jobMinutesPerRun: number;
}

export const DEFAULT_ASSUMPTIONS: Readonly<CostAssumptions> = Object.freeze({
    hoursPerMonth: 730,
    requestsPerSecond: 2,
    kbPerRequest: 20,
    averageLoad: 0.25,
    logGbPerMonth: 1,
    imageGb: 0.15,
    imagesKept: 10,
    natGbPerMonth: 10,
    // ecs-ship hands Express the stack's public subnets; with none given, Express picks the
    // default VPC's, whose count varies by region. Two is the least an ALB accepts.
    expressAlbZones: 2,
    // About one ~1.5 KB performance event per task per minute: 43,800 × 1.5 KB ≈ 0.066 GB.
    insightsGbPerTaskMonth: 0.07,
    dnsMillionQueriesPerMonth: 1,
    deploysPerMonth: 20,
    // About one deployment each working day, and a few minutes of migration each.
    releasesPerMonth: 20,
    releaseMinutes: 5,
    jobMinutesPerRun: 5,
});

/** Allowed range per assumption: [min, max]. */
const RANGES: Record<keyof CostAssumptions, [number, number]> = {
    hoursPerMonth: [1, 744],
    requestsPerSecond: [0, 1_000_000],
    kbPerRequest: [0, 1_000_000],
    averageLoad: [0, 1],
    logGbPerMonth: [0, 1_000_000],
    imageGb: [0, 10_000],
    imagesKept: [0, 100_000],
    natGbPerMonth: [0, 10_000_000],
    expressAlbZones: [2, 30],
    insightsGbPerTaskMonth: [0, 1_000],
    dnsMillionQueriesPerMonth: [0, 1_000_000],
    deploysPerMonth: [0, 10_000],
    releasesPerMonth: [0, 100_000],
    releaseMinutes: [0, 120],
    jobMinutesPerRun: [0, 1440],
};

/** A bad `--assume` value: names the key, what is allowed, and what was given. */
export class AssumptionError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "AssumptionError";
    }
}

/**
 * Applies `key=value` overrides to the defaults. Throws one AssumptionError listing every
 * bad entry.
 */
export function parseAssumptions(entries: string[], base: CostAssumptions = DEFAULT_ASSUMPTIONS): CostAssumptions {
    const out: CostAssumptions = { ...base };
    const problems: string[] = [];
    const keys = Object.keys(RANGES) as (keyof CostAssumptions)[];
    for (const entry of entries) {
        const eq = entry.indexOf("=");
        const key = (eq < 0 ? entry : entry.slice(0, eq)) as keyof CostAssumptions;
        const text = eq < 0 ? undefined : entry.slice(eq + 1);
        if (!keys.includes(key)) {
            problems.push(`--assume ${key}: unknown assumption; allowed are ${keys.join(", ")}, got ${JSON.stringify(entry)}`);
            continue;
        }
        const [min, max] = RANGES[key];
        const n = text !== undefined && /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
        if (!(n >= min && n <= max)) {
            problems.push(`--assume ${key}: must be a number from ${min} to ${max}, got ${JSON.stringify(text ?? "nothing")}`);
            continue;
        }
        out[key] = n;
    }
    if (problems.length) throw new AssumptionError(problems.join("\n"));
    return out;
}
