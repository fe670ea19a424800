// The review stack's pull-request comment, its stack file and the template's settings for the workflow
// (issue 30, parts 1, 4 and 5), and GitHub's pull request states as the sweep reads them.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { githubApi } from "../tools/review/backend";
import { main } from "../tools/review/cli";
import { marker, reviewComment, serviceUrls } from "../tools/review/comment";
import { COMMENT_LIMIT } from "../tools/workflows/githubChecks";
import { money } from "../components/cost/render";
import { CostEstimate } from "../components/cost/estimate";
import { planCost } from "../tools/plan/planCost";
import { reviewCostOf } from "../tools/review/reviewCost";
import { FakeGitHub, FakePulumi, cliDeps, reviewProject } from "./support/reviewFakes";
import { reviewPlan } from "./support/reviewPlans";

const OUTPUTS = {
    stack: "pr-42",
    services: {
        web: { mode: "express", url: "https://web-pr42.ecs.eu-west-1.on.aws", serviceArn: "arn" },
        api: { mode: "fargate", url: "http://ecs-ship-pr-42-api-123.eu-west-1.elb.amazonaws.com" },
        mailer: { mode: "fargate", kind: "worker" },
    },
};
const COST = {
    region: "eu-west-1", regionName: "Europe (Ireland)", currency: "USD", pricesTaken: "2026-11-01", priceTable: "components/cost/prices.json",
    assumptions: { averageLoad: 0.25 }, services: [{ name: "web", cost: { low: 9.5, expected: 9.5, high: 19 }, items: [] }],
    shared: { name: "shared", cost: { low: 0.5, expected: 0.5, high: 0.5 }, items: [] }, total: { low: 10, expected: 10, high: 19.5 },
    unconfirmedPrices: [], notPriced: [], notes: [],
};
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-comment-"));

describe("review: the pull request comment", () => {
    it("lists each web service's URL, leaving workers out", () => {
        assert.deepStrictEqual(serviceUrls(OUTPUTS), [
            { name: "web", url: "https://web-pr42.ecs.eu-west-1.on.aws" },
            { name: "api", url: "http://ecs-ship-pr-42-api-123.eu-west-1.elb.amazonaws.com" },
        ]);
        assert.deepStrictEqual([serviceUrls(undefined), serviceUrls({ services: [] })], [[], []]);
    });

    it("after a passing gate: marker first, the verdict, the URLs, the expiry and the monthly cost", async () => {
        const dir = tmp();
        fs.writeFileSync(`${dir}/outputs.json`, JSON.stringify(OUTPUTS));
        fs.writeFileSync(`${dir}/plan.json`, JSON.stringify({ stack: "pr-42", resources: [], cost: COST }));
        const { deps, printed } = cliDeps(reviewProject(), FakePulumi.of([]), new FakeGitHub({}));
        const code = await main(["comment", "--number", "42", "--sha", "4f2a9c1d0e", "--gate", "0", "--outputs", `${dir}/outputs.json`, "--plan", `${dir}/plan.json`, "--out", `${dir}/c.md`], deps);
        assert.strictEqual(code, 0, printed.err);
        const body = fs.readFileSync(`${dir}/c.md`, "utf8");
        assert.ok(body.startsWith("<!-- ecs-ship review: pr-42 -->\n### Review environment `pr-42`\n\n**Deploy gate passed**: every service serves `4f2a9c1` (npm run verify).\n"));
        assert.match(body, /^\| `web` \| https:\/\/web-pr42\.ecs\.eu-west-1\.on\.aws \|\n\| `api` \| http:\/\/ecs-ship-pr-42-api-123/m);
        assert.doesNotMatch(body, /mailer/);
        // expiresAfterHours of the template (24), and the plan's cost total
        assert.match(body, /The stack expires 24 hours after its last deploy; closing or merging this pull request destroys it\./);
        assert.match(body, /\*\*\$10\.00\*\* expected \(\$10\.00 to \$19\.50\), USD at list prices\. With 2 review stacks live at once \(ecs-ship:review\.maxStacks\), the most they cost together is \$20\.00 expected \(\$39\.00 at most\)\./);
        assert.match(body, /### Monthly cost estimate: `pr-42` \(eu-west-1\)/);
    });

    for (const [code, why] of [[3, "ECS rolled the deployment back"], [5, "the service answers with another commit than this one"], [6, "ECS runs another image than this deploy pushed"]] as const) {
        it(`after a failing gate (exit ${code}): says it failed and why`, () => {
            const body = reviewComment({ stack: "pr-7", sha: "abcdef1234", outcome: { kind: "gate", code }, outputs: OUTPUTS, expiresAfterHours: 72 });
            assert.match(body, new RegExp(`^\\*\\*Deploy gate failed\\*\\* \\(exit ${code}\\): ${why}\\. The URLs below may serve an older version\\.$`, "m"));
            assert.match(body, /Monthly cost estimate: not computed/);
        });
    }

    it("a refused deploy says why, with no URL; a destroyed stack says it is gone", async () => {
        const dir = tmp();
        fs.writeFileSync(`${dir}/refused.txt`, "pr-7 was not deployed: all 2 review stacks are live\n");
        const { deps } = cliDeps(reviewProject(), FakePulumi.of([]), new FakeGitHub({}));
        assert.strictEqual(await main(["comment", "--number", "7", "--sha", "abcdef1", "--refused", `${dir}/refused.txt`, "--out", `${dir}/c.md`], deps), 0);
        const refused = fs.readFileSync(`${dir}/c.md`, "utf8");
        assert.match(refused, /^\*\*Not deployed\*\*: pr-7 was not deployed: all 2 review stacks are live$/m);
        assert.doesNotMatch(refused, /\| Service \| URL \|/);
        const gone = reviewComment({ stack: "pr-7", sha: "abcdef1", outcome: { kind: "destroyed", resources: 12 }, expiresAfterHours: 72 });
        assert.match(gone, /^\*\*Destroyed\*\*: the pull request is closed; all 12 resource\(s\) of this stack are gone and the stack is removed\.$/m);
    });

    it("a region without prices says the estimate is not available", () => {
        const body = reviewComment({ stack: "pr-7", sha: "abcdef1", outcome: { kind: "gate", code: 0 }, outputs: OUTPUTS, cost: { unavailable: "cost: no prices for ap-east-2" }, expiresAfterHours: 72 });
        assert.match(body, /^Monthly cost estimate: not available: cost: no prices for ap-east-2$/m);
    });

    it("stays within GitHub's comment limit, marker kept", () => {
        const many = { services: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`service-${i}`, { url: `https://service-${i}.example.com/${"x".repeat(20)}` }])) };
        const body = reviewComment({ stack: "pr-7", sha: "abcdef1", outcome: { kind: "gate", code: 0 }, outputs: many, expiresAfterHours: 72 });
        assert.ok(body.length <= COMMENT_LIMIT && body.startsWith(marker("pr-7")));
    });

    it("takes exactly one outcome", async () => {
        const { deps, printed } = cliDeps(reviewProject(), FakePulumi.of([]), new FakeGitHub({}));
        assert.strictEqual(await main(["comment", "--number", "7", "--sha", "a", "--gate", "0", "--failed", "pulumi up", "--out", `${tmp()}/c.md`], deps), 2);
        assert.match(printed.err, /give exactly one of --gate, --refused, --failed, --destroyed, got --gate, --failed/);
    });
});

describe("review: the comment of the review scenario, planned through index.ts", function () {
    this.timeout(180_000);

    it("shows the URL of each web service pr-42 outputs and the cost the plan's model gives its stack", async () => {
        // GIVEN the review scenario's template planned as pull request 42's stack, and its cost estimate
        const p = await reviewPlan("pr-42");
        const cost = (await planCost(p, { markdown: false, assume: [] })).json as CostEstimate;
        // WHEN the comment is written after a passing gate
        const body = reviewComment({ stack: "pr-42", sha: "4f2a9c1d8e", outcome: { kind: "gate", code: 0 }, outputs: p.outputs, cost, expiresAfterHours: 48 });
        // THEN it lists both services' URLs, as the stack outputs name them, and the estimate's total
        const urls = serviceUrls(p.outputs);
        assert.deepStrictEqual(urls.map((u) => u.name).sort(), ["api", "web"]);
        for (const u of urls) assert.ok(body.includes(`| \`${u.name}\` | ${u.url} |`), u.url);
        assert.ok(cost.total.expected > 0);
        // the same figures tools/review/reviewCost.ts gives the review stack
        assert.deepStrictEqual(cost.total, reviewCostOf(p, 3).monthly);
        assert.ok(body.includes(`**${money(cost.total.expected)}** expected (${money(cost.total.low)} to ${money(cost.total.high)})`));
        assert.match(body, /### Monthly cost estimate: `pr-42` \(us-east-1\)/);
    });
});

describe("review: the pull request's stack file and the template's settings", () => {
    for (const configDir of [false, true]) {
        it(`stack-file writes Pulumi.pr-<n>.yaml as a verbatim copy of the template${configDir ? ", in the project's stackConfigDir" : ""}`, async () => {
            const root = reviewProject(undefined, configDir);
            const dir = configDir ? path.join(root, "stacks") : root;
            const { deps, printed } = cliDeps(root, FakePulumi.of([]), new FakeGitHub({}));
            assert.strictEqual(await main(["stack-file", "--number", "31"], deps), 0, printed.err);
            assert.strictEqual(fs.readFileSync(path.join(dir, "Pulumi.pr-31.yaml"), "utf8"), fs.readFileSync(path.join(dir, "Pulumi.review.yaml"), "utf8"));
            assert.strictEqual(printed.out, `wrote ${path.join(dir, "Pulumi.pr-31.yaml")}\n`);
        });
    }

    it("settings prints what the workflow needs, for $GITHUB_OUTPUT", async () => {
        const { deps, printed } = cliDeps(reviewProject("  ecs-ship:review:\n    require: environment\n    environment: pr-review\n"), FakePulumi.of([]), new FakeGitHub({}));
        assert.strictEqual(await main(["settings"], deps), 0);
        assert.strictEqual(printed.out, "enabled=true\nrequire=environment\nlabel=\nenvironment=pr-review\nsweepEnvironment=review-sweep\nregion=eu-west-1\nsessionSeconds=3600\ntimeoutMinutes=60\nroleVar=REVIEW_DEPLOY_ROLE_ARN\n");
    });

    it("settings without a template: review environments are off (enabled=false), with a notice, not a failure", async () => {
        const root = reviewProject();
        fs.rmSync(path.join(root, "Pulumi.review.yaml"));
        const { deps, printed } = cliDeps(root, FakePulumi.of([]), new FakeGitHub({}), undefined, { GITHUB_ACTIONS: "true" });
        assert.strictEqual(await main(["settings"], deps), 0);
        assert.strictEqual(printed.out, "enabled=false\n");
        assert.match(printed.err, /^::notice title=review environments off::This project has no review template/);
    });

    it("a bad template is a configuration error naming the key", async () => {
        const { deps, printed } = cliDeps(reviewProject("  ecs-ship:review:\n    require: label\n    environment: x\n"), FakePulumi.of([]), new FakeGitHub({}));
        assert.strictEqual(await main(["settings"], deps), 2);
        assert.match(printed.err, /ecs-ship:review\.environment: applies only with ecs-ship:review\.require: environment/);
    });
});

describe("review: a pull request's state from GitHub's REST API", () => {
    const answer = (status: number, body: unknown) => (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;
    const cases: Array<[string, typeof fetch, unknown]> = [
        ["open", answer(200, { state: "open", merged: false }), { state: "open" }],
        ["closed", answer(200, { state: "closed", merged: false }), { state: "closed" }],
        ["merged", answer(200, { state: "closed", merged: true }), { state: "merged" }],
        ["404: unknown", answer(404, { message: "Not Found" }), { state: "unknown", detail: "GitHub has no pull request #42 in acme/shop (404)" }],
        ["502: unknown", answer(502, {}), { state: "unknown", detail: "GitHub answered 502 for pull request #42" }],
        ["unreachable: unknown", (async () => { throw new Error("getaddrinfo ENOTFOUND api.github.com"); }) as unknown as typeof fetch, { state: "unknown", detail: "GitHub could not be reached: getaddrinfo ENOTFOUND api.github.com" }],
    ];
    for (const [what, fetchFn, expected] of cases) {
        it(what, async () => {
            assert.deepStrictEqual(await githubApi("acme/shop", "t", fetchFn).pullState(42), expected);
        });
    }

    it("asks GET /repos/{owner}/{repo}/pulls/{n} with the token and API version", async () => {
        let seen: [string, Record<string, string>] | undefined;
        const fetchFn = (async (url: string, init: { headers: Record<string, string> }) => { seen = [url, init.headers]; return new Response("{}", { status: 200 }); }) as unknown as typeof fetch;
        await githubApi("acme/shop", "tok", fetchFn).pullState(7);
        assert.deepStrictEqual(seen, ["https://api.github.com/repos/acme/shop/pulls/7", { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", authorization: "Bearer tok" }]);
    });
});
