// The front door through the real program (tools/planner/planner.ts `plan`, as `npm run plan` runs index.ts).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, plan } from "../tools/planner/planner";

const SHA = "4f2a9c1e0b7d3a5c9e1f2b4d6a8c0e2f4b6d8a0c";
const LB = "aws:lb/loadBalancer:LoadBalancer";

function tenServices(extra = ""): string {
    const services = Array.from({ length: 10 }, (_, i) => `    s${i}: { mode: fargate, image: { context: app } }`).join("\n");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-front-")), "Pulumi.qa.yaml");
    fs.writeFileSync(file, `config:\n  aws:region: us-east-1\n  ecs-ship:github: { repository: acme/shop }\n${extra}  ecs-ship:services:\n${services}\n`);
    return file;
}

describe("front door (real program)", function () {
    this.timeout(180_000);

    it("plans a ten-service Fargate stack with exactly one load balancer by default", async () => {
        // GIVEN ten Fargate services and no loadBalancer key  WHEN planned  THEN one ALB, ten target groups, no violation
        const p = await plan("qa", { stackFile: tenServices(), env: { GITHUB_SHA: SHA } });
        assert.equal(p.resources.filter((r) => r.type === LB).length, 1);
        assert.equal(p.resources.filter((r) => r.type === "aws:lb/targetGroup:TargetGroup").length, 10);
        assert.deepEqual(p.violations, []);
    });

    it("gives each service its own load balancer with loadBalancer.shared: false", async () => {
        const p = await plan("qa", { stackFile: tenServices("  ecs-ship:loadBalancer: { shared: false }\n"), env: { GITHUB_SHA: SHA } });
        assert.equal(p.resources.filter((r) => r.type === LB).length, 10);
    });

    it("serves two services on one domain with one certificate and one record, the narrower rule first", async () => {
        // GIVEN a storefront on shop.example.com and its API on shop.example.com/api
        const file = path.join(ROOT, "test/scenarios/front-door-shared-domain/Pulumi.prod.yaml");
        // WHEN planned through the program
        const p = await plan("prod", { stackFile: file, env: { GITHUB_SHA: SHA } });
        const of = (type: string) => p.resources.filter((r) => r.type === type);
        // THEN the domain has exactly one certificate, one listener certificate slot (the default), one
        // validation record and one alias record, all named after the domain, not a service
        assert.deepEqual(of("aws:acm/certificate:Certificate").map((r) => r.name), ["ecs-ship-prod-shop.example.com-cert"]);
        assert.deepEqual(of("aws:lb/listenerCertificate:ListenerCertificate").map((r) => r.name), []);
        assert.deepEqual(of("aws:route53/record:Record").map((r) => `${r.inputs.type} ${r.inputs.name}`).sort(), ["A shop.example.com", `CNAME ${of("aws:route53/record:Record").find((r) => r.inputs.type === "CNAME")!.inputs.name}`].sort());
        assert.equal(of("aws:route53/record:Record").find((r) => r.inputs.type === "A")!.name, "ecs-ship-prod-shop.example.com-dns");
        // AND on each listener the API's host-and-path rule is evaluated before the storefront's host-only rule
        const priority = (service: string, listener: string) => of("aws:lb/listenerRule:ListenerRule")
            .find((r) => r.parent === `ecs-ship-prod-${service}` && r.name.startsWith(`ecs-ship-prod-shared-${listener}-rule-`))!.inputs.priority as number;
        assert.ok(priority("api", "https") < priority("storefront", "https"));
        assert.ok(priority("api", "http") < priority("storefront", "http"));
        assert.deepEqual(p.violations, []);
    });

    it("forwards a service without a certificate on the shared HTTPS listener too, so no broader rule takes its requests", async () => {
        // GIVEN web with a certificate on the catch-all path /, and api with none on /api
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-front-")), "Pulumi.qa.yaml");
        const ref = (d: string) => `ghcr.io/acme/app@sha256:${d.repeat(64)}`;
        fs.writeFileSync(file, [
            "config:", "  aws:region: us-east-1", "  ecs-ship:github: { repository: acme/shop }", "  ecs-ship:services:",
            `    web: { mode: fargate, image: { ref: "${ref("1")}" }, certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0b6f2a59-8c1d-4c4e-9a53-2f1d0c7e6b11", path: / }`,
            `    api: { mode: fargate, image: { ref: "${ref("2")}" } }`, "",
        ].join("\n"));
        // WHEN planned
        const p = await plan("qa", { stackFile: file, env: { GITHUB_SHA: SHA } });
        const rules = p.resources.filter((r) => r.type === "aws:lb/listenerRule:ListenerRule")
            .map((r) => `${r.parent!.replace("ecs-ship-qa-", "")}-${r.name.replace(/^ecs-ship-qa-shared-(https?-rule)-\d+$/, "$1")} ${r.inputs.actions[0].type} ${r.inputs.priority < 45001 ? "narrow" : "catch-all"} band`).sort();
        // THEN api forwards on HTTP and HTTPS, ahead of web's catch-all, which redirects HTTP and forwards HTTPS
        assert.deepEqual(rules, [
            "api-http-rule forward narrow band", "api-https-rule forward narrow band",
            "web-http-rule redirect catch-all band", "web-https-rule forward catch-all band",
        ]);
    });

    it("plans every front-door option through the program: shared with one service, a zone id, a priority, tuned alarms", async () => {
        // GIVEN one service with loadBalancer.shared, hostedZoneId, priority and alarm settings
        const file = path.join(ROOT, "test/scenarios/front-door-options/Pulumi.prod.yaml");
        // WHEN planned
        const p = await plan("prod", { stackFile: file, env: { GITHUB_SHA: SHA } });
        const of = (type: string) => p.resources.filter((r) => r.type === type);
        // THEN the shared load balancer serves it, its records are in the given zone, its rules at the given priority
        assert.deepEqual(of(LB).map((r) => r.name), ["ecs-ship-prod-shared-alb"]);
        assert.deepEqual(of("aws:route53/record:Record").map((r) => r.inputs.zoneId), ["Z0441852ABCDEFGHIJK", "Z0441852ABCDEFGHIJK"]);
        assert.deepEqual(of("aws:lb/listenerRule:ListenerRule").map((r) => r.inputs.priority), [100, 100]);
        // AND the alarms carry the thresholds, periods and topic, and the deploy role may notify only that topic
        assert.deepEqual(of("aws:cloudwatch/metricAlarm:MetricAlarm").map((r) => [r.name, r.inputs.threshold, r.inputs.evaluationPeriods, r.inputs.alarmActions]).sort(), [
            ["ecs-ship-prod-web-5xx", 50, 5, ["arn:aws:sns:us-east-1:123456789012:oncall"]],
            ["ecs-ship-prod-web-unhealthy", 2, 5, ["arn:aws:sns:us-east-1:123456789012:oncall"]],
        ]);
        const edge = JSON.parse(p.resources.find((r) => r.name === "ecs-ship-prod-github-deploy-edge")!.inputs.policy);
        const put = edge.Statement.find((x: { Sid: string }) => x.Sid === "AlarmsPut");
        assert.deepEqual(put.Condition, { "ForAllValues:StringLike": { "cloudwatch:AlarmActions": ["arn:aws:sns:us-east-1:123456789012:ecs-ship-prod-*", "arn:aws:sns:us-east-1:123456789012:oncall"] } });
        assert.equal(of("aws:sns/topic:Topic").length, 0);
        assert.deepEqual(p.violations, []);
    });

    it("gives services that bring the same certificate one place on the HTTPS listener", async () => {
        // GIVEN a and b with certificate A and c with certificate B, no domains
        const A = "arn:aws:acm:us-east-1:123456789012:certificate/0b6f2a59-8c1d-4c4e-9a53-2f1d0c7e6b11";
        const B = "arn:aws:acm:us-east-1:123456789012:certificate/1c7f3b60-9d2e-4d5f-8b64-3a2e1d8f7c22";
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-front-")), "Pulumi.qa.yaml");
        const svc = (n: string, cert: string, d: string) => `    ${n}: { mode: fargate, image: { ref: "ghcr.io/acme/app@sha256:${d.repeat(64)}" }, certificateArn: "${cert}" }`;
        fs.writeFileSync(file, ["config:", "  aws:region: us-east-1", "  ecs-ship:github: { repository: acme/shop }", "  ecs-ship:services:",
            svc("a", A, "1"), svc("b", A, "2"), svc("c", B, "3"), ""].join("\n"));
        // WHEN planned
        const p = await plan("qa", { stackFile: file, env: { GITHUB_SHA: SHA } });
        // THEN one certificate is the listener's default and the other is added once, named by its id, not by a service
        const https = p.resources.find((r) => r.type === "aws:lb/listener:Listener" && r.inputs.port === 443)!;
        const extra = p.resources.filter((r) => r.type === "aws:lb/listenerCertificate:ListenerCertificate");
        assert.deepEqual([https.inputs.certificateArn, ...extra.map((r) => `${r.name} ${r.inputs.certificateArn}`)],
            [A, `ecs-ship-qa-shared-cert-certificate-1c7f3b60-9d2e-4d5f-8b64-3a2e1d8f7c22 ${B}`]);
    });

    it("refuses a domain on an Express service, citing what Express Mode supports", async () => {
        // GIVEN an Express service with a domain  WHEN planned  THEN a configuration error naming the key
        const file = path.join(ROOT, "test/scenarios/fixtures/express-domain/Pulumi.dev.yaml");
        await assert.rejects(plan("dev", { stackFile: file, env: { GITHUB_SHA: SHA } }), (e: Error) => {
            assert.match(e.message, /ecs-ship:services\.web\.domain: Express Mode serves only on the domain AWS gives it \(https:\/\/<name>\.ecs\.<region>\.on\.aws\) and takes no custom domain \(Amazon ECS API Reference, CreateExpressGatewayService\); use mode: fargate for a custom domain, got "www\.example\.com"/);
            return true;
        });
    });
});
