// A config change planned through the real program twice (before and after, the second run against
// the first run's account), and what the two runs say about resources that AWS relates by value:
// which load balancer a target group serves, which listener priority a rule holds.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { Plan, ROOT, plan } from "../../tools/planner/planner";
import { RecordedResource } from "../../tools/planner/mockCloud";
import { ResourceChange, compareRuns } from "../../tools/planner/replacements";

const SHA = "4f2a9c1e0b7d3a5c9e1f2b4d6a8c0e2f4b6d8a0c";
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-change-"));

/** A stack file's `config` block, edited in place. */
export type ConfigEdit = (config: Record<string, any>) => void;

/** A copy of Pulumi.<stack>.yaml with its `config` block edited. */
export function stackFile(stack: string, label: string, edit: ConfigEdit): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
    edit(doc.config);
    const file = path.join(TMP, `Pulumi.${stack}.${label}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}

export interface PlannedChange {
    before: Plan;
    after: Plan;
    changes: ResourceChange[];
}

/** Plans the stack as `setup` leaves it, then with `edit` applied on top, against the first run's account. */
export async function planChange(stack: string, label: string, setup: ConfigEdit, edit: ConfigEdit): Promise<PlannedChange> {
    const before = await plan(stack, { env: { GITHUB_SHA: SHA }, stackFile: stackFile(stack, `${label}-before`, setup) });
    const after = await plan(stack, {
        env: { GITHUB_SHA: SHA },
        world: before.world,
        stackFile: stackFile(stack, `${label}-after`, (c) => { setup(c); edit(c); }),
    });
    return { before, after, changes: compareRuns(before.resources, after.resources) };
}

const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const LISTENER = "aws:lb/listener:Listener";
const RULE = "aws:lb/listenerRule:ListenerRule";

const byArn = (rs: RecordedResource[], type: string) => new Map(rs.filter((r) => r.type === type && r.state.arn).map((r) => [String(r.state.arn), r]));
const forwards = (actions: any[] | undefined): string[] => (actions ?? []).filter((a) => a.type === "forward" && a.targetGroupArn).map((a) => String(a.targetGroupArn));

/** The load balancers (by ARN) whose listeners or rules forward to each target group (by URN). */
export function loadBalancersOfTargetGroups(rs: RecordedResource[]): Map<string, Set<string>> {
    const groups = byArn(rs, TARGET_GROUP);
    const listeners = byArn(rs, LISTENER);
    const out = new Map<string, Set<string>>();
    const add = (tgArn: string, lb: string | undefined) => {
        const tg = groups.get(tgArn);
        if (!tg || !lb) return;
        if (!out.has(tg.urn)) out.set(tg.urn, new Set());
        out.get(tg.urn)!.add(lb);
    };
    for (const l of listeners.values()) for (const tg of forwards(l.inputs.defaultActions)) add(tg, l.inputs.loadBalancerArn);
    for (const r of rs.filter((x) => x.type === RULE)) {
        for (const tg of forwards(r.inputs.actions)) add(tg, listeners.get(String(r.inputs.listenerArn))?.inputs.loadBalancerArn);
    }
    return out;
}

/**
 * Target groups that keep their identity (URN) across the change but serve another load balancer
 * after it: the engine would attach them to the new load balancer while the old one still uses them.
 */
export function targetGroupsMoved(before: RecordedResource[], after: RecordedResource[]): string[] {
    const was = loadBalancersOfTargetGroups(before);
    const now = loadBalancersOfTargetGroups(after);
    return [...now].filter(([urn, lbs]) => was.has(urn) && [...lbs].some((lb) => !was.get(urn)!.has(lb)))
        .map(([urn]) => urn.split("::").pop()!);
}

/** `<listener URN> <priority>` of every rule, by the rule's URN. */
function priorityHeld(rs: RecordedResource[]): Map<string, string> {
    const listeners = byArn(rs, LISTENER);
    return new Map(rs.filter((r) => r.type === RULE).map((r) => [r.urn, `${listeners.get(String(r.inputs.listenerArn))?.urn ?? r.inputs.listenerArn} ${r.inputs.priority}`]));
}

/**
 * Rules that, after the change, hold a listener priority another rule held before it: created or
 * moved there while the old holder still has it (it is deleted or moved only later, or in parallel).
 */
export function prioritiesTaken(before: RecordedResource[], after: RecordedResource[]): string[] {
    const was = priorityHeld(before);
    const out: string[] = [];
    for (const [urn, key] of priorityHeld(after)) {
        const holder = [...was].find(([u, k]) => k === key && u !== urn);
        if (holder && was.get(urn) !== key) out.push(`${urn.split("::").pop()} takes priority ${key.split(" ").pop()} from ${holder[0].split("::").pop()}`);
    }
    return out;
}
