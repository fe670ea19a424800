// tools/planner: the real program (index.ts) run offline under Pulumi's mock runtime (planner.ts) against a
// deterministic stand-in for AWS and Docker (mockCloud.ts), and what the engine would do next with what it
// recorded: a second `pulumi up` (replacements.ts) and a destroy's order (lifecycle.ts). The tests' harness
// and every plan stand on it.
// May import: tools/project, components/limits, config.
//
// The face: what `npm run plan`, the simulator, the bench and the tests read.
export * from "./planner";
export * from "./mockCloud";
export * from "./replacements";
export * from "./lifecycle";
