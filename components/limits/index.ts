// components/limits: pre-flight, AWS's documented limits checked offline over every resource a plan
// records, so `npm run plan` reports what `pulumi up` would fail on half-way (limits.ts).
// May import: components/frontDoor, components/registry.
//
// The face: the plan's check. Not exported by the package; tools/planner runs it.
export * from "./limits";
