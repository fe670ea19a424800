// What `ecs-ship init` reads from an app's repository before asking anything: where its Dockerfile is,
// which port the image says it listens on, and the GitHub repository named by the `origin` remote.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** Folders never searched for a Dockerfile: dependencies, build output, VCS data. */
const SKIP = new Set(["node_modules", ".git", "dist", "build", "vendor", "target", ".venv", "venv", "__pycache__"]);

/**
 * The Dockerfiles of a repository, relative to its root, shallowest first (then by path), at most
 * four folders deep: the app's own image is the one nearest the root.
 */
export function findDockerfiles(root: string, maxDepth = 4): string[] {
    const found: string[] = [];
    const walk = (dir: string, depth: number) => {
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch {
            return;
        }
        for (const e of entries) {
            if (e.isFile() && (e.name === "Dockerfile" || e.name === "Containerfile")) found.push(path.relative(root, path.join(dir, e.name)));
            else if (e.isDirectory() && !SKIP.has(e.name) && depth < maxDepth) walk(path.join(dir, e.name), depth + 1);
        }
    };
    walk(root, 0);
    const depth = (p: string) => p.split(path.sep).length;
    return found.sort((a, b) => depth(a) - depth(b) || a.localeCompare(b)).map((p) => p.split(path.sep).join("/"));
}

/**
 * The port of the Dockerfile's last EXPOSE in its last stage (the image that runs), a number only:
 * `EXPOSE 8080`, `EXPOSE 8080/tcp`; a variable (`EXPOSE $PORT`) or a UDP port says nothing usable.
 * Docker docs, "Dockerfile reference", EXPOSE: "EXPOSE <port> [<port>/<protocol>...]", TCP by default.
 */
export function exposedPort(dockerfile: string): number | undefined {
    const lines = dockerfile.replace(/\\\r?\n/g, " ").split(/\r?\n/).map((l) => l.trim());
    const lastFrom = lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
    let port: number | undefined;
    for (const line of lines.slice(Math.max(lastFrom, 0))) {
        const m = /^EXPOSE\s+(.+)$/i.exec(line);
        if (!m) continue;
        for (const word of m[1].split(/\s+/)) {
            const p = /^(\d{1,5})(\/tcp)?$/i.exec(word);
            if (p && Number(p[1]) >= 1 && Number(p[1]) <= 65535) port = Number(p[1]);
        }
    }
    return port;
}

/**
 * owner/name of a GitHub remote URL, in any form git prints it: https://github.com/o/n(.git),
 * git@github.com:o/n(.git), ssh://git@github.com/o/n(.git). Undefined for another host.
 */
export function githubRepository(url: string): string | undefined {
    const m = /^(?:https?:\/\/(?:[^@/]+@)?github\.com\/|git@github\.com:|ssh:\/\/git@github\.com(?::\d+)?\/)([A-Za-z0-9-]+\/[A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(url.trim());
    return m?.[1];
}

/** The repository `origin` points at (else the first remote), as owner/name; undefined outside git or off GitHub. */
export function remoteRepository(root: string): string | undefined {
    const git = (args: string[]) => {
        try {
            return execFileSync("git", args, { cwd: root, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
        } catch {
            return "";
        }
    };
    const remotes = git(["remote"]).split("\n").filter(Boolean);
    const remote = remotes.includes("origin") ? "origin" : remotes[0];
    return remote === undefined ? undefined : githubRepository(git(["remote", "get-url", remote]));
}
