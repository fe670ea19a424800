// The cost model over what the real program (index.ts) registers, not only synthetic plans:
// a stack with an arm64 Spot service, an Express service, a NAT gateway and Container Insights.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_ASSUMPTIONS } from "../components/cost/assumptions";
import { CostEstimate, PlanResource } from "../components/cost/estimate";
import { estimateCost } from "../components/cost/model";
import { PRICES } from "../components/cost/priceTable";
import { plan, planJson } from "../tools/planner/planner";

const STACK = `config:
  aws:region: eu-central-1
  ecs-ship:github: { repository: acme/shop }
  ecs-ship:containerInsights: true
  ecs-ship:network: { create: true, natStrategy: Single }
  ecs-ship:services:
    api: { mode: fargate, image: { context: app }, cpu: 1024, memory: 2048, architecture: arm64, spot: true, desiredCount: 2, scaling: { min: 2, max: 4 } }
    web: { mode: express, image: { context: app }, desiredCount: 1, scaling: { min: 1, max: 3 } }
`;

describe("cost model: a stack planned through index.ts", function () {
    this.timeout(60_000);
    const eu = PRICES.regions["eu-central-1"];
    const H = DEFAULT_ASSUMPTIONS.hoursPerMonth;
    let e: CostEstimate;

    before(async () => {
        // GIVEN the stack file planned by the real program
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-cost-"));
        const file = path.join(dir, "Pulumi.rich.yaml");
        fs.writeFileSync(file, STACK);
        const p = await plan("rich", { stackFile: file, env: { GITHUB_SHA: "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39" } });
        // WHEN its resources are estimated
        e = estimateCost((planJson(p) as { resources: PlanResource[] }).resources, "eu-central-1", { namePrefix: "ecs-ship-rich-" });
    });

    it("finds one service per configured service, and prices every resource type", () => {
        assert.deepEqual(e.services.map((s) => s.name), ["api", "web"]);
        assert.deepEqual(e.notPriced, []);
    });

    it("prices the arm64 Spot service's vCPU at the Graviton rate times the Spot fraction, for 2..4 tasks", () => {
        const vcpu = e.services[0].items.find((i) => i.item === "Fargate vCPU (arm64, Spot)")!;
        assert.equal(vcpu.rate, eu.fargateArmVcpuHour * eu.fargateSpotFraction);
        assert.deepEqual([vcpu.quantity.low, vcpu.quantity.high], [2 * 1 * H, 4 * 1 * H]);
    });

    it("puts the NAT gateway and Container Insights (11 + 13 × 2 metrics) in the shared part", () => {
        assert.deepEqual(e.shared.items.map((i) => `${i.item}: ${i.quantity.low}`), [
            `NAT gateway: ${H}`,
            `public IPv4 addresses: ${H}`,
            `NAT data processed: ${DEFAULT_ASSUMPTIONS.natGbPerMonth}`,
            `Container Insights metrics (enabled): ${11 + 13 * 2}`,
            `Container Insights performance logs: ${(2 + 1) * DEFAULT_ASSUMPTIONS.insightsGbPerTaskMonth}`,
        ]);
    });

    it("gives the Fargate tasks in private subnets no public IP, and the Express tasks one each", () => {
        const ips = (i: number) => e.services[i].items.filter((x) => x.item === "public IPv4 addresses" && x.category === "network").map((x) => x.resource);
        assert.deepEqual(ips(0), []);
        assert.deepEqual(ips(1), ["ecs-ship-rich-web-service"]);
    });
});
