// ecs-ship as a package: `npm pack` builds the library, examples/ installs the tarball, the
// TypeScript compiler checks the example against the published declarations, and plain Node
// runs the compiled example under Pulumi's mock runtime, loading the library's JavaScript from
// node_modules/ecs-ship. Nothing here runs ts-node on the library.
//
// Offline and fast: the example's copy sits in a temporary directory whose parent
// node_modules is a link to this repository's, so the peer dependencies (@pulumi/*) and the
// TypeScript compiler come from the root install; npm installs only the tarball.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { Packed, installTarball, packOnce } from "./support/pack";

const ROOT = path.resolve(__dirname, "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const SHA = "0123456789abcdef0123456789abcdef01234567";

interface Planned { type: string; name: string; parent: string | null; inputs: Record<string, any> }
interface RunResult { library: string; sdkOfLibrary: string; sdkOfProgram: string; resources: Planned[]; outputs: Record<string, unknown> }

/** Runs a command; on failure the error carries its output, so a broken step explains itself. */
function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
    try {
        return execFileSync(file, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 }).toString();
    } catch (e) {
        const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
        throw new Error(`${file} ${args.join(" ")} failed in ${cwd}:\n${err.stdout?.toString() ?? ""}\n${err.stderr?.toString() ?? ""}\n${err.message}`);
    }
}

/** Modules a compiled file loads by bare name, at any depth (a `require` inside a function counts). */
function requiredModules(js: string): string[] {
    return [...js.matchAll(/\brequire\(\s*["']([^"'./][^"']*)["']\s*\)/g)].map((m) => m[1]);
}

/** The JavaScript files under a folder, at any depth, relative to it. */
function jsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
        ? jsFiles(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : e.name.endsWith(".js") ? [e.name] : []));
}

/** A package name from a module specifier: `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
const packageOf = (spec: string) => spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/");

/**
 * Run in the clean folder: loads every module the installed package's dist/ requires, as a file in
 * dist/ resolves it, then every file of dist/ itself. Prints what loaded and what failed.
 */
const LOADER = `
const fs = require("fs");
const path = require("path");
const { createRequire } = require("module");
const dist = path.dirname(require.resolve("ecs-ship"));
const fromDist = createRequire(path.join(dist, "index.js"));
const [modules] = process.argv.slice(2).map((a) => JSON.parse(a));
const out = { dist, loaded: [], failed: [] };
const attempt = (what, load) => {
    try { load(); out.loaded.push(what); } catch (e) { out.failed.push(what + ": " + String(e && e.message || e).split("\\n")[0]); }
};
for (const m of modules) attempt(m, () => fromDist(m));
// Every file but the entry points that act when loaded: the command, the plan, and the policy pack (which starts
// Pulumi's analyzer server).
const SCRIPTS = ["cli/index.js", "tools/plan/index.js", "policy/index.js"];
const files = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory()
    ? files(path.join(dir, e.name)).map((f) => e.name + "/" + f) : e.name.endsWith(".js") ? [e.name] : []);
for (const f of files(dist).filter((f) => !SCRIPTS.includes(f)).sort()) attempt("dist/" + f, () => require(path.join(dist, f)));
process.stdout.write(JSON.stringify(out));
`;

/** The plain-JavaScript runner: the mock cloud, then the compiled program, then what was registered. */
const RUNNER = `
const path = require("path");
const { MockCloud, installMocks, settle } = require("./mock/mockCloud.js");
const cloud = new MockCloud("us-east-1");
installMocks(cloud, "ecs-ship-example", "dev");
const pulumi = require("@pulumi/pulumi");
pulumi.runtime.setAllConfig({ "aws:region": "us-east-1", "ecs-ship-example:repository": "acme/shop" });
const program = require("./bin/index.js");
const value = (o) => new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
(async () => {
    const outputs = { url: await value(program.url), imageRef: await value(program.imageRef), deployRoleArn: await value(program.deployRoleArn) };
    await settle();
    const library = require.resolve("ecs-ship");
    process.stdout.write(JSON.stringify({
        library,
        sdkOfLibrary: require.resolve("@pulumi/pulumi", { paths: [path.dirname(library)] }),
        sdkOfProgram: require.resolve("@pulumi/pulumi"),
        resources: cloud.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent, inputs: r.inputs })),
        outputs,
    }));
// process["exit"]: a bare call reads like a skipped test to line-based linters.
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process["exit"](1); });
`;

describe("ecs-ship as a package (npm pack, examples/, plain Node)", function () {
    // Packing compiles the library, and the example is compiled against its declarations.
    this.timeout(600_000);
    let work: string;
    let packed: Packed;
    let typeCheck: string;
    let snippets: string[];
    let result: RunResult;
    let published: { dependencies?: Record<string, string>; peerDependencies: Record<string, string> };
    let distModules: string[];
    let clean: { dist: string; loaded: string[]; failed: string[] };

    before(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-lib-"));
        // `npm pack` runs `prepack` (npm run build), so a clean clone needs no build step first.
        // Packed once for this content, shared with the other package tests (test/support/pack.ts).
        packed = packOnce();
        const tarball = packed.tarball;

        // A copy of examples/, in a directory whose parent's node_modules is this repository's.
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(work, "node_modules"), "dir");
        const example = path.join(work, "example");
        fs.cpSync(path.join(ROOT, "examples"), example, { recursive: true, filter: (src) => !/[\\/](node_modules|bin)$/.test(src) });
        const manifest = JSON.parse(fs.readFileSync(path.join(example, "package.json"), "utf8"));
        // The peers and the compiler resolve from the parent node_modules; npm installs the tarball only.
        manifest.dependencies = { "ecs-ship": `file:${tarball}` };
        delete manifest.devDependencies;
        fs.writeFileSync(path.join(example, "package.json"), JSON.stringify(manifest, null, 2));
        installTarball(example, tarball);

        // The code blocks of docs/components.md are compiled with the example, so the page cannot drift.
        snippets = [...fs.readFileSync(path.join(ROOT, "docs", "components.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
        snippets.forEach((code, i) => fs.writeFileSync(path.join(example, `doc-${i + 1}.ts`), code));
        const tsconfig = JSON.parse(fs.readFileSync(path.join(example, "tsconfig.json"), "utf8"));
        tsconfig.files = [...tsconfig.files, ...snippets.map((_, i) => `doc-${i + 1}.ts`)];
        fs.writeFileSync(path.join(example, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
        typeCheck = run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], example);

        // The mock cloud is this repository's tool (the mock and its fake state); transpiled to JavaScript beside the runner.
        fs.mkdirSync(path.join(example, "mock"));
        for (const file of ["mockCloud", "fakeState"]) {
            const mockSource = fs.readFileSync(path.join(ROOT, "tools", "planner", `${file}.ts`), "utf8");
            const mockJs = ts.transpileModule(mockSource, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
            fs.writeFileSync(path.join(example, "mock", `${file}.js`), mockJs);
        }
        fs.writeFileSync(path.join(example, "runner.js"), RUNNER);
        result = JSON.parse(run(process.execPath, ["runner.js"], example, { GITHUB_SHA: SHA }));

        // The tarball alone in a clean folder, with nothing above it to borrow modules from: npm installs
        // what the package declares, and the peers are there as a program that installs them provides them.
        published = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        const cleanDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-clean-"));
        fs.writeFileSync(path.join(cleanDir, "package.json"), JSON.stringify({ name: "clean-install", private: true, dependencies: { "ecs-ship": `file:${tarball}` } }));
        installTarball(cleanDir, tarball);
        for (const peer of Object.keys(published.peerDependencies)) {
            fs.mkdirSync(path.dirname(path.join(cleanDir, "node_modules", peer)), { recursive: true });
            fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules", peer)), path.join(cleanDir, "node_modules", peer), "dir");
        }
        const installedDist = path.join(cleanDir, "node_modules", "ecs-ship", "dist");
        distModules = [...new Set(jsFiles(installedDist)
            .flatMap((f) => requiredModules(fs.readFileSync(path.join(installedDist, f), "utf8"))))].sort();
        fs.writeFileSync(path.join(cleanDir, "loader.js"), LOADER);
        const env = { ...process.env, NODE_PATH: "" };
        clean = JSON.parse(execFileSync(process.execPath, ["loader.js", JSON.stringify(distModules)], { cwd: cleanDir, env, stdio: ["ignore", "pipe", "pipe"] }).toString());
        fs.rmSync(cleanDir, { recursive: true, force: true });
    });

    after(() => {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    const ofType = (type: string) => result.resources.filter((r) => r.type === type);
    const one = (type: string): Planned => {
        const found = ofType(type);
        assert.equal(found.length, 1, `expected one ${type}, got ${found.map((r) => r.name).join(", ") || "none"}`);
        return found[0];
    };

    it("publishes compiled JavaScript: the library, the program as ecsShip(), the command, the policy pack and the workflows it writes", () => {
        // GIVEN the packed file list  THEN the library entry, the program, the command and what init writes are there
        const files = packed.files.map((f) => f.path).sort();
        for (const f of [
            "package.json", "dist/lib.js", "dist/lib.d.ts", "dist/program.js", "dist/program.d.ts", "dist/components/fargate/fargateService.js",
            "dist/components/fargate/fargateService.d.ts", "dist/config/index.js", "dist/cli/index.js", "dist/tools/planner/planner.js", "dist/tools/plan/index.js",
            "dist/components/cost/prices.json", "dist/policy/index.js", "dist/policy/package.json", "dist/policy/PulumiPolicy.yaml",
            ".github/workflows/deploy.yml", ".github/workflows/rollback.yml", "schema/stack.schema.json",
        ]) {
            assert.ok(files.includes(f), `${f} is not published; got ${files.join(", ")}`);
        }
        // AND every other file is compiled output under dist/, a workflow init renders, or the package's own docs and schema
        const other = files.filter((f) => !/^dist\/([A-Za-z]+\/)*[A-Za-z0-9-]+\.(js|d\.ts|js\.map|json)$/.test(f)
            && !/^\.github\/workflows\/[a-z-]+\.yml$/.test(f)
            && !["package.json", "README.md", "LICENSE", "dist/policy/PulumiPolicy.yaml", "schema/stack.schema.json", "docs/configuration.md"].includes(f));
        assert.deepEqual(other, []);
        // AND no test, benchmark or TypeScript source, and not this repository's own index.ts (init writes an app's)
        assert.deepEqual(files.filter((f) => /test|bench|\.ts$/.test(f) && !f.endsWith(".d.ts")), []);
        assert.deepEqual(files.filter((f) => /^dist\/index\./.test(f)), []);
    });

    it("points package.json's entry at the compiled library, not at the program", () => {
        // GIVEN the published manifest  THEN main, types and exports name dist/index
        const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.equal(manifest.main, "dist/lib.js");
        assert.equal(manifest.types, "dist/lib.d.ts");
        assert.deepEqual(manifest.exports["."], { types: "./dist/lib.d.ts", default: "./dist/lib.js" });
        assert.deepEqual(manifest.bin, { "ecs-ship": "dist/cli/index.js" });
        assert.equal(manifest.private, undefined);
        // AND the Pulumi SDKs are peers, never the package's own copies (two copies of @pulumi/pulumi break a program;
        // @pulumi/policy, which the policy pack loads, depends on it, so it is a peer too)
        assert.deepEqual(Object.keys(manifest.peerDependencies).sort(), ["@pulumi/aws", "@pulumi/awsx", "@pulumi/docker", "@pulumi/policy", "@pulumi/pulumi"]);
        // AND what the program, the plan and the gate load besides are its own: the validator, the YAML reader, the ECS
        // client, and the log reader that quotes a failed release task's last lines
        assert.deepEqual(Object.keys(manifest.dependencies ?? {}).sort(), ["@aws-sdk/client-cloudwatch-logs", "@aws-sdk/client-ecs", "yaml", "zod"]);
    });

    it("declares every module dist/ loads at run time: a peer, a dependency, or part of Node", () => {
        // GIVEN the modules the compiled library requires by name, inside functions too (the drain barrier
        // loads the ECS client only when a delete runs)
        assert.ok(distModules.includes("@aws-sdk/client-ecs"), distModules.join(", "));
        // THEN each is Node's own, or declared; the dependencies are exactly the rest
        const builtin = (m: string) => builtinModules.includes(m.replace(/^node:/, ""));
        const peers = Object.keys(published.peerDependencies);
        const needed = [...new Set(distModules.filter((m) => !builtin(m)).map(packageOf))].filter((p) => !peers.includes(p)).sort();
        assert.deepEqual(Object.keys(published.dependencies ?? {}).sort(), needed);
    });

    it("installed alone in a clean folder, loads every module dist/ requires, and every file of dist/", () => {
        // GIVEN the tarball installed with only what it declares (its peers provided as a program provides them)
        // WHEN each module is required as a file in dist/ resolves it
        // THEN none is missing: a module that is only a devDependency here would throw "Cannot find module"
        assert.deepEqual(clean.failed, []);
        assert.deepEqual(clean.loaded.filter((m) => !m.startsWith("dist/")), distModules);
        assert.ok(clean.loaded.includes("dist/components/service/drainBarrier.js") && clean.loaded.includes("dist/lib.js") && clean.loaded.includes("dist/program.js"), clean.loaded.join(", "));
    });

    it("type-checks the example against the published declarations", () => {
        // GIVEN the example with the tarball installed  WHEN tsc runs  THEN it reports nothing
        assert.equal(typeCheck.trim(), "");
    });

    it("type-checks every code block of docs/components.md against the published declarations", () => {
        // GIVEN the page's blocks (one per component section, the shared load balancer, and the import line)  THEN all were compiled, with no error
        assert.equal(snippets.length, 7);
        assert.ok(snippets.every((code) => code.includes('from "ecs-ship"')));
        assert.equal(typeCheck.trim(), "");
    });

    it("loads the library's compiled JavaScript from node_modules/ecs-ship, sharing the program's Pulumi SDK", () => {
        assert.ok(result.library.endsWith(path.join("example", "node_modules", "ecs-ship", "dist", "lib.js")), result.library);
        assert.equal(result.sdkOfLibrary, result.sdkOfProgram);
    });

    it("creates the trust, the registry and the service with the components' own types and names", () => {
        // GIVEN the example's minimal arguments  WHEN it runs under the mock runtime
        const components = result.resources.filter((r) => r.type.startsWith("ecs-ship:index:")).map((r) => `${r.type} ${r.name}`).sort();
        // THEN exactly these components, named by the example
        assert.deepEqual(components, [
            "ecs-ship:index:ContainerRegistry ecs-ship-dev-web-registry",
            "ecs-ship:index:FargateCluster ecs-ship-dev",
            "ecs-ship:index:FargateService ecs-ship-dev-web",
            "ecs-ship:index:GithubOidcTrust ecs-ship-dev-github",
            "ecs-ship:index:StackNetwork ecs-ship-dev-network",
        ]);
        // AND every AWS and Docker resource belongs to one of them, or is the example's provider
        const loose = result.resources.filter((r) => r.parent === null && !r.type.startsWith("ecs-ship:index:") && !r.type.startsWith("pulumi:providers:"));
        assert.deepEqual(loose.map((r) => r.name), []);
    });

    it("creates the GitHub provider, a deploy and a preview role, and one pass-role policy for the service", () => {
        assert.equal(one("aws:iam/openIdConnectProvider:OpenIdConnectProvider").name, "ecs-ship-dev-github-provider");
        const roles = ofType("aws:iam/role:Role").map((r) => r.name).sort();
        assert.deepEqual(roles, ["ecs-ship-dev-github-deploy", "ecs-ship-dev-github-preview", "ecs-ship-dev-web-exec"]);
        assert.equal(one("aws:iam/rolePolicy:RolePolicy").name, "ecs-ship-dev-github-pass-web");
    });

    it("lets the deploy role register task definitions in exactly the example service's family", () => {
        // GIVEN the example's taskDefinitionFamilies  WHEN its deploy-tasks policy is read
        const doc = JSON.parse(ofType("aws:iam/policy:Policy").find((r) => r.name === "ecs-ship-dev-github-deploy-tasks")!.inputs.policy);
        // THEN it names that one family, every revision
        assert.deepEqual(doc.Statement[0].Resource.map((a: string) => a.split(":").slice(5).join(":")), ["task-definition/ecs-ship-dev-web:*"]);
    });

    it("builds the image into an immutable repository named by the example, tagged with the commit", () => {
        const repo = one("aws:ecr/repository:Repository");
        assert.equal(repo.inputs.name, "ecs-ship-dev-web");
        assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE");
        assert.equal(repo.inputs.forceDelete, true); // CONTAINER_REGISTRY_DEFAULTS
        const image = one("docker:index/image:Image");
        assert.match(image.inputs.imageName, /\/ecs-ship-dev-web:0123456$/);
        assert.match(String(result.outputs.imageRef), /\/ecs-ship-dev-web@sha256:[0-9a-f]{64}$/);
    });

    it("runs the service with the components' defaults: 0.25 vCPU, 512 MiB, x86_64, /health, PORT 8080, on FARGATE", () => {
        const td = one("aws:ecs/taskDefinition:TaskDefinition");
        assert.equal(td.inputs.cpu, "256");
        assert.equal(td.inputs.memory, "512");
        assert.deepEqual(td.inputs.runtimePlatform, { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" });
        const container = JSON.parse(td.inputs.containerDefinitions)[0];
        assert.equal(container.image, result.outputs.imageRef);
        assert.deepEqual(container.environment, [{ name: "PORT", value: "8080" }]);
        assert.equal(one("aws:lb/targetGroup:TargetGroup").inputs.healthCheck.path, "/health");
        const svc = one("aws:ecs/service:Service");
        assert.deepEqual([svc.inputs.launchType, svc.inputs.capacityProviderStrategies], [undefined, [{ capacityProvider: "FARGATE", weight: 1 }]]);
        assert.equal(svc.inputs.desiredCount, 1);
        assert.equal(svc.inputs.networkConfiguration.assignPublicIp, true);
        assert.equal(one("aws:lb/loadBalancer:LoadBalancer").name, "ecs-ship-dev-web-alb");
        assert.match(String(result.outputs.url), /^http:\/\//);
    });
});

/** Whether a caret range (^M.m.p, the only form the manifests here use) accepts a version: same major, not older. */
function caretAccepts(range: string, version: string): boolean {
    const r = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
    const v = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
    if (!r || !v) throw new Error(`not a caret range and a version: ${range}, ${version}`);
    const [rm, rn, rp] = r.slice(1).map(Number), [vm, vn, vp] = v.slice(1).map(Number);
    return rm === vm && (vn > rn || (vn === rn && vp >= rp));
}

describe("examples/package.json, as a user installs it", () => {
    const example = JSON.parse(fs.readFileSync(path.join(ROOT, "examples", "package.json"), "utf8"));
    const peers: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).peerDependencies;

    it("asks for every peer ecs-ship loads in a range that peer's range accepts, so npm install resolves", () => {
        // GIVEN the example's own dependencies  THEN each @pulumi peer it names is in ecs-ship's major, at or above its floor
        const named = Object.keys(example.dependencies).filter((d) => d in peers);
        assert.deepEqual(named.sort(), ["@pulumi/aws", "@pulumi/awsx", "@pulumi/docker", "@pulumi/pulumi"]);
        for (const dep of named) {
            const floor = example.dependencies[dep].slice(1);
            assert.ok(caretAccepts(peers[dep], floor), `examples pins ${dep} ${example.dependencies[dep]}, which ecs-ship's peer ${peers[dep]} refuses`);
            // AND the versions installed here (what the example was planned with above) satisfy it
            const installed = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", dep, "package.json"), "utf8")).version;
            assert.ok(caretAccepts(example.dependencies[dep], installed), `${dep} ${installed} does not satisfy ${example.dependencies[dep]}`);
        }
    });

    it("the check refuses the pin examples/ once had: @pulumi/docker ^4.6.2 against the peer ^5.2.0", () => {
        assert.equal(caretAccepts(peers["@pulumi/docker"], "4.6.2"), false);
        assert.equal(caretAccepts("^5.2.0", "5.10.0"), true);
        assert.equal(caretAccepts("^5.2.0", "5.1.9"), false);
    });
});

describe("the program in this repository", () => {
    it("is still index.ts for `pulumi up`, named in Pulumi.yaml because package.json now points at the library", () => {
        // Pulumi's Node.js runtime runs Pulumi.yaml's `main`, else package.json's `exports`, else its `main`
        // (pulumi/pulumi, sdk/nodejs/cmd/run/run.ts).
        const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
        assert.match(project, /^main: index\.ts$/m);
        // AND index.ts is the thin caller an app gets: it runs ecsShip() and exports what it returns
        const code = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("//"));
        assert.deepEqual(code, ['import { ecsShip } from "./program"; export = ecsShip();']);
    });
});
