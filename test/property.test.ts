// Property-based: stack files generated from what the schema allows (test/support/configArbitraries.ts).
// Valid ones always validate and always plan through index.ts with no pre-flight violation; invalid
// ones (a valid one with one thing broken) always end in one ConfigError naming the broken key, and
// `npm run plan` exits 2 with that error, never a stack trace. The seed is fixed, so CI replays the
// same configurations; change SEED (or set ECS_SHIP_PROPERTY_SEED) to explore others.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import fc from "fast-check";
import { parse as parseYaml } from "yaml";
import { ConfigError, parseSettings } from "../config";
import { PRICES } from "../components/cost/priceTable";
import { planCost } from "../tools/plan/planCost";
import { ROOT, plan } from "../tools/planner/planner";
import { BrokenStack, GENERATED_NAMES_VALID, GeneratedStack, brokenStack, stackYaml, validStack } from "./support/configArbitraries";

const SEED = Number(process.env.ECS_SHIP_PROPERTY_SEED ?? 20261123);
const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const COUNTS = { parsedValid: 300, parsedInvalid: 300, plannedValid: 30, plannedInvalid: 10, cliInvalid: 3, cliValid: 1 };
/** A line of a JavaScript stack trace. */
const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

/** parseSettings on a generated stack, as loadSettings would call it (build contexts checked against the project). */
function parse(s: GeneratedStack) {
    return parseSettings({ stack: s.stack, region: s.region, values: structuredClone(s.values), env: { GITHUB_SHA: SHA }, gitHead: () => undefined, projectDir: ROOT });
}

function writeStack(dir: string, s: GeneratedStack, i: number): string {
    const file = path.join(dir, `Pulumi.${s.stack}-${i}.yaml`);
    fs.writeFileSync(file, stackYaml(s));
    return file;
}

function expectConfigError(run: () => unknown, s: BrokenStack): void {
    assert.throws(run, (e: unknown) => {
        assert.ok(e instanceof ConfigError, `expected ConfigError for ${s.what}, got ${(e as Error)?.stack ?? e}`);
        assert.ok(e.problems.some((p) => p.startsWith(`${s.key}:`)), `${s.what}: no problem names ${s.key}:\n${e.message}`);
        return true;
    });
}

describe(`property: generated stack files (seed ${SEED})`, function () {
    this.timeout(600_000);
    // Pure checks shrink a failure to its smallest form; planned ones stop at the first (each plan takes seconds).
    const params = (numRuns: number, planned = false) => ({ seed: SEED, numRuns, endOnFailure: planned });
    let dir: string;
    before(() => {
        // Printed so a failure seen in CI can be replayed exactly.
        console.log(`    fast-check seed ${SEED} (replay: ECS_SHIP_PROPERTY_SEED=${SEED} npx mocha test/property.test.ts)`);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-property-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("generates only valid variable names (a guard on the generators)", () => {
        assert.equal(GENERATED_NAMES_VALID, true);
    });

    it(`accepts all ${COUNTS.parsedValid} generated valid stacks (parseSettings)`, () => {
        // GIVEN valid stacks drawn from the schema  WHEN parsed  THEN each yields Settings with every service, sorted
        fc.assert(fc.property(validStack, (s) => {
            const settings = parse(s);
            assert.deepEqual(settings.services.map((x) => x.name), Object.keys(s.values.services).sort());
        }), params(COUNTS.parsedValid));
    });

    it(`has the editor's JSON Schema accept the same ${COUNTS.parsedValid} generated valid stack files`, () => {
        // GIVEN the JSON Schema generated from the same schema  WHEN each valid stack file is checked  THEN the editor shows no error
        const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(fs.readFileSync(path.join(ROOT, "schema/stack.schema.json"), "utf8")));
        fc.assert(fc.property(validStack, (s) => {
            assert.equal(validate(parseYaml(stackYaml(s))), true, JSON.stringify(validate.errors));
        }), params(COUNTS.parsedValid));
    });

    it(`refuses all ${COUNTS.parsedInvalid} generated invalid stacks with one ConfigError naming the broken key (parseSettings)`, () => {
        // GIVEN a valid stack with one thing broken  WHEN parsed  THEN ConfigError, and a problem names the key
        fc.assert(fc.property(brokenStack, (s) => expectConfigError(() => parse(s), s)), params(COUNTS.parsedInvalid));
    });

    it(`plans ${COUNTS.plannedValid} generated valid stack files through index.ts with no pre-flight violation`, async () => {
        // GIVEN a valid stack file  WHEN planned the way `npm run plan` plans it  THEN it plans, every service present, no violation
        let i = 0;
        await fc.assert(fc.asyncProperty(validStack, async (s) => {
            const p = await plan(s.stack, { stackFile: writeStack(dir, s, i++), env: { GITHUB_SHA: SHA } });
            assert.deepEqual(p.violations, [], `${stackYaml(s)}\n${JSON.stringify(p.violations, null, 2)}`);
            const planned = p.resources.filter((r) => r.type === "ecs-ship:index:ExpressService" || r.type === "ecs-ship:index:FargateService");
            assert.deepEqual(planned.map((r) => r.name).sort(), Object.keys(s.values.services).map((n) => `ecs-ship-${s.stack}-${n}`).sort());
            // AND the front door is what the stack file asks for: one load balancer per stack or per service,
            // one certificate per domain without its own, one alias record per domain, two alarms per alarmed service
            const fargate = Object.values<Record<string, any>>(s.values.services).filter((v) => v.mode === "fargate");
            const shared = s.values.loadBalancer?.shared ?? fargate.length > 1;
            const count = (type: string, f: (r: { inputs: Record<string, any> }) => boolean = () => true) => p.resources.filter((r) => r.type === type && f(r)).length;
            const domains = new Map(fargate.filter((v) => v.domain).map((v) => [v.domain, v.certificateArn]));
            const facts = (o: Record<string, number>) => JSON.stringify(o);
            assert.equal(facts({
                loadBalancers: count("aws:lb/loadBalancer:LoadBalancer"), certificates: count("aws:acm/certificate:Certificate"),
                aliases: count("aws:route53/record:Record", (r) => r.inputs.type === "A"), alarms: count("aws:cloudwatch/metricAlarm:MetricAlarm"),
            }), facts({
                loadBalancers: fargate.length === 0 ? 0 : shared ? 1 : fargate.length, certificates: [...domains.values()].filter((c) => !c).length,
                aliases: domains.size, alarms: 2 * fargate.filter((v) => v.alarms?.enabled !== false).length,
            }), stackYaml(s));
            // AND each Fargate service's probe is what its target group probes, and the gate's request for it
            // (the path on the url's host) falls under the url's path, so its rule routes it to this service
            for (const [n, v] of Object.entries<Record<string, any>>(s.values.services)) {
                if (v.mode !== "fargate") continue;
                const out = (p.outputs.services as Record<string, { url: string; healthCheckPath: string }>)[n];
                const tg = p.resources.find((r) => r.type === "aws:lb/targetGroup:TargetGroup" && r.parent === `ecs-ship-${s.stack}-${n}`)!;
                assert.equal(out.healthCheckPath, tg.inputs.healthCheck.path, n);
                const prefix = new URL(out.url).pathname.replace(/\/$/, "");
                const probe = new URL(out.healthCheckPath, out.url).pathname;
                assert.ok(probe === prefix || probe.startsWith(`${prefix}/`), `${n}: ${probe} is not under ${out.url}`);
            }
            // AND its cost section renders: an estimate where the price table has the region, the reason where not
            const cost = await planCost(p, { markdown: false, assume: [] });
            assert.equal("unavailable" in cost.json, !(s.region in PRICES.regions), cost.text);
            assert.match(cost.text, /^Monthly cost estimate for stack /);
        }), params(COUNTS.plannedValid, true));
    });

    it(`refuses ${COUNTS.plannedInvalid} generated invalid stack files in the planner with ConfigError, before any resource`, async () => {
        let i = 0;
        await fc.assert(fc.asyncProperty(brokenStack, async (s) => {
            const file = writeStack(dir, s, 1000 + i++);
            await assert.rejects(plan(s.stack, { stackFile: file, env: { GITHUB_SHA: SHA } }), (e: unknown) => {
                assert.ok(e instanceof ConfigError, `expected ConfigError for ${s.what}, got ${(e as Error)?.stack ?? e}`);
                assert.ok(e.problems.some((p) => p.startsWith(`${s.key}:`)), `${s.what}: no problem names ${s.key}:\n${e.message}`);
                return true;
            });
        }), params(COUNTS.plannedInvalid, true));
    });

    it(`exits 2 from npm run plan with the configuration error and no stack trace, for ${COUNTS.cliInvalid} invalid stacks; 0 for ${COUNTS.cliValid} valid`, () => {
        // GIVEN generated stack files  WHEN planned through the command line  THEN exit 2 naming the key / exit 0
        const cli = (s: GeneratedStack, i: number) => spawnSync(process.execPath,
            [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(ROOT, "tools/plan/index.ts"), "--stack", s.stack, "--stack-file", writeStack(dir, s, 2000 + i)],
            { cwd: ROOT, env: { ...process.env, GITHUB_SHA: SHA }, encoding: "utf8" });
        fc.sample(brokenStack, { seed: SEED, numRuns: COUNTS.cliInvalid }).forEach((s, i) => {
            const r = cli(s, i);
            assert.equal(r.status, 2, `${s.what}: exit ${r.status}\n${r.stderr}`);
            assert.match(r.stderr, new RegExp(`^Invalid ecs-ship configuration for stack "${s.stack}"`));
            assert.ok(r.stderr.includes(`  - ${s.key}:`), `${s.what}: ${s.key} not named in\n${r.stderr}`);
            assert.doesNotMatch(r.stderr, STACK_FRAME);
        });
        fc.sample(validStack, { seed: SEED, numRuns: COUNTS.cliValid }).forEach((s, i) => {
            const r = cli(s, 100 + i);
            assert.equal(r.status, 0, r.stderr);
            assert.doesNotMatch(r.stderr, STACK_FRAME);
        });
    });
});
