// The review template of test/scenarios/review-env planned as stack `review` (the review trust) and as a pull
// request's stacks, through the real program; and what the security tests read of those plans.
import * as assert from "assert";
import * as path from "path";
import * as fs from "fs";
import * as os from "os";
import { parse as parseYaml, stringify } from "yaml";
import { PROVIDER_CALLS, ProviderCall, resourcesFor } from "../../components/trust/iamCalls";
import { REVIEW_TAG } from "../../components/trust/reviewPolicies";
import { IamDocument, STACK_TAG } from "../../components/trust/trustPolicies";
import { Plan, plan } from "../../tools/planner/planner";
import { RecordedResource, World } from "../../tools/planner/mockCloud";
import { decideTyped } from "./iamSim";
import { applicableContext } from "./planIam";

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

/** The tags a review instance's resources carry (config/index.ts). */
export const PR_TAGS = { [STACK_TAG]: "pr-42", "ecs-ship:managed-by": "pulumi", [REVIEW_TAG]: "true" };

/** The review template with its config changed, written to a temporary file. */
export function templateVariant(change: (config: Record<string, any>) => void): string {
    const doc = parseYaml(fs.readFileSync(TEMPLATE, "utf8"));
    change(doc.config);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "review-")), "Pulumi.review.yaml");
    fs.writeFileSync(file, stringify(doc));
    return file;
}

const DEPLOY_PHASES = new Set(["create", "read", "update", "delete", "push", "verify"]);

export interface Evaluated { call: ProviderCall; resource: string; arn: string; decision: string }

/**
 * Every tabled call for every resource of `target` (a stack's plan), made by the review role, with the tags
 * that stack's resources carry. `boundaryFrom` holds the boundary the rows name (the review stack's, for pr-<n>).
 */
export async function evaluateCalls(review: ReviewTrustPlan, target: Plan, tags: Record<string, string>, boundaryFrom: RecordedResource[]): Promise<Evaluated[]> {
    const region = String(target.resources.find((r) => r.type === "pulumi:providers:aws")?.inputs.region ?? "us-east-1");
    const resources = target.resources;
    const scope = { partition: "aws", region, accountId: "123456789012", resources: [...resources, ...boundaryFrom] };
    const own = new Set(resources.flatMap((r) => [r.state.arn, r.state.serviceArn]).filter(Boolean));
    const out: Evaluated[] = [];
    for (const call of PROVIDER_CALLS.filter((c) => DEPLOY_PHASES.has(c.phase))) {
        for (const r of resourcesFor(call, resources)) {
            const self = r.state.arn ?? r.state.serviceArn;
            for (const arn of call.arns(r, scope)) {
                const creating = call.phase === "create" && call.requestTags && arn === self;
                const context: Record<string, string | string[]> = {
                    ...(call.requestTags ? { ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])), "aws:TagKeys": Object.keys(tags) } : {}),
                    ...(!creating && own.has(arn) ? Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])) : {}),
                    ...(call.context ? call.context(r, scope) : {}),
                };
                const { decision } = await decideTyped(review.roleArn, review.deploy, { action: call.action, resource: arn, context: await applicableContext(call.action, arn, context) });
                out.push({ call, resource: r.name, arn, decision });
            }
        }
    }
    return out;
}

