// Property-based: every transition between versions of a generated stack simulates with no step AWS
// would refuse (tools/simulate). Each run draws a family of versions (test/support/transitionArbitraries.ts):
// a valid stack A, a valid stack B made into A's stack, and mutations of A by the operators users apply.
// Every version is planned once through index.ts, and every ordered pair of versions is a transition, so
// a family of seven versions gives forty-two transitions from seven plans, reverse edits included (remove as well
// as add, shared off as well as on). Families are drawn until TARGET transitions have run (at most
// FAMILIES of them), which bounds the time: planning is what costs, simulating is milliseconds.
// The seed is fixed so CI replays the same transitions; set ECS_SHIP_TRANSITION_SEED to explore
// others, ECS_SHIP_TRANSITIONS for more transitions.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { RecordedResource } from "../tools/planner/mockCloud";
import { plan } from "../tools/planner/planner";
import { failureSentence, simulate } from "../tools/simulate";
import { stackYaml } from "./support/configArbitraries";
import { OPERATORS, Variant, family } from "./support/transitionArbitraries";

const SEED = Number(process.env.ECS_SHIP_TRANSITION_SEED ?? 20261205);
const TARGET = Number(process.env.ECS_SHIP_TRANSITIONS ?? 210);
const FAMILIES = Math.max(12, Math.ceil(TARGET / 15));
const MUTATIONS = 5;
/** CI runs at least this many transitions (the floor). */
const MIN_TRANSITIONS = Math.min(200, TARGET);
const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";

describe(`property: transitions between versions of a generated stack (seed ${SEED})`, function () {
    this.timeout(600_000);
    let dir: string;
    const counts = { families: 0, versions: 0, transitions: 0, steps: 0, planMs: 0, simulateMs: 0 };
    before(() => {
        console.log(`    fast-check seed ${SEED}, ${TARGET} transitions from families of up to ${2 + MUTATIONS} versions; operators: ${OPERATORS.join("; ")}`);
        console.log(`    replay: ECS_SHIP_TRANSITION_SEED=${SEED} npx mocha test/transitions.property.test.ts`);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-transitions-"));
    });
    after(() => {
        console.log(`    ran ${counts.transitions} transitions (${counts.steps} steps) between ${counts.versions} planned versions of ${counts.families} stacks: `
            + `planning ${(counts.planMs / 1000).toFixed(1)} s, simulating ${(counts.simulateMs / 1000).toFixed(1)} s`);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it(`simulates ${TARGET} transitions between versions of generated stacks with no step AWS refuses`, async () => {
        await fc.assert(fc.asyncProperty(family(MUTATIONS, SHA), async (versions) => {
            if (counts.transitions >= TARGET) return;
            counts.families++;
            const planned: { v: Variant; resources: RecordedResource[] }[] = [];
            for (const v of versions) {
                const file = path.join(dir, `Pulumi.${v.stack.stack}-${counts.families}-${planned.length}.yaml`);
                fs.writeFileSync(file, stackYaml(v.stack));
                const t = Date.now();
                planned.push({ v, resources: (await plan(v.stack.stack, { stackFile: file, env: { GITHUB_SHA: SHA } })).resources });
                counts.planMs += Date.now() - t;
                counts.versions++;
            }
            for (const from of planned) {
                for (const to of planned) {
                    if (from === to) continue;
                    const t = Date.now();
                    const sim = simulate(from.resources, to.resources);
                    counts.simulateMs += Date.now() - t;
                    counts.transitions++;
                    counts.steps += sim.steps.length;
                    // The message names the rule, the step and the seed, and carries both stack files.
                    assert.ok(!sim.failure, `seed ${SEED}, transition ${from.v.what} → ${to.v.what}: ${failureSentence(sim)}\n`
                        + `--- from (${from.v.what}):\n${stackYaml(from.v.stack)}--- to (${to.v.what}):\n${stackYaml(to.v.stack)}`);
                }
            }
        }), { seed: SEED, numRuns: FAMILIES, endOnFailure: true });
        assert.ok(counts.transitions >= MIN_TRANSITIONS, `only ${counts.transitions} transitions ran in ${FAMILIES} families; raise ECS_SHIP_TRANSITIONS`);
    });
});
