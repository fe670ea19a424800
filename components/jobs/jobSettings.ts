// Pure pieces of a scheduled job: its names and the schedule's
// retry and window settings. No resources, so tested without mocks (test/workloadsConfig.test.ts).
import { fitName } from "../service/naming";

/** Names of a job's resources: task-definition family, schedule, scheduler role's logical base. */
export function jobResourceName(prefix: string, job: string): string {
    // `-job` keeps a job's family apart from a service's (`<prefix>-<service>`) even when they share a name.
    return `${prefix}-${job}-job`;
}

/**
 * EventBridge Scheduler's schedule names are at most 64 characters. Source: EventBridge Scheduler API
 * Reference, CreateSchedule, Name (1-64, [0-9a-zA-Z-_.]+). Pulumi appends 8 characters to the logical name.
 */
export const SCHEDULE_NAME_LIMIT = 64;
export function scheduleLogicalName(prefix: string, job: string): string {
    return fitName(jobResourceName(prefix, job), "", SCHEDULE_NAME_LIMIT - 8);
}

/** The schedule's flexible window: OFF for 0, else FLEXIBLE with that many minutes. */
export function flexibleWindow(minutes: number): { mode: string; maximumWindowInMinutes?: number } {
    return minutes === 0 ? { mode: "OFF" } : { mode: "FLEXIBLE", maximumWindowInMinutes: minutes };
}
