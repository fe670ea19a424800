// `npm run plan -- --from <stack file | git ref>`: the steps of a change, checked against AWS's rules,
// through the command line as a user and the preview workflow run it.
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../tools/planner/planner";
import { SHA, stackFile } from "./support/transitions";

const SERVICES = "ecs-ship:services";
/** A line of a JavaScript stack trace. */
const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

function cli(args: string[]) {
    return spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(ROOT, "tools/plan/index.ts"), ...args],
        { cwd: ROOT, env: { ...process.env, GITHUB_SHA: SHA }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

/** prod with two services on the shared load balancer, each on its own domain. */
const two = stackFile("prod", "two", (c) => {
    const s = c[SERVICES];
    s.web.domain = "www.example.com";
    s.api = { ...structuredClone(s.web), domain: "api.example.com" };
});

/**
 * A commit of HEAD's tree with some files edited, made with git's plumbing through a temporary index:
 * an object in the repository's store only, on no branch, the working tree untouched.
 */
function commitWith(edits: Record<string, (text: string) => string>): string {
    const index = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-index-")), "index");
    const git = (args: string[], input?: string) => execFileSync("git", args, { cwd: ROOT, env: { ...process.env, GIT_INDEX_FILE: index }, input, encoding: "utf8" }).trim();
    git(["read-tree", "HEAD"]);
    for (const [file, edit] of Object.entries(edits)) {
        const before = git(["show", `HEAD:${file}`]);
        const after = edit(before);
        assert.notEqual(after, before, `${file}: the edit changed nothing`);
        git(["update-index", "--cacheinfo", `100644,${git(["hash-object", "-w", "--stdin"], after)},${file}`]);
    }
    const tree = git(["write-tree"]);
    return git(["-c", "user.name=ecs-ship test", "-c", "user.email=test@example.com", "commit-tree", tree, "-p", "HEAD", "-m", "test: the program as a pull request's base"]);
}

describe("npm run plan -- --from", function () {
    this.timeout(240_000);

    it("exits 2 on a program change AWS would refuse, naming the step and the rule, with pure JSON on stdout", () => {
        // GIVEN a commit (a git object only: no branch, no working tree) whose program names the shared
        // load balancer's rules differently, with no alias, and whose prod runs two services on it
        const before = commitWith({
            "components/fargate/fargateLoadBalancer.ts": (t) => t.replace("new aws.lb.ListenerRule(sharedRuleName(shared.name, listener, route.priority),", "new aws.lb.ListenerRule(`${name}-${listener}-rule-v0`,"),
            "Pulumi.prod.yaml": () => fs.readFileSync(two, "utf8"),
        });
        // WHEN today's program plans the same stack file from that commit
        const r = cli(["--stack", "prod", "--stack-file", two, "--from", before, "--json"]);
        // THEN each new rule would be created at the priority its old self still holds until the deletes at the end
        assert.equal(r.status, 2, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.deepEqual([doc.failure.rule, doc.failure.code, doc.failure.op, doc.failure.type], ["rule-priority-unique", "PriorityInUse", "create", "aws:lb/listenerRule:ListenerRule"]);
        assert.equal(doc.steps.find((s: { n: number }) => s.n === doc.failure.step).name, doc.failure.name);
        assert.ok(doc.steps.some((s: { op: string; name: string }) => s.op === "delete" && /-rule-v0$/.test(s.name)), "the old rules are deleted at the end");
        assert.match(r.stderr, new RegExp(`^plan: this change would fail on AWS at step ${doc.failure.step}: create aws:lb/listenerRule:ListenerRule ${doc.failure.name}: .*PriorityInUse`, "m"));
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
        assert.deepEqual(JSON.parse(r.stdout), { stack: "prod", from: "Pulumi.prod.yaml at HEAD", steps: [], administrator: null, failure: null });
    });

    it("refuses a --from that is neither a file nor a commit, with exit 2 and no stack trace", () => {
        const r = cli(["--stack", "prod", "--from", "no-such-branch-or-file"]);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /^plan: --from must be a stack file or a git ref \(a branch, tag or commit\), got "no-such-branch-or-file"/);
        assert.doesNotMatch(r.stderr, STACK_FRAME);
    });
});
