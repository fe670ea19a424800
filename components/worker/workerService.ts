// WorkerService: a long-running ECS service on Fargate with no port and no load balancer (queue
// consumers, background processors). Same roles, log group and rollout safety as FargateService;
// scales on cpu, memory, or an SQS queue's backlog per task.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { argumentsError } from "../service/argumentsError";
import { fargateCapacity, fargateTaskPlatform } from "../service/fargateTask";
import { CONTAINER_NAME } from "../fargate/fargateService";
import { DEPLOYMENT, FARGATE_DEFAULTS, STOP_TIMEOUT, serviceDeleteTimeout } from "../fargate/fargateSettings";
import { TaskRoleArns, createLogGroup, createTaskRoles } from "../service/serviceRoles";
import { PassRoleGrant, ServiceSettings, containerEnvironment, containerSecrets, normalizeServiceSettings } from "../service/serviceArgs";
import { WorkerMetric, workerArgsProblems, workerTargetTracking } from "./workerSettings";

export const WORKER_SERVICE_TYPE = "ecs-ship:index:WorkerService";
const ANYWHERE_IPV4 = "0.0.0.0/0";

export interface WorkerServiceArgs extends Omit<ServiceSettings, "port" | "healthCheckPath" | "scaling"> {
    clusterArn: pulumi.Input<string>;
    clusterName: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    taskSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** @default true (FARGATE_DEFAULTS.assignPublicIp) */
    assignPublicIp?: boolean;
    /** @default false */
    spot?: boolean;
    /**
     * Target tracking on `cpu` or `memory` percent, or on `queue`: an SQS queue's backlog per task
     * (`queueName` required). @default { min: 1, max: 4, metric: "cpu", target: 60 }
     */
    scaling?: { min?: number; max?: number; metric?: WorkerMetric; target?: number; queueName?: string };
    permissionsBoundary?: pulumi.Input<string>;
}

/**
 * A worker: log group, execution role (and a task role when the app needs AWS permissions or
 * ECS Exec), task definition without port mappings, a security group with egress only (nothing
 * may connect to a worker), the ECS service with the circuit breaker and rollback, and
 * target-tracking autoscaling.
 *
 * **Cost** (us-east-1): the tasks only (0.25 vCPU / 0.5 GB about $9/month on FARGATE), plus
 * $3.65/month per task for its public IP in a public subnet. No load balancer.
 */
export class WorkerService extends pulumi.ComponentResource {
    public readonly serviceArn: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly passRoles: PassRoleGrant[];
    /** The worker's security group (egress only): scheduled jobs of this worker run in it too. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** The task's roles, which the worker's scheduled jobs run with too. */
    public readonly taskRoles: TaskRoleArns;
    public readonly logGroup: aws.cloudwatch.LogGroup;

    constructor(name: string, args: WorkerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(WORKER_SERVICE_TYPE, name, {}, opts);
        const { scaling: scalingArgs, ...rest } = args;
        // A worker gets no PORT: `port: undefined` keeps normalizeServiceSettings from adding it.
        const base = normalizeServiceSettings({ ...rest, scaling: { ...scalingArgs, metric: "cpu" as const } });
        const metric: WorkerMetric = scalingArgs?.metric ?? "cpu";
        const environment = { ...(args.environment ?? {}) };
        const a = {
            ...base,
            environment,
            scaling: { ...base.scaling, metric, target: scalingArgs?.target ?? base.scaling.target, queueName: scalingArgs?.queueName },
            assignPublicIp: args.assignPublicIp ?? FARGATE_DEFAULTS.assignPublicIp,
            spot: args.spot ?? FARGATE_DEFAULTS.spot,
        };
        const problems = workerArgsProblems(a);
        if (problems.length > 0) throw argumentsError(this, problems);

        const logGroup = createLogGroup(this, name, a.logRetentionDays, a.tags);
        const roles = createTaskRoles(this, name, a, a.permissionsBoundary);
        // Nothing connects to a worker: no ingress rule at all. Egress stays open, as for web tasks
        // (ECR, CloudWatch Logs, Secrets Manager, the queue and the app's own dependencies).
        const sg = new aws.ec2.SecurityGroup(`${name}-task-sg`, { vpcId: a.vpcId, description: "ecs-ship worker tasks: no ingress", tags: a.tags }, { parent: this });
        new aws.vpc.SecurityGroupEgressRule(`${name}-task-egress`, { securityGroupId: sg.id, ipProtocol: "-1", cidrIpv4: ANYWHERE_IPV4, tags: a.tags }, { parent: this });
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const taskDefinition = new aws.ecs.TaskDefinition(`${name}-td`, {
            ...fargateTaskPlatform({ family: name, cpu: a.cpu, memory: a.memory, architecture: a.architecture }),
            executionRoleArn: roles.executionRole.arn,
            taskRoleArn: roles.taskRole?.arn,
            containerDefinitions: pulumi.jsonStringify([{
                name: CONTAINER_NAME,
                image: a.image,
                essential: true,
                command: a.command,
                environment: containerEnvironment(a.environment),
                secrets: containerSecrets(a.secrets),
                stopTimeout: STOP_TIMEOUT,
                logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": CONTAINER_NAME } },
            }]),
            tags: a.tags,
        }, { parent: this });
        const service = new aws.ecs.Service(`${name}-svc`, {
            cluster: a.clusterArn,
            taskDefinition: taskDefinition.arn,
            desiredCount: a.desiredCount,
            // As FargateService: a strategy, never launchType, so switching `spot` is an in-place update.
            ...fargateCapacity(a.spot),
            networkConfiguration: { subnets: a.taskSubnetIds, securityGroups: [sg.id], assignPublicIp: a.assignPublicIp },
            // Without a load balancer, ECS counts a task that stops before it reaches RUNNING (or exits) as
            // failed; the breaker then rolls back. Source: Amazon ECS Developer Guide, "How the Amazon ECS
            // deployment circuit breaker detects failures" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html).
            deploymentCircuitBreaker: { enable: true, rollback: true },
            deploymentMinimumHealthyPercent: DEPLOYMENT.minimumHealthyPercent,
            deploymentMaximumPercent: DEPLOYMENT.maximumPercent,
            enableExecuteCommand: a.exec ? true : undefined,
            waitForSteadyState: true,
            propagateTags: "SERVICE",
            enableEcsManagedTags: true,
            tags: a.tags,
        }, {
            parent: this,
            dependsOn: roles.policies,
            ignoreChanges: ["desiredCount"],
            customTimeouts: { create: "30m", update: "30m", delete: serviceDeleteTimeout(0) },
        });
        const target = new aws.appautoscaling.Target(`${name}-scaling`, {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${a.clusterName}/${service.name}`,
            minCapacity: a.scaling.min,
            maxCapacity: a.scaling.max,
            tags: a.tags,
        }, { parent: this });
        new aws.appautoscaling.Policy(`${name}-scale-${a.scaling.metric}`, {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: pulumi.all([a.clusterName, service.name])
                .apply(([cluster, svc]) => workerTargetTracking(a.scaling, { cluster, service: svc })),
        }, { parent: this });

        this.serviceArn = service.arn;
        this.serviceName = service.name;
        this.logGroupName = logGroup.name;
        this.logGroup = logGroup;
        this.passRoles = roles.passRoles;
        this.securityGroupId = sg.id;
        this.taskRoles = { executionRoleArn: roles.executionRole.arn, taskRoleArn: roles.taskRole?.arn };
        this.registerOutputs({ serviceArn: this.serviceArn, serviceName: this.serviceName, logGroupName: this.logGroupName, passRoles: this.passRoles });
    }
}
