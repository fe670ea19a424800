import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    containerEnvironment, containerSecrets, normalizeServiceSettings, PassRoleGrant, ResolvedServiceSettings, ScalingMetric,
    ScalingSettings, serviceSettingsProblems, serviceTrustPolicy, ServiceSettings,
} from "./serviceArgs";
import { argumentsError } from "./argumentsError";
import { roleLogicalName } from "./naming";
import { createLogGroup, createTaskRoles } from "./serviceRoles";

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
    /** Physical service name, `ecs-ship-<stack>-<service>`. */
    serviceName: string;
    /** Cluster the service runs in. @default - the account's `default` cluster, which ECS creates if missing and which the stack then does not own */
    cluster?: pulumi.Input<string>;
    /**
     * Subnets for the service and its load balancer, at least two in different Availability
     * Zones. @default - Express uses the default VPC's subnets and security groups
     */
    subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Permissions boundary every role of the service carries. @default - none */
    permissionsBoundary?: pulumi.Input<string>;
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
    readonly service: aws.ecs.ExpressGatewayService;

    constructor(name: string, input: ExpressServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(EXPRESS_SERVICE_TYPE, name, {}, opts);
        const args = normalizeServiceSettings(input);
        const problems = expressArgsProblems(args);
        if (problems.length > 0) throw argumentsError(this, problems);

        const roles = createTaskRoles(this, name, args, args.permissionsBoundary);
        const infrastructure = this.createInfrastructureRole(name, args);
        const logGroup = createLogGroup(this, name, args.logRetentionDays, args.tags);
        this.service = this.createService(name, args, roles.executionRole, roles.taskRole, infrastructure.role, logGroup, [...roles.policies, infrastructure.attachment]);

        this.passRoles = [...roles.passRoles, { roleArn: infrastructure.role.arn, service: "ecs.amazonaws.com" }];
        this.url = this.service.ingressPaths.apply((paths) => httpsUrl(paths ?? []));
        this.serviceArn = this.service.serviceArn;
        this.serviceName = this.service.serviceName.apply((n) => n ?? args.serviceName);
        this.logGroupName = logGroup.name;
        this.registerOutputs({ url: this.url, serviceArn: this.serviceArn, serviceName: this.serviceName, logGroupName: this.logGroupName });
    }

    /** The role Express assumes to run the load balancer, security groups and scaling (`${name}-infra`). */
    private createInfrastructureRole(name: string, args: ResolvedExpressServiceArgs) {
        const role = new aws.iam.Role(roleLogicalName(name, "infra"), {
            description: `ECS Express infrastructure role of ${name}: load balancer, security groups, certificates, scaling`,
            assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ecs.amazonaws.com")),
            permissionsBoundary: args.permissionsBoundary,
            tags: args.tags,
        }, { parent: this });
        const attachment = new aws.iam.RolePolicyAttachment(`${name}-infra-managed`, { role: role.name, policyArn: EXPRESS_INFRASTRUCTURE_POLICY_ARN }, { parent: this });
        return { role, attachment };
    }

    private createService(
        name: string,
        args: ResolvedExpressServiceArgs,
        executionRole: aws.iam.Role,
        taskRole: aws.iam.Role | undefined,
        infrastructureRole: aws.iam.Role,
        logGroup: aws.cloudwatch.LogGroup,
        policies: pulumi.Resource[],
    ): aws.ecs.ExpressGatewayService {
        return new aws.ecs.ExpressGatewayService(`${name}-service`, {
            serviceName: args.serviceName,
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
                environments: containerEnvironment(args.environment),
                secrets: containerSecrets(args.secrets),
                awsLogsConfigurations: [{ logGroup: logGroup.name, logStreamPrefix: "ecs" }],
            },
            scalingTargets: [expressScalingTarget(args.scaling)],
            // Express manages the service's security groups; only subnets are chosen here.
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
            // delete hangs in DRAINING; depending on every policy orders the service first.
            dependsOn: policies,
            customTimeouts: EXPRESS_TIMEOUTS,
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

/**
 * Every problem with ExpressService's plain arguments, defaults applied, worded like the stack
 * configuration's errors (argument, what is allowed, what was given). Pure.
 */
export function expressArgsProblems(args: ResolvedExpressServiceArgs): string[] {
    const problems: string[] = [];
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(args.serviceName)) {
        problems.push(`serviceName: must be 1 to 255 letters, digits, hyphens or underscores, got ${JSON.stringify(args.serviceName)}`);
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
