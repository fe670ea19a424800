// The Express infrastructure role under the permissions boundary: every statement of AWS's managed policy
// AmazonECSInfrastructureRoleforExpressGatewayServices (the copy in components/managed/), replayed action by
// action, resource by resource, with the condition keys and values that statement uses, through the real
// evaluator. A new version of the policy stored there shows up here as a failing diff.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { allowedContextKeysForRequest } from "@cloud-copilot/iam-simulate";
import { IamDocument, IamStatement } from "../components/trust/trustPolicies";
import { EXPRESS_INFRASTRUCTURE_POLICY_ARN } from "../components/express/expressService";
import { plan } from "../tools/planner/planner";
import { ACCOUNT, decideTyped } from "./support/iamSim";
import { PlanIam, applicableContext, planIam } from "./support/planIam";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const FILE = path.join(__dirname, "..", "components", "managed", "AmazonECSInfrastructureRoleforExpressGatewayServices.json");
const COPY = JSON.parse(fs.readFileSync(FILE, "utf8")) as { PolicyName: string; Arn: string; VersionId: string; Source: string; Document: IamDocument };

/**
 * Actions of a statement that it can never grant, with the reason. Everything else is replayed: each action
 * on each of the statement's resources that is a resource type of that action (a statement lists several
 * actions and resource types, and IAM authorizes an action only on its own types, Service Authorization
 * Reference; the other pairs are counted apart as not requests).
 */
const NEVER_GRANTED = [
    // RequestCertificate has no resource type (Service Authorization Reference for AWS Certificate Manager): it is
    // authorized on "*", which the statement's certificate ARN does not match, so the statement never grants it
    // (and the infrastructure role's permissions are the policy's and the boundary's intersection).
    "CertificateOperations: acm:RequestCertificate",
    // The three Describe actions have no resource type either (Service Authorization Reference for Application
    // Auto Scaling), so the statement's scalable-target ARN never matches them. The boundary admits them on "*".
    "ApplicationAutoscalingReadOperations: application-autoscaling:DescribeScalableTargets",
    "ApplicationAutoscalingReadOperations: application-autoscaling:DescribeScalingPolicies",
    "ApplicationAutoscalingReadOperations: application-autoscaling:DescribeScalingActivities",
];

/**
 * Where the boundary admits a statement more narrowly than the managed policy, with its source. The only
 * narrowing is the Region and account: the policy names `*:*`, the boundary the stack's own, because ECS
 * builds a service's infrastructure in the service's Region and account (Amazon ECS API Reference,
 * CreateExpressGatewayService). The replay therefore puts the stack's Region and account in each ARN.
 */
const REGION = "us-east-1";

/** A concrete ARN for a pattern of the policy: the stack's Region and account, and a sample id for each other `*`. */
function concrete(pattern: string): string {
    if (pattern === "*") return "*";
    const [arn, p, service, region, account, ...rest] = pattern.split(":");
    const head = [arn, p, service, region === "*" ? REGION : region, account === "*" ? ACCOUNT : account].join(":");
    let n = 0;
    return `${head}:${rest.join(":").replace(/\*/g, () => `ecs0sample${n++}`)}`;
}

/** The resource type a pattern names (the part before `/` or `:` after the account). */
const typeOf = (pattern: string) => (pattern === "*" ? "*" : pattern.split(":").slice(5).join(":").split(/[/:]/)[0]);

/** One request per value of each condition key the statement uses (none: one request with no keys). */
function contexts(st: IamStatement): Record<string, string>[] {
    const keys = Object.values(st.Condition ?? {}).flatMap((byKey) => Object.entries(byKey));
    let out: Record<string, string>[] = [{}];
    for (const [key, values] of keys) out = out.flatMap((c) => [values].flat().map((v) => ({ ...c, [key]: v })));
    return out;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

interface Replayed { statement: string; action: string; request: string; alone: string; bounded: string }

async function replay(iam: PlanIam, infraRole: string): Promise<{ replayed: Replayed[]; notARequest: string[] }> {
    const replayed: Replayed[] = [];
    const notARequest = new Set<string>();
    for (const st of COPY.Document.Statement) {
        for (const action of list(st.Action)) {
            for (const pattern of list(st.Resource)) {
                const resource = concrete(pattern);
                const [service, name] = action.split(":");
                try {
                    await allowedContextKeysForRequest(service, name, resource, false, undefined);
                } catch (e) {
                    // ELB v2 AddTags is untyped in the evaluator's data only (decideTyped); everything else is not a request.
                    if (!/^elasticloadbalancing:(AddTags|RemoveTags)$/.test(action)) {
                        notARequest.add(`${action} on ${typeOf(pattern)}`);
                        continue;
                    }
                }
                for (const ctx of contexts(st)) {
                    const context = await applicableContext(action, resource, ctx);
                    const req = { action, resource, context };
                    let alone: string;
                    try {
                        alone = (await decideTyped(infraRole, { managed: COPY.Document }, req)).decision;
                    } catch (e) {
                        // An action with no resource type is authorized on "*" only, which a certificate ARN never matches.
                        if (!/must\.use\.wildcard/.test(String((e as Error).message))) throw e;
                        notARequest.add(`${action} on ${typeOf(pattern)}`);
                        continue;
                    }
                    const bounded = (await decideTyped(infraRole, { managed: COPY.Document }, req, iam.boundaryOf(infraRole))).decision;
                    replayed.push({ statement: st.Sid!, action, request: `${action} on ${resource} ${JSON.stringify(ctx)}`, alone, bounded });
                }
            }
        }
    }
    return { replayed, notARequest: [...notARequest].sort() };
}

describe("Express boundary: AmazonECSInfrastructureRoleforExpressGatewayServices replayed statement by statement", function () {
    this.timeout(300_000);
    let result: { replayed: Replayed[]; notARequest: string[] };

    before(async () => {
        // GIVEN the dev plan (an Express service) and the stored managed policy
        const iam = planIam(await plan("dev", { env: { GITHUB_SHA: SHA } }));
        const infra = iam.resources.find((r) => r.type === "aws:iam/role:Role" && /-infra$/.test(r.name))!;
        // WHEN every statement is replayed as the service's infrastructure role, with the policy alone and under the boundary
        result = await replay(iam, infra.state.arn);
    });

    it("stores the policy the infrastructure role is given, with its version and source", () => {
        // GIVEN the copy  WHEN its header is read  THEN it is the policy ExpressService attaches, v6, from AWS's reference guide
        assert.equal(COPY.Arn, EXPRESS_INFRASTRUCTURE_POLICY_ARN);
        assert.equal(COPY.VersionId, "v6");
        assert.match(COPY.Source, /^https:\/\/docs\.aws\.amazon\.com\/aws-managed-policy\/latest\/reference\/AmazonECSInfrastructureRoleforExpressGatewayServices\.html/);
        assert.equal(COPY.Document.Statement.length, 17);
    });

    it("replays every statement of the policy", () => {
        // THEN each of its statements contributed requests (a statement with none would prove nothing)
        // but the one whose every action is listed in NEVER_GRANTED
        const replayedSids = new Set(result.replayed.map((r) => r.statement));
        assert.deepEqual(COPY.Document.Statement.map((s) => s.Sid).filter((sid) => !replayedSids.has(sid!)), ["ApplicationAutoscalingReadOperations"]);
        console.log(`      express boundary: ${result.replayed.length} requests from ${replayedSids.size} statements`);
    });

    it("finds that the policy itself grants every request it names, and that the listed actions it can never grant", () => {
        // THEN the managed policy alone allows each replayed request (the condition keys reach the evaluator)
        assert.deepEqual(result.replayed.filter((r) => r.alone !== "Allowed").map((r) => `${r.statement}: ${r.request}: ${r.alone}`), []);
        // AND every action of every statement was replayed, but the ones listed with their reason
        const never = COPY.Document.Statement.flatMap((st) => list(st.Action).filter((a) => !result.replayed.some((r) => r.statement === st.Sid && r.action === a)).map((a) => `${st.Sid}: ${a}`));
        console.log(`      express boundary: ${result.notARequest.length} action and resource-type pairs of the statements are no request AWS makes`);
        assert.deepEqual(never, NEVER_GRANTED);
    });

    it("lets the boundary admit every request the policy grants", () => {
        // THEN under the boundary every request is still allowed: the boundary never blocks what AWS's policy grants
        const blocked = result.replayed.filter((r) => r.alone === "Allowed" && r.bounded !== "Allowed").map((r) => `${r.statement}: ${r.request}: ${r.bounded}`);
        console.log(`      express boundary: ${result.replayed.length - blocked.length} of ${result.replayed.length} requests admitted`);
        assert.deepEqual(blocked, []);
    });
});
