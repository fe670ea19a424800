// A model of the AWS account an update runs against: what exists, what refers to what, and which
// record set each zone holds. Each step is checked against tools/simulate/rules.ts before it is
// applied, as AWS would check the call the provider makes for it.
import * as fs from "fs";
import * as path from "path";
import { builtinModules } from "module";
import { RecordedResource, mockId } from "../planner/mockCloud";
import { REPLACE_RULES } from "../planner/replacements";
import { RULES, Rule } from "./rules";
import { Step } from "./steps";

export interface Refusal {
    rule: Rule;
    /** What exactly AWS refuses or loses, naming the other resource involved. */
    detail: string;
}

type Side = "before" | "after";
interface Entity { uid: string; side: Side; res: RecordedResource }

const T = {
    lb: "aws:lb/loadBalancer:LoadBalancer", tg: "aws:lb/targetGroup:TargetGroup", listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule", listenerCert: "aws:lb/listenerCertificate:ListenerCertificate",
    cert: "aws:acm/certificate:Certificate", record: "aws:route53/record:Record", sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    service: "aws:ecs/service:Service", express: "aws:ecs/expressGatewayService:ExpressGatewayService",
    repository: "aws:ecr/repository:Repository", image: "docker:index/image:Image", taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
};

/** The packages a user's install of ecs-ship has: its dependencies and peer dependencies, and Node's own modules. */
export function installedModules(root = packageRoot(__dirname)): Set<string> {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    return new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
}

/** The folder of ecs-ship's own package.json: two up from here in the repository, three in an install (dist/tools/simulate). */
function packageRoot(from: string): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, "utf8")).name === "ecs-ship") return dir;
        if (path.dirname(dir) === dir) return path.resolve(from, "../..");
    }
}

/** The package a module specifier names: `@scope/name` or `name`. */
const packageOf = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);

const recordKey = (i: Record<string, any>) => `${i.zoneId} ${String(i.name).toLowerCase().replace(/\.$/, "")} ${i.type}`;
const fixedName = (r: RecordedResource) => {
    const input = REPLACE_RULES[r.type]?.nameInput;
    const v = input ? r.inputs[input] : undefined;
    return typeof v === "string" ? v : undefined;
};

export class Account {
    private readonly live = new Map<string, Entity>();
    /** Record sets by zone, name and type, and the uid of the resource whose write they hold. */
    private readonly recordSets = new Map<string, string>();
    /** Express service names ECS still holds (DRAINING, then INACTIVE). */
    private readonly drainingNames = new Set<string>();
    private readonly index: Record<Side, Map<string, string>> = { before: new Map(), after: new Map() };

    /**
     * `replaced`: URNs replaced create-before-delete (their new halves get their own identity);
     * `doomed`: URNs this update deletes, in full or their old halves;
     * `aliasOf`: the URN in the state of each resource that takes it over by an alias.
     */
    constructor(before: RecordedResource[], after: RecordedResource[], private readonly replaced: Set<string>, private readonly doomed: Set<string>,
        private readonly aliasOf = new Map<string, string>(), private readonly modules = installedModules()) {
        const region = String(before.concat(after).find((r) => r.type === "pulumi:providers:aws")?.inputs.region ?? "us-east-1");
        const index = (side: Side, r: RecordedResource, uid: string) => {
            for (const key of [r.state.arn, r.state.dnsName, mockId(r.type, r.name, r.inputs, region)]) {
                if (typeof key === "string" && !this.index[side].has(key)) this.index[side].set(key, uid);
            }
        };
        for (const r of before.filter((x) => x.custom)) {
            index("before", r, r.urn);
            this.live.set(r.urn, { uid: r.urn, side: "before", res: r });
            if (r.type === T.record) this.recordSets.set(recordKey(r.inputs), r.urn);
        }
        for (const r of after.filter((x) => x.custom)) index("after", r, this.uidAfter(r));
    }

    /** The identity of a planned resource in the account: its replacement's, else the one it takes over or its own. */
    private uidAfter(r: RecordedResource): string {
        return this.replaced.has(r.urn) ? `${r.urn}#replacement` : this.aliasOf.get(r.urn) ?? r.urn;
    }

    /** Checks one step and applies it; returns why AWS would refuse or break it, if it would. */
    apply(step: Step): Refusal | undefined {
        if (step.op === "delete" || step.op === "delete-replaced") {
            const e = this.live.get(step.old?.urn ?? step.urn);
            if (!e) return undefined;
            // retainOnDelete: the engine drops the resource from the state and calls no AWS API.
            const refusal = e.res.retainOnDelete ? undefined : this.checkDelete(e);
            if (!refusal) this.remove(e);
            return refusal;
        }
        const res = keepIgnored(step);
        const e: Entity = { uid: this.uidAfter(res), side: "after", res };
        const refusal = this.checkWrite(step, e);
        if (refusal) return refusal;
        this.live.set(e.uid, e);
        if (res.type === T.record) this.recordSets.set(recordKey(res.inputs), e.uid);
        return undefined;
    }

    private remove(e: Entity): void {
        this.live.delete(e.uid);
        if (e.res.type === T.record) this.recordSets.delete(recordKey(e.res.inputs));
        if (e.res.type === T.express && e.res.retainOnDelete !== true) this.drainingNames.add(String(e.res.inputs.serviceName));
    }

    private ref(e: Entity, value: unknown): string {
        // An input kept from the state by ignoreChanges names the resources of the state's side.
        const other: Side = e.side === "after" ? "before" : "after";
        return this.index[e.side].get(String(value)) ?? this.index[other].get(String(value)) ?? `external:${value}`;
    }

    private others(uid: string, type: string): Entity[] {
        return [...this.live.values()].filter((x) => x.uid !== uid && x.res.type === type);
    }

    /** The target groups a listener's default actions or a rule's actions forward to. */
    private forwards(e: Entity): string[] {
        const actions: any[] = e.res.inputs.defaultActions ?? e.res.inputs.actions ?? [];
        return actions.filter((a) => a?.type === "forward")
            .flatMap((a) => [a.targetGroupArn, ...(a.forward?.targetGroups ?? []).map((t: any) => t.arn)])
            .filter((x) => x !== undefined).map((x) => this.ref(e, x));
    }

    /** The load balancer a listener, rule or listener certificate belongs to. */
    private loadBalancerOf(e: Entity): string | undefined {
        if (e.res.type === T.listener) return this.ref(e, e.res.inputs.loadBalancerArn);
        // A rule or an extra listener certificate: the load balancer of its listener.
        const listener = this.live.get(this.ref(e, e.res.inputs.listenerArn));
        return listener ? this.loadBalancerOf(listener) : undefined;
    }

    private nameOf(uid: string): string {
        return this.live.get(uid)?.res.name ?? uid.replace(/^external:/, "");
    }

    private checkWrite(step: Step, e: Entity): Refusal | undefined {
        const r = e.res;
        const creating = step.op !== "update";
        const name = fixedName(r);
        if (creating && name !== undefined) {
            const holder = this.others(e.uid, r.type).find((x) => fixedName(x.res) === name);
            if (holder) return { rule: RULES.fixedNameUnique, detail: `${r.name} is created as "${name}", which ${holder.res.name} still holds` };
            if (r.type === T.express && this.drainingNames.has(name)) {
                return { rule: RULES.fixedNameUnique, detail: `${r.name} is created as "${name}", the name of an Express service deleted earlier in this update and still DRAINING` };
            }
        }
        if (r.type === T.listener || r.type === T.rule) {
            const lb = this.loadBalancerOf(e);
            for (const tg of this.forwards(e)) {
                const elsewhere = [...this.live.values()].find((x) => x.uid !== e.uid && (x.res.type === T.listener || x.res.type === T.rule)
                    && this.forwards(x).includes(tg) && this.loadBalancerOf(x) !== lb);
                if (elsewhere) {
                    return { rule: RULES.targetGroupOneLoadBalancer, detail: `${r.name} forwards to ${this.nameOf(tg)}, which ${elsewhere.res.name} on load balancer ${this.nameOf(this.loadBalancerOf(elsewhere)!)} still forwards to` };
                }
            }
        }
        if (r.type === T.listener) {
            const lb = this.ref(e, r.inputs.loadBalancerArn);
            const taken = this.others(e.uid, T.listener).find((x) => this.ref(x, x.res.inputs.loadBalancerArn) === lb && x.res.inputs.port === r.inputs.port);
            if (taken) return { rule: RULES.listenerPortUnique, detail: `${r.name} listens on port ${r.inputs.port} of ${this.nameOf(lb)}, which ${taken.res.name} still holds` };
        }
        if (r.type === T.rule && (creating || step.old?.inputs.priority !== r.inputs.priority)) {
            const listener = this.ref(e, r.inputs.listenerArn);
            const taken = this.others(e.uid, T.rule).find((x) => this.ref(x, x.res.inputs.listenerArn) === listener && x.res.inputs.priority === r.inputs.priority);
            if (taken) return { rule: RULES.rulePriorityUnique, detail: `${r.name} takes priority ${r.inputs.priority} on ${this.nameOf(listener)}, which ${taken.res.name} still holds` };
        }
        if (r.type === T.record && creating) {
            const holder = this.recordSets.get(recordKey(r.inputs));
            if (holder !== undefined && holder !== e.uid && !r.inputs.allowOverwrite) {
                return { rule: RULES.recordSetUnique, detail: `${r.name} creates the record set ${recordKey(r.inputs)}, which ${this.nameOf(holder)} holds` };
            }
        }
        if (r.type === T.service) {
            if (step.op === "update" && step.old) {
                for (const field of ["alarms", "deploymentCircuitBreaker", "loadBalancers"]) {
                    const had = step.old.inputs[field];
                    const has = r.inputs[field];
                    if (had !== undefined && !(Array.isArray(had) && had.length === 0) && (has === undefined || (Array.isArray(has) && has.length === 0))) {
                        return { rule: RULES.ecsKeepsUnsent, detail: `${r.name} drops ${field}, which the provider does not send, so ECS keeps ${JSON.stringify(had)}` };
                    }
                }
                if (JSON.stringify(step.old.inputs.capacityProviderStrategies) !== JSON.stringify(r.inputs.capacityProviderStrategies) && r.inputs.forceNewDeployment !== true) {
                    return { rule: RULES.capacityProviderNeedsDeployment, detail: `${r.name} changes its capacity provider strategy without forceNewDeployment` };
                }
            }
            for (const lbEntry of (r.inputs.loadBalancers ?? []) as any[]) {
                const tg = this.ref(e, lbEntry.targetGroupArn);
                const served = [...this.live.values()].some((x) => (x.res.type === T.listener || x.res.type === T.rule) && this.forwards(x).includes(tg));
                if (!served) return { rule: RULES.targetGroupNeedsLoadBalancer, detail: `${r.name} uses ${this.nameOf(tg)}, which no listener or rule forwards to yet` };
            }
        }
        return undefined;
    }

    private checkDelete(e: Entity): Refusal | undefined {
        const r = e.res;
        const users = (pred: (x: Entity) => boolean) => [...this.live.values()].find((x) => x.uid !== e.uid && pred(x));
        if (r.type === T.cert) {
            const user = users((x) => (x.res.type === T.listener || x.res.type === T.listenerCert) && this.ref(x, x.res.inputs.certificateArn) === e.uid);
            if (user) return { rule: RULES.certificateInUse, detail: `${r.name} is deleted while ${user.res.name} still serves it` };
        }
        if (r.type === T.tg) {
            const user = users((x) => (x.res.type === T.listener || x.res.type === T.rule) && this.forwards(x).includes(e.uid));
            if (user) return { rule: RULES.targetGroupInUse, detail: `${r.name} is deleted while ${user.res.name} still uses it` };
        }
        if (r.type === T.sg) {
            const user = users((x) => (x.res.type === T.lb && (x.res.inputs.securityGroups ?? []).some((g: string) => this.ref(x, g) === e.uid))
                || (x.res.type === T.service && (x.res.inputs.networkConfiguration?.securityGroups ?? []).some((g: string) => this.ref(x, g) === e.uid))
                || ((x.res.type === T.ingress || x.res.type === T.egress) && x.res.inputs.referencedSecurityGroupId !== undefined
                    && this.ref(x, x.res.inputs.referencedSecurityGroupId) === e.uid && this.ref(x, x.res.inputs.securityGroupId) !== e.uid));
            if (user) return { rule: RULES.securityGroupInUse, detail: `${r.name} is deleted while ${user.res.name} still uses it` };
        }
        if (r.type === T.record) {
            const key = recordKey(r.inputs);
            const holder = this.recordSets.get(key);
            if (holder !== undefined && holder !== e.uid && this.live.has(holder)) {
                return { rule: RULES.recordDeleteRemovesHolder, detail: `deleting ${r.name} removes the record set ${key} that ${this.nameOf(holder)} wrote` };
            }
            const validated = String((r.inputs.records ?? [])[0] ?? "").endsWith(".acm-validations.aws.") ? String(r.inputs.name).replace(/\.$/, "").split(".").slice(1).join(".") : undefined;
            if (validated !== undefined) {
                const cert = this.certificateFor(validated, e.uid);
                if (cert) return { rule: RULES.acmValidationRecordNeeded, detail: `deleting ${r.name} removes ACM's validation record for ${validated}, which ${cert} needs to renew` };
            }
        }
        if (r.type === T.repository) {
            const refusal = this.checkRepositoryDelete(e);
            if (refusal) return refusal;
        }
        if (r.type.startsWith("pulumi-nodejs:dynamic:") && typeof r.inputs.__provider === "string") {
            const required = [...r.inputs.__provider.matchAll(/require\(\s*["']([^"'.][^"']*)["']\s*\)/g)].map((m) => packageOf(m[1]));
            const missing = [...new Set(required)].filter((m) => !this.modules.has(m));
            if (missing.length) return { rule: RULES.dynamicProviderModules, detail: `deleting ${r.name} runs its provider's code, which requires ${missing.join(", ")}: not a dependency of the installed package` };
        }
        return undefined;
    }

    /**
     * A repository's delete: broken when a task definition or Express service this update keeps still runs
     * an image of it (force deletes the images with the repository).
     */
    private checkRepositoryDelete(e: Entity): Refusal | undefined {
        const url = String(e.res.state.repositoryUrl ?? "");
        if (!url) return undefined;
        const names = (x: Entity) => JSON.stringify(x.res.inputs).includes(`${url}@`) || JSON.stringify(x.res.inputs).includes(`${url}:`);
        const runner = [...this.live.values()].find((x) => (x.res.type === T.taskDefinition || x.res.type === T.express) && !(x.side === "before" && this.doomed.has(x.uid)) && names(x));
        if (runner) return { rule: RULES.repositoryImageRunning, detail: `deleting ${e.res.name} deletes the image ${runner.res.name} still runs` };
        return undefined;
    }

    /**
     * A live certificate of `domain` in this account other than the one being deleted with the record:
     * a certificate resource of that name, or a certificate of this account that a listener serves on
     * a load balancer the domain's alias record points at.
     */
    private certificateFor(domain: string, recordUid: string): string | undefined {
        // A certificate this update deletes anyway does not need the record.
        const own = [...this.live.values()].find((x) => x.res.type === T.cert && !(x.side === "before" && this.doomed.has(x.uid))
            && String(x.res.inputs.domainName).toLowerCase() === domain.toLowerCase());
        if (own) return own.res.name;
        const account = /^arn:aws:acm:[^:]+:(\d+):/;
        for (const alias of [...this.live.values()].filter((x) => x.uid !== recordUid && x.res.type === T.record && String(x.res.inputs.name).replace(/\.$/, "") === domain)) {
            const lbs = (alias.res.inputs.aliases ?? []).map((a: any) => this.ref(alias, a.name));
            for (const x of this.live.values()) {
                if (x.res.type !== T.listener && x.res.type !== T.listenerCert) continue;
                const arn = String(x.res.inputs.certificateArn ?? "");
                if (!account.test(arn) || !lbs.includes(this.loadBalancerOf(x))) continue;
                return `the certificate ${arn} that ${x.res.name} serves`;
            }
        }
        return undefined;
    }
}

/**
 * What an update leaves in AWS: the planned inputs, except at the resource's `ignoreChanges` paths, where
 * the engine diffs and sends the inputs recorded in the state (Pulumi docs, Resource options,
 * "ignoreChanges": https://www.pulumi.com/docs/iac/concepts/options/ignorechanges/). A rule whose actions
 * ECS owns keeps forwarding where it did, whatever the program now says.
 */
function keepIgnored(step: Step): RecordedResource {
    const res = step.new!;
    if (step.op !== "update" || !step.old || !res.ignoreChanges?.length) return res;
    const inputs = structuredClone(res.inputs);
    for (const p of res.ignoreChanges) {
        const keys = p.replace(/\[(\d+)\]/g, ".$1").split(".").filter((k) => k !== "");
        let from: any = step.old.inputs;
        let to: any = inputs;
        for (let i = 0; i < keys.length - 1 && from !== undefined; i++) {
            from = from?.[keys[i]];
            if (to[keys[i]] === undefined || typeof to[keys[i]] !== "object") to[keys[i]] = /^\d+$/.test(keys[i + 1]) ? [] : {};
            to = to[keys[i]];
        }
        const last = keys[keys.length - 1];
        if (from !== undefined && from !== null && typeof from === "object") {
            if (from[last] === undefined) delete to[last];
            else to[last] = structuredClone(from[last]);
        }
    }
    return { ...res, inputs };
}
