// StackNetwork: where the stack's load balancers and tasks live, resolved once per stack.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";

/**
 * Exactly two subnets for the load balancer, in two different Availability Zones: the first
 * subnet of each of the first two zones, in the order given. An ALB needs at least two zones
 * (Elastic Load Balancing User Guide, "Application Load Balancers", Availability Zones), and
 * every further subnet holds one more load-balancer node with a public IPv4 address.
 */
export function pickAlbSubnets(subnets: Array<{ id: string; availabilityZone: string }>): string[] {
    const byZone = new Map<string, string>();
    for (const s of subnets) if (!byZone.has(s.availabilityZone)) byZone.set(s.availabilityZone, s.id);
    if (byZone.size < 2) {
        const zones = [...new Set(subnets.map((s) => s.availabilityZone))];
        throw new Error(`the load balancer needs public subnets in 2 different Availability Zones, got ${subnets.length} subnet(s) in ${zones.length} (${zones.join(", ") || "none"})`);
    }
    return [...byZone.values()].slice(0, 2);
}

export const STACK_NETWORK_TYPE = "ecs-ship:index:StackNetwork";

/** NAT choices for a created VPC (awsx.ec2.NatGatewayStrategy). */
export type NatStrategy = "None" | "Single" | "OnePerAz";

/** StackNetwork's defaults: the one place they live. */
export const STACK_NETWORK_DEFAULTS = {
    publicSubnetIds: [] as readonly string[],
    privateSubnetIds: [] as readonly string[],
    create: false,
    /** No NAT gateway (about $32/month each): tasks get public IPs in public subnets instead. */
    natStrategy: "None" as NatStrategy,
} as const;

/** NAT strategies a created VPC accepts. */
export const NAT_STRATEGY_VALUES: readonly NatStrategy[] = ["None", "Single", "OnePerAz"];

/** Shaped like config.ts's NetworkSettings, so `settings.network` is passed as is. */
export interface StackNetworkArgs {
    /**
     * An existing VPC. Requires `publicSubnetIds`. Conflicts with `create`.
     * @default - the account's default VPC in the provider's region
     */
    vpcId?: string;
    /**
     * Public subnets of `vpcId`, in at least two Availability Zones. The load balancer takes the
     * first subnet of each of the first two zones; tasks use them when no private subnets are given.
     * @default []
     */
    publicSubnetIds?: string[];
    /**
     * Private subnets of `vpcId` for the tasks (no public IP). They need a route to ECR and
     * CloudWatch Logs: a NAT gateway or VPC endpoints, which this component does not create.
     * @default [] - tasks run in the public subnets with a public IP
     */
    privateSubnetIds?: string[];
    /**
     * Create a dedicated VPC (`awsx.ec2.Vpc`, two Availability Zones) instead of using one.
     * @default false
     */
    create?: boolean;
    /**
     * NAT gateways of a created VPC. `None` creates public subnets only, and tasks get public
     * IPs (ingress still closed by their security group). `Single` or `OnePerAz` adds private
     * subnets for the tasks. Cost: each NAT gateway is about $32/month plus $0.045/GB processed.
     * @default "None" (awsx's own default is OnePerAz, so it is always passed explicitly)
     */
    natStrategy?: NatStrategy;
}

/**
 * The stack's network, resolved once and shared by every service of the stack.
 *
 * - Default: the account's default VPC and its default subnets (`default-for-az`). A default VPC
 *   has exactly one default subnet per Availability Zone (Amazon EC2 API Reference,
 *   CreateDefaultSubnet: "You can have only one default subnet per Availability Zone"), so any
 *   two of them are in different zones. Default subnets are public, so tasks get a public IP.
 * - `vpcId` + subnets: those, with the load balancer's two picked by Availability Zone.
 * - `create`: a dedicated VPC through `awsx.ec2.Vpc` with an explicit NAT strategy.
 *
 * **Cost.** The load balancer uses exactly two subnets: each extra subnet is one more ALB node
 * with a public IPv4 address, about $3.65/month (AWS public IPv4 pricing, $0.005/hour). A task
 * with a public IP pays the same per task. Each NAT gateway is about $32/month plus data
 * processing (Amazon VPC pricing, us-east-1), so none is created unless asked for.
 */
export class StackNetwork extends pulumi.ComponentResource {
    /** The VPC every security group and target group belongs to. */
    public readonly vpcId: pulumi.Output<string>;
    /** Exactly two public subnets, in two Availability Zones, for load balancers. */
    public readonly albSubnetIds: pulumi.Output<string[]>;
    /** Subnets the tasks run in. */
    public readonly taskSubnetIds: pulumi.Output<string[]>;
    /** Whether tasks need a public IP to reach ECR and CloudWatch Logs (true in public subnets). */
    public readonly assignPublicIp: boolean;
    /** Every public subnet (Express Mode takes these). */
    public readonly publicSubnetIds: pulumi.Output<string[]>;

    constructor(name: string, args: StackNetworkArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(STACK_NETWORK_TYPE, name, {}, opts);
        const a = this.validate(args);

        const resolved = a.create ? this.createVpc(name, a.natStrategy) : a.vpcId ? this.existingVpc(name, a) : this.defaultVpc();

        this.vpcId = resolved.vpcId;
        this.publicSubnetIds = resolved.publicSubnetIds;
        this.albSubnetIds = resolved.albSubnetIds;
        this.taskSubnetIds = resolved.taskSubnetIds;
        this.assignPublicIp = resolved.assignPublicIp;
        this.registerOutputs({
            vpcId: this.vpcId,
            albSubnetIds: this.albSubnetIds,
            taskSubnetIds: this.taskSubnetIds,
            assignPublicIp: this.assignPublicIp,
            publicSubnetIds: this.publicSubnetIds,
        });
    }

    private validate(args: StackNetworkArgs): Required<Pick<StackNetworkArgs, "create" | "natStrategy" | "publicSubnetIds" | "privateSubnetIds">> & { vpcId?: string } {
        const d = STACK_NETWORK_DEFAULTS;
        const publicSubnetIds = args.publicSubnetIds ?? [...d.publicSubnetIds];
        const privateSubnetIds = args.privateSubnetIds ?? [...d.privateSubnetIds];
        const create = args.create ?? d.create;
        if (args.natStrategy !== undefined && !NAT_STRATEGY_VALUES.includes(args.natStrategy)) {
            throw new pulumi.ResourceError(`\`natStrategy\` must be one of ${NAT_STRATEGY_VALUES.join(", ")}, got ${JSON.stringify(args.natStrategy)}.`, this, true);
        }
        const given = args.vpcId !== undefined || publicSubnetIds.length > 0 || privateSubnetIds.length > 0;
        if (create && given) throw new pulumi.ResourceError("Only one of `create` or `vpcId`/subnets can be provided.", this, true);
        if (!create && args.natStrategy !== undefined) throw new pulumi.ResourceError(`\`natStrategy\` applies only with \`create\`, got ${JSON.stringify(args.natStrategy)}.`, this, true);
        if (!create && given && args.vpcId === undefined) throw new pulumi.ResourceError("Either `vpcId` or `create` must be provided when subnets are given.", this, true);
        if (args.vpcId !== undefined && publicSubnetIds.length < 2) {
            throw new pulumi.ResourceError(`\`publicSubnetIds\` must list at least 2 subnets in different Availability Zones (the load balancer needs two), got ${publicSubnetIds.length}.`, this, true);
        }
        return { vpcId: args.vpcId, publicSubnetIds, privateSubnetIds, create, natStrategy: args.natStrategy ?? d.natStrategy };
    }

    private defaultVpc(): Resolved {
        const vpc = aws.ec2.getVpcOutput({ default: true }, { parent: this });
        const subnets = aws.ec2.getSubnetsOutput({
            filters: [
                { name: "vpc-id", values: [vpc.id] },
                { name: "default-for-az", values: ["true"] },
            ],
        }, { parent: this });
        // Sorted, so the two ALB subnets do not move when AWS lists them in another order.
        const ids = subnets.ids.apply((x) => [...x].sort());
        return {
            vpcId: vpc.id,
            publicSubnetIds: ids,
            albSubnetIds: ids.apply((x) => {
                if (x.length < 2) throw new pulumi.ResourceError(`the default VPC has ${x.length} default subnet(s); the load balancer needs 2 in different Availability Zones (create them with \`aws ec2 create-default-subnet\`, or set ecs-ship:network)`, this);
                return x.slice(0, 2);
            }),
            taskSubnetIds: ids,
            assignPublicIp: true,
        };
    }

    private existingVpc(name: string, a: { vpcId?: string; publicSubnetIds: string[]; privateSubnetIds: string[] }): Resolved {
        // Look up each public subnet's zone, so two subnets of one zone never carry the ALB.
        const placed = a.publicSubnetIds.map((id) => aws.ec2.getSubnetOutput({ id }, { parent: this })
            .apply((s) => ({ id, availabilityZone: s.availabilityZone })));
        const albSubnetIds = pulumi.all(placed).apply((list) => {
            try {
                return pickAlbSubnets(list);
            } catch (e) {
                throw new pulumi.ResourceError(`${name}: ${(e as Error).message}`, this);
            }
        });
        const usePrivate = a.privateSubnetIds.length > 0;
        return {
            vpcId: pulumi.output(a.vpcId!),
            publicSubnetIds: pulumi.output(a.publicSubnetIds),
            albSubnetIds,
            taskSubnetIds: pulumi.output(usePrivate ? a.privateSubnetIds : a.publicSubnetIds),
            assignPublicIp: !usePrivate,
        };
    }

    private createVpc(name: string, natStrategy: NatStrategy): Resolved {
        const withNat = natStrategy !== "None";
        const vpc = new awsx.ec2.Vpc(`${name}-vpc`, {
            // Two zones: what the load balancer needs, and at most two NAT gateways with OnePerAz.
            numberOfAvailabilityZones: 2,
            natGateways: { strategy: natStrategy },
            subnetStrategy: "Auto",
            // Without NAT a private subnet could not reach ECR, so none is created.
            subnetSpecs: withNat ? [{ type: "Public" }, { type: "Private" }] : [{ type: "Public" }],
            enableDnsHostnames: true,
        }, { parent: this });
        const publicIds = vpc.publicSubnetIds;
        return {
            vpcId: vpc.vpcId,
            publicSubnetIds: publicIds,
            albSubnetIds: publicIds.apply((x) => x.slice(0, 2)),
            taskSubnetIds: withNat ? vpc.privateSubnetIds : publicIds,
            assignPublicIp: !withNat,
        };
    }
}

interface Resolved {
    vpcId: pulumi.Output<string>;
    publicSubnetIds: pulumi.Output<string[]>;
    albSubnetIds: pulumi.Output<string[]>;
    taskSubnetIds: pulumi.Output<string[]>;
    assignPublicIp: boolean;
}
