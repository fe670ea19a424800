// The deploy and preview roles' permissions for one stack: pure documents, scoped to the
// stack by name prefix, cluster and tags (the rules are listed at the top of
// trustPolicies.ts). Every call they must allow is tabled in iamCalls.ts and replayed by
// test/iamSufficiency.test.ts; test/iamEscalation.test.ts tries to get past them.
import { EXPRESS_INFRASTRUCTURE_POLICY_ARN } from "../express/expressService";
import { TASK_EXECUTION_POLICY_ARN } from "../service/serviceArgs";
import { LOAD_BALANCER_INFRASTRUCTURE_POLICY_ARN } from "../fargate/trafficShift";
import { elbLogicalName } from "../service/naming";
import { IamDocument, IamStatement, STACK_TAG, StackScope } from "./stackScope";
import { taskDefinitionPolicies } from "./taskDefinitionPolicies";

// ---------------------------------------------------------------------------
// ARN helpers

/** The stack's cluster: FargateCluster `ecs-ship-<stack>` names it `<prefix>-cluster` plus Pulumi's 7 characters. */
export function clusterNamePattern(prefix: string): string {
    return `${prefix}-cluster-???????`;
}

/**
 * Role names the stack's services create (components/service/naming.ts, roleLogicalName): any
 * service, but only the three kinds, and only with Pulumi's 7-character suffix. `?` matches
 * exactly one character. Source: IAM User Guide, "IAM JSON policy elements: Resource" (wildcards).
 */
export const ROLE_KIND_PATTERNS = { exec: "-exec-???????", task: "-task-???????", infra: "-infra-???????", lb: "-lb-???????", sched: "-sched-???????" } as const;

export function stackArns(s: StackScope) {
    const { partition: p, region: r, accountId: a, prefix: n } = s;
    const cluster = clusterNamePattern(n);
    const role = (kind: keyof typeof ROLE_KIND_PATTERNS) => `arn:${p}:iam::${a}:role/${n}-*${ROLE_KIND_PATTERNS[kind]}`;
    return {
        repository: `arn:${p}:ecr:${r}:${a}:repository/${n}-*`,
        cluster: `arn:${p}:ecs:${r}:${a}:cluster/${cluster}`,
        // Both modes run in the stack's cluster (index.ts passes it to Express too), so the
        // cluster in the ARN pins every service action to it: no other team's cluster.
        service: `arn:${p}:ecs:${r}:${a}:service/${cluster}/${n}-*`,
        serviceDeployment: `arn:${p}:ecs:${r}:${a}:service-deployment/${cluster}/${n}-*`,
        serviceRevision: `arn:${p}:ecs:${r}:${a}:service-revision/${cluster}/${n}-*`,
        taskDefinition: `arn:${p}:ecs:${r}:${a}:task-definition/${n}-*:*`,
        // Tasks in the stack's cluster: the release tasks the deploy role starts (releaseRunner.ts).
        task: `arn:${p}:ecs:${r}:${a}:task/${cluster}/*`,
        logGroup: `arn:${p}:logs:${r}:${a}:log-group:${n}-*`,
        // ELB names cannot carry the prefix once shortened (components/service/naming.ts), so ELB
        // resources are matched by type here and held to the stack by their tag.
        elb: [
            `arn:${p}:elasticloadbalancing:${r}:${a}:loadbalancer/app/*/*`,
            `arn:${p}:elasticloadbalancing:${r}:${a}:targetgroup/*/*`,
            `arn:${p}:elasticloadbalancing:${r}:${a}:listener/app/*/*/*`,
            `arn:${p}:elasticloadbalancing:${r}:${a}:listener-rule/app/*/*/*/*`,
        ],
        // Rules of the stack's shared load balancer (index.ts names it `<prefix>-shared`), by its
        // name, for the one rule action that takes no tag condition (SetRulePriorities).
        sharedRules: `arn:${p}:elasticloadbalancing:${r}:${a}:listener-rule/app/${elbLogicalName(`${n}-shared`, "alb")}-???????/*/*/*`,
        securityGroup: `arn:${p}:ec2:${r}:${a}:security-group/*`,
        securityGroupRule: `arn:${p}:ec2:${r}:${a}:security-group-rule/*`,
        vpc: `arn:${p}:ec2:${r}:${a}:vpc/*`,
        scalableTarget: `arn:${p}:application-autoscaling:${r}:${a}:scalable-target/*`,
        // Target tracking names its alarms `TargetTracking-<resourceId>-Alarm…`, and an ECS
        // resourceId is `service/<cluster>/<service>`. Source: Application Auto Scaling
        // User Guide, "Target tracking scaling policies" (alarms it creates).
        alarm: `arn:${p}:cloudwatch:${r}:${a}:alarm:TargetTracking-service/${cluster}/${n}-*`,
        // The services' deployment alarms (`<prefix>-<service>-5xx`, `-unhealthy`) and their notification topics.
        serviceAlarm: `arn:${p}:cloudwatch:${r}:${a}:alarm:${n}-*`,
        topic: `arn:${p}:sns:${r}:${a}:${n}-*`,
        // ACM names certificates by a random id, so they are held to the stack by tag only.
        certificate: `arn:${p}:acm:${r}:${a}:certificate/*`,
        // Route 53 ARNs carry neither region nor account. Source: Service Authorization Reference for Amazon Route 53.
        zones: [...new Set((s.domains ?? []).map((d) => `arn:${p}:route53:::hostedzone/${d.zoneId}`))],
        dnsChange: `arn:${p}:route53:::change/*`,
        role: `arn:${p}:iam::${a}:role/${n}-*`,
        execRole: role("exec"),
        taskRole: role("task"),
        infraRole: role("infra"),
        // The ECS infrastructure role for load balancers of a canary, linear or blue/green service (components/fargate/trafficShift.ts).
        lbRole: role("lb"),
        schedRole: role("sched"),
        // Schedules live in the default group. Source: Service Authorization Reference for Amazon EventBridge
        // Scheduler (schedule: arn:${"$"}{Partition}:scheduler:${"$"}{Region}:${"$"}{Account}:schedule/${"$"}{GroupName}/${"$"}{ScheduleName}).
        schedule: `arn:${p}:scheduler:${r}:${a}:schedule/default/${n}-*`,
        policy: `arn:${p}:iam::${a}:policy/${n}-*`,
        trustRoles: `arn:${p}:iam::${a}:role/${s.trustName}-*`,
        trustPolicies: `arn:${p}:iam::${a}:policy/${s.trustName}-*`,
        serviceLinkedRole: `arn:${p}:iam::${a}:role/aws-service-role/*`,
    };
}


const onCreate = (s: StackScope) => ({ [`aws:RequestTag/${STACK_TAG}`]: s.stack });
const onExisting = (s: StackScope) => ({ [`aws:ResourceTag/${STACK_TAG}`]: s.stack });

/**
 * Pulumi's S3 ("diy") backend keeps a stack's state under `.pulumi/stacks/<project>/<stack>.json`,
 * with history, backups and locks under `.pulumi/{history,backups,locks}/<project>/<stack>/`.
 * Source: Pulumi docs, "State and backends" (project-scoped layout of the DIY backend).
 */
function stateObjects(s: StackScope): { read: string[]; bucket: string } {
    const b = `arn:${s.partition}:s3:::${s.stateBucket}`;
    return {
        bucket: b,
        read: [
            `${b}/.pulumi/meta.yaml`,
            `${b}/.pulumi/stacks/${s.project}/${s.stack}.json*`,
            `${b}/.pulumi/*/${s.project}/${s.stack}/*`,
        ],
    };
}

function stateStatements(s: StackScope, write: boolean): IamStatement[] {
    if (!s.stateBucket && !s.stateKmsKeyArn) return [];
    const out: IamStatement[] = [];
    if (s.stateBucket) {
        const st = stateObjects(s);
        out.push({ Sid: "StateList", Effect: "Allow", Action: "s3:ListBucket", Resource: st.bucket, Condition: { StringLike: { "s3:prefix": [".pulumi/*"] } } });
        out.push({ Sid: "StateObjects", Effect: "Allow", Action: write ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : ["s3:GetObject"], Resource: st.read });
    }
    if (s.stateKmsKeyArn) {
        out.push({ Sid: "StateKey", Effect: "Allow", Action: write ? ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"], Resource: s.stateKmsKeyArn });
    }
    return out;
}

// Read actions both roles need, by resource. Which call needs which action, and why, is
// tabled with its source in components/trust/iamCalls.ts (test/iamSufficiency.test.ts replays it).
const ECR_READ = ["ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:ListImages", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource"];
const ECR_WRITE = ["ecr:DeleteRepository", "ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy", "ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability", "ecr:TagResource", "ecr:UntagResource", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchDeleteImage"];
const ECS_SERVICE_READ = ["ecs:DescribeServices", "ecs:DescribeExpressGatewayService", "ecs:ListServiceDeployments", "ecs:ListTagsForResource"];
const ECS_SERVICE_WRITE = ["ecs:CreateExpressGatewayService", "ecs:UpdateExpressGatewayService", "ecs:DeleteExpressGatewayService", "ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:TagResource", "ecs:UntagResource"];
const ECS_ROLLOUT_READ = ["ecs:DescribeServiceDeployments", "ecs:DescribeServiceRevisions"];
const ELB_CREATE = ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"];
const ELB_CHANGE = [
    "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetIpAddressType",
    "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
    "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener",
    "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
    "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyRule",
    "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
];
// ELB Describe* actions support no resource-level permissions. Source: Service Authorization
// Reference for Elastic Load Balancing V2 (Describe* list no resource type).
const ELB_DESCRIBE = "elasticloadbalancing:Describe*";
// Enough to resolve the VPC, its subnets and route tables, and the stack's security groups;
// not ec2:Describe*, which includes DescribeInstanceAttribute (user data).
const EC2_DESCRIBE = ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeNetworkInterfaces", "ec2:DescribeAvailabilityZones", "ec2:DescribeAccountAttributes", "ec2:DescribeTags"];
const SG_CHANGE = ["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:DeleteSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags"];
const SCALING_DESCRIBE = ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies", "application-autoscaling:DescribeScalingActivities"];
const IAM_ROLE_READ = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole"];
const IAM_POLICY_READ = ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"];
/** IAM writes the deploy role may never make to the trust itself (its roles, policies, provider). */
const IAM_TRUST_WRITES = ["iam:Create*", "iam:Delete*", "iam:Put*", "iam:Update*", "iam:Attach*", "iam:Detach*", "iam:Tag*", "iam:Untag*", "iam:Add*", "iam:Remove*", "iam:Set*", "iam:PassRole"];

/**
 * Record names the deploy role may write in a domain's zone: the domain itself (its alias record)
 * and ACM's validation record, `_<32 hex characters>.<domain>`, matched by length so no other
 * underscore name (`_dmarc`, `_domainkey`) fits. Route 53 compares the normalized name: lower case,
 * no trailing dot. Sources: AWS Certificate Manager User Guide, "AWS Certificate Manager DNS
 * validation" (the CNAME's name); Route 53 Developer Guide, "Using IAM policy conditions for
 * fine-grained access control" (route53:ChangeResourceRecordSetsNormalizedRecordNames).
 */
export function recordNamePatterns(domains: { name: string; createsCertificate?: boolean }[]): string[] {
    const norm = (d: string) => d.toLowerCase().replace(/\.$/, "");
    const names = domains.map((d) => norm(d.name));
    const validations = domains.filter((d) => d.createsCertificate !== false).map((d) => `_${"?".repeat(32)}.${norm(d.name)}`);
    return [...new Set([...names, ...validations])];
}

/** Record types the stack writes: the alias A record and ACM's CNAME. */
export const RECORD_TYPES = ["A", "CNAME"];

/** The only AWS managed policies a stack role is ever given: one definition, where the roles get them. */
export const TASK_EXECUTION_POLICY = TASK_EXECUTION_POLICY_ARN;
export const EXPRESS_INFRASTRUCTURE_POLICY = EXPRESS_INFRASTRUCTURE_POLICY_ARN;
/** AWS managed policy of the ECS infrastructure role for load balancers (AWS Managed Policy Reference Guide). */
export const LOAD_BALANCER_INFRASTRUCTURE_POLICY = LOAD_BALANCER_INFRASTRUCTURE_POLICY_ARN;

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
    const iam: IamStatement[] = [
        // Roles only of the kinds a service creates, only with this boundary, only
        // tagged for this stack. Source: IAM User Guide, "Permissions boundaries for IAM
        // entities" (iam:PermissionsBoundary).
        { Sid: "RoleCreate", Effect: "Allow", Action: "iam:CreateRole", Resource: serviceRoles, Condition: { StringEquals: { ...bound, ...onCreate(s) } } },
        // TagRole carries no iam:PermissionsBoundary key; the guard Denies below keep its
        // `ecs-ship:stack` value to this stack. Source: Service Authorization Reference for IAM.
        { Sid: "RoleTags", Effect: "Allow", Action: ["iam:TagRole", "iam:UntagRole"], Resource: serviceRoles },
        { Sid: "RoleChange", Effect: "Allow", Action: ["iam:PutRolePermissionsBoundary", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:DeleteRole"], Resource: serviceRoles, Condition: { StringEquals: bound } },
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
        { Sid: "InfraPolicy", Effect: "Allow", Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"], Resource: a.infraRole, Condition: { StringEquals: { ...bound, "iam:PolicyARN": EXPRESS_INFRASTRUCTURE_POLICY } } },
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
