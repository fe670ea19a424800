// npm run bench [-- --only <section>]
//
// Speed and cost figures, measured rather than asserted in tests (machines are noisy).
// Each section lives in tools/bench/<section>.ts, exports `run()`, and prints its own
// method before its numbers.
// tools/bench: this runner and its sections. Not published (tsconfig.build.json leaves it out).
// May import: tools/planner, tools/simulate, components, test/support.
import * as fs from "fs";
import * as path from "path";

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const only = args[args.indexOf("--only") + 1];
    const dir = __dirname;
    const sections = fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "index.ts").map((f) => f.replace(/\.ts$/, "")).sort();
    if (args.includes("--only") && !sections.includes(only)) {
        throw new Error(`--only: must be one of ${sections.join(", ")}, got ${JSON.stringify(only)}`);
    }
    for (const name of sections) {
        if (only && name !== only) continue;
        process.stdout.write(`\n== ${name} ==\n`);
        const mod = require(path.join(dir, name));
        await mod.run();
    }
}

main().catch((e) => {
    process.stderr.write(`bench failed: ${e?.message ?? e}\n`);
    process.exit(1);
});
