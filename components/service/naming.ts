// Physical names that always fit. Pure: no resources, no environment; tested without
// mocks (test/naming.test.ts).
//
// Every name a stack creates starts from `ecs-ship-<stack>-<service>` (at most
// 9 + 20 + 1 + 63 characters). Pulumi auto-names a resource from its logical name plus a
// hyphen and 7 random characters, so a logical name must leave 8 characters of the
// provider's limit free. Where the full name does not fit, it is cut to a readable head
// and a 6-character hash of the full name is appended, so two different services never
// share a name and the same service always gets the same one.

import { createHash } from "crypto";

/** Pulumi auto-naming appends "-" and 7 random characters to the logical name. */
export const AUTONAME_SUFFIX_LENGTH = 8;
/** Length of the stable hash appended to a shortened name. */
export const HASH_LENGTH = 6;

/**
 * Name limits of the resources whose names can outgrow them, as Pulumi auto-names them.
 * Sources: Elastic Load Balancing API Reference, CreateLoadBalancer and CreateTargetGroup,
 * Name (32 characters); IAM User Guide, "IAM and AWS STS quotas" (role name, 64).
 */
export const NAME_LIMITS = { loadBalancer: 32, targetGroup: 32, role: 64 } as const;

/** The role kinds a stack creates: execution, task, Express infrastructure, ECS infrastructure for load balancers
 * (components/fargate/trafficShift.ts), a scheduled job's scheduler role (components/jobs/scheduledJob.ts). */
export type RoleKind = "exec" | "task" | "infra" | "lb" | "sched";
export const ROLE_KINDS: readonly RoleKind[] = ["exec", "task", "infra", "lb", "sched"];

/** Physical-name prefix of everything a stack creates: `ecs-ship-<stack>`. */
export function stackPrefix(stack: string): string {
    return `ecs-ship-${stack}`;
}

/** Name of a service's resources (component, repository, ECS service): `ecs-ship-<stack>-<service>`. */
export function serviceResourceName(stack: string, service: string): string {
    return `${stackPrefix(stack)}-${service}`;
}

/** A short, stable hash of `text`: the first `length` hex digits of its SHA-256. */
export function shortHash(text: string, length = HASH_LENGTH): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * `base + suffix` when it is at most `max` characters; otherwise the head of `base`, a
 * hyphen and the hash of `base`, then `suffix`, exactly `max` characters or fewer. The
 * head never ends in a hyphen (ELB names may not hold two in a row at a cut, and it reads
 * better). `drop` is removed from the front of `base` before cutting, to spend the budget
 * on the part that tells names apart.
 */
export function fitName(base: string, suffix: string, max: number, drop = ""): string {
    if (base.length + suffix.length <= max) return base + suffix;
    const room = max - suffix.length - HASH_LENGTH - 1;
    if (room < 1) throw new Error(`fitName: ${max} characters cannot hold a hash and "${suffix}"`);
    const readable = base.startsWith(drop) ? base.slice(drop.length) : base;
    const head = readable.slice(0, room).replace(/-+$/, "");
    return `${head}-${shortHash(base)}${suffix}`;
}

/**
 * Logical name of a service's role (`<component>-exec`, `-task`, `-infra`). With Pulumi's
 * 8 characters it stays within IAM's 64. The head keeps `ecs-ship-<stack>-` whole for any
 * stack name config accepts (at most 30 characters of the 56 - 6 - 7 = 43 kept), so the
 * deploy role's name-prefix scoping of roles still holds.
 */
export function roleLogicalName(component: string, kind: RoleKind): string {
    return fitName(component, `-${kind}`, NAME_LIMITS.role - AUTONAME_SUFFIX_LENGTH);
}

/**
 * Logical name of a service's load balancer (`alb`), or its target group behind its own load balancer
 * (`tg`) or behind the shared one (`stg`; components/fargate/fargateLoadBalancer.ts, createTargetGroup). With Pulumi's
 * 8 characters it stays within ELB's 32. ELB names cannot carry `ecs-ship-<stack>-` for
 * longer names, so a shortened name drops `ecs-ship-` and the deploy role scopes these
 * resources by their `ecs-ship:stack` tag instead (components/trust/trustPolicies.ts).
 */
export function elbLogicalName(component: string, kind: "alb" | "tg" | "stg"): string {
    const max = (kind === "alb" ? NAME_LIMITS.loadBalancer : NAME_LIMITS.targetGroup) - AUTONAME_SUFFIX_LENGTH;
    // An ALB name may not start with "internal-" (CreateLoadBalancer, Name), so a stack of
    // that name keeps the "ecs-ship-" head.
    const drop = component.startsWith("ecs-ship-internal-") ? "" : "ecs-ship-";
    return fitName(component, `-${kind}`, max, drop);
}
