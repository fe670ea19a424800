// What the deploy and preview policies of a stack are written over: the ARN patterns of the stack's
// resources (stackArns), its cluster and role-name patterns, the tag conditions, the Pulumi state objects,
// the action groups both roles share, the custom domains' record patterns, and the AWS managed policies
// the stack's roles are given. stackPolicies.ts builds the documents from these.
import { EXPRESS_INFRASTRUCTURE_POLICY_ARN } from "../express/expressService";
import { TASK_EXECUTION_POLICY_ARN } from "../service/serviceArgs";
import { LOAD_BALANCER_INFRASTRUCTURE_POLICY_ARN } from "../fargate/trafficShift";
import { elbLogicalName } from "../service/naming";
import { IamStatement, STACK_TAG, StackScope } from "./stackScope";

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

export const onCreate = (s: StackScope) => ({ [`aws:RequestTag/${STACK_TAG}`]: s.stack });
export const onExisting = (s: StackScope) => ({ [`aws:ResourceTag/${STACK_TAG}`]: s.stack });

/**
 * Pulumi's S3 ("diy") backend keeps a stack's state under `.pulumi/stacks/<project>/<stack>.json`,
 * with history, backups and locks under `.pulumi/{history,backups,locks}/<project>/<stack>/`.
 * Source: Pulumi docs, "State and backends" (project-scoped layout of the DIY backend).
 */
export function stateObjects(s: StackScope): { read: string[]; bucket: string } {
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

export function stateStatements(s: StackScope, write: boolean): IamStatement[] {
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
// tabled with its source in components/trust/iamCalls/ (test/iamSufficiency.test.ts replays it).
export const ECR_READ = ["ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:ListImages", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource"];
export const ECR_WRITE = ["ecr:DeleteRepository", "ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy", "ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability", "ecr:TagResource", "ecr:UntagResource", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchDeleteImage", "ecr:DeleteRepositoryPolicy"];
// ecr:SetRepositoryPolicy is not here: a repository policy grants another account pull (one build,
// promoted: components/registry/promotion.ts), so an administrator writes it, as the trust. Removing it only narrows.
export const ECS_SERVICE_READ = ["ecs:DescribeServices", "ecs:DescribeExpressGatewayService", "ecs:ListServiceDeployments", "ecs:ListTagsForResource"];
export const ECS_SERVICE_WRITE = ["ecs:CreateExpressGatewayService", "ecs:UpdateExpressGatewayService", "ecs:DeleteExpressGatewayService", "ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:TagResource", "ecs:UntagResource"];
export const ECS_ROLLOUT_READ = ["ecs:DescribeServiceDeployments", "ecs:DescribeServiceRevisions"];
export const ELB_CREATE = ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"];
export const ELB_CHANGE = [
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
export const ELB_DESCRIBE = "elasticloadbalancing:Describe*";
// Enough to resolve the VPC, its subnets and route tables, and the stack's security groups;
// not ec2:Describe*, which includes DescribeInstanceAttribute (user data).
export const EC2_DESCRIBE = ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeNetworkInterfaces", "ec2:DescribeAvailabilityZones", "ec2:DescribeAccountAttributes", "ec2:DescribeTags"];
export const SG_CHANGE = ["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:DeleteSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags"];
export const SCALING_DESCRIBE = ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies", "application-autoscaling:DescribeScalingActivities"];
export const IAM_ROLE_READ = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole"];
export const IAM_POLICY_READ = ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"];
/** IAM writes the deploy role may never make to the trust itself (its roles, policies, provider). */
export const IAM_TRUST_WRITES = ["iam:Create*", "iam:Delete*", "iam:Put*", "iam:Update*", "iam:Attach*", "iam:Detach*", "iam:Tag*", "iam:Untag*", "iam:Add*", "iam:Remove*", "iam:Set*", "iam:PassRole"];

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
