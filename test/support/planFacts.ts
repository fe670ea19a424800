// What a plan says about each service, read from the resources index.ts registered: the facts a
// scenario asserts (image source, port, size, platform, capacity, listeners, variables, secrets,
// subnets, scaling), in one plain shape that is the same for Express and Fargate services.
// Pure: reads a finished Plan, no mocks.
import { SCALING_TRIGGER_ENV } from "../../components/express/expressLifecycle";
import { Plan } from "../../tools/planner/planner";
import { RecordedResource } from "../../tools/planner/mockCloud";

/** Short names of the resource types whose counts every scenario states. */
export const COUNTED = {
    repositories: "aws:ecr/repository:Repository",
    images: "docker:index/image:Image",
    expressServices: "aws:ecs/expressGatewayService:ExpressGatewayService",
    fargateServices: "aws:ecs/service:Service",
    taskDefinitions: "aws:ecs/taskDefinition:TaskDefinition",
    loadBalancers: "aws:lb/loadBalancer:LoadBalancer",
    listeners: "aws:lb/listener:Listener",
    listenerRules: "aws:lb/listenerRule:ListenerRule",
    certificates: "aws:acm/certificate:Certificate",
    dnsRecords: "aws:route53/record:Record",
    vpcs: "awsx:ec2:Vpc",
    networks: "ecs-ship:index:StackNetwork",
    oidcProviders: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    secretPolicies: "aws:iam/rolePolicy:RolePolicy#secrets",
    taskRoles: "aws:iam/role:Role#task",
} as const;
export type Counts = Record<keyof typeof COUNTED, number>;

export interface ServiceFacts {
    mode: "express" | "fargate";
    /** "built" for an image built into the service's repository, else the prebuilt reference. */
    image: string;
    /** Name of the service's ECR repository, or null for a prebuilt image. */
    repository: string | null;
    port: number;
    healthCheckPath: string;
    cpu: number;
    memory: number;
    /** Fargate: the task definition's runtime platform; Express: always X86_64. */
    architecture: "X86_64" | "ARM64";
    /** Fargate: capacity providers (or the launch type); Express: ["EXPRESS"]. */
    capacity: string[];
    /**
     * "<protocol>:<port> <action>", e.g. "HTTP:80 redirect", "HTTPS:443 forward"; behind a shared load
     * balancer, its rules: "<protocol>:<port> <action> host <names> path <patterns>"; Express: none.
     */
    listeners: string[];
    environment: Record<string, string>;
    /** Variable name → valueFrom, as the container gets it. */
    secrets: Record<string, string>;
    /** Resources the execution role may read secrets from, sorted. */
    secretReads: string[];
    /** Fargate: task subnets; Express: its networkConfigurations subnets, or null when left to AWS. */
    subnets: string[] | null;
    /** Fargate only: the load balancer's subnets. */
    albSubnets?: string[];
    /** Fargate only. */
    assignPublicIp?: boolean;
    /** Fargate only. */
    desiredCount?: number;
    /** Only with `release`: the command, its timeout, and the family of the task definition it runs. */
    release?: { command: string[]; timeoutMinutes: number; family: string };
    /** Only with `sidecars` (Fargate): each extra container as the task runs it, and its log retention. */
    sidecars?: Record<string, { image: string; essential: boolean; ports: number[]; dependsOn: string[]; logRetentionDays: number }>;
    scaling: { min: number; max: number; metric: string; target: number };
}

export interface PlanFacts {
    counts: Counts;
    services: Record<string, ServiceFacts>;
}

const METRICS: Record<string, string> = {
    AVERAGE_CPU: "cpu", AVERAGE_MEMORY: "memory", REQUEST_COUNT_PER_TARGET: "requests",
    ECSServiceAverageCPUUtilization: "cpu", ECSServiceAverageMemoryUtilization: "memory", ALBRequestCountPerTarget: "requests",
};

export function countsOf(p: Plan): Counts {
    const out = {} as Counts;
    for (const [k, t] of Object.entries(COUNTED) as [keyof Counts, string][]) {
        const [type, suffix] = t.split("#");
        out[k] = p.resources.filter((r) => r.type === type && (!suffix || r.name.endsWith(`-${suffix}`))).length;
    }
    return out;
}

export function planFacts(p: Plan): PlanFacts {
    const services: Record<string, ServiceFacts> = {};
    const prefix = `ecs-ship-${p.stack}-`;
    for (const c of p.resources.filter((r) => r.type === "ecs-ship:index:ExpressService" || r.type === "ecs-ship:index:FargateService")) {
        services[c.name.slice(prefix.length)] = {
            ...(c.type.endsWith("ExpressService") ? expressFacts(p, c.name) : fargateFacts(p, c.name)),
            ...releaseFacts(p, c.name),
            ...sidecarFacts(p, c.name),
        };
    }
    return { counts: countsOf(p), services };
}

function childOf(p: Plan, parent: string, type: string): RecordedResource[] {
    return p.resources.filter((r) => r.parent === parent && r.type === type);
}

function one(p: Plan, parent: string, type: string): RecordedResource {
    const found = childOf(p, parent, type);
    if (found.length !== 1) throw new Error(`${parent}: expected one ${type}, found ${found.length}`);
    return found[0];
}

/**
 * The repository whose build the service runs: its own registry's, or (services sharing one build,
 * config/sharedBuild.ts) the registry whose pushed image it runs by digest.
 */
function registryFacts(p: Plan, name: string, image: string): Pick<ServiceFacts, "image" | "repository"> {
    const repo = childOf(p, `${name}-registry`, "aws:ecr/repository:Repository")[0]
        ?? p.resources.find((r) => r.type === "aws:ecr/repository:Repository" && image.startsWith(`${r.state.repositoryUrl}@`));
    if (!repo) return { image, repository: null };
    const built = one(p, String(repo.parent), "docker:index/image:Image");
    const expected = `${repo.state.repositoryUrl}@`;
    return { image: image.startsWith(expected) && built ? "built" : image, repository: repo.inputs.name };
}

function secretReads(p: Plan, name: string): string[] {
    const policy = childOf(p, name, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === `${name}-exec-secrets`);
    if (!policy) return [];
    const doc = JSON.parse(policy.inputs.policy);
    return doc.Statement.flatMap((s: { Resource: string | string[] }) => [s.Resource].flat()).sort();
}

const pairs = (list: { name: string; value?: string; valueFrom?: string }[] | undefined, key: "value" | "valueFrom") =>
    Object.fromEntries((list ?? []).map((x) => [x.name, x[key] as string]));

function expressFacts(p: Plan, name: string): ServiceFacts {
    const svc = one(p, name, "aws:ecs/expressGatewayService:ExpressGatewayService").inputs;
    const c = svc.primaryContainer;
    const t = svc.scalingTargets[0];
    return {
        mode: "express",
        ...registryFacts(p, name, c.image),
        port: c.containerPort,
        healthCheckPath: svc.healthCheckPath,
        cpu: Number(svc.cpu),
        memory: Number(svc.memory),
        architecture: "X86_64",
        capacity: ["EXPRESS"],
        listeners: [],
        // ECS_SHIP_SCALING is ecs-ship's own carrier for scaling changes (components/express/expressLifecycle.ts),
        // asserted by the Express tests; the facts hold what the team set.
        environment: withoutScalingTrigger(pairs(c.environments, "value")),
        secrets: pairs(c.secrets, "valueFrom"),
        secretReads: secretReads(p, name),
        subnets: svc.networkConfigurations ? svc.networkConfigurations[0].subnets : null,
        scaling: { min: t.minTaskCount, max: t.maxTaskCount, metric: METRICS[t.autoScalingMetric], target: t.autoScalingTargetValue },
    };
}

function fargateFacts(p: Plan, name: string): ServiceFacts {
    const td = one(p, name, "aws:ecs/taskDefinition:TaskDefinition").inputs;
    const [container] = JSON.parse(td.containerDefinitions);
    const svc = one(p, name, "aws:ecs/service:Service").inputs;
    const tg = one(p, name, "aws:lb/targetGroup:TargetGroup").inputs;
    const own = childOf(p, name, "aws:lb/loadBalancer:LoadBalancer");
    // Behind the stack's shared load balancer, the service owns no ALB, only rules on its listeners.
    const alb = (own.length > 0 ? one(p, name, "aws:lb/loadBalancer:LoadBalancer") : one(p, `ecs-ship-${p.stack}-shared`, "aws:lb/loadBalancer:LoadBalancer")).inputs;
    const target = one(p, name, "aws:appautoscaling/target:Target").inputs;
    const policy = one(p, name, "aws:appautoscaling/policy:Policy").inputs.targetTrackingScalingPolicyConfiguration;
    const listeners = own.length > 0
        ? childOf(p, name, "aws:lb/listener:Listener").map((l) => `${l.inputs.protocol}:${l.inputs.port} ${l.inputs.defaultActions[0].type}`).sort()
        : childOf(p, name, "aws:lb/listenerRule:ListenerRule").map((r) => {
            const l = p.resources.find((x) => x.type === "aws:lb/listener:Listener" && x.state.arn === r.inputs.listenerArn)!.inputs;
            const conditions = r.inputs.conditions.map((c: { hostHeader?: { values: string[] }; pathPattern?: { values: string[] } }) =>
                (c.hostHeader ? `host ${c.hostHeader.values.join(",")}` : `path ${c.pathPattern!.values.join(",")}`)).join(" ");
            return `${l.protocol}:${l.port} ${r.inputs.actions[0].type} ${conditions}`;
        }).sort();
    return {
        mode: "fargate",
        ...registryFacts(p, name, container.image),
        port: container.portMappings[0].containerPort,
        healthCheckPath: tg.healthCheck.path,
        cpu: Number(td.cpu),
        memory: Number(td.memory),
        architecture: td.runtimePlatform.cpuArchitecture,
        capacity: svc.capacityProviderStrategies ? svc.capacityProviderStrategies.map((s: { capacityProvider: string }) => s.capacityProvider) : [svc.launchType],
        listeners,
        environment: pairs(container.environment, "value"),
        secrets: pairs(container.secrets, "valueFrom"),
        secretReads: secretReads(p, name),
        subnets: svc.networkConfiguration.subnets,
        albSubnets: alb.subnets,
        assignPublicIp: svc.networkConfiguration.assignPublicIp,
        desiredCount: svc.desiredCount,
        scaling: {
            min: target.minCapacity, max: target.maxCapacity,
            metric: METRICS[policy.predefinedMetricSpecification.predefinedMetricType], target: policy.targetValue,
        },
    };
}

function withoutScalingTrigger(env: Record<string, string>): Record<string, string> {
    const { [SCALING_TRIGGER_ENV]: _trigger, ...rest } = env;
    return rest;
}

/** The release a service runs before its rollouts, when it has one. */
function releaseFacts(p: Plan, name: string): Pick<ServiceFacts, "release"> {
    const r = childOf(p, name, "pulumi-nodejs:dynamic:ReleaseTask")[0];
    if (!r) return {};
    const td = p.resources.find((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition" && x.state.arn === r.inputs.taskDefinitionArn)!;
    return { release: { command: r.inputs.command, timeoutMinutes: r.inputs.timeoutSeconds / 60, family: td.inputs.family } };
}

/** The task's containers after the first (the app), with their log groups' retention. */
function sidecarFacts(p: Plan, name: string): Pick<ServiceFacts, "sidecars"> {
    const td = childOf(p, name, "aws:ecs/taskDefinition:TaskDefinition").find((t) => !t.name.endsWith("-release-td"));
    const [, ...others] = td ? JSON.parse(td.inputs.containerDefinitions) : [];
    if (others.length === 0) return {};
    const retention = (group: string) => p.resources.find((x) => x.type === "aws:cloudwatch/logGroup:LogGroup" && x.state.name === group)!.inputs.retentionInDays;
    return {
        sidecars: Object.fromEntries(others.map((c: any) => [c.name, {
            image: c.image, essential: c.essential, ports: c.portMappings.map((m: { containerPort: number }) => m.containerPort),
            dependsOn: c.dependsOn.map((d: { containerName: string; condition: string }) => `${d.containerName} ${d.condition}`),
            logRetentionDays: retention(c.logConfiguration.options["awslogs-group"]),
        }])),
    };
}
