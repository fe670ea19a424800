// The sample app over real HTTP on 127.0.0.1.
//
// Endpoints are exercised in-process through `startServer`. Logs and shutdown are exercised on a
// child process started exactly as tools/verify and a developer would start it
// (`node -r ts-node/register/transpile-only app/src/server.ts`, configured only through env).
//
// How a request is kept "in flight" across SIGTERM without a test-only endpoint: the client writes
// one complete request plus the first line and headers of a second request in a single write. The
// server parses that whole chunk in one go, so by the time the client holds the first response, the
// server has begun the second request (the connection is busy, not idle). The client then sends
// SIGTERM, waits for the "shutdown started" log line, and only then finishes the second request.
// That is the load balancer's situation: a request already arriving on a kept-alive connection
// when ECS stops the task.
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { AppServer, LogEntry, settingsFromEnv, startServer } from "../app/src/server";

const REPO = path.resolve(__dirname, "..");
const VERSION = "3e430da";

// ---------------------------------------------------------------------------------------------
// helpers

interface Answer {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
}

function request(port: number, urlPath: string, method = "GET"): Promise<Answer> {
    return new Promise((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port, path: urlPath, method, agent: false }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on("error", reject);
        req.end();
    });
}

/** A raw TCP client that reads Content-Length framed HTTP/1.1 responses, for keep-alive control. */
class RawConnection {
    private buffer = "";
    private wake: () => void = () => undefined;
    ended = false;
    readonly closed: Promise<void>;

    private constructor(readonly socket: net.Socket) {
        socket.setEncoding("utf8");
        socket.on("data", (d: string) => {
            this.buffer += d;
            this.wake();
        });
        this.closed = new Promise((resolve) =>
            socket.once("close", () => {
                this.ended = true;
                this.wake();
                resolve();
            }),
        );
        socket.on("error", () => undefined); // a reset shows up as `closed`
    }

    static open(port: number): Promise<RawConnection> {
        return new Promise((resolve, reject) => {
            const socket = net.connect(port, "127.0.0.1", () => resolve(new RawConnection(socket)));
            socket.once("error", reject);
        });
    }

    write(text: string): void {
        this.socket.write(text);
    }

    /** Resolves with the next complete response; rejects if the connection closes first. */
    async nextResponse(): Promise<Answer> {
        for (;;) {
            const parsed = this.take();
            if (parsed) return parsed;
            if (this.ended) throw new Error(`connection closed before a full response (have ${JSON.stringify(this.buffer)})`);
            await new Promise<void>((r) => (this.wake = r));
        }
    }

    private take(): Answer | undefined {
        const end = this.buffer.indexOf("\r\n\r\n");
        if (end < 0) return undefined;
        const [statusLine, ...lines] = this.buffer.slice(0, end).split("\r\n");
        const headers: http.IncomingHttpHeaders = {};
        for (const line of lines) {
            const i = line.indexOf(":");
            headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
        const length = Number(headers["content-length"] ?? 0);
        if (this.buffer.length < end + 4 + length) return undefined;
        const body = this.buffer.slice(end + 4, end + 4 + length);
        this.buffer = this.buffer.slice(end + 4 + length);
        return { status: Number(statusLine.split(" ")[1]), headers, body };
    }
}

/** The app as a child process, with its stdout parsed as JSON lines. */
class AppProcess {
    readonly lines: string[] = [];
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    private listeners: (() => void)[] = [];
    private partial = "";

    private constructor(readonly child: ChildProcess) {
        child.stdout!.setEncoding("utf8");
        child.stdout!.on("data", (d: string) => {
            const parts = (this.partial + d).split("\n");
            this.partial = parts.pop() ?? "";
            this.lines.push(...parts);
            this.listeners.forEach((l) => l());
        });
        this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
        void this.exited.then(() => this.listeners.forEach((l) => l()));
    }

    static async start(env: Record<string, string> = {}): Promise<{ app: AppProcess; port: number }> {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "app/src/server.ts"], {
            cwd: REPO,
            env: { ...process.env, PORT: "0", APP_VERSION: VERSION, ...env },
            stdio: ["ignore", "pipe", "inherit"],
        });
        const app = new AppProcess(child);
        const listening = await app.waitForLog((e) => e.msg === "listening");
        return { app, port: listening.port as number };
    }

    get entries(): LogEntry[] {
        return this.lines.map((l) => JSON.parse(l) as LogEntry);
    }

    /** Resolves with the first log entry matching `predicate`; rejects if the process exits first. */
    waitForLog(predicate: (e: LogEntry) => boolean): Promise<LogEntry> {
        return new Promise((resolve, reject) => {
            let done = false;
            const check = () => {
                if (done) return;
                const found = this.entries.find(predicate);
                if (found) {
                    done = true;
                    resolve(found);
                } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
                    done = true;
                    reject(new Error(`app exited without the expected log line; stdout:\n${this.lines.join("\n")}`));
                }
            };
            this.listeners.push(check);
            check();
        });
    }

    terminate(signal: NodeJS.Signals = "SIGTERM"): void {
        this.child.kill(signal);
    }

    /** Ends the process whatever state the test left it in. */
    async kill(): Promise<void> {
        if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
        await this.exited;
    }
}

/**
 * Opens a kept-alive connection and leaves a GET for `nextPath` begun but unfinished (headers
 * not yet terminated). Resolves once the server has certainly started parsing it (see top).
 */
async function beginRequest(port: number, nextPath: string): Promise<{ conn: RawConnection; finish: () => void }> {
    const conn = await RawConnection.open(port);
    conn.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET ${nextPath} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    const first = await conn.nextResponse();
    assert.strictEqual(first.status, 200, "the warm-up request on the kept-alive connection");
    return { conn, finish: () => conn.write("\r\n") };
}

// ---------------------------------------------------------------------------------------------

describe("app: endpoints (in-process, real HTTP on 127.0.0.1)", () => {
    let app: AppServer;
    const logs: LogEntry[] = [];

    before(async () => {
        app = await startServer({ host: "127.0.0.1", port: 0, version: VERSION, log: (e) => logs.push(e) });
    });
    after(async () => {
        await app.shutdown("tests done");
    });

    it("GET / answers 200 with an HTML page naming the running version", async () => {
        const r = await request(app.port, "/");
        assert.strictEqual(r.status, 200);
        assert.strictEqual(r.headers["content-type"], "text/html; charset=utf-8");
        assert.match(r.body, new RegExp(`Running version <code>${VERSION}</code>`));
    });

    it("GET /health answers 200 {status: ok}, uncached", async () => {
        const r = await request(app.port, "/health");
        assert.strictEqual(r.status, 200);
        assert.strictEqual(r.headers["content-type"], "application/json; charset=utf-8");
        assert.strictEqual(r.headers["cache-control"], "no-store");
        assert.deepStrictEqual(JSON.parse(r.body), { status: "ok" });
    });

    it("GET /version answers 200 with exactly {version: APP_VERSION}", async () => {
        const r = await request(app.port, "/version");
        assert.strictEqual(r.status, 200);
        assert.deepStrictEqual(JSON.parse(r.body), { version: VERSION });
    });

    it("routes on the path alone, ignoring a query string", async () => {
        const r = await request(app.port, "/version?cache-buster=1");
        assert.strictEqual(r.status, 200);
        assert.deepStrictEqual(JSON.parse(r.body), { version: VERSION });
    });

    it("answers an unknown path with 404 JSON naming the path", async () => {
        const r = await request(app.port, "/nope");
        assert.strictEqual(r.status, 404);
        assert.strictEqual(r.headers["content-type"], "application/json; charset=utf-8");
        assert.deepStrictEqual(JSON.parse(r.body), { error: "not found", path: "/nope" });
    });

    it("HEAD answers with GET's status and Content-Length, and no body", async () => {
        const get = await request(app.port, "/version");
        const head = await request(app.port, "/version", "HEAD");
        assert.strictEqual(head.status, 200);
        assert.strictEqual(head.headers["content-length"], String(Buffer.byteLength(get.body)));
        assert.strictEqual(head.body, "");
    });

    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
        it(`${method} on a known path answers 405 with Allow: GET, HEAD`, async () => {
            const r = await request(app.port, "/health", method);
            assert.strictEqual(r.status, 405);
            assert.strictEqual(r.headers.allow, "GET, HEAD");
            assert.deepStrictEqual(JSON.parse(r.body), { error: "method not allowed", allow: "GET, HEAD" });
        });
    }

    it("answers 404, not 405, for another method on an unknown path (no such resource)", async () => {
        const r = await request(app.port, "/nope", "POST");
        assert.strictEqual(r.status, 404);
    });

    it("escapes the version in the HTML page", async () => {
        const other = await startServer({ host: "127.0.0.1", port: 0, version: `<script>"x"</script>`, log: () => undefined });
        try {
            const r = await request(other.port, "/");
            assert.match(r.body, /<code>&lt;script&gt;&quot;x&quot;&lt;\/script&gt;<\/code>/);
            assert.doesNotMatch(r.body, /<script>/);
        } finally {
            await other.shutdown("test done");
        }
    });
});

describe("app: settings from the environment", () => {
    it("defaults to port 8080, version unknown and a 10 s shutdown bound", () => {
        assert.deepStrictEqual(settingsFromEnv({}), { port: 8080, version: "unknown", shutdownTimeoutMs: 10_000 });
    });

    it("reads PORT, APP_VERSION and SHUTDOWN_TIMEOUT_MS", () => {
        assert.deepStrictEqual(settingsFromEnv({ PORT: "3000", APP_VERSION: "abc1234", SHUTDOWN_TIMEOUT_MS: "2500" }), {
            port: 3000,
            version: "abc1234",
            shutdownTimeoutMs: 2500,
        });
    });

    it("rejects every invalid value in one error that names the variable, the range and the value", () => {
        assert.throws(
            () => settingsFromEnv({ PORT: "80a", SHUTDOWN_TIMEOUT_MS: "200000" }),
            {
                message:
                    'PORT: must be an integer from 0 to 65535, got "80a"; ' +
                    'SHUTDOWN_TIMEOUT_MS: must be an integer from 0 to 120000, got "200000"',
            },
        );
    });
});

describe("app: logs (child process, stdout)", function () {
    this.timeout(20_000);
    let app: AppProcess;
    let port: number;

    before(async () => {
        ({ app, port } = await AppProcess.start());
    });
    after(async () => {
        await app.kill();
    });

    it("writes a startup line naming the port and version", () => {
        const first = app.entries[0];
        assert.strictEqual(first.msg, "listening");
        assert.strictEqual(first.level, "info");
        assert.strictEqual(first.port, port);
        assert.strictEqual(first.version, VERSION);
        assert.strictEqual(first.shutdownTimeoutMs, 10_000);
    });

    it("writes one JSON line per request: time, level, msg, method, path, status, durationMs", async () => {
        await request(port, "/nope?token=secret");
        const entry = await app.waitForLog((e) => e.msg === "request" && e.path === "/nope");
        assert.deepStrictEqual(Object.keys(entry).sort(), ["durationMs", "level", "method", "msg", "path", "status", "time"]);
        assert.strictEqual(entry.method, "GET");
        assert.strictEqual(entry.status, 404);
        assert.strictEqual(entry.level, "info");
        assert.strictEqual(typeof entry.durationMs, "number");
        assert.ok((entry.durationMs as number) >= 0);
        assert.strictEqual(new Date(entry.time as string).toISOString(), entry.time);
    });

    it("keeps the query string out of the log", async () => {
        await request(port, "/health?token=secret");
        await app.waitForLog((e) => e.msg === "request" && e.path === "/health");
        assert.ok(!app.lines.some((l) => l.includes("secret")), app.lines.join("\n"));
    });

    it("writes nothing but JSON objects, one per line", () => {
        assert.ok(app.lines.length >= 2);
        for (const line of app.lines) assert.strictEqual(typeof JSON.parse(line), "object", line);
    });
});

describe("app: graceful shutdown (child process, SIGTERM)", function () {
    this.timeout(20_000);
    // Generous for a loaded CI machine; the tests only ever assert "within this bound".
    const BOUND_MS = 5_000;
    let app: AppProcess;
    let port: number;

    beforeEach(async () => {
        ({ app, port } = await AppProcess.start({ SHUTDOWN_TIMEOUT_MS: String(BOUND_MS) }));
    });
    afterEach(async () => {
        await app.kill();
    });

    const draining = () => app.waitForLog((e) => e.msg === "shutdown started");

    it("finishes a request that was in flight at SIGTERM with 200", async () => {
        const { conn, finish } = await beginRequest(port, "/version");
        app.terminate();
        await draining();
        finish();
        const r = await conn.nextResponse();
        assert.strictEqual(r.status, 200);
        assert.deepStrictEqual(JSON.parse(r.body), { version: VERSION });
    });

    it("answers /health with 503 on an existing kept-alive connection once draining", async () => {
        const { conn, finish } = await beginRequest(port, "/health");
        app.terminate();
        await draining();
        finish();
        const r = await conn.nextResponse();
        assert.strictEqual(r.status, 503);
        assert.deepStrictEqual(JSON.parse(r.body), { status: "draining" });
    });

    it("ends each connection after its answer while draining (Connection: close)", async () => {
        const { conn, finish } = await beginRequest(port, "/version");
        app.terminate();
        await draining();
        finish();
        const r = await conn.nextResponse();
        assert.strictEqual(r.headers.connection, "close");
        await conn.closed;
    });

    it("refuses new connections once draining", async () => {
        const { finish } = await beginRequest(port, "/version"); // holds the process open
        app.terminate();
        await draining();
        await assert.rejects(RawConnection.open(port), { code: "ECONNREFUSED" });
        finish();
    });

    it("closes idle kept-alive connections at once", async () => {
        const idle = await RawConnection.open(port);
        idle.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assert.strictEqual((await idle.nextResponse()).status, 200);
        const { conn, finish } = await beginRequest(port, "/version"); // keeps the process alive meanwhile
        app.terminate();
        await idle.closed; // closed by the server while another request is still in flight...
        finish();
        // ...and not by the bound cutting everything: the busy connection still gets its answer.
        assert.strictEqual((await conn.nextResponse()).status, 200);
    });

    it("exits 0 within the bound once in-flight requests finish", async () => {
        const { conn, finish } = await beginRequest(port, "/version");
        app.terminate();
        await draining();
        finish();
        await conn.nextResponse();
        const exit = await app.exited;
        assert.deepStrictEqual(exit, { code: 0, signal: null });
        const complete = await app.waitForLog((e) => e.msg === "shutdown complete");
        assert.strictEqual(complete.forced, false);
        assert.ok((complete.durationMs as number) <= BOUND_MS);
    });

    it("exits 0 at once on SIGTERM when nothing is in flight", async () => {
        app.terminate();
        assert.deepStrictEqual(await app.exited, { code: 0, signal: null });
    });

    it("exits 0 on SIGINT too", async () => {
        app.terminate("SIGINT");
        assert.deepStrictEqual(await app.exited, { code: 0, signal: null });
    });
});

describe("app: shutdown bound (child process)", function () {
    this.timeout(20_000);

    it("cuts what is still open and exits 1 when the bound passes", async () => {
        const { app, port } = await AppProcess.start({ SHUTDOWN_TIMEOUT_MS: "300" });
        try {
            const { conn } = await beginRequest(port, "/version"); // never finished
            app.terminate();
            const exit = await app.exited;
            assert.deepStrictEqual(exit, { code: 1, signal: null });
            await conn.closed;
            const timedOut = app.entries.find((e) => e.msg === "shutdown timed out; closing open connections");
            assert.deepStrictEqual(timedOut && { level: timedOut.level, open: timedOut.openConnections }, { level: "error", open: 1 });
        } finally {
            await app.kill();
        }
    });

    it("exits 1 at once on a second signal during shutdown", async () => {
        const { app, port } = await AppProcess.start({ SHUTDOWN_TIMEOUT_MS: "60000" });
        try {
            await beginRequest(port, "/version"); // holds shutdown open for up to a minute
            app.terminate();
            await app.waitForLog((e) => e.msg === "shutdown started");
            app.terminate("SIGINT");
            assert.deepStrictEqual(await app.exited, { code: 1, signal: null });
        } finally {
            await app.kill();
        }
    });

    it("refuses to start, exit 1, with an invalid PORT", async () => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "app/src/server.ts"], {
            cwd: REPO,
            env: { ...process.env, PORT: "http" },
            stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        const code = await new Promise((r) => child.once("exit", r));
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(
            { level: JSON.parse(out).level, msg: JSON.parse(out).msg, error: JSON.parse(out).error },
            { level: "error", msg: "invalid environment", error: 'PORT: must be an integer from 0 to 65535, got "http"' },
        );
    });
});
