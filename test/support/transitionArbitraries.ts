// fast-check generators of stack transitions: a valid stack A (test/support/configArbitraries.ts), a
// valid stack B turned into the same stack (A's name, region, trust and network), and mutations of A
// by the operators users apply: add, remove or rename a service; switch mode or spot; turn the shared
// load balancer on or off; add, change or remove a domain, a certificate or a zone; turn alarms off
// and on; change priority or path; change the port; add, remove or rename a worker or a scheduled job. Each mutation is repaired the way a user would
// (probe paths under a new path prefix, PORT following port) and kept only if the configuration
// accepts it. Pure: used by test/transitions.property.test.ts.
import fc from "fast-check";
import { ConfigError, parseSettings } from "../../config";
import { ROOT } from "../../tools/planner/planner";
import { GeneratedStack, validStack } from "./configArbitraries";

const ACCOUNT = "123456789012";
const NAMES = ["web", "api", "app", "auth", "jobs", "cart", "shop", "blog"];
const DOMAINS: Record<string, string[]> = { "shop.example.com": ["example.com", "shop.example.com"], "example.org": ["example.org"], "api.v2.acme.io": ["v2.acme.io", "acme.io"] };
const PATHS = ["/api", "/v2", "/admin/tools", "/store"];
const FARGATE_ONLY = ["spot", "certificateArn", "domain", "hostedZone", "hostedZoneId", "path", "priority", "alarms", "deregistrationDelay", "healthCheckGracePeriod"];

export interface Variant {
    /** How this stack came from A: "A", "B", or the mutation applied. */
    what: string;
    stack: GeneratedStack;
}

type Services = Record<string, Record<string, any>>;
/** A mutation: edits the stack in place with the drawn number `r`, and says what it did; undefined when it does not apply. */
type Mutation = (s: GeneratedStack, r: number) => string | undefined;

const servicesOf = (s: GeneratedStack): Services => s.values.services;
const fargateNames = (s: GeneratedStack) => Object.keys(servicesOf(s)).filter((n) => servicesOf(s)[n].mode === "fargate" && servicesOf(s)[n].kind !== "worker");
const workerNames = (s: GeneratedStack) => Object.keys(servicesOf(s)).filter((n) => servicesOf(s)[n].kind === "worker");
const jobsOf = (s: GeneratedStack): Record<string, Record<string, any>> => (s.values.jobs ??= {});
const JOBS = ["nightly", "cleanup", "report"];
const pick = <T>(xs: T[], r: number): T | undefined => (xs.length ? xs[r % xs.length] : undefined);
const shared = (s: GeneratedStack) => s.values.loadBalancer?.shared ?? fargateNames(s).length > 1;
const certificate = (s: GeneratedStack, r: number) => `arn:aws:acm:${s.region}:${ACCOUNT}:certificate/0a1b2c3d-${String(1000 + (r % 9000))}-4222-8333-444455556666`;

/** Repairs what an edit leaves inconsistent, as a user would: probe paths, PORT, shared-only keys, one domain's settings. */
function repair(s: GeneratedStack): void {
    if (s.values.jobs && Object.keys(s.values.jobs).length === 0) delete s.values.jobs;
    const isShared = shared(s);
    const byDomain = new Map<string, Record<string, any>>();
    for (const [name, svc] of Object.entries(servicesOf(s))) {
        if (svc.environment?.PORT !== undefined) svc.environment.PORT = typeof svc.environment.PORT === "number" ? svc.port ?? 8080 : String(svc.port ?? 8080);
        if (svc.mode !== "fargate" || svc.kind === "worker") continue;
        if (!isShared) { delete svc.path; delete svc.priority; }
        if (svc.domain) {
            const first = byDomain.get(svc.domain);
            if (first && !isShared) { for (const k of ["domain", "hostedZone", "hostedZoneId", "certificateArn"]) delete svc[k]; }
            else if (first) { for (const k of ["hostedZone", "hostedZoneId", "certificateArn"]) { if (first[k] === undefined) delete svc[k]; else svc[k] = first[k]; } }
            else byDomain.set(svc.domain, svc);
        } else { delete svc.hostedZone; delete svc.hostedZoneId; }
        const given = svc.path ?? (svc.domain ? undefined : `/${name}`);
        const prefix = isShared && given && given !== "/" ? given.replace(/\/+$/, "") : "";
        for (const field of ["healthCheckPath", "versionPath"]) {
            const p = svc[field] ?? (field === "healthCheckPath" ? "/health" : "/version");
            svc[field] = prefix && p.split("?")[0] !== prefix && !p.startsWith(`${prefix}/`) ? `${prefix}${p}` : p;
        }
    }
}

const MUTATIONS: Record<string, Mutation> = {
    "add a service": (s, r) => {
        const name = pick(NAMES.filter((n) => !servicesOf(s)[n]), r);
        if (!name) return undefined;
        servicesOf(s)[name] = r % 2 ? { mode: "fargate", image: { context: "app" } } : { mode: "express", image: { context: "app" } };
        return `add ${servicesOf(s)[name].mode} service ${name}`;
    },
    "remove a service": (s, r) => {
        const names = Object.keys(servicesOf(s));
        if (names.length < 2) return undefined;
        const name = pick(names, r)!;
        delete servicesOf(s)[name];
        return `remove service ${name}`;
    },
    "rename a service": (s, r) => {
        const name = pick(Object.keys(servicesOf(s)), r)!;
        const to = pick(NAMES.filter((n) => !servicesOf(s)[n]), r);
        if (!to) return undefined;
        servicesOf(s)[to] = servicesOf(s)[name];
        delete servicesOf(s)[name];
        return `rename service ${name} to ${to}`;
    },
    "switch mode": (s, r) => {
        const name = pick(Object.keys(servicesOf(s)), r)!;
        const svc = servicesOf(s)[name];
        svc.mode = svc.mode === "fargate" ? "express" : "fargate";
        if (svc.mode === "express") { for (const k of FARGATE_ONLY) delete svc[k]; svc.architecture = "x86_64"; }
        return `switch ${name} to ${svc.mode}`;
    },
    "switch spot": (s, r) => {
        const name = pick(fargateNames(s), r);
        if (!name) return undefined;
        servicesOf(s)[name].spot = !servicesOf(s)[name].spot;
        return `switch spot of ${name} to ${servicesOf(s)[name].spot}`;
    },
    "turn the shared load balancer on or off": (s) => {
        if (!fargateNames(s).length) return undefined;
        s.values.loadBalancer = { shared: !shared(s) };
        return `set loadBalancer.shared to ${s.values.loadBalancer.shared}`;
    },
    "add, change or remove a domain": (s, r) => {
        const name = pick(fargateNames(s), r);
        if (!name) return undefined;
        const svc = servicesOf(s)[name];
        const to = pick([undefined, ...Object.keys(DOMAINS)].filter((d) => d !== svc.domain), r >> 3);
        for (const k of ["domain", "hostedZone", "hostedZoneId", "certificateArn"]) delete svc[k];
        if (to) svc.domain = to;
        return to ? `set the domain of ${name} to ${to}` : `remove the domain of ${name}`;
    },
    "add, change or remove a certificate": (s, r) => {
        const name = pick(fargateNames(s).filter((n) => servicesOf(s)[n].domain), r);
        if (!name) return undefined;
        const svc = servicesOf(s)[name];
        const to = svc.certificateArn && r % 3 === 0 ? undefined : certificate(s, r);
        for (const other of Object.values(servicesOf(s))) if (other.domain === svc.domain) { if (to) other.certificateArn = to; else delete other.certificateArn; }
        return to ? `give ${svc.domain} the certificate ${to}` : `let ecs-ship create the certificate of ${svc.domain}`;
    },
    "add, change or remove a zone": (s, r) => {
        const name = pick(fargateNames(s).filter((n) => servicesOf(s)[n].domain), r);
        if (!name) return undefined;
        const domain = servicesOf(s)[name].domain;
        const choices: Record<string, string>[] = [{}, ...DOMAINS[domain].map((z) => ({ hostedZone: z })), { hostedZoneId: `ZMUTATED${r % 1000}` }];
        const zone = choices[r % choices.length];
        for (const other of Object.values(servicesOf(s))) if (other.domain === domain) { delete other.hostedZone; delete other.hostedZoneId; Object.assign(other, zone); }
        return `set the zone of ${domain} to ${JSON.stringify(zone)}`;
    },
    "turn alarms off and on": (s, r) => {
        const name = pick(fargateNames(s), r);
        if (!name) return undefined;
        const svc = servicesOf(s)[name];
        svc.alarms = { ...(svc.alarms ?? {}), enabled: svc.alarms?.enabled === false };
        return `set alarms.enabled of ${name} to ${svc.alarms.enabled}`;
    },
    "change priority": (s, r) => {
        const name = pick(fargateNames(s), r);
        if (!name || !shared(s)) return undefined;
        const taken = new Set(Object.values(servicesOf(s)).map((x) => x.priority));
        let p = 900 + (r % 90);
        while (taken.has(p)) p++;
        servicesOf(s)[name].priority = p;
        return `set the priority of ${name} to ${p}`;
    },
    "change path": (s, r) => {
        const name = pick(fargateNames(s), r);
        if (!name || !shared(s)) return undefined;
        const svc = servicesOf(s)[name];
        const used = new Set(Object.values(servicesOf(s)).filter((x) => x.domain === svc.domain).map((x) => x.path));
        const to = pick(PATHS.filter((p) => !used.has(p)), r);
        if (!to) return undefined;
        svc.path = to;
        return `set the path of ${name} to ${to}`;
    },
    "add, remove or rename a worker": (s, r) => {
        const worker = pick(workerNames(s), r);
        const free = pick(NAMES.filter((n) => !servicesOf(s)[n]), r);
        if (worker && r % 3 === 0) {
            if (Object.values(jobsOf(s)).some((j) => j.service === worker) || Object.keys(servicesOf(s)).length < 2) return undefined;
            delete servicesOf(s)[worker];
            return `remove worker ${worker}`;
        }
        if (worker && r % 3 === 1 && free && !Object.values(jobsOf(s)).some((j) => j.service === worker)) {
            servicesOf(s)[free] = servicesOf(s)[worker];
            delete servicesOf(s)[worker];
            return `rename worker ${worker} to ${free}`;
        }
        if (!free) return undefined;
        servicesOf(s)[free] = { kind: "worker", mode: "fargate", image: { context: "app" }, command: ["celery", "worker"] };
        return `add worker ${free}`;
    },
    "add, remove or rename a scheduled job": (s, r) => {
        const job = pick(Object.keys(jobsOf(s)), r);
        const free = pick(JOBS.filter((n) => !jobsOf(s)[n]), r);
        if (job && r % 3 === 0) { delete jobsOf(s)[job]; return `remove job ${job}`; }
        if (job && r % 3 === 1 && free) { jobsOf(s)[free] = jobsOf(s)[job]; delete jobsOf(s)[job]; return `rename job ${job} to ${free}`; }
        const service = pick(Object.keys(servicesOf(s)), r >> 2);
        if (!free || !service) return undefined;
        jobsOf(s)[free] = { service, command: ["python", "manage.py", free], schedule: r % 2 ? "cron(0 3 * * ? *)" : "rate(1 hour)" };
        return `add job ${free} running from ${service}`;
    },
    "change the port": (s, r) => {
        const name = pick(Object.keys(servicesOf(s)).filter((n) => servicesOf(s)[n].kind !== "worker"), r);
        if (!name) return undefined;
        const svc = servicesOf(s)[name];
        svc.port = pick([3000, 8080, 9090, 8000].filter((p) => p !== (svc.port ?? 8080)), r);
        return `set the port of ${name} to ${svc.port}`;
    },
};
export const OPERATORS = Object.keys(MUTATIONS);

/** Whether the configuration accepts a stack, as `pulumi up` would read it. */
export function accepted(s: GeneratedStack, sha: string): boolean {
    try {
        parseSettings({ stack: s.stack, region: s.region, values: structuredClone(s.values), env: { GITHUB_SHA: sha }, gitHead: () => undefined, projectDir: ROOT });
        return true;
    } catch (e) {
        if (e instanceof ConfigError) return false;
        throw e;
    }
}

/**
 * A mutation of `a` by operator `op`, or, when it does not apply to `a`, by the next operator not in
 * `used`; undefined when none applies. The operator taken is added to `used`.
 */
export function mutate(a: GeneratedStack, op: number, r: number, sha: string, used = new Set<string>()): Variant | undefined {
    for (let k = 0; k < OPERATORS.length; k++) {
        const name = OPERATORS[(op + k) % OPERATORS.length];
        if (k > 0 && used.has(name)) continue;
        const s = structuredClone(a);
        const what = MUTATIONS[name](s, r);
        if (what === undefined) continue;
        repair(s);
        if (!accepted(s, sha)) continue;
        used.add(name);
        return { what, stack: s };
    }
    return undefined;
}

/** B as a later version of A's stack: A's name, region, trust and network, its certificates in A's region. */
function asSameStack(a: GeneratedStack, b: GeneratedStack): GeneratedStack {
    const out: GeneratedStack = JSON.parse(JSON.stringify({ ...b, stack: a.stack, region: a.region }).replace(/arn:aws:acm:[a-z0-9-]+:/g, `arn:aws:acm:${a.region}:`));
    out.values.github = structuredClone(a.values.github);
    if (a.values.network) out.values.network = structuredClone(a.values.network);
    else delete out.values.network;
    return out;
}

/** A family of versions of one stack: A, B, and `mutations` mutations of A, each one the configuration accepts. */
export function family(mutations: number, sha: string): fc.Arbitrary<Variant[]> {
    // Distinct operators per family, drawn without fast-check's bias toward the first and the last.
    const ops = fc.tuple(fc.shuffledSubarray(OPERATORS.map((_, i) => i), { minLength: mutations, maxLength: mutations }), fc.array(fc.noBias(fc.nat(1 << 20)), { minLength: mutations, maxLength: mutations }))
        .map(([o, r]) => o.map((op, i) => [op, r[i]] as const));
    return fc.record({ a: validStack, b: validStack, ops })
        .map(({ a, b, ops }) => {
            const out: Variant[] = [{ what: "A", stack: a }];
            const same = asSameStack(a, b);
            if (accepted(same, sha)) out.push({ what: "B", stack: same });
            const used = new Set(ops.map(([op]) => OPERATORS[op]));
            for (const [op, r] of ops) {
                const m = mutate(a, op, r, sha, used);
                if (m) out.push(m);
            }
            return out;
        });
}
