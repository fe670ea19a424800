// What the review tools ask of the outside world, as functions the tests replace: the Pulumi backend
// (stack list, state export, destroy, stack rm), GitHub (a pull request's state) and AWS's tagging API.
// The real implementations below run the Pulumi CLI, GitHub's REST API and the AWS CLI.
import { execFile } from "child_process";

/** One entry of `pulumi stack ls --json`. */
export interface StackSummary {
    name: string;
    /**
     * When the stack's last update finished. Absent for a stack never updated, and, on backends that report
     * progress, while an update runs (then updateInProgress is true). Pulumi prints it as RFC 5424 time with
     * milliseconds (pulumi/pulumi, pkg/cmd/pulumi/stack/stack_list.go, stackSummaryJSON and
     * formatStackSummariesJSON; pkg/cmd/pulumi/cmd/time.go). On a self-managed backend it is the time of
     * the stack's latest checkpoint (pkg/backend/diy/stack.go, diyStackSummary.LastUpdate).
     */
    lastUpdate?: string;
    updateInProgress?: boolean;
    resourceCount?: number;
}

/**
 * One resource of `pulumi stack export`'s deployment.resources (pulumi/pulumi,
 * sdk/go/common/apitype/core.go, ResourceV3: urn, custom, id, type, protect, retainOnDelete).
 */
export interface StateResource {
    urn: string;
    type: string;
    id?: string;
    custom?: boolean;
    protect?: boolean;
    retainOnDelete?: boolean;
}

export interface PulumiBackend {
    listStacks(): Promise<StackSummary[]>;
    /** The stack's state resources; [] for a stack that has none. */
    exportResources(stack: string): Promise<StateResource[]>;
    destroy(stack: string): Promise<void>;
    remove(stack: string): Promise<void>;
}

/**
 * A pull request's state, from GitHub's REST API "Get a pull request"
 * (GET /repos/{owner}/{repo}/pulls/{pull_number}: `state` is open or closed, `merged` true once merged;
 * https://docs.github.com/en/rest/pulls/pulls#get-a-pull-request). `unknown`: GitHub answered 404 (no such
 * pull request, or the token cannot see it) or failed; `detail` says which.
 */
export type PullState = { state: "open" | "closed" | "merged" } | { state: "unknown"; detail: string };

export interface GitHub {
    pullState(n: number): Promise<PullState>;
}

/** ARNs of the resources AWS still lists under a tag (Resource Groups Tagging API, GetResources). */
export interface Tagging {
    resourcesTagged(key: string, value: string): Promise<string[]>;
}

export interface Clock {
    now(): Date;
    sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

function run(cmd: string, args: string[], cwd?: string): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(cmd, args, { cwd, maxBuffer: 256 * 1024 * 1024, env: process.env }, (err, stdout, stderr) => {
            if (err) reject(new Error(`${cmd} ${args.join(" ")} failed: ${String(stderr).trim() || err.message}`));
            else resolve(String(stdout));
        });
    });
}

/** The Pulumi CLI, logged in to the backend PULUMI_BACKEND_URL (or Pulumi Cloud) names, in the project's folder. */
export function pulumiCli(projectDir: string): PulumiBackend {
    return {
        async listStacks() {
            return JSON.parse(await run("pulumi", ["stack", "ls", "--json"], projectDir)) as StackSummary[];
        },
        async exportResources(stack) {
            const state = JSON.parse(await run("pulumi", ["stack", "export", "--stack", stack], projectDir)) as { deployment?: { resources?: StateResource[] } };
            return state.deployment?.resources ?? [];
        },
        async destroy(stack) {
            // --yes: no prompt; --non-interactive: no progress display in a job log (Pulumi CLI docs, pulumi destroy).
            await run("pulumi", ["destroy", "--stack", stack, "--yes", "--non-interactive", "--skip-preview"], projectDir);
        },
        async remove(stack) {
            // Removes the stack and its (now empty) state from the backend; refuses while resources remain
            // (Pulumi CLI docs, pulumi stack rm: "--force ... even if it still contains resources", not used).
            await run("pulumi", ["stack", "rm", "--stack", stack, "--yes", "--non-interactive"], projectDir);
        },
    };
}

/** GitHub's REST API with the job's token (GH_TOKEN or GITHUB_TOKEN), for `owner/name`. */
export function githubApi(repository: string, token: string | undefined, fetchFn: typeof fetch = fetch): GitHub {
    return {
        async pullState(n) {
            let res: Response;
            try {
                res = await fetchFn(`https://api.github.com/repos/${repository}/pulls/${n}`, {
                    headers: {
                        accept: "application/vnd.github+json",
                        "x-github-api-version": "2022-11-28",
                        ...(token ? { authorization: `Bearer ${token}` } : {}),
                    },
                });
            } catch (e) {
                return { state: "unknown", detail: `GitHub could not be reached: ${(e as Error).message}` };
            }
            if (res.status === 404) return { state: "unknown", detail: `GitHub has no pull request #${n} in ${repository} (404)` };
            if (!res.ok) return { state: "unknown", detail: `GitHub answered ${res.status} for pull request #${n}` };
            const body = (await res.json()) as { state?: string; merged?: boolean };
            if (body.merged === true) return { state: "merged" };
            if (body.state === "open" || body.state === "closed") return { state: body.state };
            return { state: "unknown", detail: `GitHub gave pull request #${n} the state ${JSON.stringify(body.state)}` };
        },
    };
}

/**
 * The AWS CLI (installed on GitHub's ubuntu runners) asking the Resource Groups Tagging API which resources
 * carry a tag, in the region of the job's credentials. The CLI pages through every result itself
 * (AWS CLI reference, resourcegroupstaggingapi get-resources: --tag-filters, ResourceTagMappingList).
 */
export function awsTagging(region: string): Tagging {
    return {
        async resourcesTagged(key, value) {
            const out = JSON.parse(await run("aws", ["resourcegroupstaggingapi", "get-resources", "--region", region,
                "--tag-filters", JSON.stringify([{ Key: key, Values: [value] }]), "--output", "json"])) as { ResourceTagMappingList?: Array<{ ResourceARN: string }> };
            return (out.ResourceTagMappingList ?? []).map((m) => m.ResourceARN);
        },
    };
}
