// What a second `pulumi up` would do to each resource, given what the first one recorded:
// create, delete, update in place, or replace, and whether that would break (a replacement
// reusing a fixed physical name, an update the provider refuses). The rules are the
// providers' own, one entry per resource type ecs-ship creates, each with its source.
import { RecordedResource } from "./mockCloud";

export interface ReplaceRule {
    /** Inputs whose change makes the provider replace the resource (ForceNew / RequiresReplace). */
    replaceOn: string[] | { allExcept: string[] };
    /** Input holding a physical name the program fixes; a replacement that keeps it collides. */
    nameInput?: string;
    /** The name can be taken again as soon as the old resource is deleted (with deleteBeforeReplace). */
    nameFreeAfterDelete?: boolean;
    /** An input the provider refuses to change on an existing resource unless `unless` holds. */
    refuses?: { input: string; unless: (inputs: Record<string, any>) => boolean; why: string };
    /**
     * What the resource holds in AWS by value rather than by its own name (a DNS record set: zone,
     * name and type). A created resource that claims what a deleted one holds loses it when the old
     * one is deleted at the end of the update.
     */
    claims?: (inputs: Record<string, any>) => string | undefined;
    /** Provider source of the rule. */
    source: string;
}

const TF = "Terraform AWS provider, internal/service/";

/** Replacement rules for every resource type in the dev and prod plans. */
export const REPLACE_RULES: Record<string, ReplaceRule> = {
    "pulumi:providers:aws": { replaceOn: [], source: "Pulumi AWS provider: region and default tags change in place for the provider resource" },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { replaceOn: ["url"], nameInput: "url", nameFreeAfterDelete: true, source: `${TF}iam/openid_connect_provider.go (url ForceNew)` },
    "aws:iam/role:Role": { replaceOn: ["name", "namePrefix", "path"], nameInput: "name", nameFreeAfterDelete: true, source: `${TF}iam/role.go (name, name_prefix, path ForceNew)` },
    "aws:iam/policy:Policy": { replaceOn: ["name", "namePrefix", "path", "description"], nameInput: "name", nameFreeAfterDelete: true, source: `${TF}iam/policy.go (name, name_prefix, path, description ForceNew)` },
    "aws:iam/rolePolicy:RolePolicy": { replaceOn: ["name", "namePrefix", "role"], source: `${TF}iam/role_policy.go (name, name_prefix, role ForceNew)` },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { replaceOn: ["role", "policyArn"], source: `${TF}iam/role_policy_attachment.go (role, policy_arn ForceNew)` },
    "aws:ecr/repository:Repository": { replaceOn: ["name", "encryptionConfigurations"], nameInput: "name", nameFreeAfterDelete: true, source: `${TF}ecr/repository.go (name, encryption_configuration ForceNew)` },
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": { replaceOn: ["repository"], source: `${TF}ecr/lifecycle_policy.go (repository ForceNew)` },
    "aws:ecr/repositoryPolicy:RepositoryPolicy": { replaceOn: ["repository"], source: `${TF}ecr/repository_policy.go (repository ForceNew; policy updated in place by SetRepositoryPolicy)` },
    "docker:index/image:Image": { replaceOn: [], source: "pulumi/pulumi-docker provider/provider.go: Diff reports any input change, Update builds and pushes again" },
    "aws:cloudwatch/logGroup:LogGroup": { replaceOn: ["name", "namePrefix", "logGroupClass"], nameInput: "name", nameFreeAfterDelete: true, source: `${TF}logs/group.go (name, name_prefix, log_group_class ForceNew)` },
    "aws:ecs/cluster:Cluster": { replaceOn: ["name"], nameInput: "name", nameFreeAfterDelete: true, source: `${TF}ecs/cluster.go (name ForceNew)` },
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": { replaceOn: ["clusterName"], source: `${TF}ecs/cluster_capacity_providers.go (cluster_name ForceNew)` },
    "aws:ecs/taskDefinition:TaskDefinition": {
        // A task definition revision is immutable: every argument but these forces a new revision.
        replaceOn: { allExcept: ["tags", "skipDestroy", "trackLatest"] },
        source: `${TF}ecs/task_definition.go (every argument ForceNew except tags, skip_destroy, track_latest)`,
    },
    "aws:ecs/service:Service": {
        replaceOn: ["name", "cluster", "launchType", "iamRole", "schedulingStrategy"],
        nameInput: "name",
        refuses: {
            input: "capacityProviderStrategies",
            unless: (inputs) => inputs.forceNewDeployment === true,
            why: "force_new_deployment should be true when capacity_provider_strategy is being updated",
        },
        source: `${TF}ecs/service.go (name, cluster, launch_type, iam_role, scheduling_strategy ForceNew; capacityProviderStrategyCustomizeDiff)`,
    },
    "aws:ecs/expressGatewayService:ExpressGatewayService": {
        replaceOn: ["infrastructureRoleArn", "serviceName"],
        nameInput: "serviceName",
        // Create refuses a name DescribeServices still finds, DRAINING and INACTIVE included.
        nameFreeAfterDelete: false,
        source: `${TF}ecs/express_gateway_service.go (infrastructure_role_arn RequiresReplace, service_name RequiresReplaceIfConfigured; checkExpressGatewayServiceExists)`,
    },
    "aws:scheduler/schedule:Schedule": { replaceOn: ["name", "namePrefix", "groupName"], nameInput: "name", nameFreeAfterDelete: true, source: `${TF}scheduler/schedule.go (name, name_prefix, group_name ForceNew)` },
    "pulumi-nodejs:dynamic:DrainBarrier": { replaceOn: ["region", "cluster", "serviceName"], source: "components/service/drainBarrier.ts (the provider's diff)" },
    // Never replaced: any change is an update, which runs the release again only when a run key changed.
    "pulumi-nodejs:dynamic:ReleaseTask": { replaceOn: [], source: "components/release/releaseTask.ts (the provider's diff: replaces nothing; RELEASE_RUN_KEYS decide whether the update runs)" },
    "aws:lb/loadBalancer:LoadBalancer": { replaceOn: ["name", "namePrefix", "internal", "loadBalancerType"], nameInput: "name", nameFreeAfterDelete: true, source: `${TF}elbv2/load_balancer.go (name, name_prefix, internal, load_balancer_type ForceNew)` },
    "aws:lb/targetGroup:TargetGroup": { replaceOn: ["name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId"], nameInput: "name", nameFreeAfterDelete: true, source: `${TF}elbv2/target_group.go (name, name_prefix, port, protocol, protocol_version, target_type, vpc_id ForceNew)` },
    "aws:lb/listener:Listener": { replaceOn: ["loadBalancerArn"], source: `${TF}elbv2/listener.go (load_balancer_arn ForceNew)` },
    "aws:lb/listenerRule:ListenerRule": { replaceOn: ["listenerArn"], source: `${TF}elbv2/listener_rule.go (listener_arn ForceNew; priority updated in place)` },
    "aws:lb/listenerCertificate:ListenerCertificate": { replaceOn: ["listenerArn", "certificateArn"], source: `${TF}elbv2/listener_certificate.go (listener_arn, certificate_arn ForceNew)` },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { replaceOn: ["name"], source: `${TF}cloudwatch/metric_alarm.go (alarm_name ForceNew)` },
    "aws:sns/topic:Topic": { replaceOn: ["name", "namePrefix", "fifoTopic"], source: `${TF}sns/topic.go (name, name_prefix, fifo_topic ForceNew)` },
    "aws:sns/topicSubscription:TopicSubscription": { replaceOn: ["topic", "protocol", "endpoint"], source: `${TF}sns/topic_subscription.go (topic_arn, protocol, endpoint ForceNew)` },
    "aws:acm/certificate:Certificate": { replaceOn: ["domainName", "subjectAlternativeNames", "validationMethod"], source: `${TF}acm/certificate.go (domain_name, subject_alternative_names, validation_method ForceNew)` },
    "aws:acm/certificateValidation:CertificateValidation": { replaceOn: ["certificateArn", "validationRecordFqdns"], source: `${TF}acm/certificate_validation.go (certificate_arn, validation_record_fqdns ForceNew)` },
    "aws:route53/record:Record": {
        replaceOn: ["zoneId", "name", "type"],
        claims: (i) => `${i.zoneId} ${String(i.name).toLowerCase().replace(/\.$/, "")} ${i.type}`,
        source: `${TF}route53/record.go (zone_id ForceNew; name and type changes recreate the record set; resourceRecordDelete finds the live record set by zone, name and type and deletes it)`,
    },
    "aws:ec2/securityGroup:SecurityGroup": { replaceOn: ["name", "namePrefix", "description", "vpcId"], nameInput: "name", nameFreeAfterDelete: true, source: `${TF}ec2/vpc_security_group.go (name, name_prefix, description, vpc_id ForceNew)` },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { replaceOn: ["securityGroupId"], source: `${TF}ec2/vpc_security_group_ingress_rule.go (security_group_id RequiresReplace)` },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { replaceOn: ["securityGroupId"], source: `${TF}ec2/vpc_security_group_egress_rule.go (security_group_id RequiresReplace)` },
    "aws:appautoscaling/target:Target": { replaceOn: ["resourceId", "scalableDimension", "serviceNamespace"], source: `${TF}appautoscaling/target.go (resource_id, scalable_dimension, service_namespace ForceNew)` },
    "aws:appautoscaling/policy:Policy": { replaceOn: ["name", "resourceId", "scalableDimension", "serviceNamespace"], source: `${TF}appautoscaling/policy.go (name, resource_id, scalable_dimension, service_namespace ForceNew)` },
};

export type Action = "create" | "delete" | "update" | "replace";

export interface ResourceChange {
    type: string;
    name: string;
    action: Action;
    /** Top-level inputs that differ (update and replace). */
    changed: string[];
    /** Those of them that force the replacement. */
    replaceBecause: string[];
    /** Why this step would fail in AWS, when it would. */
    problem?: string;
}

/** Top-level input names whose values differ, reading ignored inputs from the first run, as the engine does. */
export function changedInputs(before: RecordedResource, after: RecordedResource): string[] {
    const next = structuredClone(after.inputs);
    for (const p of after.ignoreChanges ?? []) copyPath(before.inputs, next, pathSegments(p));
    const keys = new Set([...Object.keys(before.inputs), ...Object.keys(next)]);
    return [...keys].filter((k) => JSON.stringify(before.inputs[k]) !== JSON.stringify(next[k])).sort();
}

/** `a.b[0].c` -> ["a", "b", 0, "c"] (Pulumi's property path syntax, without quoting). */
function pathSegments(path: string): (string | number)[] {
    return path.split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== "").map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

/** Sets `to` at `path` to the value `from` has there (removing it when `from` has none). */
function copyPath(from: any, to: any, path: (string | number)[]): void {
    const [head, ...rest] = path;
    if (to === null || typeof to !== "object") return;
    if (!rest.length) {
        if (from !== null && typeof from === "object" && head in from) to[head] = structuredClone(from[head]);
        else delete to[head];
        return;
    }
    copyPath(from?.[head], to[head], rest);
}

function ruleFor(type: string): ReplaceRule {
    const rule = REPLACE_RULES[type];
    if (!rule) throw new Error(`no replacement rule for ${type}: add it to REPLACE_RULES (tools/planner/replacements.ts) with its provider source`);
    return rule;
}

function forcing(rule: ReplaceRule, changed: string[]): string[] {
    const r = rule.replaceOn;
    return Array.isArray(r) ? changed.filter((k) => r.includes(k)) : changed.filter((k) => !r.allExcept.includes(k));
}

function fixedName(r: RecordedResource): string | undefined {
    const input = ruleFor(r.type).nameInput;
    const v = input ? r.inputs[input] : undefined;
    return typeof v === "string" ? v : undefined;
}

/**
 * Every custom resource the second run would create, delete, update or replace, compared with
 * the first, keyed by URN as the engine keys them. Problems are reported, not thrown.
 */
export function compareRuns(before: RecordedResource[], after: RecordedResource[]): ResourceChange[] {
    const custom = (rs: RecordedResource[]) => new Map(rs.filter((r) => r.custom).map((r) => [r.urn, r]));
    const old = custom(before);
    const next = custom(after);
    const changes: ResourceChange[] = [];
    // Names the old resources hold until the end of the update (Pulumi deletes last).
    const deleted = [...old.values()].filter((r) => !next.has(r.urn));
    for (const r of next.values()) {
        const rule = ruleFor(r.type);
        const prev = old.get(r.urn);
        if (!prev) {
            const name = fixedName(r);
            const holder = name === undefined ? undefined : deleted.find((d) => d.type === r.type && fixedName(d) === name);
            const claim = rule.claims?.(r.inputs);
            const claimant = claim === undefined ? undefined : deleted.find((d) => d.type === r.type && rule.claims!(d.inputs) === claim);
            const problem = holder ? `created while ${holder.name} still holds the name "${name}" (it is deleted only after every create)`
                : claimant ? `created while ${claimant.name} still holds "${claim}"; deleting ${claimant.name} at the end of the update removes what this one wrote (${rule.source})`
                : undefined;
            changes.push({ type: r.type, name: r.name, action: "create", changed: [], replaceBecause: [], ...(problem ? { problem } : {}) });
            continue;
        }
        const changed = changedInputs(prev, r);
        if (!changed.length) continue;
        const replaceBecause = forcing(rule, changed);
        const action: Action = replaceBecause.length ? "replace" : "update";
        let problem: string | undefined;
        const name = fixedName(r);
        if (action === "replace" && name !== undefined && name === fixedName(prev) && !(r.deleteBeforeReplace && rule.nameFreeAfterDelete)) {
            problem = `replacement reuses the fixed name "${name}" (${rule.source})`;
        }
        if (action === "update" && rule.refuses && changed.includes(rule.refuses.input) && !rule.refuses.unless(r.inputs)) {
            problem = `the provider refuses this update: ${rule.refuses.why} (${rule.source})`;
        }
        changes.push({ type: r.type, name: r.name, action, changed, replaceBecause, ...(problem ? { problem } : {}) });
    }
    for (const r of deleted) {
        ruleFor(r.type);
        changes.push({ type: r.type, name: r.name, action: "delete", changed: [], replaceBecause: [] });
    }
    return changes;
}
