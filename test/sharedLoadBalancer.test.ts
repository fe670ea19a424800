// SharedLoadBalancer, FargateService behind it, its deployment alarms and its custom domain,
// under the mock cloud: the exact child contract.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { FargateService, FargateServiceArgs } from "../components/fargate/fargateService";
import { SharedLoadBalancer } from "../components/frontDoor/sharedLoadBalancer";
import { DomainCertificate } from "../components/frontDoor/customDomain";
import { hex } from "../tools/planner/mockCloud";
import { RecordedResource, cloud, promiseOf, settled, useMocks } from "./support/harness";

const LB_NAME = "ecs-ship-dev-shared";
const NAME = "ecs-ship-dev-web";
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-dev-web@sha256:${"a".repeat(64)}`;
const CERT_A = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
const CERT_B = "arn:aws:acm:us-east-1:123456789012:certificate/1b1c2d3e-4f50-6172-8394-a5b6c7d8e9f1";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const RULE = "aws:lb/listenerRule:ListenerRule";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const sgId = (logical: string) => `sg-${hex(logical, 17)}`;
const NOT_FOUND = [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" } }];

const network = { vpcId: "vpc-0a1b2c3d4e5f60718", subnetIds: ["subnet-aaa", "subnet-bbb"] };

function serviceArgs(lb: SharedLoadBalancer | undefined, over: Partial<FargateServiceArgs> = {}): FargateServiceArgs {
    return {
        image: IMAGE, clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/c", clusterName: "c",
        vpcId: network.vpcId, albSubnetIds: network.subnetIds, taskSubnetIds: network.subnetIds,
        sharedLoadBalancer: lb?.listener, route: lb ? { path: "/web", priority: 42 } : undefined,
        ...over,
    };
}

async function shared(certificateArns?: Record<string, string>): Promise<SharedLoadBalancer> {
    const lb = new SharedLoadBalancer(LB_NAME, { ...network, certificateArns });
    await settled();
    return lb;
}

const rules = (): RecordedResource[] => cloud.ofType(RULE).sort((a, b) => a.name.localeCompare(b.name));
const listenerArn = (name: string) => cloud.resources.find((r) => r.name === name)!.state.arn;

describe("SharedLoadBalancer", () => {
    useMocks();

    it("is one ALB with an HTTP listener answering 404 to what no service claims, open on 80 only", async () => {
        // GIVEN no certificates  WHEN built
        await shared();
        // THEN one ALB, one listener whose default is a fixed 404, ingress on 80 from anywhere (v4 and v6)
        assert.equal(cloud.ofType("aws:lb/loadBalancer:LoadBalancer").length, 1);
        const listeners = cloud.ofType("aws:lb/listener:Listener");
        assert.deepEqual(listeners.map((l) => [l.inputs.protocol, l.inputs.port, l.inputs.defaultActions]), [["HTTP", 80, NOT_FOUND]]);
        assert.deepEqual(cloud.ofType(INGRESS).map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6]).sort(), [[80, "0.0.0.0/0"], [80, "::/0"]]);
        assert.equal(cloud.ofType(EGRESS).length, 0);
    });

    it("adds HTTPS on 443 with the first service's certificate as default and one listener certificate per other service", async () => {
        // GIVEN certificates of two services  WHEN built
        await shared({ web: CERT_B, api: CERT_A });
        // THEN the HTTPS listener uses api's (first by name) with the TLS 1.2+ policy, and web's is added by name
        const https = cloud.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
        assert.deepEqual([https.inputs.protocol, https.inputs.certificateArn, https.inputs.sslPolicy, https.inputs.defaultActions], ["HTTPS", CERT_A, "ELBSecurityPolicy-TLS13-1-2-2021-06", NOT_FOUND]);
        const extra = cloud.ofType("aws:lb/listenerCertificate:ListenerCertificate");
        assert.deepEqual(extra.map((c) => [c.name, c.inputs.certificateArn]), [[`${LB_NAME}-cert-web`, CERT_B]]);
        assert.deepEqual(cloud.ofType(INGRESS).map((r) => r.inputs.fromPort).sort(), [443, 443, 80, 80]);
    });
});

describe("FargateService behind the shared load balancer", () => {
    useMocks();

    it("creates a target group and one forward rule at its priority, and no load balancer or listener of its own", async () => {
        // GIVEN the shared ALB  WHEN a service joins it on /web at priority 42
        const lb = await shared();
        const svc = new FargateService(NAME, serviceArgs(lb));
        await settled();
        // THEN the ALB and listener are the shared ones; the service adds exactly its rule and target group
        assert.equal(cloud.ofType("aws:lb/loadBalancer:LoadBalancer").length, 1);
        assert.equal(cloud.ofType("aws:lb/listener:Listener").filter((l) => l.parent === NAME).length, 0);
        const tg = cloud.ofType("aws:lb/targetGroup:TargetGroup");
        assert.equal(tg.length, 1);
        assert.deepEqual(rules().map((r) => [r.name, r.inputs.listenerArn, r.inputs.priority, r.inputs.conditions, r.inputs.actions]), [
            [`${LB_NAME}-http-rule-42`, listenerArn(`${LB_NAME}-http`), 42, [{ pathPattern: { values: ["/web", "/web/*"] } }], [{ type: "forward", targetGroupArn: tg[0].state.arn }]],
        ]);
        // AND the target group is the one behind the shared load balancer, not the one an own ALB would use
        assert.equal(tg[0].name, `${NAME}-stg`);
        assert.match(await promiseOf(svc.url), /^http:\/\/ecs-ship-dev-shared-alb-.+\.elb\.amazonaws\.com\/web$/);
    });

    it("exposes its rules, target group, task definition and task security group to a program building on it, and no listener", async () => {
        const lb = await shared({ web: CERT_A });
        const svc = new FargateService(NAME, serviceArgs(lb, { certificateArn: CERT_A, route: { host: "www.example.com", priority: 9 } }));
        await settled();
        const urn = (r: pulumi.Resource) => promiseOf(r.urn);
        assert.deepEqual((await Promise.all(svc.listenerRules.map(urn))).sort(), rules().map((r) => r.urn).sort());
        assert.equal(svc.listenerRules.length, 2);
        assert.deepEqual(svc.listeners, []);
        assert.equal(await urn(svc.targetGroup), cloud.ofType("aws:lb/targetGroup:TargetGroup")[0].urn);
        assert.equal(await urn(svc.taskDefinition), cloud.ofType("aws:ecs/taskDefinition:TaskDefinition")[0].urn);
        assert.equal(await promiseOf(svc.taskSecurityGroup.id), sgId(`${NAME}-task-sg`));
    });

    it("opens its tasks only to the shared ALB's security group, on its port, and lets that group reach only them", async () => {
        const lb = await shared();
        new FargateService(NAME, serviceArgs(lb, { port: 3000 }));
        await settled();
        // THEN the task group admits only the shared group; the shared group's one egress goes to the task group
        const taskIngress = cloud.ofType(INGRESS).filter((r) => r.parent === NAME);
        assert.deepEqual(taskIngress.map((r) => [r.inputs.securityGroupId, r.inputs.fromPort, r.inputs.toPort, r.inputs.referencedSecurityGroupId, r.inputs.cidrIpv4]),
            [[sgId(`${NAME}-task-sg`), 3000, 3000, sgId(`${LB_NAME}-alb-sg`), undefined]]);
        const albEgress = cloud.ofType(EGRESS).filter((r) => r.inputs.securityGroupId === sgId(`${LB_NAME}-alb-sg`));
        assert.deepEqual(albEgress.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId]), [[3000, sgId(`${NAME}-task-sg`)]]);
        assert.equal(cloud.ofType("aws:ec2/securityGroup:SecurityGroup").filter((g) => g.parent === NAME).length, 1);
    });

    it("with a certificate, forwards on HTTPS and redirects on HTTP, both at its priority", async () => {
        const lb = await shared({ web: CERT_A });
        new FargateService(NAME, serviceArgs(lb, { certificateArn: CERT_A, route: { host: "www.example.com", priority: 9 } }));
        await settled();
        assert.deepEqual(rules().map((r) => [r.name, r.inputs.listenerArn, r.inputs.priority, r.inputs.conditions, r.inputs.actions[0].type]), [
            [`${LB_NAME}-http-rule-9`, listenerArn(`${LB_NAME}-http`), 9, [{ hostHeader: { values: ["www.example.com"] } }], "redirect"],
            [`${LB_NAME}-https-rule-9`, listenerArn(`${LB_NAME}-https`), 9, [{ hostHeader: { values: ["www.example.com"] } }], "forward"],
        ]);
    });

    it("probes /health under its path prefix by default, since the load balancer passes the prefix on unchanged", async () => {
        // GIVEN a service on /web with no healthCheckPath  WHEN created
        const lb = await shared();
        const svc = new FargateService(NAME, serviceArgs(lb));
        await settled();
        // THEN its target group probes /web/health, and it says so for the deploy gate
        assert.equal(cloud.ofType("aws:lb/targetGroup:TargetGroup")[0].inputs.healthCheck.path, "/web/health");
        assert.equal(svc.healthCheckPath, "/web/health");
    });

    it("refuses a health check path outside its path prefix, which the gate could not reach through the load balancer", async () => {
        const lb = await shared();
        await assert.rejects(async () => {
            new FargateService(NAME, serviceArgs(lb, { healthCheckPath: "/health" }));
            await settled();
        }, (e: Error) => {
            assert.match(e.message, /healthCheckPath: must lie under the service's path prefix "\/web", which reaches the app unchanged, so the health check is reachable through the load balancer; got "\/health"/);
            return true;
        });
        // AND one under it is taken as given
        const ok = new FargateService(`${NAME}2`, serviceArgs(lb, { healthCheckPath: "/web/healthz" }));
        assert.equal(ok.healthCheckPath, "/web/healthz");
    });

    it("waits for its rules before the ECS service starts (ECS rejects a target group no listener uses)", async () => {
        const lb = await shared();
        new FargateService(NAME, serviceArgs(lb));
        await settled();
        const svc = cloud.ofType("aws:ecs/service:Service")[0];
        assert.ok(svc.dependencies.includes(`${LB_NAME}-http-rule-42`), svc.dependencies.join(", "));
    });
});

describe("FargateService: deployment alarms", () => {
    useMocks();

    it("alarms on the target group's 5xx count and unhealthy hosts, and ECS rolls back a deployment that trips one", async () => {
        // GIVEN default alarm settings  WHEN built with its own ALB
        new FargateService(NAME, serviceArgs(undefined));
        await settled();
        // THEN two alarms on the target group's metrics, named for the service, attached to the deployment with rollback
        const alarms = cloud.ofType(ALARM).sort((a, b) => a.name.localeCompare(b.name));
        const tg = cloud.ofType("aws:lb/targetGroup:TargetGroup")[0].state;
        const alb = cloud.ofType("aws:lb/loadBalancer:LoadBalancer")[0].state;
        assert.deepEqual(alarms.map((a) => [a.inputs.name, a.inputs.namespace, a.inputs.metricName, a.inputs.statistic, a.inputs.threshold, a.inputs.evaluationPeriods, a.inputs.period, a.inputs.comparisonOperator, a.inputs.treatMissingData]), [
            [`${NAME}-5xx`, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", 10, 3, 60, "GreaterThanOrEqualToThreshold", "notBreaching"],
            [`${NAME}-unhealthy`, "AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", 1, 3, 60, "GreaterThanOrEqualToThreshold", "notBreaching"],
        ]);
        for (const a of alarms) assert.deepEqual(a.inputs.dimensions, { LoadBalancer: alb.arnSuffix, TargetGroup: tg.arnSuffix });
        const svc = cloud.ofType("aws:ecs/service:Service")[0];
        assert.deepEqual(svc.inputs.alarms, { alarmNames: [`${NAME}-5xx`, `${NAME}-unhealthy`], enable: true, rollback: true });
        assert.deepEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
    });

    it("takes configured thresholds and notifies an email address through a topic of its own", async () => {
        new FargateService(NAME, serviceArgs(undefined, { alarms: { http5xx: 25, unhealthyHosts: 2, evaluationPeriods: 2, email: "ops@example.com" } }));
        await settled();
        const topic = cloud.ofType("aws:sns/topic:Topic");
        assert.deepEqual(topic.map((t) => t.inputs.name), [`${NAME}-alarms`]);
        assert.deepEqual(cloud.ofType("aws:sns/topicSubscription:TopicSubscription").map((s) => [s.inputs.protocol, s.inputs.endpoint, s.inputs.topic]), [["email", "ops@example.com", topic[0].state.arn]]);
        for (const a of cloud.ofType(ALARM)) {
            assert.deepEqual([a.inputs.alarmActions, a.inputs.okActions], [[topic[0].state.arn], [topic[0].state.arn]]);
            assert.equal(a.inputs.evaluationPeriods, 2);
        }
        assert.deepEqual(cloud.ofType(ALARM).map((a) => a.inputs.threshold).sort(), [2, 25]);
    });

    it("notifies an existing SNS topic without creating one", async () => {
        const topic = "arn:aws:sns:us-east-1:123456789012:ops";
        new FargateService(NAME, serviceArgs(undefined, { alarms: { snsTopicArn: topic } }));
        await settled();
        assert.equal(cloud.ofType("aws:sns/topic:Topic").length, 0);
        for (const a of cloud.ofType(ALARM)) assert.deepEqual(a.inputs.alarmActions, [topic]);
    });

    it("creates no alarm when disabled, and sends the deployment alarms switched off; the circuit breaker stays", async () => {
        new FargateService(NAME, serviceArgs(undefined, { alarms: { enabled: false } }));
        await settled();
        assert.equal(cloud.ofType(ALARM).length, 0);
        const svc = cloud.ofType("aws:ecs/service:Service")[0];
        // An absent block would leave ECS's alarms attached (the provider suppresses its removal)
        assert.deepEqual(svc.inputs.alarms, { alarmNames: [`${NAME}-5xx`, `${NAME}-unhealthy`], enable: false, rollback: false });
        assert.deepEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
    });
});

describe("FargateService: custom domain", () => {
    useMocks();

    it("points an alias A record (no AAAA: the ALB is IPv4) at its ALB and serves on https://<domain>", async () => {
        // GIVEN a domain in a zone and a certificate  WHEN built with its own ALB
        const svc = new FargateService(NAME, serviceArgs(undefined, { certificateArn: CERT_A, domain: { name: "www.example.com", zoneId: "Z123EXAMPLE" } }));
        await settled();
        const alb = cloud.ofType("aws:lb/loadBalancer:LoadBalancer")[0].state;
        const records = cloud.ofType("aws:route53/record:Record");
        assert.deepEqual(records.map((r) => [r.inputs.zoneId, r.inputs.name, r.inputs.type, r.inputs.aliases]), [
            ["Z123EXAMPLE", "www.example.com", "A", [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }]],
        ]);
        assert.equal(await promiseOf(svc.url), "https://www.example.com");
        assert.equal(await promiseOf(svc.certificateArn), CERT_A);
        // AND HTTP redirects to HTTPS
        const http = cloud.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 80)!;
        assert.equal(http.inputs.defaultActions[0].type, "redirect");
    });
});

describe("FargateService: a domain whose record the caller keeps", () => {
    useMocks();

    it("serves on https://<domain> but writes no record when no zone is given", async () => {
        // GIVEN a domain without zoneId (index.ts keeps one record per domain itself)  WHEN built with its own ALB
        const svc = new FargateService(NAME, serviceArgs(undefined, { certificateArn: CERT_A, domain: { name: "www.example.com" } }));
        await settled();
        // THEN the URL is the domain and no Route 53 record exists
        assert.equal(await promiseOf(svc.url), "https://www.example.com");
        assert.equal(cloud.ofType("aws:route53/record:Record").length, 0);
    });
});

describe("DomainCertificate", () => {
    useMocks();

    it("requests a DNS-validated certificate, writes its validation record in the zone, and resolves once validated", async () => {
        // GIVEN a domain and its zone  WHEN built
        const c = new DomainCertificate("ecs-ship-dev-web-domain", { domain: "www.example.com", zoneId: "Z123EXAMPLE" });
        await settled();
        // THEN one certificate for exactly that name by DNS, one CNAME in the zone, one validation waiting on that record
        const [cert] = cloud.ofType("aws:acm/certificate:Certificate");
        assert.deepEqual([cert.inputs.domainName, cert.inputs.validationMethod, cert.inputs.subjectAlternativeNames], ["www.example.com", "DNS", undefined]);
        const option = cert.state.domainValidationOptions[0];
        const [record] = cloud.ofType("aws:route53/record:Record");
        assert.deepEqual([record.inputs.zoneId, record.inputs.name, record.inputs.type, record.inputs.records], ["Z123EXAMPLE", option.resourceRecordName, "CNAME", [option.resourceRecordValue]]);
        const [validation] = cloud.ofType("aws:acm/certificateValidation:CertificateValidation");
        assert.deepEqual([validation.inputs.certificateArn, validation.inputs.validationRecordFqdns], [cert.state.arn, [record.state.fqdn]]);
        assert.equal(await promiseOf(c.certificateArn), cert.state.arn);
    });
});
