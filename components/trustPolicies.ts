// Pure IAM documents for GithubOidcTrust: the GitHub trust policies, the deploy and
// preview permissions, the permissions boundary, and the pass-role grants.
//
// Nothing here creates resources, so test/trustSecurity.test.ts evaluates every document
// with a real IAM policy evaluator, without mocks.
//
// Scoping rules used throughout:
// - ARN name prefix `ecs-ship-<stack>-` wherever the service's ARN carries the name;
// - `aws:RequestTag/ecs-ship:stack` on creates and `aws:ResourceTag/ecs-ship:stack` on
//   existing resources where the ARN does not (EC2 security groups, scalable targets);
// - an explicit Deny for anything tagged as another stack, because the name prefix of
//   stack `dev` (`ecs-ship-dev-*`) also matches stack `dev-eu`'s names.
// Action names, resource types and condition keys follow the Service Authorization
// Reference ("Actions, resources, and condition keys for <service>").

export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials requests; IAM checks it as `:aud`. */
export const STS_AUDIENCE = "sts.amazonaws.com";
/** The tag key every ecs-ship resource carries (provider default tags). */
export const STACK_TAG = "ecs-ship:stack";

export type PassedToService = "ecs-tasks.amazonaws.com" | "ecs.amazonaws.com";

/** A plain IAM statement (JSON as IAM reads it). */
export interface IamStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]>;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface IamDocument {
    Version: "2012-10-17";
    Statement: IamStatement[];
}

/** Where the stack lives: everything the permission documents are scoped by. */
export interface StackScope {
    partition: string;
    accountId: string;
    region: string;
    /** Stack name, as in the `ecs-ship:stack` tag. */
    stack: string;
    /** `ecs-ship-<stack>`: every physical name starts with it and a hyphen. */
    prefix: string;
    /** The trust component's name; its own roles and policies are named `<trustName>-…`. */
    trustName: string;
    /** Pulumi project name, for the state backend's object keys. */
    project: string;
    providerArn: string;
    boundaryArn: string;
    stateBucket?: string;
    stateKmsKeyArn?: string;
}

// ---------------------------------------------------------------------------
// Validation (pure, so the component can check its arguments before registering)

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
/** Characters that would turn an exact `sub` into a pattern, or that GitHub refs cannot hold. */
const GLOB = /[*?\[\]\s]/;

export interface TrustArgsToCheck {
    prefix: string;
    repository: string;
    deployBranches: string[];
    deployEnvironments: string[];
    oidcProviderArn?: string;
    retainProvider?: boolean;
    maxSessionDuration: number;
    stackTags: Record<string, string>;
}

/** Every problem with the arguments, worded like config.ts: key, what is allowed, what was given. */
export function trustArgsProblems(a: TrustArgsToCheck): string[] {
    const problems: string[] = [];
    const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));
    const stack = a.stackTags?.[STACK_TAG];
    if (typeof stack !== "string" || stack === "") {
        problems.push(`stackTags["${STACK_TAG}"]: is required (the stack name every resource is tagged with), got ${show(stack)}`);
    } else if (a.prefix !== `ecs-ship-${stack}`) {
        problems.push(`prefix: must be "ecs-ship-${stack}" (the stack's physical-name prefix), got ${show(a.prefix)}`);
    }
    if (typeof a.repository !== "string" || a.repository.includes("*") || !REPOSITORY.test(a.repository)) {
        problems.push(`repository: must name exactly one repository as "owner/name", with no wildcard, got ${show(a.repository)}`);
    }
    a.deployBranches.forEach((b, i) => {
        if (typeof b !== "string" || b === "" || GLOB.test(b)) problems.push(`deployBranches[${i}]: must be an exact branch name, with no wildcard ("*", "?", "[") or space, got ${show(b)}`);
    });
    a.deployEnvironments.forEach((e, i) => {
        if (typeof e !== "string" || e === "" || GLOB.test(e)) problems.push(`deployEnvironments[${i}]: must be an exact environment name, with no wildcard ("*", "?", "[") or space, got ${show(e)}`);
    });
    if (a.deployBranches.length === 0 && a.deployEnvironments.length === 0) {
        problems.push("Either `deployBranches` or `deployEnvironments` must be provided (nothing could deploy), got neither");
    }
    // retainProvider: false is the default and harmless with a reused provider; only true conflicts.
    if (a.oidcProviderArn !== undefined && a.retainProvider === true) {
        problems.push("Only one of `oidcProviderArn` or `retainProvider` can be provided (a reused provider is never deleted), got both");
    }
    if (a.oidcProviderArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/.test(a.oidcProviderArn)) {
        problems.push(`oidcProviderArn: must be arn:aws:iam::<account>:oidc-provider/${GITHUB_OIDC_HOST}, got ${show(a.oidcProviderArn)}`);
    }
    // Source: IAM User Guide, "Modify a role maximum session duration" (1 to 12 hours).
    if (!Number.isInteger(a.maxSessionDuration) || a.maxSessionDuration < 3600 || a.maxSessionDuration > 43200) {
        problems.push(`maxSessionDuration: must be an integer from 3600 to 43200 seconds, got ${show(a.maxSessionDuration)}`);
    }
    return problems;
}

// ---------------------------------------------------------------------------
// Trust

/**
 * The exact `sub` values GitHub puts in a job's token for a push to each branch and for
 * each environment. Source: GitHub Docs, "OpenID Connect reference" (subject claims:
 * `repo:<owner>/<repo>:ref:refs/heads/<branch>`, `repo:<owner>/<repo>:environment:<name>`).
 * A job that names an environment gets the environment subject, not the branch one.
 */
export function deploySubjects(repository: string, branches: string[], environments: string[]): string[] {
    return [
        ...branches.map((b) => `repo:${repository}:ref:refs/heads/${b}`),
        ...environments.map((e) => `repo:${repository}:environment:${e}`),
    ];
}

/** The `sub` of a job triggered by a pull request. Source: GitHub Docs, "OpenID Connect reference". */
export function pullRequestSubject(repository: string): string {
    return `repo:${repository}:pull_request`;
}

/**
 * A role trust policy for GitHub's provider: exact audience and exact subjects, both with
 * StringEquals. No StringLike, no wildcard, no ForAnyValue/ForAllValues (single-valued keys).
 * Source: IAM User Guide, "Create a role for OpenID Connect federation" (GitHub section).
 */
export function githubTrustPolicy(providerArn: string, subjects: string[]): IamDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Federated: providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE,
                    [`${GITHUB_OIDC_HOST}:sub`]: [...subjects],
                },
            },
        }],
    };
}

// ---------------------------------------------------------------------------
// ARN helpers

function arns(s: StackScope) {
    const { partition: p, region: r, accountId: a, prefix: n } = s;
    return {
        repository: `arn:${p}:ecr:${r}:${a}:repository/${n}-*`,
        cluster: `arn:${p}:ecs:${r}:${a}:cluster/${n}-*`,
        // Express services without a cluster land in "default"; the service name still carries the prefix.
        service: `arn:${p}:ecs:${r}:${a}:service/*/${n}-*`,
        serviceDeployment: `arn:${p}:ecs:${r}:${a}:service-deployment/*/${n}-*`,
        serviceRevision: `arn:${p}:ecs:${r}:${a}:service-revision/*/${n}-*`,
        taskDefinition: `arn:${p}:ecs:${r}:${a}:task-definition/${n}-*:*`,
        logGroup: `arn:${p}:logs:${r}:${a}:log-group:${n}-*`,
        logGroupAny: `arn:${p}:logs:${r}:${a}:log-group:*`,
        loadBalancer: `arn:${p}:elasticloadbalancing:${r}:${a}:loadbalancer/app/${n}-*/*`,
        targetGroup: `arn:${p}:elasticloadbalancing:${r}:${a}:targetgroup/${n}-*/*`,
        listener: `arn:${p}:elasticloadbalancing:${r}:${a}:listener/app/${n}-*/*`,
        listenerRule: `arn:${p}:elasticloadbalancing:${r}:${a}:listener-rule/app/${n}-*/*`,
        securityGroup: `arn:${p}:ec2:${r}:${a}:security-group/*`,
        securityGroupRule: `arn:${p}:ec2:${r}:${a}:security-group-rule/*`,
        vpc: `arn:${p}:ec2:${r}:${a}:vpc/*`,
        scalableTarget: `arn:${p}:application-autoscaling:${r}:${a}:scalable-target/*`,
        // Target tracking names its alarms `TargetTracking-<resourceId>-Alarm…`, and an ECS
        // resourceId is `service/<cluster>/<service>`. Source: Application Auto Scaling
        // User Guide, "Target tracking scaling policies" (alarms it creates).
        alarm: `arn:${p}:cloudwatch:${r}:${a}:alarm:TargetTracking-service/*/${n}-*`,
        role: `arn:${p}:iam::${a}:role/${n}-*`,
        policy: `arn:${p}:iam::${a}:policy/${n}-*`,
        trustRoles: `arn:${p}:iam::${a}:role/${s.trustName}-*`,
        trustPolicies: `arn:${p}:iam::${a}:policy/${s.trustName}-*`,
        serviceLinkedRole: `arn:${p}:iam::${a}:role/aws-service-role/*`,
    };
}

const onCreate = (s: StackScope) => ({ StringEquals: { [`aws:RequestTag/${STACK_TAG}`]: s.stack } });
const onExisting = (s: StackScope) => ({ StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: s.stack } });

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

// Read actions both roles need, by resource.
const ECR_READ = ["ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:ListImages", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource"];
const ECR_WRITE = ["ecr:CreateRepository", "ecr:DeleteRepository", "ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy", "ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability", "ecr:TagResource", "ecr:UntagResource", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchDeleteImage"];
const ECS_SERVICE_READ = ["ecs:DescribeServices", "ecs:DescribeExpressGatewayService", "ecs:ListServiceDeployments", "ecs:ListTagsForResource"];
// What aws.ecs.ExpressGatewayService and aws.ecs.Service call, and what waitForSteadyState polls.
// Source: Service Authorization Reference for Amazon ECS (Express Gateway actions), and the
// AWS provider's aws_ecs_express_gateway_service resource (create/read/update/delete + tags).
const ECS_SERVICE_WRITE = ["ecs:CreateExpressGatewayService", "ecs:UpdateExpressGatewayService", "ecs:DeleteExpressGatewayService", "ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:TagResource", "ecs:UntagResource"];
const ELB_WRITE = [
    "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetIpAddressType",
    "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
    "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener",
    "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
    "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyRule",
    "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
];
// ELB Describe* actions support no resource-level permissions. Source: Service Authorization
// Reference for Elastic Load Balancing V2 (Describe* list no resource type).
const ELB_DESCRIBE = "elasticloadbalancing:Describe*";
// Enough to resolve the VPC, its subnets and the stack's security groups; not ec2:Describe*,
// which includes DescribeInstanceAttribute (user data).
const EC2_DESCRIBE = ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeNetworkInterfaces", "ec2:DescribeAvailabilityZones", "ec2:DescribeAccountAttributes", "ec2:DescribeTags"];
const SG_CHANGE = ["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:DeleteSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags"];
const SCALING_DESCRIBE = ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies", "application-autoscaling:DescribeScalingActivities"];
const IAM_ROLE_READ = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole"];
const IAM_POLICY_READ = ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"];
/** IAM writes the deploy role may never make to the trust itself (its roles, policies, provider). */
const IAM_TRUST_WRITES = ["iam:Create*", "iam:Delete*", "iam:Put*", "iam:Update*", "iam:Attach*", "iam:Detach*", "iam:Tag*", "iam:Untag*", "iam:Add*", "iam:Remove*", "iam:Set*", "iam:PassRole"];

// ---------------------------------------------------------------------------
// Deploy role

/**
 * What `pulumi up` of this stack needs, as managed policies small enough for IAM's
 * 6,144-character limit each (IAM User Guide, "IAM and AWS STS quotas").
 * Keys name the policies: `build` (ECR, ECS, logs, state), `network` (ELB, EC2, scaling,
 * alarms), `iam` (roles with the boundary, and every guard Deny).
 */
export function deployPolicies(s: StackScope): { build: IamDocument; network: IamDocument; iam: IamDocument } {
    const a = arns(s);
    const build: IamStatement[] = [
        // GetAuthorizationToken has no resource type; the token carries the caller's own
        // permissions. Source: Amazon ECR User Guide, "Private registry authentication".
        { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        { Sid: "EcrRepositories", Effect: "Allow", Action: [...ECR_READ, ...ECR_WRITE], Resource: a.repository },
        { Sid: "EcsClusters", Effect: "Allow", Action: ["ecs:CreateCluster", "ecs:DeleteCluster", "ecs:DescribeClusters", "ecs:UpdateCluster", "ecs:PutClusterCapacityProviders", "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource"], Resource: a.cluster },
        { Sid: "EcsServices", Effect: "Allow", Action: [...ECS_SERVICE_READ, ...ECS_SERVICE_WRITE], Resource: a.service },
        { Sid: "EcsRollouts", Effect: "Allow", Action: ["ecs:DescribeServiceDeployments", "ecs:DescribeServiceRevisions"], Resource: [a.serviceDeployment, a.serviceRevision] },
        // The Service Authorization Reference lists task-definition as RegisterTaskDefinition's
        // resource, so the family prefix applies; the tag condition holds it to this stack
        // even where an older region ignores the resource.
        { Sid: "EcsRegisterTaskDefinitions", Effect: "Allow", Action: ["ecs:RegisterTaskDefinition", "ecs:TagResource"], Resource: a.taskDefinition, Condition: onCreate(s) },
        { Sid: "EcsTaskDefinitions", Effect: "Allow", Action: ["ecs:DeleteTaskDefinitions", "ecs:ListTagsForResource", "ecs:UntagResource"], Resource: a.taskDefinition },
        // Describe/DeregisterTaskDefinition support no resource type (Service Authorization
        // Reference for Amazon ECS); Deregister only marks a revision INACTIVE.
        { Sid: "EcsTaskDefinitionsAnyResource", Effect: "Allow", Action: ["ecs:DescribeTaskDefinition", "ecs:DeregisterTaskDefinition"], Resource: "*" },
        { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:AssociateKmsKey", "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"], Resource: [a.logGroup, `${a.logGroup}:*`] },
        { Sid: "LogsDescribe", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: a.logGroupAny },
        ...stateStatements(s, true),
    ];
    const network: IamStatement[] = [
        { Sid: "Elb", Effect: "Allow", Action: ELB_WRITE, Resource: [a.loadBalancer, a.targetGroup, a.listener, a.listenerRule] },
        { Sid: "ElbDescribe", Effect: "Allow", Action: ELB_DESCRIBE, Resource: "*" },
        { Sid: "Ec2Describe", Effect: "Allow", Action: EC2_DESCRIBE, Resource: "*" },
        // CreateSecurityGroup authorizes the VPC and the new group; only the group carries tags.
        // Source: Amazon EC2 User Guide, "Grant permission to tag resources during creation".
        { Sid: "SgCreateInVpc", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: a.vpc },
        { Sid: "SgCreate", Effect: "Allow", Action: ["ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:CreateTags"], Resource: [a.securityGroup, a.securityGroupRule], Condition: onCreate(s) },
        { Sid: "SgChange", Effect: "Allow", Action: SG_CHANGE, Resource: [a.securityGroup, a.securityGroupRule], Condition: onExisting(s) },
        { Sid: "ScalingCreate", Effect: "Allow", Action: ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:TagResource"], Resource: a.scalableTarget, Condition: { StringEquals: { ...onCreate(s).StringEquals, "application-autoscaling:service-namespace": "ecs" } } },
        { Sid: "ScalingChange", Effect: "Allow", Action: ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy", "application-autoscaling:TagResource", "application-autoscaling:UntagResource", "application-autoscaling:ListTagsForResource"], Resource: a.scalableTarget, Condition: onExisting(s) },
        { Sid: "ScalingDescribe", Effect: "Allow", Action: SCALING_DESCRIBE, Resource: "*" },
        // PutScalingPolicy (target tracking) creates and deletes its alarms with the caller's
        // permissions. Source: Application Auto Scaling User Guide, "Permissions required to
        // call Application Auto Scaling API actions" (cloudwatch:PutMetricAlarm, DeleteAlarms, DescribeAlarms).
        { Sid: "ScalingAlarms", Effect: "Allow", Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms"], Resource: a.alarm },
    ];
    const iam: IamStatement[] = [
        // Roles the stack creates: only with the boundary, and the boundary can only be this one.
        // Source: IAM User Guide, "Permissions boundaries for IAM entities" (iam:PermissionsBoundary).
        { Sid: "RolesWithBoundary", Effect: "Allow", Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:DeleteRole"], Resource: a.role, Condition: { StringEquals: { "iam:PermissionsBoundary": s.boundaryArn } } },
        { Sid: "RolesRead", Effect: "Allow", Action: [...IAM_ROLE_READ, "iam:TagRole", "iam:UntagRole"], Resource: a.role },
        { Sid: "Policies", Effect: "Allow", Action: [...IAM_POLICY_READ, "iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"], Resource: a.policy },
        { Sid: "ReadProvider", Effect: "Allow", Action: "iam:GetOpenIDConnectProvider", Resource: s.providerArn },
        // Source: IAM User Guide, "Service-linked role permissions" (iam:AWSServiceName).
        { Sid: "ServiceLinkedRoles", Effect: "Allow", Action: "iam:CreateServiceLinkedRole", Resource: a.serviceLinkedRole, Condition: { StringEquals: { "iam:AWSServiceName": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"] } } },
        // Guards. An explicit Deny wins over every Allow. Source: IAM User Guide, "Policy evaluation logic".
        { Sid: "DenyTrustChanges", Effect: "Deny", Action: IAM_TRUST_WRITES, Resource: [a.trustRoles, a.trustPolicies, s.providerArn, s.boundaryArn] },
        { Sid: "DenyBoundaryRemoval", Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: "*" },
        // A same-account role whose trust names the deploy role could otherwise be assumed without an Allow.
        { Sid: "DenyRoleChaining", Effect: "Deny", Action: "sts:AssumeRole", Resource: "*" },
        { Sid: "DenyOtherStacks", Effect: "Deny", Action: "*", Resource: "*", Condition: { StringNotEquals: { [`aws:ResourceTag/${STACK_TAG}`]: s.stack }, Null: { [`aws:ResourceTag/${STACK_TAG}`]: "false" } } },
        { Sid: "DenyOtherStackTags", Effect: "Deny", Action: "*", Resource: "*", Condition: { StringNotEquals: { [`aws:RequestTag/${STACK_TAG}`]: s.stack }, Null: { [`aws:RequestTag/${STACK_TAG}`]: "false" } } },
    ];
    return { build: doc(build), network: doc(network), iam: doc(iam) };
}

/**
 * `iam:PassRole` for exactly these roles, each only to the service that uses it. ECS hands
 * the task and execution roles to `ecs-tasks.amazonaws.com` (Amazon ECS Developer Guide,
 * "Task execution IAM role" and "Task IAM role": trust and PassedToService), and the Express
 * infrastructure role to `ecs.amazonaws.com` (Amazon ECS Developer Guide, "Amazon ECS
 * infrastructure IAM role": trusted by and passed to ecs.amazonaws.com).
 * Source for the key: IAM User Guide, "Grant a user permissions to pass a role to an AWS service".
 */
export function passRolePolicy(grants: { roleArn: string; service: PassedToService }[]): IamDocument {
    const byService = new Map<PassedToService, Set<string>>();
    for (const g of grants) {
        if (!byService.has(g.service)) byService.set(g.service, new Set());
        byService.get(g.service)!.add(g.roleArn);
    }
    const services = [...byService.keys()].sort();
    return doc(services.map((svc) => ({
        Sid: svc === "ecs.amazonaws.com" ? "PassToEcs" : "PassToEcsTasks",
        Effect: "Allow" as const,
        Action: "iam:PassRole",
        Resource: [...byService.get(svc)!].sort(),
        Condition: { StringEquals: { "iam:PassedToService": svc } },
    })));
}

// ---------------------------------------------------------------------------
// Preview role

/** What `pulumi preview` of this stack reads: state, and Describe/Get/List on the stack's resources. Writes nothing. */
export function previewPolicy(s: StackScope): IamDocument {
    const a = arns(s);
    return doc([
        ...stateStatements(s, false),
        // The program's registry credentials come from a data source that runs during preview
        // too; the token grants only what this role's own policy grants, so it cannot push.
        // Source: Amazon ECR User Guide, "Private registry authentication".
        { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        { Sid: "EcrRead", Effect: "Allow", Action: ECR_READ, Resource: a.repository },
        { Sid: "EcsRead", Effect: "Allow", Action: ["ecs:DescribeClusters", ...ECS_SERVICE_READ], Resource: [a.cluster, a.service] },
        { Sid: "EcsRollouts", Effect: "Allow", Action: ["ecs:DescribeServiceDeployments", "ecs:DescribeServiceRevisions"], Resource: [a.serviceDeployment, a.serviceRevision] },
        { Sid: "EcsTaskDefinitions", Effect: "Allow", Action: "ecs:DescribeTaskDefinition", Resource: "*" },
        { Sid: "LogsRead", Effect: "Allow", Action: "logs:ListTagsForResource", Resource: a.logGroup },
        { Sid: "LogsDescribe", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: a.logGroupAny },
        { Sid: "Describe", Effect: "Allow", Action: [ELB_DESCRIBE, ...EC2_DESCRIBE, ...SCALING_DESCRIBE], Resource: "*" },
        { Sid: "AlarmsRead", Effect: "Allow", Action: "cloudwatch:DescribeAlarms", Resource: a.alarm },
        { Sid: "IamRead", Effect: "Allow", Action: IAM_ROLE_READ, Resource: a.role },
        { Sid: "IamPolicyRead", Effect: "Allow", Action: IAM_POLICY_READ, Resource: a.policy },
        { Sid: "ReadProvider", Effect: "Allow", Action: "iam:GetOpenIDConnectProvider", Resource: s.providerArn },
    ]);
}

// ---------------------------------------------------------------------------
// Permissions boundary

/** The service-linked roles Express's infrastructure role may create (its managed policy's own list). */
export const EXPRESS_SERVICE_LINKED_ROLES = ["ecs.application-autoscaling.amazonaws.com", "elasticloadbalancing.amazonaws.com"];

/**
 * The ceiling for every role the stack creates (execution, infrastructure, task roles).
 * It admits what those roles are granted, and denies IAM, STS and Organizations outright,
 * so a role created by the deploy role can never be a path to more privilege.
 *
 * - Execution role: AWS managed policy AmazonECSTaskExecutionRolePolicy (ECR pull, logs)
 *   plus secrets. Source: Amazon ECS Developer Guide, "Task execution IAM role" and "Pass
 *   sensitive data to an Amazon ECS container".
 * - Infrastructure role: the services of AWS managed policy
 *   service-role/AmazonECSInfrastructureRoleforExpressGatewayServices (ELB, EC2 security
 *   groups, ACM certificates, Application Auto Scaling, CloudWatch alarms, and two
 *   service-linked roles). Source: AWS Managed Policy Reference Guide, that policy.
 * - Task roles: the stack's own `taskPermissions` (Allow statements).
 */
export function permissionsBoundary(s: StackScope, taskPermissions: IamStatement[] = []): IamDocument {
    const p = s.partition, r = s.region, acct = s.accountId;
    const task = taskPermissions.filter((t) => t.Effect === "Allow").map((t, i) => ({ ...t, Sid: `Task${i}` }));
    return doc([
        { Sid: "ExecPull", Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Resource: "*" },
        { Sid: "ExecLogs", Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:${p}:logs:${r}:${acct}:log-group:*` },
        { Sid: "ExecSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "ssm:GetParameters", "kms:Decrypt"], Resource: [`arn:${p}:secretsmanager:${r}:${acct}:secret:*`, `arn:${p}:ssm:${r}:${acct}:parameter/*`, `arn:${p}:kms:${r}:${acct}:key/*`] },
        {
            Sid: "ExpressInfrastructure", Effect: "Allow", Resource: "*",
            Action: ["elasticloadbalancing:*", "application-autoscaling:*", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms",
                "acm:RequestCertificate", "acm:DeleteCertificate", "acm:DescribeCertificate", "acm:AddTagsToCertificate", "acm:ListCertificates",
                "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
                "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", "ec2:CreateTags", "ec2:DeleteTags", ...EC2_DESCRIBE],
        },
        { Sid: "ExpressServiceLinkedRoles", Effect: "Allow", Action: "iam:CreateServiceLinkedRole", Resource: "*", Condition: { StringEquals: { "iam:AWSServiceName": EXPRESS_SERVICE_LINKED_ROLES } } },
        ...task,
        // Every IAM action except creating those two service-linked roles (the key is absent
        // from every other IAM request, so IfExists makes the Deny apply to them).
        { Sid: "DenyIam", Effect: "Deny", Action: "iam:*", Resource: "*", Condition: { StringNotEqualsIfExists: { "iam:AWSServiceName": EXPRESS_SERVICE_LINKED_ROLES } } },
        { Sid: "DenyEscalation", Effect: "Deny", Action: ["sts:*", "organizations:*", "account:*"], Resource: "*" },
    ]);
}

function doc(statements: IamStatement[]): IamDocument {
    return { Version: "2012-10-17", Statement: statements };
}
