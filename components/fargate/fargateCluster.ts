// FargateCluster: the one ECS cluster a stack's Fargate services share.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { argumentsError } from "../service/argumentsError";

export const FARGATE_CLUSTER_TYPE = "ecs-ship:index:FargateCluster";

export interface FargateClusterArgs {
    /**
     * CloudWatch Container Insights for the cluster's tasks. Costs extra: it publishes custom
     * metrics per task and service (Amazon CloudWatch pricing, Container Insights).
     * @default false
     */
    containerInsights?: boolean;
    /** Tags for the cluster, on top of the provider's default tags. @default {} */
    tags?: Record<string, string>;
}

/** FargateCluster's defaults: the one place they live. */
export const FARGATE_CLUSTER_DEFAULTS = {
    /** Off: Container Insights bills custom metrics per task. */
    containerInsights: false,
} as const;

/**
 * One ECS cluster per stack. A cluster costs nothing by itself; it only groups services.
 *
 * The cluster is associated with the FARGATE and FARGATE_SPOT capacity providers, because a
 * service can name a capacity provider in its strategy only when the cluster has it
 * (Amazon ECS Developer Guide, "Amazon ECS clusters for Fargate", capacity providers).
 * Both outputs carry that association as a dependency, so a service built from them is
 * created after it (a FARGATE_SPOT strategy would otherwise be rejected) and deleted before it.
 */
export class FargateCluster extends pulumi.ComponentResource {
    public readonly arn: pulumi.Output<string>;
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: FargateClusterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(FARGATE_CLUSTER_TYPE, name, {}, opts);
        const containerInsights = args.containerInsights ?? FARGATE_CLUSTER_DEFAULTS.containerInsights;
        if (typeof containerInsights !== "boolean") {
            throw argumentsError(this, [`containerInsights: must be true or false, got ${JSON.stringify(containerInsights)}`]);
        }

        const cluster = new aws.ecs.Cluster(`${name}-cluster`, {
            // "disabled" is written out: an account-level default could otherwise turn it on.
            settings: [{ name: "containerInsights", value: containerInsights ? "enabled" : "disabled" }],
            tags: args.tags,
        }, { parent: this });

        const providers = new aws.ecs.ClusterCapacityProviders(`${name}-capacity`, {
            clusterName: cluster.name,
            capacityProviders: ["FARGATE", "FARGATE_SPOT"],
            // A service that gives neither launch type nor strategy runs on regular FARGATE.
            defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }],
        }, { parent: this });

        this.arn = pulumi.all([cluster.arn, providers.id]).apply(([arn]) => arn);
        this.name = providers.clusterName;
        this.registerOutputs({ arn: this.arn, name: this.name });
    }
}
