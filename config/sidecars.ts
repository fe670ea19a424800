// `sidecars` of a service: extra containers in a Fargate task (components/fargate/sidecars.ts builds them).
import { z } from "zod";
import { DEPENDENCY_CONDITIONS, HEALTH_CHECK_LIMITS, SidecarSettings, sidecarProblems } from "../components/fargate/sidecars";
import { CONTAINER_NAME } from "../components/fargate/fargateService";
import { DEFAULTS } from "./defaults";
import { bool, closed, int, listOf, mapOf, oneOf, problem, record, says, show } from "./rules";
import { DNS_LABEL, ENV_NAME, SECRET_REF } from "./patterns";
import { DIGEST_REF } from "../components/registry/registryPolicies";
import { commandSchema } from "./release";

const L = HEALTH_CHECK_LIMITS;
/**
 * Sidecars run by digest, like the service's own image: a tag can move under a running stack, and the
 * policy pack's mandatory image-pinned-by-digest rule (policy/rules.ts) checks every container of a
 * task definition.
 */
const SIDECAR_IMAGE = "must be pinned by digest, as <registry>/<repository>@sha256:<64 hex digits> (`docker buildx imagetools inspect <image>:<tag>` prints it), since a tag can move under a running stack";

export const sidecarSchema = closed({
    image: z.string(says(SIDECAR_IMAGE, "is required: an image pinned by digest")).regex(DIGEST_REF, { error: SIDECAR_IMAGE })
        .meta({ description: "The sidecar's image, pinned by digest (<registry>/<repository>@sha256:<64 hex>), built for the service's architecture." }),
    essential: bool().optional().meta({ description: "When it stops, the whole task stops (ECS's default).", default: true }),
    ports: listOf(int(1, 65535), "ports").optional().meta({ description: "Ports it listens on inside the task; no load balancer reaches them." }),
    environment: mapOf(z.union([z.string(), z.number(), z.boolean()], { error: "must be a string, number or boolean" })).optional()
        .meta({ description: "Its plain environment variables." }),
    secrets: mapOf(z.string(says(SECRET_REF))).optional()
        .meta({ description: "Its variables from Secrets Manager or SSM Parameter Store; the execution role may read exactly these." }),
    healthCheck: closed({
        command: commandSchema.meta({ description: "Exec form, or starting with CMD or CMD-SHELL as ECS takes it." }),
        intervalSeconds: int(L.intervalSeconds.min, L.intervalSeconds.max).optional().meta({ description: "Seconds between checks.", default: 30 }),
        timeoutSeconds: int(L.timeoutSeconds.min, L.timeoutSeconds.max).optional().meta({ description: "Seconds a check may take before it counts as failed.", default: 5 }),
        retries: int(L.retries.min, L.retries.max).optional().meta({ description: "Failed checks in a row before the container is unhealthy.", default: 3 }),
        startPeriodSeconds: int(L.startPeriodSeconds.min, L.startPeriodSeconds.max).optional().meta({ description: "Seconds after start during which failed checks do not count. Default: none." }),
    }).optional().meta({ description: "A container health check (Amazon ECS API Reference, HealthCheck)." }),
    dependsOn: mapOf(oneOf(DEPENDENCY_CONDITIONS as unknown as ["START", "COMPLETE", "SUCCESS", "HEALTHY"])).optional()
        .meta({ description: "Containers it starts after, by name (the service's own name for the main container, or another sidecar), with the condition." }),
}).meta({ description: "An extra container in the service's task." });

export const sidecarsSchema = mapOf(sidecarSchema).meta({
    description: "Fargate only: extra containers in each task, by name (a lowercase DNS label). Each logs to a log group of its own with the service's retention.",
});

/** Values as the components take them: environment as text, the main container under its task name. */
export function sidecarsForComponent(serviceName: string, sidecars: Record<string, any> | undefined): Record<string, SidecarSettings> | undefined {
    if (!sidecars) return undefined;
    return Object.fromEntries(Object.entries(sidecars).map(([name, s]) => [name, {
        ...s,
        environment: s.environment && Object.fromEntries(Object.entries(s.environment).map(([k, v]) => [k, String(v)])),
        dependsOn: s.dependsOn && Object.fromEntries(Object.entries(s.dependsOn).map(([t, c]) => [t === serviceName ? CONTAINER_NAME : t, c])),
    }]));
}

/**
 * Rules that need the service's name: a sidecar named like the main container, ports taken twice,
 * unknown or impossible dependsOn targets. Paths are relative to the services map.
 */
export function checkSidecars(serviceName: string, s: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const sidecars = record(s.sidecars);
    if (!sidecars) return;
    if (s.mode === "express") {
        // The Express API takes one container: `primaryContainer`, and no list of further containers.
        // Source: Amazon ECS API Reference, CreateExpressGatewayService
        // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateExpressGatewayService.html),
        // request parameters: primaryContainer (ExpressGatewayContainer), no other container parameter; the AWS CLI
        // reference lists them all (https://docs.aws.amazon.com/cli/latest/reference/ecs/create-express-gateway-service.html:
        // execution-role-arn, infrastructure-role-arn, service-name, cluster, health-check-path, primary-container,
        // task-role-arn, network-configuration, cpu, memory, scaling-target, tags).
        problem(ctx, [serviceName, "sidecars"], `Express Mode runs one container per task (CreateExpressGatewayService takes only a primaryContainer, Amazon ECS API Reference); sidecars are allowed only with mode: fargate, got ${show(Object.keys(sidecars))}`);
        return;
    }
    for (const name of Object.keys(sidecars)) {
        if (!DNS_LABEL.test(name)) problem(ctx, [serviceName, "sidecars", name], `sidecar name must be a lowercase DNS label (a-z, 0-9 and "-", starting with a letter), got ${show(name)}`);
        const vars = record(record(sidecars[name])?.environment) ?? {};
        const secrets = record(record(sidecars[name])?.secrets) ?? {};
        for (const n of [...Object.keys(vars), ...Object.keys(secrets)]) {
            if (!ENV_NAME.test(n)) problem(ctx, [serviceName, "sidecars", name, n in vars ? "environment" : "secrets", n], `variable name must be letters, digits and "_", not starting with a digit, got ${show(n)}`);
            else if (n in vars && n in secrets) problem(ctx, [serviceName, "sidecars", name, "secrets", n], "is also set in environment; a variable may come from one place only");
        }
    }
    const valid = Object.values(sidecars).every((x) => record(x) && typeof record(x)!.image === "string");
    if (!valid) return;
    const port = typeof s.port === "number" ? s.port : DEFAULTS.service.port;
    for (const message of sidecarProblems(sidecars as unknown as Record<string, SidecarSettings>, { containerName: CONTAINER_NAME, serviceName, port })) {
        // sidecarProblems words each as `<key>: <message>`, the key relative to the service.
        const at = message.indexOf(": ");
        problem(ctx, [serviceName, ...message.slice(0, at).split(".")], message.slice(at + 2));
    }
}
