// npm run bench -- --only container
//
// The app container's cold start and graceful stop, measured on a real Docker engine with the
// shipped app/Dockerfile (BASE_IMAGE substituted by the local stand-in of test/support/docker.ts).
// What ECS adds on top (image pull, ENI attachment, load balancer health checks) is not here;
// tools/bench/rollout.ts computes those timers.
import {
    buildAppImage, docker, dockerOk, ensureLocalBase, findEngine, freePort, removeQuietly, uniqueName, waitFor200,
} from "../../test/support/docker";

const RUNS = 5;
// What `docker stop` waits before SIGKILL, as ECS does by default ("a SIGTERM value and a default
// 30-second timeout, after which the SIGKILL value is sent": Amazon ECS API Reference, StopTask).
const STOP_TIMEOUT_S = 30;

function elapsedMs(since: bigint): number {
    return Number(process.hrtime.bigint() - since) / 1e6;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summary(label: string, values: number[]): string {
    const fmt = (n: number) => n.toFixed(0);
    return (
        `${label}: median ${fmt(median(values))} ms ` +
        `(min ${fmt(Math.min(...values))}, max ${fmt(Math.max(...values))}; runs: ${values.map(fmt).join(", ")})`
    );
}

export async function run(): Promise<void> {
    const engine = await findEngine();
    if (!engine.ok) {
        process.stdout.write(`skipped: ${engine.reason}\n`);
        return;
    }
    const version = "bench00";
    const base = await ensureLocalBase();
    const image = await buildAppImage({ base, version, tag: `${uniqueName("ecs-ship-app-bench")}:${version}` });
    const size = Number(await dockerOk(["image", "inspect", "--format", "{{.Size}}", image]));

    process.stdout.write(
        [
            `engine: Docker ${engine.version} at ${engine.host}; image ${image} (${(size / 1e6).toFixed(0)} MB, base ${base})`,
            `method: ${RUNS} runs, each on a fresh container, all reported (no warm-up discarded).`,
            "  cold start    = from spawning `docker run --detach --network host` until the first 200 from",
            "                  GET /health, polled every 5 ms on a new connection each time. The image is",
            "                  already local, so no pull; includes the docker CLI, container creation and",
            "                  node's start-up.",
            `  graceful stop = from spawning \`docker stop --time ${STOP_TIMEOUT_S}\` (SIGTERM, SIGKILL after ${STOP_TIMEOUT_S} s, as ECS)`,
            "                  until it returns with the container exited; nothing in flight. Every run must",
            "                  exit 0 (137 would mean SIGKILL).",
            "",
        ].join("\n"),
    );

    const starts: number[] = [];
    const stops: number[] = [];
    const names: string[] = [];
    try {
        for (let i = 0; i < RUNS; i++) {
            const port = await freePort();
            const name = uniqueName("ecs-ship-app-bench");
            names.push(name);

            const startedAt = process.hrtime.bigint();
            await dockerOk(["run", "--detach", "--network", "host", "--name", name, "--env", `PORT=${port}`, image]);
            await waitFor200(`http://127.0.0.1:${port}/health`, 30_000, 5);
            starts.push(elapsedMs(startedAt));

            const stoppingAt = process.hrtime.bigint();
            await dockerOk(["stop", "--time", String(STOP_TIMEOUT_S), name]);
            stops.push(elapsedMs(stoppingAt));
            const exitCode = await dockerOk(["inspect", "--format", "{{.State.ExitCode}}", name]);
            if (exitCode !== "0") throw new Error(`run ${i + 1}: the container exited ${exitCode} on docker stop, not 0`);
        }
    } finally {
        await removeQuietly("container", ...names);
        await docker(["image", "rm", "--force", image]);
    }

    process.stdout.write(`${summary("cold start to first healthy answer", starts)}\n`);
    process.stdout.write(`${summary("graceful stop (docker stop -> exited, exit 0)", stops)}\n`);
}
