// Helpers around @cloud-copilot/iam-simulate for the trust's security tests.
//
// - `assumeWithToken` evaluates a role trust statement against a GitHub token's claims.
//   runSimulation drops the `token.actions.githubusercontent.com:*` keys into
//   ignoredContextKeys, so it uses runUnsafeSimulation: the statement's Principal is
//   stripped and it is evaluated as an identity policy on Resource "*". The Federated
//   principal is asserted structurally by the tests.
// - `decide` runs the validated simulator and fails if any context key was ignored, so a
//   condition can never pass because the simulator dropped it.
import * as assert from "assert";
import { runSimulation, runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { IamDocument } from "../../components/trust/trustPolicies";

export const ACCOUNT = "123456789012";
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

/** Claims as GitHub puts them in an Actions OIDC token; undefined leaves the claim out. */
export interface TokenClaims {
    sub?: string;
    aud?: string;
}

/** The result of assuming a role with a token: "Allowed", "ImplicitlyDenied" or "ExplicitlyDenied". */
export function assumeWithToken(trust: IamDocument, claims: TokenClaims): string {
    const statements = trust.Statement.map(({ Principal: _principal, ...rest }) => ({ ...rest, Resource: "*" }));
    const contextVariables: Record<string, string> = {};
    if (claims.sub !== undefined) contextVariables["token.actions.githubusercontent.com:sub"] = claims.sub;
    if (claims.aud !== undefined) contextVariables["token.actions.githubusercontent.com:aud"] = claims.aud;
    return runUnsafeSimulation({
        request: {
            principal: PROVIDER_ARN,
            action: "sts:AssumeRoleWithWebIdentity",
            resource: { resource: `arn:aws:iam::${ACCOUNT}:role/ecs-ship-dev-github-deploy-0000000`, accountId: ACCOUNT },
            contextVariables,
        },
        identityPolicies: [{ name: "trust", policy: { Version: "2012-10-17", Statement: statements } }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
    }, {});
}

export interface Request {
    action: string;
    resource: string;
    context?: Record<string, string | string[]>;
    /** The resource's own policy, where AWS requires one (a KMS key policy). */
    resourcePolicy?: unknown;
}

/** Evaluates a request by `principal` against identity policies (and a boundary, if given). */
export async function decide(
    principal: string,
    policies: Record<string, IamDocument>,
    req: Request,
    boundary?: IamDocument,
): Promise<string> {
    const result = await runSimulation({
        request: {
            principal,
            action: req.action,
            resource: { resource: req.resource, accountId: ACCOUNT },
            contextVariables: req.context ?? {},
        },
        identityPolicies: Object.entries(policies).map(([name, policy]) => ({ name, policy })),
        permissionBoundaryPolicies: boundary ? [{ name: "boundary", policy: boundary }] : undefined,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(req.resourcePolicy ? { resourcePolicy: req.resourcePolicy } : {}),
    } as any, {});
    if (result.resultType === "error") assert.fail(`simulation error for ${req.action}: ${JSON.stringify(result.errors)}`);
    const ignored = result.resultType === "single"
        ? result.result.ignoredContextKeys ?? []
        : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
    assert.deepStrictEqual(ignored, [], `${req.action} on ${req.resource}: context keys ignored by the simulator`);
    return result.overallResult;
}

/**
 * Like `decide`, for the few requests the evaluator's data cannot type: its
 * `elasticloadbalancing` data merges Classic and v2 ELB, and keeps only Classic's resource
 * type for AddTags and RemoveTags, so a v2 target group or listener ARN finds no type. Those
 * requests are evaluated with `runUnsafeSimulation` (no resource or context validation), and
 * every other request strictly. Returns which evaluation was used, so tests can count them.
 */
export async function decideTyped(
    principal: string,
    policies: Record<string, IamDocument>,
    req: Request,
    boundary?: IamDocument,
): Promise<{ decision: string; unvalidated: boolean }> {
    try {
        return { decision: await decide(principal, policies, req, boundary), unvalidated: false };
    } catch (e) {
        const m = String((e as Error).message);
        const untyped = /No resource types found for action (AddTags|RemoveTags) on service elasticloadbalancing/.test(m) ||
            /^simulation error for elasticloadbalancing:(AddTags|RemoveTags): .*no\.resource\.types/.test(m);
        if (!untyped) throw e;
    }
    const result = runUnsafeSimulation({
        request: { principal, action: req.action, resource: { resource: req.resource, accountId: ACCOUNT }, contextVariables: req.context ?? {} },
        identityPolicies: Object.entries(policies).map(([name, policy]) => ({ name, policy })),
        permissionBoundaryPolicies: boundary ? [{ name: "boundary", policy: boundary }] : undefined,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
    }, {});
    return { decision: result, unvalidated: true };
}
