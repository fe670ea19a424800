// Rollback without a rebuild: the stack file's built services pinned to an earlier commit's image by
// digest, then planned through the real program: no image is built, and the service runs that digest.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { builtServices, main, pinImages, repositories, RollbackError, tagFor } from "../tools/rollback";
import { plan } from "../tools/planner";

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

    it("replaces only the built service's image with the digest reference, keeping comments", () => {
        const pinned = pinImages(dev, { web: IMAGE });
        assert.strictEqual(pinned.replace(`        ref: ${IMAGE}\n`, "        context: app\n        dockerfile: Dockerfile\n"), dev);
    });

    it("refuses a missing image and an unknown service, both at once", () => {
        assert.throws(() => pinImages(dev, { api: IMAGE }), (e: RollbackError) =>
            e.message === "--image: no image given for service web; --image: api is not a service built from source in this stack (built: web)");
    });

    it("refuses an image that is not pinned by digest", () => {
        assert.throws(() => pinImages(dev, { web: "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-dev-web:abcdef1" }), (e: RollbackError) =>
            e.message === '--image: web must be <repository uri>@sha256:<64 hex digits>, got "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-dev-web:abcdef1"');
    });

    it("plans the pinned dev stack through index.ts: nothing is built, and the service runs the pinned digest", async function () {
        this.timeout(60_000);
        // GIVEN the dev stack file, pinned by the rollback tool to an earlier commit's image
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-rollback-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.dev.yaml"));
        const saved = process.stdout.write;
        process.stdout.write = (() => true) as typeof process.stdout.write;
        let code: number;
        try {
            code = main(["pin", "--stack", "dev", "--commit", "abcdef1", "--image", `web=${IMAGE}`], dir);
        } finally {
            process.stdout.write = saved;
        }
        assert.strictEqual(code, 0);
        // WHEN the real program plans it
        const p = await plan("dev", { stackFile: path.join(dir, "Pulumi.dev.yaml"), env: { GITHUB_SHA: "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39" } });
        // THEN no docker.Image is registered, the repository stays, and the service and outputs name that digest
        assert.deepStrictEqual(p.resources.filter((r) => r.type === "docker:index/image:Image").length, 0);
        assert.strictEqual(p.resources.filter((r) => r.type === "aws:ecr/repository:Repository").length, 1);
        const service = p.resources.find((r) => r.type === "aws:ecs/expressGatewayService:ExpressGatewayService")!;
        assert.strictEqual((service.inputs.primaryContainer as { image: string }).image, IMAGE);
        assert.strictEqual((p.outputs.services as Record<string, { imageDigest: string }>).web.imageDigest, `sha256:${"ab".repeat(32)}`);
    });
});
