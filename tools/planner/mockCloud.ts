// A deterministic, realistic stand-in for AWS and Docker under Pulumi's mock runtime.
//
// Used by `npm run plan` and by the tests. It answers every resource registration with
// the state the real provider would return (ARNs in each service's format, repository
// URLs, image digests, DNS names), and every data-source call (caller identity, default
// VPC and subnets, ECR token, existing images). It also records what each registration
// asked for: type, name, inputs as sent, parent, dependencies, provider and options, so
// plans and tests read one source of truth.
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, AZS, fakeCall, fakeResource, isDefaultSubnet } from "./fakeState";
// Internal modules of @pulumi/pulumi: the mock monitor, and the RPC drain used to settle.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const settings = require("@pulumi/pulumi/runtime/settings");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const rpc = require("@pulumi/pulumi/runtime/rpc");

// The fake state lives in fakeState.ts; named here too, where the plan and the tests read the mock cloud.
export { ACCOUNT, DEFAULT_VPC_ID, defaultSubnetIds, hex, mockId, physicalName } from "./fakeState";

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
