// DrainBarrier: holds `pulumi destroy` (and the delete half of a replacement) until an ECS
// service has left DRAINING, so what the service needs while it drains is deleted after it.
//
// Why: the Terraform AWS provider's delete of an Express service returns as soon as the
// service is DRAINING (internal/service/ecs/express_gateway_service.go,
// waitExpressGatewayServiceInactive: Target is INACTIVE *or* DRAINING). While it drains, ECS
// uses the infrastructure role to remove the load balancer rules, target groups and security
// groups it created. Without a barrier Pulumi deletes that role's policy attachment and the
// cluster next, and the drain fails or leaves those resources behind.
//
// Where it sits: the barrier depends on the roles, policies and cluster; the service depends
// on the barrier. Pulumi deletes in reverse dependency order, so: service (returns at
// DRAINING) -> barrier (waits for INACTIVE) -> policies, roles, cluster.
//
// The provider below is a Pulumi dynamic provider: Pulumi serializes its code into the stack
// state and runs it in the deployment's process. So the functions it calls are plain
// top-level functions, and the AWS SDK is loaded with `require` inside them.
import * as pulumi from "@pulumi/pulumi";

/** Registered type of the barrier: a Pulumi dynamic resource. */
export const DRAIN_BARRIER_TYPE = "pulumi-nodejs:dynamic:DrainBarrier";

/** How long a delete waits for the drain, and how often it asks. */
export const DRAIN_WAIT = { timeoutSeconds: 30 * 60, pollSeconds: 15 };

/** What the barrier watches. Plain values: they are stored in the state and read on delete. */
export interface DrainTarget {
    region: string;
    cluster: string;
    serviceName: string;
    timeoutSeconds: number;
    pollSeconds: number;
}

/** One look at the service: its ECS status, or "MISSING" when ECS no longer knows it. */
export type ServiceStatus = "ACTIVE" | "DRAINING" | "INACTIVE" | "MISSING";

/** The waiting loop's clock, replaceable in tests. */
export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

/**
 * Waits until the service is INACTIVE or gone. Returns the statuses seen, in order.
 * Throws, naming the service, its last status and what to do, when the timeout passes.
 */
export async function waitForDrain(
    target: DrainTarget,
    describe: () => Promise<ServiceStatus>,
    clock: Clock,
): Promise<ServiceStatus[]> {
    const seen: ServiceStatus[] = [];
    const deadline = clock.now() + target.timeoutSeconds * 1000;
    for (;;) {
        const status = await describe();
        seen.push(status);
        if (status === "INACTIVE" || status === "MISSING") return seen;
        if (clock.now() >= deadline) throw new Error(drainTimeoutMessage(target, status));
        await clock.sleep(target.pollSeconds * 1000);
    }
}

/** The error a delete fails with when the service is still draining at the deadline. */
export function drainTimeoutMessage(target: DrainTarget, status: ServiceStatus): string {
    const minutes = Math.round(target.timeoutSeconds / 60);
    return `ecs-ship: ECS service "${target.serviceName}" in cluster "${target.cluster}" is still ${status} after ${minutes} minutes. `
        + "Its roles and cluster are kept, because ECS needs them to finish removing the load balancer rules, target groups and "
        + `security groups it created. Run \`pulumi destroy\` again once \`aws ecs describe-services --region ${target.region} `
        + `--cluster ${target.cluster} --services ${target.serviceName}\` shows INACTIVE.`;
}

/**
 * Reads one service's status with DescribeServices. An Express service is an ECS service, so
 * the same call serves both modes. A name ECS does not know comes back as a failure with
 * reason MISSING (Amazon ECS API Reference, DescribeServices, "failures").
 */
export async function describeServiceStatus(client: { send(command: unknown): Promise<any> }, target: DrainTarget): Promise<ServiceStatus> {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { DescribeServicesCommand } = require("@aws-sdk/client-ecs");
    const out = await client.send(new DescribeServicesCommand({ cluster: target.cluster, services: [target.serviceName] }));
    const service = (out.services ?? []).find((s: any) => s.serviceName === target.serviceName);
    if (!service) return "MISSING";
    return (service.status ?? "MISSING") as ServiceStatus;
}

/** The real delete: an ECS client from the deployment's credentials, and the wall clock. */
export async function drainService(target: DrainTarget): Promise<ServiceStatus[]> {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { ECSClient } = require("@aws-sdk/client-ecs");
    const client = new ECSClient({ region: target.region });
    const clock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
    return waitForDrain(target, () => describeServiceStatus(client, target), clock);
}

/** The dynamic provider. Create and update only record the target; delete waits. */
export function drainBarrierProvider(): pulumi.dynamic.ResourceProvider {
    // A changed region, cluster or service name is another service: a new barrier.
    return {
        async create(inputs: DrainTarget) {
            return { id: `${inputs.cluster}/${inputs.serviceName}`, outs: inputs };
        },
        async diff(_id: string, olds: DrainTarget, news: DrainTarget) {
            const keys: (keyof DrainTarget)[] = ["region", "cluster", "serviceName", "timeoutSeconds", "pollSeconds"];
            const replaces = keys.filter((k) => ["region", "cluster", "serviceName"].includes(k) && olds[k] !== news[k]);
            return { changes: keys.some((k) => olds[k] !== news[k]), replaces, deleteBeforeReplace: false };
        },
        async update(_id: string, _olds: DrainTarget, news: DrainTarget) {
            return { outs: news };
        },
        async delete(_id: string, props: DrainTarget) {
            await drainService(props);
        },
    };
}

export interface DrainBarrierArgs {
    region: pulumi.Input<string>;
    cluster: pulumi.Input<string>;
    serviceName: pulumi.Input<string>;
    /** @default 1800 (30 minutes) */
    timeoutSeconds?: number;
    /** @default 15 */
    pollSeconds?: number;
}

/**
 * A resource whose delete waits until `serviceName` in `cluster` is INACTIVE or gone. Give it
 * `dependsOn` on everything the draining service still needs, and make the service depend on
 * it. It creates nothing in AWS and costs nothing.
 */
export class DrainBarrier extends pulumi.dynamic.Resource {
    constructor(name: string, args: DrainBarrierArgs, opts?: pulumi.CustomResourceOptions) {
        super(drainBarrierProvider(), name, {
            region: args.region,
            cluster: args.cluster,
            serviceName: args.serviceName,
            timeoutSeconds: args.timeoutSeconds ?? DRAIN_WAIT.timeoutSeconds,
            pollSeconds: args.pollSeconds ?? DRAIN_WAIT.pollSeconds,
        }, opts, undefined, "DrainBarrier");
    }
}
