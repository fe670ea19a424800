// The shape of the house, checked from the sources: no import circles, nothing imported up a layer
// (components/ below config/, config/ below the program, the tools and the command above them all),
// and rooms small enough to read. The graph is read with the TypeScript compiler's import scanner
// (test/support/importGraph.ts), so `import type`, `require()` and `import()` count as imports.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT, importCircles, importGraph, resolveImport, tsFiles } from "./support/importGraph";

/**
 * The layer a file belongs to: its top folder; index.ts and lib.ts, the two entries, are their own; any other
 * top-level file (program.ts, and what it composes from) is the program.
 */
const layerOf = (file: string): string => (file.includes("/") ? file.split("/")[0]
    : ["index.ts", "lib.ts"].includes(file) ? file : "program");

/**
 * What each layer may import besides itself. components/ is the bottom: it reads no configuration and runs
 * no tool. config/ turns a stack file into component arguments. The program (program.ts, and any other
 * top-level file it composes from) composes both; lib.ts and index.ts are the package's and this
 * repository's entries. tools/ and cli/ sit on top.
 */
const MAY_IMPORT: Record<string, string[]> = {
    "components": [],
    "config": ["components"],
    "program": ["config", "components"],
    "lib.ts": ["components", "program"],
    "index.ts": ["program"],
    "policy": ["components", "config"],
    "tools": ["components", "config", "program"],
    "cli": ["tools", "components", "config", "program"],
};

/** Benchmarks are not shipped (tsconfig.build.json excludes them) and may borrow the tests' helpers. */
const BENCH_MAY_ALSO_IMPORT = "test/support/";

/** The longest a hand-written source file under components/, config/ or tools/ may be. */
const MAX_LINES = 350;
/**
 * Files allowed past MAX_LINES, each with the reason: only a generated table may be one. None is today (the
 * price table is prices.json and the managed policy copy is JSON, neither a .ts source); name one here, with
 * what generates it, rather than raise MAX_LINES.
 */
const LONG_FILES: Record<string, string> = {};

describe("architecture: the import graph", () => {
    const graph = importGraph();

    it("resolves every relative import of the library, the tools and the command to a file", () => {
        assert.deepEqual(graph.unresolved.map(([file, spec]) => `${file} imports ${spec}`), []);
    });

    it("has no import circle", () => {
        // GIVEN every file the library, the program, the tools and the command hold
        // WHEN the strongly connected parts of their import graph are found
        const circles = importCircles(graph);
        // THEN there is none (each would be shown as one loop through its files)
        assert.deepEqual(circles.map((c) => c.loop.join(" -> ")), []);
    });

    it("imports nothing up a layer: components/ reads no config, tool or program, config/ runs no tool", () => {
        const upward: string[] = [];
        for (const [file, targets] of graph.edges) {
            const from = layerOf(file);
            for (const target of targets) {
                const to = layerOf(target);
                if (to === from || MAY_IMPORT[from]?.includes(to)) continue;
                if (file.startsWith("tools/bench/") && target.startsWith(BENCH_MAY_ALSO_IMPORT)) continue;
                upward.push(`${file} -> ${target}`);
            }
        }
        assert.deepEqual(upward, []);
    });

    it("knows every layer it checks", () => {
        assert.deepEqual([...new Set(graph.files.map(layerOf))].filter((l) => !(l in MAY_IMPORT)), []);
    });

    it("finds a circle and an upward import when there is one (the check itself can fail)", () => {
        // GIVEN a graph with a -> b -> a and a component importing config
        const edges = new Map([["components/a.ts", ["components/b.ts", "config/index.ts"]], ["components/b.ts", ["components/a.ts"]], ["config/index.ts", []]]);
        const circles = importCircles({ files: [...edges.keys()], edges, unresolved: [] });
        // THEN the circle is found with its loop, and the config import is not allowed to components/
        assert.deepEqual(circles.map((c) => c.loop), [["components/a.ts", "components/b.ts", "components/a.ts"]]);
        assert.ok(!MAY_IMPORT.components.includes("config"));
        // AND a relative specifier resolves the way TypeScript resolves it (a folder to its index.ts)
        assert.equal(resolveImport("program.ts", "./config"), "config/index.ts");
    });
});

/** The folders of components/ and tools/ that hold source files: the rooms. */
function rooms(): string[] {
    return [...new Set(["components", "tools"].flatMap((d) => tsFiles(d)).map((f) => f.split("/"))
        .filter((parts) => parts.length > 2).map((parts) => parts.slice(0, 2).join("/")))].sort();
}

/** The room a file is in (components/trust), or its layer for a file outside the rooms (config, program.ts). */
const roomOf = (file: string): string => {
    const parts = file.split("/");
    return ["components", "tools", "test"].includes(parts[0]) && parts.length > 2 ? parts.slice(0, 2).join("/") : layerOf(file);
};

/** What a room's index.ts says it may import: the paths on its "May import:" line ("nothing" for none). */
function mayImport(indexText: string): string[] | undefined {
    const line = /^\/\/ May import: (.*)$/m.exec(indexText);
    if (!line) return undefined;
    return line[1].split(",").map((item) => /^[A-Za-z][\w/.-]*/.exec(item.trim())?.[0].replace(/\.$/, "") ?? "")
        .filter((item) => item !== "" && item !== "nothing");
}

describe("architecture: rooms", () => {
    const graph = importGraph();

    it("keeps every source file of components/ and tools/ in a room, but the package's face components/index.ts", () => {
        const loose = ["components", "tools"].flatMap((d) => tsFiles(d)).filter((f) => f.split("/").length === 2 && f !== "components/index.ts");
        assert.deepEqual(loose, [], "put each into the folder of its concern (or a new one with an index.ts)");
    });

    it("opens every room with an index.ts that says what lives there and what it may import", () => {
        const missing = rooms().filter((room) => {
            const file = path.join(ROOT, room, "index.ts");
            if (!fs.existsSync(file)) return true;
            const text = fs.readFileSync(file, "utf8");
            return !text.startsWith("//") || mayImport(text) === undefined;
        });
        assert.deepEqual(missing, []);
    });

    it("imports across rooms only what each room's index.ts allows", () => {
        // GIVEN each room's "May import:" line
        const allowed = new Map(rooms().map((room) => [room, mayImport(fs.readFileSync(path.join(ROOT, room, "index.ts"), "utf8")) ?? []]));
        // WHEN every import out of a room is compared with it
        const outside: string[] = [];
        for (const [file, targets] of graph.edges) {
            const room = roomOf(file);
            if (!allowed.has(room)) continue;
            for (const target of targets) {
                if (roomOf(target) === room) continue;
                if (!allowed.get(room)!.some((a) => target === a || target.startsWith(`${a}/`))) outside.push(`${file} -> ${target}`);
            }
        }
        // THEN none goes where its room does not say it may
        assert.deepEqual(outside, [], "import through an allowed room, or change the room's May import line if the design changed");
    });

    it("has no circle between rooms", () => {
        const edges = new Map<string, string[]>();
        for (const [file, targets] of graph.edges) {
            const from = roomOf(file);
            if (file === "components/index.ts") continue;
            const list = edges.get(from) ?? [];
            for (const t of targets) if (roomOf(t) !== from && !list.includes(roomOf(t))) list.push(roomOf(t));
            edges.set(from, list);
        }
        for (const list of edges.values()) for (const t of list) if (!edges.has(t)) edges.set(t, []);
        assert.deepEqual(importCircles({ files: [...edges.keys()].sort(), edges, unresolved: [] }).map((c) => c.loop.join(" -> ")), []);
    });

    it("is drawn in docs/architecture.md and the README: one line per room, in the layout tree", () => {
        // GIVEN the two pages' layout trees  THEN each has a line "  <room>/" for every room, and no other
        for (const page of ["docs/architecture.md", "README.md"]) {
            const text = fs.readFileSync(path.join(ROOT, page), "utf8");
            const tree = /## Layout\n[\s\S]*?```\n([\s\S]*?)```/.exec(text)?.[1] ?? "";
            let top = "";
            const drawn: string[] = [];
            for (const line of tree.split("\n")) {
                const m = /^( *)([A-Za-z.][\w.-]*)\/ /.exec(line);
                if (!m) continue;
                if (m[1] === "") top = m[2];
                else drawn.push(`${top}/${m[2]}`);
            }
            const drawnRooms = drawn.filter((d) => d.startsWith("components/") || d.startsWith("tools/"));
            const rooms_ = rooms();
            assert.deepEqual(rooms_.filter((r) => !drawnRooms.includes(r)), [], `${page}: rooms missing from the layout tree`);
            assert.deepEqual(drawnRooms.filter((d) => !rooms_.includes(d) && !fs.existsSync(path.join(ROOT, d))), [], `${page}: the tree draws folders that do not exist`);
        }
    });

    it("reads a room's May import line", () => {
        assert.deepEqual(mayImport("// x\n// May import: components/service, components/fargate (why).\n"), ["components/service", "components/fargate"]);
        assert.deepEqual(mayImport("// May import: tools/project, config.\n"), ["tools/project", "config"]);
        assert.deepEqual(mayImport("// May import: nothing else in the repository.\n"), []);
        assert.equal(mayImport("// no line\n"), undefined);
    });

    it(`keeps every source file under components/, config/ and tools/ within ${MAX_LINES} lines, but the named exceptions`, () => {
        const long = ["components", "config", "tools"].flatMap((d) => tsFiles(d))
            .map((f) => ({ f, lines: fs.readFileSync(path.join(ROOT, f), "utf8").split("\n").length - 1 }))
            .filter(({ f, lines }) => lines > MAX_LINES && !(f in LONG_FILES))
            .map(({ f, lines }) => `${f}: ${lines} lines`);
        assert.deepEqual(long, []);
    });

    it("names only exceptions that exist and are still long", () => {
        const stale = Object.keys(LONG_FILES).filter((f) => !fs.existsSync(path.join(ROOT, f))
            || fs.readFileSync(path.join(ROOT, f), "utf8").split("\n").length - 1 <= MAX_LINES);
        assert.deepEqual(stale, []);
    });
});
