// The permissions boundaries every role a stack creates must carry: the stack's, the ceiling for the
// execution, task, load-balancer and scheduler roles, and the infrastructure boundary, the ceiling for
// the Express infrastructure roles. Pure; evaluated with a real IAM evaluator by
// test/trustSecurity.test.ts, test/iamEscalation.test.ts and test/expressBoundary.test.ts.
import { IamDocument, IamStatement, STACK_TAG, StackScope } from "./stackScope";

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
 * The ceiling for every role the stack creates. It admits what those roles are granted, and nothing
 * of anyone else's: IAM, STS and Organizations are denied outright, secrets are exactly the
 * configured ARNs.
 *
 * - Execution role: AWS managed policy AmazonECSTaskExecutionRolePolicy (ECR pull, logs)
 *   plus the configured secrets. Source: Amazon ECS Developer Guide, "Task execution IAM
 *   role" and "Pass sensitive data to an Amazon ECS container".
 * - Infrastructure role, in a stack with an Express service (the `infra` role kind), unless the scope
 *   says `separateInfrastructureBoundary`: the Express ceiling (expressInfrastructureStatements).
 * - Task roles: the stack's own `taskPermissions` (Allow statements).
 * - The load-balancer role of a service that shifts traffic, and the scheduler roles of jobs.
 *
 * IAM's 6,144 characters of one managed policy are shared by every service's secrets and task
 * statements, and the Express ceiling takes some 4,000 of them: with it here an Express stack runs out
 * of room at about 11 secrets. With `separateInfrastructureBoundary` (what ecsShip() does) the ceiling
 * lives in `infrastructureBoundary`, which only the infrastructure roles carry, and about 55 fit.
 */
export function permissionsBoundary(s: StackScope, taskPermissions: IamStatement[] = []): IamDocument {
    const p = s.partition, r = s.region, acct = s.accountId;
    const elb = `arn:${p}:elasticloadbalancing:${r}:${acct}:*`;
    const logGroups = `arn:${p}:logs:${r}:${acct}:log-group:${s.prefix}-*`;
    // The stack's own repositories, and those of its prebuilt images: an execution role can be passed as
    // a task role (both go to ecs-tasks.amazonaws.com), so a pull on "*" would let an app read every
    // repository in the account.
    const repositories = [`arn:${p}:ecr:${r}:${acct}:repository/${s.prefix}-*`, ...new Set(s.imageRepositoryArns ?? [])];
    // Several services often grant the same statement; the boundary needs it once (its 6,144 characters
    // are shared by every service's statements, secrets and keys).
    const allowed = taskPermissions.filter((t) => t.Effect === "Allow").map(({ Sid: _sid, ...t }) => t);
    const unique = allowed.filter((t, i) => allowed.findIndex((u) => JSON.stringify(u) === JSON.stringify(t)) === i);
    const task = unique.map((t, i) => ({ ...t, Sid: `Task${i}` }));
    // The Express infrastructure role's ceiling, when the stack has that role and it carries this boundary. A
    // stack with no Express service never creates one (passRoleKinds has no `infra`). Adding the first Express
    // service changes the boundary, which is an administrator's `pulumi up` anyway: the deploy role gains the
    // infra kind to pass (docs/trust.md, "Trust changes are applied by an admin").
    const express = (s.passRoleKinds ?? []).includes("infra") && !s.separateInfrastructureBoundary;
    return doc([
        // Source: AmazonECSTaskExecutionRolePolicy (pulls and log writes), held to the stack's repositories.
        // GetAuthorizationToken has no resource type (Service Authorization Reference for Amazon ECR).
        { Sid: "ExecLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        { Sid: "ExecPull", Effect: "Allow", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Resource: repositories },
        { Sid: "ExecLogs", Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:TagResource"], Resource: [logGroups, `${logGroups}:*`] },
        ...secretStatements(s),
        // ---- Express infrastructure role: only in a stack with Express services, when it carries this boundary ----
        ...(express ? expressInfrastructureStatements(s) : []),
        ...task,
        // ---- ECS infrastructure role for load balancers (components/fargate/trafficShift.ts), only when a service shifts ----
        // Register/DeregisterTargets (`*egisterTargets`) and ModifyRule, only on the stack's own target groups and
        // rules, by the stack tag the provider puts on them; each role's own policy narrows this to one service's
        // two groups and its rules. The actions fix the resource types (Service Authorization Reference for
        // Elastic Load Balancing V2). Source: AWS managed policy AmazonECSInfrastructureRolePolicyForLoadBalancers.
        ...(s.shiftsTraffic ? [{ Sid: "Shift", Effect: "Allow" as const, Action: ["elasticloadbalancing:*egisterTargets", "elasticloadbalancing:ModifyRule"], Resource: elb, Condition: { StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: s.stack } } }] : []),
        // The same policy's reads (DescribeRules, DescribeListeners, DescribeTargetGroups, DescribeTargetHealth),
        // which support no resource type: the Express ceiling's Describe admits them where this boundary has it.
        ...(s.shiftsTraffic && !express ? [{ Sid: "ShiftRead", Effect: "Allow" as const, Action: "elasticloadbalancing:Describe*", Resource: "*" }] : []),
        ...schedulerStatements(s),
        ...guards(s, true),
    ]);
}

/**
 * The ceiling of the Express infrastructure roles, a managed policy of its own (the trust's
 * `-infra-boundary`, created only in a stack with an Express service): the actions of AWS managed policy
 * service-role/AmazonECSInfrastructureRoleforExpressGatewayServices (ELB, EC2 security groups and route
 * tables, ACM certificates, Application Auto Scaling, CloudWatch alarms and their tags, log group tags
 * and DescribeLogGroups, two service-linked roles), held to the stack's Region and account and to what
 * ECS itself created and tagged, plus the same guards as the stack's boundary.
 * Source: AWS Managed Policy Reference Guide, that policy; replayed by test/expressBoundary.test.ts.
 */
export function infrastructureBoundary(s: StackScope): IamDocument {
    return doc([...expressInfrastructureStatements(s), ...guards(s, false)]);
}

/** The Express infrastructure role's Allow statements, statement by statement from its managed policy. */
export function expressInfrastructureStatements(s: StackScope): IamStatement[] {
    const p = s.partition, r = s.region, acct = s.accountId;
    // The managed policy names every region and account (`*:*`); the boundary names the stack's own, where ECS
    // builds a service's infrastructure: the service's Region and account (Amazon ECS API Reference,
    // CreateExpressGatewayService). Every ELB resource type and both security group types are matched by one
    // pattern each; the AmazonECSManaged conditions are what scope them.
    const elb = `arn:${p}:elasticloadbalancing:${r}:${acct}:*`;
    const sg = `arn:${p}:ec2:${r}:${acct}:security-group*`;
    const vpc = `arn:${p}:ec2:${r}:${acct}:vpc/*`;
    const target = `arn:${p}:application-autoscaling:${r}:${acct}:scalable-target/*`;
    const alarm = `arn:${p}:cloudwatch:${r}:${acct}:alarm:*`;
    const cert = `arn:${p}:acm:${r}:${acct}:certificate/*`;
    const ecsCreated = { [`aws:RequestTag/${ECS_MANAGED_TAG}`]: "true" };
    const ecsOwned = { [`aws:ResourceTag/${ECS_MANAGED_TAG}`]: "true" };
    return [
        // AmazonECSInfrastructureRoleforExpressGatewayServices v6, statement by statement (components/managed/,
        // replayed by test/expressBoundary.test.ts), same condition keys.
        // ELBOperations, ModifySecurityGroupOperations, CertificateOperations, ApplicationAutoscalingCreateOperations,
        // CloudWatchAlarmOperations: on what carries the AmazonECSManaged tag.
        {
            Sid: "EcsOwned", Effect: "Allow", Resource: [elb, sg, vpc, cert, target, alarm], Condition: { StringEquals: ecsOwned },
            Action: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateRule", "elasticloadbalancing:CreateTargetGroup",
                "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:DeleteRule", "elasticloadbalancing:DeleteListener",
                "ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:DeleteSecurityGroup", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress",
                "acm:RequestCertificate", "acm:AddTagsToCertificate", "acm:DeleteCertificate", "acm:DescribeCertificate",
                "application-autoscaling:RegisterScalableTarget", "application-autoscaling:TagResource", "application-autoscaling:DeregisterScalableTarget",
                "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms"],
        },
        // CreateSecurityGroupResourcesWithTags, CloudWatchAlarmCreateOperations, CloudWatchLogsCreateOperations: the
        // request tags what it creates. ELB and certificate creates are admitted on the request tag too, so the
        // boundary holds whichever key AWS evaluates on a create.
        {
            Sid: "EcsCreated", Effect: "Allow", Resource: [elb, sg, vpc, cert, alarm, `arn:${p}:logs:${r}:${acct}:log-group:*`], Condition: { StringEquals: ecsCreated },
            Action: ["ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource",
                "logs:CreateLogGroup", "logs:TagResource", "elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:CreateTargetGroup", "acm:RequestCertificate", "acm:AddTagsToCertificate"],
        },
        // TagOnCreateELBResources, TagOnCreateEC2Resources: tags only inside those creates.
        { Sid: "ElbTagOnCreate", Effect: "Allow", Action: "elasticloadbalancing:AddTags", Resource: elb, Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateLoadBalancer", "CreateListener", "CreateRule", "CreateTargetGroup"] } } },
        { Sid: "SgTagOnCreate", Effect: "Allow", Action: "ec2:CreateTags", Resource: sg, Condition: { StringEquals: { "ec2:CreateAction": ["CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"] } } },
        // BlanketAllowCreateSecurityGroupsInVPCs.
        { Sid: "SgCreateInVpc", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: vpc },
        // ApplicationAutoscalingPolicyOperations: on any ECS scalable target, as AWS grants it.
        { Sid: "ScalingPolicies", Effect: "Allow", Action: ["application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy"], Resource: target, Condition: { StringEquals: { "application-autoscaling:service-namespace": "ecs" } } },
        // Target tracking's alarms of the stack's cluster: Application Auto Scaling names them
        // TargetTracking-<resourceId>-… (Application Auto Scaling User Guide, target tracking).
        { Sid: "Alarms", Effect: "Allow", Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource"], Resource: `arn:${p}:cloudwatch:${r}:${acct}:alarm:TargetTracking-service/${s.prefix}-cluster-???????/*` },
        // ApplicationAutoscalingReadOperations, ELBReadOperations, VPCReadOperations, CloudWatchLogsReadOperations.
        { Sid: "Describe", Effect: "Allow", Resource: "*", Action: ["elasticloadbalancing:Describe*", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeVpcs", "application-autoscaling:Describe*", "logs:DescribeLogGroups"] },
        // ServiceLinkedRoleCreateOperations.
        { Sid: "ServiceLinkedRoles", Effect: "Allow", Action: "iam:CreateServiceLinkedRole", Resource: "*", Condition: { StringEquals: { "iam:AWSServiceName": EXPRESS_SERVICE_LINKED_ROLES } } },
    ];
}

/**
 * The Denies both boundaries end with. An explicit Deny wins over every Allow (IAM User Guide, "Policy
 * evaluation logic"). `schedulers`: the stack boundary exempts the jobs' scheduler roles from DenyIam
 * (their only IAM Allow is PassRole in Sched); the infrastructure boundary exempts nobody.
 */
function guards(s: StackScope, schedulers: boolean): IamStatement[] {
    return [
        // Every IAM action except creating those two service-linked roles (the key is absent
        // from every other IAM request, so IfExists makes the Deny apply to them), and, with scheduled
        // jobs, except for the scheduler roles.
        {
            Sid: "DenyIam", Effect: "Deny", Action: "iam:*", Resource: "*",
            Condition: { StringNotEqualsIfExists: { "iam:AWSServiceName": EXPRESS_SERVICE_LINKED_ROLES }, ...(schedulers && s.scheduledJobs ? { ArnNotLike: { "aws:PrincipalArn": schedulerRolePattern(s) } } : {}) },
        },
        { Sid: "DenyEscalation", Effect: "Deny", Action: ["sts:*", "organizations:*", "account:*"], Resource: "*" },
        // A stack role may never write the stack tag: it is what the deploy role's scoping
        // trusts, so claiming someone's resource with it would hand that resource to the deploy role.
        { Sid: "DenyStackTag", Effect: "Deny", Action: "*", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": [STACK_TAG] } } },
    ];
}

/** The ECR repository an image reference pulls from, when it is a private ECR registry (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>@…`). */
export function ecrRepositoryArn(ref: string, partition = "aws"): string | undefined {
    const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^@:]+)/.exec(ref);
    return m ? `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}

/** The scheduler roles of the stack's jobs (components/jobs/scheduledJob.ts, roleLogicalName(…, "sched")). */
export function schedulerRolePattern(s: StackScope): string {
    return `arn:${s.partition}:iam::${s.accountId}:role/${s.prefix}-*-sched-???????`;
}

/**
 * What a job's scheduler role needs: RunTask of the stack's task definitions in the stack's cluster,
 * PassRole of the stack's execution and task roles to ECS tasks only and only by scheduler roles
 * (aws:PrincipalArn is the role's ARN for its sessions; IAM User Guide, "AWS global condition context
 * keys", aws:PrincipalArn), and SendMessage to the jobs' dead-letter queues. The trust's scheduler grant then
 * narrows this to the jobs' own families and the stack's tagged roles (components/trust/schedulerPolicies.ts).
 */
function schedulerStatements(s: StackScope): IamStatement[] {
    if (!s.scheduledJobs) return [];
    const p = s.partition, r = s.region, acct = s.accountId;
    const out: IamStatement[] = [
        // RunTask alone starts nothing: ECS also needs PassRole of the task definition's roles, which only
        // scheduler roles get (DenyIam below denies every IAM action to every other principal). So the statement
        // repeats no principal, and the cluster is left to the scheduler grant (schedulerPolicies.ts). One
        // statement for both actions: RunTask carries no iam:PassedToService, hence IfExists; each action only
        // ever matches its own resource type. The boundary's 6,144 characters are shared with every service's
        // statements. `-????-???????`: the four-letter kinds, exec and task (not infra, lb or sched).
        {
            Sid: "Sched", Effect: "Allow", Action: ["ecs:RunTask", "iam:PassRole"],
            Resource: [`arn:${p}:ecs:${r}:${acct}:task-definition/${s.prefix}-*`, `arn:${p}:iam::${acct}:role/${s.prefix}-*-????-???????`],
            Condition: { StringEqualsIfExists: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
    ];
    const queues = [...new Set(s.scheduledJobs.deadLetterQueueArns)].sort();
    if (queues.length > 0) out.push({ Sid: "SchedDlq", Effect: "Allow", Action: "sqs:SendMessage", Resource: queues });
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
    if (keys.length === 1 && refs.length) out.push({ Sid: "ExecSecretsKey", Effect: "Allow", Action: "kms:Decrypt", Resource: keys });
    // With several keys (one per service, say) the list would grow the boundary towards IAM's 6,144-character
    // managed-policy quota, so the ceiling is any key, but only when Secrets Manager or Parameter Store decrypts
    // on the role's behalf (kms:ViaService; AWS KMS Developer Guide, "kms:ViaService",
    // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
    // That reads nothing more: the statements above still name exactly the configured secrets, and a direct
    // Decrypt carries no kms:ViaService, so it is not admitted. The roles' own policies keep naming the keys.
    else if (keys.length > 1 && refs.length) {
        out.push({
            Sid: "ExecSecretsKey", Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:*:kms:*:*:key/*",
            Condition: { StringLike: { "kms:ViaService": ["secretsmanager.*.amazonaws.com", "ssm.*.amazonaws.com"] } },
        });
    }
    return out;
}

function doc(statements: IamStatement[]): IamDocument {
    return { Version: "2012-10-17", Statement: statements };
}
