// What each GitHub workflow does, read from its parsed YAML, and its scripts run for real where they
// decide something (the cost comment, the deploy report). The rules all workflows share, and actionlint,
// are in workflows.test.ts.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadEnvironments } from "../tools/project/environments";
import { deployWorkflow } from "../tools/workflows/deployWorkflow";
import { BINFMT_IMAGE, PULUMI_CLI_VERSION } from "../tools/workflows/workflowParts";
import { ROOT, Job, index, isCredentials, isPulumi, load, needs, text } from "./support/workflows";

/** Runs a step's script under bash as the runner does (-eo pipefail), with fake tools first on PATH. */
function runStep(script: string, env: Record<string, string>, tools: Record<string, string>) {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-bin-"));
    for (const [name, body] of Object.entries(tools)) fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-runner-"));
    const summary = path.join(temp, "summary.md");
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
        cwd: ROOT, encoding: "utf8",
        env: { PATH: `${bin}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`, RUNNER_TEMP: temp, GITHUB_STEP_SUMMARY: summary, ...env },
    });
    return { ...r, bin, temp, summary: fs.existsSync(summary) ? fs.readFileSync(summary, "utf8") : "" };
}

describe("workflows: the Pulumi CLI", () => {
    it("is pinned to the @pulumi/pulumi version installed, everywhere pulumi/actions runs", () => {
        const installed = (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
        assert.strictEqual(PULUMI_CLI_VERSION, installed);
        for (const file of ["deploy.yml", "preview.yml", "rollback.yml", "destroy.yml", "review.yml", "review-sweep.yml"]) {
            const versions = Object.values(load(file).jobs).flatMap((j) => j.steps.filter(isPulumi).map((s) => s.with?.["pulumi-version"]));
            assert.ok(versions.length > 0 && versions.every((v) => v === installed), `${file}: ${versions.join(", ")}`);
        }
    });
});

describe("workflows: deploy on push to main (generated from the environments file)", () => {
    const wf = load("deploy.yml");
    const job = wf.jobs["deploy-dev"];

    it("is exactly what tools/workflows/deployWorkflow.ts writes for .github/environments.json, and its first job checks that", () => {
        assert.strictEqual(text("deploy.yml"), deployWorkflow(loadEnvironments(ROOT)));
        assert.strictEqual(wf.jobs.environments.steps.at(-1)?.run, "node --require ts-node/register/transpile-only tools/workflows/deployWorkflow.ts --check");
        const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools/workflows/deployWorkflow.ts"), "--check"], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stdout);
    }).timeout(60_000);

    it("runs on pushes to main, dev then prod, prod inside production after its approval check", () => {
        assert.deepStrictEqual(wf.on, { push: { branches: ["main"] } });
        assert.deepStrictEqual(needs(wf.jobs["deploy-prod"]), ["environments", "deploy-dev", "approval-prod"]);
        assert.deepStrictEqual([job.environment, wf.jobs["deploy-prod"].environment], [undefined, "production"]);
    });

    it("sets GITHUB_SHA, the image tag's source", () => {
        assert.strictEqual(job.env?.GITHUB_SHA, "${{ github.sha }}");
    });

    it("registers QEMU for arm64 from a binfmt image pinned by digest, before pulumi up", () => {
        const qemu = index(job, (s) => s.uses?.startsWith("docker/setup-qemu-action@") ?? false);
        assert.ok(qemu >= 0 && qemu < index(job, isPulumi));
        assert.deepStrictEqual(job.steps[qemu].with, { platforms: "arm64", image: BINFMT_IMAGE });
        assert.match(BINFMT_IMAGE, /^docker\.io\/tonistiigi\/binfmt:qemu-v[\d.]+@sha256:[0-9a-f]{64}$/);
        assert.strictEqual(job.steps.some((s) => s.uses?.startsWith("docker/setup-buildx-action@")), false);
    });

    it("records the time just before pulumi up and hands it to the gate, with the commit", () => {
        const record = index(job, (s) => /DEPLOY_STARTED_AT=/.test(s.run ?? ""));
        const verify = index(job, (s) => /npm run verify/.test(s.run ?? ""));
        assert.deepStrictEqual([record + 1, verify - 1], [index(job, isPulumi), index(job, isPulumi)]);
        assert.strictEqual(job.steps[verify].run?.trim(), 'pulumi stack output --json --stack "$STACK" | npm run verify -- --stack "$STACK" --since "$DEPLOY_STARTED_AT" --sha "$GITHUB_SHA"');
    });

    it("runs pulumi up with the policy pack, under bash with pipefail", () => {
        assert.strictEqual(job.steps.find(isPulumi)?.with?.policyPacks, "policy");
        // GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}` (GitHub docs, "Workflow syntax", jobs.<job_id>.steps[*].shell).
        assert.deepStrictEqual(wf.defaults, { run: { shell: "bash" } });
    });

    it("reports each stack this commit did not reach as a warning, whatever happened before it", () => {
        const report = wf.jobs.report;
        assert.deepStrictEqual([report.if, needs(report), report.permissions], ["${{ always() }}", ["deploy-dev", "deploy-prod"], {}]);
        const needsJson = JSON.stringify({ "deploy-dev": { result: "cancelled", outputs: {} }, "deploy-prod": { result: "skipped", outputs: {} } });
        const r = runStep(report.steps[0].run!, { RESULTS: needsJson, GITHUB_SHA: "4f2a9c1" }, {});
        assert.strictEqual(r.status, 0, r.stderr);
        assert.deepStrictEqual(r.stdout.trim().split("\n").map((l) => l.split("::")[1]), ["warning title=not deployed", "warning title=not deployed"]);
        assert.match(r.stdout, /dev did not deploy 4f2a9c1 \(cancelled\)/);
        assert.strictEqual(r.summary, "- dev: NOT deployed (cancelled)\n- prod: NOT deployed (skipped)\n");
    });
});

describe("workflows: approval check before any up of a stack with approval", () => {
    const checks: [string, Job, Job][] = [
        ["deploy.yml", load("deploy.yml").jobs["approval-prod"], load("deploy.yml").jobs["deploy-prod"]],
        ["rollback.yml", load("rollback.yml").jobs.approval, load("rollback.yml").jobs.rollback],
        ["destroy.yml", load("destroy.yml").jobs.approval, load("destroy.yml").jobs.destroy],
    ];
    for (const [file, approval, guarded] of checks) {
        it(`${file}: runs tools/workflows/githubChecks.ts in its own job, with only contents: read and actions: read, and the up job needs it`, () => {
            assert.deepStrictEqual(approval.permissions, { contents: "read", actions: "read" });
            assert.strictEqual(approval.environment, undefined, "the check must not name (and so create) the environment");
            const step = approval.steps.at(-1)!;
            assert.match(step.run ?? "", /^node --require ts-node\/register\/transpile-only tools\/workflows\/githubChecks\.ts approval --stack ("\$STACK"|prod)$/);
            assert.strictEqual(step.env?.GH_TOKEN, "${{ github.token }}");
            assert.ok(needs(guarded).includes(file === "deploy.yml" ? "approval-prod" : "approval"));
        });
    }
    it("deploy.yml: no approval job for a stack without approval", () => {
        assert.deepStrictEqual(Object.keys(load("deploy.yml").jobs).filter((j) => j.startsWith("approval-")), ["approval-prod"]);
    });
});

describe("workflows: preview on pull requests", () => {
    const wf = load("preview.yml");
    const job = wf.jobs.preview;
    const FORK = "github.event.pull_request.head.repo.full_name";

    it("grants the preview job only contents: read, id-token: write and pull-requests: write, in no GitHub environment", () => {
        assert.deepStrictEqual(job.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
        assert.deepStrictEqual([job.strategy?.["fail-fast"], job.environment], [false, undefined]);
    });

    it("guards against forks, tells them why, and skips when no stack has a preview role", () => {
        assert.strictEqual(wf.jobs.environments.if, `${FORK} == github.repository`);
        assert.strictEqual(job.if, `${FORK} == github.repository && needs.environments.outputs.count != '0'`);
        assert.strictEqual(wf.jobs["fork-notice"].if, `${FORK} != github.repository`);
        assert.match(wf.jobs.environments.steps.find((s) => s.id === "list")?.run ?? "", /tools\/project\/environments\.ts --previewable\)"\n.*\necho "count=\$\(jq length <<< "\$matrix"\)" >> "\$GITHUB_OUTPUT"\n$/);
    });

    it("gives each pull request and stack its own group, where a newer preview cancels the older one", () => {
        assert.deepStrictEqual(job.concurrency, { group: "ecs-ship-preview-${{ github.event.pull_request.number }}-${{ matrix.stack }}", "cancel-in-progress": true });
    });

    it("runs pulumi preview with the policy pack, a PR comment and the step summary, then the cost estimate", () => {
        const step = job.steps.find(isPulumi)!;
        assert.deepStrictEqual([step.with?.command, step.with?.["stack-name"], step.with?.policyPacks, step.with?.["comment-on-pr"]], ["preview", "${{ matrix.stack }}", "policy", true]);
        const cost = index(job, (s) => s.name === "Monthly cost estimate");
        assert.ok(index(job, isCredentials) < index(job, isPulumi) && index(job, isPulumi) < cost);
        assert.strictEqual(job.steps[cost].if, "${{ !cancelled() }}");
    });
});

describe("workflows: the cost estimate after the preview", () => {
    const step = load("preview.yml").jobs.preview.steps.find((s) => s.name === "Monthly cost estimate")!;
    const env = { STACK: "dev", REPO: "acme/shop", PR: "7", GH_TOKEN: "t" };
    const npmWrites = (body: string) => `for a in "$@"; do if [ "$prev" = --out ]; then printf '%s' "${body}" > "$a"; fi; prev="$a"; done`;

    it("gets only the token and values it uses", () => {
        assert.deepStrictEqual(step.env, { STACK: "${{ matrix.stack }}", GH_TOKEN: "${{ github.token }}", REPO: "${{ github.repository }}", PR: "${{ github.event.pull_request.number }}" });
    });

    it("posts one comment per stack, found again by its marker, and writes the estimate to the summary", () => {
        const r = runStep(step.run!, env, { npm: npmWrites("### Monthly cost estimate"), gh: 'echo "$*" >> "$RUNNER_TEMP/gh.log"; if [ "$3" != --method ]; then echo 42; fi' });
        assert.strictEqual(r.status, 0, r.stderr + r.stdout);
        const calls = fs.readFileSync(path.join(r.temp, "gh.log"), "utf8").trim().split("\n");
        assert.match(calls[0], /^api repos\/acme\/shop\/issues\/7\/comments --paginate --jq /);
        assert.strictEqual(calls[1], `api --method PATCH repos/acme/shop/issues/comments/42 -F body=@${r.temp}/comment.md`);
        assert.strictEqual(fs.readFileSync(path.join(r.temp, "comment.md"), "utf8"), "<!-- ecs-ship cost estimate: dev -->\n### Monthly cost estimate");
        assert.strictEqual(r.summary, "### Monthly cost estimate");
    }).timeout(60_000);

    for (const [what, tools] of [
        ["the plan fails", { npm: "exit 1", gh: "exit 0" }],
        ["GitHub's API fails", { npm: npmWrites("x"), gh: "echo 'HTTP 502' >&2; exit 1" }],
    ] as const) {
        it(`does not fail the job when ${what}: it warns, visibly`, () => {
            const r = runStep(step.run!, env, tools);
            assert.strictEqual(r.status, 0, r.stderr);
            assert.match(r.stdout, /^::warning title=cost estimate::The cost estimate of dev could not be computed or posted/m);
        }).timeout(60_000);
    }
});

describe("workflows: manual rollback and destroy", () => {
    const rollback = load("rollback.yml");
    const destroy = load("destroy.yml");

    it("destroy checks the confirmation first, in a job with no permission and no action", () => {
        const confirm = destroy.jobs.confirm;
        assert.deepStrictEqual(confirm.permissions, {});
        assert.strictEqual(confirm.steps.some((s) => s.uses !== undefined), false);
        assert.match(confirm.steps[0].run ?? "", /^if \[ "\$CONFIRM" != "\$STACK" \]; then\n.*\n\s+exit 1\n/);
        for (const [name, job] of Object.entries(destroy.jobs)) if (job.steps.some(isCredentials)) assert.ok(needs(job).includes("confirm"), name);
    });

    it("destroy runs with exclude-protected, in the stack's GitHub environment", () => {
        const pulumi = destroy.jobs.destroy.steps.find(isPulumi);
        assert.deepStrictEqual([pulumi?.with?.command, pulumi?.with?.["exclude-protected"], destroy.jobs.destroy.environment], ["destroy", true, "${{ matrix.githubEnvironment }}"]);
    });

    it("rollback refuses any ref but main, pins the commit's images by tag after the role and before up, and gates on that commit", () => {
        const job = rollback.jobs.rollback;
        assert.match(rollback.jobs.environments.steps[0].run ?? "", /^if \[ "\$GITHUB_REF" != "refs\/heads\/main" \]; then\n/);
        const pin = index(job, (s) => s.name === "Pin the commit's images");
        assert.ok(index(job, isCredentials) < pin && pin < index(job, isPulumi));
        assert.match(job.steps[pin].run ?? "", /tools\/operate\/rollback\.ts pin --stack "\$STACK" --commit "\$COMMIT"\n$/);
        assert.match(text("rollback.yml"), /setting the stack file's `image\.tag` to the\n# commit/);
        assert.strictEqual(job.steps.find((s) => /npm run verify/.test(s.run ?? ""))?.run?.trim(), 'pulumi stack output --json --stack "$STACK" | npm run verify -- --stack "$STACK" --since "$DEPLOY_STARTED_AT" --sha "$COMMIT"');
    });

    it("rollback and destroy join no concurrency group, so a push never cancels them while they wait; deploy's stack jobs do", () => {
        assert.deepStrictEqual([rollback.jobs.rollback.concurrency, destroy.jobs.destroy.concurrency], [undefined, undefined]);
        assert.deepStrictEqual(["dev", "prod"].map((s) => load("deploy.yml").jobs[`deploy-${s}`].concurrency), [
            { group: "ecs-ship-dev", "cancel-in-progress": false }, { group: "ecs-ship-prod", "cancel-in-progress": false },
        ]);
    });

    it("both last as long as the stack's session: timeout and role-duration-seconds from the environments file", () => {
        for (const job of [rollback.jobs.rollback, destroy.jobs.destroy]) {
            assert.strictEqual(job["timeout-minutes"], "${{ matrix.timeoutMinutes }}");
            assert.strictEqual(job.steps.find(isCredentials)?.with?.["role-duration-seconds"], "${{ matrix.sessionSeconds }}");
        }
    });
});
