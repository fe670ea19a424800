// The AWS API calls the provider makes for each resource ecs-ship creates, by phase, and the
// IAM action and resource ARN(s) each call is authorized on. Data, with a source per row:
// the Terraform AWS provider file the Pulumi AWS provider wraps, or AWS's documentation.
// test/iamSufficiency.test.ts replays every row against the deploy and preview roles of the
// dev and prod plans with a real IAM evaluator.
//
// Phases: `create`, `update` (including tags) and `delete` run as the deploy role (`pulumi
// up`, `pulumi destroy`); `read` runs as both roles (`pulumi refresh`, `pulumi preview`,
// and the reads inside every create and update); `push` is the image build and push;
// `verify` is the post-deploy gate (tools/verify/verifyGate.ts), run with the deploy role.

export type Phase = "create" | "read" | "update" | "delete" | "push" | "verify";

/** The slice of a planned resource the rows read. */
export interface PlannedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    state: Record<string, any>;
}

/** What a row may look up: the stack's account and region, and the whole plan. */
export interface CallScope {
    partition: string;
    region: string;
    accountId: string;
    resources: PlannedResource[];
}

export interface ProviderCall {
    /** Resource type token the call is made for (or a pseudo type: "lookup", "verify"). */
    type: string;
    phase: Phase;
    /** IAM action, `service:Action`. */
    action: string;
    /** The ARN(s) IAM authorizes the call on ("*" for actions without a resource type). */
    arns(r: PlannedResource, s: CallScope): string[];
    /** The request carries the resource's tags (tag-on-create or a tag update). */
    requestTags?: boolean;
    /** Further request context the call carries (PassedToService, PolicyARN, CreateAction...). */
    context?(r: PlannedResource, s: CallScope): Record<string, string | string[]>;
    /** Only resources this row applies to (e.g. not the trust's own, which an admin manages). */
    where?(r: PlannedResource): boolean;
    source: string;
}

// ---------------------------------------------------------------------------
// ARN builders from planned state

const any = () => ["*"];
const own = (r: PlannedResource) => [String(r.state.arn)];
const roleArn = (s: CallScope, name: string) => `arn:${s.partition}:iam::${s.accountId}:role/${name}`;
const logGroupArn = (r: PlannedResource) => [String(r.state.arn)];
const byName = (s: CallScope, type: string, name: string) => s.resources.find((x) => x.type === type && (x.state.name === name || x.name === name));
const byArn = (s: CallScope, arn: string) => s.resources.find((x) => x.state.arn === arn || x.state.serviceArn === arn);
/** A service deployment ARN as ECS writes it: service-deployment/<cluster>/<service>/<id>. */
const deploymentArn = (service: string, kind = "service-deployment") => service.replace(":service/", `:${kind}/`) + "/0a1b2c3d4e5f60718";
const ecsServiceArn = (r: PlannedResource) => String(r.state.arn ?? r.state.serviceArn);
/** The release's cluster as an ARN (Express passes its name), and a task ARN in it. */
const clusterArnOf = (r: PlannedResource, s: CallScope) => (String(r.inputs.cluster).startsWith("arn:") ? String(r.inputs.cluster) : `arn:${s.partition}:ecs:${s.region}:${s.accountId}:cluster/${r.inputs.cluster}`);
const releaseTaskArn = (r: PlannedResource, s: CallScope) => `arn:${s.partition}:ecs:${s.region}:${s.accountId}:task/${clusterArnOf(r, s).split("/").pop()}/0f1e2d3c4b5a69788796a5b4c3d2e1f0`;
const boundaryOf = (s: CallScope) => String(s.resources.find((x) => x.type === "aws:iam/policy:Policy" && x.name.endsWith("-boundary"))!.state.arn);
/** The trust's own resources: an administrator applies them (docs/security-model.md). */
const isTrust = (r: PlannedResource) => /-github(-|$)/.test(r.name);
const notTrust = (r: PlannedResource) => !isTrust(r);
const roleOfPolicy = (r: PlannedResource, s: CallScope) => [roleArn(s, String(r.inputs.role))];

const TF = "Terraform AWS provider, internal/service";
/** The role of a service's `loadBalancers[].advancedConfiguration`, when it shifts traffic. */
const shiftRoleOf = (r: PlannedResource): unknown => (r.inputs.loadBalancers as { advancedConfiguration?: { roleArn?: unknown } }[] | undefined)?.[0]?.advancedConfiguration?.roleArn;
const SAR = "Service Authorization Reference";

function passRoleRows(type: string, keys: ("executionRoleArn" | "taskRoleArn" | "infrastructureRoleArn")[], source: string): ProviderCall[] {
    // One row per kind of role, so each carries its own iam:PassedToService.
    return keys.map((key) => ({
        type, phase: "create" as const, action: "iam:PassRole",
        where: (r: PlannedResource) => typeof r.inputs[key] === "string",
        arns: (r: PlannedResource) => [String(r.inputs[key])],
        context: () => ({ "iam:PassedToService": key === "infrastructureRoleArn" ? "ecs.amazonaws.com" : "ecs-tasks.amazonaws.com" }),
        source,
    }));
}

// ---------------------------------------------------------------------------
// The table

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const REPO = "aws:ecr/repository:Repository";
const LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
const IMAGE = "docker:index/image:Image";
const LOGS = "aws:cloudwatch/logGroup:LogGroup";
const CLUSTER = "aws:ecs/cluster:Cluster";
const CAPACITY = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders";
const TASKDEF = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";
const EXPRESS = "aws:ecs/expressGatewayService:ExpressGatewayService";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const TG = "aws:lb/targetGroup:TargetGroup";
const LISTENER = "aws:lb/listener:Listener";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const RULE = "aws:lb/listenerRule:ListenerRule";
const LISTENER_CERT = "aws:lb/listenerCertificate:ListenerCertificate";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const CERT = "aws:acm/certificate:Certificate";
const CERT_VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
const RECORD = "aws:route53/record:Record";
const TARGET = "aws:appautoscaling/target:Target";
const POLICY = "aws:appautoscaling/policy:Policy";
const RELEASE = "pulumi-nodejs:dynamic:ReleaseTask";
const SCHEDULE = "aws:scheduler/schedule:Schedule";

const row = (type: string, phase: Phase, actions: string[], arns: ProviderCall["arns"], source: string, extra: Partial<ProviderCall> = {}): ProviderCall[] =>
    actions.map((action) => ({ type, phase, action, arns, source, ...extra }));

const serviceRole = { where: notTrust };
const bounded = (extra: Record<string, string> = {}) => ({ where: notTrust, context: (_r: PlannedResource, s: CallScope) => ({ "iam:PermissionsBoundary": boundaryOf(s), ...extra }) });
const sgOf = (r: PlannedResource, s: CallScope) => [String(byArn(s, `arn:${s.partition}:ec2:${s.region}:${s.accountId}:security-group/${r.inputs.securityGroupId}`)?.state.arn ?? `arn:${s.partition}:ec2:${s.region}:${s.accountId}:security-group/${r.inputs.securityGroupId}`)];
const scalableTargetOf = (r: PlannedResource, s: CallScope) => [String(s.resources.find((x) => x.type === TARGET && x.state.resourceId === r.inputs.resourceId)!.state.arn)];
/** Target tracking's alarms: TargetTracking-<resourceId>-AlarmHigh-<uuid> (Application Auto Scaling User Guide). */
const alarmsOf = (r: PlannedResource, s: CallScope) => [`arn:${s.partition}:cloudwatch:${s.region}:${s.accountId}:alarm:TargetTracking-${r.inputs.resourceId}-AlarmHigh-0a1b2c3d`, `arn:${s.partition}:cloudwatch:${s.region}:${s.accountId}:alarm:TargetTracking-${r.inputs.resourceId}-AlarmLow-0a1b2c3d`];
const lbOfListener = (r: PlannedResource) => [String(r.inputs.loadBalancerArn)];
const secGroupRuleArn = (r: PlannedResource) => [String(r.state.arn)];
const listenerOf = (r: PlannedResource) => [String(r.inputs.listenerArn)];
/** Every action an alarm takes, as cloudwatch:AlarmActions sees them (none: the key is absent). */
const alarmActions = (r: PlannedResource): Record<string, string[]> => {
    const all = [...(r.inputs.alarmActions ?? []), ...(r.inputs.okActions ?? []), ...(r.inputs.insufficientDataActions ?? [])].map(String);
    return all.length > 0 ? { "cloudwatch:AlarmActions": all } : {};
};
const topicOfSubscription = (r: PlannedResource) => [String(r.inputs.topic)];
const certOfValidation = (r: PlannedResource) => [String(r.inputs.certificateArn)];
const zoneArn = (s: CallScope, zoneId: string) => `arn:${s.partition}:route53:::hostedzone/${zoneId}`;
const zoneOf = (r: PlannedResource, s: CallScope) => [zoneArn(s, String(r.inputs.zoneId))];
const dnsChangeArn = (_r: PlannedResource, s: CallScope) => [`arn:${s.partition}:route53:::change/C0A1B2C3D4E5F6`];
/** What Route 53 sees of a record change: the normalized name (lower case, no trailing dot), type and action. */
const recordChange = (action: "UPSERT" | "DELETE") => (r: PlannedResource) => ({
    "route53:ChangeResourceRecordSetsNormalizedRecordNames": [String(r.inputs.name).toLowerCase().replace(/\.$/, "")],
    "route53:ChangeResourceRecordSetsRecordTypes": [String(r.inputs.type)],
    "route53:ChangeResourceRecordSetsActions": [action],
});

/** A schedule's target role, passed to EventBridge Scheduler on create and update. */
const schedulePassRole = (phase: "create" | "update"): ProviderCall => ({
    type: SCHEDULE, phase, action: "iam:PassRole",
    arns: (r) => [String(r.inputs.target.roleArn)],
    context: () => ({ "iam:PassedToService": "scheduler.amazonaws.com" }),
    source: `${TF}/scheduler/schedule.go (target.role_arn); EventBridge Scheduler User Guide, "Set up the execution role" (iam:PassRole to scheduler.amazonaws.com)`,
});

export const PROVIDER_CALLS: ProviderCall[] = [
    // ---- EventBridge Scheduler schedules of scheduled jobs (no tags: held to the stack by name) ----
    ...row(SCHEDULE, "create", ["scheduler:CreateSchedule"], own, `${TF}/scheduler/schedule.go (resourceScheduleCreate: CreateSchedule)`),
    schedulePassRole("create"),
    ...row(SCHEDULE, "read", ["scheduler:GetSchedule"], own, `${TF}/scheduler/schedule.go (resourceScheduleRead: GetSchedule)`),
    ...row(SCHEDULE, "update", ["scheduler:UpdateSchedule"], own, `${TF}/scheduler/schedule.go (resourceScheduleUpdate: UpdateSchedule)`),
    schedulePassRole("update"),
    ...row(SCHEDULE, "delete", ["scheduler:DeleteSchedule"], own, `${TF}/scheduler/schedule.go (resourceScheduleDelete: DeleteSchedule)`),

    // ---- IAM roles of the services (execution, task, Express infrastructure) ----
    ...row(ROLE, "create", ["iam:CreateRole", "iam:TagRole"], own, `${TF}/iam/role.go (CreateRole with Tags; IAM User Guide, "Tagging IAM resources": tag-on-create needs iam:TagRole)`, { requestTags: true, ...bounded() }),
    ...row(ROLE, "read", ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"], own, `${TF}/iam/role.go (resourceRoleRead: GetRole, inline and managed policy lists)`),
    ...row(ROLE, "update", ["iam:UpdateRoleDescription"], own, `${TF}/iam/role.go (resourceRoleUpdate: description)`, bounded()),
    ...row(ROLE, "update", ["iam:TagRole"], own, `${TF}/iam/role.go (roleUpdateTags)`, { requestTags: true, ...serviceRole }),
    ...row(ROLE, "update", ["iam:UntagRole"], own, `${TF}/iam/role.go (roleUpdateTags)`, serviceRole),
    ...row(ROLE, "delete", ["iam:ListInstanceProfilesForRole"], own, `${TF}/iam/role.go (deleteRole: instance profiles first)`, serviceRole),
    ...row(ROLE, "delete", ["iam:DeleteRole"], own, `${TF}/iam/role.go (deleteRole)`, bounded()),
    // PutRolePolicy (a role policy's create and update) is the administrator's: the deploy role holds no
    // PutRolePolicy, because an inline policy may hold anything the boundary admits (docs/security-model.md).
    ...row(ROLE_POLICY, "read", ["iam:GetRolePolicy"], roleOfPolicy, `${TF}/iam/role_policy.go (GetRolePolicy)`),
    ...row(ROLE_POLICY, "delete", ["iam:DeleteRolePolicy"], roleOfPolicy, `${TF}/iam/role_policy.go (DeleteRolePolicy)`, bounded()),
    ...row(ATTACHMENT, "create", ["iam:AttachRolePolicy"], roleOfPolicy, `${TF}/iam/role_policy_attachment.go (AttachRolePolicy)`, { where: notTrust, context: (r, s) => ({ "iam:PermissionsBoundary": boundaryOf(s), "iam:PolicyARN": String(r.inputs.policyArn) }) }),
    ...row(ATTACHMENT, "read", ["iam:ListAttachedRolePolicies"], roleOfPolicy, `${TF}/iam/role_policy_attachment.go (ListAttachedRolePolicies)`),
    ...row(ATTACHMENT, "delete", ["iam:DetachRolePolicy"], roleOfPolicy, `${TF}/iam/role_policy_attachment.go (DetachRolePolicy)`, { where: notTrust, context: (r, s) => ({ "iam:PermissionsBoundary": boundaryOf(s), "iam:PolicyARN": String(r.inputs.policyArn) }) }),
    // The trust's own policies and provider are only read by CI; an admin writes them.
    ...row("aws:iam/policy:Policy", "read", ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"], own, `${TF}/iam/policy.go (resourcePolicyRead)`),
    ...row("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "read", ["iam:GetOpenIDConnectProvider"], (r) => [String(r.state.arn)], `${TF}/iam/openid_connect_provider.go (GetOpenIDConnectProvider)`),

    // ---- ECR repository, lifecycle, image ----
    ...row(REPO, "create", ["ecr:CreateRepository", "ecr:TagResource"], own, `${TF}/ecr/repository.go (CreateRepository with Tags; Amazon ECR User Guide, "Tag-on-create" needs ecr:TagResource)`, { requestTags: true }),
    ...row(REPO, "read", ["ecr:DescribeRepositories", "ecr:ListTagsForResource"], own, `${TF}/ecr/repository.go (resourceRepositoryRead)`),
    ...row(REPO, "update", ["ecr:PutImageTagMutability", "ecr:PutImageScanningConfiguration", "ecr:UntagResource"], own, `${TF}/ecr/repository.go (resourceRepositoryUpdate)`),
    ...row(REPO, "update", ["ecr:TagResource"], own, `${TF}/ecr/repository.go (updateTags)`, { requestTags: true }),
    ...row(REPO, "delete", ["ecr:DeleteRepository"], own, `${TF}/ecr/repository.go (DeleteRepository, force)`),
    ...row(LIFECYCLE, "create", ["ecr:PutLifecyclePolicy"], (r, s) => [String(byName(s, REPO, r.inputs.repository)!.state.arn)], `${TF}/ecr/lifecycle_policy.go (PutLifecyclePolicy)`),
    ...row(LIFECYCLE, "read", ["ecr:GetLifecyclePolicy"], (r, s) => [String(byName(s, REPO, r.inputs.repository)!.state.arn)], `${TF}/ecr/lifecycle_policy.go (GetLifecyclePolicy)`),
    ...row(LIFECYCLE, "delete", ["ecr:DeleteLifecyclePolicy"], (r, s) => [String(byName(s, REPO, r.inputs.repository)!.state.arn)], `${TF}/ecr/lifecycle_policy.go (DeleteLifecyclePolicy)`),
    ...row(REPO, "read", ["ecr:GetAuthorizationToken"], any, `${TF}/ecr/authorization_token_data_source.go (getAuthorizationToken runs in preview too)`),
    ...row(REPO, "read", ["ecr:DescribeImages", "ecr:ListImages"], own, `${TF}/ecr/images_data_source.go (the newest image for cacheFrom)`),
    // Source: Amazon ECR User Guide, "Pushing a Docker image" (required IAM permissions) and
    // "Pulling an image" (cacheFrom pulls layers of the newest image).
    ...row(IMAGE, "push", ["ecr:GetAuthorizationToken"], any, "Amazon ECR User Guide, Private registry authentication"),
    ...row(IMAGE, "push", ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], (r, s) => {
        const repo = String(r.inputs.imageName).split("/").slice(1).join("/").replace(/:[^:]+$/, "");
        return [`arn:${s.partition}:ecr:${s.region}:${s.accountId}:repository/${repo}`];
    }, "Amazon ECR User Guide, Pushing a Docker image (IAM permissions for pushing an image)"),

    // ---- CloudWatch Logs ----
    ...row(LOGS, "create", ["logs:CreateLogGroup", "logs:TagResource"], logGroupArn, `${TF}/logs/group.go (CreateLogGroup with tags; CloudWatch Logs API Reference, CreateLogGroup: tagging needs logs:TagResource)`, { requestTags: true }),
    ...row(LOGS, "create", ["logs:PutRetentionPolicy"], logGroupArn, `${TF}/logs/group.go (PutRetentionPolicy)`),
    ...row(LOGS, "read", ["logs:DescribeLogGroups"], any, `${TF}/logs/group.go (findLogGroupByName: DescribeLogGroups)`),
    ...row(LOGS, "read", ["logs:ListTagsForResource"], logGroupArn, `${TF}/logs/group.go (tags)`),
    ...row(LOGS, "update", ["logs:PutRetentionPolicy", "logs:UntagResource"], logGroupArn, `${TF}/logs/group.go (resourceGroupUpdate)`),
    ...row(LOGS, "update", ["logs:TagResource"], logGroupArn, `${TF}/logs/group.go (tags)`, { requestTags: true }),
    ...row(LOGS, "delete", ["logs:DeleteLogGroup"], logGroupArn, `${TF}/logs/group.go (DeleteLogGroup)`),

    // ---- ECS cluster and capacity providers ----
    ...row(CLUSTER, "create", ["ecs:CreateCluster"], own, `${TF}/ecs/cluster.go (CreateCluster with Tags)`, { requestTags: true }),
    ...row(CLUSTER, "create", ["ecs:TagResource"], own, `${TF}/ecs/cluster.go; Amazon ECS Developer Guide, "Grant permission to tag resources on creation" (ecs:CreateAction)`, { requestTags: true, context: () => ({ "ecs:CreateAction": "CreateCluster" }) }),
    ...row(CLUSTER, "read", ["ecs:DescribeClusters", "ecs:ListTagsForResource"], own, `${TF}/ecs/cluster.go (resourceClusterRead)`),
    ...row(CLUSTER, "update", ["ecs:UpdateCluster", "ecs:UntagResource"], own, `${TF}/ecs/cluster.go (resourceClusterUpdate)`),
    ...row(CLUSTER, "delete", ["ecs:DeleteCluster"], own, `${TF}/ecs/cluster.go (DeleteCluster)`),
    ...row(CAPACITY, "create", ["ecs:PutClusterCapacityProviders"], (r, s) => [String(byName(s, CLUSTER, r.inputs.clusterName)!.state.arn)], `${TF}/ecs/cluster_capacity_providers.go (PutClusterCapacityProviders)`),
    ...row(CAPACITY, "read", ["ecs:DescribeClusters"], (r, s) => [String(byName(s, CLUSTER, r.inputs.clusterName)!.state.arn)], `${TF}/ecs/cluster_capacity_providers.go (DescribeClusters)`),
    ...row(CAPACITY, "delete", ["ecs:PutClusterCapacityProviders"], (r, s) => [String(byName(s, CLUSTER, r.inputs.clusterName)!.state.arn)], `${TF}/ecs/cluster_capacity_providers.go (delete: empty list)`),

    // ---- ECS task definition (Fargate) ----
    ...row(TASKDEF, "create", ["ecs:RegisterTaskDefinition"], own, `${TF}/ecs/task_definition.go (RegisterTaskDefinition with Tags)`, { requestTags: true }),
    ...row(TASKDEF, "create", ["ecs:TagResource"], own, `${TF}/ecs/task_definition.go; Amazon ECS Developer Guide, "Grant permission to tag resources on creation"`, { requestTags: true, context: () => ({ "ecs:CreateAction": "RegisterTaskDefinition" }) }),
    ...passRoleRows(TASKDEF, ["executionRoleArn", "taskRoleArn"], `${TF}/ecs/task_definition.go (execution and task role); Amazon ECS Developer Guide, "Task execution IAM role"`),
    ...row(TASKDEF, "read", ["ecs:DescribeTaskDefinition"], any, `${TF}/ecs/task_definition.go (DescribeTaskDefinition; ${SAR}: no resource type)`),
    ...row(TASKDEF, "read", ["ecs:ListTagsForResource"], own, `${TF}/ecs/task_definition.go (tags)`),
    ...row(TASKDEF, "delete", ["ecs:DeregisterTaskDefinition"], any, `${TF}/ecs/task_definition.go (DeregisterTaskDefinition; ${SAR}: no resource type)`),

    // ---- ECS service (Fargate) ----
    ...row(SERVICE, "create", ["ecs:CreateService"], own, `${TF}/ecs/service.go (CreateService with Tags)`, { requestTags: true }),
    ...row(SERVICE, "create", ["ecs:TagResource"], own, `${TF}/ecs/service.go; Amazon ECS Developer Guide, "Grant permission to tag resources on creation"`, { requestTags: true, context: () => ({ "ecs:CreateAction": "CreateService" }) }),
    // A canary, linear or blue/green service passes its load-balancer role (components/fargate/trafficShift.ts) to ECS.
    {
        type: SERVICE, phase: "create", action: "iam:PassRole",
        where: (r) => typeof shiftRoleOf(r) === "string",
        arns: (r) => [String(shiftRoleOf(r))],
        context: () => ({ "iam:PassedToService": "ecs.amazonaws.com" }),
        source: `${TF}/ecs/service.go (load_balancer.advanced_configuration.role_arn); Amazon ECS Developer Guide, "Amazon ECS infrastructure IAM role for load balancers"`,
    },
    ...row(SERVICE, "read", ["ecs:DescribeServices", "ecs:ListTagsForResource"], own, `${TF}/ecs/service.go (resourceServiceRead, waitServiceStable)`),
    ...row(SERVICE, "update", ["ecs:UpdateService", "ecs:UntagResource", "ecs:ListServiceDeployments"], own, `${TF}/ecs/service.go (resourceServiceUpdate; wait for steady state lists deployments)`),
    ...row(SERVICE, "update", ["ecs:TagResource"], own, `${TF}/ecs/service.go (tags)`, { requestTags: true }),
    ...row(SERVICE, "update", ["ecs:DescribeServiceDeployments"], (r) => [ecsServiceArn(r), deploymentArn(ecsServiceArn(r))], `${TF}/ecs/service.go (wait for steady state); ${SAR}: service and service-deployment both required`),
    ...row(SERVICE, "delete", ["ecs:UpdateService", "ecs:DeleteService", "ecs:DescribeServices"], own, `${TF}/ecs/service.go (resourceServiceDelete: scale to 0, delete, wait inactive)`),

    // ---- ECS Express service ----
    ...row(EXPRESS, "create", ["ecs:CreateExpressGatewayService"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go (retryExpressGatewayServiceCreate)`, { requestTags: true }),
    ...row(EXPRESS, "create", ["ecs:TagResource"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go; Amazon ECS Developer Guide, "Grant permission to tag resources on creation"`, { requestTags: true, context: () => ({ "ecs:CreateAction": "CreateExpressGatewayService" }) }),
    ...row(EXPRESS, "create", ["ecs:DescribeServices"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go (checkExpressGatewayServiceExists)`),
    ...passRoleRows(EXPRESS, ["executionRoleArn", "taskRoleArn", "infrastructureRoleArn"], `${TF}/ecs/express_gateway_service.go (execution, task, infrastructure roles); Amazon ECS Developer Guide, "Amazon ECS infrastructure IAM role"`),
    ...row(EXPRESS, "read", ["ecs:DescribeExpressGatewayService", "ecs:ListServiceDeployments"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go (findExpressGatewayService, statusExpressGatewayServiceWaitForStable)`),
    ...row(EXPRESS, "read", ["ecs:DescribeServiceDeployments"], (r) => [ecsServiceArn(r), deploymentArn(ecsServiceArn(r))], `${TF}/ecs/express_gateway_service.go (findDeploymentStatus); ${SAR}: service and service-deployment both required`),
    ...row(EXPRESS, "update", ["ecs:UpdateExpressGatewayService", "ecs:UntagResource"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go (retryExpressGatewayServiceUpdate)`),
    ...row(EXPRESS, "update", ["ecs:TagResource"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go (tags)`, { requestTags: true }),
    ...row(EXPRESS, "delete", ["ecs:DeleteExpressGatewayService", "ecs:DescribeExpressGatewayService"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go (Delete, waitExpressGatewayServiceInactive)`),

    // ---- Load balancer, target group, listeners (Fargate) ----
    ...row(LB, "create", ["elasticloadbalancing:CreateLoadBalancer"], own, `${TF}/elbv2/load_balancer.go (CreateLoadBalancer with Tags)`, { requestTags: true }),
    ...row(LB, "create", ["elasticloadbalancing:AddTags"], own, `${TF}/elbv2/load_balancer.go; Elastic Load Balancing User Guide, "Tag resources on creation" (elasticloadbalancing:CreateAction)`, { requestTags: true, context: () => ({ "elasticloadbalancing:CreateAction": "CreateLoadBalancer" }) }),
    ...row(LB, "create", ["elasticloadbalancing:ModifyLoadBalancerAttributes"], own, `${TF}/elbv2/load_balancer.go (modifyLoadBalancerAttributes: drop_invalid_header_fields)`),
    ...row(LB, "read", ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTags"], any, `${TF}/elbv2/load_balancer.go (read; ${SAR}: Describe* have no resource type)`),
    ...row(LB, "update", ["elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:RemoveTags"], own, `${TF}/elbv2/load_balancer.go (resourceLoadBalancerUpdate)`),
    ...row(LB, "update", ["elasticloadbalancing:AddTags"], own, `${TF}/elbv2/load_balancer.go (tags)`, { requestTags: true }),
    ...row(LB, "delete", ["elasticloadbalancing:DeleteLoadBalancer"], own, `${TF}/elbv2/load_balancer.go (DeleteLoadBalancer)`),
    ...row(TG, "create", ["elasticloadbalancing:CreateTargetGroup"], own, `${TF}/elbv2/target_group.go (CreateTargetGroup with Tags)`, { requestTags: true }),
    ...row(TG, "create", ["elasticloadbalancing:AddTags"], own, `${TF}/elbv2/target_group.go; Elastic Load Balancing User Guide, "Tag resources on creation"`, { requestTags: true, context: () => ({ "elasticloadbalancing:CreateAction": "CreateTargetGroup" }) }),
    ...row(TG, "create", ["elasticloadbalancing:ModifyTargetGroupAttributes"], own, `${TF}/elbv2/target_group.go (deregistration_delay)`),
    ...row(TG, "read", ["elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth"], any, `${TF}/elbv2/target_group.go (read)`),
    ...row(TG, "update", ["elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes"], own, `${TF}/elbv2/target_group.go (resourceTargetGroupUpdate)`),
    ...row(TG, "delete", ["elasticloadbalancing:DeleteTargetGroup"], own, `${TF}/elbv2/target_group.go (DeleteTargetGroup)`),
    ...row(LISTENER, "create", ["elasticloadbalancing:CreateListener"], lbOfListener, `${TF}/elbv2/listener.go (CreateListener; ${SAR}: authorized on the load balancer)`, { requestTags: true }),
    ...row(LISTENER, "create", ["elasticloadbalancing:AddTags"], own, `${TF}/elbv2/listener.go; Elastic Load Balancing User Guide, "Tag resources on creation"`, { requestTags: true, context: () => ({ "elasticloadbalancing:CreateAction": "CreateListener" }) }),
    ...row(LISTENER, "read", ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes"], any, `${TF}/elbv2/listener.go (read)`),
    ...row(LISTENER, "update", ["elasticloadbalancing:ModifyListener"], own, `${TF}/elbv2/listener.go (ModifyListener)`),
    ...row(LISTENER, "delete", ["elasticloadbalancing:DeleteListener"], own, `${TF}/elbv2/listener.go (DeleteListener)`),

    ...row(RULE, "create", ["elasticloadbalancing:CreateRule"], listenerOf, `${TF}/elbv2/listener_rule.go (CreateRule with Tags; ${SAR}: authorized on the listener)`, { requestTags: true }),
    ...row(RULE, "create", ["elasticloadbalancing:AddTags"], own, `${TF}/elbv2/listener_rule.go; Elastic Load Balancing User Guide, "Tag resources on creation"`, { requestTags: true, context: () => ({ "elasticloadbalancing:CreateAction": "CreateRule" }) }),
    ...row(RULE, "read", ["elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"], any, `${TF}/elbv2/listener_rule.go (read; ${SAR}: Describe* have no resource type)`),
    ...row(RULE, "update", ["elasticloadbalancing:ModifyRule", "elasticloadbalancing:RemoveTags"], own, `${TF}/elbv2/listener_rule.go (resourceListenerRuleUpdate: actions, conditions, tags)`),
    // The traffic-shift rules on a service's own ALB have constant priorities (components/fargate/trafficShift.ts,
    // OWN_RULE_PRIORITY), so the provider never moves them; only the shared ALB's rules change priority.
    ...row(RULE, "update", ["elasticloadbalancing:SetRulePriorities"], own, `${TF}/elbv2/listener_rule.go (resourceListenerRuleUpdate: priority, SetRulePriorities)`, { where: (r) => !/-(prod|test)-rule$/.test(r.name) }),
    ...row(RULE, "update", ["elasticloadbalancing:AddTags"], own, `${TF}/elbv2/listener_rule.go (tags)`, { requestTags: true }),
    ...row(RULE, "delete", ["elasticloadbalancing:DeleteRule"], own, `${TF}/elbv2/listener_rule.go (DeleteRule)`),
    ...row(LISTENER_CERT, "create", ["elasticloadbalancing:AddListenerCertificates"], listenerOf, `${TF}/elbv2/listener_certificate.go (AddListenerCertificates; ${SAR}: on the listener)`),
    ...row(LISTENER_CERT, "read", ["elasticloadbalancing:DescribeListenerCertificates"], any, `${TF}/elbv2/listener_certificate.go (read)`),
    ...row(LISTENER_CERT, "delete", ["elasticloadbalancing:RemoveListenerCertificates"], listenerOf, `${TF}/elbv2/listener_certificate.go (RemoveListenerCertificates)`),

    // ---- Deployment alarms and their topic (Fargate) ----
    ...row(ALARM, "create", ["cloudwatch:PutMetricAlarm"], own, `${TF}/cloudwatch/metric_alarm.go (PutMetricAlarm with Tags; Amazon CloudWatch User Guide, "Using condition keys to limit alarm actions")`, { requestTags: true, context: alarmActions }),
    ...row(ALARM, "create", ["cloudwatch:TagResource"], own, `${TF}/cloudwatch/metric_alarm.go; Amazon CloudWatch API Reference, PutMetricAlarm (Tags on create need cloudwatch:TagResource)`, { requestTags: true }),
    ...row(ALARM, "read", ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"], own, `${TF}/cloudwatch/metric_alarm.go (findMetricAlarmByName: DescribeAlarms; tags)`),
    // Update sends the tags again; AWS ignores them on an existing alarm.
    ...row(ALARM, "update", ["cloudwatch:PutMetricAlarm"], own, `${TF}/cloudwatch/metric_alarm.go (resourceMetricAlarmUpdate: PutMetricAlarm with Tags)`, { requestTags: true, context: alarmActions }),
    ...row(ALARM, "update", ["cloudwatch:UntagResource"], own, `${TF}/cloudwatch/metric_alarm.go (tags)`),
    ...row(ALARM, "update", ["cloudwatch:TagResource"], own, `${TF}/cloudwatch/metric_alarm.go (tags)`, { requestTags: true }),
    ...row(ALARM, "delete", ["cloudwatch:DeleteAlarms"], own, `${TF}/cloudwatch/metric_alarm.go (DeleteAlarms)`),
    ...row(TOPIC, "create", ["sns:CreateTopic", "sns:TagResource"], own, `${TF}/sns/topic.go (CreateTopic with Tags; Amazon SNS Developer Guide, "Tagging": tags on create need sns:TagResource)`, { requestTags: true }),
    // Create also sets each feedback sample-rate attribute, one SetTopicAttributes call each.
    ...row(TOPIC, "create", ["sns:SetTopicAttributes"], own, `${TF}/sns/topic.go (putTopicAttributes after CreateTopic)`),
    ...row(TOPIC, "read", ["sns:GetTopicAttributes", "sns:ListTagsForResource"], own, `${TF}/sns/topic.go (findTopicAttributesByARN; tags)`),
    ...row(TOPIC, "update", ["sns:SetTopicAttributes", "sns:UntagResource"], own, `${TF}/sns/topic.go (resourceTopicUpdate)`),
    ...row(TOPIC, "update", ["sns:TagResource"], own, `${TF}/sns/topic.go (tags)`, { requestTags: true }),
    ...row(TOPIC, "delete", ["sns:DeleteTopic"], own, `${TF}/sns/topic.go (DeleteTopic)`),
    ...row(SUBSCRIPTION, "create", ["sns:Subscribe"], topicOfSubscription, `${TF}/sns/topic_subscription.go (Subscribe; ${SAR}: sns:Protocol, sns:Endpoint)`, { context: (r) => ({ "sns:Protocol": String(r.inputs.protocol), "sns:Endpoint": String(r.inputs.endpoint) }) }),
    // Subscription calls are authorized on the subscription's topic (${SAR} for Amazon SNS: resource type topic).
    ...row(SUBSCRIPTION, "read", ["sns:GetSubscriptionAttributes"], topicOfSubscription, `${TF}/sns/topic_subscription.go (findSubscriptionAttributesByARN)`),
    ...row(SUBSCRIPTION, "delete", ["sns:Unsubscribe"], topicOfSubscription, `${TF}/sns/topic_subscription.go (Unsubscribe)`),

    // ---- Custom domains: certificate and DNS records (Fargate) ----
    ...row(CERT, "create", ["acm:RequestCertificate"], any, `${TF}/acm/certificate.go (RequestCertificate with Tags; ${SAR}: no resource type, acm:DomainNames, acm:ValidationMethod)`, { requestTags: true, context: (r) => ({ "acm:DomainNames": [String(r.inputs.domainName)], "acm:ValidationMethod": String(r.inputs.validationMethod) }) }),
    // The provider sends the tags with RequestCertificate; the role may also tag the new certificate,
    // in case ACM authorizes tag-on-request as AddTagsToCertificate the way ECR and SNS do.
    ...row(CERT, "create", ["acm:AddTagsToCertificate"], own, `${TF}/acm/certificate.go (RequestCertificate with Tags); AWS Certificate Manager User Guide, "Tagging AWS Certificate Manager resources"`, { requestTags: true }),
    ...row(CERT, "read", ["acm:DescribeCertificate", "acm:ListTagsForCertificate"], own, `${TF}/acm/certificate.go (findCertificateByARN: DescribeCertificate; tags)`),
    ...row(CERT, "update", ["acm:RemoveTagsFromCertificate"], own, `${TF}/acm/certificate.go (tags)`),
    ...row(CERT, "update", ["acm:AddTagsToCertificate"], own, `${TF}/acm/certificate.go (tags)`, { requestTags: true }),
    ...row(CERT, "delete", ["acm:DeleteCertificate"], own, `${TF}/acm/certificate.go (DeleteCertificate, retried while a listener still uses it)`),
    ...row(CERT_VALIDATION, "create", ["acm:DescribeCertificate"], certOfValidation, `${TF}/acm/certificate_validation.go (waitCertificateIssued)`),
    ...row(CERT_VALIDATION, "read", ["acm:DescribeCertificate"], certOfValidation, `${TF}/acm/certificate_validation.go (read)`),
    ...row(RECORD, "create", ["route53:ChangeResourceRecordSets"], zoneOf, `${TF}/route53/record.go (ChangeResourceRecordSets, UPSERT with allow_overwrite; Route 53 Developer Guide, IAM policy conditions for record changes)`, { context: recordChange("UPSERT") }),
    ...row(RECORD, "create", ["route53:GetChange"], dnsChangeArn, `${TF}/route53/record.go (waitChangeInsync: GetChange)`),
    ...row(RECORD, "create", ["route53:GetHostedZone"], zoneOf, `${TF}/route53/record.go (findHostedZoneByID: the zone's name)`),
    ...row(RECORD, "read", ["route53:GetHostedZone", "route53:ListResourceRecordSets"], zoneOf, `${TF}/route53/record.go (resourceRecordRead: the zone, then findResourceRecordSetByFourPartKey)`),
    ...row(RECORD, "update", ["route53:ChangeResourceRecordSets"], zoneOf, `${TF}/route53/record.go (resourceRecordUpdate)`, { context: recordChange("UPSERT") }),
    ...row(RECORD, "delete", ["route53:GetHostedZone", "route53:ListResourceRecordSets"], zoneOf, `${TF}/route53/record.go (resourceRecordDelete reads the record set it deletes)`),
    ...row(RECORD, "delete", ["route53:ChangeResourceRecordSets"], zoneOf, `${TF}/route53/record.go (resourceRecordDelete)`, { context: recordChange("DELETE") }),
    ...row(RECORD, "delete", ["route53:GetChange"], dnsChangeArn, `${TF}/route53/record.go (waitChangeInsync)`),
    // The zone lookup (components/frontDoor/customDomain.ts zoneIdOf) runs in preview too.
    ...row("lookup-zone", "read", ["route53:ListHostedZones"], any, `${TF}/route53/zone_data_source.go (lookup by name lists every zone and filters: ListHostedZones; ${SAR}: no resource type)`),
    ...row("lookup-zone", "read", ["route53:GetHostedZone", "route53:ListTagsForResource"], zoneOf, `${TF}/route53/zone_data_source.go (GetHostedZone; tags)`),

    // ---- Security groups and rules (Fargate) ----
    ...row(SG, "create", ["ec2:CreateSecurityGroup"], (r, s) => [`arn:${s.partition}:ec2:${s.region}:${s.accountId}:vpc/${r.inputs.vpcId}`], `${TF}/ec2/vpc_security_group.go (CreateSecurityGroup; ${SAR}: vpc resource)`),
    ...row(SG, "create", ["ec2:CreateSecurityGroup"], own, `${TF}/ec2/vpc_security_group.go (CreateSecurityGroup with TagSpecifications)`, { requestTags: true }),
    ...row(SG, "create", ["ec2:CreateTags"], own, `${TF}/ec2/vpc_security_group.go; Amazon EC2 User Guide, "Grant permission to tag resources during creation" (ec2:CreateAction)`, { requestTags: true, context: () => ({ "ec2:CreateAction": "CreateSecurityGroup" }) }),
    ...row(SG, "create", ["ec2:RevokeSecurityGroupEgress"], own, `${TF}/ec2/vpc_security_group.go (revokes AWS's default allow-all egress)`),
    ...row(SG, "read", ["ec2:DescribeSecurityGroups"], any, `${TF}/ec2/vpc_security_group.go (read)`),
    ...row(SG, "update", ["ec2:DeleteTags"], own, `${TF}/ec2/tags.go (updateTags)`),
    ...row(SG, "update", ["ec2:CreateTags"], own, `${TF}/ec2/tags.go (updateTags)`, { requestTags: true }),
    ...row(SG, "delete", ["ec2:DescribeNetworkInterfaces"], any, `${TF}/ec2/vpc_security_group.go (waits for ENIs to detach)`),
    ...row(SG, "delete", ["ec2:DeleteSecurityGroup"], own, `${TF}/ec2/vpc_security_group.go (DeleteSecurityGroup)`),
    ...row(INGRESS, "create", ["ec2:AuthorizeSecurityGroupIngress"], sgOf, `${TF}/ec2/vpc_security_group_ingress_rule.go (AuthorizeSecurityGroupIngress; ${SAR}: security group)`),
    ...row(INGRESS, "create", ["ec2:AuthorizeSecurityGroupIngress"], secGroupRuleArn, `${TF}/ec2/vpc_security_group_ingress_rule.go (TagSpecifications on the rule)`, { requestTags: true }),
    ...row(INGRESS, "create", ["ec2:CreateTags"], secGroupRuleArn, `${TF}/ec2/vpc_security_group_ingress_rule.go; Amazon EC2 User Guide, tag on create`, { requestTags: true, context: () => ({ "ec2:CreateAction": "AuthorizeSecurityGroupIngress" }) }),
    ...row(INGRESS, "read", ["ec2:DescribeSecurityGroupRules"], any, `${TF}/ec2/vpc_security_group_rule.go (read)`),
    ...row(INGRESS, "delete", ["ec2:RevokeSecurityGroupIngress"], sgOf, `${TF}/ec2/vpc_security_group_ingress_rule.go (RevokeSecurityGroupIngress)`),
    ...row(EGRESS, "create", ["ec2:AuthorizeSecurityGroupEgress"], sgOf, `${TF}/ec2/vpc_security_group_egress_rule.go (AuthorizeSecurityGroupEgress)`),
    ...row(EGRESS, "create", ["ec2:AuthorizeSecurityGroupEgress"], secGroupRuleArn, `${TF}/ec2/vpc_security_group_egress_rule.go (TagSpecifications on the rule)`, { requestTags: true }),
    ...row(EGRESS, "create", ["ec2:CreateTags"], secGroupRuleArn, `${TF}/ec2/vpc_security_group_egress_rule.go; Amazon EC2 User Guide, tag on create`, { requestTags: true, context: () => ({ "ec2:CreateAction": "AuthorizeSecurityGroupEgress" }) }),
    ...row(EGRESS, "delete", ["ec2:RevokeSecurityGroupEgress"], sgOf, `${TF}/ec2/vpc_security_group_egress_rule.go (RevokeSecurityGroupEgress)`),

    // ---- Autoscaling (Fargate) ----
    ...row(TARGET, "create", ["application-autoscaling:RegisterScalableTarget"], own, `${TF}/appautoscaling/target.go (RegisterScalableTarget with Tags)`, { requestTags: true, context: () => ({ "application-autoscaling:service-namespace": "ecs" }) }),
    ...row(TARGET, "create", ["application-autoscaling:TagResource"], own, `${TF}/appautoscaling/target.go; Application Auto Scaling User Guide, "Tagging support" (tag on register needs TagResource)`, { requestTags: true }),
    ...row(TARGET, "read", ["application-autoscaling:DescribeScalableTargets"], any, `${TF}/appautoscaling/target.go (read)`),
    ...row(TARGET, "read", ["application-autoscaling:ListTagsForResource"], own, `${TF}/appautoscaling/target.go (tags)`),
    ...row(TARGET, "update", ["application-autoscaling:RegisterScalableTarget"], own, `${TF}/appautoscaling/target.go (update re-registers)`, { context: () => ({ "application-autoscaling:service-namespace": "ecs" }) }),
    ...row(TARGET, "update", ["application-autoscaling:UntagResource"], own, `${TF}/appautoscaling/target.go (tags)`),
    ...row(TARGET, "update", ["application-autoscaling:TagResource"], own, `${TF}/appautoscaling/target.go (tags)`, { requestTags: true }),
    ...row(TARGET, "delete", ["application-autoscaling:DeregisterScalableTarget"], own, `${TF}/appautoscaling/target.go (DeregisterScalableTarget)`, { context: () => ({ "application-autoscaling:service-namespace": "ecs" }) }),
    ...row(POLICY, "create", ["application-autoscaling:PutScalingPolicy"], scalableTargetOf, `${TF}/appautoscaling/policy.go (PutScalingPolicy; ${SAR}: on the scalable target)`, { context: () => ({ "application-autoscaling:service-namespace": "ecs" }) }),
    ...row(POLICY, "create", ["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms"], alarmsOf, `Application Auto Scaling User Guide, "Permissions required to call Application Auto Scaling API actions" (target tracking alarms)`),
    ...row(POLICY, "read", ["application-autoscaling:DescribeScalingPolicies"], any, `${TF}/appautoscaling/policy.go (read)`),
    ...row(POLICY, "delete", ["application-autoscaling:DeleteScalingPolicy"], scalableTargetOf, `${TF}/appautoscaling/policy.go (DeleteScalingPolicy)`, { context: () => ({ "application-autoscaling:service-namespace": "ecs" }) }),
    ...row(POLICY, "delete", ["cloudwatch:DeleteAlarms"], alarmsOf, `Application Auto Scaling User Guide, "Permissions required to call Application Auto Scaling API actions"`),

    // ---- Release tasks (components/release/releaseRunner.ts), run by the deploy role on create and on update ----
    ...(["create", "update"] as const).flatMap((phase) => [
        ...row(RELEASE, phase, ["ecs:RunTask"], (r) => [String(r.inputs.taskDefinitionArn)], `components/release/releaseRunner.ts runRelease; Amazon ECS API Reference, RunTask; ${SAR}: task-definition resource, ecs:cluster`, { context: (r, s) => ({ "ecs:cluster": clusterArnOf(r, s) }) }),
        ...(["executionRoleArn", "taskRoleArn"] as const).map((key) => ({
            type: RELEASE, phase, action: "iam:PassRole",
            where: (r: PlannedResource) => r.inputs.taskDefinitionArn !== undefined,
            arns: (r: PlannedResource, s: CallScope) => { const td = byArn(s, String(r.inputs.taskDefinitionArn)); return td?.inputs[key] ? [String(td.inputs[key])] : []; },
            context: () => ({ "iam:PassedToService": "ecs-tasks.amazonaws.com" }),
            source: "components/release/releaseRunner.ts runRelease; Amazon ECS API Reference, RunTask, and Amazon ECS Developer Guide, \"Task execution IAM role\" and \"Task IAM role\" (starting a task passes its task definition's roles)",
        })),
        ...row(RELEASE, phase, ["ecs:DescribeTasks", "ecs:StopTask"], (r, s) => [releaseTaskArn(r, s)], `components/release/releaseRunner.ts runRelease (wait; StopTask on timeout); ${SAR}: task resource`),
        ...row(RELEASE, phase, ["logs:GetLogEvents"], (r, s) => [`arn:${s.partition}:logs:${s.region}:${s.accountId}:log-group:${r.inputs.logGroup}:log-stream:${r.inputs.logStreamPrefix}/${r.inputs.containerName}/0f1e2d3c4b5a69788796a5b4c3d2e1f0`], `components/release/releaseRunner.ts readLogTail; Amazon CloudWatch Logs API Reference, GetLogEvents; ${SAR}: log-stream resource`),
    ]),

    // ---- Lookups the program makes (network.ts, the default VPC) ----
    ...row("lookup", "read", ["ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeAvailabilityZones"], any, `${TF}/ec2/vpc_data_source.go, vpc_subnets_data_source.go, vpc_subnet_data_source.go (route table of each subnet)`),

    // ---- The verify gate (tools/verify/verifyGate.ts) ----
    ...row("verify", "verify", ["ecs:ListServiceDeployments"], (r) => [ecsServiceArn(r)], "tools/verify/verifyGate.ts checkRollout; Amazon ECS API Reference, ListServiceDeployments"),
    ...row("verify", "verify", ["ecs:DescribeServiceDeployments"], (r) => [ecsServiceArn(r), deploymentArn(ecsServiceArn(r))], `tools/verify/verifyGate.ts checkRollout; ${SAR}: service and service-deployment both required`),
    ...row("verify-express", "verify", ["ecs:DescribeExpressGatewayService"], (r) => [ecsServiceArn(r)], "tools/verify/verifyGate.ts checkExpressStatus; Amazon ECS API Reference, DescribeExpressGatewayService"),
];

/** Which planned resources a row applies to: its type, or the pseudo types. */
export function resourcesFor(call: ProviderCall, resources: PlannedResource[]): PlannedResource[] {
    const pick = (type: string) => resources.filter((r) => r.type === type);
    const targets = call.type === "lookup" ? [resources[0]]
        : call.type === "verify" ? [...pick(SERVICE), ...pick(EXPRESS)]
        : call.type === "verify-express" ? pick(EXPRESS)
        // One lookup per domain: its alias record names the zone the lookup found.
        : call.type === "lookup-zone" ? pick(RECORD).filter((r) => r.inputs.aliases)
        : pick(call.type);
    return targets.filter((r) => r !== undefined && (call.where ? call.where(r) : true));
}

