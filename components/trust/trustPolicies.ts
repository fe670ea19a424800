// Pure IAM documents for GithubOidcTrust: the GitHub trust policies and the pass-role
// grants here; the deploy and preview permissions in stackPolicies.ts; the permissions
// boundary in permissionsBoundary.ts (both re-exported below).
//
// Nothing here creates resources, so test/trustSecurity.test.ts evaluates every document
// with a real IAM policy evaluator, without mocks.
//
// Scoping rules used throughout:
// - ARN name prefix `ecs-ship-<stack>-` wherever the service's ARN carries the name, and
//   the stack's own cluster in every ECS service ARN;
// - `aws:RequestTag/ecs-ship:stack` on creates (with ec2:CreateAction /
//   elasticloadbalancing:CreateAction on tagging) and `aws:ResourceTag/ecs-ship:stack` on
//   existing resources where the ARN does not carry the prefix (EC2 security groups,
//   scalable targets, and load balancers and target groups, whose 32-character names
//   cannot hold it: components/service/naming.ts);
// - an explicit Deny for anything tagged as another stack, because the name prefix of
//   stack `dev` (`ecs-ship-dev-*`) also matches stack `dev-eu`'s names.
// Action names, resource types and condition keys follow the Service Authorization
// Reference ("Actions, resources, and condition keys for <service>").
import { IamDocument, IamStatement, STACK_TAG } from "./stackScope";

export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials requests; IAM checks it as `:aud`. */
export const STS_AUDIENCE = "sts.amazonaws.com";

export type PassedToService = "ecs-tasks.amazonaws.com" | "ecs.amazonaws.com" | "scheduler.amazonaws.com";

// The stack's scope and the IAM document shapes live in stackScope.ts, below every policy file.
export { STACK_TAG } from "./stackScope";
export type { IamDocument, IamStatement, PassRoleKind, ScheduledJobsScope, StackDomain, StackScope } from "./stackScope";

// ---------------------------------------------------------------------------
// Validation (pure, so the component can check its arguments before registering)

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
/** Characters that would turn an exact `sub` into a pattern, or that GitHub refs cannot hold. */
const GLOB = /[*?\[\]\s]/;

export interface TrustArgsToCheck {
    prefix: string;
    repository: string;
    ownerId?: number;
    repositoryId?: number;
    deployBranches: string[];
    deployEnvironments: string[];
    oidcProviderArn?: string;
    retainProvider?: boolean;
    maxSessionDuration: number;
    stackTags: Record<string, string>;
}

/** Every problem with the arguments, worded like config.ts: key, what is allowed, what was given. */
export function trustArgsProblems(a: TrustArgsToCheck): string[] {
    const problems: string[] = [];
    const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));
    const stack = a.stackTags?.[STACK_TAG];
    if (typeof stack !== "string" || stack === "") {
        problems.push(`stackTags["${STACK_TAG}"]: is required (the stack name every resource is tagged with), got ${show(stack)}`);
    } else if (a.prefix !== `ecs-ship-${stack}`) {
        problems.push(`prefix: must be "ecs-ship-${stack}" (the stack's physical-name prefix), got ${show(a.prefix)}`);
    }
    if (typeof a.repository !== "string" || a.repository.includes("*") || !REPOSITORY.test(a.repository)) {
        problems.push(`repository: must name exactly one repository as "owner/name", with no wildcard${typeof a.repository === "string" && a.repository.includes("@") ? ` or id (put the ids in ownerId and repositoryId)` : ""}, got ${show(a.repository)}`);
    }
    for (const key of ["ownerId", "repositoryId"] as const) {
        const v = a[key];
        if (v !== undefined && (!Number.isSafeInteger(v) || v < 1)) problems.push(`${key}: must be a positive integer (GitHub's numeric id), got ${show(v)}`);
    }
    if ((a.ownerId === undefined) !== (a.repositoryId === undefined)) {
        problems.push(`${a.ownerId === undefined ? "ownerId" : "repositoryId"}: ownerId and repositoryId go together (GitHub's immutable subject names both), got only ${a.ownerId === undefined ? "repositoryId" : "ownerId"}`);
    }
    a.deployBranches.forEach((b, i) => {
        if (typeof b !== "string" || b === "" || GLOB.test(b)) problems.push(`deployBranches[${i}]: must be an exact branch name, with no wildcard ("*", "?", "[") or space, got ${show(b)}`);
    });
    a.deployEnvironments.forEach((e, i) => {
        if (typeof e !== "string" || e === "" || GLOB.test(e)) problems.push(`deployEnvironments[${i}]: must be an exact environment name, with no wildcard ("*", "?", "[") or space, got ${show(e)}`);
    });
    if (a.deployBranches.length === 0 && a.deployEnvironments.length === 0) {
        problems.push("Either `deployBranches` or `deployEnvironments` must be provided (nothing could deploy), got neither");
    }
    // retainProvider: false is the default and harmless with a reused provider; only true conflicts.
    if (a.oidcProviderArn !== undefined && a.retainProvider === true) {
        problems.push("Only one of `oidcProviderArn` or `retainProvider` can be provided (a reused provider is never deleted), got both");
    }
    if (a.oidcProviderArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/.test(a.oidcProviderArn)) {
        problems.push(`oidcProviderArn: must be arn:aws:iam::<account>:oidc-provider/${GITHUB_OIDC_HOST}, got ${show(a.oidcProviderArn)}`);
    }
    // Source: IAM User Guide, "Modify a role maximum session duration" (1 to 12 hours).
    if (!Number.isInteger(a.maxSessionDuration) || a.maxSessionDuration < 3600 || a.maxSessionDuration > 43200) {
        problems.push(`maxSessionDuration: must be an integer from 3600 to 43200 seconds, got ${show(a.maxSessionDuration)}`);
    }
    return problems;
}

// ---------------------------------------------------------------------------
// Trust

/**
 * The one repository the trust names. With `ownerId` and `repositoryId` (both, never one), the
 * subjects use GitHub's immutable format and only it; without them, the name-only format.
 */
export interface GithubRepository {
    /** "owner/name", as GitHub spells it. */
    repository: string;
    /** The owner's numeric id (`gh api repos/OWNER/NAME --jq .owner.id`). @default - name-only subjects */
    ownerId?: number;
    /** The repository's numeric id (`gh api repos/OWNER/NAME --jq .id`). @default - name-only subjects */
    repositoryId?: number;
}

/**
 * `repo:<owner>/<name>` or, with the ids, `repo:<owner>@<ownerId>/<name>@<repositoryId>`: the part of
 * every `sub` before the context. Source: GitHub Docs, "OpenID Connect" concepts, "Immutable subject
 * claims" (github/docs#45221; changelog https://github.blog/changelog/2026-04-23-immutable-subject-claims-for-github-actions-oidc-tokens/):
 * "The immutable ID is appended to each name with an `@` delimiter", e.g.
 * `repo:octocat@123456/my-repo@456789:ref:refs/heads/main`. Repositories created, renamed or transferred
 * on or after 2026-07-15, and older ones that opt in, get this form; a name-only subject is never also
 * issued to them, so a trust that names the ids must not accept the name-only form either: whoever holds
 * the name later (a recycled owner or repository name) would present it.
 */
export function subjectRepository(r: string | GithubRepository): string {
    const { repository, ownerId, repositoryId } = typeof r === "string" ? { repository: r } as GithubRepository : r;
    if (ownerId === undefined && repositoryId === undefined) return `repo:${repository}`;
    if (ownerId === undefined || repositoryId === undefined) throw new Error(`GitHub subject: ownerId and repositoryId go together, got only ${ownerId === undefined ? "repositoryId" : "ownerId"}`);
    const [owner, name] = repository.split("/");
    return `repo:${owner}@${ownerId}/${name}@${repositoryId}`;
}

/**
 * The exact `sub` values GitHub puts in a job's token for a push to each branch and for
 * each environment. Source: GitHub Docs, "OpenID Connect reference" (subject claims:
 * `repo:<owner>/<repo>:ref:refs/heads/<branch>`, `repo:<owner>/<repo>:environment:<name>`), with the
 * repository part in the immutable form when the ids are given (subjectRepository).
 * A job that names an environment gets the environment subject, not the branch one.
 */
export function deploySubjects(repository: string | GithubRepository, branches: string[], environments: string[]): string[] {
    const repo = subjectRepository(repository);
    return [
        ...branches.map((b) => `${repo}:ref:refs/heads/${b}`),
        ...environments.map((e) => `${repo}:environment:${e}`),
    ];
}

/** The `sub` of a job triggered by a pull request. Source: GitHub Docs, "OpenID Connect reference". */
export function pullRequestSubject(repository: string | GithubRepository): string {
    return `${subjectRepository(repository)}:pull_request`;
}

/**
 * A role trust policy for GitHub's provider: exact audience and exact subjects, both with
 * StringEquals. No StringLike, no wildcard, no ForAnyValue/ForAllValues (single-valued keys).
 * Source: IAM User Guide, "Create a role for OpenID Connect federation" (GitHub section).
 */
export function githubTrustPolicy(providerArn: string, subjects: string[]): IamDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Federated: providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE,
                    [`${GITHUB_OIDC_HOST}:sub`]: [...subjects],
                },
            },
        }],
    };
}

// ---------------------------------------------------------------------------
// Pass-role grants

const PASS_SIDS: Record<PassedToService, string> = { "ecs.amazonaws.com": "PassToEcs", "ecs-tasks.amazonaws.com": "PassToEcsTasks", "scheduler.amazonaws.com": "PassToScheduler" };

/**
 * `iam:PassRole` for exactly these roles, each only to the service that uses it. ECS hands
 * the task and execution roles to `ecs-tasks.amazonaws.com` (Amazon ECS Developer Guide,
 * "Task execution IAM role" and "Task IAM role": trust and PassedToService), and the Express
 * infrastructure role to `ecs.amazonaws.com` (Amazon ECS Developer Guide, "Amazon ECS
 * infrastructure IAM role": trusted by and passed to ecs.amazonaws.com), and a scheduled job's
 * scheduler role to `scheduler.amazonaws.com` (EventBridge Scheduler User Guide, "Set up the
 * execution role": trusted by scheduler.amazonaws.com).
 * Source for the key: IAM User Guide, "Grant a user permissions to pass a role to an AWS service".
 */
export function passRolePolicy(grants: { roleArn: string; service: PassedToService }[]): IamDocument {
    const byService = new Map<PassedToService, Set<string>>();
    for (const g of grants) {
        if (!byService.has(g.service)) byService.set(g.service, new Set());
        byService.get(g.service)!.add(g.roleArn);
    }
    const services = [...byService.keys()].sort();
    return doc(services.map((svc) => ({
        Sid: PASS_SIDS[svc],
        Effect: "Allow" as const,
        Action: "iam:PassRole",
        Resource: [...byService.get(svc)!].sort(),
        Condition: { StringEquals: { "iam:PassedToService": svc } },
    })));
}

export { EXPRESS_SERVICE_LINKED_ROLES, ecrRepositoryArn, expressInfrastructureStatements, infrastructureBoundary, permissionsBoundary } from "./permissionsBoundary";
export {
    EXPRESS_INFRASTRUCTURE_POLICY, ROLE_KIND_PATTERNS, TASK_EXECUTION_POLICY, clusterNamePattern, deployPolicies, previewPolicy, stackArns,
} from "./stackPolicies";
export { taskDefinitionPolicies, taskDefinitionPolicyNames } from "./taskDefinitionPolicies";

function doc(statements: IamStatement[]): IamDocument {
    return { Version: "2012-10-17", Statement: statements };
}
