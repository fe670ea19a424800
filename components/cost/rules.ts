// Pricing rules: how each kind of resource ecs-ship creates turns into billed quantities.
// Each rule states in `explain` how it read the plan and which assumption it used.
import { CostAssumptions } from "./assumptions";
import { Category, Figures, LineItem, PlanResource, Pricer, constant, figures, lcuPerHour, num, round, taskFigures } from "./estimate";
import { deploymentItems } from "./deploymentRules";

function line(p: Pricer, resource: string, category: Category, item: string, unit: string, quantity: Figures, priceKey: string, explain: string, fraction = 1): LineItem {
    const rate = p.rate(priceKey) * fraction;
    return { resource, category, item, unit, quantity, rate, priceKey, cost: figures((s) => quantity[s] * rate), explain };
}

const EXPRESS = "aws:ecs/expressGatewayService:ExpressGatewayService";

/** Fargate vCPU and memory for `tasks`, split between on-demand and Spot. */
export function fargateItems(p: Pricer, resource: string, cpu: number, memory: number, arm: boolean, tasks: Figures, spotShare: number, countWhy: string): LineItem[] {
    const H = p.a.hoursPerMonth;
    const arch = arm ? "arm64" : "x86_64";
    const k = arm ? "fargateArm" : "fargateX86";
    const out: LineItem[] = [];
    for (const [share, spot] of [[1 - spotShare, false], [spotShare, true]] as const) {
        if (share <= 0) continue;
        const cap = spot ? "Spot" : "on-demand";
        const frac = spot ? p.rate("fargateSpotFraction") : 1;
        const shareWhy = spotShare > 0 ? `, ${round(share * 100, 1)}% of tasks on ${cap}` : "";
        const spotWhy = spot ? ` at ${frac} × the on-demand rate` : "";
        out.push(line(p, resource, "compute", `Fargate vCPU (${arch}, ${cap})`, "vCPU-hour",
            figures((s) => tasks[s] * share * (cpu / 1024) * H), `${k}VcpuHour`,
            `${countWhy}${shareWhy} × ${cpu / 1024} vCPU × ${H} h${spotWhy}`, frac));
        out.push(line(p, resource, "compute", `Fargate memory (${arch}, ${cap})`, "GB-hour",
            figures((s) => tasks[s] * share * (memory / 1024) * H), `${k}GbHour`,
            `${countWhy}${shareWhy} × ${memory / 1024} GB × ${H} h${spotWhy}`, frac));
    }
    return out;
}

function publicIpItem(p: Pricer, resource: string, category: Category, count: Figures, why: string): LineItem {
    return line(p, resource, category, "public IPv4 addresses", "address-hour",
        figures((s) => count[s] * p.a.hoursPerMonth), "publicIpv4Hour", `${why} × ${p.a.hoursPerMonth} h`);
}

function alarmItem(p: Pricer, resource: string, count: number, why: string): LineItem {
    return line(p, resource, "monitoring", "CloudWatch alarms", "alarm-month", constant(count), "alarmMonth", why);
}

/** How many tasks a service runs: low = scaling minimum, high = maximum, and why. */
export function serviceTasks(svc: PlanResource, group: PlanResource[], a: CostAssumptions): { tasks: Figures; why: string } {
    const i = svc.inputs;
    if (svc.type === EXPRESS) {
        const t = (i.scalingTargets ?? [])[0] ?? {};
        const min = num(t.minTaskCount, 1);
        const tasks = taskFigures(min, num(t.maxTaskCount, min), a.averageLoad);
        return { tasks, why: `tasks from scalingTargets (min ${tasks.low}, max ${tasks.high})` };
    }
    const target = group.find((r) => r.type === "aws:appautoscaling/target:Target");
    const desired = num(i.desiredCount, 1);
    if (!target) return { tasks: constant(desired), why: `desiredCount ${desired} tasks (no scaling target)` };
    const tasks = taskFigures(num(target.inputs.minCapacity, desired), num(target.inputs.maxCapacity, desired), a.averageLoad);
    return { tasks, why: `tasks from the scaling target (min ${tasks.low}, max ${tasks.high})` };
}

/** Tasks of an ECS service or an Express Mode service: vCPU, memory, public IPs. */
export function computeItems(svc: PlanResource, group: PlanResource[], p: Pricer): LineItem[] {
    const i = svc.inputs;
    const { tasks, why } = serviceTasks(svc, group, p.a);
    if (svc.type === EXPRESS) {
        // Express Mode defaults: 1024 CPU units, 2048 MiB, X86_64 (Amazon ECS Developer Guide, "Resources created by Amazon ECS Express Mode services").
        return [
            ...fargateItems(p, svc.name, num(i.cpu, 1024), num(i.memory, 2048), false, tasks, 0, why),
            // Express runs tasks in public subnets with a public IP (ecs-ship gives it the public subnets).
            publicIpItem(p, svc.name, "network", tasks, "one public IPv4 per task (public subnets)"),
            alarmItem(p, svc.name, 3, "Express creates a deployment alarm, and target tracking creates 2 more (high and low)"),
        ];
    }
    const td = group.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition"
        && typeof i.taskDefinition === "string" && i.taskDefinition.includes(`task-definition/${r.inputs.family}:`))
        ?? group.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
    const arm = String(td?.inputs.runtimePlatform?.cpuArchitecture ?? "X86_64").toUpperCase() === "ARM64";
    const out = fargateItems(p, svc.name, num(td?.inputs.cpu, 256), num(td?.inputs.memory, 512), arm, tasks, spotShare(i), why);
    // Canary, linear and blue/green run a second full set of tasks while a release lasts (deploymentRules.ts).
    out.push(...deploymentItems(svc, p, (hoursFraction, releaseWhy) => fargateItems(p, svc.name, num(td?.inputs.cpu, 256), num(td?.inputs.memory, 512), arm,
        figures((sc) => tasks[sc] * hoursFraction), spotShare(i), `${why}; ${releaseWhy}`)));
    const ip = i.networkConfiguration?.assignPublicIp;
    if (ip === true || ip === "true") out.push(publicIpItem(p, svc.name, "network", tasks, "assignPublicIp: one public IPv4 per task"));
    return out;
}

/** The share of tasks on FARGATE_SPOT: its weight over all weights (a `base` is not modelled). */
function spotShare(i: Record<string, any>): number {
    if (i.launchType) return 0;
    const strategies: { capacityProvider: string; weight?: number }[] = i.capacityProviderStrategies ?? [];
    const total = strategies.reduce((acc, s) => acc + num(s.weight, 0), 0);
    const spot = strategies.filter((s) => s.capacityProvider === "FARGATE_SPOT").reduce((acc, s) => acc + num(s.weight, 0), 0);
    return total > 0 ? spot / total : 0;
}

/** An Application Load Balancer: hours, LCUs for the services behind it, one public IPv4 per zone. */
export function loadBalancerItems(lb: PlanResource, servicesBehind: number, p: Pricer): LineItem[] {
    const i = lb.inputs;
    if ((i.loadBalancerType ?? "application") !== "application") return [];
    const H = p.a.hoursPerMonth;
    const rps = p.a.requestsPerSecond * servicesBehind;
    const { lcu, why } = lcuPerHour(rps, p.a.kbPerRequest);
    const behind = `${servicesBehind} service${servicesBehind === 1 ? "" : "s"} × ${p.a.requestsPerSecond} req/s`;
    const out = [
        line(p, lb.name, "load balancer", "Application Load Balancer", "hour", constant(H), "albHour", `${H} h`),
        line(p, lb.name, "load balancer", "ALB capacity units", "LCU-hour", constant(lcu * H), "albLcuHour", `${behind}; ${why} × ${H} h`),
    ];
    const zones = (i.subnets ?? i.subnetMappings ?? []).length;
    if (i.internal !== true && zones > 0) out.push(publicIpItem(p, lb.name, "load balancer", constant(zones), `one public IPv4 per zone, ${zones} subnets`));
    return out;
}

/**
 * Express Mode provisions an ALB (with an HTTPS listener and host-header rules) and shares it
 * across up to 25 Express services with the same network (AWS Containers blog, "Build
 * production-ready applications without infrastructure complexity using Amazon ECS Express
 * Mode"; Amazon ECS Developer Guide, "Resources created by Amazon ECS Express Mode services").
 * Each service carries an equal share of it.
 */
export function expressAlbItems(express: PlanResource[], p: Pricer): [PlanResource, LineItem[]][] {
    const byNetwork = new Map<string, PlanResource[]>();
    for (const e of express) {
        const key = `${e.inputs.cluster ?? "default"}|${JSON.stringify(e.inputs.networkConfigurations?.[0]?.subnets ?? null)}`;
        byNetwork.set(key, [...(byNetwork.get(key) ?? []), e]);
    }
    const out: [PlanResource, LineItem[]][] = [];
    const H = p.a.hoursPerMonth;
    for (const members of byNetwork.values()) {
        const n = members.length;
        const albs = Math.ceil(n / 25);
        const given = members[0].inputs.networkConfigurations?.[0]?.subnets?.length;
        const zones = given ?? p.a.expressAlbZones;
        const { lcu, why } = lcuPerHour((p.a.requestsPerSecond * n) / albs, p.a.kbPerRequest);
        const share = `${albs} ALB${albs === 1 ? "" : "s"} shared by ${n} Express service${n === 1 ? "" : "s"}, 1/${n} each`;
        for (const e of members) {
            out.push([e, [
                line(p, `${e.name} (Express ALB)`, "load balancer", "Application Load Balancer (Express, shared)", "hour", constant((albs * H) / n), "albHour", `${share}: ${albs} × ${H} h ÷ ${n}`),
                line(p, `${e.name} (Express ALB)`, "load balancer", "ALB capacity units (Express, shared)", "LCU-hour", constant((albs * lcu * H) / n), "albLcuHour", `${share}; per ALB ${n / albs} × ${p.a.requestsPerSecond} req/s: ${why}`),
                publicIpItem(p, `${e.name} (Express ALB)`, "load balancer", constant((albs * zones) / n),
                    `${share}; one public IPv4 per zone, ${zones} zones (${given ? "subnets given" : "assumption expressAlbZones"})`),
            ]]);
        }
    }
    return out;
}

/** NAT gateways: from awsx's Vpc strategy or explicit gateways; hours, their EIPs, and the stack's NAT data. */
export function natItems(resources: PlanResource[], p: Pricer): LineItem[] {
    const out: LineItem[] = [];
    const H = p.a.hoursPerMonth;
    let total = 0;
    for (const r of resources) {
        let count = 0;
        let why = "";
        if (r.type === "awsx:ec2:Vpc") {
            const strategy = r.inputs.natGateways?.strategy ?? "OnePerAz";
            // awsx.ec2.Vpc: Single = one gateway; OnePerAz = one per zone (numberOfAvailabilityZones, default 3).
            count = strategy === "Single" ? 1 : strategy === "OnePerAz" ? num(r.inputs.numberOfAvailabilityZones, 3) : 0;
            why = `natGateways.strategy ${strategy}`;
        } else if (r.type === "aws:ec2/natGateway:NatGateway") {
            count = 1;
            why = "one NAT gateway";
        }
        if (count === 0) continue;
        total += count;
        out.push(line(p, r.name, "network", "NAT gateway", "hour", constant(count * H), "natHour", `${why}: ${count} × ${H} h`));
        if (r.inputs.connectivityType !== "private") out.push(publicIpItem(p, r.name, "network", constant(count), `one Elastic IP per NAT gateway, ${count}`));
    }
    if (total > 0) {
        out.push(line(p, "NAT gateways", "network", "NAT data processed", "GB", constant(p.a.natGbPerMonth), "natGb", `assumption natGbPerMonth: ${p.a.natGbPerMonth} GB through the stack's ${total === 1 ? "gateway" : `${total} gateways`}`));
    }
    return out;
}

/**
 * Container Insights: CloudWatch bills its metrics as custom metrics and its performance log
 * events as log ingestion (Amazon ECS Developer Guide, "Amazon ECS CloudWatch Container
 * Insights"). Counted: the metrics with the ClusterName dimension (11) and with
 * ClusterName+ServiceName (13) listed in the CloudWatch User Guide, "Amazon ECS Container
 * Insights metrics" — a lower bound; enhanced observability adds task and container metrics.
 */
export function insightsItems(resources: PlanResource[], services: PlanResource[], p: Pricer): LineItem[] {
    const out: LineItem[] = [];
    const clusters = resources.filter((r) => r.type === "aws:ecs/cluster:Cluster");
    for (const c of clusters) {
        const setting = (c.inputs.settings ?? []).find((s: any) => s.name === "containerInsights")?.value;
        if (setting !== "enabled" && setting !== "enhanced") continue;
        const inCluster = clusters.length === 1 ? services : services.filter((s) => String(s.inputs.cluster ?? "").includes(c.name));
        const metrics = 11 + 13 * inCluster.length;
        out.push(line(p, c.name, "monitoring", `Container Insights metrics (${setting})`, "metric-month", constant(metrics), "metricMonth",
            `11 cluster metrics + 13 per service × ${inCluster.length} service${inCluster.length === 1 ? "" : "s"}`));
        const counts = inCluster.map((svc) => serviceTasks(svc, resources.filter((r) => r.parent === svc.parent), p.a).tasks);
        const tasks = figures((s) => counts.reduce((acc, t) => acc + t[s], 0));
        out.push(line(p, c.name, "monitoring", "Container Insights performance logs", "GB", figures((s) => tasks[s] * p.a.insightsGbPerTaskMonth), "logsIngestGb",
            `assumption insightsGbPerTaskMonth: ${p.a.insightsGbPerTaskMonth} GB × running tasks`));
    }
    return out;
}

export { itemsFor } from "./simpleRules";
