// fast-check generators of stack files, drawn from what the schema allows (config/schema.ts and
// the tables it reads): valid ones, any combination of modes, sizes, scaling, variables, secrets
// and networks; and invalid ones, a valid one with exactly one thing broken, together with the
// key the error must name. Pure: used by test/property.test.ts.
import fc from "fast-check";
import { stringify } from "yaml";
import { ENV_NAME, EXPRESS_LIMITS } from "../../config/schema";
import { FARGATE_CPU_MEMORY, LOG_RETENTION_DAYS } from "../../components/service/serviceArgs";

/** A generated stack: its name, region and `ecs-ship:` values, as a stack file holds them. */
export interface GeneratedStack {
    stack: string;
    region: string;
    values: Record<string, any>;
}

/** An invalid stack, and the full key its configuration error must name. */
export interface BrokenStack extends GeneratedStack {
    key: string;
    what: string;
}

// Stack and service names stay within 10 characters together: longer Fargate pairs are refused
// today (issue 12, part 1, handled separately), and are not what this property is about.
const STACKS = ["dev", "qa", "prod", "test", "uat", "stg"];
const SERVICE_NAMES = ["web", "api", "app", "auth", "jobs", "cart"];
const REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1", "ca-central-1"];
const ACCOUNT = "123456789012";
const hexChars = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: n, maxLength: n });
const alnum = (n: number) => fc.string({ unit: fc.constantFrom(..."ABCDEFGHJKabcdefghk0123456789"), minLength: n, maxLength: n });

/** Build contexts that exist in the project, each with the Dockerfile it needs (undefined: the default). */
const CONTEXTS: { context: string; dockerfile?: string }[] = [
    { context: "app" },
    { context: "app", dockerfile: "Dockerfile" },
    { context: "test/scenarios/fixtures/python-api" },
    { context: "test/scenarios/fixtures/go-service" },
    { context: "test/scenarios/fixtures/node-monorepo", dockerfile: "docker/Dockerfile.prod" },
];

const image = fc.oneof(
    fc.record({ ctx: fc.constantFrom(...CONTEXTS), tag: fc.option(hexChars(40), { nil: undefined }) })
        .map(({ ctx, tag }) => ({ ...ctx, ...(tag ? { tag } : {}) })),
    fc.record({ host: fc.constantFrom(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`, "ghcr.io", "registry.gitlab.com"), repo: fc.constantFrom("acme/api", "shop/web", "tools"), digest: hexChars(64) })
        .map(({ host, repo, digest }) => ({ ref: `${host}/${repo}@sha256:${digest}` })),
);

const secretArn = fc.oneof(
    fc.record({
        region: fc.constantFrom(...REGIONS), name: fc.constantFrom("prod/db", "api-key", "shop/stripe", "svc_token"), suffix: alnum(6),
        key: fc.constantFrom("", ":password::", ":username::", ":url:AWSPREVIOUS:", "::AWSCURRENT:"),
    }).map((s) => `arn:aws:secretsmanager:${s.region}:${ACCOUNT}:secret:${s.name}-${s.suffix}${s.key}`),
    fc.record({ region: fc.constantFrom(...REGIONS), name: fc.constantFrom("app/flags", "shop/api-key", "config.json", "a/b/c") })
        .map((s) => `arn:aws:ssm:${s.region}:${ACCOUNT}:parameter/${s.name}`),
);

const ENV_NAMES = ["LOG_LEVEL", "NODE_ENV", "TZ", "FEATURE_X", "APP_NAME", "_PRIVATE", "RAILS_ENV"];
const SECRET_NAMES = ["DB_PASSWORD", "API_KEY", "STRIPE_KEY", "JWT_SECRET", "REDIS_URL"];
const envValue = fc.oneof(fc.constantFrom("info", "production", "Europe/Berlin", "", "a b c", "x=y"), fc.integer({ min: -5, max: 100000 }), fc.boolean());

/** One service of either mode, with every field it may take, within the schema's tables. */
function service(mode: "express" | "fargate", region: string) {
    const cpus = Object.keys(FARGATE_CPU_MEMORY).map(Number).filter((c) => mode === "fargate" || (EXPRESS_LIMITS.cpu as readonly number[]).includes(c));
    const size = fc.constantFrom(...cpus).chain((cpu) => fc.constantFrom(...FARGATE_CPU_MEMORY[cpu].filter((m) => mode === "fargate" || m <= EXPRESS_LIMITS.memory.max))
        .map((memory) => ({ cpu, memory })));
    // The target's range follows the metric: percent for cpu and memory (also when metric is left
    // to its default, cpu), requests per task for requests.
    const scaling = fc.record({ min: fc.integer({ min: 1, max: 5 }), spread: fc.integer({ min: 0, max: 20 }), metric: fc.constantFrom("cpu", "memory", "requests", undefined) })
        .chain(({ min, spread, metric }) => fc.record({
            min: fc.constant(min), max: fc.constant(min + spread),
            ...(metric ? { metric: fc.constant(metric) } : {}),
            target: metric === "requests" ? fc.integer({ min: 1, max: 1_000_000 }) : fc.integer({ min: 1, max: 100 }),
        }, { requiredKeys: metric ? ["min", "max", "metric"] : ["min", "max"] }));
    const fargateOnly: Record<string, fc.Arbitrary<unknown>> = mode === "fargate" ? {
        architecture: fc.constantFrom("x86_64", "arm64"),
        spot: fc.boolean(),
        certificateArn: fc.uuid().map((u) => `arn:aws:acm:${region}:${ACCOUNT}:certificate/${u}`),
        deregistrationDelay: fc.integer({ min: 0, max: 3600 }),
        healthCheckGracePeriod: fc.integer({ min: 0, max: 7200 }),
    } : { architecture: fc.constant("x86_64") };
    return fc.record({
        mode: fc.constant(mode),
        image,
        port: fc.oneof(fc.constantFrom(80, 3000, 8000, 8080, 9090), fc.integer({ min: 1, max: 65535 })),
        size: fc.option(size, { nil: undefined }),
        healthCheckPath: fc.constantFrom("/", "/health", "/healthz", "/up", "/actuator/health", "/api/v1/status?full=1"),
        versionPath: fc.constantFrom("/version", "/api/version"),
        scaling: fc.option(scaling, { nil: undefined }),
        environment: fc.dictionary(fc.constantFrom(...ENV_NAMES), envValue, { maxKeys: 4 }),
        portInEnv: fc.constantFrom("none", "number", "string"),
        secrets: fc.dictionary(fc.constantFrom(...SECRET_NAMES), secretArn, { maxKeys: 3 }),
        secretsKmsKeyArn: fc.uuid().map((u) => `arn:aws:kms:us-east-1:${ACCOUNT}:key/${u}`),
        logRetentionDays: fc.constantFrom(...LOG_RETENTION_DAYS),
        taskPolicyStatements: fc.constant([{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::acme-uploads/*" }]),
        ...fargateOnly,
    }, { requiredKeys: ["mode", "image"] }).chain((s: Record<string, any>) => {
        const { size: sz, portInEnv, ...rest } = s;
        const out: Record<string, any> = { ...rest, ...(sz ?? {}) };
        if (rest.port !== undefined && portInEnv !== "none" && rest.environment) {
            out.environment = { ...rest.environment, PORT: portInEnv === "number" ? rest.port : String(rest.port) };
        }
        if (out.environment && Object.keys(out.environment).length === 0) delete out.environment;
        if (out.secrets && Object.keys(out.secrets).length === 0) delete out.secrets;
        // desiredCount, when set, lies within the scaling range (or the default 1..4).
        const [min, max] = [out.scaling?.min ?? 1, out.scaling?.max ?? 4];
        return fc.option(fc.integer({ min, max }), { nil: undefined }).map((desiredCount) => (desiredCount === undefined ? out : { ...out, desiredCount }));
    });
}

const github = fc.record({
    repository: fc.constantFrom("acme/shop", "jdoe/hello", "Big-Org/api.v2", "a/b", "team-42/web_app"),
    deployBranches: fc.uniqueArray(fc.constantFrom("main", "release", "develop", "release/v2"), { maxLength: 3 }),
    deployEnvironments: fc.uniqueArray(fc.constantFrom("production", "staging"), { maxLength: 2 }),
    pullRequestPreview: fc.boolean(),
    provider: fc.constantFrom("create", "retain", "reuse"),
    maxSessionDuration: fc.integer({ min: 3600, max: 43200 }),
}, { requiredKeys: ["repository", "provider"] }).map(({ provider, ...g }) => {
    const out: Record<string, any> = { ...g };
    if (out.deployBranches?.length === 0 && !out.deployEnvironments?.length) out.deployBranches = ["main"];
    if (provider === "retain") out.retainProvider = true;
    if (provider === "reuse") out.oidcProviderArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    return out;
});

const subnetIds = (min: number, max: number) => fc.uniqueArray(hexChars(17).map((h) => `subnet-${h}`), { minLength: min, maxLength: max });
const network = fc.oneof(
    fc.record({ vpcId: hexChars(17).map((h) => `vpc-${h}`), publicSubnetIds: subnetIds(2, 3), privateSubnetIds: subnetIds(1, 3) }, { requiredKeys: ["vpcId", "publicSubnetIds"] }),
    fc.record({ create: fc.constant(true), natStrategy: fc.constantFrom("None", "Single", "OnePerAz") }, { requiredKeys: ["create"] }),
);

// The front door: domains (with the zones they may name), paths, priorities and alarms of Fargate
// services, and the stack's loadBalancer choice, drawn so that the stack stays valid: services share
// a domain only on a shared load balancer and then agree on its certificate and zone, no two routes or
// explicit priorities are the same, and path and priority appear only on a shared load balancer.
const DOMAINS: { domain: string; zones: string[] }[] = [
    { domain: "shop.example.com", zones: ["example.com", "shop.example.com"] },
    { domain: "example.org", zones: ["example.org"] },
    { domain: "api.v2.acme.io", zones: ["v2.acme.io", "acme.io"] },
];
const PATHS = ["/api", "/", "/v2", "/admin/tools", "/api/"];

const alarms = fc.record({
    enabled: fc.boolean(), http5xx: fc.integer({ min: 1, max: 1_000_000 }), unhealthyHosts: fc.integer({ min: 1, max: 1000 }),
    evaluationPeriods: fc.integer({ min: 1, max: 60 }), notify: fc.constantFrom("none", "email", "topic"),
}, { requiredKeys: ["notify"] }).map(({ notify, ...a }) => ({
    ...a,
    ...(notify === "email" ? { email: "ops+alerts@example.com" } : notify === "topic" ? { snsTopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:ops-alerts` } : {}),
}));

/** What every service on one domain shares: the certificate (given or created) and how its zone is found. */
const domainChoice = (region: string, d: { zones: string[] }) => fc.record({
    certificateArn: fc.option(fc.uuid().map((u) => `arn:aws:acm:${region}:${ACCOUNT}:certificate/${u}`), { nil: undefined }),
    zone: fc.oneof(fc.constant({}), fc.constantFrom(...d.zones).map((z) => ({ hostedZone: z })), alnum(13).map((id) => ({ hostedZoneId: `Z${id.toUpperCase()}` }))),
});

/** A Fargate service's route on the shared load balancer, as the requests it takes: host and path prefix. */
function routeKey(name: string, svc: Record<string, any>): string {
    const path = (svc.path ?? (svc.domain ? "/" : `/${name}`)).replace(/\/+$/, "");
    return `${svc.domain ?? ""}|${path}`;
}

/** Adds front-door keys to a stack's Fargate services, keeping the stack valid. */
function withFrontDoor(g: GeneratedStack): fc.Arbitrary<GeneratedStack> {
    const fargate = Object.keys(g.values.services).filter((n) => g.values.services[n].mode === "fargate");
    const perService = fc.record({
        domain: fc.option(fc.nat(DOMAINS.length - 1), { nil: undefined }), path: fc.option(fc.constantFrom(...PATHS), { nil: undefined }),
        priority: fc.option(fc.nat(99), { nil: undefined }), alarms: fc.option(alarms, { nil: undefined }),
    });
    return fc.record({
        loadBalancer: fc.option(fc.boolean().map((shared) => ({ shared })), { nil: undefined }),
        services: fc.tuple(...fargate.map(() => perService)),
        domains: fc.tuple(...DOMAINS.map((d) => domainChoice(g.region, d))),
    }).map(({ loadBalancer, services, domains }) => {
        const out: GeneratedStack = structuredClone(g);
        if (loadBalancer) out.values.loadBalancer = loadBalancer;
        const shared = loadBalancer?.shared ?? fargate.length > 1;
        const taken = new Set<string>();
        fargate.forEach((name, i) => {
            const svc = out.values.services[name];
            const drawn = services[i];
            if (drawn.alarms) svc.alarms = drawn.alarms;
            if (drawn.domain !== undefined) svc.domain = DOMAINS[drawn.domain].domain;
            if (shared && drawn.path !== undefined) svc.path = drawn.path;
            // Explicit priorities are unique by construction: service i draws from its own hundred.
            if (shared && drawn.priority !== undefined) svc.priority = 100 * (i + 1) + drawn.priority;
            // A second service on a taken route (or, on separate load balancers, a taken domain) keeps its own default route.
            const key = shared ? routeKey(name, svc) : svc.domain ?? `-${name}`;
            if (taken.has(key)) { delete svc.domain; delete svc.path; }
            taken.add(shared ? routeKey(name, svc) : svc.domain ?? `-${name}`);
            // Behind a path prefix the app serves under it, and so do its probes.
            const prefix = shared ? routeKey(name, svc).split("|")[1] : "";
            for (const field of ["healthCheckPath", "versionPath"]) {
                const p = svc[field];
                if (prefix && typeof p === "string" && p.split("?")[0] !== prefix && !p.startsWith(`${prefix}/`)) svc[field] = `${prefix}${p}`;
            }
            if (svc.domain) {
                const { certificateArn, zone } = domains[DOMAINS.findIndex((d) => d.domain === svc.domain)];
                delete svc.certificateArn;
                Object.assign(svc, certificateArn ? { certificateArn } : {}, zone);
            }
        });
        return out;
    });
}

/** A valid stack: 1 to 4 services of any mode, and any of the optional namespaces. */
export const validStack: fc.Arbitrary<GeneratedStack> = fc.record({
    stack: fc.constantFrom(...STACKS),
    region: fc.constantFrom(...REGIONS),
    names: fc.uniqueArray(fc.constantFrom(...SERVICE_NAMES), { minLength: 1, maxLength: 4 }),
    github,
    network: fc.option(network, { nil: undefined }),
    registry: fc.option(fc.record({ forceDelete: fc.boolean(), keepImages: fc.integer({ min: 1, max: 1000 }) }, { requiredKeys: [] }), { nil: undefined }),
    backend: fc.option(fc.record({ stateBucket: fc.constantFrom("acme-pulumi-state", "state.bucket-01") }), { nil: undefined }),
    containerInsights: fc.option(fc.boolean(), { nil: undefined }),
}).chain(({ names, ...r }) => fc.tuple(...names.map(() => fc.constantFrom<"express" | "fargate">("express", "fargate").chain((mode) => service(mode, r.region))))
    .map((services) => {
        const values: Record<string, any> = { github: r.github, services: Object.fromEntries(names.map((n, i) => [n, services[i]])) };
        for (const k of ["network", "registry", "backend", "containerInsights"] as const) if (r[k] !== undefined) values[k] = r[k];
        return { stack: r.stack, region: r.region, values };
    }).chain(withFrontDoor));

/** One way to break a valid stack, and the key its error must name. */
type Breaker = (s: GeneratedStack, svc: string) => { key: string; what: string } | undefined;
const at = (svc: string, rest: string) => `ecs-ship:services.${svc}.${rest}`;
const BREAKERS: Breaker[] = [
    (s, n) => { s.values.services[n].port = "80a"; return { key: at(n, "port"), what: "port as text" }; },
    (s, n) => { s.values.services[n].port = 65536; return { key: at(n, "port"), what: "port out of range" }; },
    (s, n) => { s.values.services[n].cpu = 300; return { key: at(n, "cpu"), what: "cpu off the table" }; },
    (s, n) => { s.values.services[n].mode = "lambda"; return { key: at(n, "mode"), what: "unknown mode" }; },
    (s, n) => { s.values.services[n].architecture = "arm"; return { key: at(n, "architecture"), what: "unknown architecture" }; },
    (s, n) => { s.values.services[n].replicas = 2; return { key: at(n, "replicas"), what: "unknown service key" }; },
    (s, n) => { s.values.services[n].healthCheckPath = "health"; return { key: at(n, "healthCheckPath"), what: "path without /" }; },
    (s, n) => { s.values.services[n].desiredCount = -1; return { key: at(n, "desiredCount"), what: "negative count" }; },
    (s, n) => { s.values.services[n].logRetentionDays = 2; return { key: at(n, "logRetentionDays"), what: "retention off the list" }; },
    (s, n) => { s.values.services[n].scaling = { min: 5, max: 2 }; return { key: at(n, "scaling.min"), what: "min above max" }; },
    (s, n) => { s.values.services[n].scaling = { metric: "cpu", target: 0 }; return { key: at(n, "scaling.target"), what: "target 0" }; },
    (s, n) => { s.values.services[n].image = { ref: "nginx:latest" }; return { key: at(n, "image.ref"), what: "image by tag" }; },
    (s, n) => { s.values.services[n].image = { context: "src/missing" }; return { key: at(n, "image.context"), what: "missing context" }; },
    (s, n) => { s.values.services[n].image = { context: "app", dockerfile: "Dockerfile.prod" }; return { key: at(n, "image.dockerfile"), what: "missing Dockerfile" }; },
    (s, n) => {
        s.values.services[n].secrets = { DB_PASSWORD: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db` };
        return { key: at(n, "secrets.DB_PASSWORD"), what: "secret ARN without suffix" };
    },
    (s, n) => {
        const port = s.values.services[n].port ?? 8080;
        s.values.services[n].environment = { PORT: port + 1 };
        return { key: at(n, "environment.PORT"), what: "PORT against port" };
    },
    (s, n) => { s.values.services[n].environment = { "1BAD": "x" }; return { key: at(n, "environment.1BAD"), what: "bad variable name" }; },
    (s, n) => {
        if (s.values.services[n].mode !== "express") return undefined;
        s.values.services[n].spot = true;
        return { key: at(n, "spot"), what: "spot on Express" };
    },
    (s, n) => {
        if (s.values.services[n].mode !== "express") return undefined;
        s.values.services[n].cpu = 8192; s.values.services[n].memory = 16384;
        return { key: at(n, "cpu"), what: "Express above its limits" };
    },
    (s, n) => {
        if (s.values.services[n].mode !== "fargate") return undefined;
        const other = s.region === "us-east-1" ? "eu-west-1" : "us-east-1";
        s.values.services[n].certificateArn = `arn:aws:acm:${other}:${ACCOUNT}:certificate/0a1b2c3d-1111-2222-3333-444455556666`;
        return { key: at(n, "certificateArn"), what: "certificate of another region" };
    },
    (s, n) => {
        if (s.values.services[n].mode !== "express") return undefined;
        s.values.services[n].domain = "app.example.com";
        return { key: at(n, "domain"), what: "domain on Express" };
    },
    (s, n) => {
        if (s.values.services[n].mode !== "fargate") return undefined;
        s.values.services[n].alarms = { email: "ops@example.com", snsTopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:ops` };
        return { key: at(n, "alarms.snsTopicArn"), what: "alarm email and topic both" };
    },
    (s, n) => {
        if (s.values.services[n].mode !== "fargate") return undefined;
        Object.assign(s.values.services[n], { domain: "shop.example.com", hostedZone: "example.org" });
        delete s.values.services[n].hostedZoneId;
        return { key: at(n, "hostedZone"), what: "zone that does not hold the domain" };
    },
    (s, n) => {
        if (s.values.services[n].mode !== "fargate") return undefined;
        s.values.loadBalancer = { shared: false };
        s.values.services[n].path = "/api";
        return { key: at(n, "path"), what: "path without a shared load balancer" };
    },
    (s) => { s.values.loadBalancer = { shared: "yes" }; return { key: "ecs-ship:loadBalancer.shared", what: "shared as text" }; },
    (s) => { s.region = "us-east-9"; return { key: "aws:region", what: "unknown region" }; },
    (s) => { s.values.github.repository = 42; return { key: "ecs-ship:github.repository", what: "repository as number" }; },
    (s) => { s.values.github.branches = ["main"]; return { key: "ecs-ship:github.branches", what: "unknown github key" }; },
    (s) => { s.values.servics = s.values.services; return { key: "ecs-ship:servics", what: "misspelled namespace key" }; },
    (s) => { s.values.containerInsights = "yes"; return { key: "ecs-ship:containerInsights", what: "boolean as text" }; },
    (s) => { s.values.network = { vpcId: "vpc-0123456789abcdef0" }; return { key: "ecs-ship:network.publicSubnetIds", what: "VPC without subnets" }; },
    (s) => { s.values.network = { create: false, natStrategy: "Single" }; return { key: "ecs-ship:network.natStrategy", what: "NAT without create" }; },
    (s) => {
        const pub = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"];
        s.values.network = { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: pub, privateSubnetIds: [pub[0]] };
        return { key: "ecs-ship:network.privateSubnetIds", what: "a subnet both public and private" };
    },
    (s) => { s.values.services = {}; return { key: "ecs-ship:services", what: "no services" }; },
    (s) => { s.values.services.Web_1 = { mode: "fargate", image: { context: "app" } }; return { key: "ecs-ship:services.Web_1", what: "service name not a DNS label" }; },
];

/** A valid stack with exactly one thing broken. */
export const brokenStack: fc.Arbitrary<BrokenStack> = fc.tuple(validStack, fc.nat(), fc.nat()).map(([s, b, i]) => {
    const names = Object.keys(s.values.services);
    const copy: GeneratedStack = structuredClone(s);
    for (let k = 0; k < BREAKERS.length; k++) {
        const broken = BREAKERS[(b + k) % BREAKERS.length](copy, names[i % names.length]);
        if (broken) return { ...copy, ...broken };
    }
    throw new Error("no breaker applied");
});

/** The stack file a user would write for a generated stack. */
export function stackYaml(s: GeneratedStack): string {
    const config: Record<string, unknown> = { "aws:region": s.region };
    for (const [k, v] of Object.entries(s.values)) config[`ecs-ship:${k}`] = v;
    return stringify({ config });
}

/** Variable names the generators use are valid names (a guard on the generators themselves). */
export const GENERATED_NAMES_VALID = [...ENV_NAMES, ...SECRET_NAMES].every((n) => ENV_NAME.test(n));
