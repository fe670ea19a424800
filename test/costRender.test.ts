// Rendering the estimate and its change: text for the plan, markdown for a pull request.
import { strict as assert } from "assert";
import { CostEstimate } from "../components/cost/estimate";
import { estimateCost } from "../components/cost/model";
import { compareEstimates, money, renderChangeText, renderCostMarkdown, signed } from "../components/cost/render";
import { alb, fargateService, provider } from "./support/costFixtures";

function estimate(services: string[], minTasks = 1): CostEstimate {
    const resources = services.flatMap((s) => fargateService(`ecs-ship-t-${s}`, { min: minTasks, max: minTasks + 2, ownAlb: false }));
    return estimateCost([provider("us-east-1"), ...resources, alb("ecs-ship-t-alb", null)], "us-east-1", { namePrefix: "ecs-ship-t-" });
}

describe("cost rendering", () => {
    it("formats dollars with cents and thousands separators, and signed changes", () => {
        assert.deepEqual([money(1234.565), money(0.004), money(-2.5)], ["$1,234.57", "$0.00", "-$2.50"]);
        assert.deepEqual([signed(1.2), signed(-0.4), signed(0.001)], ["+$1.20", "-$0.40", "±$0.00"]);
    });

    it("compares two estimates per service, marking added and removed services", () => {
        // GIVEN a base with web and worker, and a head with web (two more tasks) and api
        const base = estimate(["web", "worker"]);
        const head = estimateCost([provider("us-east-1"),
            ...fargateService("ecs-ship-t-web", { min: 3, max: 5, ownAlb: false }),
            ...fargateService("ecs-ship-t-api", { ownAlb: false }),
            alb("ecs-ship-t-alb", null)], "us-east-1", { namePrefix: "ecs-ship-t-" });
        // WHEN compared
        const c = compareEstimates(base, head, { base: "main", head: "this branch" });
        // THEN each service's delta is head − base, added/removed services count from zero
        const by = Object.fromEntries(c.services.map((s) => [s.name, s]));
        assert.deepEqual(Object.keys(by).sort(), ["api", "shared", "web", "worker"]);
        assert.equal(by.api.base, null);
        assert.equal(by.worker.head, null);
        assert.equal(by.worker.delta.low, -base.services.find((s) => s.name === "worker")!.cost.low);
        assert.equal(by.web.delta.low, head.services.find((s) => s.name === "web")!.cost.low - base.services.find((s) => s.name === "web")!.cost.low);
        assert.equal(c.total.delta.high, head.total.high - base.total.high);
        assert.match(renderChangeText(c), /^  worker \(removed\): -\$/m);
        assert.match(renderChangeText(c), /^  api \(added\): \+\$/m);
    });

    it("renders a markdown table with one row per service, the shared part and the stack total", () => {
        const e = estimate(["web", "worker"]);
        const md = renderCostMarkdown(e, "dev");
        const rows = md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Service") && !l.startsWith("| |"));
        const summary = rows.slice(0, 4);
        assert.deepEqual(summary, [
            `| \`web\` | ${money(e.services[0].cost.low)} | ${money(e.services[0].cost.expected)} | ${money(e.services[0].cost.high)} |`,
            `| \`worker\` | ${money(e.services[1].cost.low)} | ${money(e.services[1].cost.expected)} | ${money(e.services[1].cost.high)} |`,
            `| Shared | ${money(e.shared.cost.low)} | ${money(e.shared.cost.expected)} | ${money(e.shared.cost.high)} |`,
            `| **Stack total** | **${money(e.total.low)}** | **${money(e.total.expected)}** | **${money(e.total.high)}** |`,
        ]);
        assert.match(md, /^### Monthly cost estimate: `dev` \(us-east-1\)$/m);
        assert.match(md, /AWS list prices taken \d{4}-\d{2}-\d{2} \(`components\/cost\/prices\.json`\)/);
    });

    it("adds a change column and names what it compared against", () => {
        const base = estimate(["web"]);
        const head = estimate(["web"], 2);
        const md = renderCostMarkdown(head, "prod", compareEstimates(base, head, { base: "Pulumi.prod.yaml at origin/main", head: "stack \"prod\"" }));
        const d = head.total.low - base.total.low;
        assert.ok(md.includes(`| **Stack total** | **${money(head.total.low)}** | **${money(head.total.expected)}** | **${money(head.total.high)}** | ${signed(d)} / `), md);
        assert.match(md, /^Change against Pulumi\.prod\.yaml at origin\/main\.$/m);
    });

    it("marks added and removed services in the markdown, removed ones before the shared part", () => {
        // GIVEN a change from web+worker to web+api
        const base = estimate(["web", "worker"]);
        const head = estimate(["api", "web"]);
        const md = renderCostMarkdown(head, "dev", compareEstimates(base, head, { base: "main", head: "branch" }));
        // THEN the summary rows read api (new), web, worker (removed), Shared, Stack total
        const labels = md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| |")).slice(0, 5).map((l) => l.split(" | ")[0].slice(2));
        assert.deepEqual(labels, ["`api` (new)", "`web`", "`worker` (removed)", "Shared", "**Stack total**"]);
    });

    it("lists every line item in the details, with how it was derived", () => {
        const e = estimate(["web"]);
        const md = renderCostMarkdown(e, "dev");
        const items = md.split("\n").filter((l) => /^\| (web|shared) \| /.test(l));
        assert.equal(items.length, e.services[0].items.length + e.shared.items.length);
        assert.ok(items.every((l) => l.split(" | ").length === 6), items.join("\n"));
    });
});
