// The cross-account pull of one build, promoted, evaluated by the real IAM evaluator: staging's
// repository policy (from staging's plan) and prod's roles (from prod's plan, with the digest staging
// deployed), prod in its own account. A cross-account request is allowed only when the caller's own
// policies (under its boundary) and the resource's policy both allow it (IAM User Guide, "Cross-account
// policy evaluation logic").
import { strict as assert } from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { IamDocument } from "../components/trust/trustPolicies";
import { Plan } from "../tools/planner/planner";
import { PROD_ACCOUNT, planPromotion } from "./support/promotion";
import { PlanIam, planIam } from "./support/planIam";

const STAGING_ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "999988887777";
const REGION = "eu-west-1";
const repo = (service: string) => `arn:aws:ecr:${REGION}:${STAGING_ACCOUNT}:repository/ecs-ship-staging-${service}`;
// AmazonECSTaskExecutionRolePolicy: ECR pulls and log writes on "*". Source: Amazon ECS Developer Guide,
// "Amazon ECS task execution IAM role" (the policy's document).
const EXECUTION_POLICY: IamDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }] };

interface Caller { arn: string; policies: Record<string, IamDocument>; boundary?: IamDocument }

async function decide(caller: Caller, action: string, resource: string, resourcePolicy: unknown): Promise<string> {
    const result = await runSimulation({
        // AWS puts the caller's ARN in aws:PrincipalArn on every request; for a role session it is the role's
        // ARN (IAM User Guide, "AWS global condition context keys", aws:PrincipalArn). The evaluator takes it as given.
        request: { principal: caller.arn, action, resource: { resource, accountId: STAGING_ACCOUNT }, contextVariables: { "aws:PrincipalArn": caller.arn } },
        identityPolicies: Object.entries(caller.policies).map(([name, policy]) => ({ name, policy })),
        permissionBoundaryPolicies: caller.boundary ? [{ name: "boundary", policy: caller.boundary }] : undefined,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy,
    } as any, {});
    if (result.resultType === "error") assert.fail(`simulation error for ${action}: ${JSON.stringify(result.errors)}`);
    return result.overallResult;
}

/** A role of `p`'s plan, by the end of its logical name, as it is named in `account`. */
function roleArn(p: Plan, suffix: string, account: string): string {
    const role = p.resources.find((r) => r.type === "aws:iam/role:Role" && r.name.endsWith(suffix));
    assert.ok(role, `${p.stack}: no role ending ${suffix}`);
    return String(role!.state.arn).replace(`:${STAGING_ACCOUNT}:`, `:${account}:`);
}

describe("promotion IAM: prod's execution roles pull from staging's repositories across accounts", function () {
    this.timeout(240_000);
    let staging: Plan;
    let prod: Plan;
    let prodIam: PlanIam;
    let stagingIam: PlanIam;
    let policyOf: (service: string) => unknown;
    before(async () => {
        ({ staging, prod } = await planPromotion());
        prodIam = planIam(prod);
        stagingIam = planIam(staging);
        policyOf = (service) => JSON.parse(staging.resources.find((r) => r.type === "aws:ecr/repositoryPolicy:RepositoryPolicy" && r.inputs.repository === `ecs-ship-staging-${service}`)!.inputs.policy);
    });
    const execOf = (service: string, account = PROD_ACCOUNT): Caller => ({ arn: roleArn(prod, `-prod-${service}-exec`, account), policies: { execution: EXECUTION_POLICY }, boundary: prodIam.boundary });

    it("allows prod's execution role of each service every pull call on that service's staging repository", async () => {
        for (const service of ["web", "admin"]) {
            for (const action of ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]) {
                assert.equal(await decide(execOf(service), action, repo(service), policyOf(service)), "Allowed", `${service} ${action}`);
            }
        }
    });

    it("denies the same role a repository of another service, and another service's role this one", async () => {
        assert.equal(await decide(execOf("web"), "ecr:BatchGetImage", repo("admin"), policyOf("admin")), "ImplicitlyDenied");
        assert.equal(await decide(execOf("admin"), "ecr:BatchGetImage", repo("web"), policyOf("web")), "ImplicitlyDenied");
    });

    it("denies a role of the same name in an account promoteTo does not name", async () => {
        assert.equal(await decide(execOf("web", OTHER_ACCOUNT), "ecr:BatchGetImage", repo("web"), policyOf("web")), "ImplicitlyDenied");
    });

    it("denies prod's other roles, even with every permission of their own", async () => {
        const allowAll: IamDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
        for (const arn of [prodIam.deployRoleArn, prodIam.previewRoleArn, roleArn(prod, "-prod-admin-infra", PROD_ACCOUNT)]) {
            const caller = { arn: arn.replace(`:${STAGING_ACCOUNT}:`, `:${PROD_ACCOUNT}:`), policies: { all: allowAll } };
            assert.equal(await decide(caller, "ecr:BatchGetImage", repo("web"), policyOf("web")), "ImplicitlyDenied", arn);
        }
        // and an account's root user of prod, which the Principal names, but whose ARN is no execution role
        assert.equal(await decide({ arn: `arn:aws:iam::${PROD_ACCOUNT}:root`, policies: { all: allowAll } }, "ecr:BatchGetImage", repo("web"), policyOf("web")), "ImplicitlyDenied");
    });

    it("denies prod's deploy role every push call on staging's repository", async () => {
        const deploy = { arn: prodIam.deployRoleArn.replace(`:${STAGING_ACCOUNT}:`, `:${PROD_ACCOUNT}:`), policies: prodIam.deploy };
        for (const action of ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:BatchDeleteImage", "ecr:SetRepositoryPolicy", "ecr:PutLifecyclePolicy"]) {
            assert.equal(await decide(deploy, action, repo("web"), policyOf("web")), "ImplicitlyDenied", action);
        }
    });

    it("lets staging's deploy role write prod's protected tag (BatchGetImage, PutImage), but not the pull grant", async () => {
        // The protect job retags with staging's own deploy role (tools/operate/promote.ts): same account, its own policies.
        const deploy = { arn: stagingIam.deployRoleArn, policies: stagingIam.deploy };
        for (const action of ["ecr:BatchGetImage", "ecr:PutImage", "ecr:DescribeImages"]) {
            assert.equal(await decide(deploy, action, repo("web"), policyOf("web")), "Allowed", action);
        }
        // The grant to another account is the administrator's, as the trust is.
        assert.equal(await decide(deploy, "ecr:SetRepositoryPolicy", repo("web"), policyOf("web")), "ImplicitlyDenied");
        assert.equal(await decide(deploy, "ecr:DeleteRepositoryPolicy", repo("web"), policyOf("web")), "Allowed");
    });
});
