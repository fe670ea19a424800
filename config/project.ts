// Where a Pulumi project's files are: the folder holding Pulumi.yaml, its program, and its stack files,
// which sit beside Pulumi.yaml or in the folder Pulumi.yaml names as `stackConfigDir` (Pulumi docs,
// "Pulumi.yaml project file reference", stackConfigDir: "directory containing stack configuration
// files, relative to the project root"). Read by the planner and by every tool the workflows run, so
// they find the same files the Pulumi CLI does, in this repository and in an app's repository. It lives
// in config/, the layer below the tools, because the configuration reads a project's stack files too.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

export const PROJECT_FILE = "Pulumi.yaml";

/** Thrown when the project or stack file cannot be found, read or parsed, or names the wrong stack. */
export class StackFileError extends Error {}

export interface ProjectFile {
    dir: string;
    name: string;
    /** The program's entry, absolute: Pulumi.yaml's `main` (a file, or a folder holding index.ts), else index.ts. */
    program: string;
    /** The folder stack files live in, absolute. */
    stackDir: string;
    config: Record<string, unknown>;
}

/** The nearest folder from `from` upward that holds Pulumi.yaml; `from` itself when none does. */
export function projectRoot(from: string = process.cwd()): string {
    for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, PROJECT_FILE))) return dir;
        if (path.dirname(dir) === dir) return path.resolve(from);
    }
}

export function readYaml(file: string): any {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new StackFileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
        return parseYaml(text);
    } catch (e) {
        throw new StackFileError(`${file}: ${(e as Error).message}`);
    }
}

/** Pulumi.yaml of the project in `dir`. */
export function readProject(dir: string): ProjectFile {
    const file = path.join(dir, PROJECT_FILE);
    const doc = readYaml(file) ?? {};
    if (typeof doc.name !== "string" || !doc.name) throw new StackFileError(`${file}: name: must be the project's name, got ${JSON.stringify(doc.name ?? null)}`);
    const stackConfigDir = doc.stackConfigDir;
    if (stackConfigDir !== undefined && (typeof stackConfigDir !== "string" || !stackConfigDir)) {
        throw new StackFileError(`${file}: stackConfigDir: must be a folder relative to the project, got ${JSON.stringify(stackConfigDir)}`);
    }
    let program = path.resolve(dir, typeof doc.main === "string" ? doc.main : "index.ts");
    if (isDirectory(program)) program = path.join(program, "index.ts");
    return { dir, name: doc.name, program, stackDir: path.resolve(dir, stackConfigDir ?? "."), config: doc.config ?? {} };
}

/** The stack a file is named for (Pulumi.prod.yaml → prod), as the Pulumi CLI names them; undefined for any other name. */
export function stackOfFile(file: string): string | undefined {
    return /^Pulumi\.([^.]+)\.ya?ml$/.exec(path.basename(file))?.[1];
}

/** The stack file of `stack`: Pulumi.<stack>.yaml in the project's stack folder. */
export function stackFileOf(project: ProjectFile, stack: string): string {
    return path.join(project.stackDir, `Pulumi.${stack}.yaml`);
}

/**
 * The stack a given stack file plans: `stack` when given (as `pulumi --stack x --config-file f`),
 * else the one its name says. A file whose name says no stack, with no `stack`, is an error: planned
 * under a guessed name, every physical name would be wrong.
 */
export function stackForFile(file: string, stack: string | undefined): string {
    if (stack !== undefined) return stack;
    const named = stackOfFile(file);
    if (named === undefined) {
        throw new StackFileError(`--stack-file: the file name must say its stack, as Pulumi.<stack>.yaml, got ${JSON.stringify(path.basename(file))} (${path.resolve(file)}); rename it, or pass --stack <name>`);
    }
    return named;
}

/** Where `stack`'s file is for the project in `root`: in its stackConfigDir when Pulumi.yaml names one, else beside it. */
export function stackFilePath(root: string, stack: string): string {
    const hasProject = fs.existsSync(path.join(root, PROJECT_FILE));
    return hasProject ? stackFileOf(readProject(root), stack) : path.join(root, `Pulumi.${stack}.yaml`);
}

function isDirectory(p: string): boolean {
    try { return fs.statSync(p).isDirectory(); } catch { return false; }
}
