// The monthly cost model: a plan's recorded resources + a region → line items per service
// and for the stack, at the scaling minimum (low), an assumed average, and the maximum (high).
// Pure: no Pulumi, no I/O. The prices come from prices.json; every other number is an
// assumption in assumptions.ts.
import { CostAssumptions, DEFAULT_ASSUMPTIONS } from "./assumptions";
import {
    CostEstimate, Figures, GroupCost, LineItem, PlanResource, Pricer, constant, sum,
} from "./estimate";
import { PRICES, PRICE_TABLE_PATH, PriceTable, RegionPrices, regionPrices } from "./priceTable";
import { computeItems, expressAlbItems, insightsItems, itemsFor, loadBalancerItems, natItems } from "./rules";

export interface EstimateOptions {
    assumptions?: CostAssumptions;
    prices?: PriceTable;
    /** Stripped from component names to name services (`ecs-ship-dev-` → `web`). */
    namePrefix?: string;
}

export const EXPRESS = "aws:ecs/expressGatewayService:ExpressGatewayService";
export const ECS_SERVICE = "aws:ecs/service:Service";

/** A component resource: its type token has no module path (`pkg:index:Type`). */
/** Component resources group children and cost nothing; dynamic resources are custom ones (the release task). */
const isComponent = (r: PlanResource) => !r.type.includes("/") && !r.type.startsWith("pulumi-nodejs:dynamic:");

/** The region a plan deploys to: its AWS provider's `region` input. */
export function planRegion(resources: PlanResource[]): string | undefined {
    const provider = resources.find((r) => r.type === "pulumi:providers:aws" && typeof r.inputs?.region === "string");
    return provider?.inputs.region;
}

/**
 * Estimates the monthly cost of a plan's resources in `region`.
 *
 * Resources are grouped by their top-level component. A group holding an ECS service or an
 * Express Mode service is a service (its `<name>-registry` group joins it); every other group
 * is the stack's shared part.
 */
export function estimateCost(resources: PlanResource[], region: string, options: EstimateOptions = {}): CostEstimate {
    const a = options.assumptions ?? DEFAULT_ASSUMPTIONS;
    const table = options.prices ?? PRICES;
    const regional = regionPrices(region, table);
    const used = new Set<string>();
    const p: Pricer = {
        a,
        rate: (key) => {
            used.add(key);
            return key in regional ? (regional as any)[key] : (table.global as any)[key];
        },
    };

    const topOf = topFinder(resources);
    const groups = new Map<string, PlanResource[]>();
    for (const r of resources) {
        if (!isComponent(r)) groups.set(topOf(r), [...(groups.get(topOf(r)) ?? []), r]);
    }
    const serviceNames = [...groups.keys()].filter((g) => groups.get(g)!.some((r) => r.type === EXPRESS || r.type === ECS_SERVICE));
    const groupOf = (name: string) => serviceNames.includes(name) ? name : serviceNames.find((s) => name === `${s}-registry`) ?? null;

    const itemsByService = new Map<string, LineItem[]>(serviceNames.map((s) => [s, []]));
    const sharedItems: LineItem[] = [];
    const notPriced = new Set<string>();
    const add = (group: string | null, items: LineItem[]) => (group ? itemsByService.get(group)! : sharedItems).push(...items);

    for (const [top, members] of groups) {
        const group = groupOf(top);
        for (const r of members) {
            if (r.type === EXPRESS || r.type === ECS_SERVICE) add(group, computeItems(r, members, p));
            else if (r.type === "aws:lb/loadBalancer:LoadBalancer") continue;
            else {
                const items = itemsFor(r, members, p);
                if (items === undefined) notPriced.add(r.type);
                else add(group, items);
            }
        }
    }
    // Load balancers: one in a service's group serves that service; any other is shared by the
    // load-balanced services that have none of their own.
    const lbs = resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
    const ownsLb = new Set(lbs.map((lb) => groupOf(topOf(lb))).filter((g): g is string => g !== null));
    const servedByShared = resources.filter((r) => r.type === ECS_SERVICE && (r.inputs.loadBalancers ?? []).length > 0
        && !ownsLb.has(groupOf(topOf(r)) ?? "")).length;
    const sharedLbs = lbs.filter((lb) => groupOf(topOf(lb)) === null);
    for (const lb of lbs) {
        const group = groupOf(topOf(lb));
        const served = group ? 1 : Math.max(1, servedByShared / sharedLbs.length);
        add(group, loadBalancerItems(lb, served, p));
    }
    // The load balancers Express Mode creates (not in the plan), shared by its services.
    const express = resources.filter((r) => r.type === EXPRESS);
    for (const [svc, items] of expressAlbItems(express, p)) add(groupOf(topOf(svc)), items);
    add(null, natItems(resources, p));
    add(null, insightsItems(resources, [...express, ...resources.filter((r) => r.type === ECS_SERVICE)], p));

    const strip = (n: string) => options.namePrefix && n.startsWith(options.namePrefix) ? n.slice(options.namePrefix.length) : n;
    const services: GroupCost[] = serviceNames.map((s) => group(strip(s), itemsByService.get(s)!));
    const shared = group("shared", sharedItems);
    return {
        region,
        regionName: regional.name,
        currency: table.currency,
        pricesTaken: table.taken,
        priceTable: PRICE_TABLE_PATH,
        assumptions: { ...a },
        services,
        shared,
        total: sum([...services.map((s) => s.cost), shared.cost]),
        unconfirmedPrices: [...used].filter((k) => unconfirmed(k, regional, table)).sort(),
        notPriced: [...notPriced].sort(),
        notes: NOTES,
    };
}

function unconfirmed(key: string, regional: RegionPrices, table: PriceTable): boolean {
    return key in regional ? regional.unconfirmed.includes(key) : table.global.unconfirmed.includes(key);
}

function group(name: string, items: LineItem[]): GroupCost {
    return { name, cost: items.length ? sum(items.map((i) => i.cost)) : constant(0), items };
}

/** Finds the name of a resource's top-level component (its own name when it has none). */
function topFinder(resources: PlanResource[]): (r: PlanResource) => string {
    const components = new Map(resources.filter(isComponent).map((c) => [c.name, c]));
    return (r) => {
        let top = r.name;
        let name = r.parent;
        const seen = new Set<string>();
        while (name && components.has(name) && !seen.has(name)) {
            seen.add(name);
            top = name;
            name = components.get(name)!.parent;
        }
        return top;
    };
}

/** What the model leaves out, said once with every estimate. */
export const NOTES = [
    "Data transfer out to the internet is not included (the first 100 GB a month across an account are free; then about $0.09/GB).",
    "List prices: no free tier, Savings Plans or credits applied.",
    "Secrets and KMS keys the stack only references by ARN are billed where they were created, not here.",
    "Fargate Spot is priced at a fixed fraction of on-demand; the real Spot price floats.",
];

export type { CostEstimate, Figures };
