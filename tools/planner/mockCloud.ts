// A deterministic, realistic stand-in for AWS and Docker under Pulumi's mock runtime.
//
// Used by `npm run plan` and by the tests. It answers every resource registration with
// the state the real provider would return (ARNs in each service's format, repository
// URLs, image digests, DNS names), and every data-source call (caller identity, default
// VPC and subnets, ECR token, existing images). It also records what each registration
// asked for: type, name, inputs as sent, parent, dependencies, provider and options, so
// plans and tests read one source of truth.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
// Internal modules of @pulumi/pulumi: the mock monitor, and the RPC drain used to settle.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const settings = require("@pulumi/pulumi/runtime/settings");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const rpc = require("@pulumi/pulumi/runtime/rpc");

export const ACCOUNT = "123456789012";

export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    /** Inputs as sent to the provider (Outputs resolved, unknowns absent, secrets unwrapped). */
    inputs: Record<string, any>;
    /** The same inputs with every secret shown as "[secret]", as plans print them. */
    displayInputs: Record<string, any>;
    /** Name of the parent resource, or null at the top. */
    parent: string | null;
    /** URN of the parent resource (names may repeat across types; URNs do not). */
    parentUrn: string | null;
    /** Explicit `dependsOn` names (dependencies that no input carries). */
    dependsOn: string[];
    /** Every direct dependency, explicit or through inputs: what orders create and delete. */
    dependencies: string[];
    /** Name of the explicit provider resource, or null for the default provider. */
    provider: string | null;
    customTimeouts?: { create?: string; update?: string; delete?: string };
    retainOnDelete?: boolean;
    /** `protect` as the engine sees it (set on the resource or inherited from its parent). */
    protect?: boolean;
    deleteBeforeReplace?: boolean;
    /** `ignoreChanges` paths: on an update the engine keeps the recorded inputs at these. */
    ignoreChanges?: string[];
    /** URNs of `aliases`: the engine takes a resource in the state under one of them for this one. */
    aliases?: string[];
    /** State the mock returned (what `pulumi up` would read back). */
    state: Record<string, any>;
}

export interface RecordedCall {
    token: string;
    inputs: Record<string, any>;
}

/**
 * What exists in the account outside any one plan: the images pushed to each repository, by
 * tag. Carried from one run of the program to the next, so a second run sees what the
 * first one pushed (tools/planner/planner.ts, planTwice).
 */
export interface World {
    /** repository name -> images in push order, each with its tag and digest (`sha256:...`) */
    images: Record<string, { tag: string; digest: string }[]>;
}

/** Overrides a test can set for one data source, by token. */
export type CallOverrides = Record<string, (inputs: any) => Record<string, any>>;

export class MockCloud {
    readonly resources: RecordedResource[] = [];
    readonly calls: RecordedCall[] = [];
    overrides: CallOverrides = {};
    /** Component outputs passed to registerOutputs, by component name. */
    readonly componentOutputs = new Map<string, Record<string, any>>();
    /**
     * What the plan had to assume about the user's own cloud, which no offline plan can know:
     * the zone of each subnet it was given. `pulumi up` looks up the real ones.
     */
    readonly assumptions: string[] = [];
    private readonly subnetZones = new Map<string, string>();

    constructor(public region = "us-east-1", public world: World = { images: {} }) {}

    reset(region = "us-east-1"): void {
        this.world = { images: {} };
        this.resources.length = 0;
        this.calls.length = 0;
        this.overrides = {};
        this.componentOutputs.clear();
        this.assumptions.length = 0;
        this.subnetZones.clear();
        this.region = region;
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    byName(name: string): RecordedResource {
        const r = this.resources.find((x) => x.name === name);
        if (!r) throw new Error(`no resource named ${name}; have: ${this.resources.map((x) => x.name).join(", ")}`);
        return r;
    }

    /** Mock runtime entry: a resource registration. */
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
        return fakeResource(args.type, args.name, args.inputs, this.region);
    }

    /** Mock runtime entry: a data-source call. */
    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        this.calls.push({ token: args.token, inputs: args.inputs });
        const override = this.overrides[args.token];
        if (override) return override(args.inputs);
        if (args.token === "aws:ec2/getSubnet:getSubnet" && !isDefaultSubnet(args.inputs.id, this.region)) return this.userSubnet(args.inputs.id);
        if (args.token === "aws:ecr/getImages:getImages") return this.listImages(String(args.inputs.repositoryName));
        if (args.token === "aws:ecr/getImage:getImage" && args.inputs.mostRecent) return this.newestImage(String(args.inputs.repositoryName));
        return fakeCall(args.token, args.inputs, this.region);
    }

    /** ListImages as ECR answers it: the pushed tags, or RepositoryNotFoundException. */
    private listImages(repositoryName: string): Record<string, any> {
        const pushed = this.world.images[repositoryName];
        const creating = this.resources.some((r) => r.type === "aws:ecr/repository:Repository" && r.inputs.name === repositoryName);
        if (!pushed && !creating) {
            // The engine hands a failed invoke to the program as an Error of the gRPC `details`.
            const message = `invocation of aws:ecr/getImages:getImages returned an error: RepositoryNotFoundException: The repository with name '${repositoryName}' does not exist in the registry with id '${ACCOUNT}'`;
            throw Object.assign(new Error(message), { details: message });
        }
        const imageIds = (pushed ?? []).map((i) => ({ imageTag: i.tag, imageDigest: i.digest }));
        return { id: repositoryName, repositoryName, imageIds };
    }

    /** DescribeImages' most recently pushed image, as the provider's `most_recent` picks it. */
    private newestImage(repositoryName: string): Record<string, any> {
        const pushed = this.world.images[repositoryName] ?? [];
        const newest = pushed[pushed.length - 1];
        if (!newest) throw Object.assign(new Error("no images in repository"), { details: `ImageNotFoundException: no images in ${repositoryName}` });
        return { id: newest.digest, repositoryName, imageDigest: newest.digest, imageTags: [newest.tag], imagePushedAt: pushed.length, mostRecent: true };
    }

    /**
     * Applies this run to the world, as a successful `pulumi up` would: every repository now
     * exists, and every image is pushed under its tag.
     */
    commitRun(): void {
        for (const r of this.ofType("aws:ecr/repository:Repository")) this.world.images[r.inputs.name] ??= [];
        for (const r of this.ofType("docker:index/image:Image")) {
            const m = /^[^/]+\/(.+):([^:/]+)$/.exec(String(r.inputs.imageName));
            const digest = String(r.state.repoDigest ?? "").split("@")[1];
            if (!m || !digest) continue;
            const pushed = (this.world.images[m[1]] ??= []);
            // An ignored image (ignoreChanges) was not rebuilt: nothing new is pushed.
            if (!r.ignoreChanges && !pushed.some((i) => i.tag === m[2])) pushed.push({ tag: m[2], digest });
        }
    }

    /**
     * A subnet of the user's own VPC: the plan cannot know its zone, so it places the subnets it is
     * given in distinct zones, in the order it meets them (a user lists one subnet per zone), and says so.
     */
    private userSubnet(id: string): Record<string, any> {
        let zone = this.subnetZones.get(id);
        if (zone === undefined) {
            zone = `${this.region}${AZS[this.subnetZones.size % AZS.length]}`;
            this.subnetZones.set(id, zone);
            this.assumptions.push(`subnet ${id} is assumed to be in ${zone}; offline, its real zone is unknown (pulumi up looks it up)`);
        }
        const i = this.subnetZones.size;
        return { id, availabilityZone: zone, vpcId: "vpc-unknown", mapPublicIpOnLaunch: true, cidrBlock: `10.0.${16 * i}.0/20` };
    }
}

/** Installs the mock runtime with a monitor that records every registration into `cloud`. */
export function installMocks(cloud: MockCloud, project: string, stack: string): void {
    const monitor = new MockMonitor(cloud);
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        const inputs = rpc.deserializeProperties(req.getObject());
        const propDeps = new Set<string>();
        req.getPropertydependenciesMap().forEach((deps: any) => deps.getUrnsList().forEach((u: string) => propDeps.add(u)));
        const all: string[] = req.getDependenciesList();
        const timeouts = req.getCustomtimeouts();
        const t = timeouts ? { create: timeouts.getCreate() || undefined, update: timeouts.getUpdate() || undefined, delete: timeouts.getDelete() || undefined } : undefined;
        const provider: string = req.getProvider();
        const record: RecordedResource = {
            type: req.getType(),
            name: req.getName(),
            urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
            custom: req.getCustom(),
            inputs: stripUnknowns(inputs),
            displayInputs: summarizeDynamicProvider(stripUnknowns(inputs, true)),
            parent: req.getParent() ? urnName(req.getParent()) : null,
            parentUrn: req.getParent() || null,
            dependsOn: all.filter((u) => !propDeps.has(u)).map(urnName),
            dependencies: all.map(urnName),
            provider: provider ? urnName(provider.split("::").slice(0, -1).join("::")) : null,
            customTimeouts: t && (t.create || t.update || t.delete) ? t : undefined,
            retainOnDelete: req.getRetainondelete() || undefined,
            protect: req.getProtect() || undefined,
            deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
            ignoreChanges: req.getIgnorechangesList().length ? req.getIgnorechangesList() : undefined,
            aliases: aliasUrns(monitor, req),
            state: {},
        };
        cloud.resources.push(record);
        register(req, (err: any, response: any) => {
            if (!err && response) record.state = stripUnknowns(rpc.deserializeProperties(response.getObject()));
            callback(err, response);
        });
    };
    const registerOutputs = monitor.registerResourceOutputs?.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: any) => {
        cloud.componentOutputs.set(urnName(req.getUrn()), stripUnknowns(rpc.deserializeProperties(req.getOutputs())));
        if (registerOutputs) return registerOutputs(req, callback);
        callback(null, {});
    };
    settings.setMockOptions(monitor, project, stack, false);
    const store = require("@pulumi/pulumi/runtime/state").getStore();
    store.supportsSecrets = true;
    store.supportsResourceReferences = true;
    store.supportsOutputValues = false;
    store.supportsDeletedWith = true;
    store.supportsAliasSpecs = true;
}

/**
 * The URNs a registration's aliases name, as the engine resolves them: an alias spec's name, type and
 * parent default to the resource's own (pulumi/pulumi, sdk/nodejs/runtime/resource.ts,
 * mapAliasesForRequest; `noParent` means none).
 */
function aliasUrns(monitor: any, req: any): string[] | undefined {
    const urns = req.getAliasesList().map((a: any) => {
        if (a.getUrn()) return a.getUrn();
        const spec = a.getSpec();
        const parent = spec.getNoparent() ? undefined : spec.getParenturn() || req.getParent() || undefined;
        return monitor.newUrn(parent, spec.getType() || req.getType(), spec.getName() || req.getName());
    });
    return urns.length ? urns : undefined;
}

/** Resolves once every outstanding registration and call has finished. */
export function settle(): Promise<void> {
    return settings.waitForRPCs();
}

/** The name segment of a URN. */
export function urnName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

/** A dynamic resource's serialized provider code, shortened for display (inputs keep it whole). */
function summarizeDynamicProvider(inputs: Record<string, any>): Record<string, any> {
    if (typeof inputs?.__provider !== "string") return inputs;
    return { ...inputs, __provider: `[serialized dynamic provider, ${inputs.__provider.length} characters]` };
}

/** Pulumi's wire marker of a secret value. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Drops unknown values; unwraps secrets, or masks them when `mask` is set. */
function stripUnknowns(value: any, mask = false): any {
    if (value === rpc.unknownValue || (typeof value === "string" && value === "04da6b54-80e4-46f7-96ec-b56ff0331ba9")) return undefined;
    if (Array.isArray(value)) return value.map((v) => stripUnknowns(v, mask));
    if (value && typeof value === "object" && value[rpc.specialSigKey] === SECRET_SIG) {
        return mask ? "[secret]" : stripUnknowns(value.value, mask);
    }
    if (value && typeof value === "object" && !(value instanceof Date)) {
        const out: Record<string, any> = {};
        for (const [k, v] of Object.entries(value)) {
            const s = stripUnknowns(v, mask);
            if (s !== undefined) out[k] = s;
        }
        return out;
    }
    return value;
}

// ---------------------------------------------------------------------------
// Fake state

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

function fakeResource(type: string, name: string, inputs: Record<string, any>, region: string): { id: string; state: Record<string, any> } {
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
const AZS = ["a", "b", "c"];

function isDefaultSubnet(id: unknown, region: string): boolean {
    return defaultSubnetIds(region).includes(id as string);
}

/** The mock default VPC's default subnets in a region, one per zone (what a plan places tasks in by default). */
export function defaultSubnetIds(region: string): string[] {
    return AZS.map((az) => `subnet-${hex(region + az, 17)}`);
}

function fakeCall(token: string, inputs: Record<string, any>, region: string): Record<string, any> {
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
