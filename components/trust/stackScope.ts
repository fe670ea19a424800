// What every trust document is written over: the stack's scope (account, region, name prefix, and what
// its services need), the stack tag, and the plain IAM document shapes. Types and one constant, no
// policy: trustPolicies.ts, stackPolicies.ts, permissionsBoundary.ts, taskDefinitionPolicies.ts and
// schedulerPolicies.ts all import it, and it imports none of them.

/** The tag key every ecs-ship resource carries (provider default tags). */
export const STACK_TAG = "ecs-ship:stack";

/** A plain IAM statement (JSON as IAM reads it). */
export interface IamStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]>;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface IamDocument {
    Version: "2012-10-17";
    Statement: IamStatement[];
}

/** Where the stack lives: everything the permission documents are scoped by. */
export interface StackScope {
    partition: string;
    accountId: string;
    region: string;
    /** Stack name, as in the `ecs-ship:stack` tag. */
    stack: string;
    /** `ecs-ship-<stack>`: every physical name starts with it and a hyphen. */
    prefix: string;
    /** The trust component's name; its own roles and policies are named `<trustName>-…`. */
    trustName: string;
    /** Pulumi project name, for the state backend's object keys. */
    project: string;
    providerArn: string;
    /** The stack's permissions boundary (permissionsBoundary.ts): every role but Express's infrastructure roles carries it. */
    boundaryArn: string;
    /**
     * The Express infrastructure roles carry a boundary of their own (infrastructureBoundary in
     * permissionsBoundary.ts), so the stack's boundary leaves out their ceiling. @default false
     */
    separateInfrastructureBoundary?: boolean;
    /** That boundary's ARN, once it exists (the deploy role's conditions name it). */
    infrastructureBoundaryArn?: string;
    stateBucket?: string;
    stateKmsKeyArn?: string;
    /** Secret and parameter ARNs the services' containers read; the boundary admits exactly these. @default [] */
    secretArns?: string[];
    /** Customer-managed KMS keys of those secrets. @default [] */
    secretsKmsKeyArns?: string[];
    /**
     * The services' custom domains, each with its public Route 53 zone: the deploy role may request
     * certificates for exactly these names and write records only for them (and their ACM validation
     * records) in only these zones. @default [] - no certificate or DNS permission at all
     */
    domains?: StackDomain[];
    /** Email addresses the deployment alarms notify: the only endpoints the deploy role may subscribe. @default [] */
    alarmEmails?: string[];
    /** Existing SNS topics the deployment alarms notify (`alarms.snsTopicArn`), besides the stack's own. @default [] */
    alarmTopicArns?: string[];
    /** A service releases canary, linear or blue/green (its load-balancer role needs the boundary's Shift statement). @default false */
    shiftsTraffic?: boolean;
    /**
     * Task definition families the stack registers (its Fargate services'): the deploy role may register
     * revisions in exactly these, and only a stack with one may describe or deregister task definitions
     * (actions with no resource type). @default [] - no task-definition permission at all
     */
    taskDefinitionFamilies?: string[];
    /**
     * Kinds of service role the deploy role may pass, each matched by one derived-name pattern
     * (stackPolicies.ts ROLE_KIND_PATTERNS) and the stack's tag, so one statement covers every service.
     * @default [] - only what `allowPassRole` grants by exact ARN
     */
    passRoleKinds?: PassRoleKind[];
    /**
     * ECR repositories of prebuilt images (`image.ref`) besides the stack's own: the only ones a stack role may
     * pull from. @default [] - the stack's own repositories only
     */
    imageRepositoryArns?: string[];
    /**
     * Set when the stack has scheduled jobs: the boundary then admits, for scheduler roles only, RunTask of
     * the stack's task definitions in its cluster, PassRole of its task roles to ECS tasks, and SendMessage
     * to these dead-letter queues; the deploy role may manage the stack's schedules. @default - no jobs
     */
    scheduledJobs?: ScheduledJobsScope;
    /**
     * The scheduler grant policy the trust writes for the stack's jobs (schedulerPolicies.ts): the one policy
     * the deploy role may attach to a scheduler role (iam:PolicyARN). @default - none: no attachment at all
     */
    schedulerGrantArn?: string;
}

/** Kinds of role the deploy role may pass by pattern (stackPolicies.ts ROLE_KIND_PATTERNS). */
export type PassRoleKind = "exec" | "task" | "infra" | "lb" | "sched";

/** What the stack's scheduled jobs need of the trust. */
export interface ScheduledJobsScope {
    /** The jobs' own task-definition families (`<prefix>-<job>-job`): the only ones their scheduler roles may run. */
    families: string[];
    /** Resource names of the services the jobs run from (`<prefix>-<service>`): the only ones whose roles they pass. */
    services: string[];
    /** The jobs' dead-letter queues: the only queues their scheduler roles may send to. */
    deadLetterQueueArns: string[];
}

/** A custom domain of one of the stack's services, and the id of the public hosted zone it lives in. */
export interface StackDomain {
    name: string;
    zoneId: string;
    /** The stack requests the domain's certificate (false: the service brings `certificateArn`). @default true */
    createsCertificate?: boolean;
}
