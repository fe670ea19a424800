// Synthetic plans for the cost model: resources shaped as `npm run plan -- --json` prints
// them, with only the inputs the model reads. Built by hand so a test can hold a
// configuration the real program does not produce yet (ten services on one load balancer).
import { PlanResource } from "../../components/cost/estimate";

export function provider(region: string): PlanResource {
    return { type: "pulumi:providers:aws", name: "ecs-ship-t", parent: null, inputs: { region } };
}

export interface FargateOptions {
    cpu?: number;
    memory?: number;
    arm?: boolean;
    min?: number;
    max?: number;
    /** Spot weight against a FARGATE weight of 1 (0 = launchType FARGATE). */
    spotWeight?: number;
    onDemandWeight?: number;
    publicIp?: boolean;
    /** Give the service its own ALB (false: it relies on a shared one). */
    ownAlb?: boolean;
    cluster?: string;
}

/** A FargateService-shaped component: task definition, service, scaling target and policy, optional ALB. */
export function fargateService(name: string, o: FargateOptions = {}): PlanResource[] {
    const spot = o.spotWeight ?? 0;
    const out: PlanResource[] = [
        { type: "ecs-ship:index:FargateService", name, parent: null, inputs: {} },
        {
            type: "aws:ecs/taskDefinition:TaskDefinition", name: `${name}-td`, parent: name,
            inputs: { family: name, cpu: String(o.cpu ?? 256), memory: String(o.memory ?? 512), runtimePlatform: { cpuArchitecture: o.arm ? "ARM64" : "X86_64", operatingSystemFamily: "LINUX" } },
        },
        {
            type: "aws:ecs/service:Service", name: `${name}-svc`, parent: name,
            inputs: {
                cluster: `arn:aws:ecs:us-east-1:123456789012:cluster/${o.cluster ?? "ecs-ship-t-cluster"}-1234567`,
                desiredCount: o.min ?? 1,
                taskDefinition: `arn:aws:ecs:us-east-1:123456789012:task-definition/${name}:1`,
                ...(spot > 0 ? { capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: o.onDemandWeight ?? 0 }, { capacityProvider: "FARGATE_SPOT", weight: spot }] } : { launchType: "FARGATE" }),
                networkConfiguration: { assignPublicIp: o.publicIp ?? false, subnets: ["subnet-a", "subnet-b"] },
                loadBalancers: [{ containerName: "app", containerPort: 8080, targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}-tg/1` }],
            },
        },
        { type: "aws:lb/targetGroup:TargetGroup", name: `${name}-tg`, parent: name, inputs: { port: 8080, targetType: "ip" } },
        { type: "aws:appautoscaling/target:Target", name: `${name}-scaling`, parent: name, inputs: { minCapacity: o.min ?? 1, maxCapacity: o.max ?? o.min ?? 1 } },
    ];
    if (o.ownAlb !== false) out.push(alb(`${name}-alb`, name));
    return out;
}

export function alb(name: string, parent: string | null, subnets = 2): PlanResource {
    return { type: "aws:lb/loadBalancer:LoadBalancer", name, parent, inputs: { loadBalancerType: "application", internal: false, subnets: Array.from({ length: subnets }, (_, i) => `subnet-${i}`) } };
}

/** An ExpressService-shaped component; cpu/memory left out means Express's defaults. */
export function expressService(name: string, o: { cpu?: number; memory?: number; min?: number; max?: number; cluster?: string } = {}): PlanResource[] {
    return [
        { type: "ecs-ship:index:ExpressService", name, parent: null, inputs: {} },
        {
            type: "aws:ecs/expressGatewayService:ExpressGatewayService", name: `${name}-service`, parent: name,
            inputs: {
                cluster: o.cluster ?? "ecs-ship-t-cluster-1234567",
                ...(o.cpu ? { cpu: String(o.cpu) } : {}),
                ...(o.memory ? { memory: String(o.memory) } : {}),
                scalingTargets: [{ autoScalingMetric: "AVERAGE_CPU", autoScalingTargetValue: 60, minTaskCount: o.min ?? 1, maxTaskCount: o.max ?? o.min ?? 1 }],
            },
        },
    ];
}

export function cluster(name: string, insights: "enabled" | "disabled" | "enhanced"): PlanResource[] {
    return [
        { type: "ecs-ship:index:FargateCluster", name, parent: null, inputs: {} },
        { type: "aws:ecs/cluster:Cluster", name: `${name}-cluster`, parent: name, inputs: { settings: [{ name: "containerInsights", value: insights }] } },
    ];
}

export function natVpc(strategy: "None" | "Single" | "OnePerAz", zones = 2): PlanResource[] {
    return [
        { type: "ecs-ship:index:StackNetwork", name: "ecs-ship-t-network", parent: null, inputs: {} },
        { type: "awsx:ec2:Vpc", name: "ecs-ship-t-network-vpc", parent: "ecs-ship-t-network", inputs: { numberOfAvailabilityZones: zones, natGateways: { strategy } } },
    ];
}
