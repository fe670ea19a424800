// ScheduledJob: an EventBridge Scheduler schedule that runs a task from a service's image with the
// job's own command. The job has its own task-definition family (the service's image, environment,
// secrets and roles, the job's command and size), its own security group (egress only), and a
// scheduler role attached to the trust's scheduler grant (the jobs' families, the stack's task roles).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { CONTAINER_NAME } from "../fargate/fargateService";
import { STOP_TIMEOUT } from "../fargate/fargateSettings";
import { flexibleWindow, scheduleLogicalName } from "./jobSettings";
import { roleLogicalName } from "../service/naming";
import { fargateTaskPlatform } from "../service/fargateTask";
import { Architecture, PassRoleGrant, containerEnvironment, containerSecrets, serviceTrustPolicy } from "../service/serviceArgs";

export const SCHEDULED_JOB_TYPE = "ecs-ship:index:ScheduledJob";

export interface ScheduledJobArgs {
    /** `ecs-ship-<stack>`, for the schedule's name. */
    prefix: string;
    job: string;
    image: pulumi.Input<string>;
    command: string[];
    cpu: number;
    memory: number;
    architecture: Architecture;
    environment: Record<string, string>;
    secrets: Record<string, string>;
    /** The service's roles: the job's tasks run with exactly the service's permissions. */
    executionRoleArn: pulumi.Input<string>;
    taskRoleArn?: pulumi.Input<string | undefined>;
    /** The service's log group: the job logs there under the stream prefix `job-<name>`. */
    logGroupName: pulumi.Input<string>;
    clusterArn: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    assignPublicIp: boolean;
    schedule: string;
    timezone: string;
    retries: number;
    maxAgeSeconds: number;
    flexibleWindowMinutes: number;
    deadLetterQueueArn?: string;
    permissionsBoundary?: pulumi.Input<string>;
    /** The trust's scheduler grant policy (GithubOidcTrust.schedulerPolicyArn): the scheduler role's only permissions. */
    schedulerPolicyArn: pulumi.Input<string>;
    tags?: Record<string, string>;
}

/** The log stream prefix of a job's container: streams are `job-<name>/app/<task id>`. */
export const jobStreamPrefix = (job: string) => `job-${job}`;

export class ScheduledJob extends pulumi.ComponentResource {
    public readonly scheduleName: pulumi.Output<string>;
    public readonly taskDefinitionArn: pulumi.Output<string>;
    public readonly family: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    /** The scheduler role, which the deploy role must pass to scheduler.amazonaws.com. */
    public readonly passRoles: PassRoleGrant[];

    constructor(name: string, a: ScheduledJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super(SCHEDULED_JOB_TYPE, name, {}, opts);
        const parent = { parent: this };
        const region = aws.getRegionOutput({}, parent).region;
        const taskDefinition = new aws.ecs.TaskDefinition(`${name}-td`, {
            ...fargateTaskPlatform({ family: name, cpu: a.cpu, memory: a.memory, architecture: a.architecture }),
            executionRoleArn: a.executionRoleArn,
            taskRoleArn: a.taskRoleArn,
            containerDefinitions: pulumi.jsonStringify([{
                name: CONTAINER_NAME,
                image: a.image,
                essential: true,
                command: a.command,
                environment: containerEnvironment(a.environment),
                secrets: containerSecrets(a.secrets),
                stopTimeout: STOP_TIMEOUT,
                logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": a.logGroupName, "awslogs-region": region, "awslogs-stream-prefix": jobStreamPrefix(a.job) } },
            }]),
            tags: a.tags,
        }, parent);
        const sg = new aws.ec2.SecurityGroup(`${name}-task-sg`, { vpcId: a.vpcId, description: "ecs-ship job tasks: no ingress", tags: a.tags }, parent);
        new aws.vpc.SecurityGroupEgressRule(`${name}-task-egress`, { securityGroupId: sg.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", tags: a.tags }, parent);

        // Scheduler assumes this role to call RunTask. Source: EventBridge Scheduler User Guide,
        // "Set up the execution role" (trust: scheduler.amazonaws.com).
        const role = new aws.iam.Role(roleLogicalName(name, "sched"), {
            description: `EventBridge Scheduler role of ${name}: runs the stack's job task definitions`,
            assumeRolePolicy: JSON.stringify(serviceTrustPolicy("scheduler.amazonaws.com")),
            permissionsBoundary: a.permissionsBoundary,
            tags: a.tags,
        }, parent);
        // Its permissions are the trust's scheduler grant policy (components/trust/schedulerPolicies.ts), written by an
        // administrator for every job of the stack; the deploy role may attach only that policy (iam:PolicyARN).
        const policy = new aws.iam.RolePolicyAttachment(`${name}-sched-grant`, { role: role.name, policyArn: a.schedulerPolicyArn }, parent);

        const schedule = new aws.scheduler.Schedule(scheduleLogicalName(a.prefix, a.job), {
            description: `ecs-ship job ${a.job}: ${a.command.join(" ")}`.slice(0, 512),
            scheduleExpression: a.schedule,
            scheduleExpressionTimezone: a.timezone,
            flexibleTimeWindow: flexibleWindow(a.flexibleWindowMinutes),
            state: "ENABLED",
            target: {
                arn: a.clusterArn,
                roleArn: role.arn,
                ecsParameters: {
                    taskDefinitionArn: taskDefinition.arn,
                    launchType: "FARGATE",
                    taskCount: 1,
                    networkConfiguration: { subnets: a.subnetIds, securityGroups: [sg.id], assignPublicIp: a.assignPublicIp },
                },
                retryPolicy: { maximumRetryAttempts: a.retries, maximumEventAgeInSeconds: a.maxAgeSeconds },
                deadLetterConfig: a.deadLetterQueueArn ? { arn: a.deadLetterQueueArn } : undefined,
            },
        }, { parent: this, dependsOn: [policy] });

        this.scheduleName = schedule.name;
        this.taskDefinitionArn = taskDefinition.arn;
        this.family = taskDefinition.family;
        this.securityGroupId = sg.id;
        this.passRoles = [{ roleArn: role.arn, service: "scheduler.amazonaws.com" }];
        this.registerOutputs({ scheduleName: this.scheduleName, taskDefinitionArn: this.taskDefinitionArn, family: this.family });
    }
}
