// Renders a cost estimate, and the change between two, as plain text (npm run plan) and as
// markdown (a pull request comment). Pure string functions.
import { CostEstimate, Figures, GroupCost, SCENARIOS, figures } from "./estimate";

/** The difference between two estimates, per service and in total (head − base). */
export interface CostChange {
    base: string;
    head: string;
    services: { name: string; base: Figures | null; head: Figures | null; delta: Figures }[];
    total: { base: Figures; head: Figures; delta: Figures };
}

const ZERO: Figures = { low: 0, expected: 0, high: 0 };
const minus = (a: Figures, b: Figures): Figures => figures((s) => a[s] - b[s]);

/** Compares two estimates; a service in only one of them counts as added or removed. */
export function compareEstimates(base: CostEstimate, head: CostEstimate, labels: { base: string; head: string }): CostChange {
    const groups = (e: CostEstimate): GroupCost[] => [...e.services, e.shared];
    const names = [...new Set([...groups(head), ...groups(base)].map((g) => g.name))];
    const services = names.map((name) => {
        const b = groups(base).find((g) => g.name === name)?.cost ?? null;
        const h = groups(head).find((g) => g.name === name)?.cost ?? null;
        return { name, base: b, head: h, delta: minus(h ?? ZERO, b ?? ZERO) };
    });
    return { ...labels, services, total: { base: base.total, head: head.total, delta: minus(head.total, base.total) } };
}

/** `$1,234.56` */
export function money(n: number): string {
    const fixed = Math.abs(n).toFixed(2);
    const [whole, cents] = fixed.split(".");
    return `${n < 0 && fixed !== "0.00" ? "-" : ""}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents}`;
}

/** `+$1.20`, `-$0.40`, `±$0.00` */
export function signed(n: number): string {
    const m = money(Math.abs(n));
    if (m === "$0.00") return "±$0.00";
    return n > 0 ? `+${m}` : `-${m}`;
}

const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - s.length));
const lpad = (s: string, n: number) => " ".repeat(Math.max(0, n - s.length)) + s;

function rows(e: CostEstimate): [string, Figures][] {
    return [...e.services.map((s) => [s.name, s.cost] as [string, Figures]), ["shared", e.shared.cost], ["stack total", e.total]];
}

function assumptionText(e: CostEstimate): string {
    return Object.entries(e.assumptions).map(([k, v]) => `${k}=${v}`).join(", ");
}

function scenarioLegend(e: CostEstimate): string {
    return `low = scaling minimum, high = scaling maximum, expected = min + ${e.assumptions.averageLoad} × (max − min) tasks`;
}

/** The estimate as the text `npm run plan` prints after the resource tree. */
export function renderCostText(e: CostEstimate, stack: string): string {
    const out = [`Monthly cost estimate for stack "${stack}" (${e.currency}, ${e.region} ${e.regionName}, prices taken ${e.pricesTaken}):`];
    const w = Math.max(12, ...rows(e).map(([n]) => n.length)) + 2;
    out.push(`  ${pad("", w)}${SCENARIOS.map((s) => lpad(s, 12)).join("")}`);
    for (const [name, f] of rows(e)) out.push(`  ${pad(name, w)}${SCENARIOS.map((s) => lpad(money(f[s]), 12)).join("")}`);
    out.push(`  (${scenarioLegend(e)})`, "", "  Line items (low / expected / high):");
    for (const g of [...e.services, e.shared]) {
        for (const i of g.items) {
            out.push(`    ${g.name}: ${i.item}  ${SCENARIOS.map((s) => money(i.cost[s])).join(" / ")}`);
            out.push(`      ${i.explain}; at $${i.rate} per ${i.unit}`);
        }
    }
    out.push("", `  Assumptions: ${assumptionText(e)} (change with --assume key=value)`);
    if (e.unconfirmedPrices.length) out.push(`  Prices not confirmed for ${e.region}: ${e.unconfirmedPrices.join(", ")} (${e.priceTable})`);
    if (e.notPriced.length) out.push(`  Not priced (unknown to the model): ${e.notPriced.join(", ")}`);
    for (const n of e.notes) out.push(`  Note: ${n}`);
    return out.join("\n") + "\n";
}

/** The change as text: one line per service whose figures moved, and the total. */
export function renderChangeText(c: CostChange): string {
    const out = [`Monthly cost change, ${c.head} against ${c.base} (low / expected / high):`];
    for (const s of c.services) {
        const what = s.base === null ? " (added)" : s.head === null ? " (removed)" : "";
        out.push(`  ${s.name}${what}: ${SCENARIOS.map((k) => signed(s.delta[k])).join(" / ")}`);
    }
    out.push(`  stack total: ${SCENARIOS.map((k) => `${money(c.total.base[k])} → ${money(c.total.head[k])} (${signed(c.total.delta[k])})`).join(" / ")}`);
    return out.join("\n") + "\n";
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A markdown section for a pull request comment: the estimate, the change, and the line items. */
export function renderCostMarkdown(e: CostEstimate, stack: string, change?: CostChange): string {
    const out = [`### Monthly cost estimate: \`${stack}\` (${e.region})`, ""];
    const head = change ? "| | Low | Expected | High | Change (low / expected / high) |\n|---|---:|---:|---:|---|"
        : "| | Low | Expected | High |\n|---|---:|---:|---:|";
    out.push(head);
    // Removed services (in the base only) sit after the head's services, before the shared part.
    const removed: [string, Figures | null][] = (change?.services ?? []).filter((x) => x.head === null).map((x) => [x.name, null]);
    const all: [string, Figures | null][] = [...e.services.map((s) => [s.name, s.cost] as [string, Figures]), ...removed, ["shared", e.shared.cost], ["stack total", e.total]];
    for (const [name, f] of all) {
        const added = change?.services.find((x) => x.name === name)?.base === null;
        const label = name === "stack total" ? "**Stack total**" : name === "shared" ? "Shared"
            : `\`${cell(name)}\`${f ? added ? " (new)" : "" : " (removed)"}`;
        const bold = (s: string) => name === "stack total" ? `**${s}**` : s;
        const delta = change
            ? name === "stack total" ? change.total.delta : change.services.find((s) => s.name === name)?.delta
            : undefined;
        const deltaCell = change && delta ? ` ${SCENARIOS.map((s) => signed(delta[s])).join(" / ")} |` : "";
        out.push(`| ${label} | ${SCENARIOS.map((s) => bold(money(f ? f[s] : 0))).join(" | ")} |${deltaCell}`);
    }
    if (change) out.push("", `Change against ${change.base}.`);
    out.push("", `${scenarioLegend(e)}. ${e.currency} a month at AWS list prices taken ${e.pricesTaken} (\`${e.priceTable}\`).`, "");
    out.push("<details><summary>Line items and assumptions</summary>", "");
    out.push("| Service | Item | Low | Expected | High | How |", "|---|---|---:|---:|---:|---|");
    for (const g of [...e.services, e.shared]) {
        for (const i of g.items) {
            out.push(`| ${cell(g.name)} | ${cell(i.item)} | ${SCENARIOS.map((s) => money(i.cost[s])).join(" | ")} | ${cell(`${i.explain}; $${i.rate} per ${i.unit}`)} |`);
        }
    }
    out.push("", `Assumptions: ${assumptionText(e)}.`);
    if (e.unconfirmedPrices.length) out.push("", `Prices not confirmed for ${e.region}: ${e.unconfirmedPrices.join(", ")}.`);
    if (e.notPriced.length) out.push("", `Not priced (unknown to the model): ${e.notPriced.join(", ")}.`);
    out.push("", ...e.notes.map((n) => `- ${n}`), "", "</details>");
    return out.join("\n") + "\n";
}
