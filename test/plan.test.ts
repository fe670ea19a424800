// npm run plan: the real program under the mock runtime, for each stack file.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlanResource } from "../components/cost/estimate";
import { estimateCost } from "../components/cost/model";
import { money } from "../components/cost/render";
import { Plan, ROOT, plan, planJson } from "../tools/planner/planner";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";

/** Runs `npm run plan` as a user would, with a fixed commit. */
function runPlan(args: string[]) {
    return spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(ROOT, "tools/plan/index.ts"), ...args], {
        cwd: ROOT,
        env: { ...process.env, GITHUB_SHA: SHA },
        encoding: "utf8",
    });
}

function tempStackFile(yaml: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-plan-"));
    const file = path.join(dir, "Pulumi.bad.yaml");
    fs.writeFileSync(file, yaml);
    return file;
}

describe("plan: command line", function () {
    this.timeout(120_000);

    it("reports no changes for a re-run of the same commit with --rerun", () => {
        // GIVEN the dev stack  WHEN planned twice, the second time against the first run's account
        const r = runPlan(["--stack", "dev", "--rerun"]);
        // THEN the second `pulumi up` would change nothing
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, 'Re-run of stack "dev" against the first run\'s account: no changes\n');
    });

    it("reports the image and what runs it for a new commit with --rerun --rerun-sha", () => {
        const r = runPlan(["--stack", "dev", "--rerun", "--rerun-sha", "9c3e5a7", "--json"]);
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout).changes.map((c: { action: string; name: string }) => `${c.action} ${c.name}`).sort(), [
            "update ecs-ship-dev-web-registry-image", "update ecs-ship-dev-web-service",
        ]);
    });

    it("prints only the plan JSON on stdout with --json", () => {
        const r = runPlan(["--stack", "dev", "--json"]);
        assert.equal(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.deepEqual(Object.keys(doc), ["project", "stack", "resources", "outputs", "assumptions", "cost"]);
        assert.equal(doc.project, "ecs-ship");
        assert.equal(doc.stack, "dev");
        for (const res of doc.resources) assert.deepEqual(Object.keys(res).slice(0, 5), ["type", "name", "parent", "inputs", "dependsOn"]);
    });

    it("plans the stack a --stack-file is named after when --stack is not given", () => {
        // GIVEN a stack file named Pulumi.prod.yaml outside the project, and no --stack
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-plan-"));
        const file = path.join(dir, "Pulumi.prod.yaml");
        fs.copyFileSync(path.join(ROOT, "Pulumi.prod.yaml"), file);
        try {
            // WHEN it is planned
            const named = runPlan(["--stack-file", file, "--json"]);
            // THEN it plans stack "prod", with prod's names, as `pulumi up --stack prod` would
            assert.equal(named.status, 0, named.stderr);
            const doc = JSON.parse(named.stdout);
            assert.equal(doc.stack, "prod");
            assert.equal(doc.outputs.stack, "prod");
            // AND an explicit --stack still wins
            assert.equal(JSON.parse(runPlan(["--stack", "qa", "--stack-file", file, "--json"]).stdout).stack, "qa");
            // AND a file whose name says no stack is a configuration error naming the file, never a silent dev
            const other = path.join(dir, "prod.yaml");
            fs.renameSync(file, other);
            const unnamed = runPlan(["--stack-file", other, "--json"]);
            assert.equal(unnamed.status, 2);
            assert.equal(unnamed.stdout, "");
            assert.equal(unnamed.stderr, `plan: --stack-file: the file name must say its stack, as Pulumi.<stack>.yaml, got "prod.yaml" (${other}); rename it, or pass --stack <name>\n`);
            assert.equal(JSON.parse(runPlan(["--stack", "prod", "--stack-file", other, "--json"]).stdout).stack, "prod");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses --stack without a name", () => {
        const r = runPlan(["--stack", "", "--json"]);
        assert.equal(r.status, 2);
        assert.equal(r.stderr, "plan: --stack needs a name\n");
    });

    it("prints only JSON through `npm run -s plan -- --json`, so it can be piped", () => {
        // npm's "> ecs-ship@… plan" banner goes to stdout unless npm runs silent (-s) for that one command.
        const r = spawnSync("npm", ["run", "-s", "plan", "--", "--stack", "dev", "--json"], { cwd: ROOT, env: { ...process.env, GITHUB_SHA: SHA }, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).stack, "dev");
    });

    it("exits 2 and lists every problem of an invalid stack file, each with its full key", () => {
        // GIVEN a stack file with ten problems
        const file = tempStackFile(`config:
  aws:region: us-east-1
  ecs-ship:github:
    repository: "acme/*"
    deployBranches: ["*"]
  ecs-ship:registry:
    keepImages: 0
  ecs-ship:services:
    web:
      mode: lambda
      image: { context: app, ref: nope }
      port: 80a
      memory: 4096
      architecture: arm
      healthCheckPath: health
      scaling: { metric: latency }
`);
        // WHEN it is planned
        const r = runPlan(["--stack", "bad", "--stack-file", file, "--json"]);
        // THEN the plan exits 2, prints nothing on stdout, and names each key on stderr
        assert.equal(r.status, 2);
        assert.equal(r.stdout, "");
        const keys = r.stderr.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.slice(4).split(": ")[0]);
        assert.deepEqual(keys, [
            "ecs-ship:github.repository",
            "ecs-ship:github.deployBranches[0]",
            "ecs-ship:registry.keepImages",
            "ecs-ship:services.web.mode",
            "ecs-ship:services.web.image",
            "ecs-ship:services.web.image.ref",
            "ecs-ship:services.web.port",
            "ecs-ship:services.web.memory",
            "ecs-ship:services.web.architecture",
            "ecs-ship:services.web.healthCheckPath",
            "ecs-ship:services.web.scaling.metric",
        ]);
    });

    /** A stack file of one Express service, `web`, with `keys` (YAML at the service's indentation) added. */
    const expressWeb = (keys: string) => tempStackFile(`config:
  aws:region: us-east-1
  ecs-ship:github: { repository: acme/shop }
  ecs-ship:services:
    web:
      mode: express
      image: { context: app }
${keys}
`);

    it("exits 2 when a resource would break an AWS limit, naming the resource, limit and source", () => {
        // GIVEN a valid service whose app permissions are too large for the permissions boundary
        const statements = Array.from({ length: 60 }, (_, i) => `      - { Effect: Allow, Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::acme-shop-assets-bucket-${i}/*"] }`).join("\n");
        const file = expressWeb(`      taskPolicyStatements:\n${statements}`);
        // WHEN it is planned
        const r = runPlan(["--stack", "dev", "--stack-file", file]);
        // THEN the plan stops before anything is created, naming the resource, the limit and its source
        assert.equal(r.status, 2);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /^Pre-flight: 1 resource\(s\) would be rejected by AWS:\n  - ecs-ship-dev-github-boundary \(aws:iam\/policy:Policy\): policy document is \d+ characters: the permissions boundary names every secret ARN and taskPolicyStatements entry of every service\. Keep several values in one Secrets Manager secret as JSON and reference its keys \(<secret ARN>:<KEY>::\), which the boundary names once, or share statements between services \(identical ones are named once\); limit: managed policy document at most 6,144 characters, whitespace excluded \[IAM User Guide, IAM and AWS STS quotas, Managed policy size\]\n$/);
    });

    it("plans an Express stack with 40 secrets: the Express ceiling is in a boundary of its own, which once left room for 10", () => {
        // GIVEN an Express service reading 40 secrets of a realistic length (the Django settings of a real app)
        const secrets = Array.from({ length: 40 }, (_, i) => `        SETTING_${i}: arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/setting-${i}-AbCdEf`).join("\n");
        const file = expressWeb(`      secrets:\n${secrets}`);
        // WHEN it is planned as JSON
        const r = runPlan(["--stack", "dev", "--stack-file", file, "--json"]);
        // THEN no limit is broken, and the trust holds both boundaries
        assert.equal(r.status, 0, r.stderr);
        const names = (JSON.parse(r.stdout).resources as { name: string }[]).map((x) => x.name);
        assert.ok(names.includes("ecs-ship-dev-github-boundary") && names.includes("ecs-ship-dev-github-infra-boundary"), names.filter((n) => /boundary/.test(n)).join(", "));
    });

    it("prints the change against another stack with --compare", () => {
        // GIVEN prod compared with dev  WHEN planned  THEN the change follows the estimate
        const r = runPlan(["--stack", "prod", "--compare", "dev"]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^Monthly cost change, stack "prod" against stack "dev" \(low \/ expected \/ high\):\n  web: \+\$/m);
    });

    it("prints only the markdown section, with the change against an older stack file, for a PR comment", () => {
        // GIVEN an older prod stack file that scaled to at most 3 tasks
        const old = tempStackFile(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8").replace("max: 6", "max: 3"));
        // WHEN the current prod stack is planned against it
        const r = runPlan(["--stack", "prod", "--cost-markdown", "--compare-file", old]);
        // THEN stdout is the markdown section alone, naming the older file; only the high figure moved
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^### Monthly cost estimate: `prod` \(us-east-1\)\n/);
        assert.ok(r.stdout.includes(`Change against ${old}.`), r.stdout);
        assert.match(r.stdout, /^\| `web` \| [^|]+ \| [^|]+ \| [^|]+ \| ±\$0\.00 \/ \+\$[\d.]+ \/ \+\$[\d.]+ \|$/m);
    });

    it("counts a stack whose file did not exist at --compare-ref as new: everything is added", () => {
        // GIVEN a stack with no Pulumi.<stack>.yaml at HEAD (a stack added by this change)
        const file = tempStackFile(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8"));
        // WHEN it is compared with HEAD
        const r = runPlan(["--stack", "newstack", "--stack-file", file, "--compare-ref", "HEAD"]);
        // THEN the change is the whole estimate, from $0.00
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^Monthly cost change, stack "newstack" against Pulumi\.newstack\.yaml at HEAD \(no such file: a new stack\) \(low \/ expected \/ high\):$/m);
        assert.match(r.stdout, /^  stack total: \$0\.00 → \$[\d.]+ \(\+\$[\d.]+\) \/ /m);
    });

    describe("a stack in a region the price table does not cover (ca-central-1)", () => {
        const caFile = () => {
            const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-plan-")), "Pulumi.ca.yaml");
            fs.writeFileSync(file, fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8").replace(/aws:region: .*/, "aws:region: ca-central-1"));
            return file;
        };

        it("still plans, and the cost section says why there is no estimate and how to get one", () => {
            // GIVEN the prod stack moved to ca-central-1, which has no prices  WHEN planned
            const file = caFile();
            const text = runPlan(["--stack-file", file]);
            const json = runPlan(["--stack-file", file, "--json"]);
            const md = runPlan(["--stack-file", file, "--cost-markdown", "--compare-ref", "HEAD"]);
            // THEN every form exits 0 with the plan; the estimate is replaced by the reason and the flag to use
            for (const r of [text, json, md]) assert.equal(r.status, 0, r.stderr);
            const why = `cost: region "ca-central-1" is not in the price table (components/cost/prices.json); it covers ${Object.keys(require("../components/cost/prices.json").regions).join(", ")}. Estimate it with a nearby region's prices: npm run plan -- --stack ca --price-region <region>`;
            assert.match(text.stdout, /^  \+ aws:ecs\/service:Service  ecs-ship-ca-web-svc$/m);
            assert.ok(text.stdout.endsWith(`Monthly cost estimate for stack "ca": not available.\n  ${why}\n`), text.stdout.slice(-600));
            const doc = JSON.parse(json.stdout);
            assert.ok(doc.resources.length > 20);
            assert.deepEqual(doc.cost, { unavailable: why });
            assert.equal(md.stdout, `### Monthly cost estimate: \`ca\`\n\nNot available: ${why.slice("cost: ".length)}\n`);
        });

        it("is priced with another region's prices with --price-region, and says so", () => {
            const r = runPlan(["--stack-file", caFile(), "--price-region", "us-east-1", "--json"]);
            assert.equal(r.status, 0, r.stderr);
            const cost = JSON.parse(r.stdout).cost;
            assert.equal(cost.region, "us-east-1");
            assert.equal(cost.notes[0], "Priced with us-east-1's prices (--price-region); the stack runs in ca-central-1, whose prices differ.");
            assert.ok(cost.total.low > 0);
        });

        it("exits 2 for a --price-region the table does not cover, before planning", () => {
            const r = runPlan(["--stack", "dev", "--price-region", "ca-central-1"]);
            assert.equal(r.status, 2);
            assert.equal(r.stdout, "");
            assert.match(r.stderr, /^plan: --price-region must be a region the price table covers \(us-east-1, .*\), got "ca-central-1"\n$/);
        });
    });

    it("exits 2 naming a bad cost assumption, before planning", () => {
        const r = runPlan(["--stack", "dev", "--assume", "averageLoad=3"]);
        assert.equal(r.status, 2);
        assert.equal(r.stdout, "");
        assert.equal(r.stderr, "--assume averageLoad: must be a number from 0 to 1, got \"3\"\n");
    });

    it("exits 2 when two comparisons are asked for", () => {
        const r = runPlan(["--stack", "dev", "--compare", "prod", "--compare-ref", "HEAD"]);
        assert.equal(r.status, 2);
        assert.equal(r.stderr, "plan: Only one of `--compare`, `--compare-file` or `--compare-ref` can be provided.\n");
    });

    it("exits 2 for a stack with no stack file, naming the absolute path it looked for", () => {
        const r = runPlan(["--stack", "nosuch"]);
        assert.equal(r.status, 2);
        assert.equal(r.stderr, `stack "nosuch": no stack file ${path.join(ROOT, "Pulumi.nosuch.yaml")}\n`);
    });

    it("reads stack files from the folder Pulumi.yaml names as stackConfigDir", async () => {
        // GIVEN a project whose Pulumi.yaml keeps its stack files in stacks/, and the app at the repository root
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-stackdir-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8") + "stackConfigDir: stacks\n");
            fs.writeFileSync(path.join(dir, "index.ts"), `export = require(${JSON.stringify(path.join(ROOT, "program"))}).ecsShip();\n`);
            fs.mkdirSync(path.join(dir, "stacks"));
            fs.cpSync(path.join(ROOT, "app"), path.join(dir, "app"), { recursive: true });
            fs.copyFileSync(path.join(ROOT, "Pulumi.prod.yaml"), path.join(dir, "stacks", "Pulumi.prod.yaml"));
            const cwd = process.cwd();
            process.chdir(dir);
            let p: Plan;
            try {
                // WHEN prod is planned with no --stack-file
                p = await plan("prod", { projectDir: dir, env: { GITHUB_SHA: SHA } });
            } finally {
                process.chdir(cwd);
            }
            // THEN it is stacks/Pulumi.prod.yaml that was read: prod's names, prod's build context
            assert.equal(p.outputs.stack, "prod");
            const images = p.resources.filter((r) => r.type === "docker:index/image:Image");
            assert.ok(images.length > 0);
            for (const image of images) assert.equal(image.inputs.build.context, "app");
            // AND a stack with no file there is named by its absolute path
            await assert.rejects(plan("qa", { projectDir: dir }), { message: `stack "qa": no stack file ${path.join(dir, "stacks", "Pulumi.qa.yaml")}` });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

for (const stack of ["dev", "prod"]) {
    describe(`plan: ${stack} stack`, function () {
        this.timeout(60_000);
        let p: Plan;
        before(async () => { p = await plan(stack, { env: { GITHUB_SHA: SHA } }); });

        it("breaks no AWS limit", () => {
            assert.deepEqual(p.violations, []);
        });

        it("gives every resource a parent chain that ends at a top-level component or the provider", () => {
            const byUrn = new Map(p.resources.map((r) => [r.urn, r]));
            const orphans = p.resources.filter((r) => {
                let cur = r;
                while (cur.parentUrn) {
                    const up = byUrn.get(cur.parentUrn);
                    if (!up) return true;
                    cur = up;
                }
                return !(cur.type.startsWith("ecs-ship:index:") || cur.type === "pulumi:providers:aws");
            });
            assert.deepEqual(orphans.map((r) => r.name), []);
        });

        it("serializes every resource to the documented JSON shape, with parents that exist", () => {
            const doc = JSON.parse(JSON.stringify(planJson(p)));
            assert.equal(doc.stack, stack);
            assert.equal(doc.resources.length, p.resources.length);
            const names = new Set(doc.resources.map((r: any) => r.name));
            const bad = doc.resources.filter((r: any) =>
                typeof r.type !== "string" || typeof r.inputs !== "object" || !Array.isArray(r.dependsOn) ||
                !(r.parent === null || names.has(r.parent)) || r.dependsOn.some((d: string) => !names.has(d)));
            assert.deepEqual(bad.map((r: any) => r.name), []);
        });

        it("prints its monthly estimate per service and for the stack, low / expected / high", () => {
            // GIVEN the stack's estimate, computed here from the same plan
            const e = estimateCost((planJson(p) as { resources: PlanResource[] }).resources, "us-east-1", { namePrefix: `ecs-ship-${stack}-` });
            // WHEN `npm run plan` prints the stack
            const r = runPlan(["--stack", stack]);
            // THEN the text carries the web service's and the stack's figures
            assert.equal(r.status, 0, r.stderr);
            const row = (name: string) => r.stdout.split("\n").find((l) => l.trimStart().startsWith(`${name} `))?.trim().split(/\s{2,}/);
            assert.match(r.stdout, new RegExp(`^Monthly cost estimate for stack "${stack}" \\(USD, us-east-1 `, "m"));
            assert.deepEqual(row("web"), ["web", money(e.services[0].cost.low), money(e.services[0].cost.expected), money(e.services[0].cost.high)]);
            assert.deepEqual(row("stack total"), ["stack total", money(e.total.low), money(e.total.expected), money(e.total.high)]);
        });

        it("carries the estimate in the JSON plan's cost field", () => {
            const e = estimateCost((planJson(p) as { resources: PlanResource[] }).resources, "us-east-1", { namePrefix: `ecs-ship-${stack}-` });
            const r = runPlan(["--stack", stack, "--json"]);
            assert.equal(r.status, 0, r.stderr);
            const cost = JSON.parse(r.stdout).cost;
            assert.deepEqual(cost.total, e.total);
            assert.deepEqual(cost.services.map((s: any) => [s.name, s.items.length]), [["web", e.services[0].items.length]]);
            assert.equal(cost.region, "us-east-1");
            assert.ok(cost.total.low > 0 && cost.total.low < cost.total.high, JSON.stringify(cost.total));
        });

        it("tags the image with the 7-character commit", () => {
            const image = p.resources.find((r) => r.type === "docker:index/image:Image")!;
            assert.equal(image.inputs.imageName, `123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-${stack}-web:4f2a9c1`);
        });
    });
}

describe("plan: secrets", function () {
    this.timeout(60_000);
    it("shows the registry password as [secret], never its value", async () => {
        const p = await plan("dev", { env: { GITHUB_SHA: SHA } });
        const image = (planJson(p) as any).resources.find((r: any) => r.type === "docker:index/image:Image");
        assert.equal(image.inputs.registry, "[secret]");
        assert.doesNotMatch(JSON.stringify(planJson(p)), /mock-ecr-password/);
    });
});

describe("plan: a user's own VPC", function () {
    this.timeout(120_000);
    // GIVEN a Fargate stack on an existing VPC with public and private subnets, the setup that used
    // to crash every plan (config filled a NAT strategy the network component refused) and, once
    // past that, to hang (the mock cloud put every unknown subnet in one zone)
    const file = path.join(os.tmpdir(), `ecs-ship-own-vpc-${process.pid}.yaml`);
    before(() => fs.writeFileSync(file, [
        "config:",
        "  aws:region: eu-west-1",
        "  ecs-ship:github: { repository: bookly/api }",
        "  ecs-ship:network:",
        "    vpcId: vpc-0a1b2c3d4e5f60718",
        "    publicSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]",
        "    privateSubnetIds: [subnet-0a1b2c3d4e5f60003, subnet-0a1b2c3d4e5f60004]",
        "  ecs-ship:services:",
        "    api: { mode: fargate, image: { context: app }, port: 3000 }",
        "",
    ].join("\n")));
    after(() => fs.rmSync(file, { force: true }));

    it("plans, says which subnet zones it assumed, and puts tasks in the private subnets", () => {
        // WHEN it is planned through the command line
        const r = runPlan(["--stack", "staging", "--stack-file", file, "--json"]);
        // THEN it exits 0 with both ALB subnets in distinct assumed zones, and tasks without public IPs
        assert.equal(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.deepEqual(doc.assumptions, [
            "subnet subnet-0a1b2c3d4e5f60001 is assumed to be in eu-west-1a; offline, its real zone is unknown (pulumi up looks it up)",
            "subnet subnet-0a1b2c3d4e5f60002 is assumed to be in eu-west-1b; offline, its real zone is unknown (pulumi up looks it up)",
        ]);
        const [alb] = doc.resources.filter((x: { type: string }) => x.type === "aws:lb/loadBalancer:LoadBalancer");
        assert.deepEqual(alb.inputs.subnets, ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]);
        const [svc] = doc.resources.filter((x: { type: string }) => x.type === "aws:ecs/service:Service");
        assert.deepEqual(svc.inputs.networkConfiguration.subnets, ["subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"]);
        assert.equal(svc.inputs.networkConfiguration.assignPublicIp, false);
    });
});
