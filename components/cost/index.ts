// components/cost: the monthly cost model. A plan's recorded resources and a region become line items
// per service and for the stack (model.ts), by pricing rules per kind of resource (rules.ts,
// simpleRules.ts, jobRules.ts, deploymentRules.ts) over the shapes and arithmetic they share
// (estimate.ts), the committed price table (prices.json, priceTable.ts) and the stated assumptions
// (assumptions.ts); render.ts prints an estimate as text and markdown.
// May import: components/fargate (how long a release runs a second set of tasks).
//
// The face: the cost model as `npm run plan` and the bench use it. Not exported by the package.
export * from "./assumptions";
export * from "./estimate";
export * from "./model";
export * from "./priceTable";
export * from "./render";
