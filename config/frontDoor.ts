// Stack-level rules of the front door: how services share one load balancer and its domains.
import { z } from "zod";
import { priorityCollisions, routeCollisions, routesOf, sharesLoadBalancer, underRoute } from "../components/frontDoor/frontDoor";
import { problem, record, show } from "./rules";

/** Routing on the shared load balancer: `path` and `priority` need one, and no two services may share a priority or a route. */
export function checkFrontDoor(o: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const fargate = Object.entries(record(o.services) ?? {}).filter(([, v]) => record(v)?.mode === "fargate" && record(v)?.kind !== "worker") as [string, Record<string, unknown>][];
    const shared = sharesLoadBalancer(fargate.length, record(o.loadBalancer)?.shared as boolean | undefined);
    checkSharedDomains(fargate, shared, ctx);
    if (!shared) {
        for (const [name, svc] of fargate) {
            for (const field of ["path", "priority"]) {
                if (svc[field] !== undefined) problem(ctx, ["services", name, field], `applies only on a shared load balancer (ecs-ship:loadBalancer.shared, the default with two or more Fargate services); this service has its own, got ${show(svc[field])}`);
            }
        }
        return;
    }
    const routes = routesOf(fargate.map(([name, svc]) => ({
        name, domain: typeof svc.domain === "string" ? svc.domain : undefined, path: typeof svc.path === "string" ? svc.path : undefined,
        priority: Number.isInteger(svc.priority) ? svc.priority as number : undefined,
    })));
    for (const [priority, names] of priorityCollisions(Object.fromEntries(Object.entries(routes).map(([n, r]) => [n, r.priority])))) {
        problem(ctx, ["services", names[1], "priority"], `must differ from the rule priority of ${names[0]} on the shared load balancer; set \`priority\` (1-50000) on one of ${names.join(", ")}, got ${priority} for both`);
    }
    for (const names of routeCollisions(routes)) {
        problem(ctx, ["services", names[1], "path"], `routes the same requests as ${names[0]} on the shared load balancer; give each its own domain or path, got the same for ${names.join(", ")}`);
    }
    // The prefix reaches the app unchanged, so the paths the load balancer probes and the deploy gate
    // requests must lie under it, or the gate could not reach them through the load balancer.
    for (const [name, svc] of fargate) {
        const prefix = routes[name].path;
        for (const field of ["healthCheckPath", "versionPath"]) {
            const given = svc[field];
            if (typeof given === "string" && given.startsWith("/") && !underRoute(given, prefix)) {
                const why = svc.path === undefined ? `${prefix} (the default path of a service without a domain on the shared load balancer)` : prefix;
                problem(ctx, ["services", name, field], `must lie under the service's path ${why}: the load balancer forwards ${prefix} and ${prefix}/* to the app unchanged, so the app serves under it and the deploy gate requests this path through the load balancer; use ${show(`${prefix}${given}`)}, or give the service a domain or \`path: /\`, got ${show(given)}`);
            }
        }
    }
}

/**
 * Services on one domain (a site on `/`, its API on `/api`) share the domain's certificate, zone and
 * alias record, so they must sit on the shared load balancer and agree on them.
 */
function checkSharedDomains(fargate: [string, Record<string, unknown>][], shared: boolean, ctx: z.RefinementCtx): void {
    const byDomain = new Map<string, [string, Record<string, unknown>][]>();
    for (const [name, svc] of fargate) {
        if (typeof svc.domain === "string") byDomain.set(svc.domain, [...(byDomain.get(svc.domain) ?? []), [name, svc]]);
    }
    for (const [domain, owners] of byDomain) {
        const [[first, firstSvc], ...rest] = owners.sort(([a], [b]) => a.localeCompare(b));
        for (const [name, svc] of rest) {
            if (!shared) {
                problem(ctx, ["services", name, "domain"], `is also ${first}'s; services share a domain only on the shared load balancer (ecs-ship:loadBalancer.shared: true), each on its own path; got ${show(domain)} for both`);
                continue;
            }
            for (const field of ["certificateArn", "hostedZone", "hostedZoneId"]) {
                if (svc[field] !== firstSvc[field]) problem(ctx, ["services", name, field], `must equal services.${first}.${field}: both serve ${domain}, which has one certificate and one zone; got ${show(svc[field])}, and ${show(firstSvc[field])} on ${first}`);
            }
        }
    }
}
