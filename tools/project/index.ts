// tools/project: where a Pulumi project's files are, the folder holding Pulumi.yaml, its program and its
// stack files (project.ts), and the environments the workflows deploy, in order, from
// .github/environments.json (environments.ts; `npx ecs-ship environments` runs its main).
// May import: nothing else in the repository (the bottom room of tools/).
//
// The face: what the other rooms of tools/ and cli/ read.
export * from "./project";
export { DEFAULT_SESSION_SECONDS, DEPLOY_BRANCH, ENVIRONMENTS_FILE, EnvironmentsError, MAX_JOB_MINUTES, loadEnvironments, roleVariable } from "./environments";
export type { EnvironmentEntry, MatrixEntry } from "./environments";
