// Reading the GitHub workflows for the tests: parsed YAML, the step predicates, and each matrix job
// expanded into the concrete jobs GitHub would run for an environments file.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { MatrixEntry } from "../../tools/project/environments";

export const ROOT = path.resolve(__dirname, "..", "..");
export const DIR = path.join(ROOT, ".github", "workflows");
export const FILES = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

export type Step = { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
export type Job = {
    name?: string; if?: string; needs?: string | string[]; environment?: string | { name: string }; "timeout-minutes"?: number | string;
    permissions?: Record<string, string>; concurrency?: { group: string; "cancel-in-progress": boolean };
    outputs?: Record<string, string>; env?: Record<string, string>;
    strategy?: { "max-parallel"?: number; "fail-fast"?: boolean; matrix: { include: unknown } }; steps: Step[];
};
export type Workflow = { name: string; on: Record<string, unknown>; permissions?: unknown; defaults?: unknown; jobs: Record<string, Job> };

export const text = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
export const load = (file: string) => parse(text(file)) as Workflow;

export const isCredentials = (s: Step) => s.uses?.startsWith("aws-actions/configure-aws-credentials@") ?? false;
export const isPulumi = (s: Step) => s.uses?.startsWith("pulumi/actions@") ?? false;
export const index = (job: Job, pred: (s: Step) => boolean) => job.steps.findIndex(pred);
export const needs = (job: Job) => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
export const MATRIX_FROM_ENVIRONMENTS = "${{ fromJSON(needs.environments.outputs.matrix) }}";

/** Every job and step, flattened, with the job they belong to. */
export function allSteps(wf: Workflow): Array<{ job: string; step: Step }> {
    return Object.entries(wf.jobs).flatMap(([job, j]) => j.steps.map((step) => ({ job, step })));
}

/**
 * A workflow with each matrix job expanded into one concrete job per environment, as GitHub runs them:
 * `${{ matrix.x }}` replaced by the entry's value and the strategy removed. What is left is a workflow
 * actionlint and the rules can check.
 */
export function expand(wf: Workflow, matrix: MatrixEntry[]): Workflow {
    const jobs: Record<string, Job> = {};
    for (const [name, job] of Object.entries(wf.jobs)) {
        if (job.strategy?.matrix.include !== MATRIX_FROM_ENVIRONMENTS) {
            jobs[name] = job;
            continue;
        }
        for (const entry of matrix) {
            const { strategy: _strategy, ...rest } = job;
            let json = JSON.stringify(rest);
            for (const [k, v] of Object.entries(entry)) {
                // A whole-value number (timeout-minutes, role-duration-seconds) stays a number.
                if (typeof v === "number") json = json.split(`"\${{ matrix.${k} }}"`).join(String(v));
                json = json.split(`\${{ matrix.${k} }}`).join(String(v)).split(`vars[matrix.${k}]`).join(`vars.${v}`);
            }
            assert.doesNotMatch(json, /matrix\./, `${name}: a matrix reference the environments file does not provide`);
            const concrete = JSON.parse(json) as Job;
            if (concrete.environment === "") delete concrete.environment;
            jobs[`${name}-${entry.stack}`] = concrete;
        }
    }
    return { ...wf, jobs };
}
