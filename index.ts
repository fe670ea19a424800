// The ecs-ship program: read the stack's settings, compose the components, export outputs.
// Nothing else lives here: defaults and validation are in config.ts, resources in components/.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ServiceConfig, loadSettings } from "./config";
import { ContainerRegistry } from "./components/containerRegistry";
import { ExpressService } from "./components/expressService";
import { FargateCluster } from "./components/fargateCluster";
import { FargateService } from "./components/fargateService";
import { GithubOidcTrust } from "./components/githubOidcTrust";
import { StackNetwork } from "./components/network";
import { serviceResourceName } from "./components/serviceArgs";

// Validates everything first: invalid configuration throws before any resource exists.
const settings = loadSettings();
const { prefix, github, backend, network: networkSettings } = settings;

// Every taggable resource carries the stack's tags through the provider's default tags.
const provider = new aws.Provider(prefix, {
    region: settings.region as aws.Region,
    defaultTags: { tags: settings.tags },
});
const opts: pulumi.ComponentResourceOptions = { providers: [provider] };

// Keyless trust for the GitHub workflow. It owns the permissions boundary every role below carries.
const trust = new GithubOidcTrust(`${prefix}-github`, {
    prefix,
    region: settings.region,
    repository: github.repository,
    deployBranches: github.deployBranches,
    deployEnvironments: github.deployEnvironments,
    pullRequestPreview: github.pullRequestPreview,
    oidcProviderArn: github.oidcProviderArn,
    retainProvider: github.retainProvider,
    maxSessionDuration: github.maxSessionDuration,
    stateBucket: backend.stateBucket,
    stateKmsKeyArn: backend.kmsKeyArn,
    stackTags: settings.tags,
    taskPermissions: settings.services.flatMap((s) => s.taskPolicyStatements ?? []),
}, {
    ...opts,
    // The deploy role cannot delete itself, its policies, the boundary or the provider, so
    // the trust is protected: CI's destroy (`exclude-protected`) removes everything else and
    // succeeds, and an admin removes the trust deliberately (README, "Teardown").
    protect: true,
});

// Shared by the stack's services: one cluster, and the network when Fargate or a custom network needs it.
const cluster = new FargateCluster(prefix, { containerInsights: settings.containerInsights }, opts);
const needsNetwork = networkSettings !== undefined || settings.services.some((s) => s.mode === "fargate");
const network = needsNetwork ? new StackNetwork(`${prefix}-network`, networkSettings ?? {}, opts) : undefined;

function registryFor(svc: ServiceConfig): ContainerRegistry {
    const name = serviceResourceName(settings.stack, svc.name);
    return new ContainerRegistry(`${name}-registry`, {
        repositoryName: name,
        forceDelete: settings.registry.forceDelete,
        keepImages: settings.registry.keepImages,
        kmsKeyArn: settings.registry.kmsKeyArn,
        build: svc.image.kind === "build"
            ? { context: svc.image.context, dockerfile: svc.image.dockerfile, tag: svc.image.tag, architecture: svc.architecture }
            : undefined,
        imageRef: svc.image.kind === "ref" ? svc.image.ref : undefined,
    }, opts);
}

function serviceFor(svc: ServiceConfig, registry: ContainerRegistry): ExpressService | FargateService {
    const name = serviceResourceName(settings.stack, svc.name);
    // The one service contract: switching `mode` changes only which component receives it.
    const common = {
        image: registry.imageRef,
        port: svc.port, cpu: svc.cpu, memory: svc.memory, architecture: svc.architecture,
        healthCheckPath: svc.healthCheckPath, desiredCount: svc.desiredCount, scaling: svc.scaling,
        environment: svc.environment, secrets: svc.secrets, secretsKmsKeyArn: svc.secretsKmsKeyArn,
        taskPolicyStatements: svc.taskPolicyStatements, logRetentionDays: svc.logRetentionDays,
        permissionsBoundary: trust.permissionsBoundaryArn,
    };
    if (svc.mode === "express") {
        return new ExpressService(name, {
            ...common,
            serviceName: name,
            cluster: cluster.name,
            subnetIds: network?.publicSubnetIds,
        }, opts);
    }
    return new FargateService(name, {
        ...common,
        clusterArn: cluster.arn,
        clusterName: cluster.name,
        vpcId: network!.vpcId,
        albSubnetIds: network!.albSubnetIds,
        taskSubnetIds: network!.taskSubnetIds,
        assignPublicIp: network!.assignPublicIp,
        spot: svc.spot,
        certificateArn: svc.certificateArn,
        deregistrationDelay: svc.deregistrationDelay,
        healthCheckGracePeriod: svc.healthCheckGracePeriod,
    }, opts);
}

const deployed = settings.services.map((svc) => {
    const registry = registryFor(svc);
    const service = serviceFor(svc, registry);
    // The deploy role may pass exactly this service's roles, each only to its AWS service.
    trust.allowPassRole(svc.name, service.passRoles);
    return { svc, registry, service };
});

export const stack = settings.stack;
export const providerArn = trust.providerArn;
export const deployRoleArn = trust.deployRoleArn;
export const previewRoleArn = trust.previewRoleArn;
export const clusterArn = cluster.arn;
export const services = Object.fromEntries(deployed.map(({ svc, registry, service }) => [svc.name, {
    mode: svc.mode,
    url: service.url,
    serviceArn: service.serviceArn,
    serviceName: service.serviceName,
    clusterArn: cluster.arn,
    logGroupName: service.logGroupName,
    repositoryUrl: registry.repositoryUrl,
    imageRef: registry.imageRef,
}]));
