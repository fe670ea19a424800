// components/jobs: ScheduledJob, an EventBridge Scheduler schedule that runs a task from a service's
// image with the job's own command (scheduledJob.ts), and its pure pieces: names, retries and the
// schedule's window (jobSettings.ts).
// May import: components/service, components/fargate.
//
// The face: what the package exports from this room. Other rooms import its files directly.
export * from "./scheduledJob";
export { flexibleWindow, jobResourceName, scheduleLogicalName } from "./jobSettings";
