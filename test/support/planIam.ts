// The IAM documents and role ARNs a plan produces, read back from its recorded resources, so
// the security tests evaluate exactly what index.ts would create.
import * as assert from "assert";
import { allowedContextKeysForRequest } from "@cloud-copilot/iam-simulate";
import { IamDocument } from "../../components/trust/trustPolicies";
import { RecordedResource } from "../../tools/planner/mockCloud";
import { Plan } from "../../tools/planner/planner";

export interface PlanIam {
    stack: string;
    deployRoleArn: string;
    previewRoleArn: string;
    /** The deploy role's managed policies (and any inline pass-role policies a library user adds). */
    deploy: Record<string, IamDocument>;
    preview: Record<string, IamDocument>;
    /** The stack's boundary: every role carries it but the Express infrastructure roles. */
    boundary: IamDocument;
    boundaryArn: string;
    /** The Express infrastructure roles' boundary, in a stack with an Express service. */
    infrastructureBoundary?: IamDocument;
    infrastructureBoundaryArn?: string;
    /** The boundary document the planned role with this ARN carries. */
    boundaryOf(roleArn: string): IamDocument;
    resources: RecordedResource[];
}

const json = (v: unknown): IamDocument => (typeof v === "string" ? JSON.parse(v) : v) as IamDocument;

export function planIam(p: Plan): PlanIam {
    const trust = `ecs-ship-${p.stack}-github`;
    const find = (type: string, name: string) => {
        const r = p.resources.find((x) => x.type === type && x.name === name);
        assert.ok(r, `${p.stack}: no ${type} named ${name}`);
        return r!;
    };
    const POLICY = "aws:iam/policy:Policy";
    const deploy: Record<string, IamDocument> = {};
    for (const k of ["build", "network", "iam", "edge"]) deploy[k] = json(find(POLICY, `${trust}-deploy-${k}`).inputs.policy);
    // The task definitions' policies, as many as the stack's families need (none for an Express-only stack).
    for (const r of p.resources.filter((x) => x.type === POLICY && /-deploy-tasks(-\d+)?$/.test(x.name) && x.name.startsWith(`${trust}-`))) deploy[r.name.slice(trust.length + 8)] = json(r.inputs.policy);
    for (const r of p.resources.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy" && x.name.startsWith(`${trust}-pass-`))) deploy[r.name] = json(r.inputs.policy);
    const boundary = find(POLICY, `${trust}-boundary`);
    const infra = p.resources.find((x) => x.type === POLICY && x.name === `${trust}-infra-boundary`);
    const boundaryOf = (roleArn: string): IamDocument => {
        const role = p.resources.find((x) => x.type === "aws:iam/role:Role" && x.state.arn === roleArn);
        assert.ok(role, `${p.stack}: no planned role ${roleArn}`);
        const policy = p.resources.find((x) => x.type === POLICY && x.state.arn === role!.inputs.permissionsBoundary);
        assert.ok(policy, `${p.stack}: role ${role!.name} carries no planned boundary (${role!.inputs.permissionsBoundary})`);
        return json(policy!.inputs.policy);
    };
    return {
        stack: p.stack,
        deployRoleArn: find("aws:iam/role:Role", `${trust}-deploy`).state.arn,
        previewRoleArn: find("aws:iam/role:Role", `${trust}-preview`).state.arn,
        deploy,
        preview: { read: json(find(POLICY, `${trust}-preview`).inputs.policy) },
        boundary: json(boundary.inputs.policy),
        boundaryArn: boundary.state.arn,
        infrastructureBoundary: infra ? json(infra.inputs.policy) : undefined,
        infrastructureBoundaryArn: infra?.state.arn,
        boundaryOf,
        resources: p.resources,
    };
}

/** Keeps only the context keys AWS sends for this request (the Service Authorization Reference's list). */
export async function applicableContext(action: string, resource: string, context: Record<string, string | string[]>): Promise<Record<string, string | string[]>> {
    const [service, name] = action.split(":");
    let keys: string[];
    try {
        keys = await allowedContextKeysForRequest(service, name, resource, false, undefined);
    } catch {
        return context; // not typed by the evaluator's data (see decideTyped); AWS sends the keys
    }
    const allowed = new Set(keys.map((k) => k.toLowerCase()));
    const fits = (k: string) => allowed.has(k.toLowerCase()) || [...allowed].some((a) => a.includes("${") && k.toLowerCase().startsWith(a.slice(0, a.indexOf("${")).toLowerCase()));
    return Object.fromEntries(Object.entries(context).filter(([k]) => fits(k)));
}
