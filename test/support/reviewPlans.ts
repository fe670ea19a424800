// The review template of test/scenarios/review-env planned as stack `review` (the review trust) and as a pull
// request's stacks, through the real program; and what the security tests read of those plans.
import * as assert from "assert";
import * as path from "path";
import { IamDocument } from "../../components/trustPolicies";
import { Plan, plan } from "../../tools/planner";
import { World } from "../../tools/mockCloud";

export const REVIEW_SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
export const TEMPLATE = path.join(__dirname, "..", "scenarios", "review-env", "Pulumi.pr-42.yaml");

const cache = new Map<string, Promise<Plan>>();
/** One plan per stack and file, shared by the test files of a run. */
export function reviewPlan(stack: string, stackFile: string = TEMPLATE, world?: World, sha = REVIEW_SHA): Promise<Plan> {
    const key = `${stack} ${stackFile} ${sha} ${world ? JSON.stringify(world).length : ""}`;
    if (world) return plan(stack, { stackFile, env: { GITHUB_SHA: sha }, world });
    if (!cache.has(key)) cache.set(key, plan(stack, { stackFile, env: { GITHUB_SHA: sha } }));
    return cache.get(key)!;
}

/** The review trust a `review` plan creates: the role, its trust, its policies and the boundary. */
export interface ReviewTrustPlan {
    roleArn: string;
    roleName: string;
    trust: IamDocument;
    deploy: Record<string, IamDocument>;
    boundary: IamDocument;
    boundaryArn: string;
}

const json = (v: unknown): IamDocument => (typeof v === "string" ? JSON.parse(v) : v) as IamDocument;

export function reviewTrustOf(p: Plan): ReviewTrustPlan {
    const trust = "ecs-ship-review-github";
    const find = (type: string, name: string) => {
        const r = p.resources.find((x) => x.type === type && x.name === name);
        assert.ok(r, `${p.stack}: no ${type} named ${name}`);
        return r!;
    };
    const role = find("aws:iam/role:Role", `${trust}-deploy`);
    const deploy: Record<string, IamDocument> = {};
    for (const k of ["build", "network", "iam", "edge", "tasks"]) deploy[k] = json(find("aws:iam/policy:Policy", `${trust}-deploy-${k}`).inputs.policy);
    const boundary = find("aws:iam/policy:Policy", `${trust}-boundary`);
    return {
        roleArn: role.state.arn, roleName: role.state.name, trust: json(role.inputs.assumeRolePolicy), deploy,
        boundary: json(boundary.inputs.policy), boundaryArn: boundary.state.arn,
    };
}
