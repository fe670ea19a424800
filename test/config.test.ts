// config.ts: every validation rule, with the exact message, and the defaults.
// parseSettings is pure, so these run without mocks.
import { strict as assert } from "assert";
import { RawConfig, Settings, parseSettings } from "../config";
import { SUBJECT_FORMAT_HELP } from "../config/schema";
import { SHA, problems, raw, web } from "./support/configFixtures";

describe("config: passes on only what the user set", () => {
    let s: Settings;
    before(() => { s = parseSettings(raw()); });

    it("derives the name prefix and the stack tags from the stack", () => {
        assert.equal(s.prefix, "ecs-ship-dev");
        assert.deepEqual(s.tags, { "ecs-ship:stack": "dev", "ecs-ship:managed-by": "pulumi" });
    });

    it("fills no default into github, registry, backend or network: the components own them", () => {
        assert.deepEqual(s.github, { repository: "acme/shop" });
        assert.deepEqual(s.registry, {});
        assert.deepEqual(s.backend, {});
        assert.equal(s.network, undefined);
        assert.equal(s.containerInsights, undefined);
    });

    it("fills no service default either, and adds no PORT of its own", () => {
        assert.deepEqual(s.services[0], {
            name: "web", mode: "express", image: { kind: "build", context: "app", dockerfile: undefined, tag: "0123456" }, environment: undefined,
        });
    });

    it("passes set values through, with environment values as text", () => {
        const svc = parseSettings(raw(web({ port: 3000, cpu: 512, memory: 1024, environment: { PORT: 3000, DEBUG: true } }))).services[0];
        assert.deepEqual([svc.port, svc.cpu, svc.memory, svc.environment], [3000, 512, 1024, { PORT: "3000", DEBUG: "true" }]);
    });

    it("passes an existing VPC without a NAT strategy, which only a created VPC takes", () => {
        // The bug this catches: config filled natStrategy "None", which StackNetwork refuses beside vpcId.
        const network = { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] };
        assert.deepEqual(parseSettings(raw({ network })).network, network);
    });
});

describe("config: image tag resolution", () => {
    it("takes the first 7 characters of image.tag when given", () => {
        const s = parseSettings(raw(web({ image: { context: "app", tag: "ABCDEF1234" } })));
        assert.deepEqual(s.services[0].image, { kind: "build", context: "app", dockerfile: undefined, tag: "abcdef1" });
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
        ["repository written with GitHub's ids", raw({ github: { repository: "acme@123456/shop@456789" } }), `ecs-ship:github.repository: must be "owner/name" without ids: ${SUBJECT_FORMAT_HELP}, got "acme@123456/shop@456789"`],
        ["ownerId without repositoryId", raw({ github: { repository: "acme/shop", ownerId: 123456 } }), `ecs-ship:github.repositoryId: is required with ecs-ship:github.ownerId (GitHub's immutable subject names both ids): ${SUBJECT_FORMAT_HELP}, got only ownerId`],
        ["repositoryId not an integer", raw({ github: { repository: "acme/shop", ownerId: 123456, repositoryId: "456789" } }), 'ecs-ship:github.repositoryId: must be an integer from 1 to 9007199254740991, got "456789"'],
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
        ["cpu not a Fargate size", raw(web({ mode: "fargate", cpu: 300 })), "ecs-ship:services.web.cpu: must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 (Fargate task sizes), got 300"],
        ["cpu not an Express size", raw(web({ cpu: 8192, memory: 16384 })), "ecs-ship:services.web.cpu: must be one of 256, 512, 1024, 2048, 4096 (Express Mode task sizes), got 8192"],
        ["memory above Express's limit", raw(web({ cpu: 4096, memory: 16384 })), "ecs-ship:services.web.memory: Express Mode allows 512 to 8192 MiB, got 16384"],
        ["memory not valid for the cpu", raw(web({ cpu: 256, memory: 4096 })), "ecs-ship:services.web.memory: with cpu 256, Fargate accepts 512, 1024, 2048 MiB, got 4096"],
        ["architecture unknown", raw(web({ architecture: "arm" })), 'ecs-ship:services.web.architecture: must be one of x86_64, arm64, got "arm"'],
        ["health path without a slash", raw(web({ healthCheckPath: "health" })), 'ecs-ship:services.web.healthCheckPath: must be a path starting with "/", got "health"'],
        ["version path without a slash", raw(web({ versionPath: "version" })), 'ecs-ship:services.web.versionPath: must be a path starting with "/", got "version"'],
        ["scaling min above max", raw(web({ scaling: { min: 5, max: 2 }, desiredCount: 2 })), "ecs-ship:services.web.scaling.min: must not exceed ecs-ship:services.web.scaling.max (2), got 5"],
        ["scaling metric unknown", raw(web({ scaling: { metric: "latency" } })), 'ecs-ship:services.web.scaling.metric: must be one of cpu, memory, requests, queue, got "latency"'],
        ["secret not an ARN", raw(web({ secrets: { DB_PASSWORD: "hunter2" } })), 'ecs-ship:services.web.secrets.DB_PASSWORD: must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>[:<json-key>:<version-stage>:<version-id>]) or an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>), got "hunter2"'],
        ["arm64 on express", raw(web({ architecture: "arm64" })), 'ecs-ship:services.web.architecture: Express Mode runs x86_64 tasks only; arm64 is allowed only with mode: fargate, got "arm64"'],
        ["spot on express", raw(web({ spot: true })), "ecs-ship:services.web.spot: Express Mode has no Fargate Spot option; allowed only with mode: fargate, got true"],
        ["image with context and ref", raw(web({ image: { context: "app", ref: `r.example/app@sha256:${"a".repeat(64)}` } })), "ecs-ship:services.web.image: Only one of `context`, `ref` or `from` can be provided, got context and ref"],
        ["image with neither", raw(web({ image: { dockerfile: "Dockerfile" } })), "ecs-ship:services.web.image: Either `context`, `ref` or `from` must be provided, got neither"],
        ["keepImages below 1", raw({ registry: { keepImages: 0 } }), "ecs-ship:registry.keepImages: must be an integer from 1 to 1000, got 0"],
        ["desiredCount outside scaling", raw(web({ desiredCount: 9 })), "ecs-ship:services.web.desiredCount: must lie within scaling.min..scaling.max (1..4), got 9"],
        ["unknown service key", raw(web({ healthcheckPath: "/h" })), "ecs-ship:services.web.healthcheckPath: unknown key; did you mean healthCheckPath? allowed keys are mode, image, port, cpu, memory, architecture, healthCheckPath, versionPath, desiredCount, scaling, environment, secrets, secretsKmsKeyArn, taskPolicyStatements, spot, certificateArn, deregistrationDelay, healthCheckGracePeriod, logRetentionDays, domain, hostedZone, hostedZoneId, path, priority, alarms, deployment, release, sidecars, kind, command, exec"],
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

    it("rejects a subnet listed as both public and private, where tasks could reach neither ECR nor logs", () => {
        // GIVEN a private subnet list that repeats a public subnet  WHEN parsed  THEN one problem names the subnet
        const pub = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"];
        assert.deepEqual(problems(raw({ network: { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: pub, privateSubnetIds: [pub[1], "subnet-0123456789abcdef2"] } })), [
            'ecs-ship:network.privateSubnetIds: must not repeat a subnet of ecs-ship:network.publicSubnetIds (a subnet is public or private, and tasks in a private one get no public IP), got ["subnet-0123456789abcdef1"] in both',
        ]);
    });

    it("passes a created VPC on as given: StackNetwork defaults it to no NAT gateway", () => {
        const s = parseSettings(raw({ network: { create: true } }));
        assert.deepEqual(s.network, { create: true });
    });
});

describe("config: fargate-only settings", () => {
    it("rejects a certificate ARN that is not from ACM", () => {
        assert.deepEqual(problems(raw(web({ mode: "fargate", certificateArn: "arn:aws:iam::123456789012:server-certificate/x" }))), [
            'ecs-ship:services.web.certificateArn: must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got "arn:aws:iam::123456789012:server-certificate/x"',
        ]);
    });

    it("rejects a certificate from another region than the stack's, which the load balancer could not use", () => {
        // GIVEN an eu-west-1 stack whose Fargate service names a us-east-1 certificate (found by test/property.test.ts)
        const cert = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
        // WHEN parsed  THEN one problem names the key, the stack's region and the certificate's
        assert.deepEqual(problems(raw(web({ mode: "fargate", certificateArn: cert }), { region: "eu-west-1" })), [
            `ecs-ship:services.web.certificateArn: must be a certificate in the stack's region (eu-west-1): ACM certificates are regional, and a load balancer uses only its own Region's; got "${cert}", in us-east-1`,
        ]);
    });

    it("accepts a certificate of the stack's own region", () => {
        const cert = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
        assert.equal(parseSettings(raw(web({ mode: "fargate", certificateArn: cert }), { region: "eu-west-1" })).services[0].certificateArn, cert);
    });

    it("accepts spot on a fargate service", () => {
        assert.equal(parseSettings(raw(web({ mode: "fargate", spot: true }))).services[0].spot, true);
    });
});

describe("config: many problems at once", () => {
    // GIVEN a stack file with twelve distinct problems
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
        // THEN all twelve are reported together
        assert.deepEqual(found.map((p) => p.split(":").slice(0, 2).join(":").split(": ")[0]), [
            "ecs-ship:github.repository",
            "ecs-ship:github.deployBranches[0]",
            "ecs-ship:registry.keepImages",
            "ecs-ship:services.web.mode",
            "ecs-ship:services.web.image",
            "ecs-ship:services.web.image.ref",
            "ecs-ship:services.web.port",
            "ecs-ship:services.web.memory",
            "ecs-ship:services.web.architecture",
            "ecs-ship:services.web.healthCheckPath",
            "ecs-ship:services.web.scaling.metric",
            "ecs-ship:services.web.secrets.DB",
        ]);
    });

    it("throws one error whose message names the stack and counts the problems", () => {
        assert.throws(() => parseSettings(input), (e: Error) => e.message.startsWith('Invalid ecs-ship configuration for stack "dev" (12 problems):\n  - ecs-ship:github.repository: '));
    });
});
