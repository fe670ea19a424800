// npm run -s review -- <command>: the review environments' steps (docs/review-environments.md).
//
//   settings                           the template's settings as key=value lines, for $GITHUB_OUTPUT
//                                      (enabled=false alone when the project has no template)
//   stack-file --number <n>            writes Pulumi.pr-<n>.yaml, a verbatim copy of the template
//   admit --number <n> [--tagged]      makes room for pr-<n> under maxStacks, or refuses (exit 3) saying why
//   sweep [--tagged]                   destroys the stacks of closed/merged pull requests and expired ones
//   record --stack <s> --out <file>    writes the stack's resources (pulumi stack export) before a destroy
//   verify-destroyed --stack <s> --recorded <file> [--tagged]
//                                      after a destroy: exit 1 listing every resource left
//   teardown --number <n> [--tagged] [--out <file>]
//                                      record (to --out), destroy, verify-destroyed, stack rm; nothing when pr-<n> does not exist
//   comment --number <n> --sha <sha> --out <file> [--outputs <file>] [--plan <file>]
//           (--gate <exit code> | --refused <file> | --failed <step> | --destroyed <count>) [--run-url <url>]
//                                      writes the pull request comment's body
//
// --tagged adds the check against AWS's tagging API (tools/review/destroyed.ts). The sweep writes its
// report, and teardown its record, to $GITHUB_STEP_SUMMARY when set. Exit codes: 0 done, 1 a teardown
// left resources or failed, 2 bad input, 3 the deploy was refused (maxStacks).
import * as fs from "fs";
import { ReviewConfigError, reviewStackName } from "../../config/review";
import { StackFileError, projectRoot, readProject, stackFileOf } from "../../config/project";
import { Clock, GitHub, PulumiBackend, Tagging, awsTagging, githubApi, pulumiCli, realClock } from "./backend";
import { Outcome, reviewComment } from "./comment";
import { leftovers, recordedResources, teardown, teardownReport } from "./destroyed";
import { admit, sweep, sweepReport } from "./lifecycle";
import { hasTemplate, readTemplate, workflowOutputs, writeStackFile } from "./template";

export interface CliDeps {
    root: string;
    env: NodeJS.ProcessEnv;
    pulumi: PulumiBackend;
    github: GitHub;
    tagging: (region: string) => Tagging;
    clock: Clock;
    out: (text: string) => void;
    err: (text: string) => void;
}

class UsageError extends Error {}

const FLAGS = ["--number", "--stack", "--out", "--recorded", "--sha", "--outputs", "--plan", "--gate", "--refused", "--failed", "--destroyed", "--run-url"];

function parse(argv: string[]): { flags: Record<string, string>; tagged: boolean } {
    const flags: Record<string, string> = {};
    let tagged = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--tagged") { tagged = true; continue; }
        if (!FLAGS.includes(argv[i])) throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`);
        const v = argv[i + 1];
        if (v === undefined || v.startsWith("--")) throw new UsageError(`${argv[i]} needs a value`);
        flags[argv[i]] = argv[++i];
    }
    return { flags, tagged };
}

function number(flags: Record<string, string>): number {
    const raw = flags["--number"];
    if (raw === undefined || !/^[1-9][0-9]{0,5}$/.test(raw)) throw new UsageError(`--number: must be a pull request number from 1 to 999999, got ${JSON.stringify(raw ?? null)}`);
    return Number(raw);
}

function need(flags: Record<string, string>, flag: string): string {
    if (flags[flag] === undefined) throw new UsageError(`${flag}: required`);
    return flags[flag];
}

function readJson(file: string | undefined, what: string): unknown {
    if (file === undefined) return undefined;
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new UsageError(`${what}: cannot read ${file} as JSON: ${(e as Error).message}`);
    }
}

function outcomeOf(flags: Record<string, string>): Outcome {
    const given = ["--gate", "--refused", "--failed", "--destroyed"].filter((f) => flags[f] !== undefined);
    if (given.length !== 1) throw new UsageError(`comment: give exactly one of --gate, --refused, --failed, --destroyed, got ${given.length ? given.join(", ") : "none"}`);
    if (flags["--gate"] !== undefined) {
        if (!/^\d+$/.test(flags["--gate"])) throw new UsageError(`--gate: must be the deploy gate's exit code, got ${JSON.stringify(flags["--gate"])}`);
        return { kind: "gate", code: Number(flags["--gate"]) };
    }
    if (flags["--refused"] !== undefined) return { kind: "refused", reason: fs.readFileSync(flags["--refused"], "utf8").trim() };
    if (flags["--failed"] !== undefined) return { kind: "failed", step: flags["--failed"] };
    return { kind: "destroyed", resources: Number(flags["--destroyed"]) };
}

function summary(deps: CliDeps, text: string): void {
    if (deps.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(deps.env.GITHUB_STEP_SUMMARY, text);
}

export async function main(argv: string[], deps: CliDeps): Promise<number> {
    const [command, ...rest] = argv;
    const log = (line: string) => deps.out(`${line}\n`);
    try {
        const { flags, tagged } = parse(rest);
        const tagging = () => (tagged ? deps.tagging(readTemplate(deps.root).region) : undefined);
        // A stack's file carries its secrets provider settings; a teardown writes it from the template when
        // the checkout has none (the pull request's branch wrote it, this run's checkout did not).
        const prepare = (stack: string) => {
            const n = Number(stack.slice("pr-".length));
            if (!fs.existsSync(stackFileOf(readProject(deps.root), stack))) writeStackFile(deps.root, n);
        };
        const ctx = { pulumi: deps.pulumi, github: deps.github, clock: deps.clock, log, prepare };
        switch (command) {
            case "settings":
                // No template: review environments are off, and the workflows' jobs skip (enabled=false).
                if (!hasTemplate(deps.root)) {
                    deps.out("enabled=false\n");
                    deps.err(`${deps.env.GITHUB_ACTIONS === "true" ? "::notice title=review environments off::" : ""}This project has no review template (Pulumi.review.yaml with ecs-ship:review), so no review stack is deployed; docs/review-environments.md says how to set one up.\n`);
                    return 0;
                }
                for (const [k, v] of Object.entries(workflowOutputs(readTemplate(deps.root)))) deps.out(`${k}=${v}\n`);
                return 0;
            case "stack-file":
                log(`wrote ${writeStackFile(deps.root, number(flags))}`);
                return 0;
            case "admit": {
                const n = number(flags);
                const r = await admit(n, readTemplate(deps.root).settings, ctx, tagging());
                if (r.admitted) {
                    log(`admit: pr-${n} may deploy: ${r.reason}`);
                    return 0;
                }
                if (flags["--out"]) fs.writeFileSync(flags["--out"], r.reason + "\n");
                deps.err(`${deps.env.GITHUB_ACTIONS === "true" ? "::error title=review stack refused::" : ""}${r.reason}\n`);
                return 3;
            }
            case "sweep": {
                const entries = await sweep(readTemplate(deps.root).settings, ctx, tagging());
                const report = sweepReport(entries, deps.clock.now());
                deps.out(report);
                summary(deps, report);
                return entries.some((e) => e.error) ? 1 : 0;
            }
            case "record": {
                const stack = need(flags, "--stack");
                fs.writeFileSync(need(flags, "--out"), JSON.stringify(recordedResources(await deps.pulumi.exportResources(stack)), null, 2) + "\n");
                return 0;
            }
            case "verify-destroyed": {
                const stack = need(flags, "--stack");
                const recorded = readJson(need(flags, "--recorded"), "--recorded") as ReturnType<typeof recordedResources>;
                const left = await leftovers(stack, recorded, deps.pulumi, deps.clock, tagging());
                if (left.length === 0) {
                    log(`verify-destroyed: ${stack}: all ${recorded.length} recorded resource(s) are gone`);
                    return 0;
                }
                deps.err(`verify-destroyed: ${stack}: ${left.length} resource(s) left:\n${left.map((l) => `  - ${l}`).join("\n")}\n`);
                return 1;
            }
            case "teardown": {
                const stack = reviewStackName(number(flags));
                const list = await deps.pulumi.listStacks();
                if (!list.some((s) => s.name.split("/").at(-1) === stack)) {
                    log(`teardown: ${stack} does not exist (never deployed, or already removed): nothing to destroy`);
                    return 0;
                }
                const t = await teardown(stack, ctx, tagging());
                if (flags["--out"]) fs.writeFileSync(flags["--out"], JSON.stringify(t.recorded, null, 2) + "\n");
                summary(deps, teardownReport(t));
                if (t.left.length) deps.err(`teardown: ${stack}: destroy left ${t.left.length} resource(s):\n${t.left.map((l) => `  - ${l}`).join("\n")}\n`);
                return t.left.length ? 1 : 0;
            }
            case "comment": {
                const n = number(flags);
                const plan = readJson(flags["--plan"], "--plan") as { cost?: never } | undefined;
                const { settings } = readTemplate(deps.root);
                const body = reviewComment({
                    stack: reviewStackName(n), sha: need(flags, "--sha"), outcome: outcomeOf(flags),
                    outputs: readJson(flags["--outputs"], "--outputs"), cost: plan?.cost,
                    expiresAfterHours: settings.expiresAfterHours, maxStacks: settings.maxStacks, runUrl: flags["--run-url"],
                });
                fs.writeFileSync(need(flags, "--out"), body);
                return 0;
            }
            default:
                throw new UsageError(`unknown command ${JSON.stringify(command ?? "")}; commands: settings, stack-file, admit, sweep, record, verify-destroyed, teardown, comment`);
        }
    } catch (e) {
        if (e instanceof UsageError || e instanceof StackFileError || e instanceof ReviewConfigError) {
            deps.err(`review: ${e.message}\n`);
            return 2;
        }
        deps.err(`review: ${(e as Error).message}\n`);
        return 1;
    }
}

/** The real world: the Pulumi CLI in the project, GitHub with the job's token, the AWS CLI. */
export function realDeps(env: NodeJS.ProcessEnv = process.env): CliDeps {
    const root = projectRoot();
    return {
        root, env, pulumi: pulumiCli(root), clock: realClock,
        github: githubApi(env.GITHUB_REPOSITORY ?? "", env.GH_TOKEN ?? env.GITHUB_TOKEN),
        tagging: awsTagging,
        out: (t) => process.stdout.write(t),
        err: (t) => process.stderr.write(t),
    };
}

if (require.main === module) main(process.argv.slice(2), realDeps()).then((code) => { process.exitCode = code; });
