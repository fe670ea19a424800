// npm run bench -- --only simulate
//
// The update simulator's time (tools/simulate) for a transition of a 25-service stack: prod's web
// service copied 25 times behind the shared load balancer, each on its own path, and the change a
// user makes to it (one service resized, one renamed, one removed). The two
// plans are made once through index.ts and not timed; what is timed is `simulate` alone, deriving
// the engine's steps and running them against the account model, repeated to a stable median.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { parse, stringify } from "yaml";
import { ROOT, plan } from "../planner/planner";
import { simulate } from "../simulate";

const SERVICES = 25;
const ROUNDS = 50;
const SHA = "4f2a9c1e0b7d3a5c9e1f2b4d6a8c0e2f4b6d8a0c";

function stackFile(dir: string, label: string, edit: (s: Record<string, any>) => void): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"));
    const web = doc.config["ecs-ship:services"].web;
    const services: Record<string, any> = {};
    for (let i = 0; i < SERVICES; i++) {
        const p = `/s${i}`;
        services[`s${i}`] = { ...structuredClone(web), path: p, healthCheckPath: `${p}/health`, versionPath: `${p}/version`, alarms: { enabled: true } };
    }
    edit(services);
    doc.config["ecs-ship:services"] = services;
    const file = path.join(dir, `Pulumi.prod.${label}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}

export async function run(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-bench-simulate-"));
    try {
        const t0 = performance.now();
        const before = await plan("prod", { stackFile: stackFile(dir, "before", () => undefined), env: { GITHUB_SHA: SHA } });
        const after = await plan("prod", {
            stackFile: stackFile(dir, "after", (s) => {
                s.s1.cpu = 1024; s.s1.memory = 2048;
                s.renamed = s.s2; delete s.s2;
                delete s.s3;
            }),
            env: { GITHUB_SHA: SHA }, world: before.world,
        });
        const planned = performance.now() - t0;
        const times: number[] = [];
        let sim = simulate(before.resources, after.resources);
        for (let i = 0; i < ROUNDS; i++) {
            const t = performance.now();
            sim = simulate(before.resources, after.resources);
            times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        const out = process.stdout;
        out.write(`Method: ${SERVICES} Fargate services on the shared load balancer (prod's web, one path each), planned before and after\n`);
        out.write("one service resized, one renamed and one removed; `simulate` timed alone over\n");
        out.write(`${ROUNDS} rounds (the two plans through index.ts, ${(planned / 1000).toFixed(1)} s, are not part of it).\n\n`);
        out.write(`resources: ${before.resources.length} before, ${after.resources.length} after; steps: ${sim.steps.length}; `
            + `verdict: ${sim.failure ? `refused at step ${sim.failure.step.n} (${sim.failure.rule.id})` : "accepted"}\n`);
        out.write(`simulate: median ${times[Math.floor(ROUNDS / 2)].toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[ROUNDS - 1].toFixed(1)} ms\n`);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
