// What every Fargate workload's task definition and service write the same way: the web service, the
// worker, the scheduled job and the release task.

/** A task definition's platform part: awsvpc on Fargate, the size, Linux on the service's architecture. */
export function fargateTaskPlatform(a: { family: string; cpu: number; memory: number; architecture?: string }) {
    return {
        family: a.family,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: String(a.cpu),
        memory: String(a.memory),
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: a.architecture === "arm64" ? "ARM64" : "X86_64" },
    };
}

/**
 * A service's capacity: always a capacity provider strategy, never `launchType`, so switching `spot` is an
 * in-place update. The provider forces a new service when `launch_type` changes (ForceNew), and refuses to
 * update `capacity_provider_strategy` on an existing service unless `force_new_deployment` is true
 * (Terraform AWS provider, internal/service/ecs/service.go, schema and capacityProviderStrategyCustomizeDiff).
 * `forceNewDeployment` makes the strategy change in place; ECS starts a new deployment on the new capacity
 * (Amazon ECS API Reference, UpdateService, capacityProviderStrategy). Updates roll out new tasks anyway.
 */
export function fargateCapacity(spot: boolean | undefined) {
    return { capacityProviderStrategies: [{ capacityProvider: spot ? "FARGATE_SPOT" : "FARGATE", weight: 1 }], forceNewDeployment: true };
}
