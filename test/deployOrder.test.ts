// The deploy order under GitHub's scheduling rules (test/support/ghScheduler.ts, which cites them): quick
// pushes played against the job graph of the real deploy.yml, and against the matrix it replaced.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { parse } from "yaml";
import { deployWorkflow } from "../tools/workflows/deployWorkflow";
import { loadEnvironments } from "../tools/project/environments";
import { JobEvent, ModelJob, Outcome, schedule } from "./support/ghScheduler";
import { ROOT, Workflow, load, needs } from "./support/workflows";

/** The scheduling-relevant part of each job: needs, its `if`, and its concurrency group. */
function model(wf: Workflow): ModelJob[] {
    return Object.entries(wf.jobs).map(([id, job]) => {
        assert.ok(job.if === undefined || job.if === "${{ always() }}", `${id}: an if the model does not know: ${job.if}`);
        assert.doesNotMatch(job.concurrency?.group ?? "", /\$\{\{/, `${id}: a concurrency group the model cannot evaluate`);
        return { id, needs: needs(job), runs: job.if ? "always" : "on-success", group: job.concurrency?.group, cancelInProgress: job.concurrency?.["cancel-in-progress"] };
    });
}

/** What must hold for every run: a stack's deploy started only after each stack before it succeeded in that run. */
function startedOutOfOrder(log: JobEvent[], stacks: string[]): string[] {
    const result = (run: number, job: string) => log.find((e) => e.run === run && e.job === job);
    const bad: string[] = [];
    for (const e of log.filter((x) => x.start !== undefined && x.job.startsWith("deploy-"))) {
        const i = stacks.indexOf(e.job.slice("deploy-".length));
        for (const before of stacks.slice(0, i)) {
            const b = result(e.run, `deploy-${before}`);
            if (b?.result !== "success" || b.end > e.start!) bad.push(`run ${e.run + 1}: ${e.job} started at ${e.start} while deploy-${before} was ${b?.result ?? "unfinished"}`);
        }
    }
    return bad;
}

const durations: Outcome = (_run, job) => ({ duration: job.startsWith("deploy-") ? 10 : 1 });

describe("deploy order under GitHub's scheduling rules", () => {
    const jobs = model(load("deploy.yml"));

    it("three quick pushes: the second push's dev job is superseded while it waits, so its prod job never starts", () => {
        // GIVEN pushes at t=0, 2 and 4, each deploy taking 10
        const log = schedule(jobs, [0, 2, 4], durations);
        const of = (run: number, job: string) => log.find((e) => e.run === run && e.job === job)!;
        // THEN run 2's dev job was cancelled while pending (run 3's took its place), and its prod job was skipped
        assert.deepStrictEqual([of(1, "deploy-dev").result, of(1, "deploy-dev").start], ["cancelled", undefined]);
        assert.deepStrictEqual([of(1, "deploy-prod").result, of(1, "deploy-prod").start], ["skipped", undefined]);
        // AND prod ran commits 1 and 3, each after dev succeeded with it, one after the other
        const prod = log.filter((e) => e.job === "deploy-prod" && e.result === "success").map((e) => [e.run + 1, e.start, e.end]);
        assert.deepStrictEqual(prod, [[1, 11, 21], [3, 21, 31]]);
        assert.deepStrictEqual(startedOutOfOrder(log, ["dev", "prod"]), []);
        // AND the report of run 2 ran, to say so
        assert.strictEqual(of(1, "report").result, "success");
    });

    it("a failed dev deploy stops that commit before prod", () => {
        const log = schedule(jobs, [0], (run, job) => ({ duration: 5, result: job === "deploy-dev" ? "failure" : "success" }));
        assert.deepStrictEqual(log.filter((e) => e.job.startsWith("deploy-")).map((e) => [e.job, e.result]), [["deploy-dev", "failure"], ["deploy-prod", "skipped"]]);
    });

    it("the matrix it replaced (max-parallel: 1, fail-fast) starts prod for the commit whose dev job was cancelled", () => {
        // The old deploy.yml: one matrix job, entries run one at a time; fail-fast stops later entries only
        // after a failure (GitHub Docs, jobs.<job_id>.strategy.fail-fast), so a cancelled dev lets prod start.
        const matrix: ModelJob[] = [
            { id: "environments", needs: [] },
            { id: "deploy-dev", needs: ["environments"], group: "ecs-ship-dev" },
            { id: "deploy-prod", needs: ["environments", "deploy-dev"], runs: "unless-failure", group: "ecs-ship-prod" },
        ];
        const log = schedule(matrix, [0, 2, 4], durations);
        // Run 2's prod even starts at once, before run 1's dev has finished: commit 2 reaches prod untested.
        assert.deepStrictEqual(startedOutOfOrder(log, ["dev", "prod"]), ["run 2: deploy-prod started at 5 while deploy-dev was cancelled"]);
    });

    it("holds for any pushes, durations and failures, with three stacks", function () {
        this.timeout(120_000);
        // GIVEN the workflow generated for dev, staging and prod (prod with approval)
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-order-"));
        fs.mkdirSync(path.join(root, ".github"));
        fs.writeFileSync(path.join(root, ".github", "environments.json"), JSON.stringify({ environments: [
            { stack: "dev" }, { stack: "staging" }, { stack: "prod", githubEnvironment: "production", approval: true },
        ] }));
        for (const s of ["dev", "staging"]) fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), path.join(root, `Pulumi.${s}.yaml`));
        fs.copyFileSync(path.join(ROOT, "Pulumi.prod.yaml"), path.join(root, "Pulumi.prod.yaml"));
        const three = model(parse(deployWorkflow(loadEnvironments(root))) as Workflow);
        const stacks = ["dev", "staging", "prod"];
        fc.assert(fc.property(
            fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 6 }),
            fc.func(fc.record({ duration: fc.integer({ min: 1, max: 15 }), fails: fc.boolean() })),
            (gaps, pick) => {
                const pushes = gaps.reduce<number[]>((t, g) => [...t, (t.at(-1) ?? -1) + 1 + g], []);
                const log = schedule(three, pushes, (run, job) => {
                    const o = pick(run, job);
                    return { duration: o.duration, result: job.startsWith("deploy-") && o.fails ? "failure" : "success" };
                });
                assert.deepStrictEqual(startedOutOfOrder(log, stacks), []);
                // No stack ever runs two jobs at once, and every job ends somehow.
                for (const s of stacks) {
                    const runs = log.filter((e) => e.job === `deploy-${s}` && e.start !== undefined).sort((a, b) => a.start! - b.start!);
                    runs.slice(1).forEach((e, i) => assert.ok(e.start! >= runs[i].end, `deploy-${s} overlapped`));
                }
                assert.strictEqual(log.length, pushes.length * three.length);
            },
        ), { numRuns: 300 });
    });
});
