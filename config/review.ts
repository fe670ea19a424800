// Review environments (issue 30): the `ecs-ship:review` key of the review template, and the stack names it
// reserves. The template is the stack file of stack `review`; each pull request's stack `pr-<n>` gets a
// verbatim copy of it (docs/review-environments.md). Stack `review` creates only the review trust;
// `pr-<n>` plans the template's services with review defaults (components/trust/reviewTrust.ts, program.ts).
import { z } from "zod";
import { ALWAYS, closed, int, oneOf, problem, record, show, text } from "./rules";
import { problemsOf } from "./format";

/** What a pull request needs before its stack deploys: a label, an environment with reviewers, or nothing. */
export const REVIEW_REQUIREMENTS = ["label", "environment", "none"] as const;
export type ReviewRequirement = (typeof REVIEW_REQUIREMENTS)[number];

export const REVIEW_DEFAULTS = {
    maxStacks: 5,
    expiresAfterHours: 72,
    require: "label" as ReviewRequirement,
    label: "review",
    environment: "review",
    sweepEnvironment: "review-sweep",
} as const;

/** The template stack: it creates only the review trust. */
export const REVIEW_TEMPLATE_STACK = "review";
/** One pull request's stack: `pr-<n>`, n = 1..999999 (no leading zero, so one PR has one stack name). */
export const REVIEW_INSTANCE_STACK = /^pr-([1-9][0-9]{0,5})$/;

// GitHub labels are at most 50 characters. Source: GitHub REST API, "Create a label" (name) —
// https://docs.github.com/en/rest/issues/labels#create-a-label; environment names at most 255
// (https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment#creating-an-environment).
const label = () => text(/^(?=.{1,50}$)[^\s](?:.*[^\s])?$/, "must be a label name of 1 to 50 characters, not starting or ending with a space");
const environment = () => text(/^[^*?\[\]\s]{1,255}$/, 'must be an exact environment name of 1 to 255 characters, with no wildcard ("*", "?", "[") or space');

export const reviewSchema = closed({
    maxStacks: int(1, 50).optional()
        .meta({ description: "Live review stacks (`pr-<n>`) at most; past it the oldest expired one is destroyed first, or the deploy says why it waits.", default: REVIEW_DEFAULTS.maxStacks }),
    expiresAfterHours: int(1, 720).optional()
        .meta({ description: "A review stack expires this many hours after its last deploy; the sweep destroys it.", default: REVIEW_DEFAULTS.expiresAfterHours }),
    require: oneOf(REVIEW_REQUIREMENTS, undefined, " (label: a maintainer adds the label before a PR deploys; environment: a reviewer approves each deploy in a GitHub environment; none: every same-repository PR deploys)").optional()
        .meta({ description: "What a pull request needs before its review stack deploys. `environment` also narrows the review role's trust to that environment's subject.", default: REVIEW_DEFAULTS.require }),
    label: label().optional()
        .meta({ description: "With `require: label`: the label a pull request needs before it deploys.", default: REVIEW_DEFAULTS.label }),
    environment: environment().optional()
        .meta({ description: "With `require: environment`: the GitHub environment (give it required reviewers) review deploys run in.", default: REVIEW_DEFAULTS.environment }),
    sweepEnvironment: environment().optional()
        .meta({ description: "The GitHub environment the scheduled sweep runs in: the review role trusts its subject too. Create it with no reviewers and its deployment branches limited to the default branch.", default: REVIEW_DEFAULTS.sweepEnvironment }),
}, "must be a map of review settings (maxStacks, expiresAfterHours, require, label, environment, sweepEnvironment)").superRefine((r, ctx) => {
    if (!record(r)) return;
    const requirement = r.require ?? REVIEW_DEFAULTS.require;
    if (r.label !== undefined && requirement !== "label") {
        problem(ctx, ["label"], `applies only with ecs-ship:review.require: label, got ${show(r.label)} with require: ${show(requirement)}`);
    }
    // A sweep in the reviewers' environment would wait for an approval every hour.
    const sweep = r.sweepEnvironment ?? REVIEW_DEFAULTS.sweepEnvironment;
    if (requirement === "environment" && sweep === (r.environment ?? REVIEW_DEFAULTS.environment)) {
        problem(ctx, ["sweepEnvironment"], `must differ from the environment review deploys run in (whose reviewers would have to approve every sweep), got ${show(sweep)} for both`);
    }
    if (r.environment !== undefined && requirement !== "environment") {
        problem(ctx, ["environment"], `applies only with ecs-ship:review.require: environment, got ${show(r.environment)} with require: ${show(requirement)}`);
    }
}, ALWAYS).meta({ description: "Marks this stack file as the review template (stack `review`; each pull request's stack `pr-<n>` is a copy of it). Stack `review` creates only the review deploy role; `pr-<n>` runs the services with review defaults. See docs/review-environments.md." });

export type ReviewValues = z.output<typeof reviewSchema>;

/** The review settings with their defaults filled in. */
export interface ReviewSettings {
    maxStacks: number;
    expiresAfterHours: number;
    require: ReviewRequirement;
    /** The label a PR needs (require: label), else undefined. */
    label?: string;
    /** The GitHub environment review deploys run in (require: environment), else undefined. */
    environment?: string;
    /** The GitHub environment the scheduled sweep runs in; the review role trusts its subject. */
    sweepEnvironment: string;
}

/** Which review stack a stack name is: the template, one PR's instance, or neither. */
export type ReviewRole = { kind: "template" } | { kind: "instance"; number: number };

export function reviewRoleOf(stack: string): ReviewRole | undefined {
    if (stack === REVIEW_TEMPLATE_STACK) return { kind: "template" };
    const m = REVIEW_INSTANCE_STACK.exec(stack);
    return m ? { kind: "instance", number: Number(m[1]) } : undefined;
}

/** The stack name of pull request `n`. */
export function reviewStackName(n: number): string {
    if (!Number.isInteger(n) || n < 1 || n > 999999) throw new Error(`a pull request number must be an integer from 1 to 999999, got ${show(n)}`);
    return `pr-${n}`;
}

/** Fills the defaults into validated values. */
export function withReviewDefaults(v: ReviewValues): ReviewSettings {
    const require = v.require ?? REVIEW_DEFAULTS.require;
    return {
        maxStacks: v.maxStacks ?? REVIEW_DEFAULTS.maxStacks,
        expiresAfterHours: v.expiresAfterHours ?? REVIEW_DEFAULTS.expiresAfterHours,
        require,
        ...(require === "label" ? { label: v.label ?? REVIEW_DEFAULTS.label } : {}),
        ...(require === "environment" ? { environment: v.environment ?? REVIEW_DEFAULTS.environment } : {}),
        sweepEnvironment: v.sweepEnvironment ?? REVIEW_DEFAULTS.sweepEnvironment,
    };
}

/**
 * The stack-name rules of review environments, as problems: `review` and `pr-…` (and `pr`, whose names
 * `ecs-ship-pr-…` would fall under the review prefix the review role may touch) are reserved for the
 * template and its instances, and the template key belongs only to those stacks.
 */
export function reviewStackProblems(stack: string, review: unknown): string[] {
    const role = reviewRoleOf(stack);
    const allowed = `allowed: stack ${REVIEW_TEMPLATE_STACK} (the template) or pr-<n> with n from 1 to 999999 (one pull request's copy of it)`;
    if (review === undefined) {
        if (role) return [`ecs-ship:review: is required in stack ${show(stack)}: the stack names review and pr-<n> are reserved for review environments (docs/review-environments.md), got nothing; rename the stack or add ecs-ship:review`];
        if (stack === "pr" || stack.startsWith("pr-")) return [`stack name: ${show(stack)} is reserved: names pr and pr-… fall under the review prefix ecs-ship-pr- that the review deploy role may change; ${allowed}, got ${show(stack)}`];
        return [];
    }
    if (!role) return [`ecs-ship:review: applies only to stack ${REVIEW_TEMPLATE_STACK} or pr-<n> (${allowed}), got it in stack ${show(stack)}`];
    return [];
}

export class ReviewConfigError extends Error {
    constructor(public readonly problems: string[]) {
        super(`Invalid ecs-ship:review (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ReviewConfigError";
    }
}

/**
 * The review settings of a raw stack file, for tools that read the template without running the program
 * (the review workflow, the sweep). Takes the parsed YAML document (`{ config: {...} }`) or its `config`
 * map, with full keys (`ecs-ship:review`); values may be JSON text as Pulumi hands them over. Returns
 * undefined when the file has no `ecs-ship:review`; throws ReviewConfigError naming each problem.
 */
export function reviewSettingsOf(stackFile: unknown): ReviewSettings | undefined {
    const doc = record(stackFile);
    const config = record(doc?.config) ?? doc ?? {};
    let value = config["ecs-ship:review"];
    if (typeof value === "string") {
        try { value = JSON.parse(value); } catch { /* reported by the schema as given */ }
    }
    if (value === undefined) return undefined;
    const shape = z.object({ review: reviewSchema });
    const parsed = shape.safeParse({ review: value }, { reportInput: true });
    if (!parsed.success) throw new ReviewConfigError(problemsOf(parsed.error.issues, shape));
    return withReviewDefaults(parsed.data.review);
}

/**
 * What a review template may not hold, and why: every `pr-<n>` stack is deployed by the review role alone,
 * with no administrator run, so nothing may need what only an administrator does.
 * - secrets, taskPolicyStatements, exec, and sidecar secrets: they become inline role policies
 *   (components/service/serviceRoles.ts), which only an administrator writes (PutRolePolicy is granted to no deploy
 *   role: docs/security-model.md);
 * - domain: every pull request's stack would claim the same name, and the review role has no DNS permission;
 * - jobs: their scheduler grant names each stack's roles, and the review trust is one for every pull request.
 */
export function reviewTemplateProblems(values: Record<string, unknown>): string[] {
    const problems: string[] = [];
    const why: Record<string, string> = {
        secrets: "it becomes an inline role policy, which only an administrator writes, and review stacks deploy without one",
        taskPolicyStatements: "it becomes an inline role policy, which only an administrator writes, and review stacks deploy without one",
        exec: "ECS Exec needs a task role with an inline policy, which only an administrator writes, and review stacks deploy without one",
        domain: "every pull request's stack would claim the same name; review stacks serve on their load balancer's or Express's own URL",
    };
    for (const [name, svc] of Object.entries(record(values.services) ?? {})) {
        for (const [key, reason] of Object.entries(why)) {
            const v = record(svc)?.[key];
            if (v !== undefined && v !== false && !(record(v) && Object.keys(v as object).length === 0)) {
                problems.push(`ecs-ship:services.${name}.${key}: is not allowed in a review template (${reason}), got ${show(v)}`);
            }
        }
        for (const [sidecar, s] of Object.entries(record(record(svc)?.sidecars) ?? {})) {
            const secrets = record(record(s)?.secrets);
            if (secrets && Object.keys(secrets).length > 0) problems.push(`ecs-ship:services.${name}.sidecars.${sidecar}.secrets: is not allowed in a review template (${why.secrets}), got ${show(secrets)}`);
        }
    }
    if (values.jobs !== undefined) {
        problems.push(`ecs-ship:jobs: is not allowed in a review template (a scheduled job's scheduler grant names one stack's roles, and one review trust serves every pull request), got ${show(Object.keys(record(values.jobs) ?? {}))}`);
    }
    return problems;
}

/** The slice of a service the review defaults read and write. */
interface ReviewableService {
    mode: string;
    kind?: string;
    spot?: boolean;
    desiredCount?: number;
    scaling?: { min?: number; max?: number };
}

/**
 * A review instance's services: the template's, with the cheapest settings that work where the template
 * leaves them unset. One task (the service default desiredCount 1, and scaling.max 1, or scaling.min when
 * higher, instead of 4), and Fargate Spot for Fargate services and workers (Amazon ECS Developer Guide,
 * "Amazon ECS clusters for Fargate": FARGATE_SPOT, interruptible with a two-minute warning, which a review
 * tolerates). Express services run as ECS Express Mode places them: an Express gateway service has no
 * capacity provider setting (Terraform AWS provider, internal/service/ecs/express_gateway_service.go, schema:
 * cluster, cpu, memory, scaling_target, network_configuration, no capacity_provider_strategy), so they stay
 * on regular Fargate. No NAT is the network default already
 * (components/network/network.ts, natStrategy None), and a second Fargate service shares the first's load balancer.
 */
export function withReviewInstanceDefaults<S extends ReviewableService>(services: S[]): S[] {
    return services.map((s) => {
        const min = s.scaling?.min ?? 1;
        const runsOnFargate = s.mode === "fargate" || s.kind === "worker";
        return {
            ...s,
            ...(runsOnFargate && s.spot === undefined ? { spot: true } : {}),
            scaling: { ...(s.scaling ?? {}), max: s.scaling?.max ?? Math.max(1, min) },
        };
    });
}
