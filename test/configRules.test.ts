// The configuration rules a new user trips over: secret references, PORT, regions, stray
// namespaces, build inputs, and the task sizes each mode allows. parseSettings is pure.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSettings } from "../config";
import { problems, raw, web } from "./support/configFixtures";
import { secretsPolicy } from "../components/service/serviceArgs";

const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf";

describe("config: secret references", () => {
    it("accepts the JSON-key form and grants read on the secret itself", () => {
        // GIVEN a secret read by JSON key, as ECS takes it (<arn>:<json-key>:<version-stage>:<version-id>)
        const ref = `${SECRET}:password::`;
        // WHEN it is parsed and turned into the execution role's policy
        const svc = parseSettings(raw(web({ secrets: { DB_PASSWORD: ref } }))).services[0];
        // THEN the reference reaches the container as given, and IAM names the secret's ARN
        assert.deepEqual(svc.secrets, { DB_PASSWORD: ref });
        assert.deepEqual(secretsPolicy(svc.secrets!)!.Statement, [
            { Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET] },
        ]);
    });

    it("accepts a version stage and grants on the secret's ARN once for two references", () => {
        const svc = parseSettings(raw(web({ secrets: { A: `${SECRET}::AWSPREVIOUS:`, B: `${SECRET}:user::` } }))).services[0];
        assert.deepEqual((secretsPolicy(svc.secrets!)!.Statement as { Resource: string[] }[])[0].Resource, [SECRET]);
    });

    it("refuses a secret ARN without its 6-character suffix, and says why", () => {
        assert.deepEqual(problems(raw(web({ secrets: { DB: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db" } }))), [
            'ecs-ship:services.web.secrets.DB: must be the secret\'s full ARN, which ends in "-" and the 6 characters Secrets Manager adds to the name (…:secret:prod/db-AbCdEf; see `aws secretsmanager describe-secret`), got "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db"',
        ]);
    });
});

describe("config: PORT", () => {
    it("refuses an environment PORT that disagrees with port", () => {
        assert.deepEqual(problems(raw(web({ port: 5000, environment: { PORT: 3000 } }))), [
            'ecs-ship:services.web.environment.PORT: must equal port (5000), since the load balancer sends traffic to port; set port instead, got 3000',
        ]);
    });

    it("refuses an environment PORT beside the default port", () => {
        assert.deepEqual(problems(raw(web({ environment: { PORT: "3000" } }))), [
            'ecs-ship:services.web.environment.PORT: must equal port (8080), since the load balancer sends traffic to port; set port instead, got "3000"',
        ]);
    });

    it("accepts an environment PORT equal to port", () => {
        assert.deepEqual(parseSettings(raw(web({ port: 3000, environment: { PORT: "3000" } }))).services[0].environment, { PORT: "3000" });
    });

    it("refuses PORT from a secret", () => {
        assert.deepEqual(problems(raw(web({ secrets: { PORT: "arn:aws:ssm:us-east-1:123456789012:parameter/port" } }))), [
            'ecs-ship:services.web.secrets.PORT: PORT is set from port (8080); remove it from secrets, got "arn:aws:ssm:us-east-1:123456789012:parameter/port"',
        ]);
    });
});

describe("config: region", () => {
    it("refuses a region AWS does not have, listing the ones it does", () => {
        const [p] = problems(raw({}, { region: "us-east-9" }));
        assert.match(p, /^aws:region: must be one of af-south-1, .*us-east-1, us-east-2, us-west-1, us-west-2 \(AWS Regions\), got "us-east-9"$/);
        assert.doesNotMatch(p, /cn-north-1|us-gov-/);
    });

    it("refuses a Region of another partition by name, saying why", () => {
        // GIVEN China and GovCloud Regions, which the provider knows  WHEN parsed  THEN refused with the partition named
        assert.deepEqual(problems(raw({}, { region: "cn-north-1" })), [
            "aws:region: must be a Region of the aws partition; cn-north-1 is in aws-cn (China), where the managed policy ARNs ecs-ship attaches (arn:aws:iam::aws:policy/…) do not exist, got \"cn-north-1\"",
        ]);
        assert.match(problems(raw({}, { region: "us-gov-west-1" }))[0], /us-gov-west-1 is in aws-us-gov \(GovCloud\)/);
    });

    it("accepts a newer region the provider knows", () => {
        assert.equal(parseSettings(raw({}, { region: "mx-central-1" })).region, "mx-central-1");
    });
});

describe("config: keys", () => {
    it("names a stray namespace that looks like a typo of ecs-ship, besides the missing key", () => {
        const input = raw({ services: undefined }, { otherKeys: ["ecs-shop:services", "aws:profile", "pulumi:tags"] });
        assert.deepEqual(problems(input), [
            'ecs-shop:services: unknown namespace "ecs-shop", which ecs-ship does not read; did you mean ecs-ship:services?',
            "ecs-ship:services: is required: define at least one service, for example `web: { mode: express }`, got nothing",
        ]);
    });

    it("suggests nothing for an unknown key unlike any allowed one", () => {
        assert.deepEqual(problems(raw(web({ replicas: 2 }))), [
            "ecs-ship:services.web.replicas: unknown key; allowed keys are mode, image, port, cpu, memory, architecture, healthCheckPath, versionPath, desiredCount, scaling, environment, secrets, secretsKmsKeyArn, taskPolicyStatements, spot, certificateArn, deregistrationDelay, healthCheckGracePeriod, logRetentionDays, domain, hostedZone, hostedZoneId, path, priority, alarms, deployment, release, sidecars, kind, command, exec",
        ]);
    });

    it("names an unknown top-level key with the allowed ones", () => {
        assert.deepEqual(problems(raw({ servics: {} })), [
            "ecs-ship:servics: unknown key; did you mean services? allowed keys are github, backend, registry, network, containerInsights, loadBalancer, services, jobs, review",
        ]);
    });
});

describe("config: task sizes per mode", () => {
    it("accepts arm64 with Fargate Spot (ECS API Reference, CapacityProviderStrategyItem: ARM64 on platform 1.4.0+)", () => {
        const svc = parseSettings(raw(web({ mode: "fargate", architecture: "arm64", spot: true }))).services[0];
        assert.deepEqual([svc.architecture, svc.spot], ["arm64", true]);
    });

    it("accepts Express's largest size, 4096 CPU with 8192 MiB", () => {
        const svc = parseSettings(raw(web({ cpu: 4096, memory: 8192 }))).services[0];
        assert.deepEqual([svc.cpu, svc.memory], [4096, 8192]);
    });
});

describe("config: build inputs exist", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-config-"));
        fs.mkdirSync(path.join(dir, "app"));
        fs.writeFileSync(path.join(dir, "app", "Dockerfile"), "FROM scratch\n");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("accepts a context with its Dockerfile", () => {
        assert.equal(parseSettings(raw({}, { projectDir: dir })).services.length, 1);
    });

    it("refuses a context folder that does not exist", () => {
        assert.deepEqual(problems(raw(web({ image: { context: "services/web" } }), { projectDir: dir })), [
            `ecs-ship:services.web.image.context: must be a folder relative to the repository root (${dir}), got "services/web", but ${path.join(dir, "services", "web")} does not exist`,
        ]);
    });

    it("refuses a Dockerfile that does not exist inside the context", () => {
        assert.deepEqual(problems(raw(web({ image: { context: "app", dockerfile: "Dockerfile.prod" } }), { projectDir: dir })), [
            `ecs-ship:services.web.image.dockerfile: must be a file relative to ecs-ship:services.web.image.context ("app"), got "Dockerfile.prod", but ${path.join(dir, "app", "Dockerfile.prod")} does not exist`,
        ]);
    });

    it("refuses a context without the default Dockerfile, saying it is the default", () => {
        fs.mkdirSync(path.join(dir, "empty"));
        assert.deepEqual(problems(raw(web({ image: { context: "empty" } }), { projectDir: dir })), [
            `ecs-ship:services.web.image.dockerfile: must be a file relative to ecs-ship:services.web.image.context ("empty"), got "Dockerfile" (the default), but ${path.join(dir, "empty", "Dockerfile")} does not exist`,
        ]);
    });
});

describe("config: the front door", () => {
    const fargate = (extra: Record<string, unknown> = {}) => ({ mode: "fargate", image: { context: "app" }, ...extra });
    const two = (a: Record<string, unknown>, b: Record<string, unknown>, stack: Record<string, unknown> = {}) =>
        raw({ services: { site: fargate(a), api: fargate(b) }, ...stack });

    it("accepts two services on one domain, one on its own path, on the shared load balancer", () => {
        // GIVEN a storefront and its API on shop.example.com  WHEN parsed  THEN accepted
        const s = parseSettings(two({ domain: "shop.example.com" }, { domain: "shop.example.com", path: "/api" }));
        assert.deepEqual(s.services.map((x) => [x.name, x.domain, x.path]), [["api", "shop.example.com", "/api"], ["site", "shop.example.com", undefined]]);
    });

    it("refuses one domain on two services that each have their own load balancer", () => {
        assert.deepEqual(problems(two({ domain: "shop.example.com" }, { domain: "shop.example.com" }, { loadBalancer: { shared: false } })), [
            "ecs-ship:services.site.domain: is also api's; services share a domain only on the shared load balancer (ecs-ship:loadBalancer.shared: true), each on its own path; got \"shop.example.com\" for both",
        ]);
    });

    it("refuses services on one domain that name different zones or certificates", () => {
        assert.deepEqual(problems(two({ domain: "shop.example.com", hostedZoneId: "Z0441852ABCDEFGHIJK" }, { domain: "shop.example.com", path: "/api" })), [
            "ecs-ship:services.site.hostedZoneId: must equal services.api.hostedZoneId: both serve shop.example.com, which has one certificate and one zone; got \"Z0441852ABCDEFGHIJK\", and nothing on api",
        ]);
    });

    it("refuses two services with the same route, and two with the same priority", () => {
        assert.deepEqual(problems(two({ path: "/x" }, { path: "/x/" })), [
            "ecs-ship:services.site.path: routes the same requests as api on the shared load balancer; give each its own domain or path, got the same for api, site",
        ]);
        assert.deepEqual(problems(two({ priority: 7 }, { priority: 7 })), [
            "ecs-ship:services.site.priority: must differ from the rule priority of api on the shared load balancer; set `priority` (1-50000) on one of api, site, got 7 for both",
        ]);
    });

    it("refuses a health check or version path outside the service's path prefix, saying which path to use", () => {
        // GIVEN api at /api and site at its default /site, with probes at the app's root
        const p = problems(two({ healthCheckPath: "/health" }, { path: "/api", healthCheckPath: "/healthz?full=1", versionPath: "/api/version" }));
        // THEN each names the key, the prefix, the path to use instead, and what was given; /api/version is fine
        assert.deepEqual(p, [
            "ecs-ship:services.site.healthCheckPath: must lie under the service's path /site (the default path of a service without a domain on the shared load balancer): the load balancer forwards /site and /site/* to the app unchanged, so the app serves under it and the deploy gate requests this path through the load balancer; use \"/site/health\", or give the service a domain or `path: /`, got \"/health\"",
            "ecs-ship:services.api.healthCheckPath: must lie under the service's path /api: the load balancer forwards /api and /api/* to the app unchanged, so the app serves under it and the deploy gate requests this path through the load balancer; use \"/api/healthz?full=1\", or give the service a domain or `path: /`, got \"/healthz?full=1\"",
        ].sort());
        // AND probes under the prefix, or on a service reached by host or catch-all, are accepted
        parseSettings(two({ path: "/", healthCheckPath: "/health" }, { path: "/api", healthCheckPath: "/api?deep=1", versionPath: "/api/v" }));
        // (api's default path is /api, so /api/health lies under it)
        parseSettings(two({ domain: "shop.example.com", healthCheckPath: "/up" }, { healthCheckPath: "/api/health" }));
    });

    it("refuses a zone without a domain, naming the service's own key", () => {
        assert.deepEqual(problems(raw({ services: { site: fargate({ hostedZone: "example.com" }) } })), [
            "ecs-ship:services.site.hostedZone: applies only with this service's domain set, got \"example.com\" without it",
        ]);
    });

    it("refuses path and priority on a service with a load balancer of its own", () => {
        assert.deepEqual(problems(raw({ services: { site: fargate({ path: "/s", priority: 9 }) } })), [
            "ecs-ship:services.site.path: applies only on a shared load balancer (ecs-ship:loadBalancer.shared, the default with two or more Fargate services); this service has its own, got \"/s\"",
            "ecs-ship:services.site.priority: applies only on a shared load balancer (ecs-ship:loadBalancer.shared, the default with two or more Fargate services); this service has its own, got 9",
        ]);
    });
});
