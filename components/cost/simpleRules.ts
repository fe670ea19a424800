// Pricing rules for resources billed on their own, one resource at a time: logs, registry,
// alarms, DNS, keys, secrets, addresses. `itemsFor` returns undefined for a type it does not
// know, so the estimate can list it as not priced instead of pricing it at zero in silence.
import { Category, Figures, LineItem, PlanResource, Pricer, constant, figures } from "./estimate";
import { scheduleItems } from "./jobRules";

/** Types that cost nothing by themselves, or that other rules price (load balancers, NAT, clusters, services). */
const PRICED_ELSEWHERE_OR_FREE = new Set([
    "pulumi:providers:aws",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws:iam/role:Role", "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecr/repositoryPolicy:RepositoryPolicy", "docker:index/image:Image",
    "aws:ecs/cluster:Cluster", "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "aws:ecs/taskDefinition:TaskDefinition",
    "aws:ec2/securityGroup:SecurityGroup", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule", "aws:lb/loadBalancer:LoadBalancer",
    "aws:appautoscaling/target:Target", "aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation",
    "aws:route53/record:Record", "aws:kms/alias:Alias", "aws:secretsmanager/secretVersion:SecretVersion",
    "awsx:ec2:Vpc", "aws:ec2/natGateway:NatGateway",
    "aws:ecs/service:Service", "aws:ecs/expressGatewayService:ExpressGatewayService",
    // Extra certificates on a listener are free; SNS bills beyond a free tier of notifications.
    "aws:lb/listenerCertificate:ListenerCertificate", "aws:sns/topic:Topic", "aws:sns/topicSubscription:TopicSubscription",
]);

function line(p: Pricer, r: PlanResource, category: Category, item: string, unit: string, quantity: Figures, priceKey: string, explain: string): LineItem {
    const rate = p.rate(priceKey);
    return { resource: r.name, category, item, unit, quantity, rate, priceKey, cost: figures((s) => quantity[s] * rate), explain };
}

/** Line items of one resource; [] when it is free or priced by another rule; undefined when unknown. */
export function itemsFor(r: PlanResource, group: PlanResource[], p: Pricer): LineItem[] | undefined {
    const i = r.inputs;
    const a = p.a;
    switch (r.type) {
        case "aws:cloudwatch/logGroup:LogGroup": {
            // A log group keeps `retention` days of logs: at a steady rate that is retention/30.42 months of them.
            // Never-expiring groups are counted as one year.
            const days = typeof i.retentionInDays === "number" && i.retentionInDays > 0 ? i.retentionInDays : 365;
            const stored = a.logGbPerMonth * (days / (365 / 12));
            return [
                line(p, r, "logs", "CloudWatch Logs ingestion", "GB", constant(a.logGbPerMonth), "logsIngestGb", `assumption logGbPerMonth: ${a.logGbPerMonth} GB`),
                line(p, r, "logs", "CloudWatch Logs storage", "GB-month", constant(stored), "logsStoreGbMonth",
                    `${a.logGbPerMonth} GB/month kept ${days} days${typeof i.retentionInDays === "number" ? "" : " (no retention: one year assumed)"}; AWS bills the compressed size, so this is an upper bound`),
            ];
        }
        case "aws:ecr/repository:Repository": {
            const kept = keptImages(r, group) ?? a.imagesKept;
            return [line(p, r, "registry", "ECR storage", "GB-month", constant(kept * a.imageGb), "ecrGbMonth",
                `${kept} images kept (${keptImages(r, group) === undefined ? "assumption imagesKept" : "lifecycle policy"}) × ${a.imageGb} GB (assumption imageGb); shared layers are stored once, so this is an upper bound`)];
        }
        case "aws:appautoscaling/policy:Policy":
            // Target tracking creates and manages two CloudWatch alarms, one to scale out and one to scale in
            // (Application Auto Scaling User Guide, "Target tracking scaling policies").
            return i.policyType === "TargetTrackingScaling"
                ? [line(p, r, "monitoring", "CloudWatch alarms (target tracking)", "alarm-month", constant(2), "alarmMonth", "target tracking keeps 2 alarms (scale out, scale in)")]
                : [];
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            // A standard-resolution alarm on one metric (Amazon CloudWatch pricing, "Alarms").
            return [line(p, r, "monitoring", "CloudWatch alarms (deployment)", "alarm-month", constant(1), "alarmMonth", "one standard-resolution metric alarm")];
        case "aws:route53/zone:Zone":
            return [
                line(p, r, "dns", "Route 53 hosted zone", "zone-month", constant(1), "route53HostedZoneMonth", "one hosted zone"),
                line(p, r, "dns", "Route 53 standard queries", "million queries", constant(a.dnsMillionQueriesPerMonth), "route53MillionQueries",
                    `assumption dnsMillionQueriesPerMonth: ${a.dnsMillionQueriesPerMonth} million`),
            ];
        case "aws:kms/key:Key":
            return [line(p, r, "security", "KMS customer managed key", "key-month", constant(1), "kmsKeyMonth", "one key (requests not counted)")];
        case "aws:secretsmanager/secret:Secret":
            return [line(p, r, "security", "Secrets Manager secret", "secret-month", constant(1), "secretMonth", "one secret (API calls not counted)")];
        case "pulumi-nodejs:dynamic:ReleaseTask": {
            // Each release is one Fargate task of the revision it runs (on-demand, never Spot: releaseRunner.ts),
            // billed per second while it runs (AWS Fargate pricing).
            const td = group.find((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition");
            const cpu = Number(td?.inputs.cpu ?? 256) / 1024;
            const memory = Number(td?.inputs.memory ?? 512) / 1024;
            const key = td?.inputs.runtimePlatform?.cpuArchitecture === "ARM64" ? "fargateArm" : "fargateX86";
            const hours = a.releasesPerMonth * a.releaseMinutes / 60;
            const why = `assumptions releasesPerMonth: ${a.releasesPerMonth} × releaseMinutes: ${a.releaseMinutes} = ${Math.round(hours * 100) / 100} task-hours`;
            return [
                line(p, r, "compute", "release tasks: Fargate vCPU", "vCPU-hour", constant(hours * cpu), `${key}VcpuHour`, `${why} × ${cpu} vCPU`),
                line(p, r, "compute", "release tasks: Fargate memory", "GB-hour", constant(hours * memory), `${key}GbHour`, `${why} × ${memory} GB`),
            ];
        }
        case "aws:scheduler/schedule:Schedule":
            return scheduleItems(r, group, p);
        case "aws:ec2/eip:Eip":
            return [line(p, r, "network", "public IPv4 address (Elastic IP)", "address-hour", constant(a.hoursPerMonth), "publicIpv4Hour", `${a.hoursPerMonth} h`)];
        default:
            return PRICED_ELSEWHERE_OR_FREE.has(r.type) || !r.type.includes("/") && !r.type.startsWith("awsx:") ? [] : undefined;
    }
}

/** The newest-N count of a repository's lifecycle policy (its `imageCountMoreThan` rule), if any. */
function keptImages(repo: PlanResource, group: PlanResource[]): number | undefined {
    const policy = group.find((r) => r.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy" && r.inputs.repository === repo.inputs.name);
    if (!policy) return undefined;
    try {
        const doc = typeof policy.inputs.policy === "string" ? JSON.parse(policy.inputs.policy) : policy.inputs.policy;
        const counts = (doc?.rules ?? [])
            .filter((rule: any) => rule.selection?.countType === "imageCountMoreThan" && rule.selection?.tagStatus !== "untagged")
            .map((rule: any) => Number(rule.selection.countNumber));
        return counts.length ? Math.max(...counts) : undefined;
    } catch {
        return undefined;
    }
}
