// One build per distinct image (docs/workloads.md, "One build, shared"): services of a stack whose image
// build is identical (a web service and its worker built from the same folder) share one ContainerRegistry.
// The first of them by name, web services before workers, owns it: its repository (`ecs-ship-<stack>-<owner>`) and its build, exactly the
// registry it had before builds were shared, so an existing stack keeps that repository and every image in
// it (rollback targets). The others run the owner's image by the same digest. By name, as the program
// orders services (config/index.ts): moving a service within the stack file changes nothing, and neither
// does renaming or adding a worker beside a web service.
//
// Pure, and it reads services either as config/index.ts resolved them or as a stack file holds them
// (the rollback and promotion tools read stack files), so every reader agrees on who owns which build.
import * as path from "path";
import { CONTAINER_REGISTRY_DEFAULTS } from "../components/registry/containerRegistry";

/** What a service's image build is made of: every input ContainerRegistry's `build` takes from the stack file. */
export interface BuildInputs {
    context: string;
    dockerfile?: string;
    /** The image tag; undefined in a stack file means the deploy's commit, the same for every service. */
    tag?: string;
    architecture?: string;
}

/**
 * The identity of a build: equal keys build the same image. The context and Dockerfile are compared
 * as paths (`app`, `./app` and `app/` are one folder), the defaults applied (Dockerfile, x86_64), and
 * the tag as ContainerRegistry pushes it (its first 7 characters, lowercase). ContainerRegistry's other
 * build input, `args`, is not a stack-file key: the program passes none, so it never tells builds apart.
 * Registry settings (keepImages, forceDelete, kmsKeyArn) are the stack's, the same for every service.
 */
export function buildKey(b: BuildInputs): string {
    const d = CONTAINER_REGISTRY_DEFAULTS;
    const folder = path.posix.normalize(b.context.replace(/\\/g, "/")).replace(/\/+$/, "") || ".";
    const dockerfile = path.posix.normalize((b.dockerfile ?? d.dockerfile).replace(/\\/g, "/"));
    const tag = b.tag === undefined ? "" : b.tag.slice(0, 7).toLowerCase();
    return JSON.stringify([folder, dockerfile, tag, b.architecture ?? d.architecture]);
}

/** A service as the owner rule reads it: its name, and its build when it has one (undefined: prebuilt or promoted). */
export interface BuildingService {
    name: string;
    /** `kind: worker`: a worker owns a shared build only when no web service shares it. */
    worker?: boolean;
    build?: BuildInputs;
}

/**
 * Each built service's build owner, by service name: itself, or the first service with the same build,
 * web services first, then by name. Services without a build are absent. The order `services` come in does not matter.
 */
export function buildOwners(services: BuildingService[]): Map<string, string> {
    const firstOf = new Map<string, string>();
    const owners = new Map<string, string>();
    const rank = (s: BuildingService) => `${s.worker ? 1 : 0}:${s.name}`;
    for (const s of [...services].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0))) {
        if (!s.build) continue;
        const key = buildKey(s.build);
        if (!firstOf.has(key)) firstOf.set(key, s.name);
        owners.set(s.name, firstOf.get(key)!);
    }
    return owners;
}

/** The services of a stack file's `ecs-ship:services` map (as parsed YAML), with their builds. */
export function buildingServicesOf(services: unknown): BuildingService[] {
    if (typeof services !== "object" || services === null) return [];
    return Object.entries(services as Record<string, unknown>).map(([name, raw]) => {
        const s = (typeof raw === "object" && raw !== null ? raw : {}) as { image?: Record<string, unknown>; architecture?: unknown; kind?: unknown };
        const image = s.image;
        if (typeof image?.context !== "string") return { name };
        return {
            name,
            worker: s.kind === "worker",
            build: {
                context: image.context,
                dockerfile: typeof image.dockerfile === "string" ? image.dockerfile : undefined,
                tag: typeof image.tag === "string" ? image.tag : undefined,
                architecture: typeof s.architecture === "string" ? s.architecture : undefined,
            },
        };
    });
}

/** The build owner of `service` in a stack file's services map; the service itself when it shares with none. */
export function buildOwnerIn(services: unknown, service: string): string {
    return buildOwners(buildingServicesOf(services)).get(service) ?? service;
}
