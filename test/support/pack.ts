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
