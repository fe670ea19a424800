// Real HTTP for the verify gate's tests: the ecs-ship app itself on 127.0.0.1, started the way the
// container starts it (PORT, APP_VERSION); a second, unrelated app that knows nothing of ecs-ship
// (health at /healthz, no version endpoint); and a tiny proxy that answers 503 to the first N
// requests for a health path. The proxy gives "unhealthy, then healthy" without test hooks in the app,
// and makes the number of retries exact rather than a matter of timing.
import { ChildProcess, spawn } from "child_process";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const APP_ENTRY = path.join(ROOT, "app", "src", "server.ts");

export interface Running {
    url: string;
    stop(): Promise<void>;
}

async function freePort(): Promise<number> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
}

async function healthy(url: string): Promise<boolean> {
    try {
        return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).status === 200;
    } catch {
        return false;
    }
}

/** Starts the real app and resolves once /health answers 200. */
export async function startApp(version: string): Promise<Running> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child: ChildProcess = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", APP_ENTRY], {
        cwd: ROOT,
        env: { ...process.env, PORT: String(port), APP_VERSION: version, LOG_LEVEL: "error" },
        stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        await exited;
    };
    for (let i = 0; i < 200; i++) {
        if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode} before listening: ${stderr}`);
        if (await healthy(url)) return { url, stop };
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await stop();
    throw new Error(`app did not answer ${url}/health within 20s: ${stderr}`);
}

/**
 * Someone else's app: a plain HTTP server whose health endpoint is /healthz (answering "ok" as plain
 * text) and which has no version endpoint at all: every other path is 404.
 */
export async function startOtherApp(): Promise<Running> {
    const server = http.createServer((req, res) => {
        if (req.method === "GET" && req.url === "/healthz") res.writeHead(200, { "content-type": "text/plain" }).end("ok");
        else res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        stop: () => new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}

export interface Proxy extends Running {
    /** How many health requests the proxy has received. */
    healthRequests(): number;
}

/** A proxy to `target` that answers 503 to the first `failures` requests for `healthPath` (Infinity: all of them). */
export async function startHealthFlakingProxy(target: string, failures: number, healthPath = "/health"): Promise<Proxy> {
    let health = 0;
    const server = http.createServer((req, res) => {
        if (req.url === healthPath && ++health <= failures) {
            res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ status: "unavailable" }));
            return;
        }
        const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
        });
        upstream.on("error", () => res.writeHead(502).end());
        req.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        healthRequests: () => health,
        stop: () => new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}
