// Children both service modes create the same way: the execution role (with its secrets
// policy), the optional task role, and the log group. Each service component calls these
// with itself as parent, so names and shapes match across modes.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { roleLogicalName } from "./naming";
import { PassRoleGrant, ResolvedServiceSettings, SERVICE_DEFAULTS, TASK_EXECUTION_POLICY_ARN, secretsPolicy, serviceTrustPolicy, taskPolicy } from "./serviceArgs";

export interface ServiceRoles {
    executionRole: aws.iam.Role;
    taskRole?: aws.iam.Role;
    /** Every policy attachment and inline policy of the roles: the service must depend on them. */
    policies: pulumi.Resource[];
    /** What the deploy role may pass, and to which service. */
    passRoles: PassRoleGrant[];
}

/** A service's role ARNs, for what runs its image besides the service (scheduled jobs). */
export interface TaskRoleArns {
    executionRoleArn: pulumi.Output<string>;
    taskRoleArn?: pulumi.Output<string>;
}

/**
 * The execution role (`${name}-exec`, shortened to fit IAM by naming.ts: ECR pull and log writes through
 * AmazonECSTaskExecutionRolePolicy, plus exactly the configured secrets) and, only when the
 * app needs AWS permissions, the task role (`${name}-task`). Both carry the boundary.
 */
export function createTaskRoles(
    parent: pulumi.Resource,
    name: string,
    settings: Pick<ResolvedServiceSettings, "secrets" | "secretsKmsKeyArn" | "taskPolicyStatements" | "tags" | "exec">,
    permissionsBoundary: pulumi.Input<string> | undefined,
): ServiceRoles {
    const opts = { parent };
    const executionRole = new aws.iam.Role(roleLogicalName(name, "exec"), {
        description: `ECS task execution role of ${name}: pulls the image, writes logs, reads the configured secrets`,
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ecs-tasks.amazonaws.com")),
        permissionsBoundary,
        tags: settings.tags,
    }, opts);
    const policies: pulumi.Resource[] = [
        new aws.iam.RolePolicyAttachment(`${name}-exec-managed`, { role: executionRole.name, policyArn: TASK_EXECUTION_POLICY_ARN }, opts),
    ];
    const secretsDoc = secretsPolicy(settings.secrets, settings.secretsKmsKeyArn);
    if (secretsDoc) {
        policies.push(new aws.iam.RolePolicy(`${name}-exec-secrets`, { role: executionRole.name, policy: JSON.stringify(secretsDoc) }, opts));
    }
    const passRoles: PassRoleGrant[] = [{ roleArn: executionRole.arn, service: "ecs-tasks.amazonaws.com" }];

    // ECS Exec's channel permissions join the app's own, so `exec: true` alone creates a task role.
    const appDoc = taskPolicy(settings.taskPolicyStatements, settings.exec === true);
    let taskRole: aws.iam.Role | undefined;
    if (appDoc) {
        taskRole = new aws.iam.Role(roleLogicalName(name, "task"), {
            description: `ECS task role of ${name}: the application's own AWS permissions`,
            assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ecs-tasks.amazonaws.com")),
            permissionsBoundary,
            tags: settings.tags,
        }, opts);
        policies.push(new aws.iam.RolePolicy(`${name}-task-policy`, { role: taskRole.name, policy: JSON.stringify(appDoc) }, opts));
        passRoles.push({ roleArn: taskRole.arn, service: "ecs-tasks.amazonaws.com" });
    }
    return { executionRole, taskRole, policies, passRoles };
}

/**
 * The service's own log group (`${name}-logs`) with retention set, so logs neither grow
 * without bound nor outlive the stack: `pulumi destroy` deletes it.
 */
export function createLogGroup(parent: pulumi.Resource, name: string, retentionInDays: number | undefined, tags?: Record<string, string>): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(`${name}-logs`, {
        retentionInDays: retentionInDays ?? SERVICE_DEFAULTS.logRetentionDays,
        tags,
    }, { parent });
}
