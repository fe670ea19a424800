// tools/operate: what an operator runs against a deployed stack, each file a command with its main():
// rollback.ts (`npx ecs-ship rollback`: point the stack at an earlier commit's images), first-deploy.ts
// (`npm run first-deploy`: the repository variables after an administrator's first `pulumi up`),
// task.ts (`npm run task`: run a scheduled job once, by hand) with taskRun.ts (how it runs).
// May import: tools/project, tools/verify, components/service, components/registry, config.
//
// The face: the pieces other code and the tests use, without the commands' main().
export { RollbackError, builtServices, pinCommit, repositories, tagFor } from "./rollback";
export { FirstDeployError, apply, reminders, render, subjectNote, variablesFor } from "./first-deploy";
export type { Variable } from "./first-deploy";
export { parseTaskArgs } from "./task";
export type { TaskCliArgs } from "./task";
export * from "./taskRun";
