// Transitions of a real stack file: the program (index.ts) planned before and after an edit, the
// second plan against the account the first one left, and the update simulated between them
// (tools/simulate). Used by test/transitions.*.test.ts.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ROOT, plan } from "../../tools/planner/planner";
import { Simulation, renderSimulation, simulate } from "../../tools/simulate";

export const SHA = "4f2a9c1e0b7d3a5c9e1f2b4d6a8c0e2f4b6d8a0c";
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-transitions-"));
process.on("exit", () => fs.rmSync(TMP, { recursive: true, force: true }));

type Config = Record<string, any>;

/** A copy of Pulumi.<stack>.yaml with its `config` edited (keys as the stack file spells them). */
export function stackFile(stack: string, label: string, edit: (config: Config) => void): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
    edit(doc.config);
    const file = path.join(TMP, `Pulumi.${stack}.${label}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}

export interface Transition extends Simulation {
    text: string;
}

/** Plans `stack` with `setup`, then with `setup` and `edit`, and simulates the update between them. */
export async function transition(stack: string, label: string, setup: (c: Config) => void, edit: (c: Config) => void): Promise<Transition> {
    const before = await plan(stack, { env: { GITHUB_SHA: SHA }, stackFile: stackFile(stack, `${label}-before`, setup) });
    const after = await plan(stack, { env: { GITHUB_SHA: SHA }, world: before.world, stackFile: stackFile(stack, label, (c) => { setup(c); edit(c); }) });
    const sim = simulate(before.resources, after.resources);
    return { ...sim, text: renderSimulation(stack, `${label}-before`, sim) };
}

/** A failure message that shows the whole simulated update. */
export function explain(t: Transition): string {
    return `\n${t.text}`;
}
