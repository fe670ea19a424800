// The GitHub workflows an app's repository runs, rendered from the ones this package ships (this
// repository's own .github/workflows), and `npx ecs-ship upgrade`, which rewrites them for the installed
// version and prints what changed.
//
// Why an upgrade command and not reusable workflows: the workflows run this package's commands
// (`npx ecs-ship environments|verify|rollback|plan`) from the app's own node_modules, so the version
// that plans and deploys and the version of the workflow that calls it are one version, pinned by the
// app's package-lock.json and bumped in one pull request, whose diff shows every workflow line that
// changed. A reusable workflow would be pinned a second time (`uses: …@v0.2.0`), could drift from the
// npm version, needs the app's organization to allow actions from outside it, and hides its steps
// from the app's own review.
import * as fs from "fs";
import * as path from "path";
import { deployWorkflow } from "../tools/workflows/deployWorkflow";
import { loadEnvironments } from "../tools/project/environments";
import { packageManifest, packageRoot } from "./packageInfo";

export const WORKFLOW_FILES = ["deploy.yml", "destroy.yml", "preview.yml", "rollback.yml", "review.yml", "review-sweep.yml"];

/** Where this repository's workflows run its tools from source, and what an app's repository runs instead. */
const REWRITES: Array<[RegExp, string]> = [
    [/node --require ts-node\/register\/transpile-only tools\/(?:project|operate)\/(environments|rollback|promote)\.ts/g, "npx ecs-ship $1"],
    [/node --require ts-node\/register\/transpile-only tools\/workflows\/githubChecks\.ts/g, "npx ecs-ship github-checks"],
    // deploy.yml is made from the app's .github/environments.json by `upgrade`, which also checks it.
    [/node --require ts-node\/register\/transpile-only tools\/workflows\/deployWorkflow\.ts --check/g, "npx ecs-ship upgrade --check"],
    [/npm run -s workflows:generate/g, "npx ecs-ship upgrade"],
    [/npm run -s plan --/g, "npx ecs-ship plan"],
    // Review environments (docs/review-environments.md): off, with a notice, until the app adds Pulumi.review.yaml.
    [/npm run -s review --/g, "npx ecs-ship review"],
    [/npm run verify --/g, "npx ecs-ship verify"],
    [/npm run verify\b/g, "npx ecs-ship verify"],
    [/npm run first-deploy/g, "npx ecs-ship first-deploy"],
    // The policy pack is published with the package; an app has no policy/ folder of its own.
    [/^( *)policyPacks: policy$/gm, "$1policyPacks: node_modules/ecs-ship/dist/policy"],
    [/^ *if \[ -f policy\/package-lock\.json \]; then npm ci --no-audit --no-fund --prefix policy; fi\n/gm, ""],
];

/** What must not be left in an app's workflow, outside comments (which may name the package's sources): a path into this repository's checkout. */
const LEFTOVER = /^(?!\s*#).*(tools\/|npm run |policyPacks: policy$|--prefix policy)/m;

export function header(version: string): string {
    return `# Written by ecs-ship ${version} (npx ecs-ship init). \`npx ecs-ship upgrade\` rewrites it for the installed version.\n`;
}

/** One workflow as an app's repository runs it, from the package's own file of that name. */
export function renderWorkflow(source: string, version: string): string {
    let text = source;
    for (const [pattern, replacement] of REWRITES) text = text.replace(pattern, replacement);
    const left = LEFTOVER.exec(text);
    if (left) throw new Error(`ecs-ship: a shipped workflow still refers to this repository (${JSON.stringify(left[1])}); extend REWRITES in cli/workflows.ts`);
    return header(version) + text;
}

/**
 * Every workflow this version writes for the repository at `repoRoot`, by file name: deploy.yml made from
 * its .github/environments.json (a job per stack, tools/workflows/deployWorkflow.ts), the others as shipped.
 */
export function currentWorkflows(repoRoot: string): Record<string, string> {
    const dir = path.join(packageRoot(), ".github", "workflows");
    const { version } = packageManifest();
    return Object.fromEntries(WORKFLOW_FILES.map((f) => {
        const source = f === "deploy.yml" ? deployWorkflow(loadEnvironments(repoRoot)) : fs.readFileSync(path.join(dir, f), "utf8");
        return [f, renderWorkflow(source, version)];
    }));
}

/** A unified diff of two texts (whole-line, longest common subsequence), with three lines of context. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string): string {
    const a = oldText === "" ? [] : oldText.replace(/\n$/, "").split("\n");
    const b = newText.replace(/\n$/, "").split("\n");
    const n = a.length, m = b.length;
    const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    const ops: Array<{ op: " " | "-" | "+"; line: string; ai: number; bi: number }> = [];
    let i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] === b[j]) { ops.push({ op: " ", line: a[i], ai: i++, bi: j++ }); }
        else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) { ops.push({ op: "-", line: a[i], ai: i++, bi: j }); }
        else { ops.push({ op: "+", line: b[j], ai: i, bi: j++ }); }
    }
    const out = [`--- ${oldName}`, `+++ ${newName}`];
    const changed = ops.map((o, k) => (o.op !== " " ? k : -1)).filter((k) => k >= 0);
    if (changed.length === 0) return "";
    let k = 0;
    while (k < changed.length) {
        const start = Math.max(changed[k] - 3, 0);
        let end = changed[k];
        while (k < changed.length && changed[k] <= end + 7) end = changed[k++];
        const stop = Math.min(end + 3, ops.length - 1);
        const hunk = ops.slice(start, stop + 1);
        const aLen = hunk.filter((o) => o.op !== "+").length, bLen = hunk.filter((o) => o.op !== "-").length;
        out.push(`@@ -${hunk[0].ai + (aLen ? 1 : 0)},${aLen} +${hunk[0].bi + (bLen ? 1 : 0)},${bLen} @@`);
        for (const o of hunk) out.push(`${o.op}${o.line}`);
    }
    return out.join("\n") + "\n";
}

export interface UpgradeResult { changed: string[]; diff: string }

/**
 * Rewrites the repository's workflows to this version's, and returns what changed as a unified diff.
 * With `check`, writes nothing: the diff says what an upgrade would change.
 */
export function upgradeWorkflows(repoRoot: string, check = false): UpgradeResult {
    const dir = path.join(repoRoot, ".github", "workflows");
    const changed: string[] = [];
    let diff = "";
    for (const [file, text] of Object.entries(currentWorkflows(repoRoot))) {
        const target = path.join(dir, file);
        const before = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
        if (before === text) continue;
        const name = `.github/workflows/${file}`;
        diff += unifiedDiff(before, text, before === "" ? "/dev/null" : `a/${name}`, `b/${name}`);
        changed.push(name);
        if (!check) {
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(target, text);
        }
    }
    return { changed, diff };
}
