// What a GithubOidcTrust is given: its arguments, their defaults in one place, the error bad ones raise,
// and the normalize step that applies the defaults. githubOidcTrust.ts builds the provider, roles and
// policies from the normalized arguments.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PassRoleKind, STACK_TAG, ScheduledJobsScope } from "./stackScope";

export interface GithubOidcTrustArgs {
    /**
     * Physical-name prefix; every permission is scoped to names that start with it and a hyphen.
     * It must be `ecs-ship-<stack>`, where `<stack>` is `stackTags["ecs-ship:stack"]`.
     * @default `ecs-ship-${stackTags["ecs-ship:stack"]}`
     */
    prefix?: string;
    /** The one GitHub repository that may assume the roles, as "owner/name". No wildcard. */
    repository: string;
    /**
     * The repository owner's immutable numeric id. With `repositoryId`, the roles trust only GitHub's
     * immutable subject `repo:<owner>@<ownerId>/<name>@<repositoryId>:…`, which repositories created, renamed
     * or transferred since 2026-07-15 (and older ones that opt in) present; the name-only form is then refused.
     * @default - the name-only subject `repo:<owner>/<name>:…`
     */
    ownerId?: number;
    /** The repository's immutable numeric id; goes with `ownerId`. @default - the name-only subject */
    repositoryId?: number;
    /** Branches whose pushes may deploy (exact names). @default ["main"] */
    deployBranches?: string[];
    /** GitHub environments whose jobs may deploy (exact names). @default [] */
    deployEnvironments?: string[];
    /**
     * Create a read-only role for `pulumi preview` on pull requests of the repository.
     * @default true
     */
    pullRequestPreview?: boolean;
    /**
     * Reuse this account's GitHub OIDC provider instead of creating one (an account holds one
     * per URL, so a second stack in the same account must reuse). Conflicts with `retainProvider`.
     * @default - a provider is created
     */
    oidcProviderArn?: string;
    /** Keep the created provider when the stack is destroyed, for other stacks that reuse it. @default false */
    retainProvider?: boolean;
    /** Longest session of either role, in seconds (3600 to 43200). @default 3600 */
    maxSessionDuration?: number;
    /** S3 bucket of Pulumi's state: deploy reads and writes this stack's objects, preview reads them. @default - no state permissions */
    stateBucket?: string;
    /** KMS key of the state or secrets provider: both roles decrypt, deploy also encrypts. @default - no KMS permissions */
    stateKmsKeyArn?: string;
    /**
     * Tags the stack applies to everything (give them to the AWS provider's `defaultTags` too).
     * `ecs-ship:stack` is required: it names the stack and scopes every tag condition.
     */
    stackTags: Record<string, string>;
    /** Extra permissions the stack's task roles need, so the permissions boundary admits them. @default [] */
    taskPermissions?: aws.iam.PolicyStatement[];
    /**
     * Secret and SSM parameter ARNs the stack's services read: the boundary admits exactly
     * these, so no stack role can read any other secret. @default [] - no secret can be read
     */
    secretArns?: string[];
    /** Customer-managed KMS keys of those secrets; the boundary admits kms:Decrypt with exactly these. @default [] */
    secretsKmsKeyArns?: string[];
    /**
     * The services' custom domains and the Route 53 zones they live in: the deploy role may request
     * DNS-validated certificates for exactly these names and write only their records, in only
     * these zones. @default [] - no certificate or DNS permission
     */
    domains?: { name: string; zoneId: pulumi.Input<string>; createsCertificate?: boolean }[];
    /** Email addresses the deployment alarms notify; the only endpoints the deploy role may subscribe. @default [] */
    alarmEmails?: string[];
    /** Existing SNS topics the deployment alarms notify; alarms may act only on these and the stack's own topics. @default [] */
    alarmTopicArns?: string[];
    /**
     * A service releases canary, linear or blue/green: the boundary then admits the load-balancer roles'
     * writes (components/fargate/trafficShift.ts). @default false - no such statement, so the boundary stays small
     */
    shiftsTraffic?: boolean;
    /**
     * Task definition families of the stack's Fargate services: the deploy role registers revisions in exactly
     * these, and only with one may it describe or deregister task definitions. @default [] - none
     */
    taskDefinitionFamilies?: string[];
    /**
     * Kinds of service role the deploy role may pass by derived-name pattern (one statement for every service).
     * @default [] - only the exact roles `allowPassRole` names
     */
    passRoleKinds?: PassRoleKind[];
    /**
     * Give the Express infrastructure roles a boundary of their own (`infrastructureBoundaryArn`), holding AWS's
     * Express infrastructure policy's ceiling, so the stack's boundary keeps IAM's 6,144 characters for secrets and
     * task statements (about 55 secrets instead of about 11). Pass `infrastructureBoundaryArn` as each
     * ExpressService's `infrastructurePermissionsBoundary`: with this on, the stack's boundary no longer admits what
     * an infrastructure role does. ecsShip() turns it on. @default false - one boundary holds both ceilings
     */
    separateInfrastructureBoundary?: boolean;
    /** ECR repositories of prebuilt images; with the stack's own, the only ones a stack role may pull from. @default [] */
    imageRepositoryArns?: string[];
    /**
     * The stack's scheduled jobs, when it has any: their task-definition families and dead-letter queues.
     * The trust then writes the scheduler grant policy (schedulerPolicies.ts) that each job's scheduler role
     * is attached to (`schedulerPolicyArn`). @default - none
     */
    scheduledJobs?: ScheduledJobsScope;
    /** Region the stack deploys to; ARNs in the policies name it. */
    region: string;
    /** Pulumi project name, for the state object keys. @default "ecs-ship" */
    project?: string;
}

export interface Normalized {
    prefix: string; repository: string; ownerId?: number; repositoryId?: number; deployBranches: string[]; deployEnvironments: string[];
    pullRequestPreview: boolean; oidcProviderArn?: string; retainProvider: boolean; maxSessionDuration: number;
    stateBucket?: string; stateKmsKeyArn?: string; stackTags: Record<string, string>;
    taskPermissions: aws.iam.PolicyStatement[]; region: string; project: string;
    secretArns: string[]; secretsKmsKeyArns: string[];
    domains: { name: string; zoneId: pulumi.Input<string>; createsCertificate?: boolean }[]; alarmEmails: string[]; alarmTopicArns: string[]; shiftsTraffic: boolean;
    taskDefinitionFamilies: string[]; passRoleKinds: PassRoleKind[]; imageRepositoryArns: string[];
    separateInfrastructureBoundary: boolean;
    scheduledJobs?: ScheduledJobsScope;
}

/** GithubOidcTrust's defaults: the one place they live. The stack configuration passes on only what the user set. */
export const GITHUB_OIDC_TRUST_DEFAULTS = {
    deployBranches: ["main"] as readonly string[],
    deployEnvironments: [] as readonly string[],
    pullRequestPreview: true,
    retainProvider: false,
    /** One hour: IAM's default, and the shortest a role allows. */
    maxSessionDuration: 3600,
    taskPermissions: [] as readonly aws.iam.PolicyStatement[],
    project: "ecs-ship",
} as const;

/**
 * Invalid GithubOidcTrust arguments, thrown before the component registers anything. A
 * `pulumi.RunError`, so the CLI prints the problems without a stack trace.
 */
export class GithubOidcTrustArgsError extends pulumi.RunError {
    constructor(public readonly component: string, public readonly problems: string[]) {
        super(`GithubOidcTrust "${component}": invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "GithubOidcTrustArgsError";
    }
}

/** Applies every default in one place. */
export function normalizeTrustArgs(args: GithubOidcTrustArgs): Normalized {
    const d = GITHUB_OIDC_TRUST_DEFAULTS;
    const stackTags = args.stackTags ?? {};
    const stack = stackTags[STACK_TAG];
    return {
        prefix: args.prefix ?? (typeof stack === "string" && stack !== "" ? `ecs-ship-${stack}` : ""),
        repository: args.repository,
        ownerId: args.ownerId,
        repositoryId: args.repositoryId,
        deployBranches: args.deployBranches ?? [...d.deployBranches],
        deployEnvironments: args.deployEnvironments ?? [...d.deployEnvironments],
        pullRequestPreview: args.pullRequestPreview ?? d.pullRequestPreview,
        oidcProviderArn: args.oidcProviderArn,
        retainProvider: args.retainProvider ?? d.retainProvider,
        maxSessionDuration: args.maxSessionDuration ?? d.maxSessionDuration,
        stateBucket: args.stateBucket,
        stateKmsKeyArn: args.stateKmsKeyArn,
        stackTags,
        taskPermissions: args.taskPermissions ?? [...d.taskPermissions],
        secretArns: args.secretArns ?? [],
        secretsKmsKeyArns: args.secretsKmsKeyArns ?? [],
        domains: args.domains ?? [],
        alarmEmails: args.alarmEmails ?? [],
        alarmTopicArns: args.alarmTopicArns ?? [],
        shiftsTraffic: args.shiftsTraffic ?? false,
        taskDefinitionFamilies: args.taskDefinitionFamilies ?? [],
        passRoleKinds: args.passRoleKinds ?? [],
        imageRepositoryArns: args.imageRepositoryArns ?? [],
        separateInfrastructureBoundary: args.separateInfrastructureBoundary ?? false,
        scheduledJobs: args.scheduledJobs,
        region: args.region,
        project: args.project ?? d.project,
    };
}
