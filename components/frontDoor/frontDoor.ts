// The front door of a stack's Fargate services, as pure decisions: whether they share one
// load balancer, and how each service is routed on it. No resources; tested without mocks
// (test/frontDoor.test.ts).
import { shortHash } from "../service/naming";

/**
 * Listener rule priorities ALB accepts: 1 to 50000, lowest evaluated first. Source: Elastic Load
 * Balancing API Reference, CreateRule, Priority (valid range 1-50000).
 */
export const RULE_PRIORITY = { min: 1, max: 50000 } as const;

/**
 * AWS's fixed quotas per Application Load Balancer that a shared load balancer meets. Source: Elastic
 * Load Balancing User Guide, "Quotas for your Application Load Balancers"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html):
 * rules per load balancer excluding default rules 100, target groups per load balancer 100 (not
 * adjustable), certificates per load balancer excluding the default one 25, condition values per rule 5.
 */
export const ALB_QUOTAS = { rules: 100, targetGroups: 100, certificates: 25, conditionValuesPerRule: 5 } as const;

/** Whether a stack's Fargate services share one load balancer: `shared` when set, else when there are two or more. */
export function sharesLoadBalancer(fargateServices: number, shared?: boolean): boolean {
    return shared ?? fargateServices > 1;
}

/**
 * Bands of derived priorities, most specific first, because ALB evaluates rules from the lowest
 * priority up and the first match wins (Elastic Load Balancing User Guide, "Listener rules for your
 * Application Load Balancer"): a rule on a host and a path (`shop.example.com` + `/api`) must come
 * before the rule on that host alone, and both before a catch-all `path: /`, or the broader rule
 * would take the narrower one's requests.
 */
export const PRIORITY_BANDS = {
    hostAndPath: { min: 1, max: 30000 },
    hostOrPath: { min: 30001, max: 45000 },
    catchAll: { min: 45001, max: RULE_PRIORITY.max },
} as const;
export type PriorityBand = keyof typeof PRIORITY_BANDS;

/** The band of a route: how much of a request it pins down. */
export function priorityBand(r: { host?: string; path?: string }): PriorityBand {
    return r.host && r.path ? "hostAndPath" : r.host || r.path ? "hostOrPath" : "catchAll";
}

/**
 * A service's rule priority on the shared listeners: the explicit one, else derived from the service
 * name alone (a stable hash into its band), so adding or removing another service does not move it
 * (unless two hashes meet, routesOf).
 */
export function rulePriority(service: string, explicit?: number, band: PriorityBand = "hostOrPath"): number {
    if (explicit !== undefined) return explicit;
    const { min, max } = PRIORITY_BANDS[band];
    return min + (parseInt(shortHash(`rule:${service}`, 8), 16) % (max - min + 1));
}

/** How a service is reached on a shared load balancer: by host name, by path prefix, or both. */
export interface Route {
    host?: string;
    /** Path prefix without a trailing slash, e.g. `/api`. */
    path?: string;
    priority: number;
}

/**
 * The route of a service on a shared load balancer: its domain as the host, and its `path`; without
 * a domain the path defaults to `/<service>`, so every service has a condition of its own.
 */
export function routeOf(service: string, o: { domain?: string; path?: string; priority?: number }): Route {
    const given = o.path ?? (o.domain ? undefined : `/${service}`);
    const path = given === "/" ? undefined : given?.replace(/\/+$/, "");
    return { host: o.domain, path, priority: rulePriority(service, o.priority, priorityBand({ host: o.domain, path })) };
}

/**
 * The routes of all services on one shared load balancer. A service's derived priority is its hash
 * in its band unless an explicit `priority` or a service earlier by name already holds that number;
 * then it takes the next free one in the band. Two services whose hashes meet therefore still plan,
 * and only those two can ever move. A number that moves to another service never needs a new rule at
 * a number still held: rules are named after their priority (fargateLoadBalancer.ts, sharedRuleName),
 * so the rule holding it is updated in place to serve its new service.
 */
export function routesOf(services: { name: string; domain?: string; path?: string; priority?: number }[]): Record<string, Route> {
    const routes = Object.fromEntries(services.map((s) => [s.name, routeOf(s.name, s)]));
    const taken = new Set(services.filter((s) => s.priority !== undefined).map((s) => s.priority!));
    for (const s of [...services].sort((a, b) => a.name.localeCompare(b.name))) {
        if (s.priority !== undefined) continue;
        const r = routes[s.name];
        const { min, max } = PRIORITY_BANDS[priorityBand(r)];
        let p = r.priority;
        for (let tries = 0; taken.has(p) && tries <= max - min; tries++) p = p === max ? min : p + 1;
        taken.add(p);
        routes[s.name] = { ...r, priority: p };
    }
    return routes;
}

/**
 * A route as listener rule conditions. A path prefix matches itself and everything below it
 * (`/api` and `/api/*`); ALB does not strip it, so the app serves under the prefix.
 */
export function ruleConditions(r: Route): { hostHeader?: { values: string[] }; pathPattern?: { values: string[] } }[] {
    const out: { hostHeader?: { values: string[] }; pathPattern?: { values: string[] } }[] = [];
    if (r.host) out.push({ hostHeader: { values: [r.host] } });
    if (r.path) out.push({ pathPattern: { values: [r.path, `${r.path}/*`] } });
    if (out.length === 0) out.push({ pathPattern: { values: ["/*"] } });
    return out;
}

/** Services whose priorities collide, as `priority: [services]`, for a clear configuration error. */
export function priorityCollisions(priorities: Record<string, number>): [number, string[]][] {
    const by = new Map<number, string[]>();
    for (const [s, p] of Object.entries(priorities)) by.set(p, [...(by.get(p) ?? []), s]);
    return [...by.entries()].filter(([, s]) => s.length > 1).map(([p, s]) => [p, s.sort()]);
}

/**
 * Whether a path the app serves is reachable through the service's route. ALB forwards the path
 * unchanged (no prefix is stripped), so behind a path prefix the task sees `/api/...`, and a health
 * check or version path must lie under the prefix for the deploy gate to reach it through the load
 * balancer. Without a prefix (own load balancer, a domain alone, or `path: /`) every path is.
 */
export function underRoute(path: string, prefix?: string): boolean {
    if (!prefix) return true;
    const p = path.split("?")[0];
    return p === prefix || p.startsWith(`${prefix}/`);
}

/** The health check path of a service left at its default: `/health`, under its path prefix if it has one. */
export function defaultHealthCheckPath(prefix: string | undefined, fallback: string): string {
    return prefix ? `${prefix}${fallback}` : fallback;
}

/** Services whose routes are the same (same host and path), which one rule would shadow. */
export function routeCollisions(routes: Record<string, Route>): string[][] {
    const by = new Map<string, string[]>();
    for (const [s, r] of Object.entries(routes)) {
        const key = `${r.host ?? ""}|${r.path ?? ""}`;
        by.set(key, [...(by.get(key) ?? []), s]);
    }
    return [...by.values()].filter((s) => s.length > 1).map((s) => s.sort());
}

/**
 * The URL a service answers on: its domain over HTTPS; on a shared load balancer without a
 * domain, the load balancer's name and the service's path; else the load balancer's name.
 */
export function serviceUrl(o: { dnsName: string; https: boolean; domain?: string; path?: string }): string {
    if (o.domain) return `https://${o.domain}${o.path ?? ""}`;
    return `${o.https ? "https" : "http"}://${o.dnsName}${o.path ?? ""}`;
}
