// What every family of the provider-call table shares: the row shapes, the ARN builders that read a
// planned resource's state, the resource type tokens, and the row helpers.

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

export const any = () => ["*"];
export const own = (r: PlannedResource) => [String(r.state.arn)];
export const roleArn = (s: CallScope, name: string) => `arn:${s.partition}:iam::${s.accountId}:role/${name}`;
export const logGroupArn = (r: PlannedResource) => [String(r.state.arn)];
export const byName = (s: CallScope, type: string, name: string) => s.resources.find((x) => x.type === type && (x.state.name === name || x.name === name));
export const byArn = (s: CallScope, arn: string) => s.resources.find((x) => x.state.arn === arn || x.state.serviceArn === arn);
/** A service deployment ARN as ECS writes it: service-deployment/<cluster>/<service>/<id>. */
export const deploymentArn = (service: string, kind = "service-deployment") => service.replace(":service/", `:${kind}/`) + "/0a1b2c3d4e5f60718";
export const ecsServiceArn = (r: PlannedResource) => String(r.state.arn ?? r.state.serviceArn);
/** The release's cluster as an ARN (Express passes its name), and a task ARN in it. */
export const clusterArnOf = (r: PlannedResource, s: CallScope) => (String(r.inputs.cluster).startsWith("arn:") ? String(r.inputs.cluster) : `arn:${s.partition}:ecs:${s.region}:${s.accountId}:cluster/${r.inputs.cluster}`);
export const releaseTaskArn = (r: PlannedResource, s: CallScope) => `arn:${s.partition}:ecs:${s.region}:${s.accountId}:task/${clusterArnOf(r, s).split("/").pop()}/0f1e2d3c4b5a69788796a5b4c3d2e1f0`;
/**
 * The boundary IAM sees in iam:PermissionsBoundary for a call on a role: the one the planned role carries (a role,
 * or the role a policy or attachment names). Source: IAM User Guide, "Condition keys for IAM" (iam:PermissionsBoundary).
 */
export const boundaryOfRole = (r: PlannedResource, s: CallScope): string => {
    const role = r.type === "aws:iam/role:Role" ? r : byName(s, "aws:iam/role:Role", String(r.inputs.role));
    if (!role?.inputs.permissionsBoundary) throw new Error(`iamCalls: no planned boundary for the role of ${r.type} ${r.name}`);
    return String(role.inputs.permissionsBoundary);
};
/** The trust's own resources: an administrator applies them (docs/security-model.md). */
export const isTrust = (r: PlannedResource) => /-github(-|$)/.test(r.name);
export const notTrust = (r: PlannedResource) => !isTrust(r);
export const roleOfPolicy = (r: PlannedResource, s: CallScope) => [roleArn(s, String(r.inputs.role))];

export const TF = "Terraform AWS provider, internal/service";
/** The role of a service's `loadBalancers[].advancedConfiguration`, when it shifts traffic. */
export const shiftRoleOf = (r: PlannedResource): unknown => (r.inputs.loadBalancers as { advancedConfiguration?: { roleArn?: unknown } }[] | undefined)?.[0]?.advancedConfiguration?.roleArn;
export const SAR = "Service Authorization Reference";

export function passRoleRows(type: string, keys: ("executionRoleArn" | "taskRoleArn" | "infrastructureRoleArn")[], source: string): ProviderCall[] {
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

export const ROLE = "aws:iam/role:Role";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const REPO = "aws:ecr/repository:Repository";
export const LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
export const REPO_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy";
export const IMAGE = "docker:index/image:Image";
export const LOGS = "aws:cloudwatch/logGroup:LogGroup";
export const CLUSTER = "aws:ecs/cluster:Cluster";
export const CAPACITY = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders";
export const TASKDEF = "aws:ecs/taskDefinition:TaskDefinition";
export const SERVICE = "aws:ecs/service:Service";
export const EXPRESS = "aws:ecs/expressGatewayService:ExpressGatewayService";
export const LB = "aws:lb/loadBalancer:LoadBalancer";
export const TG = "aws:lb/targetGroup:TargetGroup";
export const LISTENER = "aws:lb/listener:Listener";
export const SG = "aws:ec2/securityGroup:SecurityGroup";
export const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
export const RULE = "aws:lb/listenerRule:ListenerRule";
export const LISTENER_CERT = "aws:lb/listenerCertificate:ListenerCertificate";
export const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const TOPIC = "aws:sns/topic:Topic";
export const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
export const CERT = "aws:acm/certificate:Certificate";
export const CERT_VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
export const RECORD = "aws:route53/record:Record";
export const TARGET = "aws:appautoscaling/target:Target";
export const POLICY = "aws:appautoscaling/policy:Policy";
export const RELEASE = "pulumi-nodejs:dynamic:ReleaseTask";
export const SCHEDULE = "aws:scheduler/schedule:Schedule";

export const row = (type: string, phase: Phase, actions: string[], arns: ProviderCall["arns"], source: string, extra: Partial<ProviderCall> = {}): ProviderCall[] =>
    actions.map((action) => ({ type, phase, action, arns, source, ...extra }));

export const serviceRole = { where: notTrust };
export const bounded = (extra: Record<string, string> = {}) => ({ where: notTrust, context: (r: PlannedResource, s: CallScope) => ({ "iam:PermissionsBoundary": boundaryOfRole(r, s), ...extra }) });
export const sgOf = (r: PlannedResource, s: CallScope) => [String(byArn(s, `arn:${s.partition}:ec2:${s.region}:${s.accountId}:security-group/${r.inputs.securityGroupId}`)?.state.arn ?? `arn:${s.partition}:ec2:${s.region}:${s.accountId}:security-group/${r.inputs.securityGroupId}`)];
export const scalableTargetOf = (r: PlannedResource, s: CallScope) => [String(s.resources.find((x) => x.type === TARGET && x.state.resourceId === r.inputs.resourceId)!.state.arn)];
/** Target tracking's alarms: TargetTracking-<resourceId>-AlarmHigh-<uuid> (Application Auto Scaling User Guide). */
export const alarmsOf = (r: PlannedResource, s: CallScope) => [`arn:${s.partition}:cloudwatch:${s.region}:${s.accountId}:alarm:TargetTracking-${r.inputs.resourceId}-AlarmHigh-0a1b2c3d`, `arn:${s.partition}:cloudwatch:${s.region}:${s.accountId}:alarm:TargetTracking-${r.inputs.resourceId}-AlarmLow-0a1b2c3d`];
export const lbOfListener = (r: PlannedResource) => [String(r.inputs.loadBalancerArn)];
export const secGroupRuleArn = (r: PlannedResource) => [String(r.state.arn)];
export const listenerOf = (r: PlannedResource) => [String(r.inputs.listenerArn)];
/** Every action an alarm takes, as cloudwatch:AlarmActions sees them (none: the key is absent). */
export const alarmActions = (r: PlannedResource): Record<string, string[]> => {
    const all = [...(r.inputs.alarmActions ?? []), ...(r.inputs.okActions ?? []), ...(r.inputs.insufficientDataActions ?? [])].map(String);
    return all.length > 0 ? { "cloudwatch:AlarmActions": all } : {};
};
export const topicOfSubscription = (r: PlannedResource) => [String(r.inputs.topic)];
export const certOfValidation = (r: PlannedResource) => [String(r.inputs.certificateArn)];
export const zoneArn = (s: CallScope, zoneId: string) => `arn:${s.partition}:route53:::hostedzone/${zoneId}`;
export const zoneOf = (r: PlannedResource, s: CallScope) => [zoneArn(s, String(r.inputs.zoneId))];
export const dnsChangeArn = (_r: PlannedResource, s: CallScope) => [`arn:${s.partition}:route53:::change/C0A1B2C3D4E5F6`];
/** What Route 53 sees of a record change: the normalized name (lower case, no trailing dot), type and action. */
export const recordChange = (action: "UPSERT" | "DELETE") => (r: PlannedResource) => ({
    "route53:ChangeResourceRecordSetsNormalizedRecordNames": [String(r.inputs.name).toLowerCase().replace(/\.$/, "")],
    "route53:ChangeResourceRecordSetsRecordTypes": [String(r.inputs.type)],
    "route53:ChangeResourceRecordSetsActions": [action],
});
