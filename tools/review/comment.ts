// The one pull-request comment of a review stack: its URLs, whether the deploy gate passed, when it
// expires, and its monthly cost estimate. The marker on its first line finds it again, so each push edits
// the same comment (as the cost comment of preview.yml does), cut to GitHub's size limit.
import { CostEstimate } from "../../components/cost/estimate";
import { money, renderCostMarkdown } from "../../components/cost/render";
import { EXIT } from "../verify/verifyCore";
import { commentBody } from "../workflows/githubChecks";

export const marker = (stack: string) => `<!-- ecs-ship review: ${stack} -->`;

/** How the deploy ended: the gate's exit code, or a step before it that failed or was refused. */
export type Outcome =
    | { kind: "gate"; code: number }
    | { kind: "refused"; reason: string }
    | { kind: "failed"; step: string }
    | { kind: "destroyed"; resources: number };

const GATE_CODES: Record<number, string> = {
    [EXIT.error]: "the gate could not check (an AWS or network error; see the job log)",
    [EXIT.badInput]: "the stack outputs or the gate's arguments were invalid",
    [EXIT.rolledBack]: "ECS rolled the deployment back",
    [EXIT.timeout]: "the deployment did not finish before the gate's deadline",
    [EXIT.versionMismatch]: "the service answers with another commit than this one",
    [EXIT.imageMismatch]: "ECS runs another image than this deploy pushed",
};

export interface CommentInput {
    stack: string;
    sha: string;
    outcome: Outcome;
    /** Parsed `pulumi stack output --json`; absent when the stack has none (not deployed). */
    outputs?: unknown;
    /** The `cost` field of `npm run plan -- --json`. */
    cost?: CostEstimate | { unavailable: string };
    expiresAfterHours: number;
    /** The template's maxStacks: the estimate of all review stacks together is this many times one. */
    maxStacks?: number;
    /** Link to the workflow run, for the log. */
    runUrl?: string;
}

/** The service URLs of the stack outputs: `services.<name>.url`, workers (no URL) left out. */
export function serviceUrls(outputs: unknown): Array<{ name: string; url: string }> {
    const services = (outputs as { services?: Record<string, { url?: unknown }> } | undefined)?.services;
    if (!services || typeof services !== "object") return [];
    return Object.entries(services)
        .filter(([, s]) => typeof s?.url === "string" && /^https?:\/\//.test(s.url as string))
        .map(([name, s]) => ({ name, url: s.url as string }));
}

function verdict(o: Outcome, sha: string): string {
    switch (o.kind) {
        case "gate":
            return o.code === EXIT.ok
                ? `**Deploy gate passed**: every service serves \`${sha.slice(0, 7)}\` (npm run verify).`
                : `**Deploy gate failed** (exit ${o.code}): ${GATE_CODES[o.code] ?? "see the job log"}. The URLs below may serve an older version.`;
        case "refused":
            return `**Not deployed**: ${o.reason}`;
        case "failed":
            return `**Deploy failed** at "${o.step}", before the deploy gate; see the job log.`;
        case "destroyed":
            return `**Destroyed**: the pull request is closed; all ${o.resources} resource(s) of this stack are gone and the stack is removed.`;
    }
}

function costSection(stack: string, cost: CommentInput["cost"], maxStacks?: number): string[] {
    if (!cost) return ["Monthly cost estimate: not computed (see the job log)."];
    if ("unavailable" in cost) return [`Monthly cost estimate: not available: ${cost.unavailable}`];
    const t = cost.total;
    return [
        `Monthly cost estimate of this review stack, were it to run a whole month: **${money(t.expected)}** expected (${money(t.low)} to ${money(t.high)}), ${cost.currency} at list prices.`
            + (maxStacks ? ` With ${maxStacks} review stacks live at once (ecs-ship:review.maxStacks), the most they cost together is ${money(t.expected * maxStacks)} expected (${money(t.high * maxStacks)} at most).` : ""),
        "",
        "<details><summary>Cost line items</summary>",
        "",
        renderCostMarkdown(cost, stack).trim(),
        "",
        "</details>",
    ];
}

/** The comment's markdown, marker first. */
export function reviewComment(c: CommentInput): string {
    const lines = [`### Review environment \`${c.stack}\``, "", verdict(c.outcome, c.sha), ""];
    if (c.outcome.kind !== "destroyed" && c.outcome.kind !== "refused") {
        const urls = serviceUrls(c.outputs);
        if (urls.length) {
            lines.push("| Service | URL |", "|---|---|", ...urls.map((u) => `| \`${u.name}\` | ${u.url} |`), "");
        } else {
            lines.push("No service URL: the stack has no outputs yet, or only workers.", "");
        }
        lines.push(`Commit \`${c.sha.slice(0, 7)}\`. The stack expires ${c.expiresAfterHours} hours after its last deploy; closing or merging this pull request destroys it.`, "");
        lines.push(...costSection(c.stack, c.cost, c.maxStacks), "");
    }
    if (c.runUrl) lines.push(`[Workflow run](${c.runUrl})`, "");
    return commentBody(marker(c.stack), lines.join("\n"));
}
