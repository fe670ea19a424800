// The provider calls of EventBridge Scheduler: the schedules of scheduled jobs, and the role each passes
// to the scheduler.
// One family of the table in index.ts; each row names its source.
import type { ProviderCall } from "./shared";
import { own, roleArn, row, SCHEDULE, TF } from "./shared";

/** A schedule's target role, passed to EventBridge Scheduler on create and update. */
const schedulePassRole = (phase: "create" | "update"): ProviderCall => ({
    type: SCHEDULE, phase, action: "iam:PassRole",
    arns: (r) => [String(r.inputs.target.roleArn)],
    context: () => ({ "iam:PassedToService": "scheduler.amazonaws.com" }),
    source: `${TF}/scheduler/schedule.go (target.role_arn); EventBridge Scheduler User Guide, "Set up the execution role" (iam:PassRole to scheduler.amazonaws.com)`,
});

export const SCHEDULER_CALLS: ProviderCall[] = [
    // ---- EventBridge Scheduler schedules of scheduled jobs (no tags: held to the stack by name) ----
    ...row(SCHEDULE, "create", ["scheduler:CreateSchedule"], own, `${TF}/scheduler/schedule.go (resourceScheduleCreate: CreateSchedule)`),
    schedulePassRole("create"),
    ...row(SCHEDULE, "read", ["scheduler:GetSchedule"], own, `${TF}/scheduler/schedule.go (resourceScheduleRead: GetSchedule)`),
    ...row(SCHEDULE, "update", ["scheduler:UpdateSchedule"], own, `${TF}/scheduler/schedule.go (resourceScheduleUpdate: UpdateSchedule)`),
    schedulePassRole("update"),
    ...row(SCHEDULE, "delete", ["scheduler:DeleteSchedule"], own, `${TF}/scheduler/schedule.go (resourceScheduleDelete: DeleteSchedule)`),
];
