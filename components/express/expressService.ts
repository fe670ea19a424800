import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    containerEnvironment, containerSecrets, normalizeServiceSettings, PassRoleGrant, ResolvedServiceSettings, ScalingMetric,
    ScalingSettings, serviceSettingsProblems, serviceTrustPolicy, ServiceSettings,
} from "../service/serviceArgs";
import { argumentsError } from "../service/argumentsError";
import { roleLogicalName } from "../service/naming";
import { TaskRoleArns, createLogGroup, createTaskRoles } from "../service/serviceRoles";
import { DrainBarrier } from "../service/drainBarrier";
import { ReleaseSettings, ReleaseTask, RELEASE_STREAM_PREFIX, releaseProblems, releaseTaskDefinition } from "../release/releaseTask";
import { SCALING_TRIGGER_ENV, physicalServiceName, scalingTrigger } from "./expressLifecycle";

export const EXPRESS_SERVICE_TYPE = "ecs-ship:index:ExpressService";

/** AWS managed policy of the Express infrastructure role (ALB, target groups, security groups, certificates, scaling). */
export const EXPRESS_INFRASTRUCTURE_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices";

/** Express Mode's names for the scaling metrics. Source: Amazon ECS API Reference, ExpressGatewayScalingTarget, autoScalingMetric. */
export const EXPRESS_SCALING_METRICS: Record<ScalingMetric, string> = {
    cpu: "AVERAGE_CPU",
    memory: "AVERAGE_MEMORY",
    requests: "REQUEST_COUNT_PER_TARGET",
};

/**
 * How long `pulumi up`/`destroy` wait for the service. Deleting an ECS service waits for it
 * to leave DRAINING, which outlasts the provider's default when tasks drain slowly
 * (terraform-provider-aws issue #17548 and PR #10452 on ECS service delete timeouts), and an
 * Express service also removes the load balancer rules, target groups and security groups
 * it made. A service whose role was deleted first never leaves DRAINING (aws/aws-cli issue
 * #1334), which is why the service also depends on every role policy.
 */
export const EXPRESS_TIMEOUTS = { create: "30m", update: "30m", delete: "35m" };

export interface ExpressServiceArgs extends ServiceSettings {
    /**
     * Base of the physical service name, `ecs-ship-<stack>-<service>`. The service is created
     * as `<serviceName>-<6 hex>`, the suffix derived from the infrastructure role, so that a
     * replacement never reuses a name AWS still holds (expressLifecycle.ts).
     */
    serviceName: string;
    /** Cluster the service runs in. @default - the account's `default` cluster, which ECS creates if missing and which the stack then does not own */
    cluster?: pulumi.Input<string>;
    /**
     * Subnets for the service and its load balancer, at least two in different Availability
     * Zones. @default - Express uses the default VPC's subnets and security groups
     */
    subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Permissions boundary every role of the service carries, but the infrastructure role when the next is set. @default - none */
    permissionsBoundary?: pulumi.Input<string>;
    /**
     * Permissions boundary of the infrastructure role (GithubOidcTrust's `infrastructureBoundaryArn`), whose
     * ceiling is AWS's Express infrastructure policy rather than the tasks'. @default - `permissionsBoundary`
     */
    infrastructurePermissionsBoundary?: pulumi.Input<string>;
    /**
     * A command run before each rollout that changes the task settings, as one task of a task
     * definition of its own (family `<name>-release`), since Express manages the service's.
     * Needs `releaseNetwork`. @default - none
     */
    release?: ReleaseSettings;
    /**
     * Where the release task runs: subnets, and whether it gets a public IP. With no security group
     * given, RunTask uses the VPC's default one (Amazon ECS API Reference, AwsVpcConfiguration).
     */
    releaseNetwork?: { subnetIds: pulumi.Input<pulumi.Input<string>[]>; assignPublicIp: pulumi.Input<boolean>; securityGroupIds?: pulumi.Input<pulumi.Input<string>[]> };
}

/** ExpressServiceArgs with every default applied (normalizeServiceSettings). */
export type ResolvedExpressServiceArgs = ExpressServiceArgs & ResolvedServiceSettings;

/**
 * An ECS Express Mode service: AWS runs the load balancer, HTTPS certificate, security
 * groups and autoscaling; this component owns the roles, the log group and the service.
 *
 * Rollouts are canary deployments with bake time, by AWS's design, so an update takes
 * several minutes even when healthy.
 *
 * Cost: Fargate tasks (0.25 vCPU / 0.5 GB ≈ $9 a month each in us-east-1) plus a share of
 * the load balancer, which up to 25 Express services share.
 */
export class ExpressService extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly serviceArn: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
    /** Roles the stack's deploy role must be allowed to pass for this service. */
    readonly passRoles: PassRoleGrant[];
    /** The task's roles, which the service's scheduled jobs run with too. */
    readonly taskRoles: TaskRoleArns;
    readonly service: aws.ecs.ExpressGatewayService;

    constructor(name: string, input: ExpressServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(EXPRESS_SERVICE_TYPE, name, {}, opts);
        const args = normalizeServiceSettings(input);
        const problems = [...expressArgsProblems(args), ...releaseProblems(args.release)];
        if (args.release && !args.releaseNetwork) problems.push("releaseNetwork: is required with release (the subnets the release task runs in), got nothing");
        if (problems.length > 0) throw argumentsError(this, problems);

        const roles = createTaskRoles(this, name, args, args.permissionsBoundary);
        const infrastructure = this.createInfrastructureRole(name, args);
        const logGroup = createLogGroup(this, name, args.logRetentionDays, args.tags);
        const physicalName = infrastructure.role.arn.apply((arn) => physicalServiceName(args.serviceName, arn));
        const barrier = this.createDrainBarrier(name, args, physicalName, [...roles.policies, infrastructure.attachment, logGroup]);
        const release = this.createRelease(name, args, roles, logGroup);
        this.service = this.createService(name, args, physicalName, roles.executionRole, roles.taskRole, infrastructure.role, logGroup,
            [...roles.policies, infrastructure.attachment, barrier, ...(release ? [release] : [])]);

        this.taskRoles = { executionRoleArn: roles.executionRole.arn, taskRoleArn: roles.taskRole?.arn };
        this.passRoles = [...roles.passRoles, { roleArn: infrastructure.role.arn, service: "ecs.amazonaws.com" }];
        this.url = this.service.ingressPaths.apply((paths) => httpsUrl(paths ?? []));
        this.serviceArn = this.service.serviceArn;
        this.serviceName = pulumi.all([this.service.serviceName, physicalName]).apply(([n, p]) => n ?? p);
        this.logGroupName = logGroup.name;
        this.registerOutputs({ url: this.url, serviceArn: this.serviceArn, serviceName: this.serviceName, logGroupName: this.logGroupName });
    }

    /** The release's own task definition and its run, before the service changes (releaseTask.ts). */
    private createRelease(name: string, args: ResolvedExpressServiceArgs, roles: { executionRole: aws.iam.Role; taskRole?: aws.iam.Role; policies: pulumi.Resource[] }, logGroup: aws.cloudwatch.LogGroup): ReleaseTask | undefined {
        if (!args.release || !args.releaseNetwork) return undefined;
        const containerName = "app";
        const td = releaseTaskDefinition(this, name, {
            image: args.image, cpu: args.cpu, memory: args.memory, containerName,
            environment: containerEnvironment(args.environment), secrets: containerSecrets(args.secrets),
            executionRoleArn: roles.executionRole.arn, taskRoleArn: roles.taskRole?.arn, logGroup: logGroup.name, tags: args.tags,
        });
        return new ReleaseTask(`${name}-release`, {
            region: aws.getRegionOutput({}, { parent: this }).region,
            cluster: args.cluster ?? "default",
            taskDefinitionArn: td.arn,
            containerName,
            command: args.release.command,
            subnets: args.releaseNetwork.subnetIds,
            securityGroups: args.releaseNetwork.securityGroupIds ?? [],
            assignPublicIp: args.releaseNetwork.assignPublicIp,
            logGroup: logGroup.name,
            logStreamPrefix: RELEASE_STREAM_PREFIX,
            timeoutMinutes: args.release.timeoutMinutes,
            service: name,
        }, { parent: this, dependsOn: roles.policies });
    }

    /** The role Express assumes to run the load balancer, security groups and scaling (`${name}-infra`). */
    private createInfrastructureRole(name: string, args: ResolvedExpressServiceArgs) {
        const role = new aws.iam.Role(roleLogicalName(name, "infra"), {
            description: `ECS Express infrastructure role of ${name}: load balancer, security groups, certificates, scaling`,
            assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ecs.amazonaws.com")),
            // A change of boundary (a stack moving to the infrastructure boundary) is an update in place:
            // resourceRoleUpdate calls PutRolePermissionsBoundary when permissions_boundary changes
            // (Terraform AWS provider, internal/service/iam/role.go), so the role and the service keep their names.
            permissionsBoundary: args.infrastructurePermissionsBoundary ?? args.permissionsBoundary,
            tags: args.tags,
        }, { parent: this });
        const attachment = new aws.iam.RolePolicyAttachment(`${name}-infra-managed`, { role: role.name, policyArn: EXPRESS_INFRASTRUCTURE_POLICY_ARN }, { parent: this });
        return { role, attachment };
    }

    /**
     * Holds the delete of everything the draining service needs (role policies, log group,
     * cluster) until the service is INACTIVE: see drainBarrier.ts.
     */
    private createDrainBarrier(name: string, args: ResolvedExpressServiceArgs, physicalName: pulumi.Output<string>, needed: pulumi.Resource[]): DrainBarrier {
        return new DrainBarrier(`${name}-drain`, {
            region: aws.getRegionOutput({}, { parent: this }).region,
            cluster: args.cluster ?? "default",
            serviceName: physicalName,
        }, { parent: this, dependsOn: needed });
    }

    private createService(
        name: string,
        args: ResolvedExpressServiceArgs,
        physicalName: pulumi.Output<string>,
        executionRole: aws.iam.Role,
        taskRole: aws.iam.Role | undefined,
        infrastructureRole: aws.iam.Role,
        logGroup: aws.cloudwatch.LogGroup,
        dependencies: pulumi.Resource[],
    ): aws.ecs.ExpressGatewayService {
        const metric = EXPRESS_SCALING_METRICS[args.scaling.metric];
        return new aws.ecs.ExpressGatewayService(`${name}-service`, {
            serviceName: physicalName,
            cluster: args.cluster,
            executionRoleArn: executionRole.arn,
            infrastructureRoleArn: infrastructureRole.arn,
            taskRoleArn: taskRole?.arn,
            cpu: String(args.cpu),
            memory: String(args.memory),
            // AWS's default health check path is /ping; the app serves /health.
            // Source: Amazon ECS API Reference, CreateExpressGatewayService, healthCheckPath.
            healthCheckPath: args.healthCheckPath,
            primaryContainer: {
                image: args.image,
                containerPort: args.port,
                commands: args.command,
                // The scaling settings ride along as a container change; see expressLifecycle.ts.
                environments: [...containerEnvironment(args.environment), { name: SCALING_TRIGGER_ENV, value: scalingTrigger(metric, args.scaling) }],
                secrets: containerSecrets(args.secrets),
                awsLogsConfigurations: [{ logGroup: logGroup.name, logStreamPrefix: "ecs" }],
            },
            scalingTargets: [expressScalingTarget(args.scaling)],
            // Only subnets are chosen; Express attaches its own security groups (see ignoreChanges).
            // The provider's type requires the list, and an empty one lets Express choose.
            networkConfigurations: args.subnetIds ? [{ subnets: args.subnetIds, securityGroups: [] }] : undefined,
            // AWS returns as soon as the service is accepted unless told to wait; waiting makes
            // `pulumi up` fail when the rollout fails. Source: Pulumi AWS provider,
            // aws.ecs.ExpressGatewayService, waitForSteadyState (default false).
            waitForSteadyState: true,
            timeouts: EXPRESS_TIMEOUTS,
            tags: args.tags,
        }, {
            parent: this,
            // Deleting a role policy before the service leaves ECS unable to drain it, and the
            // delete hangs in DRAINING; depending on every policy, and on the drain barrier
            // that depends on them, orders the service first and the policies after the drain.
            dependsOn: dependencies,
            customTimeouts: EXPRESS_TIMEOUTS,
            // The provider stores the security groups AWS reports for the service, and
            // network_configuration is one Optional+Computed list compared as a whole
            // (Terraform AWS provider, internal/service/ecs/express_gateway_service.go, Schema and
            // Read), so sending `[]` diffed on every run and started a canary deployment.
            // For an ignored path the bridge diffs with the value from the prior state
            // (pulumi/pulumi-terraform-bridge, pkg/pf/tfbridge/provider_diff.go, DiffWithContext:
            // ApplyIgnoreChanges(priorStateMap, checkedInputs, ignoreChanges)), which is exactly
            // what AWS attached. Subnet changes are still sent.
            ignoreChanges: ["networkConfigurations[0].securityGroups"],
        });
    }
}

/** The scaling target Express takes, from the shared scaling settings. */
export function expressScalingTarget(scaling: ScalingSettings) {
    return {
        autoScalingMetric: EXPRESS_SCALING_METRICS[scaling.metric],
        autoScalingTargetValue: scaling.target,
        minTaskCount: scaling.min,
        maxTaskCount: scaling.max,
    };
}

/** The public HTTPS URL among the service's ingress paths. */
export function httpsUrl(paths: { accessType: string; endpoint: string }[]): string {
    const p = paths.find((x) => x.accessType === "PUBLIC") ?? paths[0];
    if (!p) return "";
    return p.endpoint.startsWith("https://") ? p.endpoint : `https://${p.endpoint}`;
}

export function expressArgsProblems(args: ResolvedExpressServiceArgs): string[] {
    const problems: string[] = [];
    // AWS allows 255 characters; 7 are the replacement suffix (expressLifecycle.ts).
    if (!/^[A-Za-z0-9_-]{1,248}$/.test(args.serviceName)) {
        problems.push(`serviceName: must be 1 to 248 letters, digits, hyphens or underscores, got ${JSON.stringify(args.serviceName)}`);
    }
    if (args.environment[SCALING_TRIGGER_ENV] !== undefined) {
        problems.push(`environment.${SCALING_TRIGGER_ENV}: reserved by ecs-ship for the scaling settings, got ${JSON.stringify(args.environment[SCALING_TRIGGER_ENV])}`);
    }
    // A plain list is checked now; an Output (a created VPC's subnets) is checked by the plan's pre-flight.
    if (Array.isArray(args.subnetIds) && args.subnetIds.length < 2) {
        problems.push(`subnetIds: Express Mode needs at least 2 subnets in different Availability Zones, got ${args.subnetIds.length}`);
    }
    problems.push(...serviceSettingsProblems(args));
    if (args.architecture === "arm64") {
        // Express Mode has no runtime-platform setting and runs x86_64 tasks.
        // Source: Amazon ECS API Reference, CreateExpressGatewayService (no runtimePlatform parameter).
        problems.push(`architecture: Express Mode runs x86_64 tasks only; arm64 needs FargateService, got "arm64"`);
    }
    return problems;
}
