// The deploy and preview roles' permissions for one stack: pure documents, scoped to the
// stack by name prefix, cluster and tags (the rules are listed at the top of
// trustPolicies.ts). Every call they must allow is tabled in iamCalls/ and replayed by
// test/iamSufficiency.test.ts; test/iamEscalation.test.ts tries to get past them.
import { IamDocument, IamStatement, STACK_TAG, StackScope } from "./stackScope";
import { taskDefinitionPolicies } from "./taskDefinitionPolicies";
import {
    EC2_DESCRIBE, ECR_READ, ECR_WRITE, ECS_ROLLOUT_READ, ECS_SERVICE_READ, ECS_SERVICE_WRITE, ELB_CHANGE,
    ELB_CREATE, ELB_DESCRIBE, EXPRESS_INFRASTRUCTURE_POLICY, IAM_POLICY_READ, IAM_ROLE_READ, IAM_TRUST_WRITES,
    LOAD_BALANCER_INFRASTRUCTURE_POLICY, onCreate, onExisting, RECORD_TYPES, recordNamePatterns, ROLE_KIND_PATTERNS,
    SCALING_DESCRIBE, SG_CHANGE, stackArns, stateStatements, TASK_EXECUTION_POLICY,
} from "./stackArns";

// Named here too: the trust's other files and its callers read them from the stack policies.
export {
    EXPRESS_INFRASTRUCTURE_POLICY, LOAD_BALANCER_INFRASTRUCTURE_POLICY, RECORD_TYPES, ROLE_KIND_PATTERNS, TASK_EXECUTION_POLICY,
    clusterNamePattern, recordNamePatterns, stackArns,
} from "./stackArns";

// ---------------------------------------------------------------------------
// Deploy role

/**
 * What `pulumi up` and `pulumi destroy` of this stack need, as managed policies small enough
 * for IAM's 6,144-character limit each (IAM User Guide, "IAM and AWS STS quotas").
 * Keys name the policies: `build` (ECR, ECS, logs, state, EC2 and scaling reads), `network`
 * (ELB, security groups, scaling, alarms), `iam` (roles with the boundary, and every guard Deny),
 * `edge` (deployment alarms, their topics, and the custom domains' certificates and records).
 */
export function deployPolicies(s: StackScope): { build: IamDocument; network: IamDocument; iam: IamDocument; edge: IamDocument } & Record<string, IamDocument> {
    const a = stackArns(s);
    const bound = { "iam:PermissionsBoundary": s.boundaryArn };
    const build: IamStatement[] = [
        // GetAuthorizationToken has no resource type; the token carries the caller's own
        // permissions. Source: Amazon ECR User Guide, "Private registry authentication".
        { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        { Sid: "EcrCreate", Effect: "Allow", Action: ["ecr:CreateRepository", "ecr:TagResource"], Resource: a.repository, Condition: { StringEquals: onCreate(s) } },
        { Sid: "EcrRepositories", Effect: "Allow", Action: [...ECR_READ, ...ECR_WRITE], Resource: a.repository },
        { Sid: "EcsClusterCreate", Effect: "Allow", Action: ["ecs:CreateCluster", "ecs:TagResource"], Resource: a.cluster, Condition: { StringEquals: onCreate(s) } },
        { Sid: "EcsCluster", Effect: "Allow", Action: ["ecs:DeleteCluster", "ecs:DescribeClusters", "ecs:UpdateCluster", "ecs:PutClusterCapacityProviders", "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource"], Resource: a.cluster },
        // DescribeServiceDeployments/Revisions authorize the service and the deployment (or
        // revision) ARN both. Source: Service Authorization Reference for Amazon ECS.
        { Sid: "EcsServices", Effect: "Allow", Action: [...ECS_SERVICE_READ, ...ECS_SERVICE_WRITE, ...ECS_ROLLOUT_READ], Resource: [a.service, a.serviceDeployment, a.serviceRevision] },
        { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:AssociateKmsKey", "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"], Resource: [a.logGroup, `${a.logGroup}:*`] },
        // DescribeLogGroups supports no resource type (Service Authorization Reference for CloudWatch Logs).
        { Sid: "LogsDescribe", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
        // Describe calls support no resource-level permissions (Service Authorization Reference).
        { Sid: "Ec2Describe", Effect: "Allow", Action: EC2_DESCRIBE, Resource: "*" },
        { Sid: "ScalingDescribe", Effect: "Allow", Action: SCALING_DESCRIBE, Resource: "*" },
        ...stateStatements(s, true),
    ];
    const network: IamStatement[] = [
        // Source: Elastic Load Balancing User Guide, "Identity-based policies" (aws:RequestTag on
        // create, elasticloadbalancing:CreateAction on AddTags during create, aws:ResourceTag after).
        { Sid: "ElbCreate", Effect: "Allow", Action: ELB_CREATE, Resource: a.elb, Condition: { StringEquals: onCreate(s) } },
        { Sid: "ElbTagOnCreate", Effect: "Allow", Action: "elasticloadbalancing:AddTags", Resource: a.elb, Condition: { StringEquals: { ...onCreate(s), "elasticloadbalancing:CreateAction": ["CreateLoadBalancer", "CreateTargetGroup", "CreateListener", "CreateRule"] } } },
        { Sid: "ElbChange", Effect: "Allow", Action: ELB_CHANGE, Resource: a.elb, Condition: { StringEquals: onExisting(s) } },
        { Sid: "ElbDescribe", Effect: "Allow", Action: ELB_DESCRIBE, Resource: "*" },
        // A changed `priority` moves a rule with SetRulePriorities, which supports no tag condition
        // (Service Authorization Reference for Elastic Load Balancing V2), so it is held to the
        // shared load balancer's rules by name.
        { Sid: "ElbRulePriorities", Effect: "Allow", Action: "elasticloadbalancing:SetRulePriorities", Resource: a.sharedRules },
        // CreateSecurityGroup authorizes the VPC and the new group; only the group carries tags.
        // Tags only during a create of this stack, or on a group already this stack's: an
        // untagged group of someone else's cannot be claimed. Source: Amazon EC2 User Guide,
        // "Grant permission to tag Amazon EC2 resources during creation" (ec2:CreateAction).
        { Sid: "SgCreateInVpc", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: a.vpc },
        { Sid: "SgCreate", Effect: "Allow", Action: ["ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress"], Resource: [a.securityGroup, a.securityGroupRule], Condition: { StringEquals: onCreate(s) } },
        { Sid: "SgTagOnCreate", Effect: "Allow", Action: "ec2:CreateTags", Resource: [a.securityGroup, a.securityGroupRule], Condition: { StringEquals: { ...onCreate(s), "ec2:CreateAction": ["CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"] } } },
        { Sid: "SgChange", Effect: "Allow", Action: SG_CHANGE, Resource: [a.securityGroup, a.securityGroupRule], Condition: { StringEquals: onExisting(s) } },
        // TagResource carries no service-namespace key, so it has its own statement.
        // Source: Service Authorization Reference for Application Auto Scaling.
        { Sid: "ScalingCreate", Effect: "Allow", Action: "application-autoscaling:RegisterScalableTarget", Resource: a.scalableTarget, Condition: { StringEquals: { ...onCreate(s), "application-autoscaling:service-namespace": "ecs" } } },
        { Sid: "ScalingTagOnCreate", Effect: "Allow", Action: "application-autoscaling:TagResource", Resource: a.scalableTarget, Condition: { StringEquals: onCreate(s) } },
        { Sid: "ScalingChange", Effect: "Allow", Action: ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy", "application-autoscaling:TagResource", "application-autoscaling:UntagResource", "application-autoscaling:ListTagsForResource"], Resource: a.scalableTarget, Condition: { StringEquals: onExisting(s) } },
        // PutScalingPolicy (target tracking) creates and deletes its alarms with the caller's
        // permissions. Source: Application Auto Scaling User Guide, "Permissions required to
        // call Application Auto Scaling API actions" (cloudwatch:PutMetricAlarm, DeleteAlarms, DescribeAlarms).
        { Sid: "ScalingAlarms", Effect: "Allow", Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms"], Resource: a.alarm },
    ];
    // The load-balancer role kind only where a service shifts traffic (passRoleKinds), so the other stacks'
    // documents do not carry it (the iam policy is the one nearest IAM's 6,144 characters at the longest names).
    const shifts = (s.passRoleKinds ?? []).includes("lb");
    // The load-balancer kind only in a stack that shifts traffic, the scheduler kind only in one with scheduled jobs.
    const serviceRoles = [a.execRole, a.taskRole, a.infraRole, ...(shifts ? [a.lbRole] : []), ...(s.scheduledJobs ? [a.schedRole] : [])];
    // The Express infrastructure roles carry a boundary of their own (permissionsBoundary.ts, infrastructureBoundary).
    const infraBound = { "iam:PermissionsBoundary": s.infrastructureBoundaryArn ?? s.boundaryArn };
    // A role is created, changed or deleted only with one of the stack's two boundaries. Which kind carries which
    // does not widen anything: a boundary only narrows, each kind's only managed policy is fixed below, and no
    // inline policy is ever written by this role; an Express infrastructure role with the stack's boundary, or
    // any other role with the infrastructure one, is only a role that can do less.
    const eitherBound = s.infrastructureBoundaryArn ? { "iam:PermissionsBoundary": [s.boundaryArn, s.infrastructureBoundaryArn] } : bound;
    const iam: IamStatement[] = [
        // Roles only of the kinds a service creates, only with the stack's boundaries, only
        // tagged for this stack. Source: IAM User Guide, "Permissions boundaries for IAM
        // entities" (iam:PermissionsBoundary).
        { Sid: "RoleCreate", Effect: "Allow", Action: "iam:CreateRole", Resource: serviceRoles, Condition: { StringEquals: { ...eitherBound, ...onCreate(s) } } },
        // TagRole carries no iam:PermissionsBoundary key; the guard Denies below keep its
        // `ecs-ship:stack` value to this stack. Source: Service Authorization Reference for IAM.
        { Sid: "RoleTags", Effect: "Allow", Action: ["iam:TagRole", "iam:UntagRole"], Resource: serviceRoles },
        { Sid: "RoleChange", Effect: "Allow", Action: ["iam:PutRolePermissionsBoundary", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:DeleteRole"], Resource: serviceRoles, Condition: { StringEquals: eitherBound } },
        // Inline policies (secrets on execution roles, the app's permissions on task roles) are only
        // deleted. No trust-policy edits at all: the trust of every stack role is a constant
        // (serviceTrustPolicy), set once by CreateRole.
        // PutRolePolicy is granted nowhere: an inline policy may hold anything the boundary admits (every
        // service's secrets and task statements) and IAM has no key on a policy's content, so an
        // administrator writes them (docs/security-model.md). Deleting one only takes permissions away.
        { Sid: "RoleInline", Effect: "Allow", Action: "iam:DeleteRolePolicy", Resource: [a.execRole, a.taskRole], Condition: { StringEquals: bound } },
        // Scheduler roles get no inline policy either: see schedulerDeployStatements (in `edge`, with the schedules).
        // Managed policies: exactly the one AWS policy each kind uses. Source: IAM User Guide,
        // "Condition keys for IAM" (iam:PolicyARN).
        { Sid: "ExecPolicy", Effect: "Allow", Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"], Resource: a.execRole, Condition: { StringEquals: { ...bound, "iam:PolicyARN": TASK_EXECUTION_POLICY } } },
        { Sid: "InfraPolicy", Effect: "Allow", Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"], Resource: a.infraRole, Condition: { StringEquals: { ...infraBound, "iam:PolicyARN": EXPRESS_INFRASTRUCTURE_POLICY } } },
        // The load-balancer role of a canary, linear or blue/green service (components/fargate/trafficShift.ts).
        ...(shifts ? [{ Sid: "LbPolicy", Effect: "Allow" as const, Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"], Resource: a.lbRole, Condition: { StringEquals: { ...bound, "iam:PolicyARN": LOAD_BALANCER_INFRASTRUCTURE_POLICY } } }] : []),
        { Sid: "RolesRead", Effect: "Allow", Action: IAM_ROLE_READ, Resource: a.role },
        { Sid: "PoliciesRead", Effect: "Allow", Action: IAM_POLICY_READ, Resource: a.policy },
        { Sid: "ReadProvider", Effect: "Allow", Action: "iam:GetOpenIDConnectProvider", Resource: s.providerArn },
        ...passRoleStatements(s),
        // Source: IAM User Guide, "Service-linked role permissions" (iam:AWSServiceName).
        { Sid: "ServiceLinkedRoles", Effect: "Allow", Action: "iam:CreateServiceLinkedRole", Resource: a.serviceLinkedRole, Condition: { StringEquals: { "iam:AWSServiceName": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"] } } },
        // Guards. An explicit Deny wins over every Allow. Source: IAM User Guide, "Policy evaluation logic".
        { Sid: "DenyTrustChanges", Effect: "Deny", Action: IAM_TRUST_WRITES, Resource: [a.trustRoles, a.trustPolicies, s.providerArn, s.boundaryArn] },
        { Sid: "DenyBoundaryRemoval", Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: "*" },
        // A same-account role whose trust names the deploy role could otherwise be assumed without an Allow.
        { Sid: "DenyRoleChaining", Effect: "Deny", Action: "sts:AssumeRole", Resource: "*" },
        // The prefix of stack `dev` (`ecs-ship-dev-*`) also matches stack `dev-eu`'s names.
        { Sid: "DenyOtherStacks", Effect: "Deny", Action: "*", Resource: "*", Condition: { StringNotEquals: onExisting(s), Null: { [`aws:ResourceTag/${STACK_TAG}`]: "false" } } },
        { Sid: "DenyOtherStackTags", Effect: "Deny", Action: "*", Resource: "*", Condition: { StringNotEquals: onCreate(s), Null: { [`aws:RequestTag/${STACK_TAG}`]: "false" } } },
    ];
    return { build: doc(build), network: doc(network), iam: doc(iam), edge: doc(edgeStatements(s)), ...taskDefinitionPolicies(s) };
}

/**
 * One pattern per kind of service role instead of a statement per service: `ecs-ship-<stack>-*-exec-???????`
 * (ROLE_KIND_PATTERNS), tagged for this stack (the pattern of stack `dev` also matches stack `dev-eu`'s
 * names), each kind only to the service it is for. Source: IAM User Guide, "Grant a user permissions to
 * pass a role to an AWS service" (iam:PassedToService); Service Authorization Reference for IAM (PassRole
 * on a role: aws:ResourceTag).
 */
function passRoleStatements(s: StackScope): IamStatement[] {
    const a = stackArns(s);
    const kinds = new Set(s.passRoleKinds ?? []);
    const tasks = [...(kinds.has("exec") ? [a.execRole] : []), ...(kinds.has("task") ? [a.taskRole] : [])];
    const out: IamStatement[] = [];
    if (tasks.length > 0) out.push({ Sid: "PassToEcsTasks", Effect: "Allow", Action: "iam:PassRole", Resource: tasks, Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com", ...onExisting(s) } } });
    const toEcs = [...(kinds.has("infra") ? [a.infraRole] : []), ...(kinds.has("lb") ? [a.lbRole] : [])];
    if (toEcs.length > 0) out.push({ Sid: "PassToEcs", Effect: "Allow", Action: "iam:PassRole", Resource: toEcs.length === 1 ? toEcs[0] : toEcs, Condition: { StringEquals: { "iam:PassedToService": "ecs.amazonaws.com", ...onExisting(s) } } });
    return out;
}

/**
 * What the deploy role does with scheduler roles, kept in `edge` with the schedules (the `iam` policy is near
 * IAM's 6,144 characters at the longest names): pass them only to EventBridge Scheduler, which assumes them to
 * start a job's task (EventBridge Scheduler User Guide, "Set up the execution role": trusted by
 * scheduler.amazonaws.com), and attach to them only the trust's scheduler grant (`iam:PolicyARN`). The trust,
 * which an administrator applies, writes that grant (schedulerPolicies.ts): PutRolePolicy is granted nowhere.
 */
function schedulerDeployStatements(s: StackScope): IamStatement[] {
    const a = stackArns(s);
    const out: IamStatement[] = [];
    if ((s.passRoleKinds ?? []).includes("sched")) out.push({ Sid: "PassToScheduler", Effect: "Allow", Action: "iam:PassRole", Resource: a.schedRole, Condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com", ...onExisting(s) } } });
    if (s.schedulerGrantArn) out.push({ Sid: "SchedPolicy", Effect: "Allow", Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"], Resource: a.schedRole, Condition: { StringEquals: { "iam:PermissionsBoundary": s.boundaryArn, "iam:PolicyARN": s.schedulerGrantArn } } });
    return out;
}

/**
 * The front door's permissions (`edge`): the services' deployment alarms and notification topics,
 * and, only for a stack with custom domains, their certificates and DNS records.
 */
function edgeStatements(s: StackScope): IamStatement[] {
    const a = stackArns(s);
    const out: IamStatement[] = [
        // An alarm's actions may only notify the stack's topics or the configured ones: no EC2
        // stop/terminate, no Systems Manager action. Source: Amazon CloudWatch User Guide, "Using
        // condition keys to limit alarm actions" (cloudwatch:AlarmActions).
        { Sid: "AlarmsPut", Effect: "Allow", Action: "cloudwatch:PutMetricAlarm", Resource: a.serviceAlarm, Condition: { "ForAllValues:StringLike": { "cloudwatch:AlarmActions": [a.topic, ...(s.alarmTopicArns ?? [])] } } },
        // PutMetricAlarm with Tags also needs TagResource (Amazon CloudWatch API Reference, PutMetricAlarm: Tags).
        { Sid: "AlarmsTagOnCreate", Effect: "Allow", Action: "cloudwatch:TagResource", Resource: a.serviceAlarm, Condition: { StringEquals: onCreate(s) } },
        { Sid: "AlarmsTags", Effect: "Allow", Action: ["cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"], Resource: a.serviceAlarm, Condition: { StringEquals: onExisting(s) } },
        { Sid: "Alarms", Effect: "Allow", Action: ["cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms"], Resource: a.serviceAlarm },
        { Sid: "TopicCreate", Effect: "Allow", Action: ["sns:CreateTopic", "sns:TagResource"], Resource: a.topic, Condition: { StringEquals: onCreate(s) } },
        // A subscription's ARN is its topic's plus an id, so the topic pattern covers both.
        { Sid: "Topics", Effect: "Allow", Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:DeleteTopic", "sns:ListTagsForResource", "sns:TagResource", "sns:UntagResource", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes", "sns:Unsubscribe"], Resource: a.topic },
        // Release tasks (components/release/releaseRunner.ts): run only the stack's task definitions, only in its
        // cluster; watch and stop only tasks of that cluster; read only the stack's log streams. RunTask's
        // resource is the task definition, with ecs:cluster as a condition; DescribeTasks and StopTask act on
        // the task; GetLogEvents on the log stream. Source: Service Authorization Reference for Amazon ECS
        // and for Amazon CloudWatch Logs. iam:PassRole of the task's roles is the pass grant of its service.
        { Sid: "ReleaseRun", Effect: "Allow", Action: "ecs:RunTask", Resource: a.taskDefinition, Condition: { ArnLike: { "ecs:cluster": a.cluster } } },
        { Sid: "ReleaseWatch", Effect: "Allow", Action: ["ecs:DescribeTasks", "ecs:StopTask"], Resource: a.task },
        { Sid: "ReleaseLogs", Effect: "Allow", Action: "logs:GetLogEvents", Resource: `${a.logGroup}:log-stream:*` },
    ];
    if (s.scheduledJobs) {
        // Schedules carry no tags here, so they are held to the stack by name. The provider creates,
        // reads, updates and deletes a schedule with these calls (Terraform AWS provider,
        // internal/service/scheduler/schedule.go); CreateSchedule and UpdateSchedule pass the target's role.
        out.push({ Sid: "Schedules", Effect: "Allow", Action: ["scheduler:CreateSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"], Resource: a.schedule });
        out.push(...schedulerDeployStatements(s));
    }
    const emails = [...new Set(s.alarmEmails ?? [])];
    if (emails.length > 0) {
        // Only the configured addresses, only by email: a stolen token cannot subscribe an HTTPS
        // endpoint or a queue. Source: Service Authorization Reference for Amazon SNS (sns:Protocol, sns:Endpoint).
        out.push({ Sid: "TopicSubscribe", Effect: "Allow", Action: "sns:Subscribe", Resource: a.topic, Condition: { StringEquals: { "sns:Protocol": "email", "sns:Endpoint": emails } } });
    }
    const domains = s.domains ?? [];
    if (domains.length === 0) return out;
    const requested = [...new Set(domains.filter((d) => d.createsCertificate !== false).map((d) => d.name))];
    return [
        ...out,
        // RequestCertificate has no resource type; its conditions hold it to DNS validation of the
        // stack's own names. Source: Service Authorization Reference for AWS Certificate Manager
        // (acm:DomainNames, acm:ValidationMethod).
        // Only for the domains whose certificate the stack requests (not those that bring `certificateArn`).
        ...(requested.length === 0 ? [] : [
            { Sid: "CertificateRequest", Effect: "Allow", Action: "acm:RequestCertificate", Resource: "*", Condition: { StringEquals: { ...onCreate(s), "acm:ValidationMethod": "DNS" }, "ForAllValues:StringEquals": { "acm:DomainNames": requested } } },
            { Sid: "CertificateTagOnCreate", Effect: "Allow", Action: "acm:AddTagsToCertificate", Resource: a.certificate, Condition: { StringEquals: onCreate(s) } },
            { Sid: "Certificates", Effect: "Allow", Action: ["acm:DescribeCertificate", "acm:ListTagsForCertificate", "acm:DeleteCertificate", "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate"], Resource: a.certificate, Condition: { StringEquals: onExisting(s) } },
        ] as IamStatement[]),
        // ListHostedZones has no resource type (the zone lookup by name lists every zone and filters,
        // Terraform AWS provider, internal/service/route53/zone_data_source.go); the zones themselves are named.
        { Sid: "ZoneLookup", Effect: "Allow", Action: "route53:ListHostedZones", Resource: "*" },
        { Sid: "Zones", Effect: "Allow", Action: ["route53:GetHostedZone", "route53:ListTagsForResource", "route53:ListResourceRecordSets"], Resource: a.zones },
        { Sid: "Records", Effect: "Allow", Action: "route53:ChangeResourceRecordSets", Resource: a.zones, Condition: { "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": recordNamePatterns(domains) }, "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": RECORD_TYPES } } },
        { Sid: "RecordChanges", Effect: "Allow", Action: "route53:GetChange", Resource: a.dnsChange },
    ];
}

// ---------------------------------------------------------------------------
// Preview role

/** What `pulumi preview` and `pulumi refresh` of this stack read: state, and Describe/Get/List on the stack's resources. Writes nothing. */
export function previewPolicy(s: StackScope): IamDocument {
    const a = stackArns(s);
    return doc([
        ...stateStatements(s, false),
        // The program's registry credentials come from a data source that runs during preview
        // too; the token grants only what this role's own policy grants, so it cannot push.
        // Source: Amazon ECR User Guide, "Private registry authentication".
        { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        { Sid: "EcrRead", Effect: "Allow", Action: ECR_READ, Resource: a.repository },
        { Sid: "EcsRead", Effect: "Allow", Action: ["ecs:DescribeClusters", ...ECS_SERVICE_READ, ...ECS_ROLLOUT_READ], Resource: [a.cluster, a.service, a.serviceDeployment, a.serviceRevision] },
        // Only a stack with task definitions of its own reads any (DescribeTaskDefinition has no resource type).
        ...((s.taskDefinitionFamilies ?? []).length === 0 ? [] : [
            { Sid: "EcsTaskDefinitionTags", Effect: "Allow", Action: "ecs:ListTagsForResource", Resource: a.taskDefinition },
            { Sid: "EcsTaskDefinitions", Effect: "Allow", Action: "ecs:DescribeTaskDefinition", Resource: "*" },
        ] as IamStatement[]),
        { Sid: "LogsRead", Effect: "Allow", Action: "logs:ListTagsForResource", Resource: [a.logGroup, `${a.logGroup}:*`] },
        // DescribeLogGroups supports no resource type (Service Authorization Reference for CloudWatch Logs).
        { Sid: "LogsDescribe", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
        { Sid: "Describe", Effect: "Allow", Action: [ELB_DESCRIBE, ...EC2_DESCRIBE, ...SCALING_DESCRIBE], Resource: "*" },
        { Sid: "ScalingTags", Effect: "Allow", Action: "application-autoscaling:ListTagsForResource", Resource: a.scalableTarget, Condition: { StringEquals: onExisting(s) } },
        { Sid: "AlarmsRead", Effect: "Allow", Action: "cloudwatch:DescribeAlarms", Resource: [a.alarm, a.serviceAlarm] },
        { Sid: "AlarmTags", Effect: "Allow", Action: "cloudwatch:ListTagsForResource", Resource: a.serviceAlarm, Condition: { StringEquals: onExisting(s) } },
        ...(s.scheduledJobs ? [{ Sid: "SchedulesRead", Effect: "Allow", Action: "scheduler:GetSchedule", Resource: a.schedule }] as IamStatement[] : []),
        { Sid: "TopicsRead", Effect: "Allow", Action: ["sns:GetTopicAttributes", "sns:ListTagsForResource", "sns:GetSubscriptionAttributes"], Resource: a.topic },
        ...((s.domains ?? []).length === 0 ? [] : [
            { Sid: "CertificatesRead", Effect: "Allow", Action: ["acm:DescribeCertificate", "acm:ListTagsForCertificate"], Resource: a.certificate, Condition: { StringEquals: onExisting(s) } },
            { Sid: "ZoneLookup", Effect: "Allow", Action: "route53:ListHostedZones", Resource: "*" },
            { Sid: "ZonesRead", Effect: "Allow", Action: ["route53:GetHostedZone", "route53:ListTagsForResource", "route53:ListResourceRecordSets"], Resource: a.zones },
        ] as IamStatement[]),
        { Sid: "IamRead", Effect: "Allow", Action: IAM_ROLE_READ, Resource: a.role },
        { Sid: "IamPolicyRead", Effect: "Allow", Action: IAM_POLICY_READ, Resource: a.policy },
        { Sid: "ReadProvider", Effect: "Allow", Action: "iam:GetOpenIDConnectProvider", Resource: s.providerArn },
    ]);
}

function doc(statements: IamStatement[]): IamDocument {
    return { Version: "2012-10-17", Statement: statements };
}
