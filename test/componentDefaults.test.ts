// Components own their defaults: a program that composes them directly gives only what has
// no sensible default, and the component fills in the rest from its exported *_DEFAULTS, and
// rejects bad arguments with the stack configuration's quality of message.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry, CONTAINER_REGISTRY_DEFAULTS } from "../components/registry/containerRegistry";
import { ExpressService } from "../components/express/expressService";
import { FargateCluster } from "../components/fargate/fargateCluster";
import { FargateService, normalizeFargateArgs } from "../components/fargate/fargateService";
import { FARGATE_DEFAULTS } from "../components/fargate/fargateSettings";
import { GithubOidcTrust, GithubOidcTrustArgsError } from "../components/trust/githubOidcTrust";
import { SERVICE_DEFAULTS, normalizeServiceSettings, serviceSettingsProblems } from "../components/service/serviceArgs";
import { RecordedResource, cloud, settled, useMocks } from "./support/harness";

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-dev-web@sha256:${"b".repeat(64)}`;
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
/** Only the inputs with no sensible default: where the service runs, and what. */
const MINIMAL = {
    image: IMAGE,
    clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/ecs-ship-dev",
    clusterName: "ecs-ship-dev",
    vpcId: "vpc-0a1b2c3d4e5f60718",
    albSubnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"],
    taskSubnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"],
};

const one = (type: string): RecordedResource => {
    const found = cloud.ofType(type);
    assert.equal(found.length, 1, `expected one ${type}, got ${found.length}`);
    return found[0];
};

describe("FargateService with only the inputs that have no default", () => {
    useMocks();

    it("plans the whole service: one of each child, no task role", async () => {
        // GIVEN image, cluster and network only  WHEN constructed (this line also type-checks the minimal form)
        new FargateService("ecs-ship-dev-web", MINIMAL);
        const c = await settled();
        // THEN every child exists once; a service with no task policy gets no task role
        const counts = Object.fromEntries([
            "aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/service:Service", "aws:lb/loadBalancer:LoadBalancer",
            "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener", "aws:iam/role:Role", "aws:cloudwatch/logGroup:LogGroup",
            "aws:ec2/securityGroup:SecurityGroup", "aws:appautoscaling/target:Target", "aws:appautoscaling/policy:Policy",
        ].map((t) => [t, c.ofType(t).length]));
        assert.deepEqual(counts, {
            "aws:ecs/taskDefinition:TaskDefinition": 1, "aws:ecs/service:Service": 1, "aws:lb/loadBalancer:LoadBalancer": 1,
            "aws:lb/targetGroup:TargetGroup": 1, "aws:lb/listener:Listener": 1, "aws:iam/role:Role": 1, "aws:cloudwatch/logGroup:LogGroup": 1,
            "aws:ec2/securityGroup:SecurityGroup": 2, "aws:appautoscaling/target:Target": 1, "aws:appautoscaling/policy:Policy": 1,
        });
        assert.equal(one("aws:iam/role:Role").name, "ecs-ship-dev-web-exec");
    });

    it("sizes and runs the task with SERVICE_DEFAULTS, and tells the app its port", async () => {
        new FargateService("ecs-ship-dev-web", MINIMAL);
        await settled();
        const td = one("aws:ecs/taskDefinition:TaskDefinition").inputs;
        assert.equal(td.cpu, String(SERVICE_DEFAULTS.cpu));
        assert.equal(td.memory, String(SERVICE_DEFAULTS.memory));
        assert.equal(td.runtimePlatform.cpuArchitecture, "X86_64");
        const container = JSON.parse(td.containerDefinitions)[0];
        assert.deepEqual(container.portMappings, [{ containerPort: 8080, protocol: "tcp" }]);
        assert.deepEqual(container.environment, [{ name: "PORT", value: "8080" }]);
        assert.deepEqual(container.secrets, []);
        assert.equal(one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays, SERVICE_DEFAULTS.logRetentionDays);
    });

    it("runs on regular FARGATE with a public IP, the tuned drain and grace period, scaling 1 to 4 on CPU at 60%", async () => {
        new FargateService("ecs-ship-dev-web", MINIMAL);
        await settled();
        const svc = one("aws:ecs/service:Service").inputs;
        // Always a capacity provider strategy, so switching spot later updates in place (fargateService.ts).
        assert.equal(svc.launchType, undefined);
        assert.deepEqual(svc.capacityProviderStrategies, [{ capacityProvider: "FARGATE", weight: 1 }]);
        assert.equal(svc.desiredCount, 1);
        assert.equal(svc.networkConfiguration.assignPublicIp, FARGATE_DEFAULTS.assignPublicIp);
        assert.equal(svc.healthCheckGracePeriodSeconds, 30);
        const tg = one("aws:lb/targetGroup:TargetGroup").inputs;
        assert.equal(tg.deregistrationDelay, 30);
        assert.equal(tg.healthCheck.path, "/health");
        const target = one("aws:appautoscaling/target:Target").inputs;
        assert.deepEqual([target.minCapacity, target.maxCapacity], [1, 4]);
        const policy = one("aws:appautoscaling/policy:Policy").inputs.targetTrackingScalingPolicyConfiguration;
        assert.deepEqual([policy.predefinedMetricSpecification.predefinedMetricType, policy.targetValue], ["ECSServiceAverageCPUUtilization", 60]);
    });

    it("lists every bad argument in one error, each naming the argument, what is allowed and what was given", () => {
        // GIVEN three bad values  WHEN constructed  THEN one error with all three, in argument order
        assert.throws(() => new FargateService("ecs-ship-dev-web", { ...MINIMAL, port: 0, cpu: 300, healthCheckPath: "health" }), {
            message: "3 invalid arguments:\n" +
                "  - port: must be an integer from 1 to 65535, got 0\n" +
                "  - cpu: must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 (Fargate task sizes), got 300\n" +
                '  - healthCheckPath: must be a path starting with "/", got "health"',
        });
    });

    it("reports bad arguments without a stack trace, tied to the component", () => {
        // GIVEN a tag instead of a digest  WHEN constructed  THEN a ResourceError that hides its stack
        assert.throws(() => new FargateService("ecs-ship-dev-web", { ...MINIMAL, image: "shop:latest" }), (e: unknown) => {
            assert.ok(pulumi.ResourceError.isInstance(e));
            assert.equal((e as pulumi.ResourceError).hideStack, true);
            assert.equal((e as Error).message, 'image: must be pinned by digest, as <registry>/<repository>@sha256:<64 hex digits>, got "shop:latest"');
            return true;
        });
    });
});

describe("normalizeServiceSettings / normalizeFargateArgs (pure)", () => {
    it("fills every default the caller left out, from SERVICE_DEFAULTS and FARGATE_DEFAULTS", () => {
        const a = normalizeFargateArgs(MINIMAL);
        assert.deepEqual(
            { port: a.port, cpu: a.cpu, memory: a.memory, architecture: a.architecture, healthCheckPath: a.healthCheckPath, desiredCount: a.desiredCount, scaling: a.scaling, logRetentionDays: a.logRetentionDays },
            { port: 8080, cpu: 256, memory: 512, architecture: "x86_64", healthCheckPath: "/health", desiredCount: 1, scaling: { min: 1, max: 4, metric: "cpu", target: 60 }, logRetentionDays: 30 },
        );
        assert.deepEqual(
            { spot: a.spot, assignPublicIp: a.assignPublicIp, deregistrationDelay: a.deregistrationDelay, healthCheckGracePeriod: a.healthCheckGracePeriod },
            { spot: false, assignPublicIp: true, deregistrationDelay: 30, healthCheckGracePeriod: 30 },
        );
    });

    it("defaults the target to 1000 requests per task when scaling follows requests", () => {
        assert.equal(normalizeServiceSettings({ image: IMAGE, scaling: { metric: "requests" } }).scaling.target, 1000);
    });

    it("keeps each scaling field the caller set and defaults the others", () => {
        assert.deepEqual(normalizeServiceSettings({ image: IMAGE, scaling: { max: 10 } }).scaling, { min: 1, max: 10, metric: "cpu", target: 60 });
    });

    it("raises the default desired count to scaling.min", () => {
        assert.equal(normalizeServiceSettings({ image: IMAGE, scaling: { min: 3, max: 6 } }).desiredCount, 3);
    });

    it("sets PORT from the port, unless environment or secrets already set it", () => {
        assert.deepEqual(normalizeServiceSettings({ image: IMAGE, port: 3000 }).environment, { PORT: "3000" });
        assert.deepEqual(normalizeServiceSettings({ image: IMAGE, port: 3000, environment: { PORT: "80" } }).environment, { PORT: "80" });
        assert.deepEqual(normalizeServiceSettings({ image: IMAGE, secrets: { PORT: SECRET } }).environment, {});
    });

    it("does not change the caller's environment object", () => {
        const environment = { LOG_LEVEL: "info" };
        normalizeServiceSettings({ image: IMAGE, environment });
        assert.deepEqual(environment, { LOG_LEVEL: "info" });
    });
});

describe("serviceSettingsProblems (pure)", () => {
    const problems = (over: Parameters<typeof normalizeServiceSettings>[0] extends infer T ? Partial<T> : never) =>
        serviceSettingsProblems(normalizeServiceSettings({ image: IMAGE, ...over }));

    it("accepts the defaults", () => {
        assert.deepEqual(problems({}), []);
    });

    it("rejects a memory size that does not pair with the CPU, listing what does", () => {
        assert.deepEqual(problems({ cpu: 1024, memory: 1024 }), ["memory: with cpu 1024, Fargate accepts 2048 to 8192 in steps of 1024 MiB, got 1024"]);
    });

    it("rejects an unknown architecture and scaling metric", () => {
        assert.deepEqual(problems({ architecture: "arm" as never, scaling: { metric: "latency" as never, target: 50 } }), [
            'architecture: must be one of x86_64, arm64, got "arm"',
            'scaling.metric: must be one of cpu, memory, requests, got "latency"',
        ]);
    });

    it("rejects a CPU target above 100 percent", () => {
        assert.deepEqual(problems({ scaling: { target: 150 } }), ["scaling.target: must be an integer from 1 to 100 for metric cpu, got 150"]);
    });

    it("rejects a desired count outside the scaling range", () => {
        assert.deepEqual(problems({ desiredCount: 9 }), ["desiredCount: must lie within scaling.min..scaling.max (1..4), got 9"]);
    });

    it("rejects a secret that is neither a Secrets Manager nor an SSM parameter ARN", () => {
        assert.deepEqual(problems({ secrets: { TOKEN: "arn:aws:s3:::bucket/key" } }), [
            'secrets.TOKEN: must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>), got "arn:aws:s3:::bucket/key"',
        ]);
    });

    it("rejects a variable set both as environment and as a secret", () => {
        assert.deepEqual(problems({ environment: { DB: "x" }, secrets: { DB: SECRET } }), ["secrets.DB: is also set in environment; a variable may come from one place only"]);
    });

    it("rejects a log retention CloudWatch Logs does not offer", () => {
        assert.match(problems({ logRetentionDays: 31 })[0], /^logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, .* \(CloudWatch Logs retention values\), got 31$/);
    });
});

describe("ExpressService with only an image and a service name", () => {
    useMocks();

    it("sends the service defaults to Express: 256/512, /health, port 8080 with PORT, CPU scaling 1 to 4 at 60%", async () => {
        new ExpressService("ecs-ship-dev-web", { image: IMAGE, serviceName: "ecs-ship-dev-web" });
        await settled();
        const svc = one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs;
        assert.deepEqual([svc.cpu, svc.memory, svc.healthCheckPath], ["256", "512", "/health"]);
        assert.equal(svc.primaryContainer.containerPort, 8080);
        // ECS_SHIP_SCALING carries the scaling settings, so a scaling-only change reaches Express (expressLifecycle.ts).
        assert.deepEqual(svc.primaryContainer.environments, [{ name: "PORT", value: "8080" }, { name: "ECS_SHIP_SCALING", value: "metric=AVERAGE_CPU,target=60,min=1,max=4" }]);
        assert.deepEqual(svc.scalingTargets, [{ autoScalingMetric: "AVERAGE_CPU", autoScalingTargetValue: 60, minTaskCount: 1, maxTaskCount: 4 }]);
    });

    it("rejects arm64, which Express Mode cannot run", () => {
        assert.throws(() => new ExpressService("ecs-ship-dev-web", { image: IMAGE, serviceName: "ecs-ship-dev-web", architecture: "arm64" }), {
            message: 'architecture: Express Mode runs x86_64 tasks only; arm64 needs FargateService, got "arm64"',
        });
    });
});

describe("GithubOidcTrust with only a repository, a region and the stack tag", () => {
    useMocks();

    it("derives the name prefix from the stack tag and deploys from main, with a preview role", async () => {
        new GithubOidcTrust("ecs-ship-dev-github", { repository: "acme/shop", region: "us-east-1", stackTags: { "ecs-ship:stack": "dev" } });
        const c = await settled();
        assert.deepEqual(c.ofType("aws:iam/role:Role").map((r) => r.name).sort(), ["ecs-ship-dev-github-deploy", "ecs-ship-dev-github-preview"]);
        const deploy = c.byName("ecs-ship-dev-github-deploy").inputs;
        assert.equal(deploy.description, "GitHub Actions deploy role for acme/shop (ecs-ship-dev)");
        assert.equal(deploy.maxSessionDuration, 3600);
        const sub = JSON.parse(deploy.assumeRolePolicy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"];
        assert.deepEqual(sub, ["repo:acme/shop:ref:refs/heads/main"]);
    });

    it("rejects missing stack tags with a RunError, which Pulumi prints without a stack trace", () => {
        assert.throws(() => new GithubOidcTrust("ecs-ship-dev-github", { repository: "acme/shop", region: "us-east-1", stackTags: {} }), (e: unknown) => {
            assert.ok(e instanceof GithubOidcTrustArgsError);
            assert.ok(pulumi.RunError.isInstance(e));
            assert.equal((e as Error).message, 'GithubOidcTrust "ecs-ship-dev-github": invalid arguments:\n  - stackTags["ecs-ship:stack"]: is required (the stack name every resource is tagged with), got nothing');
            return true;
        });
    });
});

describe("ContainerRegistry and FargateCluster with their defaults", () => {
    useMocks();

    it("makes a registry for a prebuilt image force-deletable, keeping the newest 30 tagged images", async () => {
        new ContainerRegistry("ecs-ship-dev-web-registry", { repositoryName: "ecs-ship-dev-web", imageRef: IMAGE });
        await settled();
        assert.equal(one("aws:ecr/repository:Repository").inputs.forceDelete, CONTAINER_REGISTRY_DEFAULTS.forceDelete);
        const rules = JSON.parse(one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy).rules;
        assert.equal(rules[1].selection.countNumber, 30);
        assert.equal(cloud.ofType("docker:index/image:Image").length, 0);
    });

    it("lists every bad registry argument in one error", () => {
        assert.throws(() => new ContainerRegistry("ecs-ship-dev-web-registry", { repositoryName: "Shop", keepImages: 0, imageRef: IMAGE }), {
            message: "2 invalid arguments:\n" +
                '  - repositoryName: must be lowercase letters, digits and . _ - / separators, got "Shop"\n' +
                "  - keepImages: must be an integer of at least 1, got 0",
        });
    });

    it("turns Container Insights off unless asked for", async () => {
        new FargateCluster("ecs-ship-dev");
        await settled();
        assert.deepEqual(one("aws:ecs/cluster:Cluster").inputs.settings, [{ name: "containerInsights", value: "disabled" }]);
    });
});
