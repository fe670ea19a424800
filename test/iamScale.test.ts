// The trust's IAM documents at scale: a hundred services fit every IAM quota with room to spare, because
// nothing in the deploy role grows per service but the task-definition families, which are split over as
// many managed policies as they need. Pure documents; the hundred-services scenario plans the same through
// index.ts, and `npm run bench -- --only iam` prints the sizes for 10, 50 and 100 services.
import { strict as assert } from "assert";
import { IAM_QUOTAS, policySize } from "../components/limits/limits";
import { StackScope, deployPolicies, permissionsBoundary, taskDefinitionPolicies, taskDefinitionPolicyNames } from "../components/trust/trustPolicies";
import { ACCOUNT, PROVIDER_ARN } from "./support/iamSim";

/** A stack named with the longest name config accepts (30 characters) and `n` services of the longest names (63). */
function scope(n: number, stack = "s".repeat(30)): StackScope {
    const prefix = `ecs-ship-${stack}`;
    return {
        partition: "aws", accountId: ACCOUNT, region: "ap-southeast-2", stack, prefix, trustName: `${prefix}-github`, project: "ecs-ship",
        providerArn: PROVIDER_ARN, boundaryArn: `arn:aws:iam::${ACCOUNT}:policy/${prefix}-github-boundary-1a2b3c4`,
        taskDefinitionFamilies: Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}${"x".repeat(60)}`),
        passRoleKinds: ["exec", "task", "infra"],
    };
}

describe("IAM at scale: a hundred services within every IAM quota", () => {
    it("splits a hundred of the longest families over managed policies that each keep a fifth of the quota free", () => {
        // GIVEN 100 families of 102 characters  WHEN the task-definition policies are built
        const s = scope(100);
        const docs = taskDefinitionPolicies(s);
        // THEN each is at most 80% of 6,144, their names are the ones the trust attaches, and every family is in exactly one
        const sizes = Object.values(docs).map(policySize);
        console.log(`      iam scale: ${sizes.length} task-definition policies of ${sizes.join(", ")} characters`);
        assert.ok(sizes.every((n) => n <= IAM_QUOTAS.managedPolicySize * 0.8), sizes.join(", "));
        assert.deepEqual(Object.keys(docs), taskDefinitionPolicyNames(s.taskDefinitionFamilies!, s.region));
        const named = Object.values(docs).flatMap((d) => [d.Statement[0].Resource].flat());
        assert.equal(new Set(named).size, 100);
        assert.equal(named.length, 100);
    });

    it("keeps the deploy role at 8 or fewer of its 10 managed policies, and with no inline policy at all", () => {
        // GIVEN the longest names and 100 services  WHEN every deploy policy is built
        const docs = deployPolicies(scope(100));
        // THEN build, network, iam, edge and the task policies are few enough to leave two slots free, each within 6,144
        console.log(`      iam scale: deploy role ${Object.keys(docs).length} managed policies: ${Object.entries(docs).map(([k, d]) => `${k} ${policySize(d)}`).join(", ")}`);
        assert.ok(Object.keys(docs).length <= IAM_QUOTAS.managedPoliciesPerRole - 2, Object.keys(docs).join(", "));
        for (const [k, d] of Object.entries(docs)) assert.ok(policySize(d) <= IAM_QUOTAS.managedPolicySize, `${k} is ${policySize(d)}`);
        // AND passing the services' roles takes one statement per kind, whatever the count
        const pass = docs.iam.Statement.filter((st) => st.Action === "iam:PassRole");
        assert.deepEqual(pass.map((st) => st.Sid), ["PassToEcsTasks", "PassToEcs"]);
    });

    it("grows the deploy role's documents only by the families: 10 and 100 services differ in nothing else", () => {
        // GIVEN 10 and 100 services  WHEN their deploy policies are built  THEN all but the task policies are the same
        const ten = deployPolicies(scope(10));
        const hundred = deployPolicies(scope(100));
        for (const k of ["build", "network", "iam", "edge"]) assert.deepEqual(hundred[k], ten[k], k);
    });

    it("keeps the boundary the same size for any number of services without secrets or task permissions", () => {
        // GIVEN the boundary of 10 and of 100 services  THEN it is one document, of the same size, within 6,144
        assert.equal(policySize(permissionsBoundary(scope(100))), policySize(permissionsBoundary(scope(10))));
        assert.ok(policySize(permissionsBoundary(scope(100))) <= IAM_QUOTAS.managedPolicySize);
    });

    it("gives a stack with no Fargate service no task-definition policy", () => {
        assert.deepEqual(taskDefinitionPolicies(scope(0)), {});
        assert.deepEqual(Object.keys(deployPolicies(scope(0))), ["build", "network", "iam", "edge"]);
    });
});
