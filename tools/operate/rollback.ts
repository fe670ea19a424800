// Rollback without a rebuild: point every built service of a stack at the image an earlier commit
// pushed, by setting `image.tag` to that commit. The registry finds the tag already in ECR and runs
// that image by digest: nothing is built or pushed, and the repository and its images stay
// (components/registry/containerRegistry.ts, imageOfCommit). The rollback workflow runs this on its own
// checkout, after checking that ECR still keeps each tag, then `pulumi up` and the gate.
//
//   rollback.ts repositories --stack <name> --commit <sha>
//       prints "<service> <repository> <tag>" per built service: what to look up in ECR
//   rollback.ts pin --stack <name> --commit <sha>
//       rewrites Pulumi.<stack>.yaml so each built service takes that commit's image (comments kept)
//
// Exit 2 on bad input, naming what was expected and what was given.
import * as fs from "fs";
import * as path from "path";
import { isMap, parseDocument } from "yaml";
import { serviceResourceName } from "../../components/service/serviceArgs";
import { projectRoot, stackFilePath } from "../../config/project";
import { buildOwnerIn } from "../../config/sharedBuild";

export class RollbackError extends Error {}

const COMMIT = /^[0-9a-f]{7,40}$/i;

/** The image tag ecs-ship pushed for a commit: its first 7 hex characters, lowercase (config.ts). */
export function tagFor(commit: string): string {
    if (!COMMIT.test(commit)) throw new RollbackError(`--commit: must be a commit SHA of 7 to 40 hex characters, got ${JSON.stringify(commit)}`);
    return commit.slice(0, 7).toLowerCase();
}

function stackFile(root: string, stack: string): string {
    const file = stackFilePath(root, stack);
    if (!fs.existsSync(file)) throw new RollbackError(`--stack: no stack file Pulumi.${stack}.yaml (${file})`);
    return file;
}

/** Services built from source ({ context }), in stack-file order; prebuilt ones ({ ref }) have nothing to roll back. */
export function builtServices(yamlText: string): string[] {
    const services = parseDocument(yamlText).toJS()?.config?.["ecs-ship:services"];
    if (typeof services !== "object" || services === null) throw new RollbackError("stack file: no ecs-ship:services");
    return Object.entries<Record<string, unknown>>(services).filter(([, s]) => typeof s?.image === "object" && s.image !== null && "context" in (s.image as object)).map(([name]) => name);
}

/**
 * Services that run an earlier stack's build (`image: { from }`): the rollback workflow finds the image
 * each ran at the commit by its protected tag in the source's repository and passes it in
 * ECS_SHIP_PROMOTED_IMAGES (tools/operate/promote.ts lookups), as the deploy passed it; nothing is pinned here.
 */
export function promotedServices(yamlText: string): string[] {
    const services = parseDocument(yamlText).toJS()?.config?.["ecs-ship:services"];
    if (typeof services !== "object" || services === null) return [];
    return Object.entries<Record<string, unknown>>(services).filter(([, s]) => typeof s?.image === "object" && s.image !== null && "from" in (s.image as object)).map(([name]) => name);
}

export function repositories(root: string, stack: string, commit: string): Array<{ service: string; repository: string; tag: string }> {
    const tag = tagFor(commit);
    const text = fs.readFileSync(stackFile(root, stack), "utf8");
    const names = builtServices(text);
    if (names.length === 0 && promotedServices(text).length > 0) return [];
    if (names.length === 0) throw new RollbackError(`stack ${stack}: no service is built from source, so there is no commit image to roll back to`);
    // A service that shares its build (config/sharedBuild.ts) finds the commit's image in its build owner's repository.
    const services = parseDocument(text).toJS()?.config?.["ecs-ship:services"];
    return names.map((service) => ({ service, repository: serviceResourceName(stack, buildOwnerIn(services, service)), tag }));
}

/** The stack file with every built service's `image.tag` set to the commit's tag. */
export function pinCommit(yamlText: string, commit: string): string {
    const tag = tagFor(commit);
    const doc = parseDocument(yamlText);
    const built = builtServices(yamlText);
    // A stack whose every service is promoted has nothing to pin: its images come from the source's tags.
    if (built.length === 0 && promotedServices(yamlText).length > 0) return yamlText;
    if (built.length === 0) throw new RollbackError("stack file: no service is built from source, so there is no commit image to roll back to");
    for (const service of built) {
        const image = doc.getIn(["config", "ecs-ship:services", service, "image"]);
        if (!isMap(image)) throw new RollbackError(`stack file: ecs-ship:services.${service}.image is not a map`);
        image.set("tag", tag);
    }
    return doc.toString({ flowCollectionPadding: false });
}

function parse(argv: string[]): { command: string; stack: string; commit: string } {
    const [command, ...rest] = argv;
    const out = { command, stack: "", commit: "" };
    for (let i = 0; i < rest.length; i++) {
        const [flag, value] = [rest[i], rest[i + 1]];
        if (value === undefined) throw new RollbackError(`${flag}: needs a value`);
        if (flag === "--stack") out.stack = value;
        else if (flag === "--commit") out.commit = value;
        else throw new RollbackError(`unknown argument ${JSON.stringify(flag)} ${JSON.stringify(value)}`);
        i++;
    }
    if (!["repositories", "pin"].includes(command)) throw new RollbackError(`command: must be "repositories" or "pin", got ${JSON.stringify(command ?? "")}`);
    if (!out.stack) throw new RollbackError("--stack: required");
    tagFor(out.commit);
    return out;
}

export function main(argv: string[], root = projectRoot()): number {
    try {
        const args = parse(argv);
        if (args.command === "repositories") {
            for (const r of repositories(root, args.stack, args.commit)) process.stdout.write(`${r.service} ${r.repository} ${r.tag}\n`);
        } else {
            const file = stackFile(root, args.stack);
            fs.writeFileSync(file, pinCommit(fs.readFileSync(file, "utf8"), args.commit));
            const text = fs.readFileSync(file, "utf8");
            const [built, promoted] = [builtServices(text), promotedServices(text)];
            if (built.length) process.stdout.write(`rollback: Pulumi.${args.stack}.yaml now takes commit ${tagFor(args.commit)}'s images for ${built.join(", ")}\n`);
            if (promoted.length) process.stdout.write(`rollback: ${promoted.join(", ")} run the images ${args.stack} ran at ${tagFor(args.commit)}, passed in ECS_SHIP_PROMOTED_IMAGES\n`);
        }
        return 0;
    } catch (e) {
        if (!(e instanceof RollbackError)) throw e;
        process.stderr.write(`rollback: ${e.message}\n`);
        return 2;
    }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
