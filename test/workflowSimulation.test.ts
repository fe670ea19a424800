// The preview workflow's update simulation (npm run plan -- --from, docs/update-simulator.md): where the
// step sits in the job, and its script run for real under bash with git, npm and gh replaced by stubs.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { index, isCredentials, isPulumi, load } from "./support/workflows";

describe("workflows: the update simulation on pull requests", () => {
    const job = load("preview.yml").jobs.preview;
    const step = job.steps.find((s) => s.id === "simulate")!;

    /**
     * Runs the step's script in bash as the runner would, with `git`, `npm` and `gh` replaced by stubs:
     * git says whether the stack or the program changed, npm prints a plan's steps and verdict, gh records its calls.
     */
    function simulateStep(o: { changed: boolean; status: number; verdict?: string; steps?: number }) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-wf-sim-"));
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
        stub("git", `echo "git $*" >> "${dir}/calls"; [ "$1" = diff ] && exit ${o.changed ? 1 : 0}; exit 0`);
        stub("npm", [
            `echo "npm $*" >> "${dir}/calls"`,
            'while [ $# -gt 0 ]; do [ "$1" = --out ] && out="$2"; shift; done',
            'printf \'Update of stack "dev" from Pulumi.dev.yaml at HEAD^1: 2 step(s)\\n  1. +  create  aws:lb/listenerRule:ListenerRule  r\\n\' > "$out"',
            `for i in $(seq 2 ${o.steps ?? 1}); do printf '%3d. +  create  aws:ecs/service:Service  ${"s".repeat(100)}\\n' "$i" >> "$out"; done`,
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
        assert.match(r.calls, /^git diff --quiet HEAD\^1 HEAD -- Pulumi\.dev\.yaml Pulumi\.yaml index\.ts program\.ts components config package\.json package-lock\.json$/m);
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
        assert.strictEqual(job.steps.at(-1), fail, "the last step, after the preview and the cost estimate");
    });

    it("says every step is accepted when none is refused, and fails on any other error of the plan", () => {
        const ok = simulateStep({ changed: true, status: 0 });
        assert.deepStrictEqual([ok.status, ok.output], [0, ""]);
        assert.match(ok.comment ?? "", /^### Update simulation for `dev`: every step of this change is one AWS accepts\.$/m);
        const broken = simulateStep({ changed: true, status: 1 });
        assert.deepStrictEqual([broken.status, broken.comment], [1, undefined]);
    });

    it("keeps the comment under GitHub's 65,536-character limit: too many steps are counted, not listed", () => {
        const r = simulateStep({ changed: true, status: 0, steps: 1000 });
        assert.strictEqual(r.status, 0);
        assert.strictEqual(r.comment, "<!-- ecs-ship update simulation: dev -->\n### Update simulation for `dev`: every step of this change is one AWS accepts.\n\n1000 steps: too many for a comment; the job summary lists them.\n");
    });
});
