// The fake state of the mock cloud (mockCloud.ts): what the real provider would return for each resource
// it is asked to create (ARNs in each service's format, repository URLs, image digests, DNS names), the
// physical names it would give them, and the answers to data-source calls (caller identity, the default
// VPC and its subnets, the ECR token, existing images). Deterministic: the same inputs give the same state.
import { createHash } from "crypto";

export const ACCOUNT = "123456789012";

/** Deterministic hex of a given length from a seed. */
export function hex(seed: string, length: number): string {
    let out = "";
    for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
    return out.slice(0, length);
}

/** Resource types whose provider auto-names them from the logical name plus a hyphen and 7 random characters. */
const AUTONAMED_PREFIXES = ["aws:"];
const NOT_AUTONAMED = new Set([
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:lb/listener:Listener", "aws:appautoscaling/target:Target", "aws:ecs/taskDefinition:TaskDefinition",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws:ecs/expressGatewayService:ExpressGatewayService",
    "aws:lb/listenerRule:ListenerRule", "aws:lb/listenerCertificate:ListenerCertificate", "aws:acm/certificate:Certificate",
    "aws:acm/certificateValidation:CertificateValidation", "aws:sns/topicSubscription:TopicSubscription",
]);

/**
 * The physical name the provider would give a resource: the `name` input when given,
 * else `namePrefix` plus 26 characters, else the logical name, a hyphen and 7 characters
 * (Pulumi auto-naming). Undefined for types that have no auto-named `name`.
 */
export function physicalName(type: string, logical: string, inputs: Record<string, any>): string | undefined {
    if (typeof inputs.name === "string") return inputs.name;
    if (!AUTONAMED_PREFIXES.some((p) => type.startsWith(p)) || NOT_AUTONAMED.has(type)) return undefined;
    if (typeof inputs.namePrefix === "string") return inputs.namePrefix + hex(logical, 26);
    return `${logical}-${hex(logical, 7)}`;
}

/** The id the mock account gives a resource: what other resources' inputs carry (a security group's `sg-…`). */
export function mockId(type: string, name: string, inputs: Record<string, any>, region = "us-east-1"): string {
    return fakeResource(type, name, inputs, region).id;
}

export function fakeResource(type: string, name: string, inputs: Record<string, any>, region: string): { id: string; state: Record<string, any> } {
    const phys = physicalName(type, name, inputs);
    const base = { ...inputs, ...(phys ? { name: phys } : {}) };
    const arn = (service: string, resource: string, r = region) => `arn:aws:${service}:${r}:${ACCOUNT}:${resource}`;
    switch (type) {
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
            const host = String(inputs.url ?? "").replace(/^https:\/\//, "");
            const a = `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}`;
            return { id: a, state: { ...inputs, arn: a } };
        }
        case "aws:iam/role:Role":
            return { id: phys!, state: { ...base, arn: `arn:aws:iam::${ACCOUNT}:role${inputs.path ?? "/"}${phys}`, uniqueId: `AROA${hex(name, 17).toUpperCase()}` } };
        case "aws:iam/policy:Policy":
            return { id: `arn:aws:iam::${ACCOUNT}:policy${inputs.path ?? "/"}${phys}`, state: { ...base, arn: `arn:aws:iam::${ACCOUNT}:policy${inputs.path ?? "/"}${phys}`, policyId: `ANPA${hex(name, 17).toUpperCase()}` } };
        case "aws:iam/rolePolicy:RolePolicy":
            return { id: `${inputs.role}:${phys}`, state: base };
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            return { id: `${inputs.role}-${hex(name, 8)}`, state: inputs };
        case "aws:ecr/repository:Repository":
            return { id: phys!, state: { ...base, arn: arn("ecr", `repository/${phys}`), registryId: ACCOUNT, repositoryUrl: `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${phys}` } };
        case "aws:ecr/lifecyclePolicy:LifecyclePolicy":
            return { id: String(inputs.repository), state: { ...inputs, registryId: ACCOUNT } };
        case "docker:index/image:Image": {
            const imageName = String(inputs.imageName ?? name);
            const repo = imageName.replace(/:[^/:]+$/, "");
            return { id: `sha256:${hex(imageName + "id", 64)}`, state: { ...inputs, imageName, repoDigest: `${repo}@sha256:${hex(imageName, 64)}` } };
        }
        case "aws:cloudwatch/logGroup:LogGroup":
            return { id: phys!, state: { ...base, arn: arn("logs", `log-group:${phys}`) } };
        case "aws:ecs/cluster:Cluster":
            return { id: arn("ecs", `cluster/${phys}`), state: { ...base, arn: arn("ecs", `cluster/${phys}`) } };
        case "aws:ecs/taskDefinition:TaskDefinition": {
            // Each distinct definition is its own revision, so a changed definition has a new ARN.
            const revision = 1 + (parseInt(hex(JSON.stringify(inputs), 4), 16) % 9999);
            return { id: `${inputs.family}`, state: { ...inputs, arn: arn("ecs", `task-definition/${inputs.family}:${revision}`), revision, arnWithoutRevision: arn("ecs", `task-definition/${inputs.family}`) } };
        }
        case "aws:ecs/service:Service": {
            const cluster = String(inputs.cluster ?? "default").split("/").pop();
            const a = arn("ecs", `service/${cluster}/${phys}`);
            return { id: a, state: { ...base, arn: a } };
        }
        case "aws:ecs/expressGatewayService:ExpressGatewayService": {
            const svc = String(inputs.serviceName ?? name);
            const a = arn("ecs", `service/${inputs.cluster ?? "default"}/${svc}`);
            const endpoint = `${svc.slice(0, 40)}-${hex(svc, 8)}.ecs.${region}.on.aws`;
            return { id: a, state: { ...inputs, serviceArn: a, cluster: inputs.cluster ?? "default", serviceRevisionArn: `${a}/revision/1`, ingressPaths: [{ accessType: "PUBLIC", endpoint }] } };
        }
        case "aws:lb/loadBalancer:LoadBalancer": {
            const suffix = `app/${phys}/${hex(name, 16)}`;
            return { id: arn("elasticloadbalancing", `loadbalancer/${suffix}`), state: { ...base, arn: arn("elasticloadbalancing", `loadbalancer/${suffix}`), arnSuffix: suffix, dnsName: `${phys}-${parseInt(hex(name, 8), 16)}.${region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" } };
        }
        case "aws:lb/targetGroup:TargetGroup": {
            const suffix = `targetgroup/${phys}/${hex(name, 16)}`;
            return { id: arn("elasticloadbalancing", suffix), state: { ...base, arn: arn("elasticloadbalancing", suffix), arnSuffix: suffix } };
        }
        case "aws:lb/listener:Listener": {
            // As ELB writes it: listener/app/<load balancer name>/<load balancer id>/<listener id>.
            const lb = String(inputs.loadBalancerArn ?? "");
            const a = lb.includes(":loadbalancer/app/") ? `${lb.replace(":loadbalancer/", ":listener/")}/${hex(name + "l", 16)}`
                : arn("elasticloadbalancing", `listener/app/${name}/${hex(name, 16)}/${hex(name + "l", 16)}`);
            return { id: a, state: { ...inputs, arn: a } };
        }
        case "aws:lb/listenerRule:ListenerRule": {
            // listener-rule/app/<load balancer name>/<load balancer id>/<listener id>/<rule id>.
            const listener = String(inputs.listenerArn ?? "");
            const a = listener.includes(":listener/app/") ? `${listener.replace(":listener/", ":listener-rule/")}/${hex(name + "r", 16)}`
                : arn("elasticloadbalancing", `listener-rule/app/${name}/${hex(name, 16)}/${hex(name + "l", 16)}/${hex(name + "r", 16)}`);
            return { id: a, state: { ...inputs, arn: a } };
        }
        case "aws:acm/certificate:Certificate": {
            // One DNS validation record per name, as ACM answers it (a CNAME under the zone). ACM gives every
            // certificate of one name in an account the same record, so it is derived from the name and the
            // account, not from the certificate (AWS Certificate Manager User Guide, "DNS validation",
            // https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html).
            const dv = `${ACCOUNT}/${String(inputs.domainName).toLowerCase()}`;
            const a = arn("acm", `certificate/${hex(name, 8)}-${hex(name + "1", 4)}-${hex(name + "2", 4)}-${hex(name + "3", 4)}-${hex(name + "4", 12)}`);
            const domainValidationOptions = [{ domainName: inputs.domainName, resourceRecordName: `_${hex(dv, 32)}.${inputs.domainName}.`, resourceRecordType: "CNAME", resourceRecordValue: `_${hex(dv + "v", 32)}.acm-validations.aws.` }];
            return { id: a, state: { ...inputs, arn: a, domainValidationOptions, status: "PENDING_VALIDATION" } };
        }
        case "aws:acm/certificateValidation:CertificateValidation":
            return { id: String(inputs.certificateArn), state: inputs };
        case "aws:route53/record:Record":
            return { id: `${inputs.zoneId}_${inputs.name}_${inputs.type}`, state: { ...inputs, fqdn: String(inputs.name).replace(/\.$/, "") } };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { id: phys!, state: { ...base, arn: arn("cloudwatch", `alarm:${phys}`) } };
        case "aws:sns/topic:Topic":
            return { id: arn("sns", phys!), state: { ...base, arn: arn("sns", phys!) } };
        case "aws:ec2/securityGroup:SecurityGroup": {
            const id = `sg-${hex(name, 17)}`;
            return { id, state: { ...base, arn: arn("ec2", `security-group/${id}`) } };
        }
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
            const id = `sgr-${hex(name, 17)}`;
            return { id, state: { ...inputs, arn: arn("ec2", `security-group-rule/${id}`) } };
        }
        case "aws:appautoscaling/target:Target":
            return { id: String(inputs.resourceId), state: { ...inputs, arn: arn("application-autoscaling", `scalable-target/${hex(name, 24)}`) } };
        case "aws:appautoscaling/policy:Policy":
            return { id: phys!, state: { ...base, arn: arn("autoscaling", `scalingPolicy:${hex(name, 36)}:resource/ecs/${inputs.resourceId}:policyName/${phys}`) } };
        case "awsx:ec2:Vpc": {
            // awsx's Vpc is a remote component: under mocks its outputs come from here.
            // Shaped as awsx builds it: one subnet of each spec'd type per zone, in `numberOfAvailabilityZones`
            // zones (default 3), Public and Private when no spec is given; NAT gateways: None 0, Single 1,
            // OnePerAz one per zone (the default). Source: @pulumi/awsx ec2/vpc.d.ts, VpcArgs docs.
            const vpcId = `vpc-${hex(name, 17)}`;
            const zones = ["a", "b", "c", "d", "e", "f"].slice(0, Number(inputs.numberOfAvailabilityZones ?? 3));
            const types: string[] = (inputs.subnetSpecs ?? [{ type: "Public" }, { type: "Private" }]).map((s: { type: string }) => s.type);
            const sub = (kind: string) => (types.includes(kind) ? zones.map((az) => `subnet-${hex(name + kind.toLowerCase() + az, 17)}`) : []);
            const strategy = inputs.natGateways?.strategy ?? "OnePerAz";
            const natGateways = (strategy === "None" ? [] : strategy === "Single" ? zones.slice(0, 1) : zones).map((az) => ({ id: `nat-${hex(name + az, 17)}` }));
            return { id: vpcId, state: { vpcId, publicSubnetIds: sub("Public"), privateSubnetIds: sub("Private"), isolatedSubnetIds: sub("Isolated"), natGateways, eips: [] } };
        }
        case "aws:iam/managedPolicy:ManagedPolicy":
            return { id: phys!, state: base };
        case "aws:scheduler/schedule:Schedule":
            // arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>, in the default group unless named
            // (Service Authorization Reference for Amazon EventBridge Scheduler, resource type schedule).
            return { id: `${inputs.groupName ?? "default"}/${phys}`, state: { ...base, groupName: inputs.groupName ?? "default", arn: arn("scheduler", `schedule/${inputs.groupName ?? "default"}/${phys}`) } };
        default:
            if (type.startsWith("pulumi:providers:")) return { id: `${name}-provider-id`, state: inputs };
            return { id: phys ?? `${name}-id`, state: { ...base, arn: phys ? arn(type.split(":")[1].split("/")[0], `${phys}`) : undefined } };
    }
}

export const DEFAULT_VPC_ID = "vpc-0a1b2c3d4e5f60718";
/** The zones of the default VPC's subnets, and of the user's subnets as the plan places them. */
export const AZS = ["a", "b", "c"];

export function isDefaultSubnet(id: unknown, region: string): boolean {
    return defaultSubnetIds(region).includes(id as string);
}

/** The mock default VPC's default subnets in a region, one per zone (what a plan places tasks in by default). */
export function defaultSubnetIds(region: string): string[] {
    return AZS.map((az) => `subnet-${hex(region + az, 17)}`);
}

export function fakeCall(token: string, inputs: Record<string, any>, region: string): Record<string, any> {
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, userId: "AIDAMOCKUSER", id: ACCOUNT };
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
        case "aws:ec2/getVpc:getVpc":
            return { id: inputs.id ?? DEFAULT_VPC_ID, arn: `arn:aws:ec2:${region}:${ACCOUNT}:vpc/${inputs.id ?? DEFAULT_VPC_ID}`, cidrBlock: "172.31.0.0/16", default: true, ipv6CidrBlock: "", ownerId: ACCOUNT };
        case "aws:ec2/getSubnets:getSubnets":
            // The default VPC has one default subnet in each Availability Zone.
            return { id: region, ids: defaultSubnetIds(region) };
        case "aws:ec2/getSubnet:getSubnet": {
            const i = AZS.findIndex((az) => `subnet-${hex(region + az, 17)}` === inputs.id);
            return { id: inputs.id, availabilityZone: `${region}${AZS[Math.max(i, 0)]}`, vpcId: DEFAULT_VPC_ID, mapPublicIpOnLaunch: true, cidrBlock: `172.31.${16 * Math.max(i, 0)}.0/20` };
        }
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {
                id: region,
                authorizationToken: Buffer.from("AWS:mock-ecr-password").toString("base64"),
                userName: "AWS",
                password: "mock-ecr-password",
                proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.${region}.amazonaws.com`,
                expiresAt: "2030-01-01T00:00:00Z",
                registryId: inputs.registryId ?? ACCOUNT,
            };
        case "aws:ecr/getImages:getImages":
            // A repository that `pulumi up` is about to create holds no images yet.
            return { id: String(inputs.repositoryName), repositoryName: inputs.repositoryName, imageIds: [] };
        case "aws:route53/getZone:getZone": {
            // Every public zone exists offline; its id is derived from its name.
            const zone = String(inputs.name ?? "example.com").replace(/\.$/, "");
            const zoneId = inputs.zoneId ?? `Z${hex(zone, 20).toUpperCase()}`;
            return { id: zoneId, zoneId, name: zone, privateZone: false, arn: `arn:aws:route53:::hostedzone/${zoneId}`, nameServers: [`ns-1.awsdns-01.org`] };
        }
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            return { id: "policy", json: JSON.stringify({ Version: "2012-10-17", Statement: inputs.statements ?? [] }) };
        default:
            return {};
    }
}
