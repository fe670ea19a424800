// The review deploy role's documents (issue 30): the ordinary stack policies (stackPolicies.ts,
// permissionsBoundary.ts, taskDefinitionPolicies.ts), generalised from one stack to every review stack.
// Pure; evaluated by test/reviewIam.test.ts with the real IAM evaluator.
//
// One stack is scoped by its name prefix `ecs-ship-<stack>-` and its tag `ecs-ship:stack=<stack>`
// (trustPolicies.ts). The review scope is the same documents with
// - the prefix `ecs-ship-pr-*`: every `pr-<n>` stack's names, and no other stack's, because config
//   reserves the stack names `pr` and `pr-…` for review instances (config/review.ts): `ecs-ship-prod-…`
//   does not match, the hyphen after `pr` is literal;
// - the stack tag compared with StringLike `pr-*` instead of StringEquals (and the guard Denies with
//   StringNotLike), so anything tagged for another stack is still denied;
// - and, on every create and every tag-scoped change, the tag `ecs-ship:review=true` too, which only a
//   review instance's provider puts on its resources (config/index.ts).
// The trust's own roles and policies are named `ecs-ship-review-…` (REVIEW_TRUST_PREFIX): the guards deny
// every IAM write to them, so the role cannot raise its own limits.
import { elbLogicalName } from "../service/naming";
import { deployPolicies } from "./stackPolicies";
import { permissionsBoundary } from "./permissionsBoundary";
import { GithubRepository, IamDocument, IamStatement, STACK_TAG, StackScope, pullRequestSubject, subjectRepository } from "./trustPolicies";

/** The tag only review instances carry (with `ecs-ship:stack=pr-<n>`). */
export const REVIEW_TAG = "ecs-ship:review";
/** Every review instance's stack name, as an IAM pattern. */
export const REVIEW_STACK_PATTERN = "pr-*";
/** Every review instance's physical-name prefix, as an IAM pattern (`ecs-ship-pr-<n>`). */
export const REVIEW_PREFIX_PATTERN = `ecs-ship-${REVIEW_STACK_PATTERN}`;
/** The review trust's own names: the template stack `review`'s prefix. */
export const REVIEW_TRUST_PREFIX = "ecs-ship-review";
/** The review deploy role and the review boundary have fixed names, so `pr-<n>` stacks and workflows can name them. */
export const REVIEW_DEPLOY_ROLE_NAME = `${REVIEW_TRUST_PREFIX}-deploy`;
export const REVIEW_BOUNDARY_NAME = `${REVIEW_TRUST_PREFIX}-boundary`;

export function reviewDeployRoleArn(partition: string, accountId: string): string {
    return `arn:${partition}:iam::${accountId}:role/${REVIEW_DEPLOY_ROLE_NAME}`;
}
export function reviewBoundaryArn(partition: string, accountId: string): string {
    return `arn:${partition}:iam::${accountId}:policy/${REVIEW_BOUNDARY_NAME}`;
}

/** What a pull request needs before its review stack deploys (config/review.ts). */
export interface ReviewGate {
    require: "label" | "environment" | "none";
    /** With `require: environment`, the GitHub environment the deploy job runs in. */
    environment?: string;
    /** The GitHub environment the scheduled sweep runs in (config/review.ts, sweepEnvironment). */
    sweepEnvironment?: string;
}

/**
 * The one `sub` the review deploy role trusts: this repository's pull-request subject
 * (`repo:OWNER/NAME:pull_request`, or the immutable `repo:OWNER@id/NAME@id:pull_request`), or, with
 * `require: environment`, the environment subject a job that names the environment gets instead.
 * Source: GitHub Docs, "OpenID Connect reference", example subject claims (a job triggered by a pull request:
 * `repo:ORG-NAME/REPO-NAME:pull_request`; a job that names an environment: `repo:ORG-NAME/REPO-NAME:environment:NAME`),
 * https://docs.github.com/en/actions/reference/openid-connect-reference.
 * Never a `ref:` subject: a `pull_request_target` or `push` job runs with the base repository's refs,
 * and never a pattern. Pull requests from forks get no OIDC token under `pull_request`: `id-token` is
 * `none` at most for them (GitHub Docs, "GITHUB_TOKEN reference", "Maximum access for pull requests from
 * public forked repositories", https://docs.github.com/en/actions/reference/github_token-reference); the
 * review workflow also refuses to run for a head repository other than this one (docs/review-environments.md).
 */
export function reviewSubjects(repository: string | GithubRepository, gate: ReviewGate): string[] {
    // The scheduled sweep (review-sweep.yml) runs in an environment of its own: a `schedule` job's token
    // otherwise carries the default branch's `ref:` subject, which every workflow on that branch shares.
    // Naming an environment gives the job `repo:…:environment:<name>` instead (the same reference), and
    // GitHub lets only the branches the environment allows use it ("Deployment branches and tags",
    // https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment).
    const sweep = gate.sweepEnvironment ? [`${subjectRepository(repository)}:environment:${gate.sweepEnvironment}`] : [];
    if (gate.require === "environment") {
        if (!gate.environment) throw new Error("review trust: require: environment needs the environment's name, got none");
        return [`${subjectRepository(repository)}:environment:${gate.environment}`, ...sweep];
    }
    return [pullRequestSubject(repository), ...sweep];
}

/** What the review scope keeps of a stack's: where the account is, and what the template's services need. */
export type ReviewScopeInput = Omit<StackScope, "stack" | "prefix" | "trustName" | "taskDefinitionFamilies" | "domains" | "secretArns" | "secretsKmsKeyArns" | "scheduledJobs" | "schedulerGrantArn">;

/**
 * Every review instance as one StackScope: stack `pr-*`, prefix `ecs-ship-pr-*`, the trust `ecs-ship-review-…`.
 * Task definitions: any family under the review prefix, so a pull request that adds a Fargate service deploys
 * without an administrator. No domains, secrets or scheduled jobs: config refuses them in a review template.
 */
export function reviewScope(input: ReviewScopeInput): StackScope {
    return {
        ...input,
        stack: REVIEW_STACK_PATTERN,
        prefix: REVIEW_PREFIX_PATTERN,
        trustName: REVIEW_TRUST_PREFIX,
        taskDefinitionFamilies: [`${REVIEW_PREFIX_PATTERN}-*`],
        domains: [], secretArns: [], secretsKmsKeyArns: [],
    };
}

/**
 * Load balancer names of a review instance's shared load balancer, as `elbLogicalName` writes them: whole
 * for a one-digit PR (`ecs-ship-pr-1-shared-alb`), cut and hashed from two digits on (`pr-42-shared-<hash>-alb`).
 * `pr-…` load balancer names come only from review instances: config reserves the stack names.
 */
export function reviewSharedLoadBalancerNames(): string[] {
    const whole = elbLogicalName("ecs-ship-pr-1-shared", "alb");
    const cut = elbLogicalName("ecs-ship-pr-10-shared", "alb");
    if (whole !== "ecs-ship-pr-1-shared-alb" || !/^pr-10-shared-[0-9a-f]{6}-alb$/.test(cut)) {
        throw new Error(`review load balancer names changed (${whole}, ${cut}): update reviewSharedLoadBalancerNames`);
    }
    return ["ecs-ship-pr-?-shared-alb", "pr-*-??????-alb"];
}

/** The review deploy role's managed policies: deployPolicies of the review scope, generalised. */
export function reviewDeployPolicies(s: StackScope): Record<string, IamDocument> {
    const elbRules = reviewSharedLoadBalancerNames().map((n) => `arn:${s.partition}:elasticloadbalancing:${s.region}:${s.accountId}:listener-rule/app/${n}-???????/*/*/*`);
    return Object.fromEntries(Object.entries(deployPolicies(s)).map(([name, d]) => [name, generalise({
        ...d,
        Statement: [
            ...d.Statement.flatMap((st) => (st.Sid === "ElbRulePriorities" ? [{ ...st, Resource: elbRules }]
                : st.Sid === "StateObjects" ? stateWithoutMetaWrites(st) : [st])),
            // After each destroy the teardown asks AWS what is still tagged for the stack (tools/review/destroyed.ts).
            // GetResources supports no resource type and lists only tags (Service Authorization Reference for the
            // Resource Groups Tagging API; Resource Groups Tagging API Reference, GetResources).
            ...(name === "build" ? [{ Sid: "TaggedLeftovers", Effect: "Allow" as const, Action: "tag:GetResources", Resource: "*" }] : []),
        ],
    })]));
}

/**
 * The backend's `.pulumi/meta.yaml` is every stack's (the backend's format version), written when the bucket is
 * first used: a review role reads it and never writes or deletes it, so a pull request cannot break the backend
 * for the other stacks. Its own `pr-*` objects it reads and writes as a stack's deploy role does.
 * Source: Pulumi docs, "State and backends" (the DIY backend's layout).
 */
function stateWithoutMetaWrites(st: IamStatement): IamStatement[] {
    const resources = [st.Resource ?? []].flat();
    const meta = resources.filter((r) => r.endsWith("/.pulumi/meta.yaml"));
    if (meta.length === 0) return [st];
    return [
        { ...st, Resource: resources.filter((r) => !meta.includes(r)) },
        { Sid: "StateMeta", Effect: "Allow", Action: "s3:GetObject", Resource: meta },
    ];
}

/** The review boundary: the stack boundary of the review scope, generalised; stack roles may not write the review tag either. */
export function reviewPermissionsBoundary(s: StackScope): IamDocument {
    const d = generalise(permissionsBoundary(s, []));
    return {
        ...d,
        Statement: d.Statement.map((st) => (st.Sid === "DenyStackTag" ? { ...st, Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": [STACK_TAG, REVIEW_TAG] } } } : st)),
    };
}

const LIKE: Record<string, string> = { StringEquals: "StringLike", StringNotEquals: "StringNotLike" };
const TAG_KEYS = [`aws:RequestTag/${STACK_TAG}`, `aws:ResourceTag/${STACK_TAG}`];

/**
 * A stack document made to hold for every review instance: each stack-tag comparison whose value is a
 * pattern moves to its Like operator (StringEquals treats `*` as a character), and each Allow that holds
 * a request or resource to the stack tag also holds it to `ecs-ship:review=true`.
 * Source: IAM User Guide, "IAM JSON policy elements: Condition operators" (StringLike, StringNotLike: `*` and `?`).
 */
export function generalise(d: IamDocument): IamDocument {
    return { ...d, Statement: d.Statement.map(generaliseStatement) };
}

function generaliseStatement(st: IamStatement): IamStatement {
    if (!st.Condition) return st;
    const condition: Record<string, Record<string, string | string[]>> = {};
    const add = (op: string, key: string, value: string | string[]) => { condition[op] = { ...(condition[op] ?? {}), [key]: value }; };
    const scoped = new Set<string>();
    for (const [op, entries] of Object.entries(st.Condition)) {
        for (const [key, value] of Object.entries(entries)) {
            const pattern = TAG_KEYS.includes(key) && [value].flat().some((v) => /[*?]/.test(v));
            if (pattern && !(op in LIKE)) throw new Error(`generalise: ${st.Sid ?? "a statement"} compares ${key} with ${op}, which has no Like form`);
            add(pattern ? LIKE[op] : op, key, value);
            if (pattern && op === "StringEquals") scoped.add(key.replace(STACK_TAG, REVIEW_TAG));
        }
    }
    if (st.Effect === "Allow") for (const key of scoped) add("StringEquals", key, "true");
    return { ...st, Condition: condition };
}
