// One build, promoted (docs/promotion.md): what the deploy and rollback workflows run to hand a later
// stack the images an earlier stack deployed, and to keep them in the earlier stack's repository.
//
//   pulumi stack output --json --stack staging | promote.ts refs
//       prints {"<service>": "<ref>"} for every service staging built (its imageRef outputs)
//   echo "$REFS" | promote.ts images --stack prod
//       prints {"<service>": "<ref>"} for exactly the services prod runs from its source: the value of
//       ECS_SHIP_PROMOTED_IMAGES for prod's `pulumi up` and gate
//   echo "$IMAGES" | promote.ts tags --stack prod --commit <sha>
//       prints "<repository> <digest> <tag>" per image: the protected tag (`prod.<commit>`) the workflow
//       writes in the source's repository with the source's deploy role, so its lifecycle keeps it
//   promote.ts lookups --stack prod --commit <sha>
//       prints "<service> <repository> <tag> <region>" per promoted service: where the rollback finds the
//       image prod ran at that commit (its protected tag), read with the source's deploy role
//
// Exit 2 on bad input, naming what was expected and what was given.
import * as fs from "fs";
import { parse as parseYaml } from "yaml";
import { promotedTag } from "../../components/registry/promotion";
import { serviceResourceName } from "../../components/service/naming";
import { PROJECT } from "../../config";
import { otherStackOf } from "../../config/promotion";
import { buildOwnerIn } from "../../config/sharedBuild";
import { projectRoot, stackFilePath } from "../../config/project";

export class PromoteError extends Error {}

const COMMIT = /^[0-9a-f]{7,40}$/i;
const REF = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^@]+)@(sha256:[a-f0-9]{64})$/;

/** A later stack's promoted services and the stack they come from, read from its stack file. */
export function promotedServices(root: string, stack: string): { from: string; region: string; services: string[]; repositoryOf: (service: string) => string } {
    const file = stackFilePath(root, stack);
    let doc: unknown;
    try {
        doc = parseYaml(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new PromoteError(`--stack: no readable stack file ${file} (${(e as Error).message})`);
    }
    const values = otherStackOf(doc, PROJECT)?.values ?? {};
    const services = Object.entries((values.services ?? {}) as Record<string, { image?: { from?: unknown } }>)
        .filter(([, s]) => typeof s?.image?.from === "string").map(([n, s]) => [n, String(s.image!.from)] as const);
    if (services.length === 0) throw new PromoteError(`--stack: ${stack} runs no earlier stack's image (no service has image.from)`);
    const from = services[0][1];
    const source = otherStackOf(parseYaml(fs.readFileSync(stackFilePath(root, from), "utf8")), PROJECT);
    // A service that shares its build in the source (config/sharedBuild.ts) runs its build owner's repository.
    const repositoryOf = (service: string) => serviceResourceName(from, buildOwnerIn(source?.values.services, service));
    return { from, region: source?.region ?? "us-east-1", services: services.map(([n]) => n).sort(), repositoryOf };
}

/** The built services' image references in a stack's outputs. */
export function refsOf(outputs: unknown): Record<string, string> {
    const services = (outputs as { services?: Record<string, { imageRef?: unknown; repositoryUrl?: unknown }> } | null)?.services;
    if (typeof services !== "object" || services === null) throw new PromoteError("stdin: must be `pulumi stack output --json` of the source stack, with services");
    return Object.fromEntries(Object.entries(services).filter(([, s]) => typeof s?.repositoryUrl === "string" && typeof s.imageRef === "string").map(([n, s]) => [n, String(s.imageRef)]));
}

/** Exactly the images `stack` runs from its source, each its source's own repository by digest. */
export function imagesFor(root: string, stack: string, refs: Record<string, unknown>): Record<string, string> {
    const { from, services, repositoryOf } = promotedServices(root, stack);
    return Object.fromEntries(services.map((service) => {
        const ref = refs[service];
        const m = typeof ref === "string" ? REF.exec(ref) : null;
        if (!m || m[3] !== repositoryOf(service)) {
            throw new PromoteError(`${service}: ${from}'s outputs must name its image of ${service} by digest, <account>.dkr.ecr.<region>.amazonaws.com/${repositoryOf(service)}@sha256:<64 hex>, got ${JSON.stringify(ref ?? null)}`);
        }
        return [service, ref as string];
    }));
}

/** What to tag in the source's repositories: each image's repository, digest and the later stack's tag. */
export function tagsFor(stack: string, commit: string, images: Record<string, unknown>): string[] {
    if (!COMMIT.test(commit)) throw new PromoteError(`--commit: must be a commit SHA of 7 to 40 hex characters, got ${JSON.stringify(commit)}`);
    const lines = Object.keys(images).sort().map((service) => {
        const m = typeof images[service] === "string" ? REF.exec(images[service] as string) : null;
        if (!m) throw new PromoteError(`stdin.${service}: must be an image reference by digest, got ${JSON.stringify(images[service])}`);
        return `${m[3]} ${m[4]} ${promotedTag(stack, commit)}`;
    });
    // Services sharing one build (config/sharedBuild.ts) run one image: it is tagged once.
    return [...new Set(lines)];
}

/** Where the rollback reads the image `stack` ran at `commit`: its protected tag in the source's repository. */
export function lookupsFor(root: string, stack: string, commit: string): string[] {
    if (!COMMIT.test(commit)) throw new PromoteError(`--commit: must be a commit SHA of 7 to 40 hex characters, got ${JSON.stringify(commit)}`);
    const { region, services, repositoryOf } = promotedServices(root, stack);
    return services.map((service) => `${service} ${repositoryOf(service)} ${promotedTag(stack, commit)} ${region}`);
}

function flags(argv: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < argv.length; i += 2) {
        if (!["--stack", "--commit"].includes(argv[i]) || argv[i + 1] === undefined) throw new PromoteError(`unknown argument ${JSON.stringify(argv[i])}; usage: promote.ts refs | images --stack <s> | tags --stack <s> --commit <sha> | lookups --stack <s> --commit <sha>`);
        out[argv[i]] = argv[i + 1];
    }
    return out;
}

function stdinJson(): Record<string, unknown> {
    try {
        return JSON.parse(fs.readFileSync(0, "utf8"));
    } catch (e) {
        throw new PromoteError(`stdin: must be JSON (${(e as Error).message})`);
    }
}

export function main(argv: string[], root = projectRoot()): number {
    try {
        const [command, ...rest] = argv;
        const f = flags(rest);
        const need = (k: string) => f[k] ?? (() => { throw new PromoteError(`${k}: required`); })();
        if (command === "refs") process.stdout.write(`${JSON.stringify(refsOf(stdinJson()))}\n`);
        else if (command === "images") process.stdout.write(`${JSON.stringify(imagesFor(root, need("--stack"), stdinJson()))}\n`);
        else if (command === "tags") process.stdout.write(tagsFor(need("--stack"), need("--commit"), stdinJson()).map((l) => `${l}\n`).join(""));
        else if (command === "lookups") process.stdout.write(lookupsFor(root, need("--stack"), need("--commit")).map((l) => `${l}\n`).join(""));
        else throw new PromoteError(`command: must be refs, images, tags or lookups, got ${JSON.stringify(command ?? "")}`);
        return 0;
    } catch (e) {
        if (!(e instanceof PromoteError)) throw e;
        process.stderr.write(`promote: ${e.message}\n`);
        return 2;
    }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
