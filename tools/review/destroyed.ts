// Teardown you can check: record what a review stack holds, destroy it, prove nothing is left, and only
// then remove the stack from the backend. What is left fails the teardown, listed one resource a line.
//
// Three checks, after `pulumi destroy`:
//   1. the stack's state holds no resource any more (a resource whose delete failed, or a protected one);
//   2. no recorded resource had retainOnDelete (Pulumi drops it from the state but leaves it in AWS:
//      Pulumi docs, "Resource options: retainOnDelete"); a review stack must own nothing it keeps;
//   3. with a tagging client, AWS's Resource Groups Tagging API lists nothing tagged ecs-ship:stack=pr-<n>
//      (every review resource carries that tag: docs/review-environments.md). This catches what the state
//      never knew. The API can still list a resource shortly after it was deleted (AWS re:Post,
//      "Only get existing resources with ResourceGroupTaggingAPI get-resources"), so it is asked again,
//      TAG_ATTEMPTS times TAG_WAIT_MS apart, and only what is listed on the last try counts.
// A stack with anything left stays in the backend (its state is the record of what to clean up).
import { Clock, PulumiBackend, StateResource, Tagging } from "./backend";

export const STACK_TAG = "ecs-ship:stack";
export const TAG_ATTEMPTS = 4;
export const TAG_WAIT_MS = 30_000;

/** The resources worth checking: every custom resource but the providers, which exist only in Pulumi. */
export function recordedResources(state: StateResource[]): StateResource[] {
    return state.filter((r) => r.custom !== false && !r.type.startsWith("pulumi:providers:") && r.type !== "pulumi:pulumi:Stack");
}

function describe(r: StateResource): string {
    return `${r.type} ${r.id ?? "(no id)"} (${r.urn})`;
}

/** What a destroy left, against the record taken before it; empty when nothing is left. */
export async function leftovers(stack: string, recorded: StateResource[], pulumi: PulumiBackend, clock: Clock, tagging?: Tagging): Promise<string[]> {
    const left: string[] = [];
    for (const r of await pulumi.exportResources(stack)) left.push(`still in the stack's state: ${describe(r)}`);
    for (const r of recorded.filter((x) => x.retainOnDelete)) left.push(`retained on delete (left in AWS by design): ${describe(r)}`);
    if (tagging) {
        let tagged: string[] = [];
        try {
            for (let attempt = 1; attempt <= TAG_ATTEMPTS; attempt++) {
                tagged = await tagging.resourcesTagged(STACK_TAG, stack);
                if (tagged.length === 0) break;
                if (attempt < TAG_ATTEMPTS) await clock.sleep(TAG_WAIT_MS);
            }
        } catch (e) {
            // Unchecked is not clean: the stack stays until the check can run (the role needs tag:GetResources).
            left.push(`not checked against AWS's tags (tag:GetResources failed): ${(e as Error).message}`);
        }
        for (const arn of tagged) left.push(`still tagged ${STACK_TAG}=${stack} in AWS: ${arn}`);
    }
    return left;
}

export interface Teardown {
    stack: string;
    /** What the stack held before the destroy. */
    recorded: StateResource[];
    /** What is left; empty when the teardown is complete. */
    left: string[];
    /** Whether the stack was removed from the backend (only when nothing is left). */
    removed: boolean;
}

export interface TeardownDeps {
    pulumi: PulumiBackend;
    clock: Clock;
    log: (line: string) => void;
    /** Run first: writes the stack's file (its secrets provider settings) when the checkout has none. */
    prepare?: (stack: string) => void;
}

/** Records, destroys, checks, and removes the stack when nothing is left. */
export async function teardown(stack: string, deps: TeardownDeps, tagging?: Tagging): Promise<Teardown> {
    deps.prepare?.(stack);
    const recorded = recordedResources(await deps.pulumi.exportResources(stack));
    deps.log(`${stack}: recorded ${recorded.length} resource(s) before destroy`);
    await deps.pulumi.destroy(stack);
    const left = await leftovers(stack, recorded, deps.pulumi, deps.clock, tagging);
    if (left.length) {
        deps.log(`${stack}: destroy left ${left.length} resource(s); the stack stays in the backend:\n${left.map((l) => `  - ${l}`).join("\n")}`);
        return { stack, recorded, left, removed: false };
    }
    await deps.pulumi.remove(stack);
    deps.log(`${stack}: destroyed ${recorded.length} resource(s), nothing left; removed from the backend`);
    return { stack, recorded, left, removed: true };
}

/** The teardown's report for a job summary. */
export function teardownReport(t: Teardown): string {
    const head = t.left.length
        ? `### Review stack \`${t.stack}\`: destroy left ${t.left.length} resource(s)\n\nThe stack stays in the backend. Left:\n${t.left.map((l) => `- ${l}`).join("\n")}\n`
        : `### Review stack \`${t.stack}\`: destroyed and removed\n\nAll ${t.recorded.length} recorded resource(s) are gone.\n`;
    const list = t.recorded.map((r) => `| ${r.type} | ${r.id ?? ""} |`).join("\n");
    return `${head}\n<details><summary>Recorded before destroy</summary>\n\n| Type | Id |\n|---|---|\n${list}\n</details>\n`;
}
