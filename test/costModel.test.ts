// The cost model against hand-computed figures. Every expected figure is worked out here from
// the committed price table (PRICES) and the stated assumptions, never restated as a number.
import { strict as assert } from "assert";
import { DEFAULT_ASSUMPTIONS, parseAssumptions } from "../components/cost/assumptions";
import { CostEstimate, Figures, PlanResource } from "../components/cost/estimate";
import { estimateCost } from "../components/cost/model";
import { PRICES } from "../components/cost/priceTable";
import { alb, cluster, expressService, fargateService, natVpc, provider } from "./support/costFixtures";

const H = DEFAULT_ASSUMPTIONS.hoursPerMonth;
const RPS = DEFAULT_ASSUMPTIONS.requestsPerSecond;
const KB = DEFAULT_ASSUMPTIONS.kbPerRequest;
const us = PRICES.regions["us-east-1"];

/** LCU per hour by hand: the larger of new connections (25/s per LCU) and processed GB per hour (1 GB per LCU). */
const lcu = (rps: number) => Math.max(rps / 25, (rps * KB * 3600) / (1024 * 1024));

function estimate(resources: PlanResource[], region = "us-east-1"): CostEstimate {
    return estimateCost([provider(region), ...resources], region, { namePrefix: "ecs-ship-t-" });
}

function near(actual: number, expected: number, what: string): void {
    assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

function nearFigures(actual: Figures, expected: Figures, what: string): void {
    for (const k of ["low", "expected", "high"] as const) near(actual[k], expected[k], `${what} (${k})`);
}

/** Tasks at low / expected / high for a scaling range, with the default average load. */
const tasks = (min: number, max: number): Figures => ({ low: min, expected: min + DEFAULT_ASSUMPTIONS.averageLoad * (max - min), high: max });
const times = (t: Figures, k: number): Figures => ({ low: t.low * k, expected: t.expected * k, high: t.high * k });
const flat = (n: number): Figures => ({ low: n, expected: n, high: n });
const add = (...list: Figures[]): Figures => list.reduce((a, b) => ({ low: a.low + b.low, expected: a.expected + b.expected, high: a.high + b.high }), flat(0));

function service(e: CostEstimate, name: string) {
    const s = e.services.find((x) => x.name === name);
    assert.ok(s, `no service ${name} in ${e.services.map((x) => x.name).join(", ")}`);
    return s!;
}

const lbCost = (e: CostEstimate): number =>
    [...e.services, e.shared].flatMap((g) => g.items).filter((i) => i.category === "load balancer").reduce((a, i) => a + i.cost.low, 0);

describe("cost model: eight configurations, by hand from the price table", () => {
    it("prices an Express service with AWS's default size: 1 vCPU, 2 GB, a public IP per task, its ALB and 3 alarms", () => {
        // GIVEN an Express service with no cpu/memory (Express defaults: 1024 units, 2048 MiB), scaling 1..3
        const e = estimate(expressService("ecs-ship-t-web", { min: 1, max: 3 }));
        // WHEN estimated  THEN compute, task IPs, the (unshared) Express ALB and its alarms add up
        const t = tasks(1, 3);
        const expected = add(
            times(t, 1 * H * us.fargateX86VcpuHour),
            times(t, 2 * H * us.fargateX86GbHour),
            times(t, H * us.publicIpv4Hour),
            flat(3 * us.alarmMonth),
            flat(H * us.albHour + lcu(RPS) * H * us.albLcuHour + DEFAULT_ASSUMPTIONS.expressAlbZones * H * us.publicIpv4Hour),
        );
        nearFigures(service(e, "web").cost, expected, "web");
        nearFigures(e.total, expected, "stack total");
    });

    it("prices a Fargate 256/512 service behind its own ALB at its scaling minimum and maximum", () => {
        // GIVEN Fargate 0.25 vCPU / 0.5 GB, scaling 1..3, private tasks, its own two-zone ALB
        const e = estimate(fargateService("ecs-ship-t-api", { cpu: 256, memory: 512, min: 1, max: 3 }));
        const t = tasks(1, 3);
        const expected = add(
            times(t, 0.25 * H * us.fargateX86VcpuHour),
            times(t, 0.5 * H * us.fargateX86GbHour),
            flat(H * us.albHour + lcu(RPS) * H * us.albLcuHour + 2 * H * us.publicIpv4Hour),
        );
        nearFigures(service(e, "api").cost, expected, "api");
    });

    it("prices Fargate Spot tasks at the table's Spot fraction of on-demand", () => {
        // GIVEN the same service entirely on FARGATE_SPOT
        const e = estimate(fargateService("ecs-ship-t-api", { cpu: 256, memory: 512, min: 2, max: 2, spotWeight: 1, ownAlb: false }));
        // THEN vCPU and memory cost the on-demand rate × fargateSpotFraction
        const f = us.fargateSpotFraction;
        nearFigures(service(e, "api").cost, flat(2 * H * (0.25 * us.fargateX86VcpuHour + 0.5 * us.fargateX86GbHour) * f), "api");
    });

    it("splits tasks between on-demand and Spot by capacity provider weight", () => {
        // GIVEN weights FARGATE 1, FARGATE_SPOT 3: a quarter on-demand, three quarters Spot
        const e = estimate(fargateService("ecs-ship-t-api", { cpu: 1024, memory: 2048, min: 4, max: 4, spotWeight: 3, onDemandWeight: 1, ownAlb: false }));
        const perTask = H * (1 * us.fargateX86VcpuHour + 2 * us.fargateX86GbHour);
        nearFigures(service(e, "api").cost, flat(4 * perTask * (0.25 + 0.75 * us.fargateSpotFraction)), "api");
    });

    it("prices arm64 tasks at the Graviton rates", () => {
        // GIVEN a 1 vCPU / 2 GB arm64 service, scaling 2..5
        const e = estimate(fargateService("ecs-ship-t-api", { cpu: 1024, memory: 2048, arm: true, min: 2, max: 5, ownAlb: false }));
        nearFigures(service(e, "api").cost, add(times(tasks(2, 5), H * us.fargateArmVcpuHour), times(tasks(2, 5), 2 * H * us.fargateArmGbHour)), "api");
    });

    it("prices a single NAT gateway: its hours, its Elastic IP, and the assumed data", () => {
        // GIVEN a created VPC with natGateways.strategy Single
        const e = estimate(natVpc("Single"));
        // THEN the shared part carries one gateway and natGbPerMonth GB processed
        near(e.shared.cost.low, H * us.natHour + H * us.publicIpv4Hour + DEFAULT_ASSUMPTIONS.natGbPerMonth * us.natGb, "shared");
    });

    it("prices one NAT gateway per zone for OnePerAz, and the data once", () => {
        const e = estimate(natVpc("OnePerAz", 2));
        near(e.shared.cost.low, 2 * (H * us.natHour + H * us.publicIpv4Hour) + DEFAULT_ASSUMPTIONS.natGbPerMonth * us.natGb, "shared");
    });

    it("prices ten services on one shared ALB: one ALB's hours and IPs, LCUs for ten services' traffic", () => {
        // GIVEN ten Fargate services with target groups and one stack-level ALB
        const services = Array.from({ length: 10 }, (_, i) => fargateService(`ecs-ship-t-s${i}`, { ownAlb: false })).flat();
        const e = estimate([...services, alb("ecs-ship-t-shared-alb", null)]);
        // THEN the load balancer costs one ALB carrying 10 × requestsPerSecond
        near(lbCost(e), H * us.albHour + lcu(10 * RPS) * H * us.albLcuHour + 2 * H * us.publicIpv4Hour, "shared ALB");
        assert.deepEqual(e.shared.items.map((i) => i.item), ["Application Load Balancer", "ALB capacity units", "public IPv4 addresses"]);
    });

    it("prices ten services with an ALB each at ten ALBs' hours, IPs and LCUs", () => {
        const e = estimate(Array.from({ length: 10 }, (_, i) => fargateService(`ecs-ship-t-s${i}`)).flat());
        near(lbCost(e), 10 * (H * us.albHour + lcu(RPS) * H * us.albLcuHour + 2 * H * us.publicIpv4Hour), "ten ALBs");
    });

    it("prices a region other than us-east-1 from that region's figures", () => {
        // GIVEN a Fargate 512/1024 service with its own ALB in eu-central-1
        const eu = PRICES.regions["eu-central-1"];
        const e = estimate(fargateService("ecs-ship-t-api", { cpu: 512, memory: 1024, min: 2, max: 2 }), "eu-central-1");
        near(service(e, "api").cost.low,
            2 * H * (0.5 * eu.fargateX86VcpuHour + 1 * eu.fargateX86GbHour) + H * eu.albHour + lcu(RPS) * H * eu.albLcuHour + 2 * H * eu.publicIpv4Hour, "api");
        assert.equal(e.regionName, eu.name);
    });

    it("prices Container Insights: 11 cluster metrics, 13 per service, and performance logs per running task", () => {
        // GIVEN Container Insights enabled on a cluster with two services (1..3 and 2..2 tasks)
        const e = estimate([
            ...cluster("ecs-ship-t", "enabled"),
            ...fargateService("ecs-ship-t-a", { min: 1, max: 3, ownAlb: false }),
            ...fargateService("ecs-ship-t-b", { min: 2, max: 2, ownAlb: false }),
        ]);
        const running = add(tasks(1, 3), tasks(2, 2));
        nearFigures(e.shared.cost, add(flat((11 + 2 * 13) * us.metricMonth), times(running, DEFAULT_ASSUMPTIONS.insightsGbPerTaskMonth * us.logsIngestGb)), "shared");
    });

    it("charges nothing for a cluster with Container Insights disabled", () => {
        const e = estimate([...cluster("ecs-ship-t", "disabled"), ...fargateService("ecs-ship-t-a", { ownAlb: false })]);
        assert.deepEqual(e.shared.items, []);
    });
});

describe("cost model: rules", () => {
    it("shares an Express ALB across up to 25 services: 30 services pay for 2 ALBs, 1/30 each", () => {
        const e = estimate(Array.from({ length: 30 }, (_, i) => expressService(`ecs-ship-t-e${i}`, { cpu: 256, memory: 512 })).flat());
        const hours = service(e, "e0").items.find((i) => i.item === "Application Load Balancer (Express, shared)")!;
        near(hours.cost.low, (2 * H * us.albHour) / 30, "share of ALB hours");
    });

    it("stores retention/30.4 months of logs and charges ingestion once a month", () => {
        const e = estimate([{ type: "aws:cloudwatch/logGroup:LogGroup", name: "ecs-ship-t-logs", parent: null, inputs: { retentionInDays: 30 } }]);
        const gb = DEFAULT_ASSUMPTIONS.logGbPerMonth;
        near(e.shared.cost.low, gb * us.logsIngestGb + gb * (30 / (365 / 12)) * us.logsStoreGbMonth, "logs");
    });

    it("counts the images an ECR lifecycle policy keeps", () => {
        const policy = JSON.stringify({ rules: [{ selection: { tagStatus: "tagged", countType: "imageCountMoreThan", countNumber: 30 } }] });
        const e = estimate([
            { type: "aws:ecr/repository:Repository", name: "repo", parent: null, inputs: { name: "ecs-ship-t-web" } },
            { type: "aws:ecr/lifecyclePolicy:LifecyclePolicy", name: "repo", parent: null, inputs: { repository: "ecs-ship-t-web", policy } },
        ]);
        near(e.total.low, 30 * DEFAULT_ASSUMPTIONS.imageGb * us.ecrGbMonth, "registry");
    });

    it("lists a resource type it does not know as not priced", () => {
        const e = estimate([{ type: "aws:rds/instance:Instance", name: "db", parent: null, inputs: {} }]);
        assert.deepEqual(e.notPriced, ["aws:rds/instance:Instance"]);
    });

    it("names the price-table figures it used that are not confirmed for the region", () => {
        const e = estimate(fargateService("ecs-ship-t-api", { ownAlb: false }), "eu-central-1");
        assert.deepEqual(e.unconfirmedPrices, ["fargateX86GbHour", "fargateX86VcpuHour"]);
    });

    it("rejects a region the price table does not cover, naming the ones it does", () => {
        assert.throws(() => estimate([], "mars-north-1"), {
            message: `cost: region "mars-north-1" is not in the price table (components/cost/prices.json); it covers ${Object.keys(PRICES.regions).join(", ")}`,
        });
    });

    it("covers at least the ten most used regions with every figure", () => {
        const keys = Object.keys(us).filter((k) => k !== "name" && k !== "unconfirmed");
        for (const r of ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "eu-west-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-south-1"]) {
            const missing = keys.filter((k) => typeof (PRICES.regions[r] as any)?.[k] !== "number");
            assert.deepEqual(missing, [], r);
        }
        assert.match(PRICES.taken, /^\d{4}-\d{2}-\d{2}$/);
    });
});

describe("cost assumptions", () => {
    it("applies key=value overrides", () => {
        assert.equal(parseAssumptions(["requestsPerSecond=20", "hoursPerMonth=720"]).requestsPerSecond, 20);
    });

    it("lists every bad override, with the key, what is allowed and what was given", () => {
        assert.throws(() => parseAssumptions(["rps=3", "averageLoad=2", "natGbPerMonth"]), {
            message: [
                `--assume rps: unknown assumption; allowed are ${Object.keys(DEFAULT_ASSUMPTIONS).join(", ")}, got "rps=3"`,
                "--assume averageLoad: must be a number from 0 to 1, got \"2\"",
                "--assume natGbPerMonth: must be a number from 0 to 10000000, got \"nothing\"",
            ].join("\n"),
        });
    });
});
