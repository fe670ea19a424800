// What a review stack costs a month (issue 30, "Limits"): the cost model (components/cost) applied to a
// pull request's stack as the program plans it from the review template, and the most the review
// environments cost together (the template's maxStacks live at once). The review workflow's pull-request
// comment shows it (docs/review-environments.md).
import { CostAssumptions } from "../../components/cost/assumptions";
import { CostEstimate, Figures, PlanResource, figures, round } from "../../components/cost/estimate";
import { estimateCost, planRegion } from "../../components/cost/model";
import { renderCostMarkdown } from "../../components/cost/render";
import { reviewSettingsOf, reviewStackName } from "../../config/review";
import { Plan, plan, planJson } from "../planner/planner";
import { readYaml } from "../../config/project";

export interface ReviewCost {
    /** The pull request's stack, `pr-<n>`. */
    stack: string;
    /** Monthly USD of one review stack: at one task per service (low), the assumed load, and the scaling maximum. */
    monthly: Figures;
    /** By service, the same figures. */
    services: { name: string; monthly: Figures }[];
    /** Review stacks the template lets live at once. */
    maxStacks: number;
    /** The most the review environments cost a month together: `monthly` × `maxStacks`. */
    allStacks: Figures;
    /** The whole estimate, line items and assumptions included. */
    estimate: CostEstimate;
    /** The estimate as the pull-request comment's markdown section. */
    markdown: string;
}

/**
 * The monthly cost of a planned review stack (`pr-<n>`), priced in its own region. Throws the cost model's
 * UnknownRegionError for a region the price table lacks, and an Error for a plan that is not a review stack's.
 */
export function reviewCostOf(p: Plan, maxStacks: number, assumptions?: CostAssumptions): ReviewCost {
    if (!/^pr-\d+$/.test(p.stack)) throw new Error(`review cost: stack must be a review stack pr-<n>, got ${JSON.stringify(p.stack)}`);
    const resources = (planJson(p) as { resources: PlanResource[] }).resources;
    const region = planRegion(resources);
    if (!region) throw new Error(`review cost: stack "${p.stack}" has no aws:region in its plan`);
    const estimate = estimateCost(resources, region, { assumptions, namePrefix: `${p.project}-${p.stack}-` });
    return {
        stack: p.stack,
        monthly: estimate.total,
        services: estimate.services.map((s) => ({ name: s.name, monthly: s.cost })),
        maxStacks,
        allStacks: figures((sc) => round(estimate.total[sc] * maxStacks)),
        estimate,
        markdown: renderCostMarkdown(estimate, p.stack),
    };
}

export interface ReviewCostOptions {
    /** The review template (Pulumi.review.yaml) or a pull request's copy of it. */
    stackFile: string;
    /** The pull request: its stack `pr-<n>` is planned. */
    number: number;
    /** The project folder (Pulumi.yaml). @default this repository's */
    projectDir?: string;
    /** Environment the program sees (GITHUB_SHA tags the images). @default process.env */
    env?: NodeJS.ProcessEnv;
    assumptions?: CostAssumptions;
}

/**
 * Plans pull request `number`'s review stack from the template through the program (tools/planner/planner.ts) and
 * prices it: what the review workflow puts in the pull-request comment. Throws ConfigError for a template
 * the program refuses.
 */
export async function reviewStackMonthlyCost(o: ReviewCostOptions): Promise<ReviewCost> {
    const p = await plan(reviewStackName(o.number), { stackFile: o.stackFile, projectDir: o.projectDir, env: o.env });
    // The plan accepted the template, so its ecs-ship:review is there and valid.
    const review = reviewSettingsOf(readYaml(o.stackFile))!;
    return reviewCostOf(p, review.maxStacks, o.assumptions);
}
