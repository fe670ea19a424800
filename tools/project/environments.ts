// The environments the workflows deploy, read from one place: .github/environments.json lists the
// stacks in deploy order and which run inside a GitHub environment (the ones whose reviewers approve);
// each stack's region comes from its own Pulumi.<stack>.yaml. Preview, deploy, destroy and rollback
// all build their job matrix from this, so adding an environment touches no workflow.
//
//   node -r ts-node/register/transpile-only tools/project/environments.ts [--only <stack>] [--previewable] [--root <dir>]
//
// prints the matrix as one line of JSON (a GitHub Actions `include` list); --previewable keeps only the
// stacks with a preview role. Exit 2 lists every problem.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { StackFileError, projectRoot, stackFilePath } from "../../config/project";

export const ENVIRONMENTS_FILE = ".github/environments.json";

/** One entry of .github/environments.json. */
export interface EnvironmentEntry {
    /** Pulumi stack name; Pulumi.<stack>.yaml must exist. */
    stack: string;
    /** GitHub environment the deploy job runs in. @default - none: the job runs on the branch */
    githubEnvironment?: string;
    /** Whether a reviewer must approve the deploy: set "Required reviewers" on the GitHub environment. @default false */
    approval?: boolean;
}

/** One job of the workflows' matrix. */
export interface MatrixEntry {
    stack: string;
    region: string;
    /** Empty when the job runs in no GitHub environment (GitHub ignores an empty environment name). */
    githubEnvironment: string;
    approval: boolean;
    /** Repository variables holding the stack's role ARNs. */
    deployRoleVar: string;
    previewRoleVar: string;
    /** Whether the stack has a preview role (ecs-ship:github.pullRequestPreview, default true). */
    preview: boolean;
    /**
     * How long the assumed role's credentials last: the stack's ecs-ship:github.maxSessionDuration (the
     * role's MaxSessionDuration), passed to configure-aws-credentials as role-duration-seconds.
     */
    sessionSeconds: number;
    /**
     * The job's timeout-minutes: the session's length, at most 360 (GitHub Docs, "Usage limits" for
     * GitHub-hosted runners: a job runs for up to 6 hours). The job is cut no later than its credentials
     * would expire, and before GitHub would cut it anyway.
     */
    timeoutMinutes: number;
    /**
     * The stack whose images this one runs (`image: { from: <stack> }`, docs/promotion.md), listed before it;
     * "" when it builds its own. The deploy workflow passes that stack's digests to this one.
     */
    promotedFrom: string;
}

/** IAM's default MaxSessionDuration, and ecs-ship's (components/trust/githubOidcTrust.ts). */
export const DEFAULT_SESSION_SECONDS = 3600;
export const MAX_JOB_MINUTES = 360;

export class EnvironmentsError extends Error {
    constructor(readonly problems: string[]) {
        super(`${ENVIRONMENTS_FILE}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "EnvironmentsError";
    }
}

// Same rule as config.ts's stack names, and GitHub's variable names (letters, digits, underscores).
const STACK_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const GITHUB_ENVIRONMENT = /^[A-Za-z0-9._-]{1,255}$/;
const ENTRY_KEYS = ["stack", "githubEnvironment", "approval"];
/** The branch deploy.yml runs on: a stack deployed outside a GitHub environment must trust it. */
export const DEPLOY_BRANCH = "main";

/** `DEV_DEPLOY_ROLE_ARN` for stack `dev`: the repository variable the workflows read. */
export function roleVariable(stack: string, kind: "DEPLOY" | "PREVIEW"): string {
    return `${stack.toUpperCase().replace(/-/g, "_")}_${kind}_ROLE_ARN`;
}

/** Reads and checks the environments file and every stack file it names; every problem at once. */
export function loadEnvironments(root: string): MatrixEntry[] {
    const file = path.join(root, ENVIRONMENTS_FILE);
    let doc: unknown;
    try {
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new EnvironmentsError([`cannot read it as JSON: ${(e as Error).message}`]);
    }
    const list = isRecord(doc) ? doc.environments : undefined;
    if (!Array.isArray(list) || list.length === 0) {
        throw new EnvironmentsError([`environments: must list at least one { "stack": "<name>" }, in deploy order, got ${JSON.stringify(list ?? null)}`]);
    }
    const problems: string[] = [];
    const seen = new Set<string>();
    const matrix: MatrixEntry[] = [];
    list.forEach((raw, i) => {
        const key = `environments[${i}]`;
        if (!isRecord(raw)) {
            problems.push(`${key}: must be an object such as { "stack": "dev" }, got ${JSON.stringify(raw)}`);
            return;
        }
        const entry = checkEntry(key, raw, problems, seen);
        if (entry) {
            const stackFile = readStackFile(root, key, entry, problems);
            if (stackFile) matrix.push(stackFile);
        }
    });
    // A stack runs an earlier stack's build: that stack deploys first in the same run (deploy.yml hands its digests on).
    matrix.forEach((m, i) => {
        if (m.promotedFrom && !matrix.slice(0, i).some((e) => e.stack === m.promotedFrom)) {
            problems.push(`environments[${list.findIndex((e) => isRecord(e) && e.stack === m.stack)}].stack: ${m.stack} runs ${m.promotedFrom}'s images (image.from), so ${m.promotedFrom} must be listed before it; listed before it: ${JSON.stringify(matrix.slice(0, i).map((e) => e.stack))}`);
        }
    });
    if (problems.length) throw new EnvironmentsError(problems);
    return matrix;
}

function checkEntry(key: string, raw: Record<string, unknown>, problems: string[], seen: Set<string>): EnvironmentEntry | undefined {
    const before = problems.length;
    for (const k of Object.keys(raw)) if (!ENTRY_KEYS.includes(k)) problems.push(`${key}.${k}: unknown key; allowed keys are ${ENTRY_KEYS.join(", ")}`);
    const { stack, githubEnvironment, approval } = raw;
    if (typeof stack !== "string" || !STACK_NAME.test(stack)) {
        problems.push(`${key}.stack: must be a stack name (lowercase letter, then letters, digits or "-", at most 20), got ${JSON.stringify(stack ?? null)}`);
    } else if (seen.has(stack)) {
        problems.push(`${key}.stack: "${stack}" is listed twice; each stack deploys once`);
    } else {
        seen.add(stack);
    }
    if (githubEnvironment !== undefined && (typeof githubEnvironment !== "string" || !GITHUB_ENVIRONMENT.test(githubEnvironment))) {
        problems.push(`${key}.githubEnvironment: must be a GitHub environment name (letters, digits, ".", "_", "-"), got ${JSON.stringify(githubEnvironment)}`);
    }
    if (approval !== undefined && typeof approval !== "boolean") problems.push(`${key}.approval: must be true or false, got ${JSON.stringify(approval)}`);
    if (approval === true && githubEnvironment === undefined) {
        problems.push(`${key}.approval: approval is given by the required reviewers of a GitHub environment; set ${key}.githubEnvironment too`);
    }
    if (problems.length > before) return undefined;
    return { stack: stack as string, githubEnvironment: githubEnvironment as string | undefined, approval: approval === true };
}

/** The stack's region, and a check that its deploy role trusts the job the workflow will run. */
function readStackFile(root: string, key: string, entry: EnvironmentEntry, problems: string[]): MatrixEntry | undefined {
    let name = `Pulumi.${entry.stack}.yaml`;
    let config: Record<string, unknown>;
    try {
        const file = stackFilePath(root, entry.stack);
        name = path.relative(root, file);
        const doc: unknown = parseYaml(fs.readFileSync(file, "utf8"));
        config = isRecord(doc) && isRecord(doc.config) ? doc.config : {};
    } catch (e) {
        if (e instanceof StackFileError) {
            problems.push(`${key}.stack: ${e.message}`);
            return undefined;
        }
        problems.push(`${key}.stack: no readable stack file ${name} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        return undefined;
    }
    const region = config["aws:region"];
    if (typeof region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
        problems.push(`${key}: ${name} must set aws:region (for example us-east-1), got ${JSON.stringify(region ?? null)}`);
        return undefined;
    }
    // The deploy role trusts repo:<owner>/<name>:environment:<env> for a job in a GitHub environment, else
    // repo:<owner>/<name>:ref:refs/heads/<branch> (GitHub docs, "About security hardening with OpenID
    // Connect", example subject claims). A mismatch would fail at AssumeRoleWithWebIdentity, deep in the job.
    const github = isRecord(config["ecs-ship:github"]) ? config["ecs-ship:github"] : {};
    const branches = Array.isArray(github.deployBranches) ? github.deployBranches : [DEPLOY_BRANCH];
    const environments = Array.isArray(github.deployEnvironments) ? github.deployEnvironments : [];
    if (entry.githubEnvironment !== undefined && !environments.includes(entry.githubEnvironment)) {
        problems.push(`${key}.githubEnvironment: the ${entry.stack} deploy role trusts only jobs in environments ${JSON.stringify(environments)} (ecs-ship:github.deployEnvironments in ${name}), got "${entry.githubEnvironment}"`);
        return undefined;
    }
    if (entry.githubEnvironment === undefined && !branches.includes(DEPLOY_BRANCH)) {
        problems.push(`${key}: the ${entry.stack} deploy role does not trust branch ${DEPLOY_BRANCH} (ecs-ship:github.deployBranches in ${name} is ${JSON.stringify(branches)}); set ${key}.githubEnvironment to one of ${JSON.stringify(environments)}`);
        return undefined;
    }
    const session = github.maxSessionDuration ?? DEFAULT_SESSION_SECONDS;
    if (typeof session !== "number" || !Number.isInteger(session) || session < 3600 || session > 43200) {
        problems.push(`${key}: ${name} ecs-ship:github.maxSessionDuration must be an integer from 3600 to 43200 seconds, got ${JSON.stringify(session)}`);
        return undefined;
    }
    return {
        stack: entry.stack,
        region,
        githubEnvironment: entry.githubEnvironment ?? "",
        approval: entry.approval === true,
        deployRoleVar: roleVariable(entry.stack, "DEPLOY"),
        previewRoleVar: roleVariable(entry.stack, "PREVIEW"),
        preview: github.pullRequestPreview !== false,
        sessionSeconds: session,
        timeoutMinutes: Math.min(Math.floor(session / 60), MAX_JOB_MINUTES),
        promotedFrom: promotedFromOf(config["ecs-ship:services"]),
    };
}

/** The stack a stack file's services take their images from (config allows one), or "". */
function promotedFromOf(services: unknown): string {
    const froms = Object.values(isRecord(services) ? services : {}).map((s) => (isRecord(s) && isRecord(s.image) ? s.image.from : undefined));
    return (froms.find((f) => typeof f === "string") as string | undefined) ?? "";
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

const USAGE = "usage: tools/project/environments.ts [--only <stack>] [--previewable] [--root <dir>]";

export function main(argv: string[]): number {
    let root = projectRoot();
    let only: string | undefined;
    let previewable = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--only" && argv[i + 1] !== undefined) only = argv[++i];
        else if (argv[i] === "--previewable") previewable = true;
        else if (argv[i] === "--root" && argv[i + 1] !== undefined) root = path.resolve(argv[++i]);
        else {
            process.stderr.write(`environments: unknown argument ${JSON.stringify(argv[i])}; ${USAGE}\n`);
            return 2;
        }
    }
    try {
        let matrix = loadEnvironments(root);
        if (only !== undefined) {
            matrix = matrix.filter((m) => m.stack === only);
            if (matrix.length === 0) {
                process.stderr.write(`environments: --only: "${only}" is not listed in ${ENVIRONMENTS_FILE}; listed: ${loadEnvironments(root).map((m) => m.stack).join(", ")}\n`);
                return 2;
            }
        }
        if (previewable) matrix = matrix.filter((m) => m.preview);
        process.stdout.write(JSON.stringify(matrix) + "\n");
        return 0;
    } catch (e) {
        if (!(e instanceof EnvironmentsError)) throw e;
        process.stderr.write(`${e.message}\n`);
        return 2;
    }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
