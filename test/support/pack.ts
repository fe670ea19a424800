// `npm pack` of this repository, once per content: the package tests (library, init) run in parallel
// mocha workers, and two packs at once would race on dist/ (prepack empties it, then compiles into it).
// The first worker to claim the content's folder packs; the others wait for its result.
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const WAIT_MS = 10 * 60_000;

export interface Packed { tarball: string; filename: string; files: { path: string }[] }

/** What the package is made of: every file the build and the pack read, by content. */
function contentKey(): string {
    const hash = createHash("sha256");
    const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) { if (e.name !== "node_modules") walk(p); }
            else { hash.update(path.relative(ROOT, p)); hash.update(fs.readFileSync(p)); }
        }
    };
    for (const f of ["package.json", "tsconfig.json", "tsconfig.build.json", "lib.ts", "program.ts", "README.md", "LICENSE"]) {
        if (fs.existsSync(path.join(ROOT, f))) { hash.update(f); hash.update(fs.readFileSync(path.join(ROOT, f))); }
    }
    for (const d of ["cli", "config", "components", "tools", "policy", "schema", "docs", path.join(".github", "workflows")]) walk(path.join(ROOT, d));
    return hash.digest("hex").slice(0, 16);
}

function sleep(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The packed tarball of the current sources, packing it unless another worker has or is. */
export function packOnce(): Packed {
    const dir = path.join(os.tmpdir(), `ecs-ship-pack-${contentKey()}`);
    const result = path.join(dir, "packed.json");
    try {
        fs.mkdirSync(dir);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        const until = Date.now() + WAIT_MS;
        while (!fs.existsSync(result)) {
            if (Date.now() > until) throw new Error(`npm pack: no result in ${dir} after ${WAIT_MS / 60_000} minutes (a packing worker failed; remove the folder)`);
            sleep(500);
        }
        return JSON.parse(fs.readFileSync(result, "utf8"));
    }
    try {
        const out = execFileSync(NPM, ["pack", "--json", "--pack-destination", dir], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 }).toString();
        const start = out.lastIndexOf("\n[") >= 0 ? out.lastIndexOf("\n[") + 1 : out.indexOf("[");
        const { filename, files } = JSON.parse(out.slice(start))[0] as { filename: string; files: { path: string }[] };
        const packed: Packed = { tarball: path.join(dir, filename), filename, files };
        fs.writeFileSync(`${result}.tmp`, JSON.stringify(packed));
        fs.renameSync(`${result}.tmp`, result);
        return packed;
    } catch (e) {
        // Nothing half-made is left to wait on: the next run packs again.
        fs.rmSync(dir, { recursive: true, force: true });
        const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
        throw new Error(`npm pack failed in ${ROOT}:\n${err.stdout?.toString() ?? ""}\n${err.stderr?.toString() ?? ""}\n${err.message}`);
    }
}

/**
 * A package-lock.json for a folder that installs only the tarball: the package, and the tree of its
 * `dependencies` exactly as this repository's lock has it (same versions, same nesting, same
 * integrity). npm then installs offline from the cache, which `npm ci` filled, without asking the
 * registry for any version.
 */
export function tarballLock(name: string, tarball: string): string {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const locked: Record<string, any> = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")).packages;
    const tree: Record<string, any> = {};
    // Node's resolution over the lock's paths: the package's own node_modules, then each parent's.
    const visit = (from: string, dep: string, optional: boolean) => {
        for (let base = from; ; base = base.includes("/node_modules/") ? base.slice(0, base.lastIndexOf("/node_modules/")) : "") {
            const key = `${base ? `${base}/` : ""}node_modules/${dep}`;
            if (locked[key]) {
                if (tree[key]) return;
                const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = locked[key];
                tree[key] = entry;
                for (const d of Object.keys(entry.dependencies ?? {})) visit(key, d, false);
                for (const d of Object.keys(entry.optionalDependencies ?? {})) visit(key, d, true);
                return;
            }
            if (!base) {
                if (optional) return;
                throw new Error(`package-lock.json has no ${dep} that ${from || "the package"} can load`);
            }
        }
    };
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit("", dep, false);
    return JSON.stringify({
        name, lockfileVersion: 3, requires: true,
        packages: {
            "": { name, dependencies: { "ecs-ship": `file:${tarball}` } },
            // `bin` as npm records it, or npm links no command from the lock (node_modules/.bin/ecs-ship)
            "node_modules/ecs-ship": { version: manifest.version, resolved: `file:${tarball}`, dependencies: manifest.dependencies, peerDependencies: manifest.peerDependencies, bin: manifest.bin },
            ...tree,
        },
    }, null, 2);
}

/** Installs what a folder's package.json and tarballLock name, offline, without the peers. */
export function installTarball(dir: string, tarball: string): void {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    fs.writeFileSync(path.join(dir, "package-lock.json"), tarballLock(manifest.name, tarball));
    execFileSync(NPM, ["install", "--offline", "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
}
