// Rolling a promoted stack back: nothing of its own is pinned; the rollback workflow's promoted job, as
// the source stack, finds the image the stack ran at the commit by its protected tag (prod.<commit>) in
// the source's repository and hands the digests on, as the deploy did. Planned through index.ts with them.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { pinCommit, promotedServices, repositories } from "../tools/operate/rollback";
import { plan } from "../tools/planner/planner";
import { PROMOTED_IMAGES_ENV } from "../config/promotion";
import { planFacts } from "./support/planFacts";
import { PROMOTION_DIR, SHA } from "./support/promotion";

const ROOT = path.resolve(__dirname, "..");
const DIGEST = `sha256:${"ef".repeat(32)}`;

describe("rollback: a promoted stack", function () {
    this.timeout(120_000);
    const prodYaml = fs.readFileSync(path.join(PROMOTION_DIR, "Pulumi.prod.yaml"), "utf8");

    it("pins nothing of its own and lists no repository of its own", () => {
        assert.deepEqual(promotedServices(prodYaml), ["web", "admin"]);
        assert.equal(pinCommit(prodYaml, "abcdef1"), prodYaml);
        assert.deepEqual(repositories(PROMOTION_DIR, "prod", "abcdef1"), []);
    });

    it("finds the images prod ran at the commit by their protected tags, and prod plans with them", async () => {
        // GIVEN the rollback workflow's promoted job, run with a fake aws that holds prod.abcdef1 in both repositories
        const wf = parse(fs.readFileSync(path.join(ROOT, ".github/workflows/rollback.yml"), "utf8")) as { jobs: Record<string, { steps: { id?: string; run?: string }[] }> };
        const script = wf.jobs.promoted.steps.find((s) => s.id === "images")!.run!;
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-bin-"));
        const log = path.join(bin, "calls.txt");
        fs.writeFileSync(path.join(bin, "aws"), `#!/bin/bash\necho "$*" >> "${log}"\ncase "$*" in\n  *imageTag=prod.abcdef1*) printf '123456789012\\t${DIGEST}\\n' ;;\n  *) exit 254 ;;\nesac\n`, { mode: 0o755 });
        // The tool reads the stack files from the project: this repository, with the scenario's files beside it.
        const project = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-project-"));
        for (const s of ["staging", "prod"]) fs.copyFileSync(path.join(PROMOTION_DIR, `Pulumi.${s}.yaml`), path.join(project, `Pulumi.${s}.yaml`));
        const out = path.join(bin, "output.txt");
        const run = (commit: string) => spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script.replace("tools/operate/promote.ts", path.join(ROOT, "tools/operate/promote.ts"))], {
            cwd: project, encoding: "utf8",
            env: { PATH: `${bin}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`, RUNNER_TEMP: bin, GITHUB_OUTPUT: out, STACK: "prod", COMMIT: commit, NODE_PATH: path.join(ROOT, "node_modules"), TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
        });
        const r = run("abcdef1234");
        assert.equal(r.status, 0, r.stderr);
        const images = JSON.parse(fs.readFileSync(out, "utf8").trim().replace(/^images=/, ""));
        assert.deepEqual(images, {
            admin: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-ship-staging-admin@${DIGEST}`,
            web: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-ship-staging-web@${DIGEST}`,
        });
        // WHEN prod is planned with them, THEN each service runs that digest, and nothing is built
        const p = await plan("prod", { stackFile: path.join(PROMOTION_DIR, "Pulumi.prod.yaml"), env: { GITHUB_SHA: SHA, [PROMOTED_IMAGES_ENV]: JSON.stringify(images) } });
        assert.deepEqual([planFacts(p).services.web.image, planFacts(p).services.admin.image], [images.web, images.admin]);
        assert.equal(p.resources.filter((x) => x.type === "docker:index/image:Image").length, 0);
        // AND a commit prod never ran is refused, naming the tag, before anything changes
        const refused = run("0123456789");
        assert.equal(refused.status, 1);
        assert.match(refused.stdout, /::error title=rollback refused::ecs-ship-staging-(admin|web) holds no image tagged prod\.0123456/);
    });
});
