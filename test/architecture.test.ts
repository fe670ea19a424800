// The shape of the house, checked from the sources: no import circles, nothing imported up a layer
// (components/ below config/, config/ below the program, the tools and the command above them all),
// and rooms small enough to read. The graph is read with the TypeScript compiler's import scanner
// (test/support/importGraph.ts), so `import type`, `require()` and `import()` count as imports.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT, importCircles, importGraph, resolveImport, tsFiles } from "./support/importGraph";

/** The layer a file belongs to: its top folder, or the top-level file itself. */
const layerOf = (file: string): string => (file.includes("/") ? file.split("/")[0] : file);

/**
 * What each layer may import besides itself. components/ is the bottom: it reads no configuration and runs
 * no tool. config/ turns a stack file into component arguments. program.ts composes both; lib.ts and
 * index.ts are the package's and this repository's entries. tools/ and cli/ sit on top.
 */
const MAY_IMPORT: Record<string, string[]> = {
    "components": [],
    "config": ["components"],
    "program.ts": ["config", "components"],
    "lib.ts": ["components", "program.ts"],
    "index.ts": ["program.ts"],
    "policy": ["components", "config"],
    "tools": ["components", "config", "program.ts"],
    "cli": ["tools", "components", "config", "program.ts"],
};

/** Benchmarks are not shipped (tsconfig.build.json excludes them) and may borrow the tests' helpers. */
const BENCH_MAY_ALSO_IMPORT = "test/support/";

/** The longest a hand-written source file under components/, config/ or tools/ may be. */
const MAX_LINES = 350;
/** Files allowed past MAX_LINES, each a generated table or a room still to be split, with the reason. */
const LONG_FILES: Record<string, string> = {
    "components/trust/iamCalls.ts": "to be split per service family",
    "components/trust/stackPolicies.ts": "to be split",
    "components/service/serviceArgs.ts": "to be split",
    "components/fargate/fargateService.ts": "to be split",
    "tools/planner/mockCloud.ts": "to be split",
};

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

describe("architecture: rooms", () => {
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
