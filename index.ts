// The ecs-ship program: read the stack's settings, compose the components, export outputs.
// Nothing else lives here: defaults and validation are in config.ts, resources in components/.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ServiceConfig, loadSettings } from "./config";
import { ContainerRegistry } from "./components/containerRegistry";
import { ExpressService } from "./components/expressService";
import { serviceResourceName } from "./components/serviceArgs";

// Validates everything first: invalid configuration throws before any resource exists.
const settings = loadSettings();

// Every taggable resource carries the stack's tags through the provider's default tags.
const provider = new aws.Provider(settings.prefix, {
    region: settings.region as aws.Region,
    defaultTags: { tags: settings.tags },
});
const opts: pulumi.ComponentResourceOptions = { providers: [provider] };

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

function serviceFor(svc: ServiceConfig, registry: ContainerRegistry) {
    const name = serviceResourceName(settings.stack, svc.name);
    const common = {
        image: registry.imageRef,
        port: svc.port, cpu: svc.cpu, memory: svc.memory, architecture: svc.architecture,
        healthCheckPath: svc.healthCheckPath, desiredCount: svc.desiredCount, scaling: svc.scaling,
        environment: svc.environment, secrets: svc.secrets, secretsKmsKeyArn: svc.secretsKmsKeyArn,
        taskPolicyStatements: svc.taskPolicyStatements, logRetentionDays: svc.logRetentionDays,
    };
    return new ExpressService(name, {
        ...common,
        serviceName: name,
        subnetIds: settings.network?.publicSubnetIds.length ? settings.network.publicSubnetIds : undefined,
    }, opts);
}

const deployed = settings.services.map((svc) => {
    const registry = registryFor(svc);
    const service = serviceFor(svc, registry);
    return { svc, registry, service };
});

export const stack = settings.stack;
export const services = Object.fromEntries(deployed.map(({ svc, registry, service }) => [svc.name, {
    mode: svc.mode,
    url: service.url,
    serviceArn: service.serviceArn,
    serviceName: service.serviceName,
    logGroupName: service.logGroupName,
    repositoryUrl: registry.repositoryUrl,
    imageRef: registry.imageRef,
}]));
