// .github/environments.json: the one place that lists environments, their order and their approvals.
// The shipped file against the shipped stack files, and every rule with its exact message.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EnvironmentsError, loadEnvironments, roleVariable } from "../tools/project/environments";

const ROOT = path.resolve(__dirname, "..");

/** A project directory with the given environments file and stack files (name -> YAML). */
function project(environments: unknown, stacks: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-envs-"));
    fs.mkdirSync(path.join(root, ".github"));
    fs.writeFileSync(path.join(root, ".github", "environments.json"), typeof environments === "string" ? environments : JSON.stringify(environments));
    for (const [stack, yaml] of Object.entries(stacks)) fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), yaml);
    return root;
}

const onBranch = (region = "us-east-1") => `config:\n  aws:region: ${region}\n  ecs-ship:github: { repository: acme/shop, deployBranches: [main] }\n`;
const inEnvironment = (env: string) => `config:\n  aws:region: us-east-1\n  ecs-ship:github: { repository: acme/shop, deployBranches: [], deployEnvironments: [${env}] }\n`;

function problems(root: string): string[] {
    try {
        loadEnvironments(root);
    } catch (e) {
        if (e instanceof EnvironmentsError) return e.problems;
        throw e;
    }
    return [];
}

describe("environments: the shipped file", () => {
    it("deploys dev on main, then prod inside the approving production environment", () => {
        assert.deepStrictEqual(loadEnvironments(ROOT).map((m) => [m.stack, m.githubEnvironment, m.approval, m.region]), [["dev", "", false, "us-east-1"], ["prod", "production", true, "us-east-1"]]);
    });

    it("prints the matrix as one line of JSON, as the workflows' first job reads it", () => {
        const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools", "project", "environments.ts"), "--only", "prod"], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.deepStrictEqual(JSON.parse(r.stdout), [{
            stack: "prod", region: "us-east-1", githubEnvironment: "production", approval: true, deployRoleVar: "PROD_DEPLOY_ROLE_ARN", previewRoleVar: "PROD_PREVIEW_ROLE_ARN",
            preview: true, sessionSeconds: 3600, timeoutMinutes: 60, promotedFrom: "",
        }]);
        assert.strictEqual(r.stdout.split("\n").length, 2);
    });

    it("exits 2 naming the listed stacks when --only names another", () => {
        const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools", "project", "environments.ts"), "--only", "qa"], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(r.status, 2);
        assert.strictEqual(r.stderr, 'environments: --only: "qa" is not listed in .github/environments.json; listed: dev, prod\n');
    });
});

describe("environments: session length and preview role, from each stack file", () => {
    const stack = (github: string) => `config:\n  aws:region: us-east-1\n  ecs-ship:github: { repository: acme/shop, ${github} }\n`;

    it("passes the stack's maxSessionDuration on as the session, and the job's timeout in minutes", () => {
        const m = loadEnvironments(project({ environments: [{ stack: "dev" }, { stack: "qa" }] }, { dev: stack("maxSessionDuration: 10800"), qa: stack("deployBranches: [main]") }));
        assert.deepStrictEqual(m.map((e) => [e.stack, e.sessionSeconds, e.timeoutMinutes]), [["dev", 10800, 180], ["qa", 3600, 60]]);
    });

    it("caps the job's timeout at GitHub's 6 hours for a 12-hour session", () => {
        const m = loadEnvironments(project({ environments: [{ stack: "dev" }] }, { dev: stack("maxSessionDuration: 43200") }));
        assert.deepStrictEqual([m[0].sessionSeconds, m[0].timeoutMinutes], [43200, 360]);
    });

    it("refuses a session IAM would refuse", () => {
        assert.deepStrictEqual(problems(project({ environments: [{ stack: "dev" }] }, { dev: stack("maxSessionDuration: 600") })), [
            "environments[0]: Pulumi.dev.yaml ecs-ship:github.maxSessionDuration must be an integer from 3600 to 43200 seconds, got 600",
        ]);
    });

    it("--previewable leaves out a stack without a preview role", () => {
        const root = project({ environments: [{ stack: "dev" }, { stack: "qa" }] }, { dev: stack("pullRequestPreview: false"), qa: stack("deployBranches: [main]") });
        const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools", "project", "environments.ts"), "--previewable", "--root", root], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.deepStrictEqual(JSON.parse(r.stdout).map((m: { stack: string }) => m.stack), ["qa"]);
    });
});

describe("environments: rules", () => {
    it("names repository variables after the stack, upper-cased, hyphens as underscores", () => {
        assert.deepStrictEqual([roleVariable("eu-prod", "DEPLOY"), roleVariable("dev", "PREVIEW")], ["EU_PROD_DEPLOY_ROLE_ARN", "DEV_PREVIEW_ROLE_ARN"]);
    });

    it("takes each region from its stack file", () => {
        const root = project({ environments: [{ stack: "dev" }, { stack: "eu" }] }, { dev: onBranch(), eu: onBranch("eu-central-1") });
        assert.deepStrictEqual(loadEnvironments(root).map((m) => m.region), ["us-east-1", "eu-central-1"]);
    });

    const cases: Array<[string, unknown, Record<string, string>, string[]]> = [
        ["an empty list", { environments: [] }, {}, ["environments: must list at least one { \"stack\": \"<name>\" }, in deploy order, got []"]],
        ["approval without a GitHub environment", { environments: [{ stack: "dev", approval: true }] }, { dev: onBranch() },
            ["environments[0].approval: approval is given by the required reviewers of a GitHub environment; set environments[0].githubEnvironment too"]],
        ["a stack listed twice", { environments: [{ stack: "dev" }, { stack: "dev" }] }, { dev: onBranch() }, ['environments[1].stack: "dev" is listed twice; each stack deploys once']],
        ["a missing stack file", { environments: [{ stack: "qa" }] }, {}, ["environments[0].stack: no readable stack file Pulumi.qa.yaml (ENOENT)"]],
        ["an unknown key", { environments: [{ stack: "dev", region: "eu-west-1" }] }, { dev: onBranch() }, ["environments[0].region: unknown key; allowed keys are stack, githubEnvironment, approval"]],
        ["a stack file without a region", { environments: [{ stack: "dev" }] }, { dev: "config:\n  ecs-ship:github: { repository: acme/shop }\n" }, ["environments[0]: Pulumi.dev.yaml must set aws:region (for example us-east-1), got null"]],
        ["a GitHub environment the deploy role does not trust", { environments: [{ stack: "prod", githubEnvironment: "prod" }] }, { prod: inEnvironment("production") },
            ['environments[0].githubEnvironment: the prod deploy role trusts only jobs in environments ["production"] (ecs-ship:github.deployEnvironments in Pulumi.prod.yaml), got "prod"']],
        ["a branch deploy of a stack that trusts only an environment", { environments: [{ stack: "prod" }] }, { prod: inEnvironment("production") },
            ['environments[0]: the prod deploy role does not trust branch main (ecs-ship:github.deployBranches in Pulumi.prod.yaml is []); set environments[0].githubEnvironment to one of ["production"]']],
        // One build, promoted: the source deploys first in the run that hands its digests on (docs/promotion.md).
        ["a promoted stack listed before its source", { environments: [{ stack: "prod" }, { stack: "staging" }] },
            { prod: `${onBranch()}  ecs-ship:services: { web: { mode: express, image: { from: staging } } }\n`, staging: onBranch() },
            ['environments[0].stack: prod runs staging\'s images (image.from), so staging must be listed before it; listed before it: []']],
    ];
    for (const [what, file, stacks, expected] of cases) {
        it(`rejects ${what}`, () => {
            assert.deepStrictEqual(problems(project(file, stacks)), expected);
        });
    }

    it("reports every problem at once", () => {
        const root = project({ environments: [{ stack: "Dev" }, { stack: "qa", approval: "yes" }] }, {});
        assert.deepStrictEqual(problems(root), [
            'environments[0].stack: must be a stack name (lowercase letter, then letters, digits or "-", at most 20), got "Dev"',
            'environments[1].approval: must be true or false, got "yes"',
        ]);
    });
});
