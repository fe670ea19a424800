// When a review stack goes: the sweep (closed or merged pull request, or expiry passed) and the admission
// of a new one under ecs-ship:review.maxStacks. Decisions are pure functions of the backend's stack list,
// the pull requests' states and the time; the runners below act on them through ./backend.
import { REVIEW_INSTANCE_STACK, ReviewSettings } from "../../config/review";
import { GitHub, PullState, StackSummary, Tagging } from "./backend";
import { Teardown, TeardownDeps, teardown } from "./destroyed";

export interface ReviewStack {
    name: string;
    number: number;
    /** The backend's lastUpdate; undefined while an update runs or before the first one finished. */
    lastUpdate?: Date;
    updateInProgress: boolean;
    /** lastUpdate + expiresAfterHours. */
    expiresAt?: Date;
}

/** The `pr-<n>` stacks of a `pulumi stack ls --json` listing (a Pulumi Cloud name may carry org/project/). */
export function reviewStacks(list: StackSummary[], settings: ReviewSettings): ReviewStack[] {
    const out: ReviewStack[] = [];
    for (const s of list) {
        const name = s.name.split("/").at(-1)!;
        const m = REVIEW_INSTANCE_STACK.exec(name);
        if (!m) continue;
        const last = s.lastUpdate ? new Date(s.lastUpdate) : undefined;
        const lastUpdate = last && !Number.isNaN(last.getTime()) ? last : undefined;
        out.push({
            name, number: Number(m[1]), lastUpdate, updateInProgress: s.updateInProgress === true,
            expiresAt: lastUpdate ? new Date(lastUpdate.getTime() + settings.expiresAfterHours * 3_600_000) : undefined,
        });
    }
    return out.sort((a, b) => a.number - b.number);
}

/** A stack past its expiry. One with no lastUpdate (being deployed, or never finished) has no age, so never expires. */
export function expired(s: ReviewStack, now: Date): boolean {
    return !s.updateInProgress && s.expiresAt !== undefined && s.expiresAt.getTime() <= now.getTime();
}

export type Verdict =
    | { action: "destroy"; reason: string }
    | { action: "keep"; reason: string };

/**
 * The sweep's rule for one stack. A closed or merged pull request's stack goes; so does an expired one,
 * whatever its pull request (its next push deploys it again). A pull request GitHub does not know or did
 * not answer for is kept until its stack expires: a GitHub outage or a token that cannot see the pull
 * request must not tear down a stack someone is reviewing, and expiry still bounds what it costs.
 * A stack whose update is running is left to that run.
 */
export function sweepVerdict(s: ReviewStack, pr: PullState, now: Date): Verdict {
    if (s.updateInProgress) return { action: "keep", reason: "an update is running on it" };
    if (pr.state === "closed" || pr.state === "merged") return { action: "destroy", reason: `pull request #${s.number} is ${pr.state}` };
    if (expired(s, now)) return { action: "destroy", reason: `expired at ${s.expiresAt!.toISOString()} (last deployed ${s.lastUpdate!.toISOString()})` };
    const until = s.expiresAt ? `until ${s.expiresAt.toISOString()}` : "(no finished deploy yet, so no expiry)";
    if (pr.state === "unknown") return { action: "keep", reason: `pull request #${s.number} unknown (${pr.detail}); kept ${until}` };
    return { action: "keep", reason: `pull request #${s.number} is open; kept ${until}` };
}

export interface SweepEntry { stack: string; verdict: Verdict; result?: Teardown; error?: string }

export interface Deps extends TeardownDeps { github: GitHub }

/** Destroys every stack the rule says goes, one after another; one failure does not stop the others. */
export async function sweep(settings: ReviewSettings, deps: Deps, tagging?: Tagging): Promise<SweepEntry[]> {
    const now = deps.clock.now();
    const entries: SweepEntry[] = [];
    for (const s of reviewStacks(await deps.pulumi.listStacks(), settings)) {
        const verdict = sweepVerdict(s, await deps.github.pullState(s.number), now);
        const entry: SweepEntry = { stack: s.name, verdict };
        entries.push(entry);
        deps.log(`${s.name}: ${verdict.action} (${verdict.reason})`);
        if (verdict.action !== "destroy") continue;
        try {
            entry.result = await teardown(s.name, deps, tagging);
            if (entry.result.left.length) entry.error = `${entry.result.left.length} resource(s) left`;
        } catch (e) {
            entry.error = (e as Error).message;
        }
    }
    return entries;
}

/** The sweep's report, as markdown for the job summary. */
export function sweepReport(entries: SweepEntry[], now: Date): string {
    const lines = [`### Review stack sweep, ${now.toISOString()}`, ""];
    if (entries.length === 0) return lines.concat("No review stack (`pr-<n>`) exists.", "").join("\n");
    const removed = entries.filter((e) => e.verdict.action === "destroy" && !e.error);
    lines.push(`Removed ${removed.length} of ${entries.length} review stack(s).`, "", "| Stack | Action | Why | Resources destroyed |", "|---|---|---|---|");
    for (const e of entries) {
        const action = e.verdict.action === "keep" ? "kept" : e.error ? `**FAILED**: ${e.error}` : "destroyed and removed";
        const count = e.result ? String(e.result.recorded.length) : "";
        lines.push(`| ${e.stack} | ${action} | ${e.verdict.reason} | ${count} |`);
    }
    for (const e of entries.filter((x) => x.result?.left.length)) {
        lines.push("", `Left behind by ${e.stack}:`, ...e.result!.left.map((l) => `- ${l}`));
    }
    return lines.join("\n") + "\n";
}

export type Admission =
    | { admitted: true; reason: string; removed?: string }
    | { admitted: false; reason: string };

/**
 * Whether pull request `n` may deploy its stack. Its own stack, when it exists, is an update and always
 * goes ahead. Below maxStacks a new stack goes ahead. At the limit, the stack of a closed pull request or,
 * failing that, the one that expired first is destroyed to make room. Otherwise the deploy is refused,
 * saying which stacks hold the places and when the first of them expires: refused rather than waiting,
 * because a job waiting up to expiresAfterHours would hold a runner and its credentials that long.
 */
export function admission(n: number, stacks: ReviewStack[], states: Map<number, PullState>, settings: ReviewSettings, now: Date):
    { admitted: true; reason: string; evict?: ReviewStack } | { admitted: false; reason: string } {
    const name = `pr-${n}`;
    if (stacks.some((s) => s.name === name)) return { admitted: true, reason: `${name} exists: this deploy updates it` };
    const live = stacks.filter((s) => s.name !== name);
    if (live.length < settings.maxStacks) return { admitted: true, reason: `${live.length} of ${settings.maxStacks} review stacks are live` };
    const closed = live.filter((s) => !s.updateInProgress && ["closed", "merged"].includes(states.get(s.number)?.state ?? ""));
    const byExpiry = live.filter((s) => expired(s, now)).sort((a, b) => a.expiresAt!.getTime() - b.expiresAt!.getTime());
    const evict = closed.sort((a, b) => (a.lastUpdate?.getTime() ?? 0) - (b.lastUpdate?.getTime() ?? 0))[0] ?? byExpiry[0];
    if (evict) {
        const why = closed.includes(evict) ? `its pull request is ${states.get(evict.number)!.state}` : `it expired at ${evict.expiresAt!.toISOString()}`;
        return { admitted: true, reason: `${live.length} of ${settings.maxStacks} review stacks are live: ${evict.name} goes first (${why})`, evict };
    }
    const next = live.filter((s) => s.expiresAt).sort((a, b) => a.expiresAt!.getTime() - b.expiresAt!.getTime())[0];
    const when = next ? `the first place frees when ${next.name} expires at ${next.expiresAt!.toISOString()}; re-run this job after that` : "no live stack has finished a deploy yet, so none expires; re-run this job once one does";
    return {
        admitted: false,
        reason: `${name} was not deployed: all ${settings.maxStacks} review stacks (ecs-ship:review.maxStacks) are live (${live.map((s) => s.name).join(", ")}), `
            + `and none is expired or belongs to a closed pull request; ${when}, or close a pull request whose review is done.`,
    };
}

/** Runs the admission for pull request `n`, destroying the stack it evicts. */
export async function admit(n: number, settings: ReviewSettings, deps: Deps, tagging?: Tagging): Promise<Admission> {
    const stacks = reviewStacks(await deps.pulumi.listStacks(), settings);
    const states = new Map<number, PullState>();
    // Pull request states are asked for only at the limit, where they decide which stack goes.
    if (!stacks.some((s) => s.number === n) && stacks.length >= settings.maxStacks) {
        for (const s of stacks) states.set(s.number, await deps.github.pullState(s.number));
    }
    const decision = admission(n, stacks, states, settings, deps.clock.now());
    if (!decision.admitted) return decision;
    if (!decision.evict) return { admitted: true, reason: decision.reason };
    deps.log(`admit: ${decision.reason}`);
    const result = await teardown(decision.evict.name, deps, tagging);
    if (result.left.length) throw new Error(`admit: destroying ${decision.evict.name} left ${result.left.length} resource(s):\n${result.left.map((l) => `  - ${l}`).join("\n")}`);
    return { admitted: true, reason: decision.reason, removed: decision.evict.name };
}
