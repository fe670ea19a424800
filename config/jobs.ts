// `ecs-ship:jobs`: scheduled tasks run by EventBridge Scheduler from a service's image, with their
// own command. The schema of one job, and the rules that read the services (a job names one).
import { z } from "zod";
import { FARGATE_CPU_MEMORY, describeMemoryFor } from "../components/service/serviceArgs";
import { DEFAULTS } from "./defaults";
import { DNS_LABEL } from "./patterns";
import { ALWAYS, closed, int, listOf, mapOf, problem, record, says, show, text } from "./rules";
import { SQS_ARN } from "./worker";

/**
 * Retry and window limits of a schedule's target. Source: EventBridge Scheduler API Reference,
 * RetryPolicy (MaximumRetryAttempts 0-185, MaximumEventAgeInSeconds 60-86400) and FlexibleTimeWindow
 * (MaximumWindowInMinutes 1-1440), https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html.
 */
export const JOB_LIMITS = { retries: [0, 185], maxAgeSeconds: [60, 86400], flexibleWindowMinutes: [0, 1440] } as const;
/** Defaults ecs-ship applies: no retry storm for a job that fails, one hour to start, an exact time. */
export const JOB_DEFAULTS = { timezone: "UTC", retries: 0, maxAgeSeconds: 3600, flexibleWindowMinutes: 0 } as const;

/**
 * EventBridge Scheduler's recurring expressions: `cron(minutes hours day-of-month month day-of-week year)`
 * and `rate(value unit)`. Source: EventBridge Scheduler User Guide, "Schedule types on EventBridge
 * Scheduler" (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html): the six cron
 * fields, their values and wildcards, "you can't specify the day-of-month and day-of-week fields in the
 * same cron expression" (one of them must be `?`), and rate units minute(s), hour(s), day(s).
 */
const CRON_FIELDS: { name: string; pattern: RegExp }[] = [
    { name: "minutes", pattern: /^([0-5]?\d)([,-][0-5]?\d)*(\/\d+)?$|^\*(\/\d+)?$/ },
    { name: "hours", pattern: /^([01]?\d|2[0-3])([,-]([01]?\d|2[0-3]))*(\/\d+)?$|^\*(\/\d+)?$/ },
    { name: "day-of-month", pattern: /^(\?|\*|L|LW|([1-9]|[12]\d|3[01])W?([,-]([1-9]|[12]\d|3[01]))*(\/\d+)?|\*\/\d+)$/ },
    { name: "month", pattern: /^(\*|([1-9]|1[0-2]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)([,-]([1-9]|1[0-2]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC))*)(\/\d+)?$/i },
    { name: "day-of-week", pattern: /^(\?|\*|[1-7]L|[1-7]#[1-5]|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)([,-]([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT))*)(\/\d+)?$/i },
    { name: "year", pattern: /^(\*|(19[7-9]\d|2[01]\d\d)([,-](19[7-9]\d|2[01]\d\d))*)(\/\d+)?$/ },
];

/** Why a schedule expression is not one Scheduler accepts, or undefined when it is. */
export function scheduleProblem(expr: string): string | undefined {
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expr);
    if (rate) {
        const n = Number(rate[1]);
        if (n < 1) return "a rate must be at least 1";
        // Same source: a value of 1 takes the singular unit, any other value the plural.
        if ((n === 1) !== !rate[2].endsWith("s")) return `rate(${n} …) takes the ${n === 1 ? "singular" : "plural"} unit`;
        return undefined;
    }
    const cron = /^cron\((.*)\)$/.exec(expr);
    if (!cron) return 'must be cron(minutes hours day-of-month month day-of-week year) or rate(value minute|minutes|hour|hours|day|days)';
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) return `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this one has ${fields.length}`;
    for (const [i, f] of fields.entries()) {
        if (!CRON_FIELDS[i].pattern.test(f)) return `the cron ${CRON_FIELDS[i].name} field ${show(f)} is not valid`;
    }
    if ((fields[2] === "?") === (fields[4] === "?")) return "exactly one of the cron day-of-month and day-of-week fields must be ?";
    return undefined;
}

/** An IANA time zone name the runtime knows (Scheduler takes IANA names: ScheduleExpressionTimezone). */
export function isTimeZone(tz: string): boolean {
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
    } catch {
        return false;
    }
}

export const jobSchema = closed({
    service: z.string(says("must name a service of ecs-ship:services", "is required: the service whose image, roles, environment, secrets and network the job runs with"))
        .meta({ description: "The service whose image, task roles, environment, secrets and network the job runs with." }),
    command: listOf(z.string(says("must be a string")).min(1, { error: "must not be empty" }), "strings (the program and its arguments)")
        .min(1, { error: "must list the program and its arguments" })
        .meta({ description: "What the job runs, as a list: [program, arg, ...]." }),
    schedule: z.string(says("must be cron(...) or rate(...)", "is required: cron(minutes hours day-of-month month day-of-week year) or rate(value unit)"))
        .meta({ description: "When the job runs: cron(minutes hours day-of-month month day-of-week year) or rate(value unit), as EventBridge Scheduler reads them." }),
    timezone: z.string(says("must be an IANA time zone name such as Europe/Paris")).optional()
        .meta({ description: "Time zone of a cron schedule (IANA name).", default: JOB_DEFAULTS.timezone }),
    retries: int(...JOB_LIMITS.retries).optional()
        .meta({ description: "Times Scheduler retries starting the task when RunTask fails (not when the job exits non-zero).", default: JOB_DEFAULTS.retries }),
    maxAgeSeconds: int(...JOB_LIMITS.maxAgeSeconds).optional()
        .meta({ description: "Seconds after the scheduled time that Scheduler keeps trying to start the task.", default: JOB_DEFAULTS.maxAgeSeconds }),
    deadLetterQueueArn: text(SQS_ARN, "must be an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>)").optional()
        .meta({ description: "SQS queue that receives the runs Scheduler could not start after its retries." }),
    flexibleWindowMinutes: int(...JOB_LIMITS.flexibleWindowMinutes).optional()
        .meta({ description: "0 runs at the exact time; 1 to 1440 lets Scheduler start it within that many minutes.", default: JOB_DEFAULTS.flexibleWindowMinutes }),
    cpu: z.number(says(`must be one of ${Object.keys(FARGATE_CPU_MEMORY).join(", ")} (Fargate task sizes)`)).optional()
        .meta({ description: "Task CPU units of the job. Default: the service's." }),
    memory: z.number(says("must be a number of MiB")).optional()
        .meta({ description: "Task memory in MiB of the job. Default: the service's." }),
}).superRefine((j, ctx) => {
    if (!record(j)) return;
    if (typeof j.schedule === "string") {
        const why = scheduleProblem(j.schedule.trim());
        if (why) problem(ctx, ["schedule"], `${why}, got ${show(j.schedule)}`);
    }
    if (typeof j.timezone === "string" && !isTimeZone(j.timezone)) problem(ctx, ["timezone"], `must be an IANA time zone name such as Europe/Paris or UTC, got ${show(j.timezone)}`);
}, ALWAYS);

export const jobsSchema = mapOf(jobSchema).superRefine((o, ctx) => {
    for (const name of Object.keys(record(o) ?? {})) {
        if (!DNS_LABEL.test(name) || name.length > 40) {
            problem(ctx, [name], `job name must be a lowercase DNS label of at most 40 characters (a-z, 0-9 and "-", starting with a letter), got ${show(name)}`);
        }
    }
}, ALWAYS).meta({ description: "Scheduled jobs by name: each runs a task from a service's image with its own command, through EventBridge Scheduler." });

/** Rules across `ecs-ship:jobs` and `ecs-ship:services`, at paths relative to the stack. */
export function checkJobs(o: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const services = record(o.services) ?? {};
    const known = Object.keys(services).sort();
    for (const [name, job] of Object.entries(record(o.jobs) ?? {})) {
        // A job's task-definition family and resource names are `<prefix>-<name>-job` (components/jobs/jobSettings.ts),
        // a service's `<prefix>-<service>`: a service named `<name>-job` would register in the job's family.
        if (`${name}-job` in services) problem(ctx, ["jobs", name], `shares its task-definition family <prefix>-${name}-job with the service ${name}-job; rename the job or the service, got job ${show(name)}`);
        const j = record(job);
        if (!j || typeof j.service !== "string") continue;
        const svc = record(services[j.service]);
        if (!svc) {
            problem(ctx, ["jobs", name, "service"], `must name a service of ecs-ship:services (${known.join(", ") || "none defined"}), got ${show(j.service)}`);
            continue;
        }
        // A job that sets neither size runs at its service's, which the service's own check already holds to
        // the same table (config/service.ts, checkSize): one problem, where the user wrote the value.
        if (j.cpu === undefined && j.memory === undefined) continue;
        const cpu = j.cpu ?? svc.cpu ?? DEFAULTS.service.cpu;
        const memory = j.memory ?? svc.memory ?? DEFAULTS.service.memory;
        if (typeof cpu !== "number" || typeof memory !== "number") continue;
        // What the job does not set comes from its service (or the default): the message says which.
        const from = (key: "cpu" | "memory") => (j[key] !== undefined ? "" : svc[key] !== undefined ? ` (services.${j.service}.${key})` : " (the default)");
        // Jobs run on Fargate whatever the service's mode. Source: Amazon ECS Developer Guide, Fargate task size table.
        const allowed = FARGATE_CPU_MEMORY[cpu];
        if (!allowed) problem(ctx, ["jobs", name, "cpu"], `must be one of ${Object.keys(FARGATE_CPU_MEMORY).join(", ")} (Fargate task sizes), got ${show(cpu)}${from("cpu")}`);
        else if (!allowed.includes(memory)) problem(ctx, ["jobs", name, j.memory !== undefined ? "memory" : "cpu"], `with cpu ${cpu}${from("cpu")}, Fargate accepts ${describeMemoryFor(cpu)} MiB, got memory ${show(memory)}${from("memory")}`);
    }
}
