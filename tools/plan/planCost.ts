// The cost part of `npm run plan`: its flags, the comparison plan, and the three renderings.
//
//   --compare <stack>        difference against another stack (e.g. --stack prod --compare dev)
//   --compare-file <path>    difference against another version of this stack's file
//   --compare-ref <git-ref>  difference against this stack's file at a commit (git show <ref>:Pulumi.<stack>.yaml)
//   --cost-markdown          print only the markdown section for a pull request comment
//   --assume key=value       override a cost assumption (repeatable; see components/cost/assumptions.ts)
//   --price-region <region>  price the stack with another region's prices (for a region the table lacks)
//
// A stack in a region the price table does not cover still plans: its cost section says the estimate
// is not available and how to get one, and the JSON plan's `cost` is `{ "unavailable": <why> }`.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AssumptionError, CostAssumptions, parseAssumptions } from "../../components/cost/assumptions";
import { CostEstimate, PlanResource, constant } from "../../components/cost/estimate";
import { estimateCost, planRegion } from "../../components/cost/model";
import { PRICES, UnknownRegionError } from "../../components/cost/priceTable";
import { CostChange, compareEstimates, renderChangeText, renderCostMarkdown, renderCostText } from "../../components/cost/render";
import { Plan, ROOT, plan, planJson } from "../planner/planner";
import { readProject, stackFileOf } from "../../config/project";
import { stackPrefix } from "../../components/service/naming";

export const COST_USAGE = "[--compare <stack> | --compare-file <path> | --compare-ref <git-ref>] [--cost-markdown] [--assume key=value]... [--price-region <region>]";

export interface CostArgs {
    compare?: string;
    compareFile?: string;
    compareRef?: string;
    markdown: boolean;
    assume: string[];
    /** Price with this region's prices instead of the stack's own region's. */
    priceRegion?: string;
}

/** A bad cost flag, an unknown region, or a comparison plan that failed: exit 2 with this message. */
export class CostError extends Error {}

/** Takes the cost flags out of argv; the rest is left for plan's own flags. */
export function takeCostArgs(argv: string[]): { rest: string[]; cost: CostArgs } {
    const cost: CostArgs = { markdown: false, assume: [] };
    const rest: string[] = [];
    const value = (i: number, flag: string): string => {
        const v = argv[i];
        if (v === undefined || v.startsWith("--")) throw new CostError(`plan: ${flag} needs a value, got ${v === undefined ? "nothing" : JSON.stringify(v)}`);
        return v;
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--compare") cost.compare = value(++i, a);
        else if (a === "--compare-file") cost.compareFile = value(++i, a);
        else if (a === "--compare-ref") cost.compareRef = value(++i, a);
        else if (a === "--cost-markdown") cost.markdown = true;
        else if (a === "--assume") cost.assume.push(value(++i, a));
        else if (a === "--price-region") cost.priceRegion = value(++i, a);
        else rest.push(a);
    }
    const given = [cost.compare, cost.compareFile, cost.compareRef].filter((x) => x !== undefined).length;
    if (given > 1) throw new CostError("plan: Only one of `--compare`, `--compare-file` or `--compare-ref` can be provided.");
    checkAssumptions(cost.assume);
    if (cost.priceRegion !== undefined && !(cost.priceRegion in PRICES.regions)) {
        throw new CostError(`plan: --price-region must be a region the price table covers (${Object.keys(PRICES.regions).join(", ")}), got ${JSON.stringify(cost.priceRegion)}`);
    }
    return { rest, cost };
}

function checkAssumptions(entries: string[]): CostAssumptions {
    try {
        return parseAssumptions(entries);
    } catch (e) {
        if (e instanceof AssumptionError) throw new CostError(e.message);
        throw e;
    }
}

export interface CostReport {
    /** Undefined when the stack's region has no prices and no --price-region was given. */
    estimate?: CostEstimate;
    change?: CostChange;
    /** The `cost` field of the JSON plan. */
    json: (CostEstimate & { change?: CostChange }) | { unavailable: string };
    text: string;
    markdown: string;
}

/** Estimates the planned stack, plans the comparison if one was asked for, and renders both. */
export async function planCost(result: Plan, args: CostArgs, env?: NodeJS.ProcessEnv): Promise<CostReport> {
    const assumptions = checkAssumptions(args.assume);
    let estimate: CostEstimate;
    try {
        estimate = estimateFor(result, assumptions, args.priceRegion);
    } catch (e) {
        if (!(e instanceof UnknownRegionError)) throw e;
        return unavailable(result.stack, e);
    }
    const change = await comparison(result, estimate, args, assumptions, env);
    const text = renderCostText(estimate, result.stack) + (change ? "\n" + renderChangeText(change) : "");
    return { estimate, change, json: { ...estimate, ...(change ? { change } : {}) }, text, markdown: renderCostMarkdown(estimate, result.stack, change) };
}

/**
 * A stack whose region has no prices: the plan itself stands, and the cost section says why there is no
 * estimate and how to get one, so neither `npm run plan` nor a pull request's check fails over it.
 */
function unavailable(stack: string, e: UnknownRegionError): CostReport {
    const why = `${e.message}. Estimate it with a nearby region's prices: npm run plan -- --stack ${stack} --price-region <region>`;
    return {
        json: { unavailable: why },
        text: `Monthly cost estimate for stack "${stack}": not available.\n  ${why}\n`,
        markdown: `### Monthly cost estimate: \`${stack}\`\n\nNot available: ${why.replace(/^cost: /, "")}\n`,
    };
}

/** The estimate of a plan, with its own region's prices or with `priceRegion`'s (said in a note). Throws UnknownRegionError. */
function estimateFor(p: Plan, assumptions: CostAssumptions, priceRegion?: string): CostEstimate {
    const resources = (planJson(p) as { resources: PlanResource[] }).resources;
    const region = planRegion(resources);
    if (!region) throw new CostError(`cost: stack "${p.stack}" has no aws:region in its plan`);
    const estimate = estimateCost(resources, priceRegion ?? region, { assumptions, namePrefix: `${stackPrefix(p.stack)}-` });
    if (priceRegion && priceRegion !== region) estimate.notes.unshift(`Priced with ${priceRegion}'s prices (--price-region); the stack runs in ${region}, whose prices differ.`);
    return estimate;
}

/** The comparison's estimate; a base in a region without prices is a flag error, said as such. */
function baseEstimate(p: Plan, assumptions: CostAssumptions, priceRegion?: string): CostEstimate {
    try {
        return estimateFor(p, assumptions, priceRegion);
    } catch (e) {
        if (e instanceof UnknownRegionError) throw new CostError(`plan: the comparison plan (stack "${p.stack}"): ${e.message}; add --price-region <region> to price both`);
        throw e;
    }
}

async function comparison(result: Plan, head: CostEstimate, args: CostArgs, assumptions: CostAssumptions, env?: NodeJS.ProcessEnv): Promise<CostChange | undefined> {
    let base: CostEstimate;
    let label: string;
    if (args.compare !== undefined) {
        base = baseEstimate(await basePlan(result, args.compare, undefined, env), assumptions, args.priceRegion);
        label = `stack "${args.compare}"`;
    } else if (args.compareFile !== undefined) {
        if (!fs.existsSync(args.compareFile)) throw new CostError(`plan: --compare-file ${args.compareFile}: no such file`);
        base = baseEstimate(await basePlan(result, result.stack, args.compareFile, env), assumptions, args.priceRegion);
        label = args.compareFile;
    } else if (args.compareRef !== undefined) {
        const file = stackFileAt(args.compareRef, result.stack, result.projectDir ?? ROOT);
        label = `Pulumi.${result.stack}.yaml at ${args.compareRef}`;
        // A stack file that did not exist at the ref: the whole stack is new.
        base = file ? baseEstimate(await basePlan(result, result.stack, file, env), assumptions, args.priceRegion)
            : { ...head, services: [], shared: { name: "shared", cost: constant(0), items: [] }, total: constant(0) };
        if (!file) label += " (no such file: a new stack)";
    } else {
        return undefined;
    }
    return compareEstimates(base, head, { base: label, head: `stack "${result.stack}"` });
}

async function basePlan(head: Plan, stack: string, stackFile: string | undefined, env?: NodeJS.ProcessEnv): Promise<Plan> {
    try {
        const p = await plan(stack, { projectDir: head.projectDir, stackFile, env });
        if (p.violations.length) throw new Error(`${p.violations.length} resource(s) would be rejected by AWS`);
        return p;
    } catch (e) {
        throw new CostError(`plan: the comparison plan (stack "${stack}"${stackFile ? `, ${stackFile}` : ""}) failed: ${(e as Error).message}`);
    }
}

/** Writes the project's Pulumi.<stack>.yaml as it was at `ref` to a temporary file; undefined when it did not exist. */
function stackFileAt(ref: string, stack: string, projectDir: string): string | undefined {
    let text: string;
    // `<ref>:./<path>` is relative to git's working directory (git-rev-parse, "<rev>:<path>"): the project,
    // wherever it sits in the repository, with its stack files wherever its stackConfigDir puts them.
    const relative = path.relative(projectDir, stackFileOf(readProject(projectDir), stack)).split(path.sep).join("/");
    try {
        text = execFileSync("git", ["show", `${ref}:./${relative}`], { cwd: projectDir, stdio: ["ignore", "pipe", "pipe"] }).toString();
    } catch (e) {
        const stderr = String((e as { stderr?: Buffer }).stderr ?? "");
        if (/does not exist|exists on disk, but not in/.test(stderr)) return undefined;
        throw new CostError(`plan: --compare-ref ${ref}: git show failed: ${stderr.trim() || (e as Error).message}`);
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-cost-")), `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, text);
    return file;
}
