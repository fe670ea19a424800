// One build for a web service and its workers (docs/workloads.md, "One build, shared"): a worker
// (`kind: worker`) whose image build is identical to a web service's (a Celery worker built from the
// Django app's folder) runs that web service's image, by the same digest, and has no repository or build
// of its own. Only workers share, and only a web service owns a shared build, so the rule is stable as a
// stack changes: every web service keeps its own repository and every image in it (its rollback targets)
// whatever services are added, renamed or removed around it. What moves is only a worker, from one web
// service's image to another's (the first by name with the same build), or back to a build of its own;
// a worker's old repository is then deleted at the end of the update, after the worker has moved.
// Two web services, or two workers, built from one folder keep a build each: with either one owning, adding
// a service whose name sorts first would move the owner and delete the other's repository and images.
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
    /** `kind: worker`: a worker runs a web service's build when they are identical, and never owns a shared one. */
    worker?: boolean;
    build?: BuildInputs;
}

/**
 * Each built service's build owner, by service name: itself, or for a worker the first web service by name
 * with the same build. Services without a build are absent. The order `services` come in does not matter.
 */
export function buildOwners(services: BuildingService[]): Map<string, string> {
    const owners = new Map<string, string>();
    const webOf = new Map<string, string>();
    for (const s of [...services].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        if (!s.build || s.worker) continue;
        owners.set(s.name, s.name);
        const key = buildKey(s.build);
        if (!webOf.has(key)) webOf.set(key, s.name);
    }
    for (const s of services) if (s.build && s.worker) owners.set(s.name, webOf.get(buildKey(s.build)) ?? s.name);
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
