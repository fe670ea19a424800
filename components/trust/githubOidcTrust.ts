// GithubOidcTrust: keyless GitHub Actions → AWS trust for one stack.
//
// Creates (or reuses) GitHub's IAM OIDC provider, a deploy role trusted only for exact
// branch/environment subjects, an optional read-only preview role for pull requests, and
// the permissions boundaries every role the stack creates must carry (the stack's, and with an Express
// service the infrastructure boundary its infrastructure roles carry). The documents come
// from components/trust/trustPolicies.ts (pure, evaluated by test/trustSecurity.test.ts).
//
// The deploy role cannot change this component's roles, policies, boundary or provider, so
// changes to the trust are applied by an admin running `pulumi up` locally.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PassRoleGrant } from "../service/serviceArgs";
import {
    GITHUB_OIDC_URL, IamDocument, IamStatement, STACK_TAG, STS_AUDIENCE, StackScope, deployPolicies, deploySubjects,
    githubTrustPolicy, infrastructureBoundary, passRolePolicy, permissionsBoundary, previewPolicy, pullRequestSubject,
    taskDefinitionPolicyNames, trustArgsProblems,
} from "./trustPolicies";
import { schedulerGrantPolicy } from "./schedulerPolicies";
import { GithubOidcTrustArgs, GithubOidcTrustArgsError, normalizeTrustArgs } from "./githubOidcTrustArgs";

export { GITHUB_OIDC_TRUST_DEFAULTS, GithubOidcTrustArgsError } from "./githubOidcTrustArgs";
export type { GithubOidcTrustArgs } from "./githubOidcTrustArgs";

export const GITHUB_OIDC_TRUST_TYPE = "ecs-ship:index:GithubOidcTrust";

/** Keyless GitHub Actions trust: OIDC provider, deploy role, preview role and permissions boundary. */
export class GithubOidcTrust extends pulumi.ComponentResource {
    public readonly providerArn: pulumi.Output<string>;
    public readonly deployRoleArn: pulumi.Output<string>;
    public readonly deployRoleName: pulumi.Output<string>;
    /** Undefined when `pullRequestPreview` is false. */
    public readonly previewRoleArn: pulumi.Output<string> | undefined;
    /** Every role the stack creates must set `permissionsBoundary` to this, but Express's infrastructure roles. */
    public readonly permissionsBoundaryArn: pulumi.Output<string>;
    /**
     * The boundary Express's infrastructure roles carry: the ceiling of AWS's Express infrastructure policy,
     * kept out of the stack's boundary so that one keeps its 6,144 characters for secrets and task statements.
     * Undefined without `separateInfrastructureBoundary`, or when `passRoleKinds` has no `infra` (no Express service).
     */
    public readonly infrastructureBoundaryArn: pulumi.Output<string> | undefined;
    /** The scheduler grant policy every scheduled job's scheduler role is attached to; undefined without `scheduledJobs`. */
    public readonly schedulerPolicyArn: pulumi.Output<string> | undefined;

    private readonly deployRole: aws.iam.Role;
    private readonly trustName: string;

    constructor(name: string, args: GithubOidcTrustArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate first: invalid arguments register nothing.
        const a = normalizeTrustArgs(args);
        const problems = trustArgsProblems({ ...a, retainProvider: args.retainProvider });
        if (problems.length > 0) throw new GithubOidcTrustArgsError(name, problems);
        super(GITHUB_OIDC_TRUST_TYPE, name, {}, opts);

        const parent = { parent: this };
        const identity = aws.getCallerIdentityOutput({}, parent);
        const partition = aws.getPartitionOutput({}, parent);
        const stack = a.stackTags[STACK_TAG];

        const infraBoundaryNeeded = a.separateInfrastructureBoundary && a.passRoleKinds.includes("infra");
        const providerArn = createProvider(this);
        const boundary = createBoundary(this);
        const infraBoundary = createInfrastructureBoundary(this);
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
        this.infrastructureBoundaryArn = infraBoundary?.arn;
        this.schedulerPolicyArn = schedulerGrant?.arn;
        this.registerOutputs({
            providerArn: this.providerArn,
            deployRoleArn: this.deployRoleArn,
            deployRoleName: this.deployRoleName,
            previewRoleArn: this.previewRoleArn,
            permissionsBoundaryArn: this.permissionsBoundaryArn,
            infrastructureBoundaryArn: this.infrastructureBoundaryArn,
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

        function scopeWith(boundaryArn: pulumi.Input<string>, schedulerGrantArn?: pulumi.Input<string>, infraBoundaryArn?: pulumi.Input<string>): pulumi.Output<StackScope> {
            const zoneIds = pulumi.all(a.domains.map((d) => d.zoneId));
            return pulumi.all([identity.accountId, partition.partition, providerArn, boundaryArn, zoneIds, schedulerGrantArn, infraBoundaryArn]).apply(([accountId, p, prov, b, zones, grant, infra]) => ({
                schedulerGrantArn: grant, infrastructureBoundaryArn: infra, separateInfrastructureBoundary: infraBoundaryNeeded,
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

        /** Only when asked, and with an Express service (the `infra` role kind): no other role carries it. */
        function createInfrastructureBoundary(self: GithubOidcTrust): aws.iam.Policy | undefined {
            if (!infraBoundaryNeeded) return undefined;
            return new aws.iam.Policy(`${name}-infra-boundary`, {
                description: `Permissions boundary for the Express infrastructure roles ${a.prefix} creates`,
                policy: scopeWith("").apply((s) => json(infrastructureBoundary(s))),
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
            const docs = scopeWith(boundary.arn, schedulerGrant?.arn, infraBoundary?.arn).apply((s) => deployPolicies(s));
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

function json(document: IamDocument): string {
    return JSON.stringify(document);
}
