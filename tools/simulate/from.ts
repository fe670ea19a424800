// `npm run plan -- --from <stack file | git ref>`: the plan of the stack before a change.
//
// A file is planned with this checkout's program. A git ref is planned with the program *at that
// ref*: its tree is exported (git archive) into a temporary folder that shares this checkout's
// node_modules, and its own tools/planner.ts plans its own stack file there, so a pull request
// that changes only the program is compared with the program it changes. Both sides are planned
// for the same commit (GITHUB_SHA), so the image is not what differs.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RecordedResource, World } from "../mockCloud";
import { ConfigError } from "../../config";
import { ROOT, StackFileError, plan } from "../planner";

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
export async function planBefore(from: string, stack: string, stackFile: string | undefined, env: NodeJS.ProcessEnv): Promise<Before> {
    if (fs.existsSync(from) && fs.statSync(from).isFile()) {
        try {
            const p = await plan(stack, { stackFile: from, env });
            return { label: from, resources: p.resources, world: p.world };
        } catch (e) {
            if (e instanceof ConfigError || e instanceof StackFileError) throw new FromError(`plan: --from ${from}: ${e.message}`);
            throw e;
        }
    }
    try {
        git(["rev-parse", "--verify", "--quiet", `${from}^{commit}`]);
    } catch {
        throw new FromError(`plan: --from must be a stack file or a git ref (a branch, tag or commit), got ${JSON.stringify(from)}: no such file, and git knows no such commit`);
    }
    const top = git(["rev-parse", "--show-toplevel"]).trim();
    // The stack's file at the ref: the one given, or Pulumi.<stack>.yaml when the one given lies outside the repository.
    const given = path.relative(top, path.resolve(stackFile ?? path.join(ROOT, `Pulumi.${stack}.yaml`)));
    const file = given.startsWith("..") || path.isAbsolute(given) ? path.relative(top, path.join(ROOT, `Pulumi.${stack}.yaml`)) : given;
    const label = `${file} at ${from}`;
    try {
        git(["cat-file", "-e", `${from}:${file}`]);
    } catch {
        // The stack did not exist at the ref: every resource is new.
        return { label: `${label} (no such file: a new stack)`, resources: [], world: { images: {} } };
    }
    return { label, ...planAtRef(from, top, file, stack, env) };
}

/** Plans `file` with the program as it was at `ref`, in a child process, from an exported tree. */
function planAtRef(ref: string, top: string, file: string, stack: string, env: NodeJS.ProcessEnv): { resources: RecordedResource[]; world: World } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-from-"));
    try {
        const tar = path.join(dir, "tree.tar");
        git(["archive", "--format=tar", "-o", tar, ref], top);
        const tree = path.join(dir, "tree");
        fs.mkdirSync(tree);
        execFileSync("tar", ["-xf", tar, "-C", tree], { stdio: "ignore" });
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
