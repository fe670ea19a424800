// The review trust (components/trust/reviewTrust.ts, reviewPolicies.ts) as stack `review` plans it, attacked with the
// real IAM evaluator: who may assume the review role, and what it cannot reach: other stacks' state objects,
// secrets and roles, anything outside the review prefix and tag, and its own role, policies, boundary and provider.
import { strict as assert } from "assert";
import { REVIEW_PREFIX_PATTERN, REVIEW_TAG, reviewSubjects } from "../components/trust/reviewPolicies";
import { IamDocument, STACK_TAG, githubTrustPolicy } from "../components/trust/trustPolicies";
import { ACCOUNT, PROVIDER_ARN, assumeWithToken, decide } from "./support/iamSim";
import { applicableContext } from "./support/planIam";
import { ReviewTrustPlan, reviewPlan, reviewTrustOf } from "./support/reviewPlans";

const IDS = "repo:acme@1342004/shop@987654321";
const R = `arn:aws:iam::${ACCOUNT}`;
const PR = { [`aws:RequestTag/${STACK_TAG}`]: "pr-42", [`aws:RequestTag/${REVIEW_TAG}`]: "true", "aws:TagKeys": [STACK_TAG, REVIEW_TAG] };

let t: ReviewTrustPlan;
const as = async (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    decide(t.roleArn, t.deploy, { action, resource, context: await applicableContext(action, resource, context) });

before(async function () {
    this.timeout(120_000);
    t = reviewTrustOf(await reviewPlan("review"));
});

describe("review trust: who may assume the review role", () => {
    it("is the fixed role ecs-ship-review-deploy, federated to the configured provider only", () => {
        assert.equal(t.roleName, "ecs-ship-review-deploy");
        assert.equal(t.trust.Statement.length, 1);
        assert.deepEqual(t.trust.Statement[0].Principal, { Federated: PROVIDER_ARN });
        assert.deepEqual(t.trust.Statement[0].Condition, {
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": [`${IDS}:pull_request`, `${IDS}:environment:review-sweep`] },
        });
    });

    const cases: [string, string, string][] = [
        ["this repository's pull request (immutable subject)", `${IDS}:pull_request`, "Allowed"],
        // The scheduled sweep's job names the sweep environment (review-sweep.yml): its subject, and only this repository's.
        ["the sweep's environment", `${IDS}:environment:review-sweep`, "Allowed"],
        ["the sweep's environment in a fork", "repo:mallory@66/shop@77:environment:review-sweep", "ImplicitlyDenied"],
        ["the name-only subject, which a recycled name could present", "repo:acme/shop:pull_request", "ImplicitlyDenied"],
        ["a fork's pull request (another repository's subject)", "repo:mallory@66/shop@77:pull_request", "ImplicitlyDenied"],
        ["a push to main (what pull_request_target's base-branch run would present)", `${IDS}:ref:refs/heads/main`, "ImplicitlyDenied"],
        ["a pull request's merge ref", `${IDS}:ref:refs/pull/42/merge`, "ImplicitlyDenied"],
        ["the production environment", `${IDS}:environment:production`, "ImplicitlyDenied"],
        ["a pattern-looking subject", `${IDS}:*`, "ImplicitlyDenied"],
    ];
    for (const [what, sub, expected] of cases) {
        it(`${expected === "Allowed" ? "admits" : "refuses"} ${what}`, () => {
            assert.equal(assumeWithToken(t.trust, { sub, aud: "sts.amazonaws.com" }), expected);
        });
    }

    it("refuses a token for another audience", () => {
        assert.equal(assumeWithToken(t.trust, { sub: `${IDS}:pull_request`, aud: "https://github.com/acme" }), "ImplicitlyDenied");
    });

    it("with require: environment, trusts only that environment's subject, not the pull-request one", () => {
        const trust = githubTrustPolicy(PROVIDER_ARN, reviewSubjects({ repository: "acme/shop" }, { require: "environment", environment: "review" }));
        assert.equal(assumeWithToken(trust, { sub: "repo:acme/shop:environment:review", aud: "sts.amazonaws.com" }), "Allowed");
        assert.equal(assumeWithToken(trust, { sub: "repo:acme/shop:pull_request", aud: "sts.amazonaws.com" }), "ImplicitlyDenied");
        assert.equal(assumeWithToken(trust, { sub: "repo:acme/shop:environment:production", aud: "sts.amazonaws.com" }), "ImplicitlyDenied");
    });
});

describe("review role: what the teardown's check needs", () => {
    it("may list what AWS still holds under a tag (tag:GetResources, no resource type), and nothing it could change with it", async () => {
        // GIVEN the review role  WHEN the teardown asks the tagging API what is left of pr-42
        assert.equal(await as("tag:GetResources", "*"), "Allowed");
        // THEN it lists; tagging or untagging through the same API stays refused
        assert.equal(await as("tag:TagResources", "*"), "ImplicitlyDenied");
        assert.equal(await as("tag:UntagResources", "*"), "ImplicitlyDenied");
    });
});

describe("review role: no other stack's state objects, secrets or roles", function () {
    this.timeout(120_000);
    const bucket = "arn:aws:s3:::acme-pulumi-state";
    for (const [key, expected] of [
        [".pulumi/stacks/ecs-ship/pr-42.json", "Allowed"], [".pulumi/history/ecs-ship/pr-42/pr-42-1733400000.history.json", "Allowed"],
        [".pulumi/stacks/ecs-ship/prod.json", "ImplicitlyDenied"], [".pulumi/stacks/ecs-ship/dev.json", "ImplicitlyDenied"],
        [".pulumi/stacks/ecs-ship/review.json", "ImplicitlyDenied"], [".pulumi/history/ecs-ship/prod/prod-1733400000.history.json", "ImplicitlyDenied"],
        [".pulumi/locks/ecs-ship/prod/0a1b2c.json", "ImplicitlyDenied"], [".pulumi/backups/ecs-ship/dev/dev.1733400000.json", "ImplicitlyDenied"],
        [".pulumi/stacks/ecs-ship/preview.json", "ImplicitlyDenied"],
    ] as const) {
        it(`${expected === "Allowed" ? "reads and writes" : "cannot read or write"} ${key}`, async () => {
            for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) assert.equal(await as(action, `${bucket}/${key}`), expected, action);
        });
    }

    it("reads the backend's meta.yaml, every stack's, and never writes or deletes it", async () => {
        assert.equal(await as("s3:GetObject", `${bucket}/.pulumi/meta.yaml`), "Allowed");
        assert.equal(await as("s3:PutObject", `${bucket}/.pulumi/meta.yaml`), "ImplicitlyDenied");
        assert.equal(await as("s3:DeleteObject", `${bucket}/.pulumi/meta.yaml`), "ImplicitlyDenied");
    });

    it("reads no secret or parameter at all", async () => {
        assert.equal(await as("secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-AbCdEf`), "ImplicitlyDenied");
        assert.equal(await as("ssm:GetParameters", `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/prod/api-key`), "ImplicitlyDenied");
    });

    it("cannot pass, change or assume another stack's roles", async () => {
        const prodExec = `${R}:role/ecs-ship-prod-web-exec-1a2b3c4`;
        assert.equal(await as("iam:PassRole", prodExec, { "iam:PassedToService": "ecs-tasks.amazonaws.com", [`aws:ResourceTag/${STACK_TAG}`]: "prod" }), "ExplicitlyDenied");
        assert.equal(await as("iam:PassRole", prodExec, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }), "ImplicitlyDenied");
        const prodDeploy = `${R}:role/ecs-ship-prod-github-deploy-1a2b3c4`;
        for (const action of ["iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRole"]) {
            assert.notEqual(await as(action, prodDeploy, { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" }), "Allowed", action);
        }
        assert.equal(await as("sts:AssumeRole", prodDeploy), "ExplicitlyDenied");
    });
});

describe("review role: cannot raise its own limits", function () {
    this.timeout(120_000);
    it("cannot change its role, policies, boundary or provider", async () => {
        const admin = { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess", "iam:PermissionsBoundary": t.boundaryArn };
        for (const action of ["iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", "iam:TagRole", "iam:UpdateRole", "iam:DeleteRole"]) {
            assert.equal(await as(action, t.roleArn, admin), "ExplicitlyDenied", action);
        }
        for (const policy of [t.boundaryArn, `${R}:policy/ecs-ship-review-github-deploy-iam-1a2b3c4`]) {
            for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"]) assert.equal(await as(action, policy), "ExplicitlyDenied", `${action} ${policy}`);
        }
        for (const action of ["iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider"]) {
            assert.equal(await as(action, PROVIDER_ARN), "ExplicitlyDenied", action);
        }
    });

    it("cannot create a role without the review boundary, or with another", async () => {
        const role = `${R}:role/ecs-ship-pr-42-web-exec-1a2b3c4`;
        assert.equal(await as("iam:CreateRole", role, { ...PR, "iam:PermissionsBoundary": t.boundaryArn }), "Allowed");
        assert.equal(await as("iam:CreateRole", role, PR), "ImplicitlyDenied");
        assert.equal(await as("iam:CreateRole", role, { ...PR, "iam:PermissionsBoundary": `${R}:policy/ecs-ship-prod-github-boundary-1a2b3c4` }), "ImplicitlyDenied");
        assert.equal(await as("iam:CreateRole", role, { ...PR, "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" }), "ImplicitlyDenied");
    });
});

describe("review role: creates nothing outside the review prefix and tag", function () {
    this.timeout(120_000);
    const ecr = (name: string) => `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${name}`;
    const tags = (stack: string, review?: string) => ({
        [`aws:RequestTag/${STACK_TAG}`]: stack, ...(review ? { [`aws:RequestTag/${REVIEW_TAG}`]: review } : {}),
        "aws:TagKeys": [STACK_TAG, ...(review ? [REVIEW_TAG] : [])],
    });

    it("a repository only under ecs-ship-pr-, tagged for a pr stack and as a review", async () => {
        assert.equal(await as("ecr:CreateRepository", ecr("ecs-ship-pr-42-web"), tags("pr-42", "true")), "Allowed");
        assert.equal(await as("ecr:CreateRepository", ecr("ecs-ship-pr-42-web"), tags("pr-42")), "ImplicitlyDenied");
        assert.equal(await as("ecr:CreateRepository", ecr("ecs-ship-pr-42-web"), tags("pr-42", "false")), "ImplicitlyDenied");
        assert.equal(await as("ecr:CreateRepository", ecr("ecs-ship-pr-42-web"), tags("prod", "true")), "ExplicitlyDenied");
        // ecs-ship-pr-* does not match ecs-ship-prod-…: the hyphen after pr is literal.
        assert.equal(await as("ecr:CreateRepository", ecr("ecs-ship-prod-web"), tags("pr-42", "true")), "ImplicitlyDenied");
        assert.equal(await as("ecr:CreateRepository", ecr("ecs-ship-review-web"), tags("pr-42", "true")), "ImplicitlyDenied");
    });

    it("a load balancer only tagged for a pr stack and as a review (its name cannot carry the prefix)", async () => {
        const lb = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/pr-42-web-1a2b3c-alb/0123456789abcdef`;
        assert.equal(await as("elasticloadbalancing:CreateLoadBalancer", lb, tags("pr-42", "true")), "Allowed");
        assert.equal(await as("elasticloadbalancing:CreateLoadBalancer", lb, tags("prx", "true")), "ExplicitlyDenied");
        assert.equal(await as("elasticloadbalancing:CreateLoadBalancer", lb, tags("prod", "true")), "ExplicitlyDenied");
        assert.equal(await as("elasticloadbalancing:CreateLoadBalancer", lb, tags("pr-42")), "ImplicitlyDenied");
        assert.equal(await as("elasticloadbalancing:CreateLoadBalancer", lb), "ImplicitlyDenied");
    });

    it("roles, clusters and log groups only under ecs-ship-pr-", async () => {
        const bound = { ...PR, "iam:PermissionsBoundary": t.boundaryArn };
        assert.equal(await as("iam:CreateRole", `${R}:role/ecs-ship-prod-web-exec-1a2b3c4`, bound), "ImplicitlyDenied");
        assert.equal(await as("iam:CreateRole", `${R}:role/ecs-ship-review-x-exec-1a2b3c4`, bound), "ExplicitlyDenied");
        assert.equal(await as("iam:CreateRole", `${R}:role/ecs-ship-pr-42-web-admin-1a2b3c4`, bound), "ImplicitlyDenied");
        assert.equal(await as("ecs:CreateCluster", `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/ecs-ship-prod-cluster-1a2b3c4`, tags("pr-42", "true")), "ImplicitlyDenied");
        assert.equal(await as("ecs:CreateCluster", `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/ecs-ship-pr-42-cluster-1a2b3c4`, tags("pr-42", "true")), "Allowed");
        assert.equal(await as("logs:CreateLogGroup", `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:ecs-ship-prod-web-logs-1a2b3c4`), "ImplicitlyDenied");
        assert.equal(await as("logs:CreateLogGroup", `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:ecs-ship-pr-42-web-logs-1a2b3c4`), "Allowed");
    });

    it("moves rules only on a review stack's shared load balancer (SetRulePriorities takes no tag condition)", async () => {
        const rule = (lb: string) => `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener-rule/app/${lb}-1a2b3c4/0123456789abcdef/0123456789abcdef/0123456789abcdef`;
        assert.equal(await as("elasticloadbalancing:SetRulePriorities", rule("pr-42-shared-c618ba-alb")), "Allowed");
        assert.equal(await as("elasticloadbalancing:SetRulePriorities", rule("ecs-ship-pr-1-shared-alb")), "Allowed");
        assert.equal(await as("elasticloadbalancing:SetRulePriorities", rule("ecs-ship-prod-shared-alb")), "ImplicitlyDenied");
        assert.equal(await as("elasticloadbalancing:SetRulePriorities", rule("staging-eu-ce-1a2b3c-alb")), "ImplicitlyDenied");
    });

    it("names no resource by a prefix that another stack's names could match", () => {
        // Every `ecs-ship-…` name pattern in the review role's documents starts with ecs-ship-pr- or ecs-ship-review-.
        const names = JSON.stringify(Object.values(t.deploy)).match(/ecs-ship-[a-z0-9?*-]*/g) ?? [];
        assert.ok(names.length > 10);
        assert.deepEqual(names.filter((n) => !n.startsWith(`${REVIEW_PREFIX_PATTERN}-`) && !n.startsWith("ecs-ship-pr-?-") && !n.startsWith("ecs-ship-review-")), []);
        const like = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
        for (const n of names) for (const other of ["ecs-ship-prod-web", "ecs-ship-preview-web", "ecs-ship-prx-web", "ecs-ship-review-boundary"]) {
            if (!n.startsWith("ecs-ship-review-")) assert.ok(!like(n).test(other), `${n} matches ${other}`);
        }
    });
});

describe("review boundary: what a pull request's app can do with its roles", function () {
    this.timeout(120_000);
    // The worst a pull request could give its task: everything. The boundary is what stops it.
    const everything: Record<string, IamDocument> = { app: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } };
    const role = `${R}:role/ecs-ship-pr-42-web-exec-1a2b3c4`;
    const asApp = async (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
        decide(role, everything, { action, resource, context: await applicableContext(action, resource, context) }, t.boundary);

    it("pulls only review repositories, reads no secret, touches no IAM or STS", async () => {
        assert.equal(await asApp("ecr:BatchGetImage", `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/ecs-ship-pr-42-web`), "Allowed");
        assert.equal(await asApp("ecr:BatchGetImage", `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/ecs-ship-prod-web`), "ImplicitlyDenied");
        assert.equal(await asApp("secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-AbCdEf`), "ImplicitlyDenied");
        assert.equal(await asApp("iam:CreateRole", `${R}:role/anything`), "ExplicitlyDenied");
        assert.equal(await asApp("sts:AssumeRole", `${R}:role/ecs-ship-prod-github-deploy-1a2b3c4`), "ExplicitlyDenied");
    });

    it("cannot write the stack or review tag, which the review role's scoping trusts", async () => {
        const sg = `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0123456789abcdef0`;
        for (const key of [STACK_TAG, REVIEW_TAG]) {
            assert.equal(await asApp("ec2:CreateTags", sg, { "aws:TagKeys": [key], [`aws:RequestTag/${key}`]: "x", "ec2:CreateAction": "CreateSecurityGroup" }), "ExplicitlyDenied", key);
        }
    });
});
