// The committed price table (prices.json), typed. prices.json is the one place prices live;
// this module only reads it and picks a region's figures.
import * as table from "./prices.json";

/** One region's on-demand list prices, USD. Units are in the key: per hour, per GB, per month. */
export interface RegionPrices {
    name: string;
    /** Fargate Linux/x86_64, per vCPU-hour and per GB of memory per hour. */
    fargateX86VcpuHour: number;
    fargateX86GbHour: number;
    /** Fargate Linux/ARM (Graviton), per vCPU-hour and per GB-hour. */
    fargateArmVcpuHour: number;
    fargateArmGbHour: number;
    /** Share of the on-demand rate that Fargate Spot is assumed to cost (Spot floats). */
    fargateSpotFraction: number;
    /** Application Load Balancer, per hour and per LCU-hour. */
    albHour: number;
    albLcuHour: number;
    /** Any public IPv4 address (ALB node, task ENI, NAT gateway EIP), per hour. */
    publicIpv4Hour: number;
    /** NAT gateway, per hour and per GB processed. */
    natHour: number;
    natGb: number;
    /** ECR private repository storage, per GB-month. */
    ecrGbMonth: number;
    /** CloudWatch Logs Standard ingestion per GB, and archived storage per GB-month. */
    logsIngestGb: number;
    logsStoreGbMonth: number;
    /** CloudWatch custom metric (first tier) and standard alarm, per month. */
    metricMonth: number;
    alarmMonth: number;
    /** KMS customer managed key, and Secrets Manager secret, per month. */
    kmsKeyMonth: number;
    secretMonth: number;
    /** Keys of this region whose figure was not confirmed against a reachable source. */
    unconfirmed: string[];
}

/** Prices that do not depend on the region (Route 53 is a global service). */
export interface GlobalPrices {
    route53HostedZoneMonth: number;
    route53MillionQueries: number;
    unconfirmed: string[];
}

export interface PriceTable {
    /** The date the figures were taken, YYYY-MM-DD. */
    taken: string;
    currency: string;
    about: string[];
    sources: Record<string, string>;
    crossChecks: Record<string, string>;
    global: GlobalPrices;
    regions: Record<string, RegionPrices>;
}

/** The committed table. */
export const PRICES: PriceTable = table as PriceTable;

/** Where the price table lives in the repository, for messages and docs. */
export const PRICE_TABLE_PATH = "components/cost/prices.json";

/** A region the price table does not cover. */
export class UnknownRegionError extends Error {
    constructor(region: string, known: string[]) {
        super(`cost: region ${JSON.stringify(region)} is not in the price table (${PRICE_TABLE_PATH}); it covers ${known.join(", ")}`);
        this.name = "UnknownRegionError";
    }
}

/** The prices of one region, or an error naming the regions the table covers. */
export function regionPrices(region: string, prices: PriceTable = PRICES): RegionPrices {
    const r = prices.regions[region];
    if (!r) throw new UnknownRegionError(region, Object.keys(prices.regions));
    return r;
}
