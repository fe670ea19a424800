// npm run plan -- [--stack <name>] [--json] [--stack-file <path>] [--rerun [--rerun-sha <sha>]]
//
// --rerun plans the program a second time against the account the first run left (its image
// pushed, its resources existing) and prints what that second `pulumi up` would change:
// nothing, for the same commit (tools/replacements.ts).
//
// Shows what `pulumi up` would create for a stack, offline: the real program under
// Pulumi's mock runtime, no credentials, no CLI, no network. Exit codes: 0 ok,
// 2 invalid configuration or an AWS limit the plan would break, 1 anything else.
import { ConfigError } from "../config";
import { formatViolation } from "../components/limits";
import { RecordedResource } from "./mockCloud";
import { Plan, StackFileError, plan, planJson } from "./planner";
import { ResourceChange, compareRuns } from "./replacements";

interface Args { stack: string; json: boolean; stackFile?: string; rerun: boolean; rerunSha?: string }

const USAGE = "usage: npm run plan -- [--stack <name>] [--json] [--stack-file <path>] [--rerun [--rerun-sha <sha>]]";

function parseArgs(argv: string[]): Args {
    const args: Args = { stack: "dev", json: false, rerun: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json") args.json = true;
        else if (a === "--stack" || a === "-s") args.stack = argv[++i];
        else if (a.startsWith("--stack=")) args.stack = a.slice(8);
        else if (a === "--stack-file") args.stackFile = argv[++i];
        else if (a === "--rerun") args.rerun = true;
        else if (a === "--rerun-sha") args.rerunSha = argv[++i];
        else if (a === "--help" || a === "-h") {
            process.stdout.write(`${USAGE}\n`);
            process.exit(0);
        } else {
            process.stderr.write(`plan: unknown argument ${JSON.stringify(a)}; ${USAGE}\n`);
            process.exit(2);
        }
    }
    if (!args.stack) {
        process.stderr.write("plan: --stack needs a name\n");
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
    const lines: string[] = [`Plan for ecs-ship, stack "${p.stack}": ${p.resources.length} resources would be created`, ""];
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
    try {
        result = await plan(args.stack, { stackFile: args.stackFile });
    } catch (e) {
        if (e instanceof ConfigError || e instanceof StackFileError) {
            process.stderr.write(`${e.message}\n`);
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
    if (args.rerun) {
        const env = args.rerunSha ? { ...process.env, GITHUB_SHA: args.rerunSha } : process.env;
        const second = await plan(args.stack, { stackFile: args.stackFile, world: result.world, env });
        const changes = compareRuns(result.resources, second.resources);
        process.stdout.write(args.json ? JSON.stringify({ stack: args.stack, changes }, null, 2) + "\n" : renderChanges(args.stack, changes));
        return changes.some((c) => c.problem) ? 2 : 0;
    }
    process.stdout.write(args.json ? JSON.stringify(planJson(result), null, 2) + "\n" : renderText(result));
    return 0;
}

main().then(
    (code) => process.exit(code),
    (e) => {
        process.stderr.write(`plan failed: ${e?.stack ?? e}\n`);
        process.exit(1);
    },
);
