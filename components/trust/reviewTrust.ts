// ReviewTrust: the review environments' own trust (issue 30), created by an administrator running
// `pulumi up` on stack `review` (the template) once, and after trust changes. It is all that stack creates:
// GitHub's OIDC provider (or the account's existing one), the review deploy role `ecs-ship-review-deploy`,
// trusted only for this repository's pull-request subject (or its review environment's), its policies, and
// the review permissions boundary `ecs-ship-review-boundary` every role of a `pr-<n>` stack carries.
// The documents come from reviewPolicies.ts (pure, evaluated by test/reviewIam.test.ts).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { GITHUB_OIDC_HOST, GITHUB_OIDC_URL, IamDocument, PassRoleKind, STS_AUDIENCE, StackScope, githubTrustPolicy } from "./trustPolicies";
import {
    REVIEW_BOUNDARY_NAME, REVIEW_DEPLOY_ROLE_NAME, ReviewGate, reviewBoundaryArn, reviewDeployPolicies, reviewDeployRoleArn,
    reviewPermissionsBoundary, reviewScope, reviewSubjects,
} from "./reviewPolicies";

export const REVIEW_TRUST_TYPE = "ecs-ship:index:ReviewTrust";

export interface ReviewTrustArgs {
    /** The one GitHub repository whose pull requests may deploy review stacks, as "owner/name". */
    repository: string;
    /** With `repositoryId`: trust only GitHub's immutable subject form (trustPolicies.ts, subjectRepository). */
    ownerId?: number;
    repositoryId?: number;
    /** What a pull request needs before it deploys; `environment` narrows the trust to that environment's subject. */
    gate: ReviewGate;
    /** Reuse the account's GitHub OIDC provider (one per account) instead of creating one. */
    oidcProviderArn?: string;
    /** Keep a created provider on destroy. @default false */
    retainProvider?: boolean;
    /** Longest review deploy session, in seconds. @default 3600 */
    maxSessionDuration?: number;
    region: string;
    /** S3 bucket of the Pulumi state: the role reads and writes the `pr-*` stacks' objects only. */
    stateBucket?: string;
    stateKmsKeyArn?: string;
    /** The kinds of service role review stacks pass (the template's services: exec, task, infra, lb). */
    passRoleKinds: PassRoleKind[];
    /** A template service shifts traffic (canary, linear, blue/green): the boundary admits its load-balancer role. */
    shiftsTraffic?: boolean;
    /** ECR repositories of the template's prebuilt images. */
    imageRepositoryArns?: string[];
    alarmEmails?: string[];
    alarmTopicArns?: string[];
    /** @default "ecs-ship" */
    project?: string;
}

/** What a stack's program reads of its trust, whichever trust it is. */
export interface TrustOutputs {
    providerArn: pulumi.Output<string>;
    deployRoleArn: pulumi.Output<string>;
    previewRoleArn: pulumi.Output<string> | undefined;
    permissionsBoundaryArn: pulumi.Output<string>;
    /** The Express infrastructure roles' boundary; undefined where `permissionsBoundaryArn` holds that ceiling too (review). */
    infrastructureBoundaryArn?: pulumi.Output<string>;
    schedulerPolicyArn: pulumi.Output<string> | undefined;
}

export class ReviewTrust extends pulumi.ComponentResource implements TrustOutputs {
    public readonly providerArn: pulumi.Output<string>;
    public readonly deployRoleArn: pulumi.Output<string>;
    public readonly deployRoleName: pulumi.Output<string>;
    public readonly previewRoleArn = undefined;
    public readonly permissionsBoundaryArn: pulumi.Output<string>;
    public readonly schedulerPolicyArn = undefined;

    constructor(name: string, args: ReviewTrustArgs, opts?: pulumi.ComponentResourceOptions) {
        // Subjects first: a gate without its environment registers nothing.
        const subjects = reviewSubjects({ repository: args.repository, ownerId: args.ownerId, repositoryId: args.repositoryId }, args.gate);
        super(REVIEW_TRUST_TYPE, name, {}, opts);
        const parent = { parent: this };
        const identity = aws.getCallerIdentityOutput({}, parent);
        const partition = aws.getPartitionOutput({}, parent);

        this.providerArn = args.oidcProviderArn
            ? pulumi.output(args.oidcProviderArn)
            // No thumbprint: IAM trusts GitHub's certificate through its own root CAs (as githubOidcTrust.ts).
            : new aws.iam.OpenIdConnectProvider(`${name}-provider`, { url: GITHUB_OIDC_URL, clientIdLists: [STS_AUDIENCE] },
                { parent: this, retainOnDelete: args.retainProvider || undefined }).arn;

        const scope = (boundaryArn: pulumi.Input<string>): pulumi.Output<StackScope> =>
            pulumi.all([identity.accountId, partition.partition, this.providerArn, boundaryArn]).apply(([accountId, p, providerArn, b]) => reviewScope({
                partition: p, accountId, region: args.region, project: args.project ?? "ecs-ship", providerArn, boundaryArn: b,
                stateBucket: args.stateBucket, stateKmsKeyArn: args.stateKmsKeyArn, passRoleKinds: args.passRoleKinds,
                shiftsTraffic: args.shiftsTraffic, imageRepositoryArns: args.imageRepositoryArns,
                alarmEmails: args.alarmEmails, alarmTopicArns: args.alarmTopicArns,
            }));

        // Fixed names: every pr-<n> stack names the boundary, and the review workflow the role, without reading this stack.
        const boundary = new aws.iam.Policy(`${name}-boundary`, {
            name: REVIEW_BOUNDARY_NAME,
            description: "Permissions boundary for every role a review stack (ecs-ship-pr-*) creates",
            policy: scope("").apply((s) => json(reviewPermissionsBoundary(s))),
        }, parent);
        const role = new aws.iam.Role(`${name}-deploy`, {
            name: REVIEW_DEPLOY_ROLE_NAME,
            description: `GitHub Actions review deploy role for ${args.repository}'s pull requests (ecs-ship-pr-*)`,
            assumeRolePolicy: this.providerArn.apply((arn) => json(githubTrustPolicy(arn, subjects))),
            maxSessionDuration: args.maxSessionDuration ?? 3600,
        }, parent);
        const docs = scope(boundary.arn).apply(reviewDeployPolicies);
        // The same policy split as a stack's deploy role (stackPolicies.ts deployPolicies): build, network, iam, edge, tasks.
        for (const key of ["build", "network", "iam", "edge", "tasks"]) {
            const policy = new aws.iam.Policy(`${name}-deploy-${key}`, { policy: docs.apply((d) => json(d[key])) }, parent);
            new aws.iam.RolePolicyAttachment(`${name}-deploy-${key}`, { role: role.name, policyArn: policy.arn }, parent);
        }

        this.deployRoleArn = role.arn;
        this.deployRoleName = role.name;
        this.permissionsBoundaryArn = boundary.arn;
        this.registerOutputs({ providerArn: this.providerArn, deployRoleArn: this.deployRoleArn, permissionsBoundaryArn: this.permissionsBoundaryArn });
    }
}

/**
 * A review instance's view of the review trust, which stack `review` created: the same ARNs, derived from
 * the account and the fixed names, with no resource of its own (a `pr-<n>` stack creates no trust).
 */
export function reviewInstanceTrust(opts: pulumi.InvokeOptions): TrustOutputs {
    const identity = aws.getCallerIdentityOutput({}, opts);
    const partition = aws.getPartitionOutput({}, opts);
    const arn = (f: (p: string, a: string) => string) => pulumi.all([partition.partition, identity.accountId]).apply(([p, a]) => f(p, a));
    return {
        // GitHub's provider has one ARN per account: arn:<partition>:iam::<account>:oidc-provider/<host>
        // (IAM User Guide, "Create an OpenID Connect (OIDC) identity provider in IAM").
        providerArn: arn((p, a) => `arn:${p}:iam::${a}:oidc-provider/${GITHUB_OIDC_HOST}`),
        deployRoleArn: arn(reviewDeployRoleArn),
        previewRoleArn: undefined,
        permissionsBoundaryArn: arn(reviewBoundaryArn),
        schedulerPolicyArn: undefined,
    };
}

function json(document: IamDocument): string {
    return JSON.stringify(document);
}
