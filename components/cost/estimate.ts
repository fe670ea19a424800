// The shapes of a cost estimate, and the small arithmetic every pricing rule shares.
import { CostAssumptions } from "./assumptions";

/** One resource as `npm run plan -- --json` prints it (only the fields the model reads). */
export interface PlanResource {
    type: string;
    name: string;
    parent: string | null;
    inputs: Record<string, any>;
}

/** Monthly figures at the scaling minimum, the assumed average, and the scaling maximum. */
export interface Figures {
    low: number;
    expected: number;
    high: number;
}

export type Scenario = keyof Figures;
export const SCENARIOS: readonly Scenario[] = ["low", "expected", "high"];

export type Category = "compute" | "load balancer" | "network" | "logs" | "registry" | "monitoring" | "dns" | "security";

/** One billed quantity: what, how much, at what rate, and how the quantity was derived. */
export interface LineItem {
    /** The plan resource it comes from, or what AWS creates on its behalf (Express Mode). */
    resource: string;
    category: Category;
    /** What AWS bills, in words. */
    item: string;
    /** The unit of `quantity` and `rate`. */
    unit: string;
    quantity: Figures;
    /** USD per unit, from the price table (`priceKey`), times any stated fraction. */
    rate: number;
    priceKey: string;
    cost: Figures;
    /** How the quantity follows from the plan and the assumptions. */
    explain: string;
}

/** A service, or the stack's shared resources, with their line items. */
export interface GroupCost {
    name: string;
    cost: Figures;
    items: LineItem[];
}

export interface CostEstimate {
    region: string;
    regionName: string;
    currency: string;
    /** The date the price table was taken, and where it lives. */
    pricesTaken: string;
    priceTable: string;
    assumptions: CostAssumptions;
    services: GroupCost[];
    /** Stack-level resources: the trust, the cluster, the network, shared load balancers. */
    shared: GroupCost;
    total: Figures;
    /** Price-table keys used here whose figure for this region is not confirmed. */
    unconfirmedPrices: string[];
    /** Resource types in the plan the model does not know; their cost is not included. */
    notPriced: string[];
    notes: string[];
}

export function figures(f: (s: Scenario) => number): Figures {
    return { low: f("low"), expected: f("expected"), high: f("high") };
}

export const constant = (n: number): Figures => ({ low: n, expected: n, high: n });

export function sum(list: Figures[]): Figures {
    return figures((s) => list.reduce((acc, x) => acc + x[s], 0));
}

/** Task counts of a service: low = scaling minimum, high = maximum, expected in between. */
export function taskFigures(min: number, max: number, averageLoad: number): Figures {
    return { low: min, expected: min + averageLoad * (max - min), high: max };
}

/**
 * Load balancer capacity units per hour at a steady request rate: the largest of the
 * dimensions AWS bills on (Elastic Load Balancing pricing, "LCU details" for Application Load
 * Balancers: 25 new connections per second, 3,000 active connections per minute, 1 GB
 * processed per hour for IP targets, 1,000 rule evaluations per second past 10 free rules).
 * Assumed: every request opens a new connection (no keep-alive, the costly case); each
 * connection lasts under a second, so active connections stay far below 3,000; ecs-ship's
 * listeners have fewer than 10 rules, so rule evaluations are free.
 */
export function lcuPerHour(requestsPerSecond: number, kbPerRequest: number): { lcu: number; why: string } {
    const newConnections = requestsPerSecond / 25;
    const gbPerHour = (requestsPerSecond * kbPerRequest * 3600) / (1024 * 1024);
    const lcu = Math.max(newConnections, gbPerHour);
    const why = gbPerHour >= newConnections
        ? `processed bytes dominate: ${requestsPerSecond} req/s × ${kbPerRequest} KB = ${round(gbPerHour, 4)} GB/hour = ${round(lcu, 4)} LCU`
        : `new connections dominate: ${requestsPerSecond} req/s ÷ 25 = ${round(lcu, 4)} LCU`;
    return { lcu, why };
}

export function round(n: number, digits = 2): number {
    const f = 10 ** digits;
    return Math.round(n * f) / f;
}

/** What a pricing rule prices with: the assumptions, and the price table's figures for the estimate's region. */
export interface Pricer {
    a: CostAssumptions;
    /** A price-table figure for the estimate's region (recorded as used). */
    rate(key: string): number;
}

/** A number from a plan input (a number or a numeric string), or `dflt`. */
export const num = (v: unknown, dflt: number): number => {
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    return Number.isFinite(n) ? n : dflt;
};
