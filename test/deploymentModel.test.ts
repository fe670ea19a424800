// The numbers of the deployment strategies: the cost of the second set of tasks a canary, linear or
// blue/green release runs (components/cost/deploymentRules.ts, over a plan of the real program), and
// the rollout model `npm run bench -- --only strategies` prints (tools/bench/strategies.ts).
import { strict as assert } from "assert";
import * as path from "path";
import { DEFAULT_ASSUMPTIONS } from "../components/cost/assumptions";
import { CostEstimate, PlanResource } from "../components/cost/estimate";
import { estimateCost } from "../components/cost/model";
import { PRICES } from "../components/cost/priceTable";
import { READY_MINUTES, resolveDeployment } from "../components/fargate/deploymentStrategy";
import { detect, shareAt } from "../tools/bench/strategies";
import { plan, planJson } from "../tools/planner/planner";

describe("cost model: releases that run a second set of tasks", function () {
    this.timeout(120_000);
    let e: CostEstimate;
    before(async () => {
        // GIVEN the strategies fixture (web rolling, cart canary, search linear, checkout blue/green) planned through index.ts
        const p = await plan("canary", { stackFile: path.join(__dirname, "fixtures", "Pulumi.strategies-own.yaml"), env: { GITHUB_SHA: "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39" } });
        e = estimateCost((planJson(p) as { resources: PlanResource[] }).resources, "us-east-1", { namePrefix: "ecs-ship-canary-" });
    });
    const second = (service: string) => e.services.find((s) => s.name === service)!.items.filter((i) => i.item.endsWith("second revision during releases"));

    it("adds nothing for a rolling service", () => {
        assert.deepEqual(second("web"), []);
    });

    for (const [service, waits] of [["cart", 15 + 10], ["search", 3 * 4 + 5], ["checkout", 20]] as const) {
        it(`prices ${service}'s second revision for deploysPerMonth × (start + ${waits} min of bakes)`, () => {
            // WHEN estimated  THEN vCPU and memory for the release hours, at the on-demand rates
            const us = PRICES.regions["us-east-1"];
            const hours = (DEFAULT_ASSUMPTIONS.deploysPerMonth * (READY_MINUTES + waits)) / 60;
            const items = second(service);
            assert.deepEqual(items.map((i) => i.item), ["Fargate vCPU (x86_64, on-demand), second revision during releases", "Fargate memory (x86_64, on-demand), second revision during releases"]);
            // one task (scaling min 1) at 0.25 vCPU / 0.5 GB in the low scenario
            assert.ok(Math.abs(items[0].quantity.low - hours * 0.25) < 1e-9, `${items[0].quantity.low} vs ${hours * 0.25}`);
            assert.ok(Math.abs(items[0].cost.low - hours * 0.25 * us.fargateX86VcpuHour) < 1e-9);
            assert.match(items[0].explain, new RegExp(`deploysPerMonth ${DEFAULT_ASSUMPTIONS.deploysPerMonth} × ${READY_MINUTES + waits} min`));
        });
    }
});

describe("bench: the rollout model of each strategy", () => {
    const bad = (rps: number) => ({ rps, errorRate: 0.05, threshold: 10, evaluationPeriods: 3 });

    it("moves traffic on each strategy's timeline", () => {
        const canary = resolveDeployment({ strategy: "canary", canaryPercent: 10, canaryBakeMinutes: 10 });
        assert.deepEqual([0, 9, 10].map((m) => shareAt(canary, m)), [0.1, 0.1, 1]);
        const linear = resolveDeployment({ strategy: "linear", linearStepPercent: 30, linearStepMinutes: 5 });
        assert.deepEqual([0, 5, 10, 15].map((m) => shareAt(linear, m)), [0.3, 0.6, 0.9, 1]);
        assert.equal(shareAt(resolveDeployment({ strategy: "blueGreen" }), 0), 1);
    });

    it("trips the alarm as fast as rolling under a canary with traffic enough, having exposed a tenth of the traffic", () => {
        // 50 req/s × 60 × 10% × 5% = 15 errors a minute on the canary, over the threshold of 10
        const canary = detect(resolveDeployment({ strategy: "canary" }), bad(50));
        const rolling = detect(resolveDeployment({ strategy: "rolling" }), bad(50));
        assert.deepEqual(canary, { minutes: 3, exposedTrafficMinutes: 0.3 });
        assert.deepEqual(rolling, { minutes: 3, exposedTrafficMinutes: 3 });
    });

    it("trips the alarm only after the canary bake when the canary's share is too small to reach the threshold", () => {
        // 5 req/s × 60 × 10% × 5% = 1.5 errors a minute: the alarm waits for full traffic at minute 10
        assert.deepEqual(detect(resolveDeployment({ strategy: "canary" }), bad(5)), { minutes: 13, exposedTrafficMinutes: 4 });
    });
});
