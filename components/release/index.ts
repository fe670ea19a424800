// components/release: the release task, a service's release command (a database migration, say) run as
// one ECS task with the new task definition during `pulumi up`, before the service rolls out
// (releaseTask.ts), and the runner that starts it and judges its exit code (releaseRunner.ts).
// May import: components/service.
//
// The face: what the package exports from this room. Other rooms import its files directly.
export { RELEASE_DEFAULTS, RELEASE_TASK_TYPE, ReleaseTask, releaseProblems } from "./releaseTask";
export type { ReleaseSettings, ReleaseTaskArgs } from "./releaseTask";
