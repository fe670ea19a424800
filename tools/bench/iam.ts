// npm run bench -- --only iam
//
// How the trust's IAM documents grow with the number of services, against IAM's quotas: each managed
// policy's size (6,144), each role's inline policies together (10,240), its managed policies (10) and its
// trust policy (2,048). Computed, not measured: the real program is planned offline through index.ts for a
// stack of N Fargate services on the shared load balancer, and each document is sized as IAM counts it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { IAM_QUOTAS, policySize } from "../../components/limits/limits";
import { physicalName } from "../planner/mockCloud";
import { plan } from "../planner/planner";

const COUNTS = [10, 50, 100];
const REGION = "us-east-1";
const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";

function stackFile(services: number): string {
    const lines = Array.from({ length: services }, (_, i) => `    svc-${String(i + 1).padStart(3, "0")}: { mode: fargate, image: { context: app } }`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-bench-iam-")), "Pulumi.bench.yaml");
    fs.writeFileSync(file, `config:\n  aws:region: ${REGION}\n  ecs-ship:github: { repository: acme/shop }\n  ecs-ship:services:\n${lines.join("\n")}\n`);
    return file;
}

interface Row { document: string; size: number; quota: number }

/** Every IAM document of the plan that a quota bounds, with its size. */
function documents(resources: { type: string; name: string; inputs: Record<string, any>; physicalName?: string }[]): Row[] {
    const rows: Row[] = [];
    const trust = resources.filter((r) => /-github(-|$)/.test(r.name));
    for (const p of trust.filter((r) => r.type === POLICY)) rows.push({ document: `managed policy ${p.name.replace(/^ecs-ship-bench-github-/, "")}`, size: policySize(p.inputs.policy), quota: IAM_QUOTAS.managedPolicySize });
    const roles = resources.filter((r) => r.type === ROLE);
    const of = (role: (typeof roles)[number], type: string) => resources.filter((x) => x.type === type && (x.inputs.role === role.physicalName || x.inputs.role === role.name));
    const perRole = roles.map((role) => ({
        role,
        inline: of(role, ROLE_POLICY).reduce((n, x) => n + policySize(x.inputs.policy), 0),
        attached: of(role, ATTACHMENT).length,
        trust: policySize(role.inputs.assumeRolePolicy),
    }));
    for (const r of perRole.filter((x) => /-github-/.test(x.role.name))) {
        const who = r.role.name.replace(/^ecs-ship-bench-github-/, "");
        rows.push({ document: `${who} role: inline policies together`, size: r.inline, quota: IAM_QUOTAS.inlinePoliciesPerRole });
        rows.push({ document: `${who} role: managed policies attached`, size: r.attached, quota: IAM_QUOTAS.managedPoliciesPerRole });
        rows.push({ document: `${who} role: trust policy`, size: r.trust, quota: IAM_QUOTAS.trustPolicySize });
    }
    // The services' roles: the largest of each measure over all of them.
    const services = perRole.filter((x) => !/-github-/.test(x.role.name));
    const max = (f: (x: (typeof services)[number]) => number) => Math.max(0, ...services.map(f));
    rows.push({ document: `service roles (${services.length}): largest inline policies together`, size: max((x) => x.inline), quota: IAM_QUOTAS.inlinePoliciesPerRole });
    rows.push({ document: `service roles (${services.length}): most managed policies attached`, size: max((x) => x.attached), quota: IAM_QUOTAS.managedPoliciesPerRole });
    rows.push({ document: `service roles (${services.length}): largest trust policy`, size: max((x) => x.trust), quota: IAM_QUOTAS.trustPolicySize });
    return rows;
}

export async function run(): Promise<void> {
    const out = process.stdout;
    out.write(`Method: for N = ${COUNTS.join(", ")}, a stack of N Fargate services (built images, one shared load balancer, no secrets or task\n` +
        `permissions) is planned through index.ts under the mock runtime in ${REGION}. Each IAM document the plan creates is sized as IAM\n` +
        `counts it (JSON without whitespace, components/limits/limits.ts policySize) and set against its quota (IAM User Guide, "IAM and AWS STS\n` +
        `quotas"): managed policy ${IAM_QUOTAS.managedPolicySize} characters, a role's inline policies together ${IAM_QUOTAS.inlinePoliciesPerRole}, managed policies per role ${IAM_QUOTAS.managedPoliciesPerRole}, trust policy ${IAM_QUOTAS.trustPolicySize}.\n`);
    const tables: Map<string, Row>[] = [];
    for (const n of COUNTS) {
        const p = await plan("bench", { stackFile: stackFile(n), env: { GITHUB_SHA: "0".repeat(40) } });
        if (p.violations.length > 0) out.write(`  ${n} services: the pre-flight refuses the plan: ${p.violations.map((v) => v.detail).join("; ")}\n`);
        // Attachments and inline policies name their role by its physical name, as the pre-flight reads it.
        const resources = p.resources.map((r) => ({ ...r, physicalName: physicalName(r.type, r.name, r.inputs) }));
        tables.push(new Map(documents(resources).map((r) => [r.document.replace(/\(\d+\)/, "(N)"), r])));
    }
    // Rows in the order of the largest plan, which has every document the smaller ones have.
    const keys = [...new Set([...tables[tables.length - 1].keys(), ...tables.flatMap((t) => [...t.keys()])])];
    const width = Math.max(...keys.map((k) => k.length)) + 2;
    out.write(`\n${"document".padEnd(width)}${COUNTS.map((n) => `${n} services`.padStart(16)).join("")}     quota\n`);
    for (const k of keys) {
        const cells = tables.map((t) => {
            const r = t.get(k);
            return (r ? `${r.size} (${Math.round((r.size / r.quota) * 100)}%)` : "-").padStart(16);
        });
        const quota = tables.map((t) => t.get(k)?.quota).find((q) => q !== undefined);
        out.write(`${k.padEnd(width)}${cells.join("")}${String(quota).padStart(10)}\n`);
    }
}
