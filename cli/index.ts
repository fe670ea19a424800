#!/usr/bin/env node
// npx ecs-ship <command>: set up an app's repository (init), keep its workflows current (upgrade), plan
// offline (plan), and the tools the workflows run (environments, verify, rollback, first-deploy).
import * as path from "path";
import * as readline from "readline/promises";
import { IMMUTABLE_SUBJECT_SINCE, InitError, InitOptions, defaults, detect, filesFor, githubFacts, nextCommands, problemsOf, projectNameOf, repositoryRoot, subjectIds, writeFiles } from "./init";
import { packageManifest } from "./packageInfo";
import { upgradeWorkflows } from "./workflows";

const USAGE = `usage: npx ecs-ship <command> [options]

  init       set up this repository: Pulumi.yaml, index.ts, a stack file per environment, .github/
             [--stacks dev,prod] [--repository owner/name] [--region r] [--context dir] [--dockerfile file]
             [--port n] [--mode fargate|express] [--service name] [--health-check-path /p] [--account id]
             [--owner-id n --repository-id n] [--project name] [--yes] [--force]
  upgrade    rewrite .github/workflows for the installed version and print the diff [--check]
  plan       what \`pulumi up\` would create, offline (same options as \`npm run plan\`; --help)
  environments | verify | rollback | promote | first-deploy | github-checks | review   the tools the workflows run
`;

const INIT_FLAGS: Record<string, keyof InitOptions> = {
    "--stacks": "stacks", "--repository": "repository", "--region": "region", "--context": "context",
    "--dockerfile": "dockerfile", "--port": "port", "--mode": "mode", "--service": "service",
    "--health-check-path": "healthCheckPath", "--account": "account",
    "--owner-id": "ownerId", "--repository-id": "repositoryId", "--project": "project",
};

/** The questions asked in a terminal, in order, for what no flag answered. */
const QUESTIONS: Array<[keyof InitOptions, string]> = [
    ["stacks", "Environments, in deploy order (comma-separated)"],
    ["repository", "GitHub repository (owner/name)"],
    ["region", "AWS region"],
    ["context", "Build context (folder, relative to the repository root)"],
    ["dockerfile", "Dockerfile (relative to the build context)"],
    ["port", "Port the app listens on"],
    ["mode", "ECS mode (fargate or express)"],
    ["healthCheckPath", "Health check path"],
];

function setOption(o: InitOptions, key: keyof InitOptions, value: string): void {
    if (key === "stacks") o.stacks = value.split(",").map((s) => s.trim()).filter(Boolean);
    else if (key === "port" || key === "ownerId" || key === "repositoryId") {
        (o as unknown as Record<string, unknown>)[key] = /^\d+$/.test(value) ? Number(value) : value;
    }
    else (o as unknown as Record<string, string>)[key] = value;
}

async function init(argv: string[]): Promise<number> {
    const root = repositoryRoot();
    const found = detect(root);
    const options = defaults(found);
    const given = new Set<keyof InitOptions>();
    let yes = false, force = false;
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split(/=(.*)/s, 2);
        if (flag === "--yes" || flag === "-y") yes = true;
        else if (flag === "--force") force = true;
        else if (INIT_FLAGS[flag]) {
            const value = inline ?? argv[++i];
            if (value === undefined) return fail(`init: ${flag} needs a value`);
            setOption(options, INIT_FLAGS[flag], value);
            given.add(INIT_FLAGS[flag]);
        } else return fail(`init: unknown argument ${JSON.stringify(argv[i])}\n${USAGE}`);
    }
    // --dockerfile given as a path from the root (services/api/Dockerfile) and no --context: its folder is the context.
    if (given.has("dockerfile") && !given.has("context") && options.dockerfile.includes("/")) {
        options.context = path.posix.dirname(options.dockerfile);
        options.dockerfile = path.posix.basename(options.dockerfile);
    }
    if (!yes && process.stdin.isTTY && process.stdout.isTTY) {
        if (found.dockerfiles.length > 1) process.stdout.write(`Dockerfiles found: ${found.dockerfiles.join(", ")}\n`);
        const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
        try {
            for (const [key, question] of QUESTIONS) {
                if (given.has(key)) continue;
                const current = key === "stacks" ? options.stacks.join(",") : String(options[key] ?? "");
                const answer = (await rl.question(`${question} [${current}]: `)).trim();
                if (answer) setOption(options, key, answer);
            }
        } finally {
            rl.close();
        }
    }
    // The project follows the repository answered, unless --project named it.
    if (!given.has("project")) options.project = projectNameOf(options.repository);
    // The trust's subject form: the ids given, else GitHub's for a repository created since the immutable
    // subject became the default (read with `gh api` when it can be).
    const asked = given.has("ownerId") || given.has("repositoryId");
    const ids = subjectIds(options, asked ? undefined : githubFacts(options.repository));
    options.ownerId = ids.ownerId;
    options.repositoryId = ids.repositoryId;
    const problems = problemsOf(options, root);
    if (problems.length) return fail(`init: ${problems.length} problem(s), nothing was written:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    try {
        const written = writeFiles(root, filesFor(options), force);
        process.stdout.write(`ecs-ship ${packageManifest().version} set up ${root}:\n${written.map((f) => `  ${f}`).join("\n")}\n\nNext:\n`);
        process.stdout.write(nextCommands(options).map((c) => `  ${c}`).join("\n") + "\n");
        process.stdout.write(subjectNote(options, ids.known));
        return 0;
    } catch (e) {
        if (e instanceof InitError) return fail(e.message);
        throw e;
    }
}

/** What init wrote about the OIDC subject, and what to check when it could not tell. */
function subjectNote(o: InitOptions, known: { createdAt: string } | undefined): string {
    if (o.ownerId !== undefined) return `\nThe trust expects GitHub's immutable subject for ${o.repository} (ownerId ${o.ownerId}, repositoryId ${o.repositoryId}).\n`;
    const why = known
        ? `${o.repository} was created on ${known.createdAt.slice(0, 10)}, before ${IMMUTABLE_SUBJECT_SINCE}, so its tokens carry repo:${o.repository}:… unless it was renamed, transferred or opted in to immutable subjects`
        : `gh could not read ${o.repository}, so init could not tell which subject its tokens carry`;
    return `\nNote: ${why}. If the repository's Settings > Actions > OIDC page shows immutable subjects, set ownerId and repositoryId in each stack file (they are there, commented out) before the first deploy, or it fails with "Not authorized to perform sts:AssumeRoleWithWebIdentity".\n`;
}

function upgrade(argv: string[]): number {
    const check = argv.includes("--check");
    const unknown = argv.filter((a) => a !== "--check");
    if (unknown.length) return fail(`upgrade: unknown argument ${JSON.stringify(unknown[0])}\n${USAGE}`);
    const root = repositoryRoot();
    const { changed, diff } = upgradeWorkflows(root, check);
    const version = packageManifest().version;
    if (changed.length === 0) {
        process.stdout.write(`upgrade: the workflows are ecs-ship ${version}'s already\n`);
        return 0;
    }
    process.stdout.write(diff);
    process.stdout.write(check
        ? `upgrade --check: ${changed.length} workflow(s) differ from ecs-ship ${version}'s: ${changed.join(", ")}\n`
        : `upgrade: rewrote ${changed.join(", ")} for ecs-ship ${version}; review the diff above and commit it\n`);
    return check ? 1 : 0;
}

function fail(message: string): number {
    process.stderr.write(`${message}\n`);
    return 2;
}

/** Runs a tool that reads process.argv itself. */
function runScript(module: string, argv: string[]): void {
    process.argv = [process.argv[0], module, ...argv];
    require(module);
}

async function main(argv: string[]): Promise<number | undefined> {
    const [command, ...rest] = argv;
    switch (command) {
        case "init": return init(rest);
        case "upgrade": return upgrade(rest);
        // plan sets process.exitCode itself when it finishes.
        case "plan": runScript("../tools/plan", rest); return undefined;
        case "environments": return require("../tools/project/environments").main(rest);
        case "rollback": return require("../tools/operate/rollback").main(rest);
        // One build promoted (docs/promotion.md): the images a source stack hands on, their protected tags, rollback lookups.
        case "promote": return require("../tools/operate/promote").main(rest);
        case "first-deploy": return require("../tools/operate/first-deploy").main(rest);
        case "verify": return require("../tools/verify").main(rest);
        case "github-checks": return require("../tools/workflows/githubChecks").main(rest);
        case "review": { const review = require("../tools/review/cli"); return review.main(rest, review.realDeps()); }
        case "--version": case "-v": process.stdout.write(`${packageManifest().version}\n`); return 0;
        case undefined: case "--help": case "-h": process.stdout.write(USAGE); return command === undefined ? 2 : 0;
        default: return fail(`ecs-ship: unknown command ${JSON.stringify(command)}\n${USAGE}`);
    }
}

main(process.argv.slice(2)).then(
    (code) => { if (code !== undefined) process.exitCode = code; },
    (e) => { process.stderr.write(`ecs-ship: ${e?.stack ?? e}\n`); process.exitCode = 1; },
);
