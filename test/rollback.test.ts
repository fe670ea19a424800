// Rollback without a rebuild: the stack file's built services pinned to an earlier commit's tag, then
// planned through the real program against a registry that still keeps that image: nothing is built,
// the repository stays, and the service runs that image's digest.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { builtServices, main, pinCommit, repositories, RollbackError, tagFor } from "../tools/operate/rollback";
import { plan } from "../tools/planner/planner";

const ROOT = path.resolve(__dirname, "..");
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-dev-web@sha256:${"ab".repeat(32)}`;

describe("rollback: which images", () => {
    it("tags a commit as its first 7 hex characters, lowercase", () => {
        assert.strictEqual(tagFor("ABCDEF0123456789"), "abcdef0");
    });

    it("refuses a commit that is not hex", () => {
        assert.throws(() => tagFor("main"), (e: RollbackError) => e.message === '--commit: must be a commit SHA of 7 to 40 hex characters, got "main"');
    });

    it("lists the repository and tag of every service built from source in the stack", () => {
        assert.deepStrictEqual(repositories(ROOT, "prod", "0123456789abcdef"), [{ service: "web", repository: "ecs-ship-prod-web", tag: "0123456" }]);
    });

    it("leaves out services that already run a prebuilt image", () => {
        const yaml = "config:\n  ecs-ship:services:\n    web: { mode: express, image: { context: app } }\n    proxy: { mode: express, image: { ref: x } }\n";
        assert.deepStrictEqual(builtServices(yaml), ["web"]);
    });
});

describe("rollback: pinning the stack file", () => {
    const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
    const DIGEST = `sha256:${"ab".repeat(32)}`;

    it("sets only the built service's image tag to the commit's, keeping everything else and the comments", () => {
        const pinned = pinCommit(dev, "ABCDEF1234567");
        assert.strictEqual(pinned.replace("        tag: abcdef1\n", ""), dev);
        assert.match(pinned, /^        dockerfile: Dockerfile\n        tag: abcdef1$/m);
    });

    it("refuses a stack with no service built from source", () => {
        const yaml = `config:\n  ecs-ship:services:\n    proxy: { mode: express, image: { ref: ${IMAGE} } }\n`;
        assert.throws(() => pinCommit(yaml, "abcdef1"), (e: RollbackError) =>
            e.message === "stack file: no service is built from source, so there is no commit image to roll back to");
    });

    it("plans the pinned dev stack through index.ts against a registry that keeps the image: nothing is built, the repository stays", async function () {
        this.timeout(60_000);
        // GIVEN the dev stack file, pinned by the rollback tool to an earlier commit
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-rollback-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.dev.yaml"));
        const saved = process.stdout.write;
        process.stdout.write = (() => true) as typeof process.stdout.write;
        let code: number;
        try {
            code = main(["pin", "--stack", "dev", "--commit", "abcdef1"], dir);
        } finally {
            process.stdout.write = saved;
        }
        assert.strictEqual(code, 0);
        // WHEN the real program plans it, from today's main (another GITHUB_SHA), in an account whose
        // repository still keeps the earlier commit's image
        const world = { images: { "ecs-ship-dev-web": [{ tag: "abcdef1", digest: DIGEST }, { tag: "4f2a9c1", digest: `sha256:${"cd".repeat(32)}` }] } };
        const p = await plan("dev", { stackFile: path.join(dir, "Pulumi.dev.yaml"), world, env: { GITHUB_SHA: "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39" } });
        // THEN the image is not rebuilt (its recorded inputs are kept), the repository stays, and the
        // service and the gate's outputs name the earlier commit's digest
        const images = p.resources.filter((r) => r.type === "docker:index/image:Image");
        assert.deepStrictEqual(images.map((r) => r.ignoreChanges !== undefined && r.ignoreChanges.length > 0), [true]);
        assert.strictEqual(p.resources.filter((r) => r.type === "aws:ecr/repository:Repository").length, 1);
        const service = p.resources.find((r) => r.type === "aws:ecs/expressGatewayService:ExpressGatewayService")!;
        assert.strictEqual((service.inputs.primaryContainer as { image: string }).image, `123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-dev-web@${DIGEST}`);
        assert.strictEqual((p.outputs.services as Record<string, { imageDigest: string }>).web.imageDigest, DIGEST);
    });
});
