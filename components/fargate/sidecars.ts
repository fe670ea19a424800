// Sidecars: extra containers in a Fargate service's task (a proxy, an agent, a log router). They
// share the task's network namespace, cpu and memory; each gets a log group of its own with the
// service's retention. Nothing here but the log groups creates resources, so the container shapes
// and the checks are tested without mocks.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { containerEnvironment, containerSecrets } from "../service/serviceArgs";

/** Start-order conditions. Source: Amazon ECS API Reference, ContainerDependency, condition. */
export const DEPENDENCY_CONDITIONS = ["START", "COMPLETE", "SUCCESS", "HEALTHY"] as const;
export type DependencyCondition = (typeof DEPENDENCY_CONDITIONS)[number];

/**
 * Container health check bounds and defaults. Source: Amazon ECS API Reference, HealthCheck:
 * interval 5-300 s (default 30), timeout 2-60 s (default 5), retries 1-10 (default 3),
 * startPeriod 0-300 s (off when unset).
 */
export const HEALTH_CHECK_LIMITS = {
    intervalSeconds: { min: 5, max: 300 }, timeoutSeconds: { min: 2, max: 60 }, retries: { min: 1, max: 10 }, startPeriodSeconds: { min: 0, max: 300 },
} as const;

export interface SidecarHealthCheck {
    /** Exec form (`["curl", "-f", "http://localhost:9901/ready"]`), or starting with CMD or CMD-SHELL as ECS takes it. */
    command: string[];
    intervalSeconds?: number;
    timeoutSeconds?: number;
    retries?: number;
    startPeriodSeconds?: number;
}

export interface SidecarSettings {
    /** Image reference: by digest (recommended) or by tag. */
    image: string;
    /** When it stops, the task stops. @default true (ECS's own default: Amazon ECS Developer Guide, "Task definition parameters", essential) */
    essential?: boolean;
    /** Ports it listens on, inside the task (no load balancer reaches them). */
    ports?: number[];
    environment?: Record<string, string>;
    secrets?: Record<string, string>;
    healthCheck?: SidecarHealthCheck;
    /** Containers it waits for, by name: another sidecar, or the main container by its service name. */
    dependsOn?: Record<string, DependencyCondition>;
}

/** What the main container is called inside the task and in the stack file. */
export interface MainContainer {
    /** Its name in the task definition (`app`). */
    containerName: string;
    /** Its name in the stack file: the service's (`web`). */
    serviceName: string;
    port: number;
}

/** ECS's health check command: exec form becomes `["CMD", ...]`; CMD and CMD-SHELL forms pass as they are. */
export function healthCheckCommand(command: string[]): string[] {
    return command[0] === "CMD" || command[0] === "CMD-SHELL" ? command : ["CMD", ...command];
}

/** Every problem with a service's sidecars, worded like the configuration's errors. Pure. */
export function sidecarProblems(sidecars: Record<string, SidecarSettings> | undefined, main: MainContainer): string[] {
    if (!sidecars) return [];
    const problems: string[] = [];
    const names = Object.keys(sidecars);
    const ports = new Map<number, string>([[main.port, `the service's port (${main.serviceName})`]]);
    for (const [name, s] of Object.entries(sidecars)) {
        const key = `sidecars.${name}`;
        if (name === main.serviceName || name === main.containerName) {
            problems.push(`${key}: a sidecar may not be named like the main container ("${main.serviceName}", in the task "${main.containerName}"); choose another name, got ${JSON.stringify(name)}`);
        }
        for (const p of s.ports ?? []) {
            const owner = ports.get(p);
            // Containers of an awsvpc task share one network namespace: one port, one listener.
            if (owner) problems.push(`${key}.ports: ${p} is already taken by ${owner}; containers of a task share its network, got ${p}`);
            else ports.set(p, `sidecar ${name}`);
        }
        for (const [target, condition] of Object.entries(s.dependsOn ?? {})) {
            const isMain = target === main.serviceName;
            if (!isMain && !names.includes(target)) {
                problems.push(`${key}.dependsOn.${target}: must name the main container (${main.serviceName}) or another sidecar (${names.filter((n) => n !== name).join(", ") || "none"}), got ${JSON.stringify(target)}`);
                continue;
            }
            if (target === name) problems.push(`${key}.dependsOn.${target}: a container cannot wait for itself`);
            const other = isMain ? undefined : sidecars[target];
            // Source: Amazon ECS API Reference, ContainerDependency: HEALTHY needs the target's health check;
            // COMPLETE and SUCCESS cannot be set on an essential container.
            if (condition === "HEALTHY" && !other?.healthCheck) {
                problems.push(`${key}.dependsOn.${target}: HEALTHY needs a health check on ${target}${isMain ? " (the main container has none: the load balancer checks it)" : ""}; use START, or give it a healthCheck, got "HEALTHY"`);
            }
            if ((condition === "COMPLETE" || condition === "SUCCESS") && (isMain || other?.essential !== false)) {
                problems.push(`${key}.dependsOn.${target}: ${condition} applies only to a container with essential: false, and ${target} is essential; got ${JSON.stringify(condition)}`);
            }
        }
    }
    const cycle = dependencyCycle(sidecars);
    if (cycle) problems.push(`sidecars: dependsOn goes round in a circle (${cycle.join(" -> ")}), so none of them could start`);
    return problems;
}

/** The first circle among the sidecars' dependsOn, or undefined. */
function dependencyCycle(sidecars: Record<string, SidecarSettings>): string[] | undefined {
    const state = new Map<string, "open" | "done">();
    const visit = (n: string, trail: string[]): string[] | undefined => {
        if (state.get(n) === "done" || !sidecars[n]) return undefined;
        if (state.get(n) === "open") return [...trail.slice(trail.indexOf(n)), n];
        state.set(n, "open");
        for (const next of Object.keys(sidecars[n].dependsOn ?? {})) {
            const found = next !== n ? visit(next, [...trail, n]) : undefined;
            if (found) return found;
        }
        state.set(n, "done");
        return undefined;
    };
    for (const n of Object.keys(sidecars).sort()) {
        const found = visit(n, []);
        if (found) return found;
    }
    return undefined;
}

/** Every sidecar secret, for the execution role's read policy and the permissions boundary. */
export function sidecarSecrets(sidecars: Record<string, { secrets?: Record<string, string> }> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, s] of Object.entries(sidecars ?? {})) for (const [k, v] of Object.entries(s.secrets ?? {})) out[`${name}.${k}`] = v;
    return out;
}

/** A log group per sidecar (`<service>-<sidecar>-logs`), with the service's retention. */
export function createSidecarLogGroups(parent: pulumi.Resource, name: string, sidecars: Record<string, SidecarSettings> | undefined, retentionInDays: number, tags?: Record<string, string>): Record<string, aws.cloudwatch.LogGroup> {
    return Object.fromEntries(Object.keys(sidecars ?? {}).sort().map((s) => [s, new aws.cloudwatch.LogGroup(`${name}-${s}-logs`, { retentionInDays, tags }, { parent })]));
}

/** The sidecars' container definitions, sorted by name so diffs are stable. */
export function sidecarContainers(sidecars: Record<string, SidecarSettings> | undefined, main: MainContainer, logGroups: Record<string, pulumi.Input<string>>, region: pulumi.Input<string>): Record<string, unknown>[] {
    return Object.keys(sidecars ?? {}).sort().map((name) => {
        const s = sidecars![name];
        const h = s.healthCheck;
        return {
            name,
            image: s.image,
            essential: s.essential ?? true,
            portMappings: (s.ports ?? []).map((containerPort) => ({ containerPort, protocol: "tcp" })),
            environment: containerEnvironment(s.environment ?? {}),
            secrets: containerSecrets(s.secrets ?? {}),
            healthCheck: h ? {
                command: healthCheckCommand(h.command),
                interval: h.intervalSeconds, timeout: h.timeoutSeconds, retries: h.retries, startPeriod: h.startPeriodSeconds,
            } : undefined,
            dependsOn: Object.keys(s.dependsOn ?? {}).sort().map((target) => ({
                containerName: target === main.serviceName ? main.containerName : target,
                condition: s.dependsOn![target],
            })),
            logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": logGroups[name], "awslogs-region": region, "awslogs-stream-prefix": name } },
        };
    });
}
