// Switching a Fargate service's deployment strategy (issue 29), every ordered pair of rolling, canary,
// linear and blue/green, on the service's own load balancer and on the shared one: each change is planned
// through the real program (index.ts) before and after, and simulated against the model of the AWS
// account (tools/simulate), so a step AWS would refuse in the engine's order fails here, naming it.
import { strict as assert } from "assert";
import { explain, transition } from "./support/transitions";

const SERVICES = "ecs-ship:services";
type Config = Record<string, any>;

const STRATEGIES: Record<string, Record<string, unknown> | undefined> = {
    rolling: undefined,
    canary: { strategy: "canary", canaryPercent: 10, canaryBakeMinutes: 5, bakeMinutes: 5 },
    linear: { strategy: "linear", linearStepPercent: 25, linearStepMinutes: 3 },
    blueGreen: { strategy: "blueGreen", bakeMinutes: 10 },
};

/** prod's web alone: it gets its own load balancer. */
const own = (_c: Config) => undefined;
/** prod's web beside a second Fargate service under /api: both sit on the shared load balancer. */
const shared = (c: Config) => {
    c[SERVICES].web.domain = "www.example.com";
    c[SERVICES].api = { ...structuredClone(c[SERVICES].web), path: "/api", healthCheckPath: "/api/health", versionPath: "/api/version" };
    delete c[SERVICES].api.domain;
};
const use = (name: string) => (c: Config) => {
    const d = STRATEGIES[name];
    if (d) c[SERVICES].web.deployment = structuredClone(d);
    else delete c[SERVICES].web.deployment;
};

for (const [where, front] of [["its own load balancer", own], ["the shared load balancer", shared]] as const) {
    describe(`Transitions: switching deployment strategies on ${where}`, function () {
        this.timeout(180_000);
        for (const from of Object.keys(STRATEGIES)) {
            for (const to of Object.keys(STRATEGIES)) {
                if (from === to) continue;
                it(`${from} → ${to}: no step AWS would refuse`, async () => {
                    const t = await transition("prod", `${where === "its own load balancer" ? "own" : "shared"}-${from}-${to}`,
                        (c) => { front(c); use(from)(c); }, use(to));
                    assert.ok(!t.failure, explain(t));
                    // AND the service itself is updated in place, never replaced (a replacement would drop its tasks)
                    assert.ok(!t.steps.some((s) => s.name === "ecs-ship-prod-web-svc" && s.op !== "update"), explain(t));
                    assert.ok(t.steps.some((s) => s.name === "ecs-ship-prod-web-svc" && s.op === "update"), explain(t));
                });
            }
        }
    });
}
