// A model of how GitHub Actions schedules the jobs of several runs of one workflow, from GitHub's
// documented rules, so a test can play a sequence of pushes against the real deploy.yml:
//
// 1. needs: a job starts only when every job it needs has completed. Without a status-check function in
//    its `if`, it runs only if all of them succeeded; otherwise it is skipped ("If a job fails or is
//    skipped, all jobs that need it are skipped unless the jobs use a conditional expression that causes
//    the job to continue": GitHub Docs, "Workflow syntax", jobs.<job_id>.needs). `if: always()` runs it
//    whatever they concluded (GitHub Docs, "Evaluate expressions", status check functions).
// 2. concurrency: "there can be at most one running and one pending job in a concurrency group at any
//    time. When a concurrent job or workflow is queued, if another job or workflow using the same
//    concurrency group in the repository is in progress, the queued job or workflow will be pending. Any
//    existing pending job or workflow in the same concurrency group, if it exists, will be canceled and the
//    new queued job or workflow will take its place" (GitHub Docs, "Control the concurrency of workflows
//    and jobs"). With cancel-in-progress: false a running job is never cancelled. When the running job
//    completes, the pending one starts.
// Environment approvals are modelled as instant; runners as always available.
export type Result = "success" | "failure" | "cancelled" | "skipped";

export interface ModelJob {
    id: string;
    needs: string[];
    /** "always" for `if: always()`; "unless-failure" models a matrix's next job under fail-fast (it stops only on failure). */
    runs?: "on-success" | "always" | "unless-failure";
    group?: string;
    cancelInProgress?: boolean;
}

export interface JobEvent { run: number; job: string; start?: number; end: number; result: Result }

/** How long a job takes and how it ends, per run. */
export type Outcome = (run: number, job: string) => { duration: number; result?: "success" | "failure" };

interface Instance { run: number; job: ModelJob; state: "waiting" | "pending" | "running" | "done"; start?: number; end?: number; result?: Result }

/** Plays runs started at `pushes` (times) through the jobs; returns every job's history, in completion order. */
export function schedule(jobs: ModelJob[], pushes: number[], outcome: Outcome): JobEvent[] {
    const instances: Instance[] = [];
    const log: JobEvent[] = [];
    let now = 0;
    const finish = (i: Instance, result: Result) => {
        i.state = "done";
        i.end = now;
        i.result = result;
        log.push({ run: i.run, job: i.job.id, start: i.start, end: now, result });
    };
    const start = (i: Instance) => {
        i.state = "running";
        i.start = now;
        i.end = now + outcome(i.run, i.job.id).duration;
    };
    const inGroup = (g: string, state: Instance["state"]) => instances.filter((x) => x.job.group === g && x.state === state);
    const byId = (run: number, id: string) => instances.find((x) => x.run === run && x.job.id === id)!;

    for (let guard = 0; guard < 10_000; guard++) {
        // Completions due now, in start order; a pending job of the group takes the freed place.
        for (const i of instances.filter((x) => x.state === "running" && x.end! <= now).sort((a, b) => a.start! - b.start!)) {
            finish(i, outcome(i.run, i.job.id).result ?? "success");
            const next = i.job.group ? inGroup(i.job.group, "pending")[0] : undefined;
            if (next) start(next);
        }
        // Runs triggered now.
        pushes.forEach((t, run) => {
            if (t === now && !instances.some((x) => x.run === run)) for (const job of jobs) instances.push({ run, job, state: "waiting" });
        });
        // Jobs whose needs have all completed: skipped, or queued into their group.
        let changed = true;
        while (changed) {
            changed = false;
            for (const i of instances.filter((x) => x.state === "waiting")) {
                const needed = i.job.needs.map((n) => byId(i.run, n));
                if (needed.some((n) => n.state !== "done")) continue;
                changed = true;
                const results = needed.map((n) => n.result);
                const runs = i.job.runs ?? "on-success";
                const go = runs === "always" || (runs === "on-success" ? results.every((r) => r === "success") : !results.includes("failure"));
                if (!go) {
                    finish(i, "skipped");
                } else if (!i.job.group || inGroup(i.job.group, "running").length === 0) {
                    start(i);
                } else {
                    for (const old of inGroup(i.job.group, "pending")) finish(old, "cancelled");
                    i.state = "pending";
                }
            }
        }
        const times = [...instances.filter((x) => x.state === "running").map((x) => x.end!), ...pushes.filter((t) => t > now)];
        if (times.length === 0) return log;
        now = Math.min(...times);
    }
    throw new Error("schedule: did not settle");
}
