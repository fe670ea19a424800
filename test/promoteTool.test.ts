// tools/operate/promote.ts and the protect job's script, on the promotion scenario: staging's planned outputs
// become prod's images, each is tagged prod.<commit> in staging's repository with the ECR User Guide's
// retag (batch-get-image, then put-image), and a rollback finds the image prod ran at a commit by that tag.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { PromoteError, imagesFor, lookupsFor, refsOf, tagsFor } from "../tools/operate/promote";
import { deployWorkflow } from "../tools/workflows/deployWorkflow";
import { loadEnvironments } from "../tools/project/environments";
import { Plan } from "../tools/planner/planner";
import { PROMOTION_DIR, SHA, planPromotion } from "./support/promotion";

/** A project holding the promotion scenario's stack files and an environments file listing them. */
function project(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-promote-"));
    fs.mkdirSync(path.join(root, ".github"));
    fs.writeFileSync(path.join(root, ".github", "environments.json"), JSON.stringify({ environments: [{ stack: "staging" }, { stack: "prod", githubEnvironment: "production" }] }));
    for (const s of ["staging", "prod"]) fs.copyFileSync(path.join(PROMOTION_DIR, `Pulumi.${s}.yaml`), path.join(root, `Pulumi.${s}.yaml`));
    return root;
}

describe("promote: from staging's outputs to prod's images and protected tags", function () {
    this.timeout(240_000);
    let staging: Plan;
    let images: Record<string, string>;
    const root = project();
    before(async () => ({ staging, images } = await planPromotion()));

    it("picks exactly the images prod runs from staging's outputs", () => {
        const refs = refsOf(staging.outputs);
        assert.deepEqual(Object.keys(refs).sort(), ["admin", "web"]);
        assert.deepEqual(imagesFor(root, "prod", refs), images);
        assert.throws(() => imagesFor(root, "prod", { web: images.web }), (e: Error) => e instanceof PromoteError && /^admin: staging's outputs must name its image of admin by digest/.test(e.message));
        assert.throws(() => imagesFor(root, "prod", { ...images, web: images.admin }), /^PromoteError|web: staging's outputs must name its image of web/);
    });

    it("tags each prod.<commit> in its staging repository, and the rollback looks that tag up", () => {
        const [adminDigest, webDigest] = [images.admin.split("@")[1], images.web.split("@")[1]];
        assert.deepEqual(tagsFor("prod", SHA, images), [`ecs-ship-staging-admin ${adminDigest} prod.4f2a9c1`, `ecs-ship-staging-web ${webDigest} prod.4f2a9c1`]);
        assert.deepEqual(lookupsFor(root, "prod", "abcdef1234"), ["admin ecs-ship-staging-admin prod.abcdef1 eu-west-1", "web ecs-ship-staging-web prod.abcdef1 eu-west-1"]);
        assert.throws(() => tagsFor("prod", "main", images), { message: '--commit: must be a commit SHA of 7 to 40 hex characters, got "main"' });
    });

    it("runs the protect job's script: retags what is not tagged yet, and leaves a re-run's tag alone", () => {
        const job = (parse(deployWorkflow(loadEnvironments(root))) as { jobs: Record<string, { steps: { name?: string; run?: string }[] }> }).jobs["protect-prod"];
        const script = job.steps.find((s) => /put-image/.test(s.run ?? ""))!.run!;
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-bin-"));
        const log = path.join(bin, "calls.txt");
        // A fake aws: web already carries its tag (a re-run), admin does not.
        const webDigest = images.web.split("@")[1];
        fs.writeFileSync(path.join(bin, "aws"), `#!/bin/bash
echo "$*" >> "${log}"
case "$*" in
  *describe-images*ecs-ship-staging-web*) echo "${webDigest}" ;;
  *describe-images*) echo "ImageNotFoundException" >&2; exit 254 ;;
  *imageManifestMediaType*) echo "application/vnd.oci.image.manifest.v1+json" ;;
  *batch-get-image*) echo '{"schemaVersion":2}' ;;
esac
`, { mode: 0o755 });
        const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
            cwd: path.join(__dirname, ".."), encoding: "utf8",
            env: { PATH: `${bin}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`, RUNNER_TEMP: bin, IMAGES: JSON.stringify(images), LATER: "prod", GITHUB_SHA: SHA, NODE_PATH: path.join(__dirname, "..", "node_modules") },
        });
        assert.equal(r.status, 0, r.stderr);
        const calls = fs.readFileSync(log, "utf8").trim().split("\n");
        assert.deepEqual(calls.filter((c) => c.startsWith("ecr put-image")), [
            `ecr put-image --repository-name ecs-ship-staging-admin --image-tag prod.4f2a9c1 --image-manifest {"schemaVersion":2} --image-manifest-media-type application/vnd.oci.image.manifest.v1+json`,
        ]);
        assert.match(r.stdout, /ecs-ship-staging-web: prod\.4f2a9c1 already marks sha256:/);
    });
});
