// The cost of workers and scheduled jobs: a worker is priced as its tasks (no load balancer), a job as
// its runs (runs a month from its schedule × jobMinutesPerRun × its task size), planned from the
// Django production scenario through index.ts.
import { strict as assert } from "assert";
import * as path from "path";
import { runsPerMonth } from "../components/cost/jobRules";
import { estimateCost } from "../components/cost/model";
import { ROOT, plan } from "../tools/planner/planner";

describe("cost: scheduled jobs' runs a month", () => {
    it("reads rate and cron expressions", () => {
        assert.equal(runsPerMonth("rate(1 hour)", 730), 730);
        assert.equal(runsPerMonth("rate(15 minutes)", 730), 2920);
        assert.equal(runsPerMonth("rate(2 days)", 730), 730 * 60 / 2880);
        assert.ok(Math.abs(runsPerMonth("cron(0 3 * * ? *)", 730) - 365 / 12) < 1e-9);
        assert.ok(Math.abs(runsPerMonth("cron(0/15 8-17 ? * MON-FRI *)", 730) - 4 * 10 * 5 * 52 / 12) < 1e-9);
        assert.equal(runsPerMonth("cron(0 8 1 * ? *)", 730), 1);
        assert.equal(runsPerMonth("cron(0 8 1 1,7 ? *)", 730), 2 / 12);
    });
});

describe("cost: the Django production stack", function () {
    this.timeout(120_000);
    it("prices the worker's tasks, and the nightly job's runs at its task size, with no item left unpriced", async () => {
        const p = await plan("prod", { stackFile: path.join(ROOT, "test", "scenarios", "django", "Pulumi.prod.yaml"), env: { GITHUB_SHA: "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39" } });
        const est = estimateCost(p.resources, "eu-west-1");
        assert.deepEqual(est.notPriced, []);
        const worker = est.services.find((s) => s.name === "ecs-ship-prod-worker")!;
        assert.ok(worker, est.services.map((s) => s.name).join(", "));
        assert.ok(worker.items.some((i) => i.item === "Fargate vCPU (x86_64, on-demand)"));
        assert.ok(!worker.items.some((i) => i.category === "load balancer"), "a worker has no load balancer to pay for");
        const all = [...est.services.flatMap((s) => s.items), ...est.shared.items];
        const job = all.filter((i) => i.item.includes("(job"));
        assert.deepEqual(job.map((i) => i.item).sort(), ["Fargate memory (job, x86_64)", "Fargate vCPU (job, x86_64)", "public IPv4 address (job)"]);
        // 30.42 runs × 5 minutes × 0.25 vCPU
        const vcpu = job.find((i) => i.item.startsWith("Fargate vCPU"))!;
        assert.ok(Math.abs(vcpu.quantity.expected - (365 / 12) * 5 / 60 * 0.25) < 1e-9, String(vcpu.quantity.expected));
    });
});
