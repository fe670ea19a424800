// npm run first-deploy: the GitHub variables a stack needs, read from its outputs, printed, and set with
// the GitHub CLI on request (a stand-in `gh` on PATH records what it was asked to do).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { subjectNote, variablesFor } from "../tools/operate/first-deploy";
import { plan } from "../tools/planner/planner";

const ROOT = path.resolve(__dirname, "..");
const TOOL = path.join(ROOT, "tools", "operate", "first-deploy.ts");
const DEPLOY = "arn:aws:iam::123456789012:role/ecs-ship-staging-github-deploy-1a2b3c4";
const PREVIEW = "arn:aws:iam::123456789012:role/ecs-ship-staging-github-preview-5d6e7f8";
const OUTPUTS = JSON.stringify({ stack: "staging", deployRoleArn: DEPLOY, previewRoleArn: PREVIEW, services: {} });

function run(args: string[], input: string, pathPrefix?: string) {
    const env = { ...process.env, PATH: [pathPrefix, path.dirname(process.execPath), "/usr/bin", "/bin"].filter(Boolean).join(":") };
    return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", TOOL, ...args], { cwd: ROOT, input, encoding: "utf8", env });
}

/** A directory holding a stand-in `gh` that appends its arguments to a log and succeeds. */
function fakeGh(): { dir: string; log: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-gh-"));
    const log = path.join(dir, "calls.log");
    fs.writeFileSync(path.join(dir, "gh"), `#!/bin/bash\necho "$*" >> "${log}"\n`, { mode: 0o755 });
    return { dir, log };
}

describe("first-deploy: which variables", () => {
    it("reads both role variables from the real dev plan's outputs", async function () {
        this.timeout(60_000);
        const p = await plan("dev", { env: { GITHUB_SHA: "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39" } });
        assert.deepStrictEqual(variablesFor("dev", p.outputs).map((v) => [v.name, v.value]), [
            ["DEV_DEPLOY_ROLE_ARN", p.outputs.deployRoleArn],
            ["DEV_PREVIEW_ROLE_ARN", p.outputs.previewRoleArn],
        ]);
    });

    it("skips the preview variable when the stack has no preview role", () => {
        assert.deepStrictEqual(variablesFor("staging", { deployRoleArn: DEPLOY, previewRoleArn: null }).map((v) => v.name), ["STAGING_DEPLOY_ROLE_ARN"]);
    });
});

describe("first-deploy: command line", function () {
    this.timeout(30_000);

    it("prints exactly the variables to set, their values, the gh commands and what else to do", () => {
        const r = run(["--stack", "staging", "--repo", "acme/shop"], OUTPUTS);
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual(r.stdout, [
            "Set these GitHub repository variables (Settings > Secrets and variables > Actions > Variables):",
            `  STAGING_DEPLOY_ROLE_ARN   ${DEPLOY}    # role for pulumi up, destroy and rollback`,
            `  STAGING_PREVIEW_ROLE_ARN  ${PREVIEW}    # read-only role for pulumi preview on pull requests`,
            "",
            "or, with the GitHub CLI:",
            `  gh variable set STAGING_DEPLOY_ROLE_ARN --body '${DEPLOY}' --repo acme/shop`,
            `  gh variable set STAGING_PREVIEW_ROLE_ARN --body '${PREVIEW}' --repo acme/shop`,
            "",
            "Also set the Pulumi backend once per repository: variable PULUMI_BACKEND_URL (an s3:// URL), or secret PULUMI_ACCESS_TOKEN (Pulumi Cloud); and secret PULUMI_CONFIG_PASSPHRASE if the stack uses passphrase encryption.",
            "",
            'Stack staging is not in .github/environments.json: add { "stack": "staging" } there, in deploy order, so the workflows deploy it.',
            "",
        ].join("\n"));
    });

    it("reminds to create the approving GitHub environment of a listed stack", () => {
        const r = run(["--stack", "prod"], JSON.stringify({ stack: "prod", deployRoleArn: DEPLOY.replace("staging", "prod") }));
        assert.strictEqual(r.status, 0, r.stderr);
        assert.match(r.stdout, /\nCreate the GitHub environment "production" with required reviewers \(they approve each deploy\), limited to branch main\. Each deploy, rollback and destroy of the stack checks this through GitHub's API first, and stops if it is missing\.\n$/);
    });

    it("says which OIDC subject format the stack trusts, how to tell which one the repository uses, and what to set", () => {
        const r = run(["--stack", "prod"], JSON.stringify({ stack: "prod", deployRoleArn: DEPLOY.replace("staging", "prod") }));
        assert.ok(r.stdout.includes("\nThe roles trust only the name-only subjects, repo:acme/shop:… Check which one the repository's tokens carry with `gh api repos/acme/shop/actions/oidc/customization/sub`"), r.stdout);
        assert.ok(r.stdout.includes("set ecs-ship:github.ownerId and repositoryId in Pulumi.prod.yaml to the numbers `gh api repos/acme/shop --jq '{ownerId: .owner.id, repositoryId: .id}'` prints"), r.stdout);
        assert.match(subjectNote("Pulumi.dev.yaml", { repository: "acme/shop", ownerId: 123456, repositoryId: 456789 }),
            /^The roles trust only GitHub's immutable subjects, repo:acme@123456\/shop@456789:… \(ecs-ship:github\.ownerId and repositoryId in Pulumi\.dev\.yaml\), and refuse the name-only form\. .* If it still uses the name-only form, opt it in or remove the two ids\.$/);
    });

    it("sets the variables with gh when asked and gh is installed", () => {
        const gh = fakeGh();
        const r = run(["--stack", "staging", "--apply", "--repo", "acme/shop"], OUTPUTS, gh.dir);
        assert.strictEqual(r.status, 0, r.stderr);
        assert.deepStrictEqual(fs.readFileSync(gh.log, "utf8").trim().split("\n"), [
            "--version",
            `variable set STAGING_DEPLOY_ROLE_ARN --body ${DEPLOY} --repo acme/shop`,
            `variable set STAGING_PREVIEW_ROLE_ARN --body ${PREVIEW} --repo acme/shop`,
        ]);
        assert.match(r.stdout, /\nSet STAGING_DEPLOY_ROLE_ARN, STAGING_PREVIEW_ROLE_ARN with gh\.\n$/);
    });

    it("exits 2 when asked to apply without gh, after printing what to set by hand", () => {
        const r = run(["--stack", "staging", "--apply"], OUTPUTS, fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-nogh-")));
        assert.strictEqual(r.status, 2);
        assert.match(r.stdout, /^Set these GitHub repository variables/);
        assert.strictEqual(r.stderr, "first-deploy: --apply: the GitHub CLI (gh) is not installed or not on PATH; set the variables printed above by hand\n");
    });

    it("exits 2 naming the output that is missing", () => {
        const r = run(["--stack", "staging"], JSON.stringify({ stack: "staging", previewRoleArn: PREVIEW }));
        assert.strictEqual(r.status, 2);
        assert.strictEqual(r.stderr, "first-deploy: stack outputs: deployRoleArn: must be an IAM role ARN, got nothing\n");
    });

    it("exits 2 when the outputs belong to another stack", () => {
        const r = run(["--stack", "prod"], OUTPUTS);
        assert.strictEqual(r.status, 2);
        assert.strictEqual(r.stderr, 'first-deploy: stack outputs: belong to stack "staging", but --stack is "prod"\n');
    });
});
