// Stack configuration → one validated, typed Settings object.
//
// The only module that reads Pulumi config or the environment. `parseSettings` is pure (tested
// without mocks): it checks the stack file against the schema (schema.ts), resolves the commit
// that tags built images, and checks that build inputs exist. `loadSettings` gathers its inputs
// from Pulumi and the process. Every problem is collected and thrown as one ConfigError, so a user
// fixes a stack file in one pass; index.ts calls this before creating any resource.
//
// Settings carry only what the user set: each component applies its own defaults (config/defaults.ts
// lists them for the docs and the editor's schema).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as nodePath from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { readProject, stackOfFile } from "./project";
import { stackPrefix } from "../components/service/serviceArgs";
import { distance, problemsOf } from "./format";
import { show } from "./rules";
import { releaseFromProcfile } from "./release";
import { OFFLINE, OtherStack, PROMOTED_IMAGES_ENV, Promoted, PromotionTarget, otherStackOf, promotedImages, promotionProblems, promotionTargets } from "./promotion";
import { ReviewRole, ReviewSettings, reviewRoleOf, reviewStackProblems, reviewTemplateProblems, withReviewDefaults, withReviewInstanceDefaults } from "./review";
import { GithubValues, JobValues, NetworkValues, ServiceValues, StackValues, stackSchema } from "./schema";

export { ReviewSettings, reviewSettingsOf } from "./review";
export { CONFIG_KEYS, SERVICE_MODES, ServiceMode, NAT_STRATEGIES, AWS_REGIONS } from "./schema";
export const PROJECT = "ecs-ship";

/** Where a service's image comes from: built from a folder at a commit, or a prebuilt digest reference. */
export type ImageSource =
    | { kind: "build"; context: string; dockerfile?: string; tag: string }
    | { kind: "ref"; ref: string; from?: string; placeholder?: boolean };

/** One entry of `ecs-ship:services`, with its name, its image resolved and its environment as text. */
export interface ServiceConfig extends Omit<ServiceValues, "image" | "environment"> {
    name: string;
    image: ImageSource;
    environment?: Record<string, string>;
}

export interface Settings {
    project: string;
    stack: string;
    region: string;
    /** `ecs-ship-<stack>`: physical names start with it. */
    prefix: string;
    /** Tags applied to every taggable resource through the provider's default tags. */
    tags: Record<string, string>;
    github: GithubValues;
    backend: NonNullable<StackValues["backend"]>;
    registry: NonNullable<StackValues["registry"]>;
    network?: NetworkValues;
    containerInsights?: boolean;
    loadBalancer?: NonNullable<StackValues["loadBalancer"]>;
    /** Sorted by name. */
    services: ServiceConfig[];
    /** The repository root build contexts are relative to (absolute), when the settings were read from a checkout. */
    repositoryRoot?: string;
    /** Scheduled jobs (`ecs-ship:jobs`), sorted by name; each names one of `services`. */
    jobs: JobConfig[];
    /** Later stacks that run this stack's images (`registry.promoteTo`), with the services each takes. */
    promotions: PromotionTarget[];
    /** Review environments (`ecs-ship:review`): the settings, and whether this stack is the template or one PR's instance. */
    review?: ReviewSettings & { stack: ReviewRole };
}

/** One entry of `ecs-ship:jobs`, with its name. */
export interface JobConfig extends JobValues {
    name: string;
}

/** Invalid configuration: one error listing every problem. */
export class ConfigError extends Error {
    constructor(public readonly stack: string, public readonly problems: string[]) {
        super(
            `Invalid ecs-ship configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** What parseSettings reads: raw values, already JSON-decoded where Pulumi stores JSON. */
export interface RawConfig {
    stack: string;
    /** `aws:region` */
    region?: string;
    /** Every `ecs-ship:<key>` value, by key without the namespace. */
    values: Record<string, unknown>;
    /** Full keys of the stack's other config namespaces (`aws:profile`, a mistyped `ecs-shp:services`). */
    otherKeys?: string[];
    /** Process environment (GITHUB_SHA, and ECS_SHIP_PROMOTED_IMAGES for a stack with `image.from`). */
    env: { GITHUB_SHA?: string; [PROMOTED_IMAGES_ENV]?: string };
    /** The other stack files of the project's stack folder, by stack name (config/promotion.ts). @default {} */
    otherStacks?: Record<string, OtherStack>;
    /** Commit of the project checkout (`git rev-parse HEAD`), asked for only when needed. */
    gitHead: () => string | undefined;
    /** The repository root build contexts are relative to; when given, contexts and Dockerfiles must exist there. */
    projectDir?: string;
}

const STACK_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const COMMIT = /^[0-9a-fA-F]{7,40}$/;

/** Turns raw stack configuration into Settings, or throws one ConfigError listing every problem. */
export function parseSettings(raw: RawConfig): Settings {
    const problems: string[] = [];
    if (!STACK_NAME.test(raw.stack)) {
        problems.push(`stack name: must be a lowercase letter followed by up to 19 lowercase letters, digits or hyphens (it starts every physical name), got ${show(raw.stack)}`);
    }
    problems.push(...strayNamespaces(raw.otherKeys ?? []));
    problems.push(...reviewStackProblems(raw.stack, raw.values.review));
    if (raw.values.review !== undefined) problems.push(...reviewTemplateProblems(raw.values));
    const parsed = stackSchema.safeParse({ region: raw.region, ...raw.values }, { reportInput: true });
    if (!parsed.success) problems.push(...problemsOf(parsed.error.issues, stackSchema));
    const others = raw.otherStacks ?? {};
    if (parsed.success) problems.push(...promotionProblems(raw.stack, raw.values, others));
    const promoted = parsed.success && problems.length === 0 ? promotedImages(raw.stack, wantedFrom(parsed.data.services), raw.env[PROMOTED_IMAGES_ENV], others, problems) : {};
    const services = parsed.success ? resolveServices(parsed.data.services, raw, problems, promoted) : [];
    if (problems.length > 0 || !parsed.success) throw new ConfigError(raw.stack, problems);

    const { github, backend, registry, network, containerInsights, loadBalancer, region, jobs, review } = parsed.data;
    const reviewRole = reviewRoleOf(raw.stack);
    return {
        project: PROJECT,
        stack: raw.stack,
        region,
        prefix: stackPrefix(raw.stack),
        // A review instance's resources carry `ecs-ship:review=true` too: the review role's policies key on it.
        tags: { "ecs-ship:stack": raw.stack, "ecs-ship:managed-by": "pulumi", ...(reviewRole?.kind === "instance" ? { "ecs-ship:review": "true" } : {}) },
        github,
        backend: backend ?? {},
        registry: registry ?? {},
        network,
        containerInsights,
        loadBalancer,
        // A pull request's stack runs the template's services at the cheapest settings that work (config/review.ts).
        services: reviewRole?.kind === "instance" && review ? withReviewInstanceDefaults(services) : services,
        ...(raw.projectDir !== undefined ? { repositoryRoot: raw.projectDir } : {}),
        jobs: Object.keys(jobs ?? {}).sort().map((name) => ({ name, ...jobs![name] })),
        promotions: promotionTargets(raw.stack, raw.values, others),
        ...(review && reviewRole ? { review: { ...withReviewDefaults(review), stack: reviewRole } } : {}),
    };
}

/** The services that run an earlier stack's image, with that stack. */
function wantedFrom(values: Record<string, ServiceValues>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).flatMap(([name, s]) => (s.image.from !== undefined ? [[name, s.image.from]] : [])));
}

/** Names, images and environments of valid services: the commit tag resolved once, build inputs checked. */
function resolveServices(values: Record<string, ServiceValues>, raw: RawConfig, problems: string[], promoted: Record<string, Promoted>): ServiceConfig[] {
    let ambient: { value?: string; reported?: boolean } | undefined;
    const commitFor = (key: string, explicit?: string): string | undefined => {
        if (explicit !== undefined) return explicit.slice(0, 7).toLowerCase();
        if (!ambient) {
            const sha = raw.env.GITHUB_SHA;
            const [source, value] = sha ? ["GITHUB_SHA (environment)", sha] : ["git rev-parse HEAD", raw.gitHead()];
            if (value === undefined) ambient = {};
            else if (COMMIT.test(value)) ambient = { value: value.slice(0, 7).toLowerCase() };
            else {
                problems.push(`${source}: must be a commit SHA of 7 to 40 hexadecimal characters, got ${show(value)}`);
                ambient = { reported: true };
            }
        }
        if (ambient.value === undefined && !ambient.reported) {
            problems.push(`${key}: no commit SHA to tag the image with: set ${key}, or GITHUB_SHA, or run from a git checkout, got nothing`);
        }
        return ambient.value;
    };
    return Object.keys(values).sort().map((name) => {
        const { image, environment, ...rest } = values[name];
        const key = `ecs-ship:services.${name}.image`;
        let source: ImageSource;
        if (image.ref !== undefined) {
            source = { kind: "ref", ref: image.ref };
        } else if (image.from !== undefined) {
            // Promoted: the prebuilt path, by digest, in the earlier stack's repository (config/promotion.ts).
            const p = promoted[name];
            source = { kind: "ref", ref: p?.ref ?? "", from: image.from, ...(p?.placeholder ? { placeholder: true } : {}) };
        } else {
            checkBuildInputs(key, image.context!, image.dockerfile, raw.projectDir, problems);
            source = { kind: "build", context: image.context!, dockerfile: image.dockerfile, tag: commitFor(`${key}.tag`, image.tag) ?? "" };
        }
        const env = environment === undefined ? undefined
            : Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)]));
        // A built image's release may come from its folder's Procfile (config/release.ts).
        if (rest.release && rest.release.command === undefined && image.context !== undefined) {
            rest.release = { ...rest.release, command: releaseFromProcfile(`ecs-ship:services.${name}.release`, image.context, raw.projectDir, problems) };
        }
        return { name, ...rest, image: source, environment: env };
    });
}

/** A build that would fail inside `pulumi up` for a missing folder or Dockerfile fails here instead. */
function checkBuildInputs(key: string, context: string, dockerfile: string | undefined, projectDir: string | undefined, problems: string[]): void {
    if (projectDir === undefined) return;
    const dir = nodePath.resolve(projectDir, context);
    if (!isDirectory(dir)) {
        problems.push(`${key}.context: must be a folder relative to the repository root (${projectDir}), got ${show(context)}, but ${dir} does not exist`);
        return;
    }
    const file = nodePath.resolve(dir, dockerfile ?? "Dockerfile");
    if (!isFile(file)) {
        problems.push(`${key}.dockerfile: must be a file relative to ${key}.context (${show(context)}), got ${show(dockerfile ?? "Dockerfile")}${dockerfile === undefined ? " (the default)" : ""}, but ${file} does not exist`);
    }
}

function isDirectory(p: string): boolean {
    try { return fs.statSync(p).isDirectory(); } catch { return false; }
}

function isFile(p: string): boolean {
    try { return fs.statSync(p).isFile(); } catch { return false; }
}

/** Keys under a namespace one or two typing slips away from `ecs-ship`, which ecs-ship would silently ignore. */
function strayNamespaces(keys: string[]): string[] {
    return keys.flatMap((key) => {
        const [ns, ...rest] = key.split(":");
        if (ns === PROJECT || rest.length === 0 || distance(ns.toLowerCase(), PROJECT) > 2) return [];
        return [`${key}: unknown namespace ${show(ns)}, which ecs-ship does not read; did you mean ${PROJECT}:${rest.join(":")}?`];
    });
}

/**
 * Reads the current stack's configuration through Pulumi and the process environment,
 * and validates it. Throws ConfigError (listing every problem) before any resource exists.
 */
export function loadSettings(): Settings {
    const all = pulumi.runtime.allConfig();
    const values: Record<string, unknown> = {};
    const otherKeys: string[] = [];
    for (const [fullKey, text] of Object.entries(all)) {
        if (fullKey.startsWith(`${PROJECT}:`)) values[fullKey.slice(PROJECT.length + 1)] = decode(text);
        else otherKeys.push(fullKey);
    }
    // Paths in stack files are relative to the repository root: the same whether Pulumi.yaml sits at
    // the root or in a folder of its own, and whether the program runs from source or from the package.
    const projectDir = repositoryRoot();
    return parseSettings({
        stack: pulumi.getStack(),
        region: new pulumi.Config("aws").get("region"),
        values,
        otherKeys,
        env: {
            GITHUB_SHA: process.env.GITHUB_SHA,
            // Without the workflow's digests, a preview runs the placeholder; an update refuses (config/promotion.ts).
            [PROMOTED_IMAGES_ENV]: process.env[PROMOTED_IMAGES_ENV] || (pulumi.runtime.isDryRun() ? OFFLINE : undefined),
        },
        gitHead: () => gitHead(projectDir),
        projectDir,
        otherStacks: otherStacks(pulumi.getStack()),
    });
}

/**
 * The variable the planner sets to the folder of the stack file it plans, so the stacks beside it are
 * read (a scenario's folder); Pulumi itself reads stack files from the project's stack folder.
 */
export const STACK_DIR_ENV = "ECS_SHIP_STACK_DIR";

/** The other stack files beside this stack's: where `image.from` and `registry.promoteTo` point. */
function otherStacks(stack: string): Record<string, OtherStack> {
    let dir = process.env[STACK_DIR_ENV];
    if (dir === undefined) {
        try { dir = readProject(process.cwd()).stackDir; } catch { return {}; }
    }
    const out: Record<string, OtherStack> = {};
    let files: string[] = [];
    try { files = fs.readdirSync(dir); } catch { return {}; }
    for (const f of files) {
        const name = stackOfFile(f);
        if (name === undefined || name === stack) continue;
        try {
            const other = otherStackOf(parseYaml(fs.readFileSync(nodePath.join(dir, f), "utf8")), PROJECT);
            if (other) out[name] = other;
        } catch { /* not a readable stack file: as if absent, and `from` naming it says so */ }
    }
    return out;
}

/** Pulumi hands structured values to the program as JSON text; scalars as plain text. */
function decode(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/**
 * The root of the git checkout holding `cwd` (Pulumi runs a program in its project folder), or `cwd`
 * itself outside a checkout.
 */
export function repositoryRoot(cwd: string = process.cwd()): string {
    try {
        const top = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
        return top ? nodePath.resolve(top) : nodePath.resolve(cwd);
    } catch {
        return nodePath.resolve(cwd);
    }
}

function gitHead(cwd: string): string | undefined {
    try {
        return execFileSync("git", ["rev-parse", "HEAD"], { cwd, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    } catch {
        return undefined;
    }
}
