// Runs a scheduled job once, by hand, as its schedule would, and waits for its exit code.
//
//   npm run task -- --stack prod --job clear-sessions [--outputs outputs.json] [--timeout <minutes>]
//
// The job's settings come from the stack outputs (`jobs.<name>`): read from --outputs, from stdin
// when piped, or else from `pulumi stack output --json --stack <s>`. The command exits with the
// job's own exit code; its own failures use TASK_EXIT (tools/operate/taskRun.ts, docs/workloads.md).
import { execFileSync } from "child_process";
import * as fs from "fs";
import { ECSClient } from "@aws-sdk/client-ecs";
import { TASK_EXIT, TaskFailure, jobTarget, runJobOnce } from "./taskRun";
import { realClock } from "../verify/verifyCore";

const USAGE = "usage: npm run task -- --stack <name> --job <name> [--outputs <file>] [--timeout <minutes>]";

export interface TaskCliArgs { stack: string; job: string; outputsFile?: string; timeoutMinutes: number }

export function parseTaskArgs(argv: string[]): TaskCliArgs {
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        if (!["--stack", "--job", "--outputs", "--timeout"].includes(flag)) throw new TaskFailure(TASK_EXIT.badInput, `unknown argument ${JSON.stringify(flag)}; ${USAGE}`);
        const value = argv[++i];
        if (value === undefined || value.startsWith("--")) throw new TaskFailure(TASK_EXIT.badInput, `${flag}: needs a value; ${USAGE}`);
        values[flag] = value;
    }
    for (const f of ["--stack", "--job"]) if (!values[f]) throw new TaskFailure(TASK_EXIT.badInput, `${f}: required; ${USAGE}`);
    const timeout = values["--timeout"] ?? "60";
    if (!/^\d+$/.test(timeout) || Number(timeout) < 1 || Number(timeout) > 1440) {
        throw new TaskFailure(TASK_EXIT.badInput, `--timeout: must be a whole number of minutes from 1 to 1440, got ${JSON.stringify(timeout)}`);
    }
    return { stack: values["--stack"], job: values["--job"], outputsFile: values["--outputs"], timeoutMinutes: Number(timeout) };
}

function readOutputs(args: TaskCliArgs): unknown {
    let text: string;
    try {
        text = args.outputsFile !== undefined || !process.stdin.isTTY
            ? fs.readFileSync(args.outputsFile ?? 0, "utf8")
            : execFileSync("pulumi", ["stack", "output", "--json", "--stack", args.stack], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    } catch (err) {
        throw new TaskFailure(TASK_EXIT.badInput, `stack outputs: cannot read them (${(err as Error).message}); pass --outputs <file> or pipe \`pulumi stack output --json\``);
    }
    try {
        return JSON.parse(text);
    } catch {
        throw new TaskFailure(TASK_EXIT.badInput, "stack outputs: not JSON (expected the output of `pulumi stack output --json`)");
    }
}

/** The last lines of a log stream through CloudWatch Logs GetLogEvents (newest last), or a note when it cannot be read. */
function logReader(region: string) {
    return async (group: string, stream: string, limit: number): Promise<string[]> => {
        try {
            // Loaded only here, so the rest of the tool (and its tests) needs no Logs client.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const logs = require("@aws-sdk/client-cloudwatch-logs");
            const client = new logs.CloudWatchLogsClient({ region });
            // startFromHead false returns the newest events (CloudWatch Logs API Reference, GetLogEvents).
            const out = await client.send(new logs.GetLogEventsCommand({ logGroupName: group, logStreamName: stream, limit, startFromHead: false }));
            return (out.events ?? []).map((e: { message?: string }) => e.message ?? "");
        } catch (err) {
            return [`(log ${group}/${stream} not read: ${(err as Error).message})`];
        }
    };
}

export async function main(argv: string[]): Promise<number> {
    try {
        const args = parseTaskArgs(argv);
        const target = jobTarget(readOutputs(args), args.job);
        const region = target.clusterArn.split(":")[3];
        const result = await runJobOnce(target, { ecs: new ECSClient({ region }), lastLogLines: logReader(region), clock: realClock, log: (l) => console.log(l) }, { timeoutMs: args.timeoutMinutes * 60_000 });
        console.log(`job ${args.job}: exited ${result.exitCode}${result.stoppedReason ? ` (${result.stoppedReason})` : ""}`);
        if (result.logLines.length > 0) console.log(`last ${result.logLines.length} log line(s):\n${result.logLines.map((l) => `  ${l}`).join("\n")}`);
        return result.exitCode ?? TASK_EXIT.noExitCode;
    } catch (err) {
        const failure = err instanceof TaskFailure ? err : undefined;
        console.error(`task: ${failure ? failure.message : `unexpected error: ${(err as Error).message ?? String(err)}`}`);
        if (failure && failure.logLines.length > 0) console.error(failure.logLines.map((l) => `  ${l}`).join("\n"));
        return failure ? failure.code : 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
