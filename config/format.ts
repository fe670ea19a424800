// Schema issues → the problems a user reads: `<full key>: <what is allowed>, got <what was given>`,
// in the order the keys appear in the schema, so a stack file is fixed top to bottom.
import { z } from "zod";
import { show } from "./rules";

type Path = readonly PropertyKey[];

/** `ecs-ship:services.web.scaling.min`, `ecs-ship:github.deployBranches[0]`, `aws:region`. */
export function fullKey(path: Path): string {
    if (path.length === 0) return "ecs-ship";
    const [head, ...rest] = path;
    let key = head === "region" ? "aws:region" : `ecs-ship:${String(head)}`;
    for (const p of rest) key += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
    return key;
}

/** One problem per issue (per key, for unknown keys). */
export function problemsOf(issues: readonly z.core.$ZodIssue[], root: z.ZodType): string[] {
    const ranked = issues.flatMap((issue) => describe(issue).map((text, i) => ({ text, rank: rankOf(root, issue.path), i, path: issue.path })));
    return ranked
        .map((r, order) => ({ ...r, order }))
        .sort((a, b) => compareRanks(a.rank, b.rank) || a.order - b.order)
        .map((r) => r.text);
}

function describe(issue: z.core.$ZodIssue): string[] {
    const key = fullKey(issue.path);
    if (issue.code === "unrecognized_keys") {
        const allowed = issue.message.replace(/^allowed keys are /, "").split(", ");
        return issue.keys.map((k) => {
            const near = closest(k, allowed);
            return `${fullKey([...issue.path, k])}: unknown key; ${near ? `did you mean ${near}? ` : ""}${issue.message}`;
        });
    }
    const message = issue.message
        .replace("{parent}", fullKey(issue.path.slice(0, -1)))
        .replace("{service}", fullKey(issue.path.slice(0, -2)));
    if ((issue as { params?: { complete?: boolean } }).params?.complete) return [`${key}: ${message}`];
    return [`${key}: ${message}, got ${show(issue.input)}`];
}

/**
 * Where a path sits in the schema: for each segment, the index of the key in its object's shape
 * (unknown keys last); map keys in alphabetical order (services are created in that order); list
 * indexes in order.
 */
function rankOf(root: z.ZodType, path: Path): (number | string)[] {
    const rank: (number | string)[] = [];
    let node: z.ZodType | undefined = root;
    for (const segment of path) {
        const def: any = node ? unwrap(node)._zod.def : undefined;
        if (def?.type === "object") {
            const keys = Object.keys(def.shape);
            const i = keys.indexOf(String(segment));
            rank.push(i < 0 ? keys.length : i);
            node = i < 0 ? undefined : def.shape[String(segment)];
        } else if (def?.type === "record") {
            rank.push(String(segment));
            node = def.valueType;
        } else if (def?.type === "array") {
            rank.push(typeof segment === "number" ? segment : 0);
            node = def.element;
        } else {
            rank.push(0);
            node = undefined;
        }
    }
    return rank;
}

function unwrap(node: z.ZodType): z.ZodType {
    let n: any = node;
    while (n._zod.def.innerType) n = n._zod.def.innerType;
    return n;
}

function compareRanks(a: (number | string)[], b: (number | string)[]): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (a[i] === b[i]) continue;
        if (typeof a[i] === "number" && typeof b[i] === "number") return (a[i] as number) - (b[i] as number);
        return String(a[i]) < String(b[i]) ? -1 : 1;
    }
    return a.length - b.length;
}

/** The allowed key a mistyped one most likely meant: same letters in another case, or one or two edits away. */
function closest(key: string, allowed: string[]): string | undefined {
    const lower = key.toLowerCase();
    return allowed.find((a) => a.toLowerCase() === lower) ?? allowed.find((a) => distance(a.toLowerCase(), lower) <= 2);
}

/** Levenshtein distance: how many single-character edits turn one string into the other. */
export function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const cur = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = cur;
        }
    }
    return row[b.length];
}
