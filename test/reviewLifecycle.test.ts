// The review stacks' lifecycle (issue 30, parts 3 and 4): the sweep, the admission under maxStacks and the
// checked teardown, against an in-memory Pulumi backend and mocked pull request states (open, closed,
// merged, expired, unknown), through the real CLI (tools/review/cli.ts).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REVIEW_DEFAULTS, ReviewSettings } from "../config/review";
import { main } from "../tools/review/cli";
import { TAG_ATTEMPTS, TAG_WAIT_MS } from "../tools/review/destroyed";
import { admission, reviewStacks, sweepVerdict } from "../tools/review/lifecycle";
import { FakeClock, FakeGitHub, FakePulumi, FakeTagging, NOW, cliDeps, hoursAgo, reviewProject } from "./support/reviewFakes";

const settings: ReviewSettings = { ...REVIEW_DEFAULTS, maxStacks: 2, expiresAfterHours: 24, label: "review" };

describe("review: the stacks a backend listing holds", () => {
    it("keeps only pr-<n> stacks, with their expiry; a Pulumi Cloud name's org/project prefix is dropped", () => {
        const list = [
            { name: "dev", lastUpdate: hoursAgo(1) }, { name: "review", lastUpdate: hoursAgo(1) }, { name: "pr-0" }, { name: "pr-01" },
            { name: "acme/ecs-ship/pr-12", lastUpdate: "2026-12-05T02:00:00.000Z" }, { name: "pr-3", updateInProgress: true },
        ];
        const stacks = reviewStacks(list, settings);
        assert.deepStrictEqual(stacks.map((s) => [s.name, s.number, s.expiresAt?.toISOString(), s.updateInProgress]), [
            ["pr-3", 3, undefined, true],
            ["pr-12", 12, "2026-12-06T02:00:00.000Z", false],
        ]);
    });
});

describe("review: the sweep's rule for one stack", () => {
    const [fresh, old, running, never] = reviewStacks([
        { name: "pr-1", lastUpdate: hoursAgo(2) }, { name: "pr-2", lastUpdate: hoursAgo(25) }, { name: "pr-3", updateInProgress: true }, { name: "pr-4" },
    ], settings);
    const cases: Array<[string, Parameters<typeof sweepVerdict>, string, RegExp]> = [
        ["open, not expired", [fresh, { state: "open" }, NOW], "keep", /^pull request #1 is open; kept until 2026-12-06T10:00:00.000Z$/],
        ["closed", [fresh, { state: "closed" }, NOW], "destroy", /^pull request #1 is closed$/],
        ["merged", [fresh, { state: "merged" }, NOW], "destroy", /^pull request #1 is merged$/],
        ["open but expired", [old, { state: "open" }, NOW], "destroy", /^expired at 2026-12-05T11:00:00.000Z \(last deployed 2026-12-04T11:00:00.000Z\)$/],
        ["unknown, not expired: kept until it expires", [fresh, { state: "unknown", detail: "GitHub answered 502" }, NOW], "keep", /^pull request #1 unknown \(GitHub answered 502\); kept until 2026-12-06T10:00:00.000Z$/],
        ["unknown and expired", [old, { state: "unknown", detail: "404" }, NOW], "destroy", /^expired at /],
        ["closed while an update runs: left to that run", [running, { state: "closed" }, NOW], "keep", /^an update is running on it$/],
        ["open with no finished deploy: no age, no expiry", [never, { state: "open" }, NOW], "keep", /no finished deploy yet, so no expiry/],
    ];
    for (const [what, args, action, reason] of cases) {
        it(`${what}: ${action}`, () => {
            const v = sweepVerdict(...args);
            assert.strictEqual(v.action, action);
            assert.match(v.reason, reason);
        });
    }
});

describe("review: sweep through the CLI", () => {
    it("destroys and removes the closed, merged and expired stacks, keeps the open and unknown ones, and reports each", async () => {
        // GIVEN five review stacks and prod: #1 open, #2 closed, #3 merged, #4 open but deployed 30 hours ago, #5 unknown to GitHub
        const pulumi = FakePulumi.of([
            ["prod", { lastUpdate: hoursAgo(500) }], ["pr-1", { lastUpdate: hoursAgo(1) }], ["pr-2", { lastUpdate: hoursAgo(1) }, 4],
            ["pr-3", { lastUpdate: hoursAgo(1) }], ["pr-4", { lastUpdate: hoursAgo(30) }], ["pr-5", { lastUpdate: hoursAgo(2) }],
        ]);
        const github = new FakeGitHub({ 1: { state: "open" }, 2: { state: "closed" }, 3: { state: "merged" }, 4: { state: "open" } });
        const summary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-summary-")), "summary.md");
        const root = reviewProject();
        const { deps, printed } = cliDeps(root, pulumi, github, new FakeTagging([]), { GITHUB_STEP_SUMMARY: summary });
        // WHEN the sweep runs
        const code = await main(["sweep"], deps);
        // THEN it exits 0, having destroyed pr-2, pr-3 and pr-4 (each recorded, destroyed, checked, then removed), and nothing else
        assert.strictEqual(code, 0, printed.err);
        assert.deepStrictEqual([...pulumi.stacks.keys()], ["prod", "pr-1", "pr-5"]);
        assert.deepStrictEqual(pulumi.calls.filter((c) => c !== "ls"), [
            "export pr-2", "destroy pr-2", "export pr-2", "rm pr-2",
            "export pr-3", "destroy pr-3", "export pr-3", "rm pr-3",
            "export pr-4", "destroy pr-4", "export pr-4", "rm pr-4",
        ]);
        assert.deepStrictEqual(github.asked, [1, 2, 3, 4, 5]);
        // AND each destroyed stack's file was written from the template first (its secrets provider settings)
        assert.deepStrictEqual(fs.readdirSync(root).filter((f) => f.startsWith("Pulumi.pr-")).sort(), ["Pulumi.pr-2.yaml", "Pulumi.pr-3.yaml", "Pulumi.pr-4.yaml"]);
        // AND the report, on stdout and in the job summary, says what went and why
        const report = fs.readFileSync(summary, "utf8");
        assert.strictEqual(report, printed.out.slice(printed.out.indexOf("### ")));
        assert.match(report, /^Removed 3 of 5 review stack\(s\)\.$/m);
        assert.match(report, /^\| pr-2 \| destroyed and removed \| pull request #2 is closed \| 4 \|$/m);
        assert.match(report, /^\| pr-3 \| destroyed and removed \| pull request #3 is merged \| 3 \|$/m);
        assert.match(report, /^\| pr-4 \| destroyed and removed \| expired at 2026-12-05T06:00:00.000Z .* \| 3 \|$/m);
        assert.match(report, /^\| pr-5 \| kept \| pull request #5 unknown \(GitHub has no pull request #5 in acme\/shop \(404\)\); kept until 2026-12-06T10:00:00.000Z \|  \|$/m);
        assert.match(report, /^\| pr-1 \| kept \| pull request #1 is open; kept until /m);
    });

    it("fails loudly when a destroy leaves a resource: the stack stays in the backend, the others are still swept", async () => {
        const pulumi = FakePulumi.of([["pr-7", { lastUpdate: hoursAgo(1) }], ["pr-8", { lastUpdate: hoursAgo(1) }]]);
        const stuck = pulumi.stacks.get("pr-7")!.resources[2].urn;
        pulumi.stacks.get("pr-7")!.stuck = [stuck];
        const { deps, printed } = cliDeps(reviewProject(), pulumi, new FakeGitHub({ 7: { state: "closed" }, 8: { state: "merged" } }));
        assert.strictEqual(await main(["sweep"], deps), 1);
        assert.deepStrictEqual([...pulumi.stacks.keys()], ["pr-7"]);
        assert.match(printed.out, /^\| pr-7 \| \*\*FAILED\*\*: 1 resource\(s\) left \|/m);
        assert.match(printed.out, new RegExp(`^Left behind by pr-7:\\n- still in the stack's state: aws:cloudwatch/logGroup:LogGroup /ecs/ecs-ship-pr-7-web-0 \\(${stuck.replace(/[/.]/g, "\\$&")}\\)$`, "m"));
        assert.ok(!pulumi.calls.includes("rm pr-7") && pulumi.calls.includes("rm pr-8"));
    });

    it("says so when there is no review stack", async () => {
        const { deps, printed } = cliDeps(reviewProject(), FakePulumi.of([["dev", {}]]), new FakeGitHub({}));
        assert.strictEqual(await main(["sweep"], deps), 0);
        assert.match(printed.out, /No review stack \(`pr-<n>`\) exists\./);
    });
});

describe("review: teardown and verify-destroyed", () => {
    it("teardown of a stack that was never deployed does nothing, and says so", async () => {
        const pulumi = FakePulumi.of([["pr-2", {}]]);
        const { deps, printed } = cliDeps(reviewProject(), pulumi, new FakeGitHub({}));
        assert.strictEqual(await main(["teardown", "--number", "9"], deps), 0);
        assert.deepStrictEqual(pulumi.calls, ["ls"]);
        assert.match(printed.out, /pr-9 does not exist \(never deployed, or already removed\): nothing to destroy/);
    });

    it("asks AWS's tagging API in the template's region, again while a deleted resource is still listed, and passes once it drops off", async () => {
        const pulumi = FakePulumi.of([["pr-4", { lastUpdate: hoursAgo(1) }]]);
        const tagging = new FakeTagging(["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/ecs-ship-pr-4-web-0"], 2);
        const { deps, printed } = cliDeps(reviewProject(), pulumi, new FakeGitHub({}), tagging);
        assert.strictEqual(await main(["teardown", "--number", "4", "--tagged"], deps), 0, printed.err);
        assert.deepStrictEqual([printed.regions, tagging.queries.length, (deps.clock as FakeClock).slept], [["eu-west-1"], 3, [TAG_WAIT_MS, TAG_WAIT_MS]]);
        assert.ok(!pulumi.stacks.has("pr-4"));
    });

    it("fails listing what AWS still tags with the stack after the last try, and keeps the stack", async () => {
        const pulumi = FakePulumi.of([["pr-4", { lastUpdate: hoursAgo(1) }]]);
        const arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/ecs-express-x/1";
        const tagging = new FakeTagging([arn]);
        const { deps, printed } = cliDeps(reviewProject(), pulumi, new FakeGitHub({}), tagging);
        assert.strictEqual(await main(["teardown", "--number", "4", "--tagged"], deps), 1);
        assert.strictEqual(tagging.queries.length, TAG_ATTEMPTS);
        assert.strictEqual(printed.err, `teardown: pr-4: destroy left 1 resource(s):\n  - still tagged ecs-ship:stack=pr-4 in AWS: ${arn}\n`);
        assert.ok(pulumi.stacks.has("pr-4") && !pulumi.calls.includes("rm pr-4"));
    });

    it("a tagging check that cannot run (access denied) fails the teardown rather than passing it unchecked", async () => {
        const pulumi = FakePulumi.of([["pr-4", { lastUpdate: hoursAgo(1) }]]);
        const denied = { resourcesTagged: async () => { throw new Error("AccessDeniedException: not authorized to perform: tag:GetResources"); } };
        const { deps, printed } = cliDeps(reviewProject(), pulumi, new FakeGitHub({}), denied as unknown as FakeTagging);
        assert.strictEqual(await main(["teardown", "--number", "4", "--tagged"], deps), 1);
        assert.match(printed.err, /- not checked against AWS's tags \(tag:GetResources failed\): AccessDeniedException/);
        assert.ok(pulumi.stacks.has("pr-4"));
    });

    it("record then verify-destroyed: a resource kept by retainOnDelete is left in AWS, so it fails naming it", async () => {
        const pulumi = FakePulumi.of([["pr-6", { lastUpdate: hoursAgo(1) }, 2]]);
        pulumi.stacks.get("pr-6")!.resources[3].retainOnDelete = true;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-record-"));
        const { deps, printed } = cliDeps(reviewProject(), pulumi, new FakeGitHub({}));
        assert.strictEqual(await main(["record", "--stack", "pr-6", "--out", `${dir}/r.json`], deps), 0);
        const recorded = JSON.parse(fs.readFileSync(`${dir}/r.json`, "utf8")) as Array<{ type: string }>;
        // The stack and provider exist only in Pulumi: the record holds the two log groups.
        assert.deepStrictEqual(recorded.map((r) => r.type), ["aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/logGroup:LogGroup"]);
        await pulumi.destroy("pr-6");
        assert.strictEqual(await main(["verify-destroyed", "--stack", "pr-6", "--recorded", `${dir}/r.json`], deps), 1);
        assert.match(printed.err, /^verify-destroyed: pr-6: 1 resource\(s\) left:\n {2}- retained on delete \(left in AWS by design\): aws:cloudwatch\/logGroup:LogGroup \/ecs\/ecs-ship-pr-6-web-1 /);
    });
});

describe("review: admission under maxStacks", () => {
    const stacks = (list: Array<[string, number?]>) => reviewStacks(list.map(([name, h]) => ({ name, lastUpdate: h === undefined ? undefined : hoursAgo(h) })), settings);

    it("admits an update of its own stack and a new stack below the limit, without asking GitHub", async () => {
        for (const [n, list] of [[1, [["pr-1", 1], ["pr-2", 1]]], [3, [["pr-1", 1]]]] as Array<[number, Array<[string, number]>]>) {
            const pulumi = FakePulumi.of(list.map(([name, h]) => [name, { lastUpdate: hoursAgo(h) }]));
            const github = new FakeGitHub({});
            const { deps, printed } = cliDeps(reviewProject(), pulumi, github);
            assert.strictEqual(await main(["admit", "--number", String(n)], deps), 0);
            assert.deepStrictEqual([github.asked, pulumi.calls], [[], ["ls"]]);
            assert.match(printed.out, n === 1 ? /pr-1 exists: this deploy updates it/ : /1 of 2 review stacks are live/);
        }
    });

    it("at the limit, a closed pull request's stack goes first, then the one that expired first", () => {
        const states = new Map([[1, { state: "open" as const }], [2, { state: "merged" as const }]]);
        const closed = admission(9, stacks([["pr-1", 30], ["pr-2", 1]]), states, settings, NOW);
        assert.deepStrictEqual([closed.admitted, "evict" in closed && closed.evict?.name], [true, "pr-2"]);
        const open = new Map([[1, { state: "open" as const }], [2, { state: "open" as const }], [3, { state: "open" as const }]]);
        const expired = admission(9, stacks([["pr-1", 25], ["pr-2", 40], ["pr-3", 1]]), open, settings, NOW);
        assert.deepStrictEqual([expired.admitted, "evict" in expired && expired.evict?.name, expired.reason], [true, "pr-2", "3 of 2 review stacks are live: pr-2 goes first (it expired at 2026-12-04T20:00:00.000Z)"]);
    });

    it("at the limit with nothing to remove, refuses (exit 3) saying which stacks hold the places and when one frees", async () => {
        const pulumi = FakePulumi.of([["pr-1", { lastUpdate: hoursAgo(5) }], ["pr-2", { lastUpdate: hoursAgo(20) }], ["pr-3", { updateInProgress: true }]]);
        const github = new FakeGitHub({ 1: { state: "open" }, 2: { state: "open" }, 3: { state: "closed" } });
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-admit-")), "refused.txt");
        const { deps, printed } = cliDeps(reviewProject(), pulumi, github, new FakeTagging([]), { GITHUB_ACTIONS: "true" });
        assert.strictEqual(await main(["admit", "--number", "12", "--out", out], deps), 3);
        const reason = "pr-12 was not deployed: all 2 review stacks (ecs-ship:review.maxStacks) are live (pr-1, pr-2, pr-3), and none is expired or belongs to a closed pull request; "
            + "the first place frees when pr-2 expires at 2026-12-05T16:00:00.000Z; re-run this job after that, or close a pull request whose review is done.";
        assert.strictEqual(printed.err, `::error title=review stack refused::${reason}\n`);
        assert.strictEqual(fs.readFileSync(out, "utf8"), `${reason}\n`);
        assert.deepStrictEqual([github.asked, pulumi.calls], [[1, 2, 3], ["ls"]]);
    });

    it("makes room by tearing the evicted stack down through the checked teardown", async () => {
        const pulumi = FakePulumi.of([["pr-1", { lastUpdate: hoursAgo(5) }], ["pr-2", { lastUpdate: hoursAgo(3) }]]);
        const { deps, printed } = cliDeps(reviewProject(), pulumi, new FakeGitHub({ 1: { state: "open" }, 2: { state: "closed" } }));
        assert.strictEqual(await main(["admit", "--number", "5"], deps), 0, printed.err);
        assert.deepStrictEqual(pulumi.calls, ["ls", "export pr-2", "destroy pr-2", "export pr-2", "rm pr-2"]);
        assert.match(printed.out, /admit: pr-5 may deploy: 2 of 2 review stacks are live: pr-2 goes first \(its pull request is closed\)/);
    });
});

describe("review: the CLI's input errors", () => {
    for (const [argv, message] of [
        [["admit"], /^review: --number: must be a pull request number from 1 to 999999, got null\n$/],
        [["stack-file", "--number", "012"], /got "012"/],
        [["teardown", "--number", "3", "--force"], /^review: unknown argument "--force"\n$/],
        [["deploy"], /^review: unknown command "deploy"; commands: settings, stack-file/],
    ] as Array<[string[], RegExp]>) {
        it(`${argv.join(" ")}: exit 2`, async () => {
            const { deps, printed } = cliDeps(reviewProject(), FakePulumi.of([]), new FakeGitHub({}));
            assert.strictEqual(await main(argv, deps), 2);
            assert.match(printed.err, message);
        });
    }

    it("a project without a review template: exit 2 naming the file to add", async () => {
        const root = reviewProject();
        fs.rmSync(path.join(root, "Pulumi.review.yaml"));
        const { deps, printed } = cliDeps(root, FakePulumi.of([]), new FakeGitHub({}));
        assert.strictEqual(await main(["sweep"], deps), 2);
        assert.match(printed.err, /Pulumi\.review\.yaml: no review template: review environments deploy copies of stack "review"'s stack file/);
    });
});
