// tools/plan: `npm run plan` (this file, the command) and its cost part (planCost.ts).
// May import: tools/planner, tools/simulate, tools/project, components/cost, components/limits, components/service, config.
//
// npm run plan -- [--stack <name>] [--json] [--stack-file <path>] [--out <file>] [--rerun [--rerun-sha <sha>]]
//                  [--from <stack file | git ref>] [cost flags, see tools/plan/planCost.ts]
// npx ecs-ship plan [the same options], in an app's repository
//
// The project is the nearest folder from the working directory up that holds Pulumi.yaml; its stack
// files sit beside it or in its stackConfigDir. A --stack-file is the stack its name says
// (Pulumi.<stack>.yaml); a file named otherwise needs --stack.
//
// --out writes the plan to a file instead of stdout: npm prints its "> ecs-ship@… plan" banner
// on stdout, so `npm run plan -- --json --out plan.json` (or `npm run -s plan -- --json | jq`)
// is how to get pure JSON through npm.
//
// --rerun plans the program a second time against the account the first run left (its image
// pushed, its resources existing) and prints what that second `pulumi up` would change:
// nothing, for the same commit (tools/planner/replacements.ts).
//
// --from plans the stack as it was (another stack file, or this stack's file and program at a git
// ref), then as it is now against the account that left, and prints the steps `pulumi up` would take
// between them, in the engine's order, checked against AWS's rules (tools/simulate). It exits 2 naming
// the step and the rule when AWS would refuse one (docs/update-simulator.md).
//
// Shows what `pulumi up` would create for a stack, offline: the real program under
// Pulumi's mock runtime, no credentials, no CLI, no network. Exit codes: 0 ok,
// 2 invalid configuration or an AWS limit the plan would break, 1 anything else.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config";
import { formatViolation } from "../../components/limits/limits";
import { RecordedResource } from "../planner/mockCloud";
import { Plan, plan, planJson } from "../planner/planner";
import { StackFileError, projectRoot, stackForFile } from "../../config/project";
import { COST_USAGE, CostArgs, CostError, CostReport, planCost, takeCostArgs } from "./planCost";
import { ResourceChange, compareRuns } from "../planner/replacements";
import { administratorSentence, failureSentence, renderSimulation, simulate, simulationJson } from "../simulate";
import { Before, FromError, commitSha, planBefore } from "../simulate/from";

interface Args { projectDir: string; stack: string; json: boolean; stackFile?: string; out?: string; rerun: boolean; rerunSha?: string; from?: string; cost: CostArgs }

const USAGE = `usage: npm run plan -- (or npx ecs-ship plan) [--stack <name>] [--json] [--stack-file <path>] [--out <file>] [--rerun [--rerun-sha <sha>]] [--from <stack file | git ref>] ${COST_USAGE}`;

function parseArgs(all: string[]): Args {
    let taken: ReturnType<typeof takeCostArgs>;
    try {
        taken = takeCostArgs(all);
    } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
        process.exit(2);
    }
    const argv = taken.rest;
    const args: Args = { projectDir: projectRoot(), stack: "", json: false, rerun: false, cost: taken.cost };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json") args.json = true;
        else if (a === "--stack" || a === "-s") args.stack = argv[++i];
        else if (a.startsWith("--stack=")) args.stack = a.slice(8);
        else if (a === "--stack-file") args.stackFile = argv[++i];
        else if (a === "--out") args.out = argv[++i];
        else if (a === "--rerun") args.rerun = true;
        else if (a === "--rerun-sha") args.rerunSha = argv[++i];
        else if (a === "--from") args.from = argv[++i];
        else if (a === "--help" || a === "-h") {
            process.stdout.write(`${USAGE}\n`);
            process.exit(0);
        } else {
            process.stderr.write(`plan: unknown argument ${JSON.stringify(a)}; ${USAGE}\n`);
            process.exit(2);
        }
    }
    if (argv.some((a) => a === "--stack" || a === "-s" || a.startsWith("--stack=")) && !args.stack) {
        process.stderr.write("plan: --stack needs a name\n");
        process.exit(2);
    }
    // The stack is the one the file is named after (Pulumi.<stack>.yaml), as the Pulumi CLI reads it,
    // so planning Pulumi.prod.yaml plans "prod" with prod's names; a file whose name says no stack
    // needs --stack. With no file, dev.
    if (args.stackFile !== undefined) {
        try {
            args.stack = stackForFile(args.stackFile, args.stack || undefined);
        } catch (e) {
            process.stderr.write(`plan: ${(e as Error).message}\n`);
            process.exit(2);
        }
    }
    if (!args.stack) args.stack = "dev";
    if (args.out === undefined ? argv.includes("--out") : args.out === "" || args.out.startsWith("--")) {
        process.stderr.write(`plan: --out needs a file name, got ${JSON.stringify(args.out ?? "")}; ${USAGE}\n`);
        process.exit(2);
    }
    if (args.from !== undefined && (args.from === "" || args.from.startsWith("--") || args.rerun)) {
        process.stderr.write(`plan: --from needs a stack file or a git ref, and does not go with --rerun, got ${JSON.stringify(args.from)}; ${USAGE}\n`);
        process.exit(2);
    }
    if (argv.includes("--from") && args.from === undefined) {
        process.stderr.write(`plan: --from needs a stack file or a git ref; ${USAGE}\n`);
        process.exit(2);
    }
    return args;
}

/** The settings worth reading per resource type, in display order. */
const KEY_FIELDS: Record<string, string[]> = {
    "pulumi:providers:aws": ["region", "defaultTags"],
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ["url", "clientIdLists"],
    "aws:iam/role:Role": ["name", "permissionsBoundary", "maxSessionDuration"],
    "aws:iam/policy:Policy": ["name"],
    "aws:iam/rolePolicy:RolePolicy": ["role"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["policyArn"],
    "aws:ecr/repository:Repository": ["name", "imageTagMutability", "imageScanningConfiguration", "encryptionConfigurations", "forceDelete"],
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": ["policy"],
    "docker:index/image:Image": ["imageName", "build"],
    "aws:cloudwatch/logGroup:LogGroup": ["name", "retentionInDays"],
    "aws:ecs/expressGatewayService:ExpressGatewayService": ["serviceName", "cpu", "memory", "healthCheckPath", "scalingTargets", "waitForSteadyState"],
    "aws:ecs/cluster:Cluster": ["name", "settings"],
    "aws:ecs/taskDefinition:TaskDefinition": ["family", "cpu", "memory", "runtimePlatform"],
    "aws:ecs/service:Service": ["name", "desiredCount", "launchType", "capacityProviderStrategies", "deploymentCircuitBreaker", "waitForSteadyState"],
    "aws:lb/loadBalancer:LoadBalancer": ["name", "subnets"],
    "aws:lb/targetGroup:TargetGroup": ["port", "targetType", "deregistrationDelay", "healthCheck"],
    "aws:lb/listener:Listener": ["port", "protocol", "sslPolicy"],
    "aws:ec2/securityGroup:SecurityGroup": ["description"],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["ipProtocol", "fromPort", "toPort", "cidrIpv4", "cidrIpv6", "referencedSecurityGroupId"],
    "aws:appautoscaling/target:Target": ["minCapacity", "maxCapacity"],
    "aws:appautoscaling/policy:Policy": ["policyType", "targetTrackingScalingPolicyConfiguration"],
};

function summarize(r: RecordedResource): string {
    const fields = KEY_FIELDS[r.type] ?? Object.keys(r.displayInputs).filter((k) => typeof r.displayInputs[k] !== "object").slice(0, 4);
    const parts: string[] = [];
    for (const f of fields) {
        const v = r.displayInputs[f];
        if (v === undefined) continue;
        let text = typeof v === "string" ? v : JSON.stringify(v);
        if (text.length > 140) text = text.slice(0, 137) + "...";
        parts.push(`${f}=${text}`);
    }
    return parts.join("  ");
}

function renderText(p: Plan): string {
    const lines: string[] = [`Plan for ${p.project}, stack "${p.stack}": ${p.resources.length} resources would be created`, ""];
    const children = new Map<string | null, RecordedResource[]>();
    for (const r of p.resources) {
        const list = children.get(r.parentUrn) ?? [];
        list.push(r);
        children.set(r.parentUrn, list);
    }
    const walk = (parentUrn: string | null, depth: number) => {
        for (const r of children.get(parentUrn) ?? []) {
            const indent = "  ".repeat(depth);
            lines.push(`${indent}+ ${r.type}  ${r.name}`);
            const s = summarize(r);
            if (s) lines.push(`${indent}    ${s}`);
            if (r.dependsOn.length) lines.push(`${indent}    dependsOn: ${r.dependsOn.join(", ")}`);
            walk(r.urn, depth + 1);
        }
    };
    walk(null, 0);
    if (p.assumptions.length) {
        lines.push("", "Assumed offline (a real pulumi up checks these):");
        for (const a of p.assumptions) lines.push(`  - ${a}`);
    }
    lines.push("", "Outputs:");
    for (const [k, v] of Object.entries(p.outputs)) lines.push(`  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    return lines.join("\n") + "\n";
}

function renderChanges(stack: string, changes: ResourceChange[]): string {
    const mark: Record<string, string> = { create: "+", delete: "-", update: "~", replace: "+-" };
    const lines = [`Re-run of stack "${stack}" against the first run's account: ${changes.length ? `${changes.length} change(s)` : "no changes"}`];
    for (const c of changes) {
        const why = c.replaceBecause.length ? `  (replaced: ${c.replaceBecause.join(", ")})` : c.changed.length ? `  (${c.changed.join(", ")})` : "";
        lines.push(`  ${mark[c.action]} ${c.type}  ${c.name}${why}`);
        if (c.problem) lines.push(`      would break: ${c.problem}`);
    }
    return lines.join("\n") + "\n";
}

async function main(): Promise<number> {
    const args = parseArgs(process.argv.slice(2));
    let result: Plan;
    let before: Before | undefined;
    // Both sides of --from are planned for one commit, so the image is not what differs.
    const env = args.from !== undefined ? { ...process.env, GITHUB_SHA: commitSha() } : undefined;
    try {
        if (args.from !== undefined) before = await planBefore(args.from, args.stack, args.stackFile, env!, args.projectDir);
        result = await plan(args.stack, { projectDir: args.projectDir, stackFile: args.stackFile, env, world: before?.world });
    } catch (e) {
        if (e instanceof ConfigError || e instanceof StackFileError || e instanceof FromError) {
            process.stderr.write(`${e.message}\n`);
            return 2;
        }
        // A component refusing its arguments (pulumi.ResourceError) is a problem with the input,
        // said in the component's own words: no stack trace.
        if (e instanceof pulumi.ResourceError || (e as Error)?.name === "ResourceError") {
            process.stderr.write(`plan: ${(e as Error).message.replace(/(error serializing property "[^"]*": )+/g, "")}\n`);
            return 2;
        }
        process.stderr.write(`plan failed: ${(e as Error)?.stack ?? e}\n`);
        return 1;
    }
    if (result.violations.length) {
        process.stderr.write(`Pre-flight: ${result.violations.length} resource(s) would be rejected by AWS:\n`);
        for (const v of result.violations) process.stderr.write(`  - ${formatViolation(v)}\n`);
        return 2;
    }
    let text: string;
    let code = 0;
    if (before) {
        const sim = simulate(before.resources, result.resources);
        text = args.json ? JSON.stringify(simulationJson(args.stack, before.label, sim), null, 2) + "\n" : renderSimulation(args.stack, before.label, sim);
        code = sim.failure ? 2 : 0;
        // Also on stderr, so a log shows it when stdout is piped or written to --out.
        if (sim.failure) process.stderr.write(`plan: ${failureSentence(sim)}\n`);
        // A change the deploy role cannot make is not a refusal: said on stderr, for the pull request's comment.
        const admin = administratorSentence(args.stack, sim);
        if (admin) process.stderr.write(`plan: ${admin}\n`);
    } else if (args.rerun) {
        const env = args.rerunSha ? { ...process.env, GITHUB_SHA: args.rerunSha } : process.env;
        const second = await plan(args.stack, { projectDir: args.projectDir, stackFile: args.stackFile, world: result.world, env });
        const changes = compareRuns(result.resources, second.resources);
        text = args.json ? JSON.stringify({ stack: args.stack, changes }, null, 2) + "\n" : renderChanges(args.stack, changes);
        code = changes.some((c) => c.problem) ? 2 : 0;
    } else {
        let cost: CostReport;
        try {
            cost = await planCost(result, args.cost);
        } catch (e) {
            if (!(e instanceof CostError)) throw e;
            process.stderr.write(`${e.message}\n`);
            return 2;
        }
        text = args.cost.markdown ? cost.markdown
            : args.json ? JSON.stringify({ ...(planJson(result) as object), cost: cost.json }, null, 2) + "\n"
            : renderText(result) + "\n" + cost.text;
    }
    if (args.out === undefined) {
        process.stdout.write(text);
        return code;
    }
    try {
        fs.writeFileSync(args.out, text);
    } catch (e) {
        process.stderr.write(`plan: --out: cannot write ${args.out}: ${(e as Error).message}\n`);
        return 1;
    }
    return code;
}

// Exit by process.exitCode, never process.exit(): when stdout is a pipe Node writes to it
// asynchronously, and process.exit() would drop whatever the pipe has not taken yet (a plan
// piped into jq was cut at 64 KiB). Node exits once the event loop is empty, with every
// pending write flushed.
main().then(
    (code) => { process.exitCode = code; },
    (e) => {
        process.stderr.write(`plan failed: ${e?.stack ?? e}\n`);
        process.exitCode = 1;
    },
);
