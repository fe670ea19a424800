// Pricing of a scheduled job: what its runs cost on Fargate in a month. A schedule itself costs
// nothing here: EventBridge Scheduler's first 14 million invocations a month are free (Amazon
// EventBridge pricing, "EventBridge Scheduler"), and a job runs at most 44,640 times a month.
import { LineItem, PlanResource, Pricer, constant, num } from "./estimate";

const DAYS_PER_MONTH = 365 / 12;

/** How many values a cron field matches, between `lo` and `hi` (`*`, `a-b`, `a/b`, `a,b`). */
function fieldCount(field: string, lo: number, hi: number): number {
    if (field === "*" || field === "?") return hi - lo + 1;
    return field.split(",").reduce((acc, part) => {
        const [range, step] = part.split("/");
        const [a, b] = range === "*" ? [lo, hi] : range.includes("-") ? range.split("-").map(Number) : [Number(range), step ? hi : Number(range)];
        const n = Number.isFinite(a) && Number.isFinite(b) ? Math.floor((b - a) / (step ? Number(step) : 1)) + 1 : 1;
        return acc + Math.max(1, n);
    }, 0);
}

/**
 * Runs per month of a Scheduler expression: rate(n unit) exactly; cron(...) from its fields (minutes ×
 * hours × days a month, where a day-of-week list counts 52/12 weeks a month and a month list its share of 12).
 */
export function runsPerMonth(expr: string, hoursPerMonth: number): number {
    const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expr);
    if (rate) return (hoursPerMonth * 60) / (Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[rate[2] as "minute" | "hour" | "day"]);
    const cron = /^cron\((.*)\)$/.exec(expr);
    if (!cron) return 0;
    const [min, hour, dom, month, dow] = cron[1].trim().split(/\s+/);
    const perDay = fieldCount(min, 0, 59) * fieldCount(hour, 0, 23);
    const days = dom !== "?" && dom !== "*" ? (/[LW]/.test(dom) ? 1 : fieldCount(dom, 1, 31))
        : dow !== "?" && dow !== "*" ? (/[L#]/.test(dow) ? 1 : fieldCount(dow.toUpperCase().replace(/SUN|MON|TUE|WED|THU|FRI|SAT/g, (d) => String(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"].indexOf(d) + 1)), 1, 7) * (52 / 12))
        : DAYS_PER_MONTH;
    const months = month === "*" ? 1 : fieldCount(month, 1, 12) / 12;
    return perDay * days * months;
}

/** A schedule's runs: its task definition's vCPU and memory for `jobMinutesPerRun` each, and the task's public IP meanwhile. */
export function scheduleItems(r: PlanResource, group: PlanResource[], p: Pricer): LineItem[] {
    const ecs = r.inputs.target?.ecsParameters;
    const td = group.find((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition");
    if (!ecs || !td) return [];
    const runs = runsPerMonth(String(r.inputs.scheduleExpression ?? ""), p.a.hoursPerMonth);
    const hours = (runs * p.a.jobMinutesPerRun) / 60;
    const cpu = num(td.inputs.cpu, 256) / 1024;
    const gb = num(td.inputs.memory, 512) / 1024;
    const arm = String(td.inputs.runtimePlatform?.cpuArchitecture ?? "X86_64").toUpperCase() === "ARM64";
    const k = arm ? "fargateArm" : "fargateX86";
    const why = `${Math.round(runs * 100) / 100} runs/month (${r.inputs.scheduleExpression}) × ${p.a.jobMinutesPerRun} min (assumption jobMinutesPerRun)`;
    const item = (what: string, unit: string, quantity: number, key: string, explain: string): LineItem => {
        const rate = p.rate(key);
        return { resource: r.name, category: "compute", item: what, unit, quantity: constant(quantity), rate, priceKey: key, cost: constant(quantity * rate), explain };
    };
    const out = [
        item(`Fargate vCPU (job, ${arm ? "arm64" : "x86_64"})`, "vCPU-hour", hours * cpu, `${k}VcpuHour`, `${why} × ${cpu} vCPU`),
        item(`Fargate memory (job, ${arm ? "arm64" : "x86_64"})`, "GB-hour", hours * gb, `${k}GbHour`, `${why} × ${gb} GB`),
    ];
    if (ecs.networkConfiguration?.assignPublicIp === true) out.push({ ...item("public IPv4 address (job)", "address-hour", hours, "publicIpv4Hour", `${why}: one public IPv4 while it runs`), category: "network" });
    return out;
}
