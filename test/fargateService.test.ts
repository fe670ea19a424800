// FargateService, FargateCluster and their pure settings (fargateSettings.ts).
// Component tests run under the mock cloud and assert the exact child contract.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, RawConfig, parseSettings } from "../config";
import { SCALING_TRIGGER_ENV } from "../components/express/expressLifecycle";
import { ExpressService } from "../components/express/expressService";
import { FargateCluster } from "../components/fargate/fargateCluster";
import { CONTAINER_NAME, FargateService, FargateServiceArgs, normalizeFargateArgs } from "../components/fargate/fargateService";
import {
    AWS_DEREGISTRATION_DELAY, AWS_HEALTH_CHECK_DEFAULTS, fargateArgsProblem, serviceDeleteTimeout, targetTracking,
} from "../components/fargate/fargateSettings";
import { pickAlbSubnets } from "../components/network/network";
import { elbLogicalName } from "../components/service/naming";
import { hex, physicalName } from "../tools/planner/mockCloud";
import { RecordedResource, cloud, optionsRecorder, promiseOf, settled, useMocks } from "./support/harness";

const NAME = "ecs-ship-dev-web";
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-dev-web@sha256:${"a".repeat(64)}`;
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
const BOUNDARY = "arn:aws:iam::123456789012:policy/ecs-ship-dev-boundary";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const LISTENER = "aws:lb/listener:Listener";
const ROLE = "aws:iam/role:Role";

function args(over: Partial<FargateServiceArgs> = {}): FargateServiceArgs {
    return {
        image: IMAGE, port: 8080, cpu: 256, memory: 512, architecture: "x86_64", healthCheckPath: "/health",
        desiredCount: 1, scaling: { min: 1, max: 4, metric: "cpu", target: 60 },
        environment: { LOG_LEVEL: "info", PORT: "8080" }, secrets: { DB_PASSWORD: SECRET },
        clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/ecs-ship-dev-cluster-1a2b3c4",
        clusterName: "ecs-ship-dev-cluster-1a2b3c4",
        vpcId: "vpc-0a1b2c3d4e5f60718", albSubnetIds: ["subnet-aaa", "subnet-bbb"], taskSubnetIds: ["subnet-aaa", "subnet-bbb", "subnet-ccc"],
        assignPublicIp: true,
        ...over,
    };
}

/** Builds the component, waits for every registration, and returns it. */
async function build(over: Partial<FargateServiceArgs> = {}, opts: pulumi.ComponentResourceOptions = {}): Promise<FargateService> {
    const svc = new FargateService(NAME, args(over), opts);
    await settled();
    return svc;
}

const one = (type: string): RecordedResource => {
    const found = cloud.ofType(type);
    assert.equal(found.length, 1, `expected one ${type}, got ${found.length}`);
    return found[0];
};
/** The id the mock cloud gives a security group (tools/planner/mockCloud.ts). */
const sgId = (logical: string) => `sg-${hex(logical, 17)}`;

describe("FargateService: target group", () => {
    useMocks();

    it("checks health every 10 s, 2 to pass, 3 to fail, 5 s timeout, 200 only, on the health path", async () => {
        // GIVEN default settings  WHEN built
        await build();
        // THEN the AWS defaults (30 s interval, threshold 5: ECS Best Practices Guide,
        // "Load balancer health check parameters") are replaced by the tuned values
        const tg = one("aws:lb/targetGroup:TargetGroup");
        assert.deepEqual(tg.inputs.healthCheck, {
            enabled: true, path: "/health", protocol: "HTTP", port: "traffic-port",
            interval: 10, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: "200",
        });
        assert.notEqual(tg.inputs.healthCheck.interval, AWS_HEALTH_CHECK_DEFAULTS.interval);
    });

    it("drains for 30 s instead of AWS's 300 s, registering tasks by IP", async () => {
        // GIVEN default settings  WHEN built
        await build();
        // THEN deregistration delay 30 (ECS Best Practices Guide, "Connection draining": default 300)
        const tg = one("aws:lb/targetGroup:TargetGroup");
        assert.equal(tg.inputs.deregistrationDelay, 30);
        assert.notEqual(tg.inputs.deregistrationDelay, AWS_DEREGISTRATION_DELAY);
        assert.equal(tg.inputs.targetType, "ip");
        assert.equal(tg.inputs.port, 8080);
    });

    it("takes a configured deregistration delay", async () => {
        // GIVEN deregistrationDelay 5  WHEN built  THEN the target group uses it
        await build({ deregistrationDelay: 5 });
        assert.equal(one("aws:lb/targetGroup:TargetGroup").inputs.deregistrationDelay, 5);
    });
});

describe("FargateService: security groups", () => {
    useMocks();

    it("opens the ALB to 80 from every IPv4 and IPv6 address, and nothing else, without a certificate", async () => {
        // GIVEN no certificate  WHEN built
        await build();
        // THEN the ALB group has exactly two ingress rules: 80 from 0.0.0.0/0 and from ::/0
        const rules = cloud.ofType(INGRESS).filter((r) => r.inputs.securityGroupId === sgId(`${NAME}-alb-sg`));
        assert.deepEqual(rules.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6]).sort(), [
            ["tcp", 80, 80, "0.0.0.0/0"], ["tcp", 80, 80, "::/0"],
        ]);
    });

    it("also opens 443 from anywhere with a certificate", async () => {
        // GIVEN a certificate  WHEN built  THEN 80 and 443 from both address families
        await build({ certificateArn: CERT });
        const rules = cloud.ofType(INGRESS).filter((r) => r.inputs.securityGroupId === sgId(`${NAME}-alb-sg`));
        assert.deepEqual(rules.map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6]).sort(), [
            [443, "0.0.0.0/0"], [443, "::/0"], [80, "0.0.0.0/0"], [80, "::/0"],
        ]);
    });

    it("lets tasks accept only the ALB's security group, on the container port", async () => {
        // GIVEN default settings  WHEN built
        await build();
        // THEN the task group has one ingress rule, from the ALB group, on 8080
        const rules = cloud.ofType(INGRESS).filter((r) => r.inputs.securityGroupId === sgId(`${NAME}-task-sg`));
        assert.deepEqual(rules.map((r) => r.inputs), [{
            ipProtocol: "tcp", fromPort: 8080, toPort: 8080, securityGroupId: sgId(`${NAME}-task-sg`),
            referencedSecurityGroupId: sgId(`${NAME}-alb-sg`),
        }]);
    });

    it("gives the task security group no CIDR or prefix-list ingress at all", async () => {
        // GIVEN a certificate (the widest ALB setup)  WHEN built
        await build({ certificateArn: CERT });
        // THEN no ingress rule on the task group names an address range, and the group has no inline rules
        const rules = cloud.ofType(INGRESS).filter((r) => r.inputs.securityGroupId === sgId(`${NAME}-task-sg`));
        assert.equal(rules.length, 1);
        for (const r of rules) {
            assert.equal(r.inputs.cidrIpv4, undefined);
            assert.equal(r.inputs.cidrIpv6, undefined);
            assert.equal(r.inputs.prefixListId, undefined);
        }
        const taskSg = cloud.byName(`${NAME}-task-sg`);
        assert.equal(taskSg.inputs.ingress, undefined);
    });

    it("lets the ALB send only to the tasks' group on the container port", async () => {
        // GIVEN default settings  WHEN built  THEN the ALB's only egress is to the task group on 8080
        await build();
        const rules = cloud.ofType(EGRESS).filter((r) => r.inputs.securityGroupId === sgId(`${NAME}-alb-sg`));
        assert.deepEqual(rules.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.referencedSecurityGroupId, r.inputs.cidrIpv4]), [
            ["tcp", 8080, sgId(`${NAME}-task-sg`), undefined],
        ]);
    });

    it("leaves task egress open over IPv4, so tasks reach ECR, logs and secrets without VPC endpoints", async () => {
        // GIVEN default settings  WHEN built  THEN one all-protocol IPv4 egress rule
        await build();
        const rules = cloud.ofType(EGRESS).filter((r) => r.inputs.securityGroupId === sgId(`${NAME}-task-sg`));
        assert.deepEqual(rules.map((r) => [r.inputs.ipProtocol, r.inputs.cidrIpv4]), [["-1", "0.0.0.0/0"]]);
    });

    it("creates exactly two security groups, both in the given VPC, without inline rules", async () => {
        // GIVEN default settings  WHEN built  THEN rules live only in the separate rule resources
        await build();
        const groups = cloud.ofType(SG);
        assert.deepEqual(groups.map((g) => g.name).sort(), [`${NAME}-alb-sg`, `${NAME}-task-sg`]);
        for (const g of groups) {
            assert.equal(g.inputs.vpcId, "vpc-0a1b2c3d4e5f60718");
            assert.equal(g.inputs.ingress, undefined);
            assert.equal(g.inputs.egress, undefined);
        }
    });
});

describe("FargateService: load balancer and listeners", () => {
    useMocks();

    it("places the ALB in exactly the two given subnets, internet-facing, behind its own group", async () => {
        // GIVEN two ALB subnets  WHEN built
        await build();
        // THEN the ALB uses both and only them
        const alb = one("aws:lb/loadBalancer:LoadBalancer");
        assert.deepEqual(alb.inputs.subnets, ["subnet-aaa", "subnet-bbb"]);
        assert.equal(alb.inputs.internal, false);
        assert.deepEqual(alb.inputs.securityGroups, [sgId(`${NAME}-alb-sg`)]);
        assert.equal(alb.inputs.dropInvalidHeaderFields, true);
    });

    it("forwards port 80 to the target group and serves http:// without a certificate", async () => {
        // GIVEN no certificate  WHEN built
        const svc = await build();
        // THEN one listener, HTTP 80, forwarding; the URL is http://
        const l = one(LISTENER);
        const tg = one("aws:lb/targetGroup:TargetGroup");
        assert.equal(l.inputs.port, 80);
        assert.equal(l.inputs.protocol, "HTTP");
        assert.deepEqual(l.inputs.defaultActions.map((a: any) => [a.type, a.targetGroupArn]), [["forward", tg.state.arn]]);
        assert.match(await promiseOf(svc.url), /^http:\/\/ecs-ship-dev-web-alb-[0-9a-f]{7}-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    });

    it("adds HTTPS on 443 with the certificate and a TLS 1.2+ policy, and redirects 80 with a 301", async () => {
        // GIVEN a certificate  WHEN built
        const svc = await build({ certificateArn: CERT });
        // THEN 443 forwards with TLS13-1-2 (the API default ELBSecurityPolicy-2016-08 still allows TLS 1.0), 80 redirects
        const tg = one("aws:lb/targetGroup:TargetGroup");
        const https = cloud.byName(`${NAME}-https`);
        assert.equal(https.inputs.port, 443);
        assert.equal(https.inputs.protocol, "HTTPS");
        assert.equal(https.inputs.certificateArn, CERT);
        assert.equal(https.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
        assert.deepEqual(https.inputs.defaultActions.map((a: any) => [a.type, a.targetGroupArn]), [["forward", tg.state.arn]]);
        const http = cloud.byName(`${NAME}-http`);
        assert.deepEqual(http.inputs.defaultActions.map((a: any) => [a.type, a.redirect]), [["redirect", { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" }]]);
        assert.equal(cloud.ofType(LISTENER).length, 2);
        assert.match(await promiseOf(svc.url), /^https:\/\//);
    });
});

describe("FargateService: what a program building on it can reach", () => {
    useMocks();

    it("exposes the task definition, ECS service, task security group, target group and its own listeners", async () => {
        // GIVEN a service with its own HTTPS load balancer  WHEN built
        const svc = await build({ certificateArn: CERT });
        const urn = (r: pulumi.Resource) => promiseOf(r.urn);
        // THEN each property is the very resource it registered
        assert.equal(await urn(svc.taskDefinition), one("aws:ecs/taskDefinition:TaskDefinition").urn);
        assert.equal(await urn(svc.service), one("aws:ecs/service:Service").urn);
        assert.equal(await urn(svc.targetGroup), one("aws:lb/targetGroup:TargetGroup").urn);
        assert.equal(await urn(svc.taskSecurityGroup), cloud.byName(`${NAME}-task-sg`).urn);
        assert.deepEqual(await Promise.all(svc.listeners.map(urn)), [cloud.byName(`${NAME}-http`).urn, cloud.byName(`${NAME}-https`).urn]);
        // AND no listener rules: the listeners forward by default
        assert.deepEqual(svc.listenerRules, []);
    });
});

describe("FargateService: service", () => {
    useMocks();
    const service = () => one("aws:ecs/service:Service");

    it("rolls back a failed release with the circuit breaker", async () => {
        // GIVEN default settings  WHEN built  THEN the circuit breaker is on with rollback
        await build();
        assert.deepEqual(service().inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
    });

    it("keeps 100% healthy and starts replacements up to 200%", async () => {
        // GIVEN default settings  WHEN built  THEN min healthy 100, max 200
        await build();
        assert.equal(service().inputs.deploymentMinimumHealthyPercent, 100);
        assert.equal(service().inputs.deploymentMaximumPercent, 200);
    });

    it("waits for steady state and propagates service tags to tasks", async () => {
        // GIVEN default settings  WHEN built  THEN `pulumi up` ends only when the rollout does
        await build();
        assert.equal(service().inputs.waitForSteadyState, true);
        assert.equal(service().inputs.propagateTags, "SERVICE");
    });

    it("ignores failing health checks for 30 s after start, or the configured grace period", async () => {
        // GIVEN the default, then 90  WHEN built  THEN healthCheckGracePeriodSeconds follows
        await build();
        assert.equal(service().inputs.healthCheckGracePeriodSeconds, 30);
        cloud.reset();
        new FargateService("ecs-ship-dev-api", args({ healthCheckGracePeriod: 90 }));
        await settled();
        assert.equal(service().inputs.healthCheckGracePeriodSeconds, 90);
    });

    it("runs on FARGATE with the given subnets, task group and public IP setting", async () => {
        // GIVEN spot off  WHEN built  THEN a FARGATE capacity provider strategy and no launch type
        await build({ assignPublicIp: false });
        const s = service();
        assert.equal(s.inputs.launchType, undefined);
        assert.deepEqual(s.inputs.capacityProviderStrategies, [{ capacityProvider: "FARGATE", weight: 1 }]);
        assert.deepEqual(s.inputs.networkConfiguration, {
            subnets: ["subnet-aaa", "subnet-bbb", "subnet-ccc"], securityGroups: [sgId(`${NAME}-task-sg`)], assignPublicIp: false,
        });
        assert.equal(s.inputs.desiredCount, 1);
    });

    it("runs on FARGATE_SPOT through a capacity provider strategy when spot is set", async () => {
        // GIVEN spot: true  WHEN built  THEN a FARGATE_SPOT strategy and no launch type (ECS accepts only one of them)
        await build({ spot: true });
        const s = service();
        assert.equal(s.inputs.launchType, undefined);
        assert.deepEqual(s.inputs.capacityProviderStrategies, [{ capacityProvider: "FARGATE_SPOT", weight: 1 }]);
    });

    it("forces a new deployment on update, which the provider requires to change the capacity provider strategy in place", async () => {
        // GIVEN any service  WHEN built  THEN force_new_deployment is set, so switching spot never replaces or fails
        await build({ spot: false });
        assert.equal(service().inputs.forceNewDeployment, true);
    });

    it("registers the container's port with the target group", async () => {
        // GIVEN port 8080  WHEN built  THEN the service maps the target group to app:8080
        await build();
        const tg = one("aws:lb/targetGroup:TargetGroup");
        assert.deepEqual(service().inputs.loadBalancers, [{ targetGroupArn: tg.state.arn, containerName: CONTAINER_NAME, containerPort: 8080 }]);
    });

    it("depends on every listener and role policy, so it is created after and deleted before them", async () => {
        // GIVEN a certificate and an options recorder  WHEN built
        const rec = optionsRecorder();
        await build({ certificateArn: CERT }, { transformations: [rec.transformation] });
        // THEN explicit dependsOn names both listeners and the role policies
        assert.deepEqual(rec.options.get(`${NAME}-svc`)!.dependsOn.sort(), [`${NAME}-exec-managed`, `${NAME}-exec-secrets`, `${NAME}-http`, `${NAME}-https`]);
        // AND the engine sees the target group and task definition as dependencies through inputs
        const deps = service().dependencies;
        for (const d of [`${NAME}-tg`, `${NAME}-td`, `${NAME}-task-sg`, `${NAME}-http`, `${NAME}-https`]) assert.ok(deps.includes(d), `missing ${d} in ${deps}`);
    });

    it("leaves desiredCount to autoscaling after creation and allows a long delete", async () => {
        // GIVEN a transformation that captures ignoreChanges  WHEN built
        let ignore: string[] | undefined;
        const capture: pulumi.ResourceTransformation = (a) => {
            if (a.name === `${NAME}-svc`) ignore = a.opts.ignoreChanges;
            return undefined;
        };
        await build({}, { transformations: [capture] });
        // THEN desiredCount is ignored on update, and delete may take 20 minutes
        assert.deepEqual(ignore, ["desiredCount"]);
        assert.deepEqual(service().customTimeouts, { create: "30m", update: "30m", delete: "20m" });
    });
});

describe("FargateService: task definition", () => {
    useMocks();
    const td = () => one("aws:ecs/taskDefinition:TaskDefinition");
    const container = () => JSON.parse(td().inputs.containerDefinitions)[0];

    it("is an awsvpc FARGATE task of the given size", async () => {
        // GIVEN 256/512  WHEN built  THEN cpu and memory are strings, family the component name
        await build();
        assert.equal(td().inputs.networkMode, "awsvpc");
        assert.deepEqual(td().inputs.requiresCompatibilities, ["FARGATE"]);
        assert.equal(td().inputs.cpu, "256");
        assert.equal(td().inputs.memory, "512");
        assert.equal(td().inputs.family, NAME);
    });

    for (const [architecture, cpuArchitecture] of [["x86_64", "X86_64"], ["arm64", "ARM64"]] as const) {
        it(`runs Linux on ${cpuArchitecture} for architecture ${architecture}`, async () => {
            // GIVEN the architecture  WHEN built  THEN runtimePlatform follows it
            await build({ architecture });
            assert.deepEqual(td().inputs.runtimePlatform, { operatingSystemFamily: "LINUX", cpuArchitecture });
        });
    }

    it("runs one container: the digest image, the port, env and secrets, 30 s stop timeout, awslogs", async () => {
        // GIVEN env and a secret  WHEN built
        const svc = await build();
        // THEN the container is exactly that
        assert.equal(JSON.parse(td().inputs.containerDefinitions).length, 1);
        assert.deepEqual(container(), {
            name: "app", image: IMAGE, essential: true,
            portMappings: [{ containerPort: 8080, protocol: "tcp" }],
            environment: [{ name: "LOG_LEVEL", value: "info" }, { name: "PORT", value: "8080" }],
            secrets: [{ name: "DB_PASSWORD", valueFrom: SECRET }],
            stopTimeout: 30,
            logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": await promiseOf(svc.logGroupName), "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app" } },
        });
    });

    it("keeps logs 30 days by default, or the configured retention", async () => {
        // GIVEN the default, then 7  WHEN built  THEN the log group's retention follows
        await build();
        assert.equal(one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays, 30);
        cloud.reset();
        new FargateService("ecs-ship-dev-api", args({ logRetentionDays: 7 }));
        await settled();
        assert.equal(one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays, 7);
    });
});

describe("FargateService: roles", () => {
    useMocks();

    it("creates no task role when the app needs no AWS permissions", async () => {
        // GIVEN no taskPolicyStatements  WHEN built  THEN only the execution role, and no task role ARN
        const svc = await build();
        assert.deepEqual(cloud.ofType(ROLE).map((r) => r.name), [`${NAME}-exec`]);
        assert.equal(one("aws:ecs/taskDefinition:TaskDefinition").inputs.taskRoleArn, undefined);
        assert.equal(svc.passRoles.length, 1);
    });

    it("puts the boundary on every role, and hands both roles to ecs-tasks only", async () => {
        // GIVEN statements and a boundary  WHEN built
        const svc = await build({ permissionsBoundary: BOUNDARY, taskPolicyStatements: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/*"] }] });
        // THEN both roles carry it, and passRoles lists both for ecs-tasks.amazonaws.com
        const roles = cloud.ofType(ROLE);
        assert.deepEqual(roles.map((r) => [r.name, r.inputs.permissionsBoundary]).sort(), [[`${NAME}-exec`, BOUNDARY], [`${NAME}-task`, BOUNDARY]]);
        const grants = await Promise.all(svc.passRoles.map(async (g) => [await promiseOf(pulumi.output(g.roleArn)), g.service]));
        assert.deepEqual(grants, roles.map((r) => [r.state.arn, "ecs-tasks.amazonaws.com"]));
    });
});

describe("FargateService: autoscaling", () => {
    useMocks();

    it("scales the service's desired count between min and max", async () => {
        // GIVEN min 1 max 4  WHEN built  THEN the scalable target names this service in this cluster
        const svc = await build();
        const t = one("aws:appautoscaling/target:Target");
        assert.deepEqual([t.inputs.serviceNamespace, t.inputs.scalableDimension, t.inputs.minCapacity, t.inputs.maxCapacity], ["ecs", "ecs:service:DesiredCount", 1, 4]);
        assert.equal(t.inputs.resourceId, `service/ecs-ship-dev-cluster-1a2b3c4/${await promiseOf(svc.serviceName)}`);
    });

    for (const [metric, type] of [["cpu", "ECSServiceAverageCPUUtilization"], ["memory", "ECSServiceAverageMemoryUtilization"]] as const) {
        it(`tracks ${type} for metric ${metric}`, async () => {
            // GIVEN the metric at 70  WHEN built  THEN one target-tracking policy on the predefined metric, no label
            await build({ scaling: { min: 1, max: 4, metric, target: 70 } });
            const p = one("aws:appautoscaling/policy:Policy");
            assert.equal(p.inputs.policyType, "TargetTrackingScaling");
            assert.deepEqual(p.inputs.targetTrackingScalingPolicyConfiguration, {
                targetValue: 70, scaleInCooldown: 300, scaleOutCooldown: 60, predefinedMetricSpecification: { predefinedMetricType: type },
            });
        });
    }

    it("tracks ALBRequestCountPerTarget labelled with the ALB and target group ARN suffixes", async () => {
        // GIVEN metric requests  WHEN built
        await build({ scaling: { min: 1, max: 4, metric: "requests", target: 500 } });
        // THEN resourceLabel = app/<lb>/<id>/targetgroup/<tg>/<id>
        const alb = one("aws:lb/loadBalancer:LoadBalancer");
        const tg = one("aws:lb/targetGroup:TargetGroup");
        const spec = one("aws:appautoscaling/policy:Policy").inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification;
        assert.deepEqual(spec, { predefinedMetricType: "ALBRequestCountPerTarget", resourceLabel: `${alb.state.arnSuffix}/${tg.state.arnSuffix}` });
        assert.match(spec.resourceLabel, /^app\/[^/]+\/[0-9a-f]+\/targetgroup\/[^/]+\/[0-9a-f]+$/);
    });
});

describe("FargateService: shape", () => {
    useMocks();

    it("parents every child to the component and registers its outputs", async () => {
        // GIVEN a certificate  WHEN built
        await build({ certificateArn: CERT });
        // THEN every other resource's parent is the component, and the outputs are registered
        const children = cloud.resources.filter((r) => r.name !== NAME);
        for (const r of children) assert.equal(r.parent, NAME, `${r.name} has parent ${r.parent}`);
        const out = cloud.componentOutputs.get(NAME)!;
        assert.deepEqual(Object.keys(out).sort(), ["alarmNames", "certificateArn", "clusterArn", "loadBalancerDns", "logGroupName", "passRoles", "serviceArn", "serviceName", "url"]);
        assert.match(out.url, /^https:\/\/.+\.elb\.amazonaws\.com$/);
    });

    it("fits the load balancer and target group of a long component name into ELB's 32 characters", async () => {
        // GIVEN a 39-character component name (a 20-character stack and a long service name)
        const long = "ecs-ship-staging-eu-central-1-backend";
        // WHEN constructed
        new FargateService(long, args());
        await settled();
        // THEN the ALB and target group are named by naming.ts: readable head, hash of the full name, kind
        const lb = cloud.ofType("aws:lb/loadBalancer:LoadBalancer")[0];
        const tg = cloud.ofType("aws:lb/targetGroup:TargetGroup")[0];
        assert.deepEqual([lb.name, tg.name], [elbLogicalName(long, "alb"), elbLogicalName(long, "tg")]);
        assert.deepEqual([physicalName(lb.type, lb.name, lb.inputs)!.length, physicalName(tg.type, tg.name, tg.inputs)!.length], [32, 32]);
    });

    it("rejects a certificate that is not an ACM ARN", () => {
        // GIVEN an IAM server certificate ARN  WHEN constructed  THEN the exact message
        assert.throws(() => new FargateService(NAME, args({ certificateArn: "arn:aws:iam::123456789012:server-certificate/x" })),
            { message: 'certificateArn: must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got "arn:aws:iam::123456789012:server-certificate/x"' });
    });

    it("rejects other than two ALB subnets", () => {
        // GIVEN three ALB subnets  WHEN constructed  THEN the exact message
        assert.throws(() => new FargateService(NAME, args({ albSubnetIds: ["subnet-a", "subnet-b", "subnet-c"] })),
            { message: "albSubnetIds: must list exactly 2 subnets in different Availability Zones, got 3" });
    });
});

describe("FargateCluster", () => {
    useMocks();

    it("turns Container Insights off unless asked, and offers FARGATE and FARGATE_SPOT", async () => {
        // GIVEN no options  WHEN built
        const c = new FargateCluster("ecs-ship-dev");
        await settled();
        // THEN insights disabled explicitly, both capacity providers, FARGATE by default
        assert.deepEqual(one("aws:ecs/cluster:Cluster").inputs.settings, [{ name: "containerInsights", value: "disabled" }]);
        const cp = one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
        assert.deepEqual(cp.inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
        assert.deepEqual(cp.inputs.defaultCapacityProviderStrategies, [{ capacityProvider: "FARGATE", weight: 1 }]);
        assert.equal(await promiseOf(c.name), one("aws:ecs/cluster:Cluster").state.name);
        assert.match(await promiseOf(c.arn), /^arn:aws:ecs:us-east-1:123456789012:cluster\/ecs-ship-dev-cluster-[0-9a-f]{7}$/);
    });

    it("makes a service built from its outputs wait for the capacity provider association", async () => {
        // GIVEN a service on Spot built from the cluster's arn and name
        const c = new FargateCluster("ecs-ship-dev");
        new FargateService(NAME, args({ spot: true, clusterArn: c.arn, clusterName: c.name }));
        await settled();
        // THEN the engine orders the service after the association (ECS rejects FARGATE_SPOT before it)
        const deps = one("aws:ecs/service:Service").dependencies;
        assert.ok(deps.includes("ecs-ship-dev-capacity"), `service dependencies: ${deps}`);
    });

    it("enables Container Insights when asked", async () => {
        // GIVEN containerInsights: true  WHEN built  THEN the setting is enabled
        new FargateCluster("ecs-ship-dev", { containerInsights: true });
        await settled();
        assert.deepEqual(one("aws:ecs/cluster:Cluster").inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
    });
});

describe("fargateSettings (pure)", () => {
    it("requires a resource label for request-count scaling", () => {
        // GIVEN metric requests without a label  WHEN configured  THEN it throws
        assert.throws(() => targetTracking("requests", 100), { message: "scaling on `requests` needs the ALB and target group resource label" });
    });

    it("picks the first subnet of each of the first two zones", () => {
        // GIVEN two subnets in zone a and one in b  THEN one from a and the one from b
        assert.deepEqual(pickAlbSubnets([
            { id: "s1", availabilityZone: "us-east-1a" }, { id: "s2", availabilityZone: "us-east-1a" }, { id: "s3", availabilityZone: "us-east-1b" },
        ]), ["s1", "s3"]);
    });

    it("refuses subnets that share one zone", () => {
        // GIVEN two subnets in one zone  THEN the exact message
        assert.throws(() => pickAlbSubnets([{ id: "s1", availabilityZone: "us-east-1a" }, { id: "s2", availabilityZone: "us-east-1a" }]),
            { message: "the load balancer needs public subnets in 2 different Availability Zones, got 2 subnet(s) in 1 (us-east-1a)" });
    });

    it("sizes the delete timeout from the drain time, never under 20 minutes", () => {
        // GIVEN 30 s and 3600 s delays  THEN 20m, and ceil((3600 + 30) / 60) + 15 = 76m
        assert.equal(serviceDeleteTimeout(30), "20m");
        assert.equal(serviceDeleteTimeout(3600), "76m");
    });

    it("rejects a memory size Fargate does not pair with the CPU", () => {
        // GIVEN cpu 256 with 4096 MiB  THEN the message lists what is allowed
        const a = normalizeFargateArgs({ ...args(), memory: 4096 });
        assert.equal(fargateArgsProblem(NAME, a), "memory: with cpu 256, Fargate accepts 512, 1024, 2048 MiB, got 4096");
    });
});

describe("Fargate mode: bad configuration (parseSettings)", () => {
    const SHA = "0123456789abcdef0123456789abcdef01234567";
    const raw = (values: Record<string, unknown>): RawConfig => ({
        stack: "dev", region: "us-east-1", env: { GITHUB_SHA: SHA }, gitHead: () => undefined,
        values: { github: { repository: "acme/shop" }, services: { web: { mode: "fargate", image: { context: "app" } } }, ...values },
    });
    const problems = (input: RawConfig): string[] => {
        try {
            parseSettings(input);
        } catch (e) {
            assert.ok(e instanceof ConfigError);
            return e.problems;
        }
        return assert.fail("configuration was accepted");
    };

    it("rejects a certificate ARN that is not from ACM", () => {
        // GIVEN an IAM server certificate  WHEN parsed  THEN one exact problem
        assert.deepEqual(problems(raw({ services: { web: { mode: "fargate", image: { context: "app" }, certificateArn: "arn:aws:iam::123456789012:server-certificate/x" } } })), [
            'ecs-ship:services.web.certificateArn: must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got "arn:aws:iam::123456789012:server-certificate/x"',
        ]);
    });

    it("rejects fewer than two subnets", () => {
        // GIVEN one public subnet  WHEN parsed  THEN one exact problem
        assert.deepEqual(problems(raw({ network: { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0123456789abcdef0"] } })), [
            "ecs-ship:network.publicSubnetIds: must list at least 2 public subnets in different Availability Zones (the load balancer needs two), got 1",
        ]);
    });

    it("rejects subnets without a VPC", () => {
        // GIVEN subnets and no vpcId  WHEN parsed  THEN one exact problem
        assert.deepEqual(problems(raw({ network: { publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] } })), [
            "ecs-ship:network.vpcId: is required when ecs-ship:network is set (or set ecs-ship:network.create: true), got nothing",
        ]);
    });
});

describe("Both service modes: one contract", () => {
    useMocks();

    it("gives the same image, port, health path, environment and secrets in Express and Fargate mode", async () => {
        // GIVEN one set of service settings
        const a = args();
        // WHEN each mode is built from it
        new ExpressService("ecs-ship-dev-web", { ...a, serviceName: "ecs-ship-dev-web" });
        await settled();
        const express = one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs;
        cloud.reset();
        await build();
        const container = JSON.parse(one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions)[0];
        const tg = one("aws:lb/targetGroup:TargetGroup").inputs;
        // THEN both run the same container contract
        const pc = express.primaryContainer;
        // Express alone carries its scaling settings as a container variable (expressLifecycle.ts).
        const appEnvironment = pc.environments.filter((e: { name: string }) => e.name !== SCALING_TRIGGER_ENV);
        assert.deepEqual(
            [pc.image, pc.containerPort, express.healthCheckPath, appEnvironment, pc.secrets],
            [container.image, container.portMappings[0].containerPort, tg.healthCheck.path, container.environment, container.secrets],
        );
        assert.equal(container.image, IMAGE);
    });
});
