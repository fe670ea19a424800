// One build, promoted: a later stack runs the image an earlier stack built (`image: { from: staging }`),
// and the earlier stack's repository lets exactly the later stacks' execution roles pull it
// (`ecs-ship:registry.promoteTo`). docs/promotion.md tells the whole path.
//
// A stack file knows only itself, so the rules that join two stacks read the other stack files of the
// project's stack folder (`otherStacks`): `from` names a stack that exists, is not this one, builds
// that service, lists this stack in its promoteTo, and every `from` of one stack names the same stack.
// The digest itself is passed by the deploy workflow in ECS_SHIP_PROMOTED_IMAGES (the earlier stack's
// `services.<name>.imageRef` output, tools/operate/promote.ts); an offline plan or a preview without it runs a
// placeholder digest in the source's repository, said in a warning.
import { z } from "zod";
import { DIGEST_REF } from "../components/registry/registryPolicies";
import { serviceResourceName } from "../components/service/naming";
import { ACCOUNT_ID, STACK_NAME } from "./patterns";
import { buildOwnerIn } from "./sharedBuild";
import { ALWAYS, mapOf, problem, record, show, text } from "./rules";

/** The variable the deploy and rollback workflows pass the promoted images in: JSON `{ "<service>": "<ref>" }`. */
export const PROMOTED_IMAGES_ENV = "ECS_SHIP_PROMOTED_IMAGES";
/** Its value for an offline plan or a preview: run a placeholder digest (the planner and `pulumi preview`). */
export const OFFLINE = "offline";
/** The digest an offline plan runs: no image has it. */
export const PLACEHOLDER_DIGEST = `sha256:${"0".repeat(64)}`;
/** The account an offline plan's placeholder names: the source's account is known only from the digest passed. */
export const PLACEHOLDER_ACCOUNT = "000000000000";

export const promoteToSchema = mapOf(text(ACCOUNT_ID, "must be the 12-digit AWS account id of that stack"))
    .superRefine((o, ctx) => {
        for (const stack of Object.keys(record(o) ?? {})) {
            if (!STACK_NAME.test(stack)) problem(ctx, [stack], `must be keyed by a stack name (a lowercase letter, then up to 19 lowercase letters, digits or "-"), got ${show(stack)}`);
        }
    }, ALWAYS)
    .meta({ description: "Later stacks that run this stack's images (`image: { from: <this stack> }`), each with its AWS account id: each built service's repository lets exactly those stacks' execution roles of that service pull, and its lifecycle policy keeps the images they run (docs/promotion.md)." });

/** A promoted service resolved: the stack it runs the image of and the image reference, by digest. */
export interface Promoted {
    from: string;
    ref: string;
    /** True when no digest was passed and an offline plan or preview runs the placeholder. */
    placeholder: boolean;
}

/** A later stack this stack promotes to: its account and the services it takes from here. */
export interface PromotionTarget {
    stack: string;
    account: string;
    services: string[];
}

/** What the rules read of another stack file: its `ecs-ship:` values and its region. */
export interface OtherStack {
    region?: string;
    values: Record<string, unknown>;
}

const servicesOf = (values: Record<string, unknown>): Record<string, unknown> => record(values.services) ?? {};
const fromOf = (svc: unknown): string | undefined => {
    const f = record(record(svc)?.image)?.from;
    return typeof f === "string" ? f : undefined;
};
const builds = (svc: unknown): boolean => record(record(svc)?.image)?.context !== undefined;
const promoteToOf = (values: Record<string, unknown>): Record<string, unknown> => record(record(values.registry)?.promoteTo) ?? {};

/**
 * Every problem joining this stack to the stacks it takes images from and promotes to. `values` has
 * passed the stack schema; `others` are the other stack files of the folder, by stack name.
 */
export function promotionProblems(stack: string, values: Record<string, unknown>, others: Record<string, OtherStack>): string[] {
    const problems: string[] = [];
    const known = Object.keys(others).filter((s) => s !== stack).sort();
    const sources = new Set<string>();
    for (const [name, svc] of Object.entries(servicesOf(values))) {
        const from = fromOf(svc);
        if (from === undefined) continue;
        const key = `ecs-ship:services.${name}.image.from`;
        if (from === stack) {
            problems.push(`${key}: must name an earlier stack, not this one (a stack cannot run an image it does not build), got ${show(from)}`);
            continue;
        }
        const source = others[from];
        if (!source) {
            problems.push(`${key}: must be one of the stacks beside this one (${known.join(", ") || "none"}), got ${show(from)}, which has no stack file`);
            continue;
        }
        sources.add(from);
        const theirs = servicesOf(source.values)[name];
        if (!builds(theirs)) {
            const chain = cycleOf(stack, name, from, others);
            problems.push(chain
                ? `${key}: forms a cycle (${chain.join(" → ")}): some stack must build ${name} from a folder (image.context), got ${show(from)}`
                : `${key}: must name a stack that builds ${name} from a folder (image.context); ${from} ${theirs === undefined ? `has no service ${name}` : `does not build ${name}${fromOf(theirs) ? ` (it runs ${fromOf(theirs)}'s): name ${fromOf(theirs)}` : ""}`}, got ${show(from)}`);
            continue;
        }
        if (!(stack in promoteToOf(source.values))) {
            problems.push(`${key}: ${from} must list this stack in its ecs-ship:registry.promoteTo (with this stack's account id) so its repository lets this stack pull; it lists ${show(Object.keys(promoteToOf(source.values)).join(", ") || "none")}, got ${show(from)}`);
        }
    }
    if (sources.size > 1) {
        problems.push(`ecs-ship:services: every image.from of a stack must name the same stack (one deploy passes one stack's images), got ${[...sources].sort().join(", ")}`);
    }
    for (const later of Object.keys(promoteToOf(values))) {
        const key = `ecs-ship:registry.promoteTo.${later}`;
        if (later === stack) problems.push(`${key}: must name a later stack, not this one, got ${show(later)}`);
        else if (!others[later]) problems.push(`${key}: must be one of the stacks beside this one (${known.join(", ") || "none"}), got ${show(later)}, which has no stack file`);
        else if (!Object.values(servicesOf(others[later].values)).some((s) => fromOf(s) === stack)) {
            problems.push(`${key}: ${later} runs no image of this stack (no service of it has image.from: ${stack}), so nothing would be granted; remove it, got ${show(later)}`);
        }
    }
    return problems;
}

/** The stacks from `stack` back to itself, when following service `name`'s `from` returns to it. */
function cycleOf(stack: string, name: string, from: string, others: Record<string, OtherStack>): string[] | undefined {
    const chain = [stack, from];
    let at = from;
    while (true) {
        const next = fromOf(servicesOf(others[at]?.values ?? {})[name]);
        if (next === undefined || chain.slice(1).includes(next)) return undefined;
        chain.push(next);
        if (next === stack) return chain;
        at = next;
    }
}

/**
 * The image each promoted service runs: the reference passed in ECS_SHIP_PROMOTED_IMAGES, which must
 * be the source's repository of the service's build (`ecs-ship-<from>-<owner>`, in the source's region: the
 * service's own, or its build owner's when it shares a build, config/sharedBuild.ts)
 * pinned by digest; or, for an offline plan or preview (`passed` is "offline"), a placeholder there.
 */
export function promotedImages(stack: string, wanted: Record<string, string>, passed: string | undefined, others: Record<string, OtherStack>, problems: string[]): Record<string, Promoted> {
    const names = Object.keys(wanted);
    if (names.length === 0) return {};
    if (passed === undefined) {
        problems.push(`${PROMOTED_IMAGES_ENV}: must hold the images this stack runs from ${[...new Set(Object.values(wanted))].join(", ")}, as {"<service>": "<ref>"} (the deploy workflow sets it from that stack's outputs: npm run -s promote -- images --stack ${stack}), got nothing`);
        return {};
    }
    let given: Record<string, unknown> = {};
    if (passed !== OFFLINE) {
        try {
            given = record(JSON.parse(passed)) ?? {};
        } catch {
            problems.push(`${PROMOTED_IMAGES_ENV}: must be JSON, {"<service>": "<ref>"}, got ${show(passed)}`);
            return {};
        }
    }
    const out: Record<string, Promoted> = {};
    for (const name of names) {
        const from = wanted[name];
        const region = others[from]?.region ?? "us-east-1";
        // The repository of the source's build of this service: its own, or the service it shares the build with.
        const repository = serviceResourceName(from, buildOwnerIn(servicesOf(others[from]?.values ?? {}), name));
        if (passed === OFFLINE) {
            out[name] = { from, ref: `${PLACEHOLDER_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${repository}@${PLACEHOLDER_DIGEST}`, placeholder: true };
            continue;
        }
        const ref = given[name];
        const m = typeof ref === "string" ? /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^@]+)@sha256:[a-f0-9]{64}$/.exec(ref) : null;
        if (typeof ref !== "string" || !DIGEST_REF.test(ref) || !m || m[2] !== region || m[3] !== repository) {
            problems.push(`${PROMOTED_IMAGES_ENV}.${name}: must be ${from}'s image of ${name}, as <account>.dkr.ecr.${region}.amazonaws.com/${repository}@sha256:<64 hex digits>, got ${show(ref)}`);
            continue;
        }
        out[name] = { from, ref, placeholder: false };
    }
    return out;
}

/** The later stacks this stack promotes to, with the services each takes from it. */
export function promotionTargets(stack: string, values: Record<string, unknown>, others: Record<string, OtherStack>): PromotionTarget[] {
    return Object.entries(promoteToOf(values)).sort(([a], [b]) => a.localeCompare(b)).map(([later, account]) => ({
        stack: later,
        account: String(account),
        services: Object.entries(servicesOf(others[later]?.values ?? {})).filter(([, s]) => fromOf(s) === stack).map(([n]) => n).sort(),
    }));
}

/** Parses a stack file's document into what the rules read; undefined when it is no stack file. */
export function otherStackOf(doc: unknown, namespace: string): OtherStack | undefined {
    const config = record(record(doc)?.config);
    if (!config) return undefined;
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) if (k.startsWith(`${namespace}:`)) values[k.slice(namespace.length + 1)] = v;
    return { region: typeof config["aws:region"] === "string" ? config["aws:region"] : undefined, values };
}

export type PromoteToValues = z.output<typeof promoteToSchema>;
