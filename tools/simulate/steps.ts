// The steps `pulumi up` takes to move a stack from one set of registered resources to another, in
// the order the engine runs them. Pure: it reads two plans' recorded resources (tools/planner/planner.ts) and
// the providers' replacement rules (tools/planner/replacements.ts).
//
// The engine's order (Pulumi docs, "deleteBeforeReplace": "By default, to minimize downtime, Pulumi
// creates new instances of resources before deleting old ones",
// https://www.pulumi.com/docs/iac/concepts/options/deletebeforereplace/; pulumi/pulumi
// pkg/resource/deploy/step_generator.go, GenerateDeletes and ScheduleDeletes; developer-docs
// architecture/resource-registration.md):
//  1. as the program registers each resource, a create, an update, or for a replacement a
//     create-replacement (a delete-replaced first, when the resource sets deleteBeforeReplace). A resource
//     registers after the resources its inputs come from, so registration order is a dependency order;
//  2. once the program has finished, every delete: the resources it no longer registers and the old
//     halves of create-before-delete replacements, dependents before what they depend on.
// The engine may run independent steps in parallel; this is one order it may take, the one that
// follows registration.
import { RecordedResource } from "../planner/mockCloud";
import { REPLACE_RULES, changedInputs } from "../planner/replacements";

export type Op = "create" | "update" | "create-replacement" | "delete-replaced" | "delete";

export interface Step {
    /** 1-based position in the update. */
    n: number;
    op: Op;
    type: string;
    name: string;
    urn: string;
    /** The state before the step (update, delete, delete-replaced). */
    old?: RecordedResource;
    /** The desired state after it (create, update, create-replacement). */
    new?: RecordedResource;
    /** Top-level inputs that differ, else "(input from replaced <name>)" for an input whose source is replaced. */
    changed: string[];
    /** The inputs among them that force the replacement. */
    replaceBecause: string[];
}

function ruleFor(type: string) {
    const rule = REPLACE_RULES[type];
    if (!rule) throw new Error(`no replacement rule for ${type}: add it to REPLACE_RULES (tools/planner/replacements.ts) with its provider source`);
    return rule;
}

function forcing(type: string, changed: string[]): string[] {
    const r = ruleFor(type).replaceOn;
    return Array.isArray(r) ? changed.filter((k) => r.includes(k)) : changed.filter((k) => !r.allExcept.includes(k));
}

/** Dependencies through inputs (not only `dependsOn`), by name. */
function inputDependencies(r: RecordedResource): string[] {
    return r.dependencies.filter((d) => !r.dependsOn.includes(d));
}

/**
 * The engine's steps from `before` to `after`, in the order it runs them. Unchanged resources take no
 * step, except one whose input comes from a replaced resource: the replacement has a new ARN or id
 * (the mock account gives it the old one, so that input looks unchanged offline), and the engine
 * updates the dependent to it.
 */
export function deriveSteps(before: RecordedResource[], after: RecordedResource[]): Step[] {
    const custom = (rs: RecordedResource[]) => rs.filter((r) => r.custom);
    const old = new Map(custom(before).map((r) => [r.urn, r]));
    const next = custom(after);
    const nextUrns = new Set(next.map((r) => r.urn));
    // A resource registered with `aliases` takes over the one in the state under an alias URN: the
    // engine updates or replaces it instead of creating one and deleting the other (Pulumi docs,
    // "aliases", https://www.pulumi.com/docs/iac/concepts/options/aliases/).
    const aliased = new Set<string>();
    const steps: Omit<Step, "n">[] = [];
    const replaced = new Set<string>();
    const deferred: RecordedResource[] = [];
    for (const r of next) {
        ruleFor(r.type);
        let prev = old.get(r.urn);
        const alias = prev ? undefined : (r.aliases ?? []).find((u) => old.has(u) && !nextUrns.has(u) && !aliased.has(u));
        if (alias) {
            prev = old.get(alias);
            aliased.add(alias);
        }
        const base = { type: r.type, name: r.name, urn: r.urn };
        if (!prev) {
            steps.push({ ...base, op: "create", new: r, changed: [], replaceBecause: [] });
            continue;
        }
        const changed = changedInputs(prev, r);
        const followed = inputDependencies(r).filter((d) => replaced.has(d)).map((d) => `(input from replaced ${d})`);
        if (!changed.length && !followed.length) continue;
        const replaceBecause = forcing(r.type, changed);
        if (!replaceBecause.length) {
            steps.push({ ...base, op: "update", old: prev, new: r, changed: changed.length ? changed : followed, replaceBecause });
            continue;
        }
        replaced.add(r.name);
        if (r.deleteBeforeReplace) steps.push({ ...base, op: "delete-replaced", old: prev, changed, replaceBecause });
        else deferred.push(prev);
        steps.push({ ...base, op: "create-replacement", old: prev, new: r, changed, replaceBecause });
    }
    // Deletes last, dependents first: the reverse of the order the first run registered them in.
    const deferredUrns = new Set(deferred.map((r) => r.urn));
    for (const r of [...custom(before)].reverse()) {
        const base = { type: r.type, name: r.name, urn: r.urn, old: r, changed: [], replaceBecause: [] };
        if (!nextUrns.has(r.urn) && !aliased.has(r.urn)) {
            ruleFor(r.type);
            steps.push({ ...base, op: "delete" });
        } else if (deferredUrns.has(r.urn)) {
            // The old half, under the URN the state holds it by.
            steps.push({ ...base, op: "delete-replaced" });
        }
    }
    return steps.map((s, i) => ({ n: i + 1, ...s }));
}
