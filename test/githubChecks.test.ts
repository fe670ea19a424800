// tools/workflows/githubChecks.ts: the approval check against GitHub's REST API answers (shapes from GitHub's REST
// API reference, "Get an environment" and "List deployment branch policies"), and the cost comment's
// size guard.
import * as assert from "assert";
import * as path from "path";
import { COMMENT_LIMIT, CheckError, Fetch, GithubEnvironment, approvalProblems, checkApproval, commentBody, main } from "../tools/workflows/githubChecks";

const ROOT = path.resolve(__dirname, "..");
const PROTECTED: GithubEnvironment = {
    name: "production",
    protection_rules: [{ type: "wait_timer" }, { type: "required_reviewers", reviewers: [{ type: "Team", reviewer: { id: 1 } }] }, { type: "branch_policy" }],
    deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
};

/** A fetch that answers GitHub's API from a table of URL -> [status, body], and records what it was asked. */
function github(answers: Record<string, [number, unknown?]>): { fetch: Fetch; asked: { url: string; auth: string }[] } {
    const asked: { url: string; auth: string }[] = [];
    const fetch: Fetch = async (url, init) => {
        asked.push({ url, auth: init.headers.Authorization });
        const [status, body] = answers[url] ?? [404];
        return { status, json: async () => body };
    };
    return { fetch, asked };
}
const ENV_URL = "https://api.github.com/repos/acme/shop/environments/production";
const POLICIES_URL = `${ENV_URL}/deployment-branch-policies?per_page=100`;
const check = (f: Fetch, stack = "prod") => checkApproval({ root: ROOT, stack, repository: "acme/shop", token: "ghs_x", fetch: f });

describe("githubChecks: approval", () => {
    it("passes an environment with required reviewers and a branch policy limited to main", async () => {
        const gh = github({ [ENV_URL]: [200, PROTECTED], [POLICIES_URL]: [200, { total_count: 1, branch_policies: [{ name: "main", type: "branch" }] }] });
        assert.deepStrictEqual(await check(gh.fetch), { checked: true, message: 'prod: GitHub environment "production" exists, has required reviewers and limits deployment branches' });
        assert.deepStrictEqual(gh.asked, [{ url: ENV_URL, auth: "Bearer ghs_x" }, { url: POLICIES_URL, auth: "Bearer ghs_x" }]);
    });

    it("asks nothing for a stack without approval", async () => {
        const gh = github({});
        assert.deepStrictEqual(await check(gh.fetch, "dev"), { checked: false, message: 'dev: no approval required (.github/environments.json does not set "approval": true)' });
        assert.deepStrictEqual(gh.asked, []);
    });

    it("fails when the environment does not exist, saying what to create", async () => {
        await assert.rejects(check(github({}).fetch), (e: Error) => e instanceof CheckError && e.message === [
            "prod requires approval, and its environment is not ready; nothing was deployed:",
            '  - GitHub environment "production" does not exist: create it in Settings > Environments with required reviewers and deployment branches limited to main (a job that names a missing environment would create it unprotected)',
        ].join("\n"));
    });

    it("fails when the environment has no reviewers and lets every branch deploy, naming both", async () => {
        const bare: GithubEnvironment = { name: "production", protection_rules: [], deployment_branch_policy: null };
        assert.deepStrictEqual(approvalProblems("production", bare), [
            'GitHub environment "production" has no required reviewers: add at least one under Settings > Environments > production > Required reviewers',
            'GitHub environment "production" lets every branch deploy: set Settings > Environments > production > Deployment branches and tags to "Selected branches and tags" with main, or "Protected branches only"',
        ]);
        await assert.rejects(check(github({ [ENV_URL]: [200, bare] }).fetch), /its environment has problems; nothing was deployed/);
    });

    it("fails on a reviewers rule with nobody in it, and on a branch rule that matches every branch", () => {
        const empty: GithubEnvironment = { ...PROTECTED, protection_rules: [{ type: "required_reviewers", reviewers: [] }] };
        assert.match(approvalProblems("production", empty)[0], /has no required reviewers/);
        assert.deepStrictEqual(approvalProblems("production", PROTECTED, ["main", "*"]), [
            'GitHub environment "production" has a deployment branch rule "*" that matches every branch: limit it to main',
        ]);
        assert.deepStrictEqual(approvalProblems("production", { ...PROTECTED, deployment_branch_policy: { protected_branches: true, custom_branch_policies: false } }), []);
    });

    it("says which permission the token lacks when GitHub refuses it", async () => {
        await assert.rejects(check(github({ [ENV_URL]: [403] }).fetch), /HTTP 403\): the job's token needs permissions: actions: read/);
    });

    it("as a command: an error annotation and exit 1 when the check fails; exit 1 without a token", async () => {
        const out: string[] = [];
        const write = process.stdout.write.bind(process.stdout);
        const err = process.stderr.write.bind(process.stderr);
        (process.stdout as { write: unknown }).write = (s: string) => out.push(s);
        (process.stderr as { write: unknown }).write = () => true;
        try {
            assert.strictEqual(await main(["approval", "--stack", "prod"], {}, ROOT), 1);
            assert.strictEqual(await main(["approval"], {}, ROOT), 2);
        } finally {
            process.stdout.write = write;
            process.stderr.write = err;
        }
        assert.deepStrictEqual(out, ["::error title=approval check::GH_TOKEN and GITHUB_REPOSITORY must be set (the workflow passes github.token and github.repository)\n"]);
    });
});

describe("githubChecks: the cost comment's size", () => {
    it("keeps a comment that fits whole, marker first", () => {
        assert.strictEqual(commentBody("<!-- m -->", "table"), "<!-- m -->\ntable");
    });

    it("cuts a longer one to exactly GitHub's 65,536 characters, saying so", () => {
        const body = commentBody("<!-- m -->", "x".repeat(70_000));
        assert.strictEqual(COMMENT_LIMIT, 65536);
        assert.strictEqual(body.length, 65536);
        assert.ok(body.startsWith("<!-- m -->\nxxx"));
        assert.match(body, /cut to fit GitHub's comment size limit; the job summary holds all of it\._\n$/);
        assert.strictEqual(commentBody("<!-- m -->", "x".repeat(65536 - 11)).length, 65536);
    });
});
