// tools/review: the review environments' steps, `npm run review` (cli.ts, the command): the template and a
// pull request's stack file (template.ts), admission under maxStacks and the sweep (lifecycle.ts), a
// teardown that proves nothing is left (destroyed.ts), the pull request's comment (comment.ts) and what a
// review stack costs (reviewCost.ts), over the outside world the tests replace (backend.ts).
// May import: tools/planner, tools/project, tools/verify, tools/workflows, components/cost, config.
//
// The face: the pieces the tests and the workflows' other tools use, without the command's main().
export * from "./template";
export * from "./lifecycle";
export * from "./destroyed";
export * from "./comment";
export * from "./reviewCost";
