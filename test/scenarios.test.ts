// The scenario corpus: realistic stack files of the teams that use ecs-ship (test/scenarios/),
// each planned once through the real program (tools/planner/planner.ts `plan`, the path `npm run plan`
// takes through index.ts), and held to what its team asked for (test/scenarios/expectations.ts).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import { parse as parseYaml } from "yaml";
import { Plan, ROOT, plan } from "../tools/planner/planner";
import { defaultSubnetIds } from "../tools/planner/mockCloud";
import { PlanFacts, ServiceFacts, planFacts } from "./support/planFacts";
import { BASE_COUNTS, DEFAULTS, ExpectedService, SCENARIOS, SubnetRef } from "./scenarios/expectations";

const DIR = path.join(ROOT, "test", "scenarios");
const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";

/**
 * Every scenario folder and its stack files, Pulumi.<stack>.yaml: one, or several stacks that read one
 * another (one build, promoted), each a scenario of its own, `<folder>/<stack>`.
 */
function corpus(): { id: string; stack: string; file: string }[] {
    return fs.readdirSync(DIR, { withFileTypes: true })
        .filter((d) => d.isDirectory() && d.name !== "fixtures")
        .flatMap((d) => {
            const files = fs.readdirSync(path.join(DIR, d.name)).filter((f) => /^Pulumi\.[a-z][a-z0-9-]*\.yaml$/.test(f));
            assert.ok(files.length >= 1, `${d.name}: expected a Pulumi.<stack>.yaml, found none`);
            return files.map((f) => ({ id: files.length === 1 ? d.name : `${d.name}/${f.split(".")[1]}`, stack: f.split(".")[1], file: path.join(DIR, d.name, f) }));
        })
        .sort((a, b) => a.id.localeCompare(b.id));
}

describe("scenarios: the corpus", () => {
    it("holds at least 25 stack files, each with its expectations, and no expectation without a file", () => {
        // GIVEN the folders of test/scenarios  WHEN listed  THEN they and the expectations table match one to one
        const ids = corpus().map((c) => c.id);
        assert.ok(ids.length >= 25, `only ${ids.length} scenarios`);
        assert.deepEqual(ids, Object.keys(SCENARIOS).sort());
    });

    it("passes the editor's JSON Schema (schema/stack.schema.json), as the files' header asks editors to check", () => {
        // GIVEN the JSON Schema editors use  WHEN each scenario file is validated  THEN none has an error
        const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(fs.readFileSync(path.join(ROOT, "schema/stack.schema.json"), "utf8")));
        for (const { id, file } of corpus()) {
            assert.equal(validate(parseYaml(fs.readFileSync(file, "utf8"))), true, `${id}: ${JSON.stringify(validate.errors)}`);
        }
    });

    it("names three or more stacks, like teams do (dev, staging, prod, qa)", () => {
        // GIVEN the corpus  WHEN its stack names are collected  THEN more than dev and prod appear
        const stacks = new Set(corpus().map((c) => c.stack));
        for (const s of ["dev", "prod", "staging", "qa"]) assert.ok(stacks.has(s), `no ${s} stack`);
    });
});

for (const { id, stack, file } of corpus()) {
    const expected = SCENARIOS[id];
    // GIVEN a team's stack file and what that team asked for
    describe(`scenario ${id} (Pulumi.${stack}.yaml)`, function () {
        // A hundred services plan about two thousand resources under the mock runtime.
        this.timeout(id === "hundred-services" ? 600_000 : 120_000);
        let p: Plan;
        let facts: PlanFacts;
        let region: string;
        // WHEN the stack file is planned through index.ts, once for every assertion below
        before(async () => {
            p = await plan(stack, { stackFile: file, env: { GITHUB_SHA: SHA } });
            facts = planFacts(p);
            region = parseYaml(fs.readFileSync(file, "utf8")).config["aws:region"];
        });

        it("breaks no AWS limit the pre-flight knows", () => {
            assert.deepEqual(p.violations, []);
        });

        it("creates the expected number of each key resource type", () => {
            assert.deepEqual(facts.counts, { ...BASE_COUNTS, ...expected.counts });
        });

        it(`assumes the zones of ${expected.assumptions ?? 0} subnet(s) it cannot know offline`, () => {
            assert.equal(p.assumptions.length, expected.assumptions ?? 0, p.assumptions.join("\n"));
        });

        if (expected.vpc) {
            const v = expected.vpc;
            it(`creates a two-zone VPC with NAT strategy ${v.natStrategy} and ${v.natGateways} NAT gateway(s)`, () => {
                const [vpc] = p.resources.filter((r) => r.type === "awsx:ec2:Vpc");
                assert.deepEqual(vpc.inputs.natGateways, { strategy: v.natStrategy });
                assert.deepEqual(vpc.inputs.subnetSpecs.map((s: { type: string }) => s.type), v.subnetSpecs);
                assert.equal(vpc.inputs.numberOfAvailabilityZones, 2);
                assert.equal(vpc.state.natGateways.length, v.natGateways);
                // Two zones: one public subnet in each, and one private subnet in each only when NAT can route them.
                assert.equal(vpc.state.publicSubnetIds.length, 2);
                assert.equal(vpc.state.privateSubnetIds.length, v.subnetSpecs.includes("Private") ? 2 : 0);
            });
        }

        it(`plans exactly the services ${Object.keys(expected.services).sort().join(", ")}`, () => {
            assert.deepEqual(Object.keys(facts.services).sort(), Object.keys(expected.services).sort());
        });

        for (const [name, want] of Object.entries(expected.services)) {
            it(`plans ${name} (${want.mode}) as its team set it`, () => {
                // THEN every fact of the service is exactly what the stack file asked for, defaults elsewhere
                const vpc = p.resources.find((r) => r.type === "awsx:ec2:Vpc")?.state;
                assert.deepEqual(facts.services[name], expectedFacts(stack, name, want, region, vpc));
            });
        }
    });
}

/** The full facts a service must plan to: its mode's defaults, the rules every service follows, then the scenario's own. */
function expectedFacts(stack: string, name: string, want: ExpectedService, region: string, vpc?: Record<string, string[]>): ServiceFacts {
    const merged = { ...DEFAULTS[want.mode], ...want };
    const prebuilt = want.image !== undefined;
    const subnets = (ref: SubnetRef | undefined): string[] | null | undefined => {
        if (ref === undefined || ref === null || Array.isArray(ref)) return ref;
        // StackNetwork sorts the default subnets, so the load balancer's two stay put across lookups.
        if (ref === "default") return [...defaultSubnetIds(region)].sort();
        if (ref === "default:alb") return [...defaultSubnetIds(region)].sort().slice(0, 2);
        assert.ok(vpc, `${ref}: the scenario creates no VPC`);
        return ref === "vpc:public" ? vpc.publicSubnetIds : vpc.privateSubnetIds;
    };
    const out: ServiceFacts = {
        ...merged,
        image: prebuilt ? want.image! : "built",
        // A service that shares its build (config/sharedBuild.ts) names its build owner's repository.
        repository: prebuilt ? null : want.repository ?? `ecs-ship-${stack}-${name}`,
        environment: { ...want.environment, PORT: String(merged.port) },
        subnets: subnets(merged.subnets) as string[] | null,
    } as ServiceFacts;
    if (want.mode === "fargate") out.albSubnets = subnets(merged.albSubnets) as string[];
    return out;
}
