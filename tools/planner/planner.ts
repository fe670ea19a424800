// Runs the real program (index.ts) under Pulumi's mock runtime with one stack's
// configuration, and returns what `pulumi up` would create. Used by `npm run plan`, by
// `npx ecs-ship plan` in an app's repository, and by tests; there is no plan-only composition.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { LimitViolation, preflight } from "../../components/limits/limits";
import { MockCloud, RecordedResource, World, installMocks, physicalName, settle } from "./mockCloud";
import { StackFileError, readProject, readYaml, stackFileOf } from "../../config/project";
import { OFFLINE, PROMOTED_IMAGES_ENV } from "../../config/promotion";
import { STACK_DIR_ENV } from "../../config";

export { StackFileError } from "../../config/project";
/** This repository's project folder: the default when no projectDir is given. */
export const ROOT = path.resolve(__dirname, "../..");

export interface Plan {
    project: string;
    stack: string;
    resources: RecordedResource[];
    outputs: Record<string, unknown>;
    violations: LimitViolation[];
    /** What the plan assumed about the user's cloud that it cannot know offline (subnet zones). */
    assumptions: string[];
    /** The account after this run's `pulumi up`: pass it to the next plan to plan a re-run. */
    world: World;
    /** The folder of the Pulumi.yaml planned (comparison plans read the same project). */
    projectDir?: string;
}

export interface PlanOptions {
    /** The folder holding Pulumi.yaml; defaults to this repository's. */
    projectDir?: string;
    /** Stack file to read; defaults to Pulumi.<stack>.yaml in the project's stack folder (Pulumi.yaml's stackConfigDir). */
    stackFile?: string;
    /** Environment the program sees (GITHUB_SHA); defaults to process.env. */
    env?: NodeJS.ProcessEnv;
    /** The account as a previous run left it (Plan.world); defaults to an empty account. */
    world?: World;
}

/**
 * Builds the config map the Pulumi CLI would hand the program: declared defaults from
 * Pulumi.yaml, then the stack file's values. Structured values travel as JSON text,
 * exactly as the CLI passes them.
 */
export function stackConfig(stack: string, stackFile?: string, projectDir: string = ROOT): Record<string, string> {
    const project = readProject(projectDir);
    const projectName: string = project.name;
    const out: Record<string, string> = {};
    for (const [k, decl] of Object.entries<any>(project.config ?? {})) {
        const key = k.includes(":") ? k : `${projectName}:${k}`;
        const value = decl && typeof decl === "object" && "default" in decl ? decl.default : decl && typeof decl === "object" && "value" in decl ? decl.value : undefined;
        if (value !== undefined) out[key] = encode(value);
    }
    const file = stackFile ?? stackFileOf(project, stack);
    if (!fs.existsSync(file)) throw new StackFileError(`stack "${stack}": no stack file ${path.resolve(file)}`);
    const doc = readYaml(file);
    for (const [k, value] of Object.entries<any>(doc?.config ?? {})) {
        const key = k.includes(":") ? k : `${projectName}:${k}`;
        out[key] = encode(value);
    }
    return out;
}

function encode(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Plans one stack in this process. Re-evaluates index.ts each time, so tests can plan
 * several stacks one after another. Throws ConfigError on invalid configuration.
 */
export async function plan(stack: string, options: PlanOptions = {}): Promise<Plan> {
    const projectDir = options.projectDir ?? ROOT;
    const config = stackConfig(stack, options.stackFile, projectDir);
    const program = readProject(projectDir).program;
    registerTypeScript(program, projectDir);
    const region = config["aws:region"] ?? "us-east-1";
    // A copy: each plan returns its own world, and the one passed in stays as it was.
    const cloud = new MockCloud(region, structuredClone(options.world ?? { images: {} }));
    // The project's own name, as `pulumi up` runs it: URNs and the state keys the trust grants carry it.
    const projectName = String(readProject(projectDir).name);
    installMocks(cloud, projectName, stack);
    pulumi.runtime.setAllConfig(config);

    const env = options.env ?? process.env;
    // What the program reads of the environment: the commit, the promoted images (an offline plan runs a
    // placeholder digest when none is given: config/promotion.ts), and the folder of the stack files
    // beside the one planned, where `image.from` and `registry.promoteTo` point.
    const seen: Record<string, string | undefined> = {
        GITHUB_SHA: env.GITHUB_SHA,
        [PROMOTED_IMAGES_ENV]: env[PROMOTED_IMAGES_ENV] ?? OFFLINE,
        [STACK_DIR_ENV]: options.stackFile ? path.dirname(path.resolve(options.stackFile)) : readProject(projectDir).stackDir,
    };
    const saved = Object.fromEntries(Object.keys(seen).map((k) => [k, process.env[k]]));
    const setEnv = (values: Record<string, string | undefined>) => {
        for (const [k, v] of Object.entries(values)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    };
    setEnv(seen);

    // Errors thrown inside Output callbacks surface as rejections; collect them.
    const asyncErrors: unknown[] = [];
    const onRejection = (e: unknown) => asyncErrors.push(e);
    process.on("unhandledRejection", onRejection);
    try {
        delete require.cache[require.resolve(program)];
        const exported = require(program);
        const outputs: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(exported)) {
            outputs[name] = await resolve(value);
        }
        await settle();
        if (asyncErrors.length) throw asyncErrors[0];
        const violations = preflight(cloud.resources.map((r) => ({ ...r, physicalName: physicalName(r.type, r.name, r.inputs) })));
        cloud.commitRun();
        return { project: projectName, stack, resources: cloud.resources, outputs, violations, assumptions: [...cloud.assumptions], world: cloud.world, projectDir };
    } finally {
        process.off("unhandledRejection", onRejection);
        setEnv(saved);
    }
}

/**
 * A TypeScript program is loaded as Pulumi loads it: through ts-node, transpile-only. Under ts-node
 * already (tests, `npm run plan`) nothing is done; otherwise the project's own ts-node, else the one
 * @pulumi/pulumi vendors for `pulumi up` (with its TypeScript), so an app's repository needs no more.
 */
function registerTypeScript(program: string, projectDir: string): void {
    if (!program.endsWith(".ts") || require.extensions[".ts"]) return;
    const compilerOptions = { module: "commonjs", target: "es2020", esModuleInterop: true };
    try {
        // The project's own ts-node; for a project at a git ref (plan --from, exported to a temporary folder),
        // the one of the checkout it is planned from.
        require(require.resolve("ts-node", { paths: [projectDir, process.cwd()] })).register({ transpileOnly: true, compilerOptions });
        return;
    } catch { /* none of its own: the vendored one */ }
    const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [projectDir, __dirname] }));
    require(path.join(sdk, "vendor", "ts-node@7.0.1")).register({
        transpileOnly: true,
        // The vendored compiler is a folder without a package.json: name its entry file.
        compiler: path.join(sdk, "vendor", "typescript@3.8.3", "typescript.js"),
        compilerOptions,
    });
}

/** Resolves Outputs (deeply) to plain values. */
async function resolve(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        // The Output's own promise: it rejects when a callback inside the program throws, where
        // waiting in .apply would wait for ever (and the process would exit 0 with nothing printed).
        return (value as unknown as { promise(): Promise<unknown> }).promise();
    }
    if (Array.isArray(value)) return Promise.all(value.map(resolve));
    if (value && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = await resolve(v);
        return out;
    }
    return value;
}

/** The document `npm run plan -- --json` prints (the shape DESIGN.md fixes). */
export function planJson(p: Plan): unknown {
    return {
        project: p.project,
        stack: p.stack,
        resources: p.resources.map((r) => ({
            type: r.type,
            name: r.name,
            parent: r.parent,
            inputs: r.displayInputs,
            dependsOn: r.dependsOn,
            provider: r.provider,
            ...(r.customTimeouts ? { customTimeouts: r.customTimeouts } : {}),
            ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
        })),
        outputs: p.outputs,
        assumptions: p.assumptions,
    };
}
