// Checks the workflows run against GitHub itself, before they act.
//
//   githubChecks.ts approval --stack <name>
//       For a stack marked "approval": true in .github/environments.json: fails unless its GitHub
//       environment exists, has required reviewers, and limits which branches may deploy to it.
//       Reads GH_TOKEN (the job's GITHUB_TOKEN, with only `actions: read`), GITHUB_REPOSITORY and GITHUB_API_URL.
//   githubChecks.ts comment --stack <name> --in <markdown> --out <file>
//       Writes the cost estimate's PR comment body: the stack's marker, then the estimate, cut to fit
//       GitHub's 65,536-character limit on a comment body.
//
// Why the approval check: GitHub creates an environment a job names, with no protection rules, the first
// time a job uses it (GitHub Docs, "Managing environments for deployment", and the workflow syntax of
// jobs.<job_id>.environment: a workflow that references a missing environment creates it). A missing environment would
// let the first push deploy with no reviewer, from any branch. The check runs in a job of its own before
// the stack's job, so a failing check never names, and so never creates, the environment.
// Exit codes: 0 checked, 1 the check failed (the message says what to create), 2 bad arguments.
import { ENVIRONMENTS_FILE, EnvironmentsError, loadEnvironments } from "../project/environments";
import { projectRoot } from "../../config/project";

/** GitHub's limit on an issue or pull request comment body, in characters (the API answers 422 above it). */
export const COMMENT_LIMIT = 65536;

export class CheckError extends Error {}

/** The parts of GitHub's "Get an environment" answer the check reads (REST API, deployments/environments). */
export interface GithubEnvironment {
    name: string;
    protection_rules?: { type: string; reviewers?: unknown[] }[];
    deployment_branch_policy?: { protected_branches: boolean; custom_branch_policies: boolean } | null;
}

/** A fetch as far as the check uses it: Node's global fetch, or a test's. */
export type Fetch = (url: string, init: { headers: Record<string, string> }) => Promise<{ status: number; json(): Promise<unknown> }>;

const SETTINGS = "Settings > Environments";

/** What is wrong with an environment that must gate a deploy; empty when nothing is. */
export function approvalProblems(name: string, env: GithubEnvironment | undefined, branchPolicies?: string[]): string[] {
    if (env === undefined) {
        return [`GitHub environment "${name}" does not exist: create it in ${SETTINGS} with required reviewers and deployment branches limited to main (a job that names a missing environment would create it unprotected)`];
    }
    const problems: string[] = [];
    const reviewers = (env.protection_rules ?? []).find((r) => r.type === "required_reviewers");
    if (!reviewers || !Array.isArray(reviewers.reviewers) || reviewers.reviewers.length === 0) {
        problems.push(`GitHub environment "${name}" has no required reviewers: add at least one under ${SETTINGS} > ${name} > Required reviewers`);
    }
    const policy = env.deployment_branch_policy;
    if (!policy || (!policy.protected_branches && !policy.custom_branch_policies)) {
        problems.push(`GitHub environment "${name}" lets every branch deploy: set ${SETTINGS} > ${name} > Deployment branches and tags to "Selected branches and tags" with main, or "Protected branches only"`);
    } else if (policy.custom_branch_policies && (branchPolicies ?? []).some((p) => /^\*+$/.test(p))) {
        problems.push(`GitHub environment "${name}" has a deployment branch rule "${branchPolicies!.find((p) => /^\*+$/.test(p))}" that matches every branch: limit it to main`);
    }
    return problems;
}

/** Reads the environment (and its branch rules) from GitHub's REST API and returns every problem. */
export async function checkApproval(o: { root: string; stack: string; repository: string; token: string; api?: string; fetch?: Fetch }): Promise<{ checked: boolean; message: string }> {
    const entry = loadEnvironments(o.root).find((m) => m.stack === o.stack);
    if (!entry) throw new CheckError(`--stack: "${o.stack}" is not listed in ${ENVIRONMENTS_FILE}`);
    if (!entry.approval) return { checked: false, message: `${o.stack}: no approval required (${ENVIRONMENTS_FILE} does not set "approval": true)` };
    const name = entry.githubEnvironment;
    const api = (o.api ?? "https://api.github.com").replace(/\/$/, "");
    const get = async (url: string): Promise<{ status: number; body: unknown }> => {
        const r = await (o.fetch ?? (fetch as unknown as Fetch))(url, {
            headers: { Accept: "application/vnd.github+json", Authorization: `Bearer ${o.token}`, "X-GitHub-Api-Version": "2022-11-28" },
        });
        return { status: r.status, body: r.status === 200 ? await r.json() : undefined };
    };
    const base = `${api}/repos/${o.repository}/environments/${encodeURIComponent(name)}`;
    const env = await get(base);
    if (env.status === 401 || env.status === 403) {
        throw new CheckError(`cannot read GitHub environment "${name}" (HTTP ${env.status}): the job's token needs permissions: actions: read (GitHub REST API, "Get an environment")`);
    }
    if (env.status !== 200 && env.status !== 404) throw new CheckError(`reading GitHub environment "${name}" answered HTTP ${env.status}`);
    const found = env.status === 200 ? env.body as GithubEnvironment : undefined;
    let branchPolicies: string[] | undefined;
    if (found?.deployment_branch_policy?.custom_branch_policies) {
        const list = await get(`${base}/deployment-branch-policies?per_page=100`);
        const policies = (list.body as { branch_policies?: { name: string }[] } | undefined)?.branch_policies;
        branchPolicies = (policies ?? []).map((p) => p.name);
    }
    const problems = approvalProblems(name, found, branchPolicies);
    if (problems.length) throw new CheckError(`${o.stack} requires approval, and ${problems.length === 1 ? "its environment is not ready" : "its environment has problems"}; nothing was deployed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return { checked: true, message: `${o.stack}: GitHub environment "${name}" exists, has required reviewers and limits deployment branches` };
}

/** The cost comment's body: marker first (found again by it), cut to fit GitHub's limit with a note. */
export function commentBody(marker: string, markdown: string, limit = COMMENT_LIMIT): string {
    const full = `${marker}\n${markdown}`;
    if (full.length <= limit) return full;
    const note = "\n\n_The estimate was cut to fit GitHub's comment size limit; the job summary holds all of it._\n";
    return full.slice(0, limit - note.length) + note;
}

const USAGE = "usage: githubChecks.ts approval --stack <name> | comment --stack <name> --in <file> --out <file>";

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, root = projectRoot()): Promise<number> {
    const [command, ...rest] = argv;
    const args: Record<string, string> = {};
    for (let i = 0; i < rest.length; i += 2) {
        if (!["--stack", "--in", "--out"].includes(rest[i]) || rest[i + 1] === undefined) {
            process.stderr.write(`githubChecks: unknown or incomplete argument ${JSON.stringify(rest[i])}; ${USAGE}\n`);
            return 2;
        }
        args[rest[i]] = rest[i + 1];
    }
    try {
        if (command === "approval" && args["--stack"]) {
            const { GH_TOKEN: token, GITHUB_REPOSITORY: repository, GITHUB_API_URL: api } = env;
            if (!token || !repository) throw new CheckError("GH_TOKEN and GITHUB_REPOSITORY must be set (the workflow passes github.token and github.repository)");
            const r = await checkApproval({ root, stack: args["--stack"], repository, token, api });
            process.stdout.write(`${r.message}\n`);
            return 0;
        }
        if (command === "comment" && args["--stack"] && args["--in"] && args["--out"]) {
            const fs = await import("fs");
            fs.writeFileSync(args["--out"], commentBody(`<!-- ecs-ship cost estimate: ${args["--stack"]} -->`, fs.readFileSync(args["--in"], "utf8")));
            return 0;
        }
        process.stderr.write(`githubChecks: ${USAGE}\n`);
        return 2;
    } catch (e) {
        if (!(e instanceof CheckError) && !(e instanceof EnvironmentsError)) throw e;
        // A workflow command, so the message is an error annotation on the run.
        process.stdout.write(`::error title=approval check::${e.message.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A")}\n`);
        process.stderr.write(`githubChecks: ${e.message}\n`);
        return 1;
    }
}

if (require.main === module) main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
