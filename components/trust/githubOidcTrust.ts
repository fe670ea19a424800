// GithubOidcTrust: keyless GitHub Actions → AWS trust for one stack.
//
// Creates (or reuses) GitHub's IAM OIDC provider, a deploy role trusted only for exact
// branch/environment subjects, an optional read-only preview role for pull requests, and
// the permissions boundary every role the stack creates must carry. The documents come
// from components/trust/trustPolicies.ts (pure, evaluated by test/trustSecurity.test.ts).
//
// The deploy role cannot change this component's roles, policies, boundary or provider, so
// changes to the trust are applied by an admin running `pulumi up` locally.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PassRoleGrant } from "../service/serviceArgs";
import {
    GITHUB_OIDC_URL, IamDocument, IamStatement, STACK_TAG, STS_AUDIENCE, StackScope,
    deployPolicies, deploySubjects, githubTrustPolicy, passRolePolicy, permissionsBoundary,
    PassRoleKind, ScheduledJobsScope, previewPolicy, pullRequestSubject, taskDefinitionPolicyNames, trustArgsProblems,
} from "./trustPolicies";
import { schedulerGrantPolicy } from "./schedulerPolicies";

export const GITHUB_OIDC_TRUST_TYPE = "ecs-ship:index:GithubOidcTrust";

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

/** Keyless GitHub Actions trust: OIDC provider, deploy role, preview role and permissions boundary. */
export class GithubOidcTrust extends pulumi.ComponentResource {
    public readonly providerArn: pulumi.Output<string>;
    public readonly deployRoleArn: pulumi.Output<string>;
    public readonly deployRoleName: pulumi.Output<string>;
    /** Undefined when `pullRequestPreview` is false. */
    public readonly previewRoleArn: pulumi.Output<string> | undefined;
    /** Every role the stack creates must set `permissionsBoundary` to this. */
    public readonly permissionsBoundaryArn: pulumi.Output<string>;
    /** The scheduler grant policy every scheduled job's scheduler role is attached to; undefined without `scheduledJobs`. */
    public readonly schedulerPolicyArn: pulumi.Output<string> | undefined;

    private readonly deployRole: aws.iam.Role;
    private readonly trustName: string;

    constructor(name: string, args: GithubOidcTrustArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate first: invalid arguments register nothing.
        const a = normalize(args);
        const problems = trustArgsProblems({ ...a, retainProvider: args.retainProvider });
        if (problems.length > 0) throw new GithubOidcTrustArgsError(name, problems);
        super(GITHUB_OIDC_TRUST_TYPE, name, {}, opts);

        const parent = { parent: this };
        const identity = aws.getCallerIdentityOutput({}, parent);
        const partition = aws.getPartitionOutput({}, parent);
        const stack = a.stackTags[STACK_TAG];

        const providerArn = createProvider(this);
        const boundary = createBoundary(this);
        const schedulerGrant = createSchedulerGrant(this);
        const repo = { repository: a.repository, ownerId: a.ownerId, repositoryId: a.repositoryId };
        const deployRole = createRole("deploy", deploySubjects(repo, a.deployBranches, a.deployEnvironments));
        attachDeployPolicies();
        const previewRole = a.pullRequestPreview ? createRole("preview", [pullRequestSubject(repo)]) : undefined;
        if (previewRole) attach("preview", previewRole, scopeWith(boundary.arn).apply((s) => previewPolicy(s)));

        this.trustName = name;
        this.deployRole = deployRole;
        this.providerArn = providerArn;
        this.deployRoleArn = deployRole.arn;
        this.deployRoleName = deployRole.name;
        this.previewRoleArn = previewRole?.arn;
        this.permissionsBoundaryArn = boundary.arn;
        this.schedulerPolicyArn = schedulerGrant?.arn;
        this.registerOutputs({
            providerArn: this.providerArn,
            deployRoleArn: this.deployRoleArn,
            deployRoleName: this.deployRoleName,
            previewRoleArn: this.previewRoleArn,
            permissionsBoundaryArn: this.permissionsBoundaryArn,
            schedulerPolicyArn: this.schedulerPolicyArn,
        });

        function createProvider(self: GithubOidcTrust): pulumi.Output<string> {
            if (a.oidcProviderArn) return pulumi.output(a.oidcProviderArn);
            // No thumbprint: IAM validates GitHub's certificate against its own library of
            // trusted root CAs. Source: IAM API Reference, UpdateOpenIDConnectProviderThumbprint
            // (note on GitHub and other IdPs); thumbprintLists is optional in @pulumi/aws 7.x.
            const provider = new aws.iam.OpenIdConnectProvider(`${name}-provider`, {
                url: GITHUB_OIDC_URL,
                clientIdLists: [STS_AUDIENCE],
            }, { parent: self, retainOnDelete: a.retainProvider || undefined });
            return provider.arn;
        }

        function scopeWith(boundaryArn: pulumi.Input<string>, schedulerGrantArn?: pulumi.Input<string>): pulumi.Output<StackScope> {
            const zoneIds = pulumi.all(a.domains.map((d) => d.zoneId));
            return pulumi.all([identity.accountId, partition.partition, providerArn, boundaryArn, zoneIds, schedulerGrantArn]).apply(([accountId, p, prov, b, zones, grant]) => ({
                schedulerGrantArn: grant,
                partition: p, accountId, region: a.region, stack, prefix: a.prefix, trustName: name, project: a.project,
                providerArn: prov, boundaryArn: b, stateBucket: a.stateBucket, stateKmsKeyArn: a.stateKmsKeyArn,
                secretArns: a.secretArns, secretsKmsKeyArns: a.secretsKmsKeyArns,
                domains: a.domains.map((d, i) => ({ name: d.name, zoneId: zones[i], createsCertificate: d.createsCertificate })),
                alarmEmails: a.alarmEmails, alarmTopicArns: a.alarmTopicArns, shiftsTraffic: a.shiftsTraffic, scheduledJobs: a.scheduledJobs,
                taskDefinitionFamilies: a.taskDefinitionFamilies, passRoleKinds: a.passRoleKinds, imageRepositoryArns: a.imageRepositoryArns,
            }));
        }

        function createBoundary(self: GithubOidcTrust): aws.iam.Policy {
            // The boundary's own ARN is not in its document, so a placeholder scope is enough.
            const policy = pulumi.all([scopeWith(""), pulumi.output(a.taskPermissions)]).apply(([s, task]) =>
                json(permissionsBoundary(s, task as unknown as IamStatement[])));
            return new aws.iam.Policy(`${name}-boundary`, {
                description: `Permissions boundary for every role ${a.prefix} creates`,
                policy,
            }, { parent: self });
        }

        /**
         * The scheduled jobs' grant policy (schedulerPolicies.ts), written here because only an administrator
         * writes what a stack role may do; the deploy role only attaches it to scheduler roles.
         */
        function createSchedulerGrant(self: GithubOidcTrust): aws.iam.Policy | undefined {
            if (!a.scheduledJobs || a.scheduledJobs.families.length === 0) return undefined;
            return new aws.iam.Policy(`${name}-sched-grant`, {
                description: `What EventBridge Scheduler may do with the scheduler roles of ${a.prefix}'s jobs`,
                policy: scopeWith("").apply((sc) => json(schedulerGrantPolicy(sc)!)),
            }, { parent: self });
        }

        function createRole(kind: "deploy" | "preview", subjects: string[]): aws.iam.Role {
            return new aws.iam.Role(`${name}-${kind}`, {
                description: `GitHub Actions ${kind} role for ${a.repository} (${a.prefix})`,
                assumeRolePolicy: providerArn.apply((arn) => json(githubTrustPolicy(arn, subjects))),
                maxSessionDuration: a.maxSessionDuration,
            }, parent);
        }

        function attach(id: string, role: aws.iam.Role, document: pulumi.Output<IamDocument>): void {
            const policy = new aws.iam.Policy(`${name}-${id}`, { policy: document.apply(json) }, parent);
            new aws.iam.RolePolicyAttachment(`${name}-${id}`, { role: role.name, policyArn: policy.arn }, parent);
        }

        function attachDeployPolicies(): void {
            const docs = scopeWith(boundary.arn, schedulerGrant?.arn).apply((s) => deployPolicies(s));
            attach("deploy-build", deployRole, docs.build);
            attach("deploy-network", deployRole, docs.network);
            attach("deploy-iam", deployRole, docs.iam);
            attach("deploy-edge", deployRole, docs.edge);
            // The task definitions' policies, as many as the families need (known before the account is).
            for (const key of taskDefinitionPolicyNames(a.taskDefinitionFamilies, a.region)) attach(`deploy-${key}`, deployRole, docs.apply((d) => d[key]));
        }
    }

    /**
     * Lets the deploy role pass exactly these roles, each only to its service
     * (`iam:PassedToService`). Creates `${name}-pass-${id}`, an inline policy on the deploy role.
     */
    public allowPassRole(id: string, grants: PassRoleGrant[]): aws.iam.RolePolicy {
        const name = this.trustName;
        if (grants.length === 0) {
            throw new pulumi.ResourceError(`allowPassRole("${id}"): grants must list at least one role, got none`, this);
        }
        const resolved = pulumi.all(grants.map((g) => pulumi.output(g.roleArn).apply((roleArn) => ({ roleArn, service: g.service }))));
        return new aws.iam.RolePolicy(`${name}-pass-${id}`, {
            role: this.deployRole.name,
            policy: resolved.apply((gs) => json(passRolePolicy(gs))),
        }, { parent: this });
    }
}

interface Normalized {
    prefix: string; repository: string; ownerId?: number; repositoryId?: number; deployBranches: string[]; deployEnvironments: string[];
    pullRequestPreview: boolean; oidcProviderArn?: string; retainProvider: boolean; maxSessionDuration: number;
    stateBucket?: string; stateKmsKeyArn?: string; stackTags: Record<string, string>;
    taskPermissions: aws.iam.PolicyStatement[]; region: string; project: string;
    secretArns: string[]; secretsKmsKeyArns: string[];
    domains: { name: string; zoneId: pulumi.Input<string>; createsCertificate?: boolean }[]; alarmEmails: string[]; alarmTopicArns: string[]; shiftsTraffic: boolean;
    taskDefinitionFamilies: string[]; passRoleKinds: PassRoleKind[]; imageRepositoryArns: string[];
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
function normalize(args: GithubOidcTrustArgs): Normalized {
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
        scheduledJobs: args.scheduledJobs,
        region: args.region,
        project: args.project ?? d.project,
    };
}

function json(document: IamDocument): string {
    return JSON.stringify(document);
}
