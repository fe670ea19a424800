// After an administrator's first `pulumi up` of a stack: which GitHub repository variables the workflows
// need for it, read from the stack outputs, and (with --apply) set with the GitHub CLI.
//
//   pulumi stack output --json --stack dev | npm run -s first-deploy -- --stack dev [--apply] [--repo owner/name]
//   npm run -s first-deploy -- --stack dev --outputs outputs.json
//
// The role ARN variables are repository variables, not environment variables: the preview jobs run in no
// GitHub environment (the preview role trusts the pull_request subject) and must read them too.
// Exit codes: 0 done, 2 bad input (arguments, outputs, no `gh` for --apply), 1 `gh` failed.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ENVIRONMENTS_FILE, loadEnvironments, roleVariable } from "../project/environments";
import { projectRoot } from "../../config/project";

export class FirstDeployError extends Error {}

export interface Variable { name: string; value: string; what: string }

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const USAGE = "usage: npm run -s first-deploy -- --stack <name> [--outputs <file>] [--apply] [--repo <owner/name>]";

/** The repository variables a stack's workflows read, from its `pulumi stack output --json`. */
export function variablesFor(stack: string, outputs: unknown): Variable[] {
    if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) {
        throw new FirstDeployError(`stack outputs: must be the JSON object printed by \`pulumi stack output --json\`, got ${JSON.stringify(outputs)}`);
    }
    const o = outputs as Record<string, unknown>;
    if (typeof o.stack === "string" && o.stack !== stack) throw new FirstDeployError(`stack outputs: belong to stack "${o.stack}", but --stack is "${stack}"`);
    const problems: string[] = [];
    const vars: Variable[] = [];
    const role = (key: string, kind: "DEPLOY" | "PREVIEW", what: string, optional: boolean) => {
        const value = o[key];
        if ((value === undefined || value === null) && optional) return;
        if (typeof value !== "string" || !ROLE_ARN.test(value)) problems.push(`${key}: must be an IAM role ARN, got ${value === undefined ? "nothing" : JSON.stringify(value)}`);
        else vars.push({ name: roleVariable(stack, kind), value, what });
    };
    role("deployRoleArn", "DEPLOY", "role for pulumi up, destroy and rollback", false);
    // previewRoleArn is absent when the stack sets ecs-ship:github.pullRequestPreview: false.
    role("previewRoleArn", "PREVIEW", "read-only role for pulumi preview on pull requests", true);
    if (problems.length) throw new FirstDeployError(`stack outputs: ${problems.join("; ")}`);
    return vars;
}

/**
 * Which OIDC subject format the stack's roles trust, and how to check that the repository's tokens carry
 * it. Source: GitHub Docs, "OpenID Connect", "Immutable subject claims" (github/docs#45221): repositories
 * created, renamed or transferred since 2026-07-15, and older ones that opted in, present
 * repo:OWNER@<ownerId>/NAME@<repositoryId>:…; the others repo:OWNER/NAME:…
 */
export function subjectNote(stackFileName: string, github: { repository?: unknown; ownerId?: unknown; repositoryId?: unknown }): string {
    const repo = typeof github.repository === "string" ? github.repository : "OWNER/NAME";
    const check = `Check which one the repository's tokens carry with \`gh api repos/${repo}/actions/oidc/customization/sub\` (GitHub's OIDC customization API; also Settings > Actions > OIDC): repositories created, renamed or transferred since 2026-07-15, and older ones that opted in, use the immutable form.`;
    if (github.ownerId !== undefined && github.repositoryId !== undefined) {
        const [owner, name] = repo.split("/");
        return `The roles trust only GitHub's immutable subjects, repo:${owner}@${github.ownerId}/${name}@${github.repositoryId}:… (ecs-ship:github.ownerId and repositoryId in ${stackFileName}), and refuse the name-only form. ${check} If it still uses the name-only form, opt it in or remove the two ids.`;
    }
    return `The roles trust only the name-only subjects, repo:${repo}:… ${check} If it uses the immutable form, every "Assume the … role" step fails with "Not authorized to perform sts:AssumeRoleWithWebIdentity": set ecs-ship:github.ownerId and repositoryId in ${stackFileName} to the numbers \`gh api repos/${repo} --jq '{ownerId: .owner.id, repositoryId: .id}'\` prints, and run \`pulumi up\` as an admin.`;
}

function stackGithub(root: string, stack: string): Record<string, unknown> | undefined {
    try {
        const doc = parseYaml(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> } | null;
        const github = doc?.config?.["ecs-ship:github"];
        return typeof github === "object" && github !== null ? github as Record<string, unknown> : undefined;
    } catch {
        return undefined;
    }
}

/** What to tell the administrator, beyond the variables: the backend, the subject format, and the environments file. */
export function reminders(root: string, stack: string): string[] {
    const notes = ["Also set the Pulumi backend once per repository: variable PULUMI_BACKEND_URL (an s3:// URL), or secret PULUMI_ACCESS_TOKEN (Pulumi Cloud); and secret PULUMI_CONFIG_PASSPHRASE if the stack uses passphrase encryption."];
    const github = stackGithub(root, stack);
    if (github) notes.push(subjectNote(`Pulumi.${stack}.yaml`, github));
    let listed;
    try {
        listed = loadEnvironments(root).find((m) => m.stack === stack);
    } catch {
        listed = undefined;
    }
    if (!listed) notes.push(`Stack ${stack} is not in ${ENVIRONMENTS_FILE}: add { "stack": "${stack}" } there, in deploy order, so the workflows deploy it.`);
    else if (listed.githubEnvironment) notes.push(`Create the GitHub environment "${listed.githubEnvironment}"${listed.approval ? " with required reviewers (they approve each deploy)" : ""}, limited to branch main.${listed.approval ? " Each deploy, rollback and destroy of the stack checks this through GitHub's API first, and stops if it is missing." : ""}`);
    return notes;
}

export function render(vars: Variable[], repo?: string): string {
    const width = Math.max(...vars.map((v) => v.name.length));
    const repoFlag = repo ? ` --repo ${repo}` : "";
    return [
        "Set these GitHub repository variables (Settings > Secrets and variables > Actions > Variables):",
        ...vars.map((v) => `  ${v.name.padEnd(width)}  ${v.value}    # ${v.what}`),
        "",
        "or, with the GitHub CLI:",
        ...vars.map((v) => `  gh variable set ${v.name} --body '${v.value}'${repoFlag}`),
    ].join("\n") + "\n";
}

/** Sets each variable with `gh variable set`; `gh` must be on PATH. */
export function apply(vars: Variable[], repo: string | undefined, run = spawnSync): void {
    const probe = run("gh", ["--version"], { encoding: "utf8" });
    if (probe.error) throw new FirstDeployError("--apply: the GitHub CLI (gh) is not installed or not on PATH; set the variables printed above by hand");
    for (const v of vars) {
        const r = run("gh", ["variable", "set", v.name, "--body", v.value, ...(repo ? ["--repo", repo] : [])], { encoding: "utf8" });
        if (r.status !== 0) throw Object.assign(new Error(`gh variable set ${v.name} failed (exit ${r.status}): ${String(r.stderr ?? "").trim()}`), { code: 1 });
    }
}

export function main(argv: string[], root = projectRoot()): number {
    try {
        const args: Record<string, string> = {};
        let doApply = false;
        for (let i = 0; i < argv.length; i++) {
            if (argv[i] === "--apply") doApply = true;
            else if (["--stack", "--outputs", "--repo"].includes(argv[i]) && argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) args[argv[i]] = argv[++i];
            else throw new FirstDeployError(`unknown or incomplete argument ${JSON.stringify(argv[i])}; ${USAGE}`);
        }
        if (!args["--stack"]) throw new FirstDeployError(`--stack: required; ${USAGE}`);
        if (args["--repo"] !== undefined && !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(args["--repo"])) throw new FirstDeployError(`--repo: must be "owner/name", got ${JSON.stringify(args["--repo"])}`);
        if (args["--outputs"] === undefined && process.stdin.isTTY) throw new FirstDeployError(`stack outputs: pipe \`pulumi stack output --json --stack ${args["--stack"]}\` in, or pass --outputs <file>`);
        let outputs: unknown;
        const source = args["--outputs"] ?? "stdin";
        try {
            outputs = JSON.parse(fs.readFileSync(args["--outputs"] ?? 0, "utf8"));
        } catch (e) {
            throw new FirstDeployError(`stack outputs: cannot read ${source} as JSON (${(e as Error).message})`);
        }
        const vars = variablesFor(args["--stack"], outputs);
        process.stdout.write(render(vars, args["--repo"]));
        for (const note of reminders(root, args["--stack"])) process.stdout.write(`\n${note}\n`);
        if (doApply) {
            apply(vars, args["--repo"]);
            process.stdout.write(`\nSet ${vars.map((v) => v.name).join(", ")} with gh.\n`);
        }
        return 0;
    } catch (e) {
        process.stderr.write(`first-deploy: ${(e as Error).message}\n`);
        return e instanceof FirstDeployError ? 2 : 1;
    }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
