// A program of your own that uses ecs-ship's components: keyless GitHub deploys, an ECR
// registry with the image built from your app, and a Fargate service behind a load balancer.
// Every argument left out here has a default inside the component (docs/components.md).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ContainerRegistry, FargateCluster, FargateService, GithubOidcTrust, StackNetwork } from "ecs-ship";

const config = new pulumi.Config();
const stack = pulumi.getStack();
const region = new pulumi.Config("aws").require("region");

// The deploy role may touch only names that start with `ecs-ship-<stack>-` and resources
// tagged with the stack, so every name below starts with the prefix, and the provider tags all.
const prefix = `ecs-ship-${stack}`;
const tags = { "ecs-ship:stack": stack };
const provider = new aws.Provider(prefix, { region: region as aws.Region, defaultTags: { tags } });
const opts = { providers: [provider] };

const trust = new GithubOidcTrust(`${prefix}-github`, {
    repository: config.require("repository"),
    region,
    stackTags: tags,
    // The deploy role registers task definitions only in these families: a FargateService's is its own name.
    taskDefinitionFamilies: [`${prefix}-web`],
}, opts);

const registry = new ContainerRegistry(`${prefix}-web-registry`, {
    repositoryName: `${prefix}-web`,
    // Your app's directory with its Dockerfile; the image is tagged with the commit.
    build: { context: config.get("appDir") ?? "../app", tag: (process.env.GITHUB_SHA ?? config.require("imageTag")).slice(0, 7) },
}, opts);

// The account's default VPC, and one cluster for the stack's services.
const network = new StackNetwork(`${prefix}-network`, {}, opts);
const cluster = new FargateCluster(prefix, {}, opts);

const web = new FargateService(`${prefix}-web`, {
    image: registry.imageRef,
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    vpcId: network.vpcId,
    albSubnetIds: network.albSubnetIds,
    taskSubnetIds: network.taskSubnetIds,
    // Roles created by a deploy must carry the trust's boundary.
    permissionsBoundary: trust.permissionsBoundaryArn,
}, opts);
// The deploy role may hand exactly this service's roles to ECS.
trust.allowPassRole("web", web.passRoles);

export const url = web.url;
export const deployRoleArn = trust.deployRoleArn;
export const imageRef = registry.imageRef;
