// The one schema of a stack file's `ecs-ship:` keys. From it come the Settings types (index.ts),
// validation and its messages (format.ts), the editor's JSON Schema (schema/stack.schema.json) and
// the configuration reference (docs/configuration.md). Cross-field rules live beside the fields:
// one service's in service.ts, the shared load balancer's in frontDoor.ts; patterns.ts holds the
// ARN, id and name patterns they share.
import { z } from "zod";
import { Region } from "@pulumi/aws/types/enums";
import { NAT_STRATEGY_VALUES, NatStrategy } from "../components/network/network";
import { DEFAULTS } from "./defaults";
import { checkFrontDoor } from "./frontDoor";
import { ACM_ARN, BUCKET, OIDC_PROVIDER_ARN, REPOSITORY, SUBNET_ID, VPC_ID, exactName, kmsKey } from "./patterns";
import { imageSchema, serviceSchema, servicesSchema } from "./service";
import { checkJobs, jobsSchema } from "./jobs";
import { promoteToSchema } from "./promotion";
import { checkWorkersInStack } from "./worker";
import { reviewSchema } from "./review";
export { ENV_NAME } from "./patterns";
export { EXPRESS_LIMITS, RESERVED_SERVICE_NAMES, SERVICE_MODES, ServiceMode, alarmsSchema, imageSchema, scalingSchema, serviceSchema, servicesSchema } from "./service";
import { ALWAYS, bool, closed, int, listOf, oneOf, problem, record, says, show, text } from "./rules";

/**
 * The partitions other than `aws` that the provider's Regions belong to, by Region prefix. Source: AWS
 * General Reference, "Amazon Resource Names (ARNs)" (partition: aws, aws-cn, aws-us-gov, and the isolated
 * and sovereign partitions).
 */
export const OTHER_PARTITIONS: [prefix: string, partition: string][] = [
    ["cn-", "aws-cn (China)"], ["us-gov-", "aws-us-gov (GovCloud)"], ["us-isob-", "aws-iso-b"], ["us-isof-", "aws-iso-f"],
    ["us-iso-", "aws-iso"], ["eu-isoe-", "aws-iso-e"], ["eusc-", "aws-eusc (European Sovereign Cloud)"],
];
const partitionOf = (region: string) => OTHER_PARTITIONS.find(([prefix]) => region.startsWith(prefix))?.[1];

/**
 * Every Region of the `aws` partition the AWS provider knows. Source: @pulumi/aws types/enums `Region`
 * (the provider's own list, which tracks AWS's published Regions). Regions of other partitions are
 * refused by name: the AWS managed policies ecs-ship attaches are named `arn:aws:iam::aws:policy/…`
 * only in the `aws` partition.
 */
export const AWS_REGIONS = Object.values(Region).filter((r) => partitionOf(r) === undefined) as [string, ...string[]];

/** NAT choices for a created VPC (awsx.ec2.NatGatewayStrategy values). */
export const NAT_STRATEGIES = NAT_STRATEGY_VALUES as readonly NatStrategy[] as ["None", "Single", "OnePerAz"];

/**
 * How to tell which subject format a repository's tokens carry, and what to set: the configuration errors,
 * first-deploy and docs/ci-cd.md say the same. Source: GitHub Docs, "OpenID Connect", "Immutable subject
 * claims" (github/docs#45221), and the REST API "Get the customization template for an OIDC subject claim
 * for a repository" (GET /repos/{owner}/{repo}/actions/oidc/customization/sub).
 */
export const SUBJECT_FORMAT_HELP = "repositories created, renamed or transferred since 2026-07-15, and older ones that opted in, present "
    + "repo:OWNER@<ownerId>/NAME@<repositoryId>:… (check with `gh api repos/OWNER/NAME/actions/oidc/customization/sub` and the repository's "
    + "Settings > Actions > OIDC page); for those set ownerId and repositoryId to the numbers `gh api repos/OWNER/NAME --jq '{ownerId: .owner.id, repositoryId: .id}'` prints";

const githubId = (which: string, jq: string) => int(1, Number.MAX_SAFE_INTEGER).optional()
    .meta({ description: `The ${which}'s immutable numeric id (\`gh api repos/OWNER/NAME --jq ${jq}\`). Set with the other id, the roles trust only GitHub's immutable subject \`repo:OWNER@<ownerId>/NAME@<repositoryId>:…\` and refuse the name-only one. Which form a repository uses: docs/ci-cd.md.` });

export const githubSchema = closed({
    repository: z.string(says('must be "owner/name"', 'is required, as "owner/name"'))
        .refine((r) => !r.includes("*"), { error: "must name exactly one repository, with no wildcard", abort: true })
        .refine((r) => !r.includes("@"), { error: `must be "owner/name" without ids: ${SUBJECT_FORMAT_HELP}`, abort: true })
        .regex(REPOSITORY, { error: 'must be "owner/name" (letters, digits, "-", and "." or "_" in the name)' })
        .meta({ description: "The GitHub repository whose workflows may deploy, as owner/name. No wildcards." }),
    ownerId: githubId("repository owner", ".owner.id"),
    repositoryId: githubId("repository", ".id"),
    deployBranches: listOf(exactName("branch"), "branch names").optional()
        .meta({ description: "Branches whose pushes may assume the deploy role.", default: DEFAULTS.github.deployBranches }),
    deployEnvironments: listOf(exactName("environment"), "environment names").optional()
        .meta({ description: "GitHub environments whose jobs may assume the deploy role.", default: DEFAULTS.github.deployEnvironments }),
    pullRequestPreview: bool().optional()
        .meta({ description: "Create a read-only role for `pulumi preview` on pull requests.", default: DEFAULTS.github.pullRequestPreview }),
    oidcProviderArn: text(OIDC_PROVIDER_ARN, "must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com").optional()
        .meta({ description: "Reuse the account's existing GitHub OIDC provider (there can be one per account) instead of creating one." }),
    retainProvider: bool().optional()
        .meta({ description: "Keep the created OIDC provider on destroy, for other stacks in the account.", default: DEFAULTS.github.retainProvider }),
    // AssumeRoleWithWebIdentity sessions last 1 to 12 hours. Source: IAM User Guide, "IAM role max session duration".
    maxSessionDuration: int(3600, 43200).optional()
        .meta({ description: "Longest deploy session, in seconds.", default: DEFAULTS.github.maxSessionDuration }),
}, "is required, with at least `repository: owner/name`").superRefine((g, ctx) => {
    if (!record(g)) return;
    const key = "ecs-ship:github";
    const count = (list: unknown, dflt: number) => (list === undefined ? dflt : Array.isArray(list) ? list.length : -1);
    if (count(g.deployBranches, 1) === 0 && count(g.deployEnvironments, 0) === 0) {
        problem(ctx, ["deployBranches"], `nothing could deploy: list at least one branch here or one environment in ${key}.deployEnvironments, got none`);
    }
    if ((g.ownerId === undefined) !== (g.repositoryId === undefined)) {
        const [missing, given] = g.ownerId === undefined ? ["ownerId", "repositoryId"] : ["repositoryId", "ownerId"];
        problem(ctx, [missing], `is required with ${key}.${given} (GitHub's immutable subject names both ids): ${SUBJECT_FORMAT_HELP}, got only ${given}`);
    }
    if (g.oidcProviderArn !== undefined && g.retainProvider !== undefined) {
        problem(ctx, ["retainProvider"], "Only one of `oidcProviderArn` or `retainProvider` can be provided (a reused provider is never deleted), got both");
    }
}, ALWAYS).meta({ description: "Which GitHub workflows may deploy and preview this stack." });

export const backendSchema = closed({
    stateBucket: text(BUCKET, 'must be an S3 bucket name (3-63 lowercase letters, digits, "." or "-")').optional()
        .meta({ description: "S3 bucket of the Pulumi state backend: the CI roles may read and write this stack's state in it." }),
    kmsKeyArn: kmsKey().optional()
        .meta({ description: "KMS key of the Pulumi secrets provider: the CI roles may use it." }),
}).meta({ description: "The Pulumi backend the CI roles may use. Omit for Pulumi Cloud." });

export const registrySchema = closed({
    forceDelete: bool().optional()
        .meta({ description: "Let `pulumi destroy` delete a repository that still holds images.", default: DEFAULTS.registry.forceDelete }),
    keepImages: int(1, 1000).optional()
        .meta({ description: "Newest tagged images the lifecycle policy keeps (rollback targets); untagged ones expire after a day.", default: DEFAULTS.registry.keepImages }),
    kmsKeyArn: kmsKey().optional()
        .meta({ description: "Encrypt images with this KMS key instead of AES256." }),
    promoteTo: promoteToSchema.optional(),
}).meta({ description: "The ECR repository each built service gets." });

export const networkSchema = closed({
    vpcId: text(VPC_ID, "must be a VPC id (vpc- followed by 8 or 17 hex digits)").optional()
        .meta({ description: "An existing VPC to use." }),
    publicSubnetIds: listOf(text(SUBNET_ID, "must be a subnet-… id"), "subnet-… ids").optional()
        .meta({ description: "Public subnets for the load balancer (at least 2, in different Availability Zones)." }),
    privateSubnetIds: listOf(text(SUBNET_ID, "must be a subnet-… id"), "subnet-… ids").optional()
        .meta({ description: "Private subnets (with a NAT route) for the tasks. Without them, tasks run in the public subnets with a public IP." }),
    create: bool().optional()
        .meta({ description: "Create a dedicated VPC instead of using an existing one.", default: DEFAULTS.network.create }),
    natStrategy: oneOf(NAT_STRATEGIES).optional()
        .meta({ description: "NAT gateways of a created VPC: None costs nothing; each gateway costs about $32/month plus data.", default: DEFAULTS.network.natStrategy }),
}).superRefine((n, ctx) => {
    if (!record(n)) return;
    const key = "ecs-ship:network";
    if (n.create === true) {
        if (n.vpcId !== undefined || n.publicSubnetIds !== undefined || n.privateSubnetIds !== undefined) {
            problem(ctx, ["create"], "Only one of `create` or `vpcId`/subnets can be provided, got both");
        }
        return;
    }
    for (const field of ["publicSubnetIds", "privateSubnetIds"] as const) {
        const ids = n[field];
        if (Array.isArray(ids) && new Set(ids).size !== ids.length) problem(ctx, [field], `must list each subnet once, got ${show(ids)}`);
    }
    // A subnet is public (routed to an internet gateway) or private (routed through NAT), not both: tasks
    // placed in it as private get no public IP, so with its internet-gateway route they could not pull their image.
    const both = Array.isArray(n.privateSubnetIds) && Array.isArray(n.publicSubnetIds) ? n.privateSubnetIds.filter((id) => (n.publicSubnetIds as unknown[]).includes(id)) : [];
    if (both.length > 0) problem(ctx, ["privateSubnetIds"], `must not repeat a subnet of ${key}.publicSubnetIds (a subnet is public or private, and tasks in a private one get no public IP), got ${show(both)} in both`);
    if (n.natStrategy !== undefined) problem(ctx, ["natStrategy"], `applies only with ${key}.create: true, got ${show(n.natStrategy)} without it`);
    if (n.vpcId === undefined) problem(ctx, ["vpcId"], `is required when ${key} is set (or set ${key}.create: true), got nothing`);
    if (n.publicSubnetIds === undefined || (Array.isArray(n.publicSubnetIds) && n.publicSubnetIds.length < 2)) {
        // An ALB needs subnets in at least two Availability Zones, and so does Express Mode.
        // Source: Elastic Load Balancing User Guide, "Application Load Balancers", Availability Zones and subnets.
        const given = Array.isArray(n.publicSubnetIds) ? n.publicSubnetIds.length : "none";
        problem(ctx, ["publicSubnetIds"], `must list at least 2 public subnets in different Availability Zones (the load balancer needs two), got ${given}`);
    }
}, ALWAYS).meta({ description: "Where services run. Default: the account's default VPC." });

/** Every `ecs-ship:` key of a stack file, and `aws:region`. */
const stackShape = {
    region: z.enum(AWS_REGIONS, { error: (iss) => {
        if (iss.input === undefined) return "is required (for example us-east-1)";
        const partition = typeof iss.input === "string" ? partitionOf(iss.input) : undefined;
        return partition
            ? `must be a Region of the aws partition; ${iss.input} is in ${partition}, where the managed policy ARNs ecs-ship attaches (arn:aws:iam::aws:policy/…) do not exist`
            : `must be one of ${AWS_REGIONS.join(", ")} (AWS Regions)`;
    } }).meta({ description: "The AWS Region the stack deploys to (a Region of the aws partition)." }),
    github: githubSchema,
    backend: backendSchema.optional(),
    registry: registrySchema.optional(),
    network: networkSchema.optional(),
    containerInsights: bool().optional()
        .meta({ description: "CloudWatch Container Insights on the stack's cluster (billed per metric).", default: DEFAULTS.containerInsights }),
    loadBalancer: closed({
        shared: bool().optional()
            .meta({ description: "Put every Fargate service behind one load balancer with a rule each (by domain or path). Default: shared when the stack has two or more Fargate services; false gives each its own." }),
    }).optional().meta({ description: "The Fargate services' load balancer." }),
    services: servicesSchema,
    jobs: jobsSchema.optional(),
    review: reviewSchema.optional(),
};

/** The `ecs-ship:` keys, as the schema declares them (`region` is the provider's `aws:region`). */
export const CONFIG_KEYS = Object.keys(stackShape).filter((k) => k !== "region");

export const stackSchema = z.strictObject(stackShape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? `allowed keys are ${CONFIG_KEYS.join(", ")}` : undefined),
}).superRefine((o, ctx) => {
    checkFrontDoor(o as Record<string, unknown>, ctx);
    checkJobs(o as Record<string, unknown>, ctx);
    checkWorkersInStack(o as Record<string, unknown>, ctx);
    // ACM certificates are regional: a load balancer can use only a certificate of its own Region.
    // Source: AWS Certificate Manager User Guide, "Supported Regions" (https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html).
    const region = o.region;
    for (const [name, svc] of Object.entries(record(o.services) ?? {})) {
        const arn = record(svc)?.certificateArn;
        const certRegion = typeof arn === "string" ? arn.split(":")[3] : undefined;
        if (typeof region === "string" && certRegion !== undefined && ACM_ARN.test(arn as string) && certRegion !== region && record(svc)?.mode !== "express") {
            problem(ctx, ["services", name, "certificateArn"], `must be a certificate in the stack's region (${region}): ACM certificates are regional, and a load balancer uses only its own Region's; got ${show(arn)}, in ${certRegion}`);
        }
    }
}, ALWAYS);

export type StackValues = z.output<typeof stackSchema>;
export type ServiceValues = z.output<typeof serviceSchema>;
export type JobValues = z.output<typeof jobsSchema>[string];
export type GithubValues = z.output<typeof githubSchema>;
export type NetworkValues = z.output<typeof networkSchema>;
export type ImageValues = z.output<typeof imageSchema>;
export type { ReviewSettings } from "./review";
