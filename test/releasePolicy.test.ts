// The policy pack over the release and sidecar scenarios: every container of every task definition
// (the sidecars and the Express release's own) runs by digest, and every log group (one per
// sidecar) keeps logs for a bounded time.
import { strict as assert } from "assert";
import * as path from "path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { imagePinnedByDigest, logGroupRetention } from "../policy/rules";
import { ROOT, plan } from "../tools/planner/planner";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const SCENARIOS: [string, string][] = [
    ["prod", "test/scenarios/sidecar-proxy/Pulumi.prod.yaml"],
    ["staging", "test/scenarios/release-express/Pulumi.staging.yaml"],
    ["prod", "test/scenarios/release-fargate/Pulumi.prod.yaml"],
];

/** What a resource rule reports for one planned resource, called as the policy runtime calls it. */
async function findings(rule: ResourceValidationPolicy, type: string, props: Record<string, unknown>): Promise<string[]> {
    const out: string[] = [];
    const args = { type, props, notApplicable: (): never => { throw new Error("not applicable"); } } as any;
    const validations = Array.isArray(rule.validateResource) ? rule.validateResource : [rule.validateResource!];
    try {
        for (const v of validations) await v(args, (m: string) => out.push(m));
    } catch (e) {
        if ((e as Error).message !== "not applicable") throw e;
    }
    return out;
}

describe("policy pack over the release and sidecar scenarios", function () {
    this.timeout(180000);
    for (const [stack, file] of SCENARIOS) {
        it(`${path.basename(path.dirname(file))}: no image by tag, no log group without retention`, async () => {
            const p = await plan(stack, { stackFile: path.join(ROOT, file), env: { GITHUB_SHA: SHA } });
            const checked = p.resources.filter((r) => ["aws:ecs/taskDefinition:TaskDefinition", "aws:cloudwatch/logGroup:LogGroup"].includes(r.type));
            const problems: string[] = [];
            for (const r of checked) {
                for (const rule of [imagePinnedByDigest, logGroupRetention]) problems.push(...(await findings(rule, r.type, r.inputs)).map((m) => `${r.name}: ${m}`));
            }
            assert.deepEqual(problems, []);
            // The rules saw what they target: every container of every task definition.
            const containers = checked.filter((r) => r.type.endsWith("TaskDefinition")).flatMap((r) => JSON.parse(r.inputs.containerDefinitions));
            assert.ok(containers.length >= 1);
        });
    }

    it("would flag a sidecar by tag, so the digest rule in config is the pack's own", async () => {
        const containerDefinitions = JSON.stringify([{ name: "app", image: `r/app@sha256:${"a".repeat(64)}` }, { name: "proxy", image: "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.12.0-prod" }]);
        const found = await findings(imagePinnedByDigest, "aws:ecs/taskDefinition:TaskDefinition", { containerDefinitions });
        assert.equal(found.length, 1);
        assert.match(found[0], /proxy|\[1\]/);
    });
});

describe("cost of release tasks", function () {
    this.timeout(120000);
    it("prices each release run as one on-demand Fargate task of the revision it runs, from the stated assumptions", async () => {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const { estimateCost } = require("../components/cost/model");
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const { DEFAULT_ASSUMPTIONS } = require("../components/cost/assumptions");
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const { PRICES } = require("../components/cost/priceTable");
        const p = await plan("prod", { stackFile: path.join(ROOT, "test/scenarios/release-fargate/Pulumi.prod.yaml"), env: { GITHUB_SHA: SHA } });
        const e = estimateCost(p.resources, "eu-west-1", { assumptions: { ...DEFAULT_ASSUMPTIONS, releasesPerMonth: 30, releaseMinutes: 10 } });
        const items = e.services.flatMap((s: any) => s.items).filter((i: any) => i.resource === "ecs-ship-prod-web-release");
        // 30 runs × 10 minutes = 5 task-hours of a 0.5 vCPU / 1 GB task
        assert.deepEqual(items.map((i: any) => [i.item, i.quantity.expected, i.priceKey]), [
            ["release tasks: Fargate vCPU", 2.5, "fargateX86VcpuHour"],
            ["release tasks: Fargate memory", 5, "fargateX86GbHour"],
        ]);
        const rate = PRICES.regions["eu-west-1"].fargateX86VcpuHour;
        assert.equal(items[0].cost.expected, 2.5 * rate);
    });
});

describe("the deploy gate on a service with a release", () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { parseServices, releaseHint } = require("../tools/verify/verifyGate");
    const outputs = (release: unknown) => ({
        services: {
            web: {
                mode: "fargate", url: "http://alb.example", serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/ecs-ship-prod-cluster-be69318/ecs-ship-prod-web",
                imageDigest: `sha256:${"a".repeat(64)}`, healthCheckPath: "/health", release,
            },
        },
    });

    it("reads the release command from the stack outputs, and explains what a failed release leaves when an old version serves", () => {
        const [web] = parseServices(outputs({ command: ["python", "manage.py", "migrate"] }), "prod");
        assert.deepEqual(web.release, ["python", "manage.py", "migrate"]);
        assert.equal(releaseHint(web), '. If this run\'s `pulumi up` failed at its release task (["python","manage.py","migrate"]), this is what a failed release leaves: '
            + "the old version serving, the service untouched, nothing half-migrated by the deploy itself; the error of `pulumi up` names the task, "
            + 'its exit code and its last log lines, and the next `pulumi up` runs the release again (docs/workloads.md, "Release tasks")');
        const [plain] = parseServices(outputs(undefined), "prod");
        assert.equal(releaseHint(plain), "");
    });

    it("is fed by index.ts: the planned stack exports each service's release command", async function () {
        this.timeout(120000);
        const p = await plan("prod", { stackFile: path.join(ROOT, "test/scenarios/release-fargate/Pulumi.prod.yaml"), env: { GITHUB_SHA: SHA } });
        const web = (p.outputs.services as any).web;
        assert.deepEqual(web.release, { command: ["python", "manage.py", "migrate", "--noinput"] });
    });
});
