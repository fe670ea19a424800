// `npx ecs-ship init`: sets up an existing app's repository to deploy with ecs-ship. It reads what it
// can (the Dockerfile, its folder and EXPOSE port, the GitHub repository from `git remote`), asks for the
// rest in a terminal (flags answer in a script, --yes takes every default), and writes the Pulumi
// project, one stack file per environment, .github/environments.json and the workflows. It never
// overwrites a file without --force.
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
    return problems;
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

export const PROJECT_YAML = `name: ecs-ship
# The program is index.ts: one line that runs ecs-ship (node_modules/ecs-ship).
main: index.ts
runtime:
  name: nodejs
  options:
    typescript: true
description: Deploys this repository's app to Amazon ECS with ecs-ship.
`;

export const INDEX_TS = `import { ecsShip } from "ecs-ship"; export = ecsShip();\n`;

/** Every file init writes, by path relative to the repository root. */
export function filesFor(o: InitOptions): Record<string, string> {
    const environments = {
        environments: o.stacks.map((stack, i) => (i === 0 ? { stack } : { stack, githubEnvironment: stack, approval: true })),
    };
    const project: Record<string, string> = {
        "Pulumi.yaml": PROJECT_YAML,
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
