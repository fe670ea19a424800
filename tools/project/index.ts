// tools/project: the environments the workflows deploy, in order, from .github/environments.json
// (environments.ts; `npx ecs-ship environments` runs its main), and, named here for the tools, where a
// Pulumi project's files are (config/project.ts: Pulumi.yaml, its program and its stack files, which the
// configuration reads too).
// May import: config (the bottom room of tools/).
//
// The face: what the other rooms of tools/ and cli/ read.
export * from "../../config/project";
export { DEFAULT_SESSION_SECONDS, DEPLOY_BRANCH, ENVIRONMENTS_FILE, EnvironmentsError, MAX_JOB_MINUTES, loadEnvironments, roleVariable } from "./environments";
export type { EnvironmentEntry, MatrixEntry } from "./environments";
