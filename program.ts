// The ecs-ship program as one function: read the stack's settings, compose the components, return
// the stack outputs. A project's index.ts is one line that calls it (`export = ecsShip();`), in this
// repository and in every repository `npx ecs-ship init` sets up.
// Nothing else lives here: validation is in config/, resources and their defaults in components/.
// The body stays at the left margin, as it was when it was index.ts's top level.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { JobConfig, ServiceConfig, loadSettings } from "./config";
import { ContainerRegistry } from "./components/registry/containerRegistry";
import { ExpressService } from "./components/express/expressService";
import { FargateCluster } from "./components/fargate/fargateCluster";
import { FargateService } from "./components/fargate/fargateService";
import { WorkerService } from "./components/worker/workerService";
import { ScheduledJob, jobStreamPrefix } from "./components/jobs/scheduledJob";
import { JOB_DEFAULTS } from "./config/jobs";
import { queueNameOf } from "./config/worker";
import { jobResourceName } from "./components/jobs/jobSettings";
import { GithubOidcTrust } from "./components/trust/githubOidcTrust";
import { reviewInstanceTrust } from "./components/trust/reviewTrust";
import { reviewTemplate } from "./reviewProgram";
import { StackNetwork } from "./components/network/network";
import { SERVICE_DEFAULTS, ScalingArgs, serviceResourceName } from "./components/service/serviceArgs";
import { SharedLoadBalancer } from "./components/frontDoor/sharedLoadBalancer";
import { DomainCertificate, domainAlias, zoneIdOf } from "./components/frontDoor/customDomain";
import { routesOf, sharesLoadBalancer } from "./components/frontDoor/frontDoor";
import { sidecarsForComponent } from "./config/sidecars";
import { trustArgsOf } from "./config/trust";
import { buildOwners } from "./config/sharedBuild";

/** What a stack exports: its name, the trust's roles, the cluster and each service's outputs. */
export type EcsShipOutputs = ReturnType<typeof ecsShip>;

/**
 * Plans and deploys the current stack: its settings are read from the stack file (validated first,
 * so invalid configuration throws before any resource exists), and build contexts are resolved from
 * the repository root. Returns the stack's outputs; export them from the program.
 */
export function ecsShip() {
const settings = loadSettings();
const { prefix, network: networkSettings } = settings;

// Every taggable resource carries the stack's tags through the provider's default tags.
const provider = new aws.Provider(prefix, {
    region: settings.region as aws.Region,
    defaultTags: { tags: settings.tags },
});
const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
// Review environments (docs/review-environments.md): stack `review` creates only the review trust, and a
// `pr-<n>` stack the template's services with that trust's boundary and no trust of its own.
if (settings.review?.stack.kind === "template") return reviewTemplate(settings, opts);
const reviewInstance = settings.review?.stack.kind === "instance";

// Custom domains of Fargate services, each with the id of its public Route 53 zone (given, or looked
// up by name). Keyed by the domain: services on one domain with different paths share its zone,
// certificate and alias record (config checks that they agree on both).
// Web services only: a worker (`kind: worker`) has no load balancer, domain or route.
const fargate = settings.services.filter((s) => s.mode === "fargate" && s.kind !== "worker");
const domainOwners = new Map<string, ServiceConfig>();
for (const s of fargate) if (s.domain && !domainOwners.has(s.domain)) domainOwners.set(s.domain, s);
const zones = new Map([...domainOwners].map(([domain, s]) => [domain, zoneIdOf(domain, s, { provider })] as const));

// Keyless trust for the GitHub workflow. It owns the permissions boundary every role below carries.
const trust = reviewInstance ? reviewInstanceTrust({ provider }) : new GithubOidcTrust(`${prefix}-github`, trustArgsOf(settings, {
    // State objects are keyed by the Pulumi project (Pulumi.yaml's name): this app's, never another's in a shared bucket.
    project: pulumi.getProject(),
    // The deploy role may write certificates and records only for these names, in these zones.
    domains: [...zones].map(([name, zoneId]) => ({ name, zoneId, createsCertificate: !domainOwners.get(name)!.certificateArn })),
}), {
    ...opts,
    // The deploy role cannot delete itself, its policies, the boundary or the provider, so
    // the trust is protected: CI's destroy (`exclude-protected`) removes everything else and
    // succeeds, and an admin removes the trust deliberately (README, "Teardown").
    protect: true,
});

// Shared by the stack's services: one cluster, and the network when Fargate or a custom network needs it.
const cluster = new FargateCluster(prefix, { containerInsights: settings.containerInsights }, opts);
// Jobs run in the task subnets too (their service may be Express, which needs no network of its own).
const needsNetwork = networkSettings !== undefined || settings.services.some((s) => s.mode === "fargate") || settings.jobs.length > 0;
const network = needsNetwork ? new StackNetwork(`${prefix}-network`, networkSettings ?? {}, opts) : undefined;

// Each domain gets a created certificate (named after the domain, so renaming a service keeps it)
// unless its services bring one.
const certificates = new Map([...domainOwners].map(([domain, s]) => [domain, s.certificateArn
    ?? new DomainCertificate(`${prefix}-${domain}`, { domain, zoneId: zones.get(domain)! }, opts).certificateArn] as const));
const certificateOf = (s: ServiceConfig): pulumi.Input<string> | undefined => (s.domain ? certificates.get(s.domain) : s.certificateArn);
// One load balancer for the stack's Fargate services when there are two or more (or `loadBalancer.shared`).
// It serves one certificate per domain, however many services the domain routes to.
const sharedLb = sharesLoadBalancer(fargate.length, settings.loadBalancer?.shared) && fargate.length > 0
    ? new SharedLoadBalancer(`${prefix}-shared`, {
        vpcId: network!.vpcId,
        subnetIds: network!.albSubnetIds,
        // Keyed by what the certificate is, not by who brings it: its domain, or the certificate's own id, so
        // services sharing one certificate share one listener slot and removing one of them keeps it.
        certificateArns: Object.fromEntries(fargate.flatMap((s) => {
            const c = certificateOf(s);
            return c ? [[s.domain ?? `certificate-${String(c).split("/").pop()}`, c]] : [];
        })),
    }, opts)
    : undefined;

// Each service's rule on the shared load balancer: its host and path, at a priority no other service holds.
const routes = sharedLb ? routesOf(fargate) : {};

// A worker whose build is identical to a web service's (built from the same folder) runs that web service's
// image from its registry (config/sharedBuild.ts); every web service keeps its own.
const owners = buildOwners(settings.services.map((s) => ({
    name: s.name,
    worker: s.kind === "worker",
    build: s.image.kind === "build" ? { context: s.image.context, dockerfile: s.image.dockerfile, tag: s.image.tag, architecture: s.architecture } : undefined,
})));
const registries = new Map<string, ContainerRegistry>();

/**
 * A built image gets its build owner's repository, created once (named after the owner, as it was before
 * builds were shared); a prebuilt one (`image.ref`) runs as given, with no repository.
 */
function registryFor(svc: ServiceConfig): ContainerRegistry | undefined {
    const ownerName = owners.get(svc.name);
    if (svc.image.kind === "ref" || ownerName === undefined) return undefined;
    const existing = registries.get(ownerName);
    if (existing) return existing;
    const owner = settings.services.find((s) => s.name === ownerName)!;
    const build = owner.image as Extract<ServiceConfig["image"], { kind: "build" }>;
    const sharing = settings.services.filter((s) => owners.get(s.name) === ownerName).map((s) => s.name);
    const name = serviceResourceName(settings.stack, ownerName);
    // Later stacks that run this build (`registry.promoteTo`): the execution roles of each sharing service
    // they take may pull it.
    const promoteTo = settings.promotions.flatMap(({ stack, account, services }) => {
        const taken = sharing.filter((s) => services.includes(s));
        return taken.length ? [{ stack, account, services: taken }] : [];
    });
    const { promoteTo: _promoteTo, ...registry } = settings.registry;
    const created = new ContainerRegistry(`${name}-registry`, {
        repositoryName: name,
        ...registry,
        ...(promoteTo.length ? { promoteTo } : {}),
        build: { context: buildContext(build.context), dockerfile: build.dockerfile, tag: build.tag, architecture: owner.architecture },
    }, opts);
    registries.set(ownerName, created);
    return created;
}

/**
 * A stack file's context is relative to the repository root; Docker resolves it from the program's
 * folder (where Pulumi runs it), so it is handed over relative to that. The same text when Pulumi.yaml
 * sits at the root.
 */
function buildContext(context: string): string {
    const root = settings.repositoryRoot;
    return root === undefined ? context : path.relative(process.cwd(), path.resolve(root, context)) || ".";
}

// A promoted image (`image.from`) is run as a prebuilt one. Without the deploy workflow's digest (an offline
// plan or a preview) it is a placeholder, and the plan says so (config/promotion.ts).
for (const svc of settings.services) {
    if (svc.image.kind === "ref" && svc.image.placeholder) {
        pulumi.log.warn(`${svc.name}: runs ${svc.image.from}'s image; no digest was passed (ECS_SHIP_PROMOTED_IMAGES), so this plan shows a placeholder in ${svc.image.from}'s repository. The deploy workflow passes the digest ${svc.image.from} deployed.`);
    }
}

/** The image a service runs: the pushed digest, or the prebuilt (or promoted) reference. */
function imageOf(svc: ServiceConfig, registry: ContainerRegistry | undefined): pulumi.Input<string> {
    return registry?.imageRef ?? (svc.image as { ref: string }).ref;
}

function serviceFor(svc: ServiceConfig, image: pulumi.Input<string>): ExpressService | FargateService | WorkerService {
    const name = serviceResourceName(settings.stack, svc.name);
    if (svc.kind === "worker") return workerFor(name, svc, image);
    // The one service contract: switching `mode` changes only which component receives it.
    // Only what the stack file sets is passed; each component applies its own defaults.
    const {
        name: _name, mode: _mode, image: _image, spot, certificateArn: _cert, deregistrationDelay, healthCheckGracePeriod,
        domain: _domain, hostedZone: _zone, hostedZoneId: _zoneId, path: _path, priority: _priority, alarms, release, sidecars, deployment,
        kind: _kind, scaling, ...shared
    } = svc;
    const common = {
        ...shared,
        // Config allows the queue metric and its queue only for workers.
        scaling: scaling as ScalingArgs | undefined,
        image,
        taskPolicyStatements: svc.taskPolicyStatements as aws.iam.PolicyStatement[] | undefined,
        permissionsBoundary: trust.permissionsBoundaryArn,
        // config checked that a release has its command (given, or the Procfile's release line).
        release: release ? { command: release.command!, timeoutMinutes: release.timeoutMinutes } : undefined,
    };
    if (svc.mode === "express") {
        return new ExpressService(name, {
            ...common,
            // Its infrastructure role's ceiling is AWS's Express infrastructure policy, in a boundary of its own.
            infrastructurePermissionsBoundary: trust.infrastructureBoundaryArn,
            serviceName: name,
            cluster: cluster.name,
            subnetIds: network?.publicSubnetIds,
            // The release task runs where the service's tasks do: these subnets, or the default VPC's.
            releaseNetwork: release ? { subnetIds: network?.publicSubnetIds ?? defaultSubnetIds(), assignPublicIp: true } : undefined,
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
        spot, certificateArn: certificateOf(svc), deregistrationDelay, healthCheckGracePeriod, alarms, deployment,
        // The URL only: the domain's record is kept below, one per domain, whichever load balancer serves it.
        domain: svc.domain ? { name: svc.domain } : undefined,
        sharedLoadBalancer: sharedLb?.listener,
        route: routes[svc.name],
        sidecars: sidecarsForComponent(svc.name, sidecars),
    }, opts);
}

/** A worker: the service contract without port or load balancer, in the stack's task subnets. */
function workerFor(name: string, svc: ServiceConfig, image: pulumi.Input<string>): WorkerService {
    const { scaling, taskPolicyStatements } = svc;
    const queue = scaling?.queueUrl ?? scaling?.queueArn;
    return new WorkerService(name, {
        image, command: svc.command, exec: svc.exec, cpu: svc.cpu, memory: svc.memory, architecture: svc.architecture,
        desiredCount: svc.desiredCount, environment: svc.environment, secrets: svc.secrets, secretsKmsKeyArn: svc.secretsKmsKeyArn,
        taskPolicyStatements: taskPolicyStatements as aws.iam.PolicyStatement[] | undefined, logRetentionDays: svc.logRetentionDays,
        spot: svc.spot,
        scaling: scaling && {
            min: scaling.min, max: scaling.max, metric: scaling.metric as "cpu" | "memory" | "queue" | undefined, target: scaling.target,
            queueName: queue ? queueNameOf(queue) : undefined,
        },
        clusterArn: cluster.arn, clusterName: cluster.name, vpcId: network!.vpcId,
        taskSubnetIds: network!.taskSubnetIds, assignPublicIp: network!.assignPublicIp,
        permissionsBoundary: trust.permissionsBoundaryArn,
    }, opts);
}

/** The default VPC's default subnets, looked up once: where Express runs without a network. */
let defaultSubnets: pulumi.Output<string[]> | undefined;
function defaultSubnetIds(): pulumi.Output<string[]> {
    if (!defaultSubnets) {
        const vpc = aws.ec2.getVpcOutput({ default: true }, { provider });
        defaultSubnets = aws.ec2.getSubnetsOutput({ filters: [{ name: "vpc-id", values: [vpc.id] }, { name: "default-for-az", values: ["true"] }] }, { provider }).ids;
    }
    return defaultSubnets;
}

const deployed = settings.services.map((svc) => {
    const registry = registryFor(svc);
    // The deploy role passes this service's roles through the trust's patterns (passRoleKinds above).
    const service = serviceFor(svc, imageOf(svc, registry));
    return { svc, registry, service };
});

/** A scheduled job: its service's image, roles, environment and secrets, its own command and schedule. */
function jobFor(job: JobConfig): ScheduledJob {
    const { svc, registry, service } = deployed.find((d) => d.svc.name === job.service)!;
    const d = SERVICE_DEFAULTS;
    // A web service's tasks see PORT; its jobs see the same environment.
    const environment = { ...(svc.environment ?? {}) };
    if (svc.kind !== "worker" && !("PORT" in environment) && !("PORT" in (svc.secrets ?? {}))) environment.PORT = String(svc.port ?? d.port);
    return new ScheduledJob(jobResourceName(prefix, job.name), {
        prefix, job: job.name, image: imageOf(svc, registry), command: job.command,
        cpu: job.cpu ?? svc.cpu ?? d.cpu, memory: job.memory ?? svc.memory ?? d.memory, architecture: svc.architecture ?? d.architecture,
        environment, secrets: svc.secrets ?? {},
        executionRoleArn: service.taskRoles.executionRoleArn, taskRoleArn: service.taskRoles.taskRoleArn,
        logGroupName: service.logGroupName, clusterArn: cluster.arn, vpcId: network!.vpcId,
        subnetIds: network!.taskSubnetIds, assignPublicIp: network!.assignPublicIp,
        schedule: job.schedule.trim(), timezone: job.timezone ?? JOB_DEFAULTS.timezone, retries: job.retries ?? JOB_DEFAULTS.retries,
        maxAgeSeconds: job.maxAgeSeconds ?? JOB_DEFAULTS.maxAgeSeconds, flexibleWindowMinutes: job.flexibleWindowMinutes ?? JOB_DEFAULTS.flexibleWindowMinutes,
        deadLetterQueueArn: job.deadLetterQueueArn, permissionsBoundary: trust.permissionsBoundaryArn,
        // The trust's scheduler grant: it exists whenever the stack has jobs (scheduledJobs above).
        schedulerPolicyArn: trust.schedulerPolicyArn!,
    }, opts);
}

// The deploy role passes each scheduler role through the trust's `sched` pattern (passRoleKinds above).
const scheduled = settings.jobs.map((job) => ({ job, scheduledJob: jobFor(job) }));

// One alias record per domain, under a name that does not change when the domain moves between its
// service's own load balancer and the shared one, so that move is an in-place update (domainAlias).
for (const [domain, zoneId] of zones) {
    const owner = deployed.find(({ svc }) => svc.domain === domain)!.service as FargateService;
    domainAlias(`${prefix}-${domain}-dns`, { name: domain, zoneId }, sharedLb?.listener ?? { dnsName: owner.loadBalancerDns, zoneId: owner.loadBalancerZoneId }, { provider });
}

return {
    stack: settings.stack,
    providerArn: trust.providerArn,
    deployRoleArn: trust.deployRoleArn,
    previewRoleArn: trust.previewRoleArn,
    clusterArn: cluster.arn,
    services: Object.fromEntries(deployed.map(({ svc, registry, service }) => [svc.name, {
    mode: svc.mode,
    kind: svc.kind ?? "web",
    // A worker serves nothing: no URL, no health check; the gate checks its deployment and image only.
    url: service instanceof WorkerService ? undefined : service.url,
    serviceArn: service.serviceArn,
    serviceName: service.serviceName,
    clusterArn: cluster.arn,
    logGroupName: service.logGroupName,
    // Fargate only: the load balancer's own name (for a CNAME or debugging), the certificate, the deployment alarms.
    loadBalancerDnsName: service instanceof FargateService ? service.loadBalancerDns : undefined,
    certificateArn: service instanceof FargateService ? service.certificateArn : undefined,
    alarmNames: service instanceof FargateService ? service.alarmNames : undefined,
    // The deploy gate's time budget follows the strategy (tools/verify/verifyDeployment.ts).
    deployment: service instanceof FargateService ? service.deployment : undefined,
    repositoryUrl: registry?.repositoryUrl,
    // The stack whose image this service runs (`image.from`): the gate and the rollback read it.
    promotedFrom: svc.image.kind === "ref" ? svc.image.from : undefined,
    imageRef: imageOf(svc, registry),
    // What the deploy gate (tools/verify/index.ts) checks: the digest that must serve, and the paths to probe.
    imageDigest: pulumi.output(imageOf(svc, registry)).apply((ref) => ref.slice(ref.indexOf("@") + 1)),
    healthCheckPath: service instanceof WorkerService ? undefined
        : service instanceof FargateService ? service.healthCheckPath : svc.healthCheckPath ?? SERVICE_DEFAULTS.healthCheckPath,
    versionPath: svc.versionPath,
    // The release command, so the deploy gate can say what a failed release leaves (docs/workloads.md).
    release: svc.release ? { command: svc.release.command } : undefined,
}])),
    // What `npm run task -- --job <name>` (tools/operate/task.ts) runs: the job's task definition in its network.
    jobs: Object.fromEntries(scheduled.map(({ job, scheduledJob }) => [job.name, {
    service: job.service,
    clusterArn: cluster.arn,
    taskDefinitionArn: scheduledJob.taskDefinitionArn,
    family: scheduledJob.family,
    scheduleName: scheduledJob.scheduleName,
    subnetIds: network!.taskSubnetIds,
    securityGroupId: scheduledJob.securityGroupId,
    assignPublicIp: network!.assignPublicIp,
    logGroupName: deployed.find((d) => d.svc.name === job.service)!.service.logGroupName,
    logStreamPrefix: jobStreamPrefix(job.name),
}])),
};
}
