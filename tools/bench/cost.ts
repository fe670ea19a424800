// npm run bench -- --only cost
//
// Monthly load-balancer cost of a ten-service Fargate stack: one ALB per service (what the
// program builds today) against one shared ALB. Computed, not measured: the real program is
// planned offline and its resources are priced by the cost model (components/cost).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_ASSUMPTIONS } from "../../components/cost/assumptions";
import { CostEstimate, PlanResource } from "../../components/cost/estimate";
import { estimateCost } from "../../components/cost/model";
import { money } from "../../components/cost/render";
import { plan, planJson } from "../planner/planner";

const SERVICES = 10;
const REGION = "us-east-1";

function stackFile(shared: boolean): string {
    const services = Array.from({ length: SERVICES }, (_, i) =>
        `    s${i}: { mode: fargate, image: { context: app }, cpu: 256, memory: 512, desiredCount: 1, scaling: { min: 1, max: 4 } }`).join("\n");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-bench-")), "Pulumi.bench.yaml");
    fs.writeFileSync(file, `config:\n  aws:region: ${REGION}\n  ecs-ship:github: { repository: acme/shop }\n  ecs-ship:loadBalancer: { shared: ${shared} }\n  ecs-ship:services:\n${services}\n`);
    return file;
}

/** Load-balancer line items by what they bill, summed at the scaling minimum (they do not scale with tasks). */
function loadBalancerCost(e: CostEstimate): { total: number; parts: Record<string, number> } {
    const parts: Record<string, number> = {};
    for (const i of [...e.services, e.shared].flatMap((g) => g.items).filter((x) => x.category === "load balancer")) {
        parts[i.item] = (parts[i.item] ?? 0) + i.cost.low;
    }
    return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

export async function run(): Promise<void> {
    // Both variants are the real program: `loadBalancer.shared: false` (one ALB per service) and the default (one shared ALB).
    const planned = async (shared: boolean) => (planJson(await plan("bench", { stackFile: stackFile(shared), env: { GITHUB_SHA: "0".repeat(40) } })) as { resources: PlanResource[] }).resources;
    const resources = await planned(false);
    const shared = await planned(true);
    const lbs = resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
    const sharedLbs = shared.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
    const options = { namePrefix: "ecs-ship-bench-" };
    const perService = loadBalancerCost(estimateCost(resources, REGION, options));
    const one = loadBalancerCost(estimateCost(shared, REGION, options));

    const out = process.stdout;
    out.write(`Method: a ${SERVICES}-service Fargate stack (256 CPU / 512 MiB, 1..4 tasks each) planned through index.ts under the mock\n` +
        `runtime, its resources priced by the cost model in ${REGION} at the price table's list prices and the default assumptions\n` +
        `(${DEFAULT_ASSUMPTIONS.requestsPerSecond} req/s per service, ${DEFAULT_ASSUMPTIONS.kbPerRequest} KB per request, ${DEFAULT_ASSUMPTIONS.hoursPerMonth} h). "One per service" is the plan as the\n` +
        `program builds it with loadBalancer.shared: false (${lbs.length} ALBs); "shared" is the default plan (${sharedLbs.length} ALB serving all ${SERVICES} services).\n\n`);
    const row = (label: string, c: typeof one) =>
        out.write(`${label.padEnd(34)}${money(c.total).padStart(10)}/month  (${Object.entries(c.parts).map(([k, v]) => `${k} ${money(v)}`).join(", ")})\n`);
    row(`load balancers, one per service`, perService);
    row(`load balancers, one shared`, one);
    const saving = perService.total - one.total;
    out.write(`${"saving".padEnd(34)}${money(saving).padStart(10)}/month  (${((saving / perService.total) * 100).toFixed(0)}% of the load-balancer cost)\n`);
}
