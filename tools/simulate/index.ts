// The update simulator: the steps `pulumi up` takes from one plan of a stack to the next, in the
// engine's order (steps.ts), run against a model of the AWS account (account.ts) that enforces AWS's
// rules (rules.ts). The first step AWS would refuse, or accept into a broken account, is reported
// with its rule, resource and source. Used by `npm run plan -- --from`, the transition tests and
// the bench; docs/update-simulator.md.
// tools/simulate: this file is its face; the command that runs it is `npm run plan -- --from` (from.ts).
// May import: tools/planner, tools/project, config.
import { RecordedResource } from "../planner/mockCloud";
import { Account, Refusal } from "./account";
import { Step, deriveSteps } from "./steps";

export { RULES, Rule } from "./rules";
export { Step, deriveSteps } from "./steps";

export interface Simulation {
    steps: Step[];
    /**
     * The steps on the stack's trust (children of GithubOidcTrust: its roles, policies, boundary and provider),
     * which the deploy role cannot take: it may not change its own permissions (components/trust/githubOidcTrust.ts,
     * docs/trust.md). An administrator's `pulumi up` must apply them before the deploy workflow's does.
     */
    administrator: Step[];
    /** The first step AWS would refuse or break, and why; undefined when every step goes through. */
    failure?: { step: Step } & Refusal;
}

/**
 * Simulates the update from `before` (the stack as deployed) to `after` (the stack as planned now).
 * `modules`: the packages a user's install has (default: this package.json's dependencies and peers).
 */
export function simulate(before: RecordedResource[], after: RecordedResource[], options: { modules?: Set<string> } = {}): Simulation {
    const steps = deriveSteps(before, after);
    const administrator = steps.filter(needsAdministrator);
    const replaced = new Set(steps.filter((s) => s.op === "create-replacement").map((s) => s.urn));
    const doomed = new Set(steps.filter((s) => s.op === "delete" || s.op === "delete-replaced").map((s) => s.old?.urn ?? s.urn));
    const aliasOf = new Map(steps.filter((s) => s.old && s.new && s.old.urn !== s.new.urn).map((s) => [s.new!.urn, s.old!.urn]));
    const account = new Account(before, after, replaced, doomed, aliasOf, options.modules);
    for (const step of steps) {
        const refusal = account.apply(step);
        if (refusal) return { steps, administrator, failure: { step, ...refusal } };
    }
    return { steps, administrator };
}

/**
 * The trust components' types: a stack's own (components/trust/githubOidcTrust.ts, GITHUB_OIDC_TRUST_TYPE) and the review
 * environments' (components/trust/reviewTrust.ts, REVIEW_TRUST_TYPE), which no deploy role may change either.
 */
const TRUST_TYPES = ["ecs-ship:index:GithubOidcTrust", "ecs-ship:index:ReviewTrust"];

/**
 * Whether a step changes the trust: its resource is the trust's child, which the URN's type chain says
 * (`urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>`; Pulumi docs, "Resource names", URNs).
 */
export function needsAdministrator(step: Step): boolean {
    const urn = step.old?.urn ?? step.urn;
    const chain = urn.split("::")[2] ?? "";
    return chain.split("$").slice(0, -1).some((t) => TRUST_TYPES.includes(t));
}

/** What the deploy workflow's `pulumi up` would do with the administrator's steps left, and what to run. */
export function administratorSentence(stack: string, sim: Simulation): string | undefined {
    const steps = sim.administrator;
    if (!steps.length) return undefined;
    return `this change needs an administrator: step(s) ${steps.map((s) => s.n).join(", ")} change the stack's trust (${steps.map((s) => s.name).filter((n, i, a) => a.indexOf(n) === i).join(", ")}), `
        + `which the deploy role may not change. Run \`pulumi up --stack ${stack}\` as an administrator with this change before the deploy workflow runs it; `
        + `otherwise its \`pulumi up\` stops at step ${steps[0].n} with AccessDenied, after the steps before it (docs/trust.md, "Trust changes are applied by an admin").`;
}

const MARK: Record<Step["op"], string> = { "create": "+", "update": "~", "create-replacement": "++", "delete-replaced": "--", "delete": "-" };

/** One line per step: number, mark, operation, type and name, and what changed. */
export function stepLine(s: Step): string {
    const why = s.replaceBecause.length ? `  (replaced: ${s.replaceBecause.join(", ")})` : s.changed.length ? `  (${s.changed.join(", ")})` : "";
    return `${String(s.n).padStart(3)}. ${MARK[s.op].padEnd(2)} ${s.op.padEnd(18)} ${s.type}  ${s.name}${why}`;
}

/** The sentence a pull request comment and `plan --from` print for a failing update. */
export function failureSentence(sim: Simulation): string | undefined {
    const f = sim.failure;
    if (!f) return undefined;
    const verb = f.rule.kind === "refused" ? `AWS refuses it with ${f.rule.code}` : `AWS accepts it, and then: ${f.rule.code}`;
    return `this change would fail on AWS at step ${f.step.n}: ${f.step.op} ${f.step.type} ${f.step.name}: ${f.detail}; ${verb}. Rule ${f.rule.id}: ${f.rule.says}. Source: ${f.rule.source}`;
}

/** The simulation as text: every step, then the verdict. */
export function renderSimulation(stack: string, from: string, sim: Simulation): string {
    const lines = [`Update of stack "${stack}" from ${from}: ${sim.steps.length ? `${sim.steps.length} step(s), in the engine's order` : "no changes"}`];
    const admin = new Set(sim.administrator);
    for (const s of sim.steps) {
        lines.push(stepLine(s) + (admin.has(s) ? "  [administrator]" : ""));
        if (sim.failure?.step === s) lines.push(`       ^ refused here (rule ${sim.failure.rule.id})`);
    }
    lines.push("", sim.failure ? failureSentence(sim)! : "Every step is one AWS accepts (tools/simulate/rules.ts).");
    const adminNote = administratorSentence(stack, sim);
    if (adminNote) lines.push(`Note: ${adminNote}`);
    return lines.join("\n") + "\n";
}

/** The simulation as the JSON `plan --from --json` prints. */
export function simulationJson(stack: string, from: string, sim: Simulation): unknown {
    return {
        stack,
        from,
        steps: sim.steps.map((s) => ({ n: s.n, op: s.op, type: s.type, name: s.name, changed: s.changed, replaceBecause: s.replaceBecause, administrator: sim.administrator.includes(s) })),
        administrator: sim.administrator.length ? { steps: sim.administrator.map((s) => s.n), message: administratorSentence(stack, sim) } : null,
        failure: sim.failure ? {
            step: sim.failure.step.n, op: sim.failure.step.op, name: sim.failure.step.name, type: sim.failure.step.type,
            rule: sim.failure.rule.id, kind: sim.failure.rule.kind, code: sim.failure.rule.code, detail: sim.failure.detail, source: sim.failure.rule.source,
            message: failureSentence(sim),
        } : null,
    };
}
