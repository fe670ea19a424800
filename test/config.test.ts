// config.ts: every validation rule, with the exact message, and the defaults.
// parseSettings is pure, so these run without mocks.
import { strict as assert } from "assert";
import { ConfigError, RawConfig, Settings, parseSettings } from "../config";

const SHA = "0123456789abcdef0123456789abcdef01234567";

/** A valid dev-like configuration; each test changes one thing. */
function raw(values: Record<string, unknown> = {}, overrides: Partial<RawConfig> = {}): RawConfig {
    return {
        stack: "dev",
        region: "us-east-1",
        values: {
            github: { repository: "acme/shop" },
            services: { web: { mode: "express", image: { context: "app" } } },
            ...values,
        },
        env: { GITHUB_SHA: SHA },
        gitHead: () => undefined,
        ...overrides,
    };
}

function web(service: Record<string, unknown>): Record<string, unknown> {
    return { services: { web: { mode: "express", image: { context: "app" }, ...service } } };
}

/** The problems parseSettings reports, or a failure when it accepts the input. */
function problems(input: RawConfig): string[] {
    try {
        parseSettings(input);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("configuration was accepted");
}

describe("config: defaults", () => {
    let s: Settings;
    before(() => { s = parseSettings(raw()); });

    it("derives the name prefix and the stack tags from the stack", () => {
        assert.equal(s.prefix, "ecs-ship-dev");
        assert.deepEqual(s.tags, { "ecs-ship:stack": "dev", "ecs-ship:managed-by": "pulumi" });
    });

    it("deploys from main, with a preview role, and creates the OIDC provider", () => {
        assert.deepEqual(s.github, {
            repository: "acme/shop", deployBranches: ["main"], deployEnvironments: [], pullRequestPreview: true,
            oidcProviderArn: undefined, retainProvider: false, maxSessionDuration: 3600,
        });
    });

    it("lets destroy remove a non-empty repository and keeps 30 images", () => {
        assert.deepEqual(s.registry, { forceDelete: true, keepImages: 30, kmsKeyArn: undefined });
    });

    it("fills every service default", () => {
        const svc = s.services[0];
        assert.deepEqual(
            { port: svc.port, cpu: svc.cpu, memory: svc.memory, architecture: svc.architecture, healthCheckPath: svc.healthCheckPath, desiredCount: svc.desiredCount, scaling: svc.scaling, spot: svc.spot, deregistrationDelay: svc.deregistrationDelay, healthCheckGracePeriod: svc.healthCheckGracePeriod, logRetentionDays: svc.logRetentionDays },
            { port: 8080, cpu: 256, memory: 512, architecture: "x86_64", healthCheckPath: "/health", desiredCount: 1, scaling: { min: 1, max: 4, metric: "cpu", target: 60 }, spot: false, deregistrationDelay: 30, healthCheckGracePeriod: 30, logRetentionDays: 30 },
        );
    });

    it("passes the port to the app as PORT", () => {
        assert.deepEqual(s.services[0].environment, { PORT: "8080" });
    });

    it("uses no custom network unless configured", () => {
        assert.equal(s.network, undefined);
    });
});

describe("config: image tag resolution", () => {
    it("takes the first 7 characters of image.tag when given", () => {
        const s = parseSettings(raw(web({ image: { context: "app", tag: "ABCDEF1234" } })));
        assert.deepEqual(s.services[0].image, { kind: "build", context: "app", dockerfile: "Dockerfile", tag: "abcdef1" });
    });

    it("falls back to GITHUB_SHA", () => {
        const s = parseSettings(raw());
        assert.equal((s.services[0].image as { tag: string }).tag, "0123456");
    });

    it("falls back to git rev-parse HEAD when GITHUB_SHA is unset", () => {
        const s = parseSettings(raw({}, { env: {}, gitHead: () => "fedcba9876543210" }));
        assert.equal((s.services[0].image as { tag: string }).tag, "fedcba9");
    });

    it("rejects an image.tag that is not 7-40 hex characters", () => {
        assert.deepEqual(problems(raw(web({ image: { context: "app", tag: "v1.2.3" } }))), [
            'ecs-ship:services.web.image.tag: must be a commit SHA of 7 to 40 hexadecimal characters, got "v1.2.3"',
        ]);
    });

    it("rejects a GITHUB_SHA that is not hex, naming the variable", () => {
        assert.deepEqual(problems(raw({}, { env: { GITHUB_SHA: "main" } })), [
            'GITHUB_SHA (environment): must be a commit SHA of 7 to 40 hexadecimal characters, got "main"',
        ]);
    });

    it("reports a missing commit when there is no tag, no GITHUB_SHA and no git checkout", () => {
        assert.deepEqual(problems(raw({}, { env: {} })), [
            "ecs-ship:services.web.image.tag: no commit SHA to tag the image with: set ecs-ship:services.web.image.tag, or GITHUB_SHA, or run from a git checkout, got nothing",
        ]);
    });

    it("needs no commit for a prebuilt image reference", () => {
        const ref = `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop@sha256:${"a".repeat(64)}`;
        const s = parseSettings(raw(web({ image: { ref } }), { env: {} }));
        assert.deepEqual(s.services[0].image, { kind: "ref", ref });
    });

    it("rejects an image.ref that is not pinned by digest", () => {
        assert.deepEqual(problems(raw(web({ image: { ref: "nginx:latest" } }))), [
            'ecs-ship:services.web.image.ref: must be pinned by digest, as <registry>/<repository>@sha256:<64 hex digits>, got "nginx:latest"',
        ]);
    });
});

describe("config: one rule, one message", () => {
    const cases: [string, RawConfig, string][] = [
        ["github missing", raw({ github: undefined }), "ecs-ship:github: is required, with at least `repository: owner/name`, got nothing"],
        ["repository missing", raw({ github: {} }), 'ecs-ship:github.repository: is required, as "owner/name", got nothing'],
        ["repository not owner/name", raw({ github: { repository: "shop" } }), 'ecs-ship:github.repository: must be "owner/name" (letters, digits, "-", and "." or "_" in the name), got "shop"'],
        ["repository with a wildcard", raw({ github: { repository: "acme/*" } }), 'ecs-ship:github.repository: must name exactly one repository, with no wildcard, got "acme/*"'],
        ["branch with a wildcard", raw({ github: { repository: "acme/shop", deployBranches: ["*"] } }), 'ecs-ship:github.deployBranches[0]: must be an exact branch name, with no wildcard ("*", "?", "[") or space, got "*"'],
        ["environment with a wildcard", raw({ github: { repository: "acme/shop", deployEnvironments: ["prod*"] } }), 'ecs-ship:github.deployEnvironments[0]: must be an exact environment name, with no wildcard ("*", "?", "[") or space, got "prod*"'],
        ["nothing may deploy", raw({ github: { repository: "acme/shop", deployBranches: [] } }), "ecs-ship:github.deployBranches: nothing could deploy: list at least one branch here or one environment in ecs-ship:github.deployEnvironments, got none"],
        ["services missing", raw({ services: undefined }), "ecs-ship:services: is required: define at least one service, for example `web: { mode: express }`, got nothing"],
        ["services empty", raw({ services: {} }), "ecs-ship:services: must define at least one service, got none"],
        ["service name not a DNS label", raw({ services: { Web_1: { mode: "express", image: { context: "app" } } } }), 'ecs-ship:services.Web_1: service name must be a lowercase DNS label (a-z, 0-9 and "-", starting with a letter, at most 63 characters), got "Web_1"'],
        ["a reserved service name", raw({ services: { github: { mode: "express", image: { context: "app" } } } }), 'ecs-ship:services.github: service name is reserved for the stack\'s own GitHub trust resources (the deploy role may not touch ecs-ship-<stack>-github-*); choose another, got "github"'],
        ["mode unknown", raw(web({ mode: "lambda" })), 'ecs-ship:services.web.mode: must be one of express, fargate, got "lambda"'],
        ["port not an integer", raw(web({ port: "80a" })), 'ecs-ship:services.web.port: must be an integer from 1 to 65535, got "80a"'],
        ["port out of range", raw(web({ port: 70000 })), "ecs-ship:services.web.port: must be an integer from 1 to 65535, got 70000"],
        ["cpu not a Fargate size", raw(web({ cpu: 300 })), "ecs-ship:services.web.cpu: must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 (Fargate task sizes), got 300"],
        ["memory not valid for the cpu", raw(web({ cpu: 256, memory: 4096 })), "ecs-ship:services.web.memory: with cpu 256, Fargate accepts 512, 1024, 2048 MiB, got 4096"],
        ["architecture unknown", raw(web({ architecture: "arm" })), 'ecs-ship:services.web.architecture: must be one of x86_64, arm64, got "arm"'],
        ["health path without a slash", raw(web({ healthCheckPath: "health" })), 'ecs-ship:services.web.healthCheckPath: must be a path starting with "/", got "health"'],
        ["scaling min above max", raw(web({ scaling: { min: 5, max: 2 }, desiredCount: 2 })), "ecs-ship:services.web.scaling.min: must not exceed ecs-ship:services.web.scaling.max (2), got 5"],
        ["scaling metric unknown", raw(web({ scaling: { metric: "latency" } })), 'ecs-ship:services.web.scaling.metric: must be one of cpu, memory, requests, got "latency"'],
        ["secret not an ARN", raw(web({ secrets: { DB_PASSWORD: "hunter2" } })), 'ecs-ship:services.web.secrets.DB_PASSWORD: must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>), got "hunter2"'],
        ["arm64 on express", raw(web({ architecture: "arm64" })), 'ecs-ship:services.web.architecture: Express Mode runs x86_64 tasks only; arm64 is allowed only with mode: fargate, got "arm64"'],
        ["spot on express", raw(web({ spot: true })), "ecs-ship:services.web.spot: Express Mode has no Fargate Spot option; allowed only with mode: fargate, got true"],
        ["image with context and ref", raw(web({ image: { context: "app", ref: "x" } })), "ecs-ship:services.web.image: Only one of `context` or `ref` can be provided, got both"],
        ["image with neither", raw(web({ image: { dockerfile: "Dockerfile" } })), "ecs-ship:services.web.image: Either `context` or `ref` must be provided, got neither"],
        ["keepImages below 1", raw({ registry: { keepImages: 0 } }), "ecs-ship:registry.keepImages: must be an integer from 1 to 1000, got 0"],
        ["desiredCount outside scaling", raw(web({ desiredCount: 9 })), "ecs-ship:services.web.desiredCount: must lie within scaling.min..scaling.max (1..4), got 9"],
        ["unknown service key", raw(web({ healthcheckPath: "/h" })), "ecs-ship:services.web.healthcheckPath: unknown key; allowed keys are mode, image, port, cpu, memory, architecture, healthCheckPath, desiredCount, scaling, environment, secrets, secretsKmsKeyArn, taskPolicyStatements, spot, certificateArn, deregistrationDelay, healthCheckGracePeriod, logRetentionDays"],
        ["region missing", raw({}, { region: undefined }), "aws:region: is required (for example us-east-1), got nothing"],
        ["certificate on express", raw(web({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" })), 'ecs-ship:services.web.certificateArn: Express Mode provisions its own HTTPS certificate; allowed only with mode: fargate, got "arn:aws:acm:us-east-1:123456789012:certificate/abc"'],
        ["log retention not a CloudWatch value", raw(web({ logRetentionDays: 10 })), "ecs-ship:services.web.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (CloudWatch Logs retention values), got 10"],
        ["variable in both environment and secrets", raw(web({ environment: { TOKEN: "x" }, secrets: { TOKEN: "arn:aws:ssm:us-east-1:123456789012:parameter/token" } })), "ecs-ship:services.web.secrets.TOKEN: is also set in ecs-ship:services.web.environment; a variable may come from one place only"],
    ];
    for (const [what, input, message] of cases) {
        it(`rejects ${what}`, () => {
            assert.deepEqual(problems(input), [message]);
        });
    }
});

describe("config: network", () => {
    it("rejects subnets without a VPC", () => {
        assert.deepEqual(problems(raw({ network: { publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] } })), [
            "ecs-ship:network.vpcId: is required when ecs-ship:network is set (or set ecs-ship:network.create: true), got nothing",
        ]);
    });

    it("rejects fewer than two public subnets", () => {
        assert.deepEqual(problems(raw({ network: { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0123456789abcdef0"] } })), [
            "ecs-ship:network.publicSubnetIds: must list at least 2 public subnets in different Availability Zones (the load balancer needs two), got 1",
        ]);
    });

    it("rejects a NAT strategy without a created VPC", () => {
        assert.deepEqual(problems(raw({ network: { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], natStrategy: "Single" } })), [
            'ecs-ship:network.natStrategy: applies only with ecs-ship:network.create: true, got "Single" without it',
        ]);
    });

    it("creates a dedicated VPC with no NAT gateway by default", () => {
        const s = parseSettings(raw({ network: { create: true } }));
        assert.deepEqual(s.network, { vpcId: undefined, publicSubnetIds: [], privateSubnetIds: [], create: true, natStrategy: "None" });
    });
});

describe("config: fargate-only settings", () => {
    it("rejects a certificate ARN that is not from ACM", () => {
        assert.deepEqual(problems(raw(web({ mode: "fargate", certificateArn: "arn:aws:iam::123456789012:server-certificate/x" }))), [
            'ecs-ship:services.web.certificateArn: must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got "arn:aws:iam::123456789012:server-certificate/x"',
        ]);
    });

    it("accepts spot on a fargate service", () => {
        assert.equal(parseSettings(raw(web({ mode: "fargate", spot: true }))).services[0].spot, true);
    });
});

describe("config: many problems at once", () => {
    // GIVEN a stack file with eleven distinct problems
    const input = raw({
        github: { repository: "acme/*", deployBranches: ["release/*"] },
        registry: { keepImages: 0 },
        services: {
            web: {
                mode: "lambda", image: { context: "app", ref: "x" }, port: "80a", cpu: 256, memory: 4096,
                architecture: "arm", healthCheckPath: "health", scaling: { metric: "latency" },
                secrets: { DB: "plain" },
            },
        },
    });

    it("lists every problem, each with its full key", () => {
        // WHEN it is parsed
        const found = problems(input);
        // THEN all eleven are reported together
        assert.deepEqual(found.map((p) => p.split(":").slice(0, 2).join(":").split(": ")[0]), [
            "ecs-ship:github.repository",
            "ecs-ship:github.deployBranches[0]",
            "ecs-ship:registry.keepImages",
            "ecs-ship:services.web.mode",
            "ecs-ship:services.web.image",
            "ecs-ship:services.web.port",
            "ecs-ship:services.web.memory",
            "ecs-ship:services.web.architecture",
            "ecs-ship:services.web.healthCheckPath",
            "ecs-ship:services.web.scaling.metric",
            "ecs-ship:services.web.secrets.DB",
        ]);
    });

    it("throws one error whose message names the stack and counts the problems", () => {
        assert.throws(() => parseSettings(input), (e: Error) => e.message.startsWith('Invalid ecs-ship configuration for stack "dev" (11 problems):\n  - ecs-ship:github.repository: '));
    });
});
