// `npm run plan -- --from <stack file | git ref>`: the steps of a change, checked against AWS's rules,
// through the command line as a user and the preview workflow run it.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { ROOT } from "../tools/planner";
import { SHA, stackFile } from "./support/transitions";

const SERVICES = "ecs-ship:services";
/** A line of a JavaScript stack trace. */
const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

function cli(args: string[]) {
    return spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(ROOT, "tools/plan.ts"), ...args],
        { cwd: ROOT, env: { ...process.env, GITHUB_SHA: SHA }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

/** prod with two services on the shared load balancer, at explicit priorities. */
const two = (web: number, api: number) => (c: Record<string, any>) => {
    const s = c[SERVICES];
    s.web.domain = "www.example.com";
    s.web.priority = web;
    s.api = { ...structuredClone(s.web), domain: "api.example.com", priority: api };
};

describe("npm run plan -- --from", function () {
    this.timeout(240_000);

    it("exits 2 on a change AWS refuses, naming the step and the rule, with pure JSON on stdout", () => {
        // GIVEN two services whose explicit priorities are swapped: each rule is moved in place
        // (SetRulePriorities) onto a priority the other still holds
        const before = stackFile("prod", "swap-before", two(100, 200));
        const after = stackFile("prod", "swap", two(200, 100));
        const r = cli(["--stack", "prod", "--stack-file", after, "--from", before, "--json"]);
        // THEN exit 2; stdout is one JSON document (pipe-safe), stderr says where and why
        assert.equal(r.status, 2, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.equal(doc.failure.rule, "rule-priority-unique");
        assert.equal(doc.failure.code, "PriorityInUse");
        assert.equal(doc.failure.op, "update");
        assert.match(doc.failure.name, /^ecs-ship-prod-(web|api)-https?-rule$/);
        assert.deepEqual(doc.steps.find((s: { n: number }) => s.n === doc.failure.step).name, doc.failure.name);
        assert.match(r.stderr, new RegExp(`^plan: this change would fail on AWS at step ${doc.failure.step}: update aws:lb/listenerRule:ListenerRule ${doc.failure.name}: .*PriorityInUse`, "m"));
        assert.doesNotMatch(r.stderr, STACK_FRAME);
    });

    it("exits 0 for a change AWS accepts, and prints every step in the engine's order", () => {
        // GIVEN prod's web resized  WHEN planned from the unchanged file
        const after = stackFile("prod", "resize", (c) => { c[SERVICES].web.cpu = 1024; c[SERVICES].web.memory = 2048; });
        const r = cli(["--stack", "prod", "--stack-file", after, "--from", path.join(ROOT, "Pulumi.prod.yaml")]);
        assert.equal(r.status, 0, r.stderr);
        // THEN a new task definition first, the service moved onto it, and the old revision deregistered last
        const lines = r.stdout.split("\n").filter((l) => /^\s*\d+\. /.test(l)).map((l) => l.replace(/\s+/g, " ").trim());
        assert.deepEqual(lines, [
            "1. ++ create-replacement aws:ecs/taskDefinition:TaskDefinition ecs-ship-prod-web-td (replaced: cpu, memory)",
            "2. ~ update aws:ecs/service:Service ecs-ship-prod-web-svc (taskDefinition)",
            "3. -- delete-replaced aws:ecs/taskDefinition:TaskDefinition ecs-ship-prod-web-td",
        ]);
        assert.match(r.stdout, /^Every step is one AWS accepts/m);
    });

    it("plans the stack at a git ref with the program at that ref: HEAD against itself changes nothing", () => {
        const r = cli(["--stack", "prod", "--from", "HEAD", "--json"]);
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), { stack: "prod", from: "Pulumi.prod.yaml at HEAD", steps: [], failure: null });
    });

    it("refuses a --from that is neither a file nor a commit, with exit 2 and no stack trace", () => {
        const r = cli(["--stack", "prod", "--from", "no-such-branch-or-file"]);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /^plan: --from must be a stack file or a git ref \(a branch, tag or commit\), got "no-such-branch-or-file"/);
        assert.doesNotMatch(r.stderr, STACK_FRAME);
    });
});
