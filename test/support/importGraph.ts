// The repository's own import graph, read from its sources with the TypeScript compiler's import scanner
// (static imports and exports, `import type`, `require()` and `import()` with a literal path): which file
// of the library imports which, for test/architecture.test.ts. Only relative paths are followed; packages
// from node_modules are not part of the house.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export const ROOT = path.resolve(__dirname, "../..");

/** Source folders of the library and its tools (tests, examples and the app are outside the graph). */
export const LAYERS = ["components", "config", "tools", "cli", "policy"] as const;
/** The top-level .ts files: the entries (index.ts, lib.ts) and the program. */
export function topFiles(): string[] {
    return fs.readdirSync(ROOT).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).sort();
}

/** Every .ts file under `dir` (relative to the root), recursively, as root-relative posix paths. */
export function tsFiles(dir: string): string[] {
    const abs = path.join(ROOT, dir);
    if (!fs.existsSync(abs)) return [];
    const out: string[] = [];
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
        const rel = path.posix.join(dir, entry.name);
        if (entry.isDirectory()) { if (entry.name !== "node_modules") out.push(...tsFiles(rel)); }
        else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(rel);
    }
    return out.sort();
}

/** The file a relative specifier names from `from`, as TypeScript's node resolution finds it, or undefined. */
export function resolveImport(from: string, specifier: string): string | undefined {
    if (!specifier.startsWith(".")) return undefined;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    for (const candidate of [base, `${base}.ts`, `${base}.json`, `${base}/index.ts`]) {
        const abs = path.join(ROOT, candidate);
        if (fs.existsSync(abs) && fs.statSync(abs).isFile()) return candidate;
    }
    return undefined;
}

/** The relative specifiers a file imports (including `import type`, `require()` and `import()`). */
export function specifiersOf(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const info = ts.preProcessFile(text, true, true);
    return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith("."));
}

export interface ImportGraph { files: string[]; edges: Map<string, string[]>; unresolved: Array<[string, string]> }

/** The graph over every library source file: components/, config/, tools/, cli/, policy/ and the top files. */
export function importGraph(): ImportGraph {
    const files = [...LAYERS.flatMap((d) => tsFiles(d)), ...topFiles()];
    const edges = new Map<string, string[]>();
    const unresolved: Array<[string, string]> = [];
    for (const file of files) {
        const targets: string[] = [];
        for (const s of specifiersOf(file)) {
            const target = resolveImport(file, s);
            if (target === undefined) unresolved.push([file, s]);
            else if (target.endsWith(".ts") && !targets.includes(target)) targets.push(target);
        }
        edges.set(file, targets);
    }
    return { files, edges, unresolved };
}

/**
 * The import circles: each strongly connected component of more than one file (Tarjan's algorithm), or a
 * file that imports itself, given as its files sorted, with one concrete loop through them for the message.
 */
export function importCircles(graph: ImportGraph): Array<{ files: string[]; loop: string[] }> {
    const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
    const stack: string[] = [], components: string[][] = [];
    let next = 0;
    const visit = (v: string): void => {
        index.set(v, next); low.set(v, next); next++;
        stack.push(v); onStack.add(v);
        for (const w of graph.edges.get(v) ?? []) {
            if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
            else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        if (low.get(v) === index.get(v)) {
            const component: string[] = [];
            let w: string;
            do { w = stack.pop()!; onStack.delete(w); component.push(w); } while (w !== v);
            if (component.length > 1 || (graph.edges.get(v) ?? []).includes(v)) components.push(component.sort());
        }
    };
    for (const f of graph.files) if (!index.has(f)) visit(f);
    return components.map((files) => ({ files, loop: loopThrough(graph, files) }));
}

/** A shortest path from the first file of a circle back to itself, inside the circle. */
function loopThrough(graph: ImportGraph, files: string[]): string[] {
    const inside = new Set(files), start = files[0];
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
        const v = queue.shift()!;
        for (const w of graph.edges.get(v) ?? []) {
            if (!inside.has(w)) continue;
            if (w === start) {
                const path = [v];
                while (path[0] !== start) path.unshift(previous.get(path[0])!);
                return [...path, start];
            }
            if (!previous.has(w)) { previous.set(w, v); queue.push(w); }
        }
    }
    return files;
}
