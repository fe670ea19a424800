// StackNetwork: the default VPC, an existing VPC, or a created one, under the mock cloud.
import { strict as assert } from "assert";
import { StackNetwork } from "../components/network/network";
import { DEFAULT_VPC_ID, hex } from "../tools/planner/mockCloud";
import { cloud, promiseOf, settled, useMocks } from "./support/harness";

const NAME = "ecs-ship-dev";
/** The mock's default subnets: one per zone, a, b and c (tools/planner/mockCloud.ts). */
const DEFAULT_SUBNETS = ["a", "b", "c"].map((az) => `subnet-${hex("us-east-1" + az, 17)}`);
const VPC = "vpc-0123456789abcdef0";
const S = (n: number) => `subnet-0123456789abcde${n.toString(16).padStart(2, "0")}`;

/** Resolves every public output of the network. */
async function resolve(n: StackNetwork) {
    return {
        vpcId: await promiseOf(n.vpcId),
        albSubnetIds: await promiseOf(n.albSubnetIds),
        taskSubnetIds: await promiseOf(n.taskSubnetIds),
        publicSubnetIds: await promiseOf(n.publicSubnetIds),
        assignPublicIp: n.assignPublicIp,
    };
}

/** Makes getSubnet answer with the given zone per subnet id. */
function zones(map: Record<string, string>): void {
    cloud.overrides["aws:ec2/getSubnet:getSubnet"] = (inputs) => ({ id: inputs.id, availabilityZone: map[inputs.id], vpcId: VPC });
}

describe("StackNetwork: default VPC", () => {
    useMocks();

    it("looks up the default VPC and only its default-for-az subnets", async () => {
        // GIVEN no network settings  WHEN built
        await resolve(new StackNetwork(NAME));
        await settled();
        // THEN getVpc asks for the default VPC, and getSubnets filters to it and to default-for-az
        // (one default subnet per zone: Amazon EC2 API Reference, CreateDefaultSubnet)
        assert.deepEqual(cloud.calls.filter((c) => c.token === "aws:ec2/getVpc:getVpc").map((c) => c.inputs), [{ default: true }]);
        const subnets = cloud.calls.filter((c) => c.token === "aws:ec2/getSubnets:getSubnets");
        assert.equal(subnets.length, 1);
        assert.deepEqual(subnets[0].inputs.filters, [
            { name: "vpc-id", values: [DEFAULT_VPC_ID] },
            { name: "default-for-az", values: ["true"] },
        ]);
    });

    it("puts the ALB on two default subnets and tasks on all of them, with a public IP", async () => {
        // GIVEN the default VPC's three default subnets  WHEN built
        const out = await resolve(new StackNetwork(NAME));
        // THEN two sorted ALB subnets, every subnet for tasks, public IP on
        const sorted = [...DEFAULT_SUBNETS].sort();
        assert.deepEqual(out, { vpcId: DEFAULT_VPC_ID, albSubnetIds: sorted.slice(0, 2), taskSubnetIds: sorted, publicSubnetIds: sorted, assignPublicIp: true });
    });

    it("creates no resource of its own", async () => {
        // GIVEN no network settings  WHEN built  THEN only the component is registered
        await resolve(new StackNetwork(NAME));
        await settled();
        assert.deepEqual(cloud.resources.map((r) => r.type), ["ecs-ship:index:StackNetwork"]);
    });
});

describe("StackNetwork: existing VPC", () => {
    useMocks();

    it("gives the ALB one subnet from each of two zones, skipping a second subnet of the same zone", async () => {
        // GIVEN three public subnets, the first two in one zone
        zones({ [S(1)]: "us-east-1a", [S(2)]: "us-east-1a", [S(3)]: "us-east-1b" });
        // WHEN built
        const out = await resolve(new StackNetwork(NAME, { vpcId: VPC, publicSubnetIds: [S(1), S(2), S(3)] }));
        // THEN the ALB takes S1 and S3; tasks use every public subnet with a public IP
        assert.deepEqual(out, { vpcId: VPC, albSubnetIds: [S(1), S(3)], taskSubnetIds: [S(1), S(2), S(3)], publicSubnetIds: [S(1), S(2), S(3)], assignPublicIp: true });
    });

    it("runs tasks in the private subnets without a public IP when they are given", async () => {
        // GIVEN public and private subnets  WHEN built
        zones({ [S(1)]: "us-east-1a", [S(2)]: "us-east-1b" });
        const out = await resolve(new StackNetwork(NAME, { vpcId: VPC, publicSubnetIds: [S(1), S(2)], privateSubnetIds: [S(3), S(4)] }));
        // THEN tasks use the private ones and assignPublicIp is false; the ALB stays public
        assert.deepEqual([out.albSubnetIds, out.taskSubnetIds, out.assignPublicIp], [[S(1), S(2)], [S(3), S(4)], false]);
    });

    it("fails when the public subnets share one zone", async () => {
        // GIVEN two public subnets in the same zone
        zones({ [S(1)]: "us-east-1a", [S(2)]: "us-east-1a" });
        const n = new StackNetwork(NAME, { vpcId: VPC, publicSubnetIds: [S(1), S(2)] });
        // WHEN the ALB subnets resolve  THEN the error names the zones
        await assert.rejects((n.albSubnetIds as any).promise(), {
            message: "ecs-ship-dev: the load balancer needs public subnets in 2 different Availability Zones, got 2 subnet(s) in 1 (us-east-1a)",
        });
    });

    it("rejects subnets without a VPC", () => {
        // GIVEN subnets but no vpcId  WHEN constructed  THEN the shared wording
        assert.throws(() => new StackNetwork(NAME, { publicSubnetIds: [S(1), S(2)] }), { message: "Either `vpcId` or `create` must be provided when subnets are given." });
    });

    it("rejects a VPC with fewer than two public subnets", () => {
        // GIVEN one public subnet  WHEN constructed  THEN the exact message
        assert.throws(() => new StackNetwork(NAME, { vpcId: VPC, publicSubnetIds: [S(1)] }),
            { message: "`publicSubnetIds` must list at least 2 subnets in different Availability Zones (the load balancer needs two), got 1." });
    });

    it("rejects create together with a VPC", () => {
        // GIVEN create and vpcId  WHEN constructed  THEN the shared wording
        assert.throws(() => new StackNetwork(NAME, { create: true, vpcId: VPC }), { message: "Only one of `create` or `vpcId`/subnets can be provided." });
    });
});

describe("StackNetwork: created VPC", () => {
    useMocks();
    const vpc = () => {
        const found = cloud.ofType("awsx:ec2:Vpc");
        assert.equal(found.length, 1);
        return found[0];
    };

    it("creates no NAT gateway by default, and only public subnets in two zones", async () => {
        // GIVEN create without natStrategy  WHEN built
        const n = new StackNetwork(NAME, { create: true });
        const out = await resolve(n);
        // THEN awsx gets strategy None explicitly (its own default is OnePerAz), and tasks are public
        assert.deepEqual(vpc().inputs.natGateways, { strategy: "None" });
        assert.deepEqual(vpc().inputs.subnetSpecs, [{ type: "Public" }]);
        assert.equal(vpc().inputs.numberOfAvailabilityZones, 2);
        assert.equal(vpc().parent, NAME);
        assert.deepEqual([out.albSubnetIds, out.taskSubnetIds, out.assignPublicIp], [vpc().state.publicSubnetIds.slice(0, 2), vpc().state.publicSubnetIds, true]);
    });

    it("runs tasks in private subnets without a public IP when a NAT gateway is chosen", async () => {
        // GIVEN natStrategy Single  WHEN built
        const out = await resolve(new StackNetwork(NAME, { create: true, natStrategy: "Single" }));
        // THEN public and private subnets exist, and tasks use the private ones
        assert.deepEqual(vpc().inputs.natGateways, { strategy: "Single" });
        assert.deepEqual(vpc().inputs.subnetSpecs, [{ type: "Public" }, { type: "Private" }]);
        assert.deepEqual([out.taskSubnetIds, out.assignPublicIp], [vpc().state.privateSubnetIds, false]);
    });

    it("rejects a NAT strategy without create", () => {
        // GIVEN natStrategy on an existing VPC  WHEN constructed  THEN the exact message
        assert.throws(() => new StackNetwork(NAME, { vpcId: VPC, publicSubnetIds: [S(1), S(2)], natStrategy: "Single" }),
            { message: '`natStrategy` applies only with `create`, got "Single".' });
    });
});
