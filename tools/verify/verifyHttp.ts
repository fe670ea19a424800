// The deploy gate's HTTP check over the service's public URL: the health path the load balancer probes
// answers 200, and, only when the stack configures versionPath, the app reports the expected commit there.
import { EXIT, GateDeps, GateFailure, Retry, ServiceTarget, isRecord, seconds, releaseHint, whereToLook } from "./verifyCore";

const HEX_SHA = /^[0-9a-f]{7,40}$/;

/**
 * The image tag is the first 7 hex characters of the commit, and the app may report either that tag or
 * the full SHA. So two versions match when both are hex commits of at least 7 characters and the
 * shorter one is a prefix of the longer one (case-insensitive).
 */
export function versionMatches(expected: string, served: unknown): boolean {
    if (typeof served !== "string") return false;
    const a = expected.trim().toLowerCase();
    const b = served.trim().toLowerCase();
    if (!HEX_SHA.test(a) || !HEX_SHA.test(b)) return false;
    return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/**
 * What a version endpoint reports: `{"version": "<sha>"}` (the sample app), a JSON string, or the
 * commit as plain text.
 */
export function readVersion(body: string | undefined): string | undefined {
    const text = (body ?? "").trim();
    try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === "string") return parsed;
        return isRecord(parsed) && typeof parsed.version === "string" ? parsed.version : undefined;
    } catch {
        return /^[0-9A-Fa-f]{7,40}$/.test(text) ? text : undefined;
    }
}

/** Waits until the health path answers 200 and, when versionPath is set, the expected commit is reported. */
export async function checkHttp(target: ServiceTarget, expectedSha: string | undefined, deps: GateDeps, deadlineAt: number, retry: Retry, requestTimeoutMs: number): Promise<void> {
    // The paths are the app's own, from the root of its host: behind a path prefix on the shared load
    // balancer the url already ends in that prefix (https://shop.example.com/api) and the health check
    // is /api/health, which the load balancer passes on unchanged. So resolve them against the url's
    // origin instead of appending them to the url.
    const onHost = (p: string) => new URL(p, target.url).toString();
    const health = onHost(target.healthCheckPath);
    const version = target.versionPath ? onHost(target.versionPath) : undefined;
    let lastServed: string | undefined;
    for (let attempt = 0; ; attempt++) {
        let state: string;
        const h = await get(deps, health, requestTimeoutMs);
        if (h.status === 200 && (!version || !expectedSha)) {
            deps.log(`${target.name}: GET ${health} -> 200`);
            return;
        }
        if (h.status === 200) {
            const v = await get(deps, version!, requestTimeoutMs);
            const served = v.status === 200 ? readVersion(v.body) : undefined;
            if (versionMatches(expectedSha!, served)) {
                deps.log(`${target.name}: GET ${health} -> 200, and ${version} reports ${served}`);
                return;
            }
            lastServed = served ?? `unreadable (GET ${target.versionPath} -> ${v.error ?? v.status})`;
            state = `healthy, but ${target.versionPath} reports ${lastServed}, expected ${expectedSha}`;
        } else {
            state = `GET ${target.healthCheckPath} -> ${h.error ?? h.status}`;
        }
        // A mismatch is retried too: old tasks keep answering while traffic shifts to the new revision.
        await retry.wait(
            attempt,
            deadlineAt,
            () => lastServed !== undefined
                ? new GateFailure(EXIT.versionMismatch, `${target.name}: expected ${version} to report ${expectedSha}, saw ${lastServed}${whereToLook(target)}${releaseHint(target)}`)
                : new GateFailure(EXIT.timeout, `${target.name}: deadline reached before ${health} answered 200, expected 200, saw ${state.replace(/^GET \S+ -> /, "")}${whereToLook(target)}`),
            (delay) => deps.log(`${target.name}: ${state}; retrying in ${seconds(delay)}`),
        );
    }
}

interface Response { status?: number; body?: string; error?: string }

/** One GET with its own timeout; the run's deadline may therefore be overrun by at most one request timeout. */
async function get(deps: GateDeps, url: string, timeoutMs: number): Promise<Response> {
    try {
        const res = await deps.fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json, text/plain" } });
        return { status: res.status, body: await res.text() };
    } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        return { error: cause ?? (err as Error).name ?? "request failed" };
    }
}
