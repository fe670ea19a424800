// What each scenario of the corpus (test/scenarios/<id>/Pulumi.<stack>.yaml) must plan to, written
// by hand from what the team asked for in its stack file, not read back from a plan.
//
// A service's expectation starts from the documented defaults of its mode (DEFAULTS below) and
// overrides what its stack file sets. The test adds what every service gets: `PORT` in its
// environment, a repository `ecs-ship-<stack>-<service>` unless the image is prebuilt, and the
// default VPC's subnets unless a network says otherwise. Counts start from BASE_COUNTS.
import { Counts, ServiceFacts } from "../support/planFacts";

/**
 * Subnets as a scenario names them: literal ids; "default" (every default subnet of the region's
 * default VPC) or "default:alb" (the first two, sorted); "vpc:public" / "vpc:private" (the created
 * VPC's subnets of that type); null (none passed: AWS chooses).
 */
export type SubnetRef = string[] | "default" | "default:alb" | "vpc:public" | "vpc:private" | null;

export interface ExpectedService extends Partial<Omit<ServiceFacts, "subnets" | "albSubnets" | "environment">> {
    mode: "express" | "fargate";
    /** The user's own variables; PORT is added from `port`. */
    environment?: Record<string, string>;
    subnets?: SubnetRef;
    albSubnets?: SubnetRef;
}

export interface Scenario {
    counts: Partial<Counts>;
    /** Subnet zones the offline plan had to assume (one line each). @default 0 */
    assumptions?: number;
    /** The created VPC's awsx inputs and NAT gateways, when the scenario creates one. */
    vpc?: { natStrategy: "None" | "Single" | "OnePerAz"; subnetSpecs: string[]; natGateways: number };
    services: Record<string, ExpectedService>;
}

export const BASE_COUNTS: Counts = {
    repositories: 0, images: 0, expressServices: 0, fargateServices: 0, taskDefinitions: 0, loadBalancers: 0,
    listeners: 0, listenerRules: 0, certificates: 0, dnsRecords: 0, vpcs: 0, networks: 0, oidcProviders: 1, secretPolicies: 0, taskRoles: 0,
};

/** Each mode's defaults, as docs/configuration.md documents them. */
export const DEFAULTS: Record<"express" | "fargate", Omit<ExpectedService, "mode" | "image" | "repository" | "environment">> = {
    fargate: {
        port: 8080, healthCheckPath: "/health", cpu: 256, memory: 512, architecture: "X86_64", capacity: ["FARGATE"],
        listeners: ["HTTP:80 forward"], secrets: {}, secretReads: [], subnets: "default", albSubnets: "default:alb",
        assignPublicIp: true, desiredCount: 1, scaling: { min: 1, max: 4, metric: "cpu", target: 60 },
    },
    express: {
        port: 8080, healthCheckPath: "/health", cpu: 256, memory: 512, architecture: "X86_64", capacity: ["EXPRESS"],
        listeners: [], secrets: {}, secretReads: [], subnets: null, scaling: { min: 1, max: 4, metric: "cpu", target: 60 },
    },
};

const DIGEST1 = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const DIGEST2 = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
const OWN_PUBLIC = ["subnet-0aa11bb22cc33dd40", "subnet-0aa11bb22cc33dd41"];
const OWN_PRIVATE = ["subnet-0ee11ff22aa33bb50", "subnet-0ee11ff22aa33bb51"];
const HTTPS = ["HTTP:80 redirect", "HTTPS:443 forward"];
const KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** A service's one rule on a shared load balancer without HTTPS, by its path. */
const byPath = (path: string) => [`HTTP:80 forward path /${path},/${path}/*`];
/** A service's two rules on a shared load balancer by its host name: HTTP redirects, HTTPS forwards. */
const byHost = (host: string) => [`HTTP:80 redirect host ${host}`, `HTTPS:443 forward host ${host}`];

/** One Fargate and one Express service, both built, on the stack's network. */
/** The hundred-services scenario's services, in its stack file's order. */
const HUNDRED = [
    "catalog", "cart", "checkout", "orders", "payments", "refunds", "invoices", "billing", "pricing", "promotions",
    "coupons", "loyalty", "reviews", "ratings", "search", "suggest", "recommend", "inventory", "stock", "warehouse",
    "shipping", "tracking", "returns", "customers", "accounts", "profiles", "auth", "sessions", "tokens", "permissions",
    "teams", "orgs", "notify", "email", "sms", "push", "webhooks", "events", "audit", "reports",
    "analytics", "metrics", "dashboards", "exports", "imports", "media", "images", "thumbs", "videos", "uploads",
    "files", "documents", "templates", "content", "pages", "blog", "comments", "forums", "chat", "support",
    "tickets", "faq", "help", "feedback", "surveys", "forms", "scheduler", "calendar", "bookings", "slots",
    "partners", "vendors", "suppliers", "contracts", "quotes", "tax", "currency", "geo", "maps", "stores",
    "kiosk", "pos", "mobile-api", "web-api", "admin", "backoffice", "cms", "gateway", "graphql", "health",
    "status", "flags", "config", "ledger", "wallet", "fraud", "risk", "kyc", "compliance", "archive",
];
const built = { repositories: 2, images: 2 };
/** A web service and a worker built from one folder, Dockerfile and architecture: one repository, one build (config/sharedBuild.ts). */
const oneBuild = { repositories: 1, images: 1 };
const oneFargate = { fargateServices: 1, taskDefinitions: 1, loadBalancers: 1, listeners: 1, networks: 1 };
const oneExpress = { expressServices: 1 };

export const SCENARIOS: Record<string, Scenario> = {
    // ---- The front door (issue 16) ----
    "front-door-hosts": {
        // One ALB, HTTP and HTTPS listeners, two rules per service; a created certificate per domain,
        // with its validation record and the alias record: two records per service.
        counts: { repositories: 3, images: 3, fargateServices: 3, taskDefinitions: 3, loadBalancers: 1, listeners: 2, listenerRules: 6, certificates: 3, dnsRecords: 6, networks: 1 },
        services: {
            web: { mode: "fargate", listeners: byHost("www.example.com") },
            api: { mode: "fargate", listeners: byHost("api.example.com") },
            admin: { mode: "fargate", listeners: byHost("admin.example.com") },
        },
    },
    "front-door-shared-domain": {
        // Two services on one host: one certificate, its validation record and one alias record; a
        // host-only rule for the storefront and a host-and-path rule for the API.
        counts: { repositories: 2, images: 2, fargateServices: 2, taskDefinitions: 2, loadBalancers: 1, listeners: 2, listenerRules: 4, certificates: 1, dnsRecords: 2, networks: 1 },
        services: {
            storefront: { mode: "fargate", listeners: byHost("shop.example.com") },
            api: { mode: "fargate", listeners: ["HTTP:80 redirect host shop.example.com path /api,/api/*", "HTTPS:443 forward host shop.example.com path /api,/api/*"], healthCheckPath: "/api/health" },
        },
    },
    "front-door-options": {
        // shared: true with one service: the shared load balancer, HTTPS with the domain's certificate.
        counts: { repositories: 1, images: 1, fargateServices: 1, taskDefinitions: 1, loadBalancers: 1, listeners: 2, listenerRules: 2, certificates: 1, dnsRecords: 2, networks: 1 },
        services: { web: { mode: "fargate", listeners: byHost("book.example.org") } },
    },
    "front-door-paths": {
        counts: { repositories: 3, images: 3, fargateServices: 3, taskDefinitions: 3, loadBalancers: 1, listeners: 1, listenerRules: 3, networks: 1 },
        services: {
            site: { mode: "fargate", listeners: ["HTTP:80 forward path /*"] },
            api: { mode: "fargate", listeners: ["HTTP:80 forward path /api/v1,/api/v1/*"], healthCheckPath: "/api/v1/health" },
            docs: { mode: "fargate", listeners: byPath("docs"), healthCheckPath: "/docs/health" },
        },
    },
    "front-door-single": {
        // Its own ALB with HTTPS and the redirect, a created certificate, its validation and alias records.
        counts: { repositories: 1, images: 1, ...oneFargate, listeners: 2, certificates: 1, dnsRecords: 2 },
        services: { portal: { mode: "fargate", listeners: HTTPS } },
    },
    "starter-express": {
        counts: { repositories: 1, images: 1, ...oneExpress },
        services: { web: { mode: "express" } },
    },
    "starter-fargate": {
        counts: { repositories: 1, images: 1, ...oneFargate },
        services: { web: { mode: "fargate" } },
    },
    // ---- Every network mode, for Fargate and Express (issue 12, part 2) ----
    "net-express-default": {
        // Express alone needs no StackNetwork: AWS uses the default VPC when no subnets are given.
        counts: { repositories: 1, images: 1, ...oneExpress },
        services: { api: { mode: "express", subnets: null } },
    },
    "net-default": {
        counts: { ...built, ...oneFargate, ...oneExpress },
        services: {
            web: { mode: "fargate", subnets: "default", albSubnets: "default:alb", assignPublicIp: true },
            api: { mode: "express", subnets: "default" },
        },
    },
    "net-public": {
        counts: { ...built, ...oneFargate, ...oneExpress },
        assumptions: 2,
        services: {
            web: { mode: "fargate", subnets: OWN_PUBLIC, albSubnets: OWN_PUBLIC, assignPublicIp: true },
            api: { mode: "express", subnets: OWN_PUBLIC },
        },
    },
    "net-public-three-zones": {
        counts: { repositories: 1, images: 1, ...oneFargate },
        assumptions: 3,
        services: {
            web: { mode: "fargate", subnets: [...OWN_PUBLIC, "subnet-0aa11bb22cc33dd42"], albSubnets: OWN_PUBLIC, assignPublicIp: true },
        },
    },
    "net-private": {
        counts: { ...built, ...oneFargate, ...oneExpress },
        assumptions: 2,
        services: {
            web: {
                mode: "fargate", subnets: OWN_PRIVATE, albSubnets: OWN_PUBLIC, assignPublicIp: false,
                desiredCount: 2, scaling: { min: 2, max: 6, metric: "cpu", target: 60 },
            },
            api: { mode: "express", subnets: OWN_PUBLIC },
        },
    },
    "net-create-none": {
        counts: { ...built, ...oneFargate, ...oneExpress, vpcs: 1 },
        vpc: { natStrategy: "None", subnetSpecs: ["Public"], natGateways: 0 },
        services: {
            web: { mode: "fargate", subnets: "vpc:public", albSubnets: "vpc:public", assignPublicIp: true },
            api: { mode: "express", subnets: "vpc:public" },
        },
    },
    "net-create-single": {
        counts: { ...built, ...oneFargate, ...oneExpress, vpcs: 1 },
        vpc: { natStrategy: "Single", subnetSpecs: ["Public", "Private"], natGateways: 1 },
        services: {
            web: { mode: "fargate", subnets: "vpc:private", albSubnets: "vpc:public", assignPublicIp: false },
            api: { mode: "express", subnets: "vpc:public" },
        },
    },
    "net-create-oneperaz": {
        counts: { ...built, ...oneFargate, ...oneExpress, vpcs: 1 },
        vpc: { natStrategy: "OnePerAz", subnetSpecs: ["Public", "Private"], natGateways: 2 },
        services: {
            web: { mode: "fargate", subnets: "vpc:private", albSubnets: "vpc:public", assignPublicIp: false },
            api: { mode: "express", subnets: "vpc:public" },
        },
    },
    // ---- Images: prebuilt by digest, and the teams' own Dockerfiles ----
    "prebuilt-express": {
        counts: { ...oneExpress },
        services: { api: { mode: "express", image: `123456789012.dkr.ecr.us-west-2.amazonaws.com/payments/api@${DIGEST1}`, port: 8081 } },
    },
    "prebuilt-fargate": {
        counts: { ...oneFargate },
        services: { wiki: { mode: "fargate", image: `ghcr.io/acme/wiki@${DIGEST2}`, port: 3000, healthCheckPath: "/healthcheck" } },
    },
    "python-api": {
        counts: { repositories: 1, images: 1, ...oneFargate },
        services: { api: { mode: "fargate", port: 8000, healthCheckPath: "/healthz", environment: { PYTHONUNBUFFERED: "1" } } },
    },
    "rails-app": {
        counts: { repositories: 1, images: 1, ...oneExpress },
        services: {
            store: {
                mode: "express", port: 3000, cpu: 1024, memory: 2048, healthCheckPath: "/up",
                environment: { RAILS_ENV: "production", RAILS_LOG_TO_STDOUT: "true" },
            },
        },
    },
    "spring-boot": {
        counts: { repositories: 1, images: 1, ...oneFargate },
        services: {
            ledger: {
                mode: "fargate", port: 8080, cpu: 1024, memory: 2048, healthCheckPath: "/actuator/health",
                environment: { JAVA_TOOL_OPTIONS: "-XX:MaxRAMPercentage=75" },
            },
        },
    },
    "monorepo-dockerfile": {
        counts: { repositories: 1, images: 1, ...oneExpress },
        services: { api: { mode: "express", port: 4000, healthCheckPath: "/api/health" } },
    },
    "static-site": {
        counts: { repositories: 1, images: 1, ...oneFargate },
        services: { docs: { mode: "fargate", port: 80, healthCheckPath: "/" } },
    },
    // ---- Secrets: the execution role reads exactly the secrets named, by the secret's own ARN ----
    "secrets-fargate": {
        counts: { repositories: 1, images: 1, ...oneFargate, secretPolicies: 1 },
        services: {
            api: {
                mode: "fargate", port: 9090, healthCheckPath: "/ready",
                secrets: {
                    DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf:password::",
                    DB_USER: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf:username::",
                    FEATURE_FLAGS: "arn:aws:ssm:us-east-1:123456789012:parameter/billing/flags",
                    STRIPE_KEY: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/stripe-Zx9Yw8",
                },
                // Two JSON keys of one secret are one grant on that secret; the key decrypts them.
                secretReads: [
                    KMS_KEY,
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/stripe-Zx9Yw8",
                    "arn:aws:ssm:us-east-1:123456789012:parameter/billing/flags",
                ],
            },
        },
    },
    // ---- Release tasks and sidecars (issue 27) ----
    "release-fargate": {
        // The release runs the service's own task definition: no task definition of its own.
        counts: { repositories: 1, images: 1, ...oneFargate, secretPolicies: 1 },
        services: {
            web: {
                mode: "fargate", cpu: 512, memory: 1024,
                environment: { DJANGO_SETTINGS_MODULE: "shop.settings.production" },
                secrets: { DATABASE_URL: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/shop/db-Xy12Ab" },
                secretReads: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/shop/db-Xy12Ab"],
                release: { command: ["python", "manage.py", "migrate", "--noinput"], timeoutMinutes: 20, family: "ecs-ship-prod-web" },
            },
        },
    },
    "release-express": {
        // Express manages the service's task definition, so the release has one of its own.
        counts: { repositories: 1, images: 1, ...oneExpress, taskDefinitions: 1, secretPolicies: 1 },
        services: {
            web: {
                mode: "express",
                environment: { DJANGO_SETTINGS_MODULE: "shop.settings.staging" },
                secrets: { DATABASE_URL: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:staging/shop/db-Qw34Er" },
                secretReads: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:staging/shop/db-Qw34Er"],
                release: { command: ["python", "manage.py", "migrate", "--noinput"], timeoutMinutes: 15, family: "ecs-ship-staging-web-release" },
            },
        },
    },
    "sidecar-proxy": {
        // The agent's secret is read by the execution role, which starts every container of the task.
        counts: { repositories: 1, images: 1, ...oneFargate, secretPolicies: 1 },
        services: {
            api: {
                mode: "fargate",
                secretReads: ["arn:aws:ssm:us-east-1:123456789012:parameter/orders/datadog-api-key"],
                sidecars: {
                    agent: { image: "public.ecr.aws/datadog/agent@sha256:6b8e3f0a1c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7", essential: false, ports: [8125], dependsOn: ["proxy HEALTHY"], logRetentionDays: 14 },
                    proxy: {
                        image: "public.ecr.aws/appmesh/aws-appmesh-envoy@sha256:1f4ca5b2a1c7d7e0a5e0f0c6f3c8b6d9e2a7c4b1d0e9f8a7b6c5d4e3f2a1b0c9",
                        essential: true, ports: [9901, 15000], dependsOn: ["app START"], logRetentionDays: 14,
                    },
                },
            },
        },
    },
    "secrets-express": {
        counts: { repositories: 1, images: 1, ...oneExpress, secretPolicies: 1 },
        services: {
            api: {
                mode: "express",
                secrets: {
                    API_TOKEN: "arn:aws:ssm:us-east-1:123456789012:parameter/billing/api-token",
                    DB_URL: "arn:aws:secretsmanager:us-east-1:123456789012:secret:dev/db-Qw3Er5:url:AWSPREVIOUS:",
                },
                secretReads: [
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:dev/db-Qw3Er5",
                    "arn:aws:ssm:us-east-1:123456789012:parameter/billing/api-token",
                ],
            },
        },
    },
    // ---- HTTPS, platform and capacity ----
    "https-fargate": {
        counts: { repositories: 1, images: 1, ...oneFargate, listeners: 2 },
        services: { web: { mode: "fargate", listeners: HTTPS } },
    },
    "arm64-fargate": {
        counts: { repositories: 1, images: 1, ...oneFargate },
        services: { web: { mode: "fargate", architecture: "ARM64" } },
    },
    "spot-fargate": {
        counts: { repositories: 1, images: 1, ...oneFargate },
        services: { web: { mode: "fargate", capacity: ["FARGATE_SPOT"] } },
    },
    // ---- Review environments (issue 30) ----
    // Pull request 42's copy of the review template: the template's services at review defaults (one task,
    // scaling max 1, Fargate Spot for Fargate), names under ecs-ship-pr-42, and no trust of its own: no OIDC
    // provider (the review stack's trust serves every pull request).
    "review-env": {
        counts: { ...built, ...oneFargate, ...oneExpress, oidcProviders: 0 },
        services: {
            web: { mode: "fargate", cpu: 512, memory: 1024, capacity: ["FARGATE_SPOT"], environment: { APP_ENV: "review" }, scaling: { min: 1, max: 1, metric: "cpu", target: 60 } },
            api: { mode: "express", subnets: "default", scaling: { min: 1, max: 1, metric: "cpu", target: 60 } },
        },
    },
    "arm64-spot": {
        counts: { repositories: 1, images: 1, ...oneFargate },
        services: { web: { mode: "fargate", architecture: "ARM64", capacity: ["FARGATE_SPOT"], cpu: 512, memory: 1024 } },
    },
    // ---- Whole teams ----
    // A hundred Fargate services on one shared load balancer: exactly its quota of rules and target groups
    // (ELB User Guide, "Quotas for your Application Load Balancers": 100 each), and the trust within IAM's.
    "hundred-services": {
        counts: { repositories: 100, images: 100, fargateServices: 100, taskDefinitions: 100, loadBalancers: 1, listeners: 1, listenerRules: 100, networks: 1 },
        services: Object.fromEntries(HUNDRED.map((n) => [n, { mode: "fargate" as const, listeners: byPath(n), healthCheckPath: `/${n}/health` }])),
    },
    "ten-services": {
        counts: {
            // Six Fargate services, one load balancer (issue 16): one listener, one rule each by /<service>.
            repositories: 8, images: 8, expressServices: 4, fargateServices: 6, taskDefinitions: 6, loadBalancers: 1, listeners: 1, listenerRules: 6, networks: 1,
        },
        services: {
            web: { mode: "fargate", listeners: byPath("web"), healthCheckPath: "/web/health" }, api: { mode: "express", subnets: "default" }, auth: { mode: "fargate", listeners: byPath("auth"), healthCheckPath: "/auth/health" },
            cart: { mode: "express", subnets: "default" }, admin: { mode: "express", subnets: "default" },
            media: { mode: "fargate", listeners: byPath("media"), healthCheckPath: "/media/health" }, mail: { mode: "express", subnets: "default" }, pay: { mode: "fargate", listeners: byPath("pay"), healthCheckPath: "/pay/health" },
            search: { mode: "fargate", image: `123456789012.dkr.ecr.eu-central-1.amazonaws.com/shared/search@${DIGEST1}`, listeners: byPath("search"), healthCheckPath: "/search/health" },
            feed: { mode: "fargate", image: `123456789012.dkr.ecr.eu-central-1.amazonaws.com/shared/feed@${DIGEST1}`, listeners: byPath("feed"), healthCheckPath: "/feed/health" },
        },
    },
    // Names of length-limited resources are derived to fit (components/service/naming.ts); the pre-flight
    // check of every scenario proves each fits its limit.
    "long-names-production": {
        // Two Fargate services share one load balancer whose derived name fits 32 characters; a path rule each.
        counts: { repositories: 3, images: 3, expressServices: 1, fargateServices: 2, taskDefinitions: 2, loadBalancers: 1, listeners: 1, listenerRules: 2, networks: 1 },
        services: {
            "backend-api": { mode: "fargate", listeners: ["HTTP:80 forward path /backend-api,/backend-api/*"], healthCheckPath: "/backend-api/health", desiredCount: 2, scaling: { min: 2, max: 6, metric: "cpu", target: 60 } },
            "customer-notifications-worker": { mode: "fargate", listeners: ["HTTP:80 forward path /customer-notifications-worker,/customer-notifications-worker/*"], healthCheckPath: "/customer-notifications-worker/health" },
            "admin-dashboard": { mode: "express", port: 80, healthCheckPath: "/", subnets: "default" },
        },
    },
    "long-names-sandbox": {
        counts: { repositories: 1, images: 1, ...oneFargate },
        services: { "payments-reconciliation-worker": { mode: "fargate" } },
    },
    // One build, promoted (docs/promotion.md): staging builds both services; prod builds nothing and has no
    // repository. Planned alone, prod runs the placeholder digest in staging's repository (no digest passed);
    // test/promotion.test.ts plans it with the digest staging's plan deployed.
    "promotion/staging": {
        counts: { ...built, ...oneFargate, ...oneExpress },
        services: { web: { mode: "fargate" }, admin: { mode: "express", subnets: "default" } },
    },
    "promotion/prod": {
        counts: { ...oneFargate, ...oneExpress },
        services: {
            web: { mode: "fargate", image: `000000000000.dkr.ecr.eu-west-1.amazonaws.com/ecs-ship-staging-web@sha256:${"0".repeat(64)}`, desiredCount: 2, scaling: { min: 2, max: 6, metric: "cpu", target: 60 } },
            admin: { mode: "express", image: `000000000000.dkr.ecr.eu-west-1.amazonaws.com/ecs-ship-staging-admin@sha256:${"0".repeat(64)}`, subnets: "default" },
        },
    },
    "staging-stack": {
        counts: { ...built, ...oneFargate, ...oneExpress },
        services: {
            web: { mode: "fargate", desiredCount: 2, scaling: { min: 2, max: 4, metric: "cpu", target: 60 } },
            frontend: { mode: "express", port: 80, healthCheckPath: "/", subnets: "default" },
        },
    },
    "mixed-modes": {
        // Two Fargate services share one load balancer (issue 16): HTTP and HTTPS listeners, a rule per path
        // on each; adm has no certificate of its own but is forwarded on the HTTPS listener web's brought.
        counts: { ...built, ...oneExpress, fargateServices: 2, taskDefinitions: 2, loadBalancers: 1, listeners: 2, listenerRules: 4, networks: 1 },
        services: {
            web: { mode: "fargate", listeners: ["HTTP:80 redirect path /web,/web/*", "HTTPS:443 forward path /web,/web/*"], healthCheckPath: "/web/health", desiredCount: 2, scaling: { min: 2, max: 8, metric: "requests", target: 1000 } },
            api: { mode: "express", port: 8000, healthCheckPath: "/healthz", subnets: "default" },
            adm: { mode: "fargate", image: `ghcr.io/agency/admin@${DIGEST2}`, port: 3000, listeners: ["HTTP:80 forward path /adm,/adm/*", "HTTPS:443 forward path /adm,/adm/*"], healthCheckPath: "/adm/health" },
        },
    },
    "scaling-memory": {
        counts: { repositories: 1, images: 1, ...oneExpress },
        services: { reports: { mode: "express", cpu: 4096, memory: 8192, scaling: { min: 2, max: 10, metric: "memory", target: 70 } } },
    },
    "scaling-requests": {
        counts: { repositories: 1, images: 1, ...oneFargate },
        services: { web: { mode: "fargate", scaling: { min: 1, max: 5, metric: "requests", target: 300 } } },
    },
    "own-backend": {
        // A reused OIDC provider: the stack creates none.
        counts: { repositories: 1, images: 1, ...oneFargate, oidcProviders: 0 },
        services: { web: { mode: "fargate" } },
    },
    "task-role": {
        counts: { repositories: 1, images: 1, ...oneExpress, taskRoles: 1 },
        services: { api: { mode: "express" } },
    },
    "eu-express": {
        counts: { repositories: 1, images: 1, ...oneExpress },
        services: { app: { mode: "express", cpu: 512, memory: 1024, environment: { TZ: "Europe/Berlin" } } },
    },
    // ---- Workers and scheduled jobs (issue 27). Workers and jobs are not web services, so the
    // service facts list only the web ones; test/workloads.test.ts checks the worker and job resources.
    "django": {
        // Fargate web with its release migration + SQS worker + nightly job: two services and three task
        // definitions (the job's own family; the release runs the web family's new revision); the worker's SQS
        // permissions give it a task role; both read the database secret; the worker runs the web service's build.
        counts: { ...oneBuild, ...oneFargate, fargateServices: 2, taskDefinitions: 3, secretPolicies: 2, taskRoles: 1 },
        services: {
            web: {
                mode: "fargate", port: 8000, healthCheckPath: "/healthz", environment: { DJANGO_SETTINGS_MODULE: "shop.settings.prod" },
                secrets: { DATABASE_URL: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/db-AbCdEf" },
                secretReads: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/db-AbCdEf"],
                release: { command: ["python", "manage.py", "migrate"], timeoutMinutes: 15, family: "ecs-ship-prod-web" },
            },
        },
    },
    "django-staging": {
        // Express web with its release migration (its own release family, the third task definition) + Fargate
        // worker (with ECS Exec, hence a task role) + the nightly job from the web image.
        counts: { ...oneBuild, ...oneExpress, fargateServices: 1, taskDefinitions: 3, networks: 1, secretPolicies: 2, taskRoles: 1 },
        services: {
            web: {
                mode: "express", port: 8000, healthCheckPath: "/healthz", environment: { DJANGO_SETTINGS_MODULE: "shop.settings.staging" }, subnets: "default",
                secrets: { DATABASE_URL: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/staging/db-GhIjKl" },
                secretReads: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/staging/db-GhIjKl"],
                release: { command: ["python", "manage.py", "migrate"], timeoutMinutes: 15, family: "ecs-ship-staging-web-release" },
            },
        },
    },
    "worker-only": {
        // One prebuilt worker: no repository, no load balancer, the default VPC for its tasks.
        counts: { fargateServices: 1, taskDefinitions: 1, networks: 1 },
        services: {},
    },
};
