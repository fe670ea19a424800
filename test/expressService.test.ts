// ExpressService: the service inputs, its roles, the delete order, and validation.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ExpressService, ExpressServiceArgs, httpsUrl } from "../components/express/expressService";
import { SERVICE_DEFAULTS, TASK_EXECUTION_POLICY_ARN } from "../components/service/serviceArgs";
import { physicalServiceName, replacementSuffix } from "../components/express/expressLifecycle";
import { cloud, doc, optionsRecorder, promiseOf, settled, useMocks } from "./support/harness";

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-dev-web@sha256:${"c".repeat(64)}`;
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/db-AbCdEf";
const PARAM = "arn:aws:ssm:us-east-1:123456789012:parameter/shop/api-key";
const BOUNDARY = "arn:aws:iam::123456789012:policy/ecs-ship-dev-github-boundary-1234567";

function args(extra: Partial<ExpressServiceArgs> = {}): ExpressServiceArgs {
    return {
        ...SERVICE_DEFAULTS,
        scaling: { ...SERVICE_DEFAULTS.scaling },
        image: IMAGE,
        serviceName: "ecs-ship-dev-web",
        environment: { LOG_LEVEL: "info", PORT: "8080" },
        secrets: {},
        ...extra,
    };
}

const SERVICE = "aws:ecs/expressGatewayService:ExpressGatewayService";
const ROLE = "aws:iam/role:Role";

describe("ExpressService: the service", () => {
    useMocks();

    it("sends exactly the dev stack's service inputs", async () => {
        new ExpressService("ecs-ship-dev-web", args({ cluster: "ecs-ship-dev-cluster" }));
        const c = await settled();
        const svc = c.ofType(SERVICE)[0];
        const exec = c.byName("ecs-ship-dev-web-exec").state.arn;
        const infra = c.byName("ecs-ship-dev-web-infra").state.arn;
        const logs = c.byName("ecs-ship-dev-web-logs").state.name;
        assert.deepEqual(svc.inputs, {
            serviceName: physicalServiceName("ecs-ship-dev-web", infra),
            cluster: "ecs-ship-dev-cluster",
            executionRoleArn: exec,
            infrastructureRoleArn: infra,
            cpu: "256",
            memory: "512",
            healthCheckPath: "/health",
            primaryContainer: {
                image: IMAGE,
                containerPort: 8080,
                environments: [
                    { name: "LOG_LEVEL", value: "info" }, { name: "PORT", value: "8080" },
                    { name: "ECS_SHIP_SCALING", value: "metric=AVERAGE_CPU,target=60,min=1,max=4" },
                ],
                secrets: [],
                awsLogsConfigurations: [{ logGroup: logs, logStreamPrefix: "ecs" }],
            },
            scalingTargets: [{ autoScalingMetric: "AVERAGE_CPU", autoScalingTargetValue: 60, minTaskCount: 1, maxTaskCount: 4 }],
            waitForSteadyState: true,
            timeouts: { create: "30m", update: "30m", delete: "35m" },
        });
    });

    it("waits for steady state, because AWS's default returns before the rollout ends", async () => {
        new ExpressService("ecs-ship-dev-web", args());
        const c = await settled();
        assert.equal(c.ofType(SERVICE)[0].inputs.waitForSteadyState, true);
    });

    for (const [metric, expected] of [["cpu", "AVERAGE_CPU"], ["memory", "AVERAGE_MEMORY"], ["requests", "REQUEST_COUNT_PER_TARGET"]] as const) {
        it(`maps the ${metric} scaling metric to ${expected}`, async () => {
            new ExpressService("ecs-ship-dev-web", args({ desiredCount: 2, scaling: { min: 2, max: 6, metric, target: 70 } }));
            const c = await settled();
            assert.deepEqual(c.ofType(SERVICE)[0].inputs.scalingTargets, [{ autoScalingMetric: expected, autoScalingTargetValue: 70, minTaskCount: 2, maxTaskCount: 6 }]);
        });
    }

    it("sorts environment and secrets by name so diffs are stable", async () => {
        new ExpressService("ecs-ship-dev-web", args({ environment: { ZED: "1", ALPHA: "2" }, secrets: { TOKEN: PARAM, DB_PASSWORD: SECRET } }));
        const c = await settled();
        const pc = c.ofType(SERVICE)[0].inputs.primaryContainer;
        // (PORT is the component's default: the container port, since neither map sets it; ECS_SHIP_SCALING carries the scaling settings)
        assert.deepEqual(pc.environments.map((e: any) => e.name), ["ALPHA", "PORT", "ZED", "ECS_SHIP_SCALING"]);
        assert.deepEqual(pc.environments.slice(0, 3), [{ name: "ALPHA", value: "2" }, { name: "PORT", value: "8080" }, { name: "ZED", value: "1" }]);
        assert.deepEqual(pc.secrets, [{ name: "DB_PASSWORD", valueFrom: SECRET }, { name: "TOKEN", valueFrom: PARAM }]);
    });

    it("sends no network configuration unless subnets are given", async () => {
        new ExpressService("ecs-ship-dev-web", args());
        const c = await settled();
        assert.equal(c.ofType(SERVICE)[0].inputs.networkConfigurations, undefined);
    });

    it("sends the given subnets and lets Express choose the security groups", async () => {
        new ExpressService("ecs-ship-dev-web", args({ subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] }));
        const c = await settled();
        assert.deepEqual(c.ofType(SERVICE)[0].inputs.networkConfigurations, [{ subnets: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], securityGroups: [] }]);
    });

    it("diffs the security groups against what AWS attached, so a re-run shows no change", async () => {
        // GIVEN subnets (Express picks the security groups)
        new ExpressService("ecs-ship-dev-web", args({ subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] }));
        const c = await settled();
        // THEN the engine and the bridge take the groups from the state, not from the program
        assert.deepEqual(c.ofType(SERVICE)[0].ignoreChanges, ["networkConfigurations[0].securityGroups"]);
    });

    it("creates the service under a name suffixed from the infrastructure role, so a replacement never reuses a name", async () => {
        new ExpressService("ecs-ship-dev-web", args());
        const c = await settled();
        const infra = c.byName("ecs-ship-dev-web-infra").state.arn;
        assert.equal(c.ofType(SERVICE)[0].inputs.serviceName, `ecs-ship-dev-web-${replacementSuffix(infra)}`);
        assert.match(c.ofType(SERVICE)[0].inputs.serviceName, /^ecs-ship-dev-web-[0-9a-f]{6}$/);
    });

    it("keeps logs in its own log group, 30 days by default", async () => {
        new ExpressService("ecs-ship-dev-web", args());
        const c = await settled();
        assert.deepEqual(c.ofType("aws:cloudwatch/logGroup:LogGroup").map((r) => [r.name, r.inputs.retentionInDays]), [["ecs-ship-dev-web-logs", 30]]);
    });

    it("exports the HTTPS URL from the public ingress path", async () => {
        const s = new ExpressService("ecs-ship-dev-web", args());
        assert.match(await promiseOf(s.url), /^https:\/\/ecs-ship-dev-web-[0-9a-f]{6}-[0-9a-f]{8}\.ecs\.us-east-1\.on\.aws$/);
    });

    it("picks the public endpoint among ingress paths", () => {
        assert.equal(httpsUrl([{ accessType: "PRIVATE", endpoint: "internal.example" }, { accessType: "PUBLIC", endpoint: "web.ecs.us-east-1.on.aws" }]), "https://web.ecs.us-east-1.on.aws");
    });
});

describe("ExpressService: roles", () => {
    useMocks();

    it("trusts ecs-tasks for the execution role, with the task execution managed policy", async () => {
        new ExpressService("ecs-ship-dev-web", args());
        const c = await settled();
        assert.deepEqual(doc(c.byName("ecs-ship-dev-web-exec").inputs.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        assert.equal(c.byName("ecs-ship-dev-web-exec-managed").inputs.policyArn, TASK_EXECUTION_POLICY_ARN);
    });

    it("trusts ecs for the infrastructure role, with the Express infrastructure managed policy", async () => {
        new ExpressService("ecs-ship-dev-web", args());
        const c = await settled();
        assert.deepEqual(doc(c.byName("ecs-ship-dev-web-infra").inputs.assumeRolePolicy).Statement[0].Principal, { Service: "ecs.amazonaws.com" });
        assert.equal(c.byName("ecs-ship-dev-web-infra-managed").inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices");
    });

    it("lets the execution role read exactly the configured secrets", async () => {
        new ExpressService("ecs-ship-dev-web", args({ secrets: { DB_PASSWORD: SECRET, API_KEY: PARAM } }));
        const c = await settled();
        assert.deepEqual(doc(c.byName("ecs-ship-dev-web-exec-secrets").inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET] },
                { Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [PARAM] },
            ],
        });
    });

    it("creates no secrets policy when there are no secrets", async () => {
        new ExpressService("ecs-ship-dev-web", args());
        const c = await settled();
        assert.equal(c.ofType("aws:iam/rolePolicy:RolePolicy").length, 0);
    });

    it("creates no task role without statements", async () => {
        new ExpressService("ecs-ship-dev-web", args());
        const c = await settled();
        assert.deepEqual(c.ofType(ROLE).map((r) => r.name), ["ecs-ship-dev-web-exec", "ecs-ship-dev-web-infra"]);
        assert.equal(c.ofType(SERVICE)[0].inputs.taskRoleArn, undefined);
    });

    it("creates a task role with exactly the given statements", async () => {
        const statement = { Effect: "Allow" as const, Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::shop-assets/*"] };
        new ExpressService("ecs-ship-dev-web", args({ taskPolicyStatements: [statement] }));
        const c = await settled();
        assert.deepEqual(doc(c.byName("ecs-ship-dev-web-task-policy").inputs.policy), { Version: "2012-10-17", Statement: [statement] });
        assert.equal(c.ofType(SERVICE)[0].inputs.taskRoleArn, c.byName("ecs-ship-dev-web-task").state.arn);
    });

    it("puts the permissions boundary on every role", async () => {
        new ExpressService("ecs-ship-dev-web", args({ permissionsBoundary: BOUNDARY, taskPolicyStatements: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }));
        const c = await settled();
        assert.deepEqual(c.ofType(ROLE).map((r) => [r.name, r.inputs.permissionsBoundary]), [
            ["ecs-ship-dev-web-exec", BOUNDARY],
            ["ecs-ship-dev-web-task", BOUNDARY],
            ["ecs-ship-dev-web-infra", BOUNDARY],
        ]);
    });

    it("reports each role with the service it is passed to", async () => {
        const s = new ExpressService("ecs-ship-dev-web", args({ taskPolicyStatements: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }));
        const grants = await Promise.all(s.passRoles.map(async (g) => [await promiseOf(pulumi.output(g.roleArn)), g.service]));
        assert.deepEqual(grants.map(([arn, svc]) => [String(arn).split("/")[1].replace(/-[0-9a-f]{7}$/, ""), svc]), [
            ["ecs-ship-dev-web-exec", "ecs-tasks.amazonaws.com"],
            ["ecs-ship-dev-web-task", "ecs-tasks.amazonaws.com"],
            ["ecs-ship-dev-web-infra", "ecs.amazonaws.com"],
        ]);
    });
});

describe("ExpressService: delete order", () => {
    useMocks();

    it("depends on every role policy, so destroy removes the service before its permissions", async () => {
        const rec = optionsRecorder();
        new ExpressService("ecs-ship-dev-web", args({ secrets: { DB: SECRET }, taskPolicyStatements: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }), { transformations: [rec.transformation] });
        await settled();
        assert.deepEqual(rec.options.get("ecs-ship-dev-web-service")!.dependsOn.sort(), [
            "ecs-ship-dev-web-drain",
            "ecs-ship-dev-web-exec-managed",
            "ecs-ship-dev-web-exec-secrets",
            "ecs-ship-dev-web-infra-managed",
            "ecs-ship-dev-web-task-policy",
        ]);
    });

    it("gives the engine a 35-minute delete timeout", async () => {
        const rec = optionsRecorder();
        new ExpressService("ecs-ship-dev-web", args(), { transformations: [rec.transformation] });
        await settled();
        assert.deepEqual(rec.options.get("ecs-ship-dev-web-service")!.customTimeouts, { create: "30m", update: "30m", delete: "35m" });
        assert.deepEqual(cloud.ofType(SERVICE)[0].customTimeouts, { create: "30m", update: "30m", delete: "35m" });
    });
});

describe("ExpressService: invalid arguments", () => {
    useMocks();

    it("rejects a single subnet", () => {
        assert.throws(() => new ExpressService("ecs-ship-dev-web", args({ subnetIds: ["subnet-0123456789abcdef0"] })), /subnetIds: Express Mode needs at least 2 subnets in different Availability Zones, got 1/);
    });

    it("rejects an environment variable that would hide the scaling trigger", () => {
        assert.throws(() => new ExpressService("ecs-ship-dev-web", args({ environment: { ECS_SHIP_SCALING: "x" } })), /environment\.ECS_SHIP_SCALING: reserved by ecs-ship for the scaling settings, got "x"/);
    });

    it("rejects a health check path without a leading slash", () => {
        assert.throws(() => new ExpressService("ecs-ship-dev-web", args({ healthCheckPath: "health" })), /healthCheckPath: must be a path starting with "\/", got "health"/);
    });

    it("rejects a service name AWS would refuse", () => {
        assert.throws(() => new ExpressService("ecs-ship-dev-web", args({ serviceName: "web.v2" })), /serviceName: must be 1 to 248 letters, digits, hyphens or underscores, got "web\.v2"/);
    });
});
