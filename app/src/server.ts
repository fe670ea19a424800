// The sample web app that ecs-ship deploys: an HTTP server with no runtime dependencies.
//
// Environment (read once, in `settingsFromEnv`):
//   PORT                 port to listen on; default 8080. 0 picks a free port (the startup log names it).
//   APP_VERSION          the commit the image was built from (the Dockerfile passes it in); default "unknown".
//   SHUTDOWN_TIMEOUT_MS  how long a SIGTERM waits for in-flight requests; default 10000.
//
// Endpoints (GET and HEAD):
//   /         a small HTML page naming the running version
//   /health   200 {"status":"ok"}; 503 {"status":"draining"} once shutdown has begun
//   /version  200 {"version":"<APP_VERSION>"}
// Any other path is 404 (JSON). A known path asked with another method is 405 with `Allow: GET, HEAD`.
//
// Logs: one JSON object per line on stdout; one line per request, plus startup and shutdown lines.
//
// Run it with `node dist/server.js` (built) or `node -r ts-node/register/transpile-only src/server.ts`.
import * as http from "http";
import type { Socket } from "net";

export interface Settings {
    /** TCP port. @default 8080 */
    port: number;
    /** What `/version` reports. @default "unknown" */
    version: string;
    /** Upper bound on a graceful shutdown, in milliseconds. @default 10000 */
    shutdownTimeoutMs: number;
}

export type LogEntry = Record<string, unknown>;
export type Logger = (entry: LogEntry) => void;

export interface StartOptions extends Partial<Settings> {
    /** Interface to bind. @default every interface (what a container needs) */
    host?: string;
    /** Where log entries go. @default JSON lines on stdout */
    log?: Logger;
}

export interface ShutdownResult {
    /** True when the bound passed and open connections were cut. */
    forced: boolean;
    durationMs: number;
}

export interface AppServer {
    /** The port actually bound (differs from the requested one when that was 0). */
    readonly port: number;
    /** True from the moment shutdown begins. */
    readonly draining: boolean;
    /** Begins a graceful shutdown; calling it again returns the same promise. */
    shutdown(reason: string): Promise<ShutdownResult>;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = { port: 8080, version: "unknown", shutdownTimeoutMs: 10_000 };

// ECS sends SIGTERM, waits the container's stop timeout, then sends SIGKILL. The stop timeout is
// 30 s by default ("When StopTask is called on a task, the equivalent of docker stop is issued ...
// a SIGTERM value and a default 30-second timeout, after which the SIGKILL value is sent":
// Amazon ECS API Reference, StopTask). The 10 s default bound stays well inside it. On Fargate the
// stop timeout can be raised to at most 120 s ("the max stop timeout value is 120 seconds": Amazon
// ECS API Reference, ContainerDefinition `stopTimeout`), so a longer bound could never be honoured.
const MAX_SHUTDOWN_TIMEOUT_MS = 120_000;

// An Application Load Balancer keeps idle connections to targets for 60 s by default, and AWS
// recommends that the application's idle timeout be larger, or the ALB may reuse a connection the
// app just closed and answer the client 502 (Elastic Load Balancing User Guide for Application
// Load Balancers, "Connection idle timeout"). Node's own default is 5 s.
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
// Kept above the keep-alive timeout, so a request on a reused connection is never cut by this timer.
const HEADERS_TIMEOUT_MS = 66_000;

const ALLOW = "GET, HEAD";

/** Reads PORT, APP_VERSION and SHUTDOWN_TIMEOUT_MS. Throws one error listing every invalid value. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
    const problems: string[] = [];
    const integer = (name: string, min: number, max: number, fallback: number): number => {
        const raw = env[name];
        if (raw === undefined || raw === "") return fallback;
        const value = Number(raw);
        if (!/^\d+$/.test(raw) || value < min || value > max) {
            problems.push(`${name}: must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
            return fallback;
        }
        return value;
    };
    const settings: Settings = {
        port: integer("PORT", 0, 65535, DEFAULT_SETTINGS.port),
        version: env.APP_VERSION || DEFAULT_SETTINGS.version,
        shutdownTimeoutMs: integer("SHUTDOWN_TIMEOUT_MS", 0, MAX_SHUTDOWN_TIMEOUT_MS, DEFAULT_SETTINGS.shutdownTimeoutMs),
    };
    if (problems.length > 0) throw new Error(problems.join("; "));
    return settings;
}

/** Writes one JSON line to stdout, stamped with the time. */
export const logToStdout: Logger = (entry) => {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
};

interface Reply {
    status: number;
    contentType: string;
    body: string;
    headers?: http.OutgoingHttpHeaders;
}

const json = (status: number, value: unknown, headers?: http.OutgoingHttpHeaders): Reply => ({
    status,
    contentType: "application/json; charset=utf-8",
    body: `${JSON.stringify(value)}\n`,
    headers,
});

const escapeHtml = (text: string): string =>
    text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

function homePage(version: string): Reply {
    const v = escapeHtml(version);
    const body = [
        "<!doctype html>",
        '<html lang="en">',
        '<head><meta charset="utf-8"><title>ecs-ship</title></head>',
        `<body><h1>ecs-ship</h1><p>Running version <code>${v}</code>.</p></body>`,
        "</html>",
        "",
    ].join("\n");
    return { status: 200, contentType: "text/html; charset=utf-8", body };
}

/** Starts listening and resolves once the port is bound. Installs no signal handlers (see `main`). */
export function startServer(options: StartOptions = {}): Promise<AppServer> {
    const settings: Settings = { ...DEFAULT_SETTINGS, ...definedOnly(options) };
    const log = options.log ?? logToStdout;
    const sockets = new Set<Socket>();
    let draining = false;
    let closing: Promise<ShutdownResult> | undefined;

    const routes = new Map<string, () => Reply>([
        ["/", () => homePage(settings.version)],
        ["/health", () => (draining ? json(503, { status: "draining" }) : json(200, { status: "ok" }))],
        ["/version", () => json(200, { version: settings.version })],
    ]);

    const server = http.createServer((req, res) => {
        const started = process.hrtime.bigint();
        const method = req.method ?? "";
        // The query string stays out of routing and out of the logs (it may carry tokens).
        const path = (req.url ?? "/").split("?")[0];
        res.once("close", () => {
            const entry: LogEntry = {
                level: "info",
                msg: "request",
                method,
                path,
                status: res.statusCode,
                durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e3) / 1e3,
            };
            if (!res.writableFinished) entry.aborted = true;
            log(entry);
        });

        const route = routes.get(path);
        let reply: Reply;
        if (!route) reply = json(404, { error: "not found", path });
        else if (method !== "GET" && method !== "HEAD") reply = json(405, { error: "method not allowed", allow: ALLOW }, { Allow: ALLOW });
        else reply = route();

        res.writeHead(reply.status, {
            "Content-Type": reply.contentType,
            "Content-Length": Buffer.byteLength(reply.body),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            // While draining, every answer ends its connection, so keep-alive clients move on.
            ...(draining ? { Connection: "close" } : {}),
            ...reply.headers,
        });
        res.end(reply.body); // Node sends no body for HEAD; Content-Length still tells its size.
    });
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    server.on("connection", (socket: Socket) => {
        sockets.add(socket);
        socket.once("close", () => sockets.delete(socket));
    });

    function shutdown(reason: string): Promise<ShutdownResult> {
        if (closing) return closing;
        draining = true;
        const began = Date.now();
        closing = new Promise((resolve) => {
            const finish = (forced: boolean) => {
                clearTimeout(timer);
                const result = { forced, durationMs: Date.now() - began };
                log({ level: forced ? "error" : "info", msg: "shutdown complete", ...result });
                resolve(result);
            };
            const timer = setTimeout(() => {
                log({ level: "error", msg: "shutdown timed out; closing open connections", openConnections: sockets.size });
                server.closeAllConnections();
                finish(true);
            }, settings.shutdownTimeoutMs);
            // Stops listening at once, so new connections are refused. Since Node 19 it also closes
            // keep-alive connections that are idle now; busy ones end after their response, which
            // carries `Connection: close`. The callback runs once the last connection has closed.
            server.close(() => finish(false));
        });
        // Logged only once the listener is closed, so whoever reads it can rely on refused connections.
        log({ level: "info", msg: "shutdown started", reason, timeoutMs: settings.shutdownTimeoutMs, openConnections: sockets.size });
        return closing;
    }

    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(settings.port, options.host, () => {
            server.off("error", reject);
            const address = server.address();
            const port = typeof address === "object" && address ? address.port : settings.port;
            log({
                level: "info",
                msg: "listening",
                port,
                version: settings.version,
                shutdownTimeoutMs: settings.shutdownTimeoutMs,
                node: process.version,
                pid: process.pid,
            });
            resolve({
                port,
                get draining() {
                    return draining;
                },
                shutdown,
            });
        });
    });
}

function definedOnly(options: StartOptions): Partial<Settings> {
    const out: Partial<Settings> = {};
    if (options.port !== undefined) out.port = options.port;
    if (options.version !== undefined) out.version = options.version;
    if (options.shutdownTimeoutMs !== undefined) out.shutdownTimeoutMs = options.shutdownTimeoutMs;
    return out;
}

/**
 * The process entry point: reads the environment, starts the server, and shuts down on SIGTERM
 * (what ECS and `docker stop` send) or SIGINT (Ctrl-C).
 *
 * Exit codes: 0 when every connection finished inside the bound; 1 when the bound passed and
 * connections were cut, when a second signal arrives during shutdown, or when startup fails. A
 * forced exit is non-zero on purpose: requests were lost, and the stopped task's exit code in
 * ECS should say so rather than report a clean stop.
 */
export function main(): void {
    let settings: Settings;
    try {
        settings = settingsFromEnv(process.env);
    } catch (e) {
        logToStdout({ level: "error", msg: "invalid environment", error: (e as Error).message });
        process.exit(1);
    }
    // Handlers go in before listening, so a signal that arrives during startup is never left to
    // Node's default action (which would kill the process without a word in the log).
    let app: AppServer | undefined;
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) {
            logToStdout({ level: "error", msg: "second signal during shutdown; exiting now", signal });
            process.exit(1);
        }
        stopping = true;
        if (!app) {
            logToStdout({ level: "info", msg: "signal before listening; nothing in flight, exiting", signal });
            process.exit(0);
        }
        void app.shutdown(signal).then((result) => process.exit(result.forced ? 1 : 0));
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    startServer({ ...settings, log: logToStdout }).then(
        (started) => {
            app = started;
        },
        (e: Error) => {
            logToStdout({ level: "error", msg: "cannot listen", port: settings.port, error: e.message });
            process.exit(1);
        },
    );
}

if (require.main === module) main();
