// `npx ecs-ship init`: sets up an existing app's repository to deploy with ecs-ship. It reads what it
// can (the Dockerfile, its folder and EXPOSE port, the GitHub repository from `git remote`), asks for the
// rest in a terminal (flags answer in a script, --yes takes every default), and writes the Pulumi
// project, one stack file per environment, .github/environments.json and the workflows. It never
// overwrites a file without --force.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repositoryRoot } from "../config";
import { exposedPort, findDockerfiles, remoteRepository } from "./detect";
import { packageManifest } from "./packageInfo";
import { currentWorkflows } from "./workflows";

export class InitError extends Error {}

export interface InitOptions {
    /** Environments in deploy order; each is a stack. */
    stacks: string[];
    repository: string;
    region: string;
    /** Build context, relative to the repository root. */
    context: string;
    /** Dockerfile, relative to the context. */
    dockerfile: string;
    port: number;
    mode: "fargate" | "express";
    service: string;
    healthCheckPath: string;
    /** The AWS account every stack shares, when it is one: later stacks reuse the first one's GitHub OIDC provider. */
    account?: string;
    /**
     * The repository owner's and the repository's immutable numeric ids. Given, the stack files pin the trust to
     * GitHub's immutable subject `repo:OWNER@<ownerId>/NAME@<repositoryId>:…`, the only form that repositories
     * created, renamed or transferred since 2026-07-15 present (GitHub Docs, "OpenID Connect", "Immutable
     * subject claims", github/docs#45221). Read with `gh api` when it can be; else left for the user, with the
     * command that prints them.
     */
    ownerId?: number;
    repositoryId?: number;
    /** The Pulumi project's name: the repository's, so two apps never share a project (and state) in one backend. */
    project: string;
}

/** What GitHub says of the repository, when `gh` can ask: its ids and when it was created. */
export interface GithubFacts { ownerId: number; repositoryId: number; createdAt: string }

/**
 * The day GitHub began giving new repositories the immutable subject by default. Source: GitHub Docs,
 * "OpenID Connect", "Immutable subject claims" (github/docs#45221; changelog 2026-04-23).
 */
export const IMMUTABLE_SUBJECT_SINCE = "2026-07-15";

/**
 * Reads the repository's ids and creation date with the GitHub CLI (`gh api repos/OWNER/NAME`), when it is
 * installed and signed in; undefined otherwise (offline, no gh, no access), and init says what to run.
 */
export function githubFacts(repository: string, run: (args: string[]) => string = ghApi): GithubFacts | undefined {
    try {
        const out = JSON.parse(run(["api", `repos/${repository}`, "--jq", "{ownerId: .owner.id, repositoryId: .id, createdAt: .created_at}"]));
        if (Number.isInteger(out.ownerId) && Number.isInteger(out.repositoryId) && typeof out.createdAt === "string") return out;
    } catch {
        // gh missing, not signed in, offline, or no access: init falls back to the name-only subject and says so.
    }
    return undefined;
}

function ghApi(args: string[]): string {
    return execFileSync("gh", args, { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "ignore"] });
}

/**
 * The ids to pin the trust to: those given, else GitHub's for a repository created on or after
 * IMMUTABLE_SUBJECT_SINCE (its tokens carry only the immutable subject). An older repository keeps the
 * name-only subject unless it was renamed, transferred or opted in, which the API does not say: init then
 * writes the ids commented out, with how to tell.
 */
export function subjectIds(o: Pick<InitOptions, "ownerId" | "repositoryId">, facts: GithubFacts | undefined): { ownerId?: number; repositoryId?: number; known?: GithubFacts } {
    if (o.ownerId !== undefined || o.repositoryId !== undefined) return { ownerId: o.ownerId, repositoryId: o.repositoryId };
    if (facts && facts.createdAt.slice(0, 10) >= IMMUTABLE_SUBJECT_SINCE) return { ownerId: facts.ownerId, repositoryId: facts.repositoryId };
    return { known: facts };
}

/** A Pulumi project name from the repository's: letters, digits, "-", "_" and "." (Pulumi project schema, `name`). */
export function projectNameOf(repository: string): string {
    const name = (repository.split("/")[1] ?? "").replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 100);
    return name || "app";
}

export interface Detected { dockerfiles: string[]; repository?: string; port?: number }

export function detect(root: string): Detected {
    const dockerfiles = findDockerfiles(root);
    const first = dockerfiles[0];
    const port = first === undefined ? undefined : exposedPort(fs.readFileSync(path.join(root, first), "utf8"));
    return { dockerfiles, repository: remoteRepository(root), port };
}

/** Every answer's default, from what was detected. */
export function defaults(found: Detected, env: NodeJS.ProcessEnv = process.env): InitOptions {
    const first = found.dockerfiles[0] ?? "Dockerfile";
    return {
        stacks: ["dev", "prod"],
        repository: found.repository ?? "",
        region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
        context: path.posix.dirname(first),
        dockerfile: path.posix.basename(first),
        port: found.port ?? 8080,
        mode: "fargate",
        service: "web",
        healthCheckPath: "/",
        project: projectNameOf(found.repository ?? ""),
    };
}

const STACK = /^[a-z][a-z0-9-]{0,19}$/;
const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;

/** Every problem with the answers, each naming its flag, what is allowed and what was given. */
export function problemsOf(o: InitOptions, root: string): string[] {
    const problems: string[] = [];
    if (o.stacks.length === 0) problems.push("--stacks: must list at least one environment, got none");
    for (const s of o.stacks) if (!STACK.test(s)) problems.push(`--stacks: each must be a lowercase letter followed by up to 19 lowercase letters, digits or hyphens, got ${JSON.stringify(s)}`);
    if (new Set(o.stacks).size !== o.stacks.length) problems.push(`--stacks: each environment once, got ${o.stacks.join(",")}`);
    if (!REPOSITORY.test(o.repository)) problems.push(`--repository: must be the GitHub repository as owner/name (no GitHub remote was found to read it from), got ${JSON.stringify(o.repository)}`);
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(o.region)) problems.push(`--region: must be an AWS region such as us-east-1, got ${JSON.stringify(o.region)}`);
    const dockerfile = path.resolve(root, o.context, o.dockerfile);
    if (!fs.existsSync(dockerfile)) problems.push(`--dockerfile: must be a Dockerfile in --context (relative to the repository root ${root}), but ${dockerfile} does not exist`);
    if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) problems.push(`--port: must be an integer from 1 to 65535, got ${JSON.stringify(o.port)}`);
    if (o.mode !== "fargate" && o.mode !== "express") problems.push(`--mode: must be one of fargate, express, got ${JSON.stringify(o.mode)}`);
    if (!/^[a-z][a-z0-9-]{0,19}$/.test(o.service)) problems.push(`--service: must be a lowercase letter followed by up to 19 lowercase letters, digits or hyphens, got ${JSON.stringify(o.service)}`);
    if (!o.healthCheckPath.startsWith("/")) problems.push(`--health-check-path: must start with "/", got ${JSON.stringify(o.healthCheckPath)}`);
    if (o.account !== undefined && !/^\d{12}$/.test(o.account)) problems.push(`--account: must be a 12-digit AWS account id, got ${JSON.stringify(o.account)}`);
    for (const [flag, id] of [["--owner-id", o.ownerId], ["--repository-id", o.repositoryId]] as const) {
        if (id !== undefined && (!Number.isSafeInteger(id) || id < 1)) problems.push(`${flag}: must be GitHub's numeric id (gh api repos/OWNER/NAME --jq '{ownerId: .owner.id, repositoryId: .id}'), got ${JSON.stringify(id)}`);
    }
    if ((o.ownerId === undefined) !== (o.repositoryId === undefined)) problems.push(`--owner-id and --repository-id: give both or neither (the immutable subject names both), got only ${o.ownerId === undefined ? "--repository-id" : "--owner-id"}`);
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(o.project)) problems.push(`--project: must be a Pulumi project name (letters, digits, "-", "_" and ".", at most 100), got ${JSON.stringify(o.project)}`);
    return problems;
}

/**
 * The trust's subject form. With the ids, the roles trust only GitHub's immutable subject; without them, the
 * lines are written commented out with how to tell which form the repository's tokens carry.
 */
function subjectLines(o: InitOptions): string[] {
    if (o.ownerId !== undefined && o.repositoryId !== undefined) {
        return [
            "    # GitHub's immutable subject (repo:OWNER@<ownerId>/NAME@<repositoryId>:…), which this repository's tokens carry.",
            `    ownerId: ${o.ownerId}`,
            `    repositoryId: ${o.repositoryId}`,
        ];
    }
    return [
        `    # Repositories created, renamed or transferred since ${IMMUTABLE_SUBJECT_SINCE} (and older ones that opted in) present the`,
        "    # immutable subject repo:OWNER@<ownerId>/NAME@<repositoryId>:…; for those, uncomment both with the numbers",
        `    # \`gh api repos/${o.repository} --jq '{ownerId: .owner.id, repositoryId: .id}'\` prints (docs/ci-cd.md).`,
        "    # ownerId: <owner id>",
        "    # repositoryId: <repository id>",
    ];
}

const OIDC_PROVIDER = "oidc-provider/token.actions.githubusercontent.com";

/** One environment's stack file. The first deploys from main; each later one from a GitHub environment of its name, after approval. */
export function stackFile(o: InitOptions, stack: string): string {
    const first = stack === o.stacks[0];
    const lines = [
        "# yaml-language-server: $schema=./node_modules/ecs-ship/schema/stack.schema.json",
        `# The ${stack} environment. Every key: node_modules/ecs-ship/docs/configuration.md. Paths are relative to the repository root.`,
        "config:",
        `  aws:region: ${o.region}`,
        "  ecs-ship:github:",
        `    repository: ${o.repository}`,
        ...subjectLines(o),
        ...(first ? ["    deployBranches: [main]"] : ["    deployBranches: []", `    deployEnvironments: [${stack}]`]),
        "    pullRequestPreview: true",
    ];
    if (first && o.stacks.length > 1) {
        lines.push("    # Creates the account's GitHub OIDC provider and keeps it on destroy: the other stacks of the account reuse it.", "    retainProvider: true");
    } else if (!first) {
        const arn = `arn:aws:iam::${o.account ?? "<account-id>"}:${OIDC_PROVIDER}`;
        lines.push(`    # An account holds one GitHub OIDC provider. In ${o.stacks[0]}'s account, reuse it${o.account ? "" : " (uncomment, with the account id)"}; in an account of its own, leave this out.`);
        lines.push(`    ${o.account ? "" : "# "}oidcProviderArn: ${arn}`);
    }
    lines.push(
        "  ecs-ship:services:",
        `    ${o.service}:`,
        `      mode: ${o.mode}`,
        "      image:",
        `        context: ${o.context}`,
        `        dockerfile: ${o.dockerfile}`,
        `      port: ${o.port}`,
        `      healthCheckPath: ${o.healthCheckPath}`,
    );
    return lines.join("\n") + "\n";
}

/**
 * Pulumi.yaml. The project is named after the app, not ecs-ship: Pulumi keeps a self-managed backend's state
 * under `.pulumi/stacks/<project>/<stack>.json` (Pulumi docs, "State and backends"), so two apps sharing a
 * state bucket under one project name would share stack `dev`'s state. The trust scopes state access to this
 * project (components/trust/stackPolicies.ts, statePolicy).
 */
export function projectYaml(project: string): string {
    return `name: ${project}
# The program is index.ts: one line that runs ecs-ship (node_modules/ecs-ship).
main: index.ts
runtime:
  name: nodejs
  options:
    typescript: true
description: Deploys this repository's app to Amazon ECS with ecs-ship.
`;
}

export const INDEX_TS = `import { ecsShip } from "ecs-ship"; export = ecsShip();\n`;

/** Every file init writes, by path relative to the repository root. */
export function filesFor(o: InitOptions): Record<string, string> {
    const environments = {
        environments: o.stacks.map((stack, i) => (i === 0 ? { stack } : { stack, githubEnvironment: stack, approval: true })),
    };
    const project: Record<string, string> = {
        "Pulumi.yaml": projectYaml(o.project),
        "index.ts": INDEX_TS,
        ...Object.fromEntries(o.stacks.map((s) => [`Pulumi.${s}.yaml`, stackFile(o, s)])),
        ".github/environments.json": JSON.stringify(environments, null, 2) + "\n",
    };
    // The workflows are made from these files as they will be (deploy.yml has a job per environment):
    // rendered from a scratch copy, so nothing is written before every file is known.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-init-"));
    try {
        for (const [file, text] of Object.entries(project)) {
            fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
            fs.writeFileSync(path.join(scratch, file), text);
        }
        const workflows = currentWorkflows(scratch);
        return { ...project, ...Object.fromEntries(Object.entries(workflows).map(([f, text]) => [`.github/workflows/${f}`, text])) };
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

/** The three commands after init: install, plan offline, deploy the first stack once as an administrator. */
export function nextCommands(o: InitOptions): string[] {
    const { version, peerDependencies } = packageManifest();
    const peers = Object.entries(peerDependencies).map(([name, range]) => `${name}@${range}`).join(" ");
    return [
        `npm install --save-dev ecs-ship@${version} ${peers}`,
        `npx ecs-ship plan --stack ${o.stacks[0]}`,
        `pulumi up --stack ${o.stacks[0]} && pulumi stack output --json --stack ${o.stacks[0]} | npx ecs-ship first-deploy --stack ${o.stacks[0]} --apply`,
    ];
}

/** Writes the files; refuses, writing nothing, when any exists and `force` is not set. */
export function writeFiles(root: string, files: Record<string, string>, force: boolean): string[] {
    const existing = Object.keys(files).filter((f) => fs.existsSync(path.join(root, f)));
    if (existing.length > 0 && !force) {
        throw new InitError(`init: ${existing.length} file(s) exist and were left as they are: ${existing.map((f) => path.join(root, f)).join(", ")}; pass --force to overwrite them (nothing was written)`);
    }
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
    }
    return Object.keys(files);
}

export { repositoryRoot };
