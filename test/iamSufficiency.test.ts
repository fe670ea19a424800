// Sufficiency: every AWS call the provider makes for the dev and prod plans (tabled with its
// source in components/trust/iamCalls/) is allowed to the role that makes it, evaluated by a
// real IAM evaluator (@cloud-copilot/iam-simulate) with the plan's own ARNs and tags.
import { strict as assert } from "assert";
import * as path from "path";
import { PROVIDER_CALLS, ProviderCall, resourcesFor } from "../components/trust/iamCalls";
import { STACK_TAG } from "../components/trust/trustPolicies";
import { Plan, plan } from "../tools/planner/planner";
import { decideTyped } from "./support/iamSim";
import { PlanIam, applicableContext, planIam } from "./support/planIam";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const DEPLOY_PHASES = new Set(["create", "read", "update", "delete", "push", "verify"]);
const PREVIEW_PHASES = new Set(["read"]);

interface Evaluated { call: ProviderCall; resource: string; arn: string; decision: string; unvalidated: boolean }

/** Every tabled call for every resource of the plan it applies to, as `role` would make it. */
async function evaluate(iam: PlanIam, role: "deploy" | "preview"): Promise<Evaluated[]> {
    const region = String(iam.resources.find((r) => r.type === "pulumi:providers:aws")?.inputs.region ?? "us-east-1");
    const scope = { partition: "aws", region, accountId: "123456789012", resources: iam.resources };
    const stackArns = new Set(iam.resources.flatMap((r) => [r.state.arn, r.state.serviceArn]).filter(Boolean));
    const out: Evaluated[] = [];
    for (const call of PROVIDER_CALLS.filter((c) => (role === "deploy" ? DEPLOY_PHASES : PREVIEW_PHASES).has(c.phase))) {
        for (const r of resourcesFor(call, iam.resources)) {
            const own = r.state.arn ?? r.state.serviceArn;
            for (const arn of call.arns(r, scope)) {
                const tags = { [`${STACK_TAG}`]: iam.stack, "ecs-ship:managed-by": "pulumi" };
                // A resource the call creates has no tags yet; every other resource of the stack carries them.
                const creating = call.phase === "create" && call.requestTags && arn === own;
                const context: Record<string, string | string[]> = {
                    ...(call.requestTags ? { ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])), "aws:TagKeys": Object.keys(tags) } : {}),
                    ...(!creating && stackArns.has(arn) ? Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])) : {}),
                    ...(call.context ? call.context(r, scope) : {}),
                };
                const principal = role === "deploy" ? iam.deployRoleArn : iam.previewRoleArn;
                const policies = role === "deploy" ? iam.deploy : iam.preview;
                const { decision, unvalidated } = await decideTyped(principal, policies, { action: call.action, resource: arn, context: await applicableContext(call.action, arn, context) });
                out.push({ call, resource: r.name, arn, decision, unvalidated });
            }
        }
    }
    return out;
}

/**
 * dev and prod as they ship, and a fixture with secrets, a KMS key and task roles in both
 * modes, under a 20-character stack name with long service names, so its role and load
 * balancer names are the shortened ones (components/service/naming.ts).
 */
const FIXTURE = path.join(__dirname, "fixtures", "Pulumi.full.yaml");
const LONG = "staging-eu-central-1";
/**
 * The front door's scenarios: three services on custom domains (created certificates, alias and
 * validation records, an email subscription), and path rules with an existing SNS topic, in eu-west-1.
 */
const FRONT_DOOR: Record<string, string> = {
    shop: path.join(__dirname, "scenarios", "front-door-hosts", "Pulumi.prod.yaml"),
    paths: path.join(__dirname, "scenarios", "front-door-paths", "Pulumi.staging.yaml"),
    // Workers and scheduled jobs (schedules, scheduler roles, the queue-scaled worker's scaling policy).
    django: path.join(__dirname, "scenarios", "django", "Pulumi.prod.yaml"),
    // Canary, linear and blue/green on own load balancers and on the shared one (their load-balancer roles).
    canary: path.join(__dirname, "fixtures", "Pulumi.strategies-own.yaml"),
    shift: path.join(__dirname, "fixtures", "Pulumi.strategies-shared.yaml"),
    // One build, promoted: staging's repositories carry prod's pull grant (docs/promotion.md).
    staging: path.join(__dirname, "scenarios", "promotion", "Pulumi.staging.yaml"),
};
const plans = new Map<string, Promise<Plan>>();
const planOf = (stack: string) => {
    if (!plans.has(stack)) plans.set(stack, plan(stack, { env: { GITHUB_SHA: SHA }, stackFile: stack === LONG ? FIXTURE : FRONT_DOOR[stack] }));
    return plans.get(stack)!;
};

describe("IAM sufficiency: every tabled provider call is allowed", function () {
    this.timeout(300_000);
    const exercised = new Set<ProviderCall>();

    for (const stack of ["dev", "prod", LONG, ...Object.keys(FRONT_DOOR)]) {
        for (const role of ["deploy", "preview"] as const) {
            it(`allows ${role === "deploy" ? "the deploy role (up, destroy)" : "the preview role (preview, refresh)"} every call of the ${stack} plan`, async () => {
                // GIVEN the policies the ${stack} plan creates (within every AWS limit), and the table of provider calls
                const p = await planOf(stack);
                assert.deepEqual(p.violations, []);
                const iam = planIam(p);
                // WHEN each call is simulated on the plan's ARNs with the tags AWS would see
                const results = await evaluate(iam, role);
                results.forEach((e) => exercised.add(e.call));
                // THEN every one is allowed
                const denied = results.filter((e) => e.decision !== "Allowed").map((e) => `${e.call.action} on ${e.arn} (${e.resource}, ${e.call.phase}): ${e.decision}`);
                const loose = results.filter((e) => e.unvalidated).length;
                console.log(`      sufficiency ${stack}/${role}: ${results.length - denied.length} of ${results.length} calls allowed (${loose} ELB tag calls evaluated unvalidated, see decideTyped)`);
                assert.deepEqual(denied, []);
                assert.ok(results.length > (role === "deploy" ? 100 : 40), `only ${results.length} calls`);
            });
        }
    }

    it(`plans the ${LONG} fixture with shortened load balancer and role names`, async () => {
        // GIVEN the long-name fixture  WHEN its names are read
        // THEN its load balancer no longer carries ecs-ship-<stack>- and a role name carries a hash, so the runs above covered both
        const p = await planOf(LONG);
        const lb = p.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")!;
        assert.match(lb.name, /^staging-eu-ce-[0-9a-f]{6}-alb$/);
        assert.ok(p.resources.some((r) => r.type === "aws:iam/role:Role" && /^ecs-ship-staging-eu-central-1-.*-[0-9a-f]{6}-(exec|task|infra)$/.test(r.name)));
    });

    it("exercises every row of the table in one of the plans", () => {
        // GIVEN the four runs above
        // WHEN the rows they evaluated are collected
        // THEN no row of the table went unused (a row no plan reaches would prove nothing)
        const unused = PROVIDER_CALLS.filter((c) => !exercised.has(c)).map((c) => `${c.type} ${c.phase} ${c.action}`);
        assert.deepEqual(unused, []);
    });

    it("cites a source for every row", () => {
        // GIVEN the table  WHEN its sources are read  THEN each names a provider file or an AWS document
        const bad = PROVIDER_CALLS.filter((c) => !/internal\/service\/|User Guide|API Reference|Service Authorization Reference|tools\//.test(c.source));
        assert.deepEqual(bad.map((c) => c.action), []);
    });
});
