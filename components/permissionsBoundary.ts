// The permissions boundary every role a stack creates must carry: the ceiling for the
// execution, task and Express infrastructure roles. Pure; evaluated with a real IAM
// evaluator by test/trustSecurity.test.ts and test/iamEscalation.test.ts.
import { IamDocument, IamStatement, STACK_TAG, StackScope } from "./trustPolicies";

/** The service-linked roles Express's infrastructure role may create (its managed policy's own list). */
export const EXPRESS_SERVICE_LINKED_ROLES = ["ecs.application-autoscaling.amazonaws.com", "elasticloadbalancing.amazonaws.com"];

/**
 * The tag Amazon ECS puts on the infrastructure it creates for a service, and the tag the
 * ECS infrastructure managed policies condition their writes on (for example
 * AmazonECSInfrastructureRolePolicyForVolumes: `aws:RequestTag/AmazonECSManaged` on create).
 * Source: Amazon ECS Developer Guide, "Amazon ECS infrastructure IAM role".
 */
export const ECS_MANAGED_TAG = "AmazonECSManaged";

/** A Secrets Manager reference may name a JSON key, stage or version after the ARN; IAM sees the secret's ARN. */
export function secretResourceArn(ref: string): string {
    const parts = ref.split(":");
    return parts[2] === "secretsmanager" && parts.length > 7 ? parts.slice(0, 7).join(":") : ref;
}

/**
 * The ceiling for every role the stack creates. It admits what those roles are granted, and
 * nothing of anyone else's: IAM, STS and Organizations are denied outright, secrets are
 * exactly the configured ARNs, and the Express infrastructure role's load balancers,
 * security groups and certificates are only those ECS itself created and tagged.
 *
 * - Execution role: AWS managed policy AmazonECSTaskExecutionRolePolicy (ECR pull, logs)
 *   plus the configured secrets. Source: Amazon ECS Developer Guide, "Task execution IAM
 *   role" and "Pass sensitive data to an Amazon ECS container".
 * - Infrastructure role: the actions of AWS managed policy
 *   service-role/AmazonECSInfrastructureRoleforExpressGatewayServices (ELB, EC2 security
 *   groups and route tables, ACM certificates, Application Auto Scaling, CloudWatch alarms
 *   and their tags, log group tags and DescribeLogGroups, two service-linked roles).
 *   Source: AWS Managed Policy Reference Guide, that policy.
 * - Task roles: the stack's own `taskPermissions` (Allow statements).
 */
export function permissionsBoundary(s: StackScope, taskPermissions: IamStatement[] = []): IamDocument {
    const p = s.partition, r = s.region, acct = s.accountId;
    // Every ELB resource type and both security group types of the account and region; the
    // AmazonECSManaged tag conditions below are what scope them (and keep this under 6,144).
    const elb = `arn:${p}:elasticloadbalancing:${r}:${acct}:*`;
    const sg = `arn:${p}:ec2:${r}:${acct}:security-group*`;
    const target = `arn:${p}:application-autoscaling:${r}:${acct}:scalable-target/*`;
    const alarm = `arn:${p}:cloudwatch:${r}:${acct}:alarm:*`;
    const cert = `arn:${p}:acm:${r}:${acct}:certificate/*`;
    const ecsCreated = { [`aws:RequestTag/${ECS_MANAGED_TAG}`]: "true" };
    const ecsOwned = { [`aws:ResourceTag/${ECS_MANAGED_TAG}`]: "true" };
    const logGroups = `arn:${p}:logs:${r}:${acct}:log-group:${s.prefix}-*`;
    // Several services often grant the same statement; the boundary needs it once (its 6,144 characters
    // are shared by every service's statements, secrets and keys).
    const allowed = taskPermissions.filter((t) => t.Effect === "Allow").map(({ Sid: _sid, ...t }) => t);
    const unique = allowed.filter((t, i) => allowed.findIndex((u) => JSON.stringify(u) === JSON.stringify(t)) === i);
    const task = unique.map((t, i) => ({ ...t, Sid: `Task${i}` }));
    return doc([
        // Pulls come from the stack's repositories or from a prebuilt image's, which may be
        // another account's; pulling only reads. Source: AmazonECSTaskExecutionRolePolicy.
        { Sid: "ExecPull", Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Resource: "*" },
        { Sid: "ExecLogs", Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:TagResource"], Resource: [logGroups, `${logGroups}:*`] },
        ...secretStatements(s),
        // ---- Express infrastructure role: only what ECS creates and tags AmazonECSManaged ----
        // One statement for creates (the request carries the tag), one for changes (the
        // resource carries it): ELB, security groups, certificates, scalable targets, alarms.
        {
            Sid: "EcsCreated", Effect: "Allow", Resource: [elb, sg, cert, target, alarm], Condition: { StringEquals: ecsCreated },
            Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateRule",
                "ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "acm:RequestCertificate", "acm:AddTagsToCertificate",
                "application-autoscaling:RegisterScalableTarget", "application-autoscaling:TagResource", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"],
        },
        {
            Sid: "EcsOwned", Effect: "Allow", Resource: [elb, sg, cert, target, alarm], Condition: { StringEquals: ecsOwned },
            Action: ["elasticloadbalancing:Modify*", "elasticloadbalancing:Delete*", "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
                "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
                "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
                "ec2:ModifySecurityGroupRules", "ec2:DeleteSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags", "acm:DeleteCertificate", "acm:AddTagsToCertificate",
                "application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:PutScalingPolicy",
                "application-autoscaling:DeleteScalingPolicy", "application-autoscaling:TagResource", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource"],
        },
        { Sid: "ElbTagOnCreate", Effect: "Allow", Action: "elasticloadbalancing:AddTags", Resource: elb, Condition: { StringEquals: { ...ecsCreated, "elasticloadbalancing:CreateAction": ["CreateLoadBalancer", "CreateTargetGroup", "CreateListener", "CreateRule"] } } },
        { Sid: "SgTagOnCreate", Effect: "Allow", Action: "ec2:CreateTags", Resource: sg, Condition: { StringEquals: { ...ecsCreated, "ec2:CreateAction": ["CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"] } } },
        { Sid: "SgCreateInVpc", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: `arn:${p}:ec2:${r}:${acct}:vpc/*` },
        // Target tracking's alarms of the stack's cluster: Application Auto Scaling names them
        // TargetTracking-<resourceId>-… (Application Auto Scaling User Guide, target tracking).
        { Sid: "Alarms", Effect: "Allow", Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource"], Resource: `arn:${p}:cloudwatch:${r}:${acct}:alarm:TargetTracking-service/${s.prefix}-cluster-???????/*` },
        // Describe/List calls support no resource-level permissions (Service Authorization Reference).
        { Sid: "Describe", Effect: "Allow", Resource: "*", Action: ["elasticloadbalancing:Describe*", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeNetworkInterfaces", "ec2:DescribeAvailabilityZones", "ec2:DescribeAccountAttributes", "acm:DescribeCertificate", "acm:ListCertificates", "application-autoscaling:Describe*", "cloudwatch:DescribeAlarms", "logs:DescribeLogGroups"] },
        { Sid: "ServiceLinkedRoles", Effect: "Allow", Action: "iam:CreateServiceLinkedRole", Resource: "*", Condition: { StringEquals: { "iam:AWSServiceName": EXPRESS_SERVICE_LINKED_ROLES } } },
        ...task,
        ...schedulerStatements(s),
        // Every IAM action except creating those two service-linked roles (the key is absent
        // from every other IAM request, so IfExists makes the Deny apply to them), and, with scheduled
        // jobs, except for the scheduler roles, whose only IAM Allow is SchedPassRole above.
        {
            Sid: "DenyIam", Effect: "Deny", Action: "iam:*", Resource: "*",
            Condition: { StringNotEqualsIfExists: { "iam:AWSServiceName": EXPRESS_SERVICE_LINKED_ROLES }, ...(s.scheduledJobs ? { ArnNotLike: { "aws:PrincipalArn": schedulerRolePattern(s) } } : {}) },
        },
        { Sid: "DenyEscalation", Effect: "Deny", Action: ["sts:*", "organizations:*", "account:*"], Resource: "*" },
        // A stack role may never write the stack tag: it is what the deploy role's scoping
        // trusts, so claiming someone's resource with it would hand that resource to the deploy role.
        { Sid: "DenyStackTag", Effect: "Deny", Action: "*", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": [STACK_TAG] } } },
    ]);
}

/** The scheduler roles of the stack's jobs (components/scheduledJob.ts, roleLogicalName(…, "sched")). */
export function schedulerRolePattern(s: StackScope): string {
    return `arn:${s.partition}:iam::${s.accountId}:role/${s.prefix}-*-sched-???????`;
}

/**
 * What a job's scheduler role needs: RunTask of the stack's task definitions in the stack's cluster,
 * PassRole of the stack's execution and task roles to ECS tasks only and only by scheduler roles
 * (aws:PrincipalArn is the role's ARN for its sessions; IAM User Guide, "AWS global condition context
 * keys", aws:PrincipalArn), and SendMessage to the jobs' dead-letter queues. Each role's own policy then
 * narrows this to its one family and its roles (components/jobSettings.ts, schedulerRolePolicy).
 */
function schedulerStatements(s: StackScope): IamStatement[] {
    if (!s.scheduledJobs) return [];
    const p = s.partition, r = s.region, acct = s.accountId;
    const out: IamStatement[] = [
        // RunTask alone starts nothing: ECS also needs PassRole of the task definition's roles, which only
        // scheduler roles get (SchedPassRole), so RunTask needs no principal condition of its own.
        { Sid: "SchedRunTask", Effect: "Allow", Action: "ecs:RunTask", Resource: `arn:${p}:ecs:${r}:${acct}:task-definition/${s.prefix}-*:*`, Condition: { ArnLike: { "ecs:cluster": `arn:${p}:ecs:${r}:${acct}:cluster/${s.prefix}-cluster-???????` } } },
        // `-????-???????`: the four-letter kinds, exec and task (not infra or sched).
        { Sid: "SchedPassRole", Effect: "Allow", Action: "iam:PassRole", Resource: `arn:${p}:iam::${acct}:role/${s.prefix}-*-????-???????`, Condition: { ArnLike: { "aws:PrincipalArn": schedulerRolePattern(s) }, StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
    ];
    const queues = [...new Set(s.scheduledJobs.deadLetterQueueArns)].sort();
    if (queues.length > 0) out.push({ Sid: "SchedDeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: queues });
    return out;
}

/** Exactly the configured secret and parameter ARNs, and only the configured keys. */
function secretStatements(s: StackScope): IamStatement[] {
    const refs = [...new Set((s.secretArns ?? []).map(secretResourceArn))].sort();
    const sm = refs.filter((a) => a.split(":")[2] === "secretsmanager");
    const ssm = refs.filter((a) => a.split(":")[2] === "ssm");
    const out: IamStatement[] = [];
    if (sm.length) out.push({ Sid: "ExecSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: sm });
    if (ssm.length) out.push({ Sid: "ExecParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: ssm });
    const keys = [...new Set(s.secretsKmsKeyArns ?? [])].sort();
    if (keys.length && refs.length) out.push({ Sid: "ExecSecretsKey", Effect: "Allow", Action: "kms:Decrypt", Resource: keys });
    return out;
}

function doc(statements: IamStatement[]): IamDocument {
    return { Version: "2012-10-17", Statement: statements };
}
