// `npm run plan -- --from <stack file | git ref>`: the plan of the stack before a change.
//
// A file is planned with this checkout's program. A git ref is planned with the program *at that
// ref*: its tree is exported (git archive) into a temporary folder that shares this checkout's
// node_modules, and the project's stack file at the ref is planned there, so a pull request that
// changes only the program is compared with the program it changes. In ecs-ship's own repository the
// ref's own tools/planner/planner.ts plans it; in an app's repository (npx ecs-ship plan) the project's
// index.ts at the ref is planned with the installed ecs-ship, which the lock file pins for both sides.
// Both sides are planned for the same commit (GITHUB_SHA), so the image is not what differs.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RecordedResource, World } from "../planner/mockCloud";
import { ConfigError } from "../../config";
import { ROOT, StackFileError, plan } from "../planner/planner";
import { stackFilePath } from "../../config/project";

/** --from names neither a file nor a commit, or the plan at the ref failed: exit 2 with this message. */
export class FromError extends Error {}

export interface Before {
    /** What the plan compares against, in words: the file, or the file at the ref. */
    label: string;
    resources: RecordedResource[];
    world: World;
}

function git(args: string[], cwd = ROOT): string {
    return execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 }).toString();
}

/** The commit to plan both sides for: GITHUB_SHA, else this checkout's HEAD. */
export function commitSha(env: NodeJS.ProcessEnv = process.env): string {
    if (env.GITHUB_SHA) return env.GITHUB_SHA;
    try {
        return git(["rev-parse", "HEAD"]).trim();
    } catch {
        return "0000000000000000000000000000000000000000";
    }
}

/** The stack before the change: `from` as a stack file, else as a git ref. */
export async function planBefore(from: string, stack: string, stackFile: string | undefined, env: NodeJS.ProcessEnv, projectDir: string = ROOT): Promise<Before> {
    if (fs.existsSync(from) && fs.statSync(from).isFile()) {
        try {
            const p = await plan(stack, { projectDir, stackFile: from, env });
            return { label: from, resources: p.resources, world: p.world };
        } catch (e) {
            if (e instanceof ConfigError || e instanceof StackFileError) throw new FromError(`plan: --from ${from}: ${e.message}`);
            throw e;
        }
    }
    try {
        git(["rev-parse", "--verify", "--quiet", `${from}^{commit}`], projectDir);
    } catch {
        throw new FromError(`plan: --from must be a stack file or a git ref (a branch, tag or commit), got ${JSON.stringify(from)}: no such file, and git knows no such commit`);
    }
    const top = fs.realpathSync(git(["rev-parse", "--show-toplevel"], projectDir).trim());
    const project = fs.realpathSync(projectDir);
    // The stack's file at the ref: the one given, or the project's Pulumi.<stack>.yaml (in its stackConfigDir)
    // when the one given lies outside the repository.
    const own = stackFilePath(project, stack);
    const given = path.relative(top, path.resolve(stackFile ?? own));
    const file = given.startsWith("..") || path.isAbsolute(given) ? path.relative(top, own) : given;
    const label = `${file} at ${from}`;
    try {
        git(["cat-file", "-e", `${from}:${file}`], top);
    } catch {
        // The stack did not exist at the ref: every resource is new.
        return { label: `${label} (no such file: a new stack)`, resources: [], world: { images: {} } };
    }
    if (project !== fs.realpathSync(ROOT)) return { label, ...(await planAppAtRef(from, top, project, file, stack, env)) };
    return { label, ...planAtRef(from, top, file, stack, env) };
}

/** The ref's tree of the repository `top`, exported into a new temporary folder; returns the folder. */
function exportTree(ref: string, top: string, dir: string): string {
    const tar = path.join(dir, "tree.tar");
    git(["archive", "--format=tar", "-o", tar, ref], top);
    const tree = path.join(dir, "tree");
    fs.mkdirSync(tree);
    execFileSync("tar", ["-xf", tar, "-C", tree], { stdio: "ignore" });
    return tree;
}

/** An app's project at `ref`: its program and stack file from the ref, planned with the installed ecs-ship. */
async function planAppAtRef(ref: string, top: string, project: string, file: string, stack: string, env: NodeJS.ProcessEnv): Promise<{ resources: RecordedResource[]; world: World }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-from-"));
    try {
        const tree = exportTree(ref, top, dir);
        const then = path.join(tree, path.relative(top, project));
        if (!fs.existsSync(path.join(then, "Pulumi.yaml"))) return { resources: [], world: { images: {} } };
        // The installed packages, whatever the ref's tree holds under node_modules (a repository that commits them).
        fs.rmSync(path.join(then, "node_modules"), { recursive: true, force: true });
        fs.symlinkSync(fs.realpathSync(path.join(project, "node_modules")), path.join(then, "node_modules"), "dir");
        try {
            const p = await plan(stack, { projectDir: then, stackFile: path.join(tree, file), env });
            return { resources: p.resources, world: p.world };
        } catch (e) {
            throw new FromError(`plan: --from ${ref}: planning ${file} with the program at ${ref} failed:\n${(e as Error).message}`);
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Plans `file` with the program as it was at `ref`, in a child process, from an exported tree. */
function planAtRef(ref: string, top: string, file: string, stack: string, env: NodeJS.ProcessEnv): { resources: RecordedResource[]; world: World } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-from-"));
    try {
        const tree = exportTree(ref, top, dir);
        const project = path.join(tree, path.relative(top, ROOT));
        fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(project, "node_modules"), "dir");
        const out = path.join(dir, "before.json");
        const script = `require(${JSON.stringify(path.join(project, "tools/planner"))}).plan(${JSON.stringify(stack)}, { stackFile: ${JSON.stringify(path.join(tree, file))} })`
            + `.then((p) => require("fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify({ resources: p.resources, world: p.world })))`
            + `.catch((e) => { process.stderr.write(String(e && e.message || e) + "\\n"); process.exitCode = 1; });`;
        const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: project, env: { ...env, TS_NODE_PROJECT: path.join(project, "tsconfig.json") }, encoding: "utf8" });
        if (r.status !== 0 || !fs.existsSync(out)) throw new FromError(`plan: --from ${ref}: planning ${file} with the program at ${ref} failed:\n${(r.stderr || r.error?.message || "").trim()}`);
        return JSON.parse(fs.readFileSync(out, "utf8"));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
