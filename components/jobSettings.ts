// Pure pieces of a scheduled job: its names, its scheduler role's policy, and the schedule's
// retry and window settings. No resources, so tested without mocks (test/jobs.test.ts).
import { fitName } from "./naming";
import { IamDocument } from "./trustPolicies";

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

export interface SchedulerRoleScope {
    partition: string;
    region: string;
    accountId: string;
    /** The job's task-definition family: the only one the role may run. */
    family: string;
    clusterArn: string;
    /** Exactly the roles the task definition names (execution, and task when there is one). */
    taskRoleArns: string[];
    deadLetterQueueArn?: string;
}

/**
 * The scheduler role's policy: RunTask of exactly the job's task-definition family (any revision, so a
 * deploy that registers a new one needs no policy change), only in the stack's cluster; PassRole of
 * exactly the roles that family names, only to ECS tasks; and SendMessage to the job's dead-letter
 * queue. Sources: EventBridge Scheduler User Guide, "Set up the execution role" and "Using templated
 * targets" (Amazon ECS RunTask needs ecs:RunTask and iam:PassRole of the task's roles; a dead-letter
 * queue needs sqs:SendMessage); Service Authorization Reference for Amazon ECS (RunTask: resource
 * task-definition, condition key ecs:cluster).
 */
export function schedulerRolePolicy(s: SchedulerRoleScope): IamDocument {
    const statements: IamDocument["Statement"] = [
        {
            Sid: "RunJobTask", Effect: "Allow", Action: "ecs:RunTask",
            Resource: `arn:${s.partition}:ecs:${s.region}:${s.accountId}:task-definition/${s.family}:*`,
            Condition: { ArnEquals: { "ecs:cluster": s.clusterArn } },
        },
        {
            Sid: "PassJobRoles", Effect: "Allow", Action: "iam:PassRole", Resource: [...new Set(s.taskRoleArns)].sort(),
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
    ];
    if (s.deadLetterQueueArn) statements.push({ Sid: "DeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: s.deadLetterQueueArn });
    return { Version: "2012-10-17", Statement: statements };
}

/** The schedule's flexible window: OFF for 0, else FLEXIBLE with that many minutes. */
export function flexibleWindow(minutes: number): { mode: string; maximumWindowInMinutes?: number } {
    return minutes === 0 ? { mode: "OFF" } : { mode: "FLEXIBLE", maximumWindowInMinutes: minutes };
}
