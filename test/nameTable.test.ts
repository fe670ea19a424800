// Every common stack × service name pair plans through the real program (index.ts under the
// mock runtime, the path `npm run plan` takes), in both modes, with no pre-flight violation.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { physicalName } from "../tools/planner/mockCloud";
import { Plan, plan } from "../tools/planner/planner";
import { SERVICE_NAMES, STACK_NAMES } from "./support/commonNames";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const TG = "aws:lb/targetGroup:TargetGroup";
const ROLE = "aws:iam/role:Role";
const EXPRESS = "aws:ecs/expressGatewayService:ExpressGatewayService";

/** One stack file holding every common service name, all in one mode. */
function stackFile(mode: "fargate" | "express"): string {
    const services = SERVICE_NAMES.map((s) => `    ${s}: { mode: ${mode}, image: { context: app } }`).join("\n");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-names-"));
    const file = path.join(dir, `Pulumi.${mode}.yaml`);
    fs.writeFileSync(file, `config:\n  aws:region: us-east-1\n  ecs-ship:github: { repository: acme/shop }\n  ecs-ship:services:\n${services}\n`);
    return file;
}

const names = (p: Plan, type: string) => p.resources.filter((r) => r.type === type).map((r) => physicalName(r.type, r.name, r.inputs)!);

for (const mode of ["fargate", "express"] as const) {
    describe(`names: every common stack × service pair plans in ${mode} mode`, function () {
        this.timeout(600_000);
        const file = stackFile(mode);
        const plans = new Map<string, Plan>();
        before(async () => {
            for (const stack of STACK_NAMES) plans.set(stack, await plan(stack, { stackFile: file, env: { GITHUB_SHA: SHA } }));
        });

        it(`plans ${STACK_NAMES.length} stacks × ${SERVICE_NAMES.length} services with zero pre-flight violations`, () => {
            // GIVEN every common stack name (≤ 20 characters) and service name (≤ 30 characters)
            // WHEN each stack is planned through index.ts with every service
            // THEN no resource breaks an AWS limit
            const violations = [...plans.values()].flatMap((p) => p.violations.map((v) => `${p.stack}: ${v.resource}: ${v.detail}`));
            assert.deepEqual(violations, []);
            assert.equal(plans.size * SERVICE_NAMES.length, STACK_NAMES.length * SERVICE_NAMES.length);
        });

        it("creates one service per name, with its own role names within 64 characters", () => {
            // GIVEN the plans
            // WHEN their services and roles are counted
            // THEN each stack has every service, and its role names are distinct and start with ecs-ship-<stack>-
            for (const [stack, p] of plans) {
                const services = p.resources.filter((r) => r.type === (mode === "express" ? EXPRESS : "aws:ecs/service:Service"));
                assert.equal(services.length, SERVICE_NAMES.length, stack);
                const roles = names(p, ROLE);
                assert.equal(new Set(roles).size, roles.length, stack);
                assert.deepEqual(roles.filter((n) => n.length > 64 || !n.startsWith(`ecs-ship-${stack}-`)), [], stack);
            }
        });

        if (mode === "fargate") {
            it("gives the stack one shared load balancer and every service its own target group, each name within 32 characters", () => {
                // GIVEN the Fargate plans
                // WHEN their ELB names are read
                // THEN there is one of each per service, all distinct across stacks, none longer than 32
                const lbs = [...plans.values()].flatMap((p) => names(p, LB));
                const tgs = [...plans.values()].flatMap((p) => names(p, TG));
                // Two or more Fargate services share one load balancer (components/frontDoor/frontDoor.ts).
                assert.equal(lbs.length, STACK_NAMES.length * (SERVICE_NAMES.length > 1 ? 1 : SERVICE_NAMES.length));
                assert.equal(tgs.length, STACK_NAMES.length * SERVICE_NAMES.length);
                assert.equal(new Set([...lbs, ...tgs]).size, lbs.length + tgs.length);
                assert.deepEqual([...lbs, ...tgs].filter((n) => n.length > 32), []);
            });
        }
    });
}
