// npm run plan's output across a process boundary: a plan larger than a pipe's buffer arrives whole,
// `--out` writes pure JSON while npm keeps its own banner and errors, and npm is not silenced project-wide.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../tools/planner/planner";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const PLAN = path.join(ROOT, "tools", "plan", "index.ts");

/** A valid stack file with `services` Express services, each with `vars` environment variables of 1,000 characters. */
function largeStackFile(services: number, vars: number): string {
    const lines = ["config:", "  aws:region: us-east-1", "  ecs-ship:github: { repository: acme/shop }", "  ecs-ship:services:"];
    for (let s = 1; s <= services; s++) {
        lines.push(`    svc${s}:`, "      mode: express", "      image: { context: app }", "      environment:");
        for (let v = 1; v <= vars; v++) lines.push(`        VAR_${v}: "${String(v).padStart(1000, "x")}"`);
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-plan-")), "Pulumi.big.yaml");
    fs.writeFileSync(file, lines.join("\n") + "\n");
    return file;
}

describe("plan: output through a pipe", function () {
    this.timeout(180_000);
    let file: string;
    before(() => { file = largeStackFile(6, 200); });

    it("delivers a plan of more than 1 MB whole through a pipe, as JSON that parses", () => {
        // GIVEN a stack whose JSON plan is larger than 1 MB (a pipe buffer holds 64 KiB)
        // WHEN the plan runs in a child process whose stdout is a pipe
        const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", PLAN, "--stack", "big", "--stack-file", file, "--json"], {
            cwd: ROOT, env: { ...process.env, GITHUB_SHA: SHA }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024,
        });
        // THEN it exits 0 and the parent reads every byte: the JSON parses and holds all six services
        assert.equal(r.status, 0, r.stderr);
        assert.ok(Buffer.byteLength(r.stdout) > 1024 * 1024, `plan is only ${Buffer.byteLength(r.stdout)} bytes`);
        const doc = JSON.parse(r.stdout);
        assert.deepEqual(Object.keys(doc.outputs.services).sort(), ["svc1", "svc2", "svc3", "svc4", "svc5", "svc6"]);
        assert.equal(doc.resources.filter((x: { type: string }) => x.type === "aws:ecs/expressGatewayService:ExpressGatewayService").length, 6);
    });

    it("writes the same JSON to --out through npm run, while npm's banner stays on stdout", () => {
        // GIVEN the project's npm configuration (no loglevel=silent)
        const out = path.join(path.dirname(file), "plan.json");
        // WHEN the plan runs as `npm run plan -- --json --out <file>`
        const r = spawnSync("npm", ["run", "plan", "--", "--stack", "big", "--stack-file", file, "--json", "--out", out], {
            cwd: ROOT, env: { ...process.env, GITHUB_SHA: SHA }, encoding: "utf8",
        });
        // THEN the file holds the whole plan and stdout holds only npm's banner
        assert.equal(r.status, 0, r.stderr);
        assert.equal(JSON.parse(fs.readFileSync(out, "utf8")).stack, "big");
        assert.match(r.stdout, /^\n> ecs-ship@[\d.]+ plan\n/);
        assert.doesNotMatch(r.stdout, /"resources"/);
    });

    it("refuses --out without a file name, with exit code 2", () => {
        const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", PLAN, "--stack", "dev", "--out"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(r.status, 2);
        assert.match(r.stderr, /^plan: --out needs a file name, got ""; usage: npm run plan -- \(or npx ecs-ship plan\) \[--stack <name>\] \[--json\] \[--stack-file <path>\] \[--out <file>\] .*\n$/);
    });
});

describe("npm: errors are not silenced", function () {
    this.timeout(120_000);

    it("has no project .npmrc that sets npm's loglevel", () => {
        const npmrc = path.join(ROOT, ".npmrc");
        const text = fs.existsSync(npmrc) ? fs.readFileSync(npmrc, "utf8") : "";
        assert.doesNotMatch(text, /^\s*loglevel\s*=/m);
    });

    it("prints npm's error in .ci/run's output when the lock file is broken", () => {
        // GIVEN a copy of the project's CI entry point and npm settings, with a lock file that is not JSON
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-ci-"));
        fs.mkdirSync(path.join(dir, ".ci"));
        for (const f of [".ci/run", ".ci/node.sh", "package.json"]) {
            if (fs.existsSync(path.join(ROOT, f))) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
        }
        fs.writeFileSync(path.join(dir, "package-lock.json"), '{ "name": "ecs-ship", "lockfileVersion": 3, "packages": {');
        // WHEN CI runs there (without the loglevel an enclosing `npm test` passes down)
        const env = { ...process.env };
        delete env.npm_config_loglevel;
        const r = spawnSync("bash", [path.join(dir, ".ci", "run")], { cwd: dir, encoding: "utf8", env });
        // THEN it fails, and npm's own error is in the output
        assert.notEqual(r.status, 0);
        assert.match(r.stdout + r.stderr, /npm error/);
        assert.match(r.stdout + r.stderr, /package-lock\.json/);
    });
});
