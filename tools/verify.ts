// ecs-ship post-deploy gate.
//
//   pulumi stack output --json --stack dev | npm run verify -- --stack dev [--sha <sha>] [--deadline <seconds>]
//   npm run verify -- --stack dev --outputs outputs.json
//
// For each service in the stack outputs it waits until ECS reports the latest service deployment
// SUCCESSFUL, then until <url>/health answers 200 and <url>/version reports the expected commit
// (--sha, else GITHUB_SHA). Retries back off exponentially up to --deadline seconds (default 600).
//
// Exit codes:
//   0 ok
//   1 unexpected error (for example AWS access denied): no verdict on the rollout
//   2 bad input (arguments, stack outputs, expected SHA)
//   3 ECS rolled the deployment back or stopped it
//   4 deadline reached before a service was healthy
//   5 version mismatch: healthy, but /version never reported the expected commit
// A failure prints one line: "verify: <reason>" (as a GitHub error annotation inside Actions).
import * as fs from "fs";
import { ECSClient } from "@aws-sdk/client-ecs";
import { EXIT, ExitCode, GateFailure, realClock, runGate } from "./verifyGate";

export interface CliArgs {
    stack: string;
    outputsFile?: string;
    sha?: string;
    deadlineSeconds: number;
}

const USAGE = "usage: npm run verify -- --stack <name> [--outputs <file>] [--sha <sha>] [--deadline <seconds>]";

/** Parses the command line; every problem is a bad-input failure. */
export function parseArgs(argv: string[]): CliArgs {
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        if (!["--stack", "--outputs", "--sha", "--deadline"].includes(flag)) {
            throw new GateFailure(EXIT.badInput, `unknown argument ${JSON.stringify(flag)}; ${USAGE}`);
        }
        const value = argv[++i];
        if (value === undefined || value.startsWith("--")) throw new GateFailure(EXIT.badInput, `${flag}: needs a value; ${USAGE}`);
        values[flag] = value;
    }
    if (!values["--stack"]) throw new GateFailure(EXIT.badInput, `--stack: required; ${USAGE}`);
    let deadlineSeconds = 600;
    if (values["--deadline"] !== undefined) {
        deadlineSeconds = Number(values["--deadline"]);
        if (!/^\d+$/.test(values["--deadline"]) || deadlineSeconds < 1) {
            throw new GateFailure(EXIT.badInput, `--deadline: must be a whole number of seconds, at least 1, got ${JSON.stringify(values["--deadline"])}`);
        }
    }
    return { stack: values["--stack"], outputsFile: values["--outputs"], sha: values["--sha"], deadlineSeconds };
}

/** Reads and parses the stack outputs from a file, or from stdin when it is piped. */
export function readOutputs(file: string | undefined): unknown {
    let text: string;
    const source = file ?? "stdin";
    try {
        if (file === undefined && process.stdin.isTTY) {
            throw new GateFailure(EXIT.badInput, "stack outputs: pipe `pulumi stack output --json` into verify, or pass --outputs <file>");
        }
        text = fs.readFileSync(file ?? 0, "utf8");
    } catch (err) {
        if (err instanceof GateFailure) throw err;
        throw new GateFailure(EXIT.badInput, `--outputs: cannot read ${source}: ${(err as Error).message}`);
    }
    try {
        return JSON.parse(text);
    } catch {
        throw new GateFailure(EXIT.badInput, `stack outputs: ${source} is not JSON (expected the output of \`pulumi stack output --json\`)`);
    }
}

export async function main(argv: string[]): Promise<ExitCode> {
    try {
        const args = parseArgs(argv);
        const outputs = readOutputs(args.outputsFile);
        const clients = new Map<string, ECSClient>();
        await runGate(
            { stack: args.stack, outputs, expectedSha: args.sha ?? process.env.GITHUB_SHA ?? "", deadlineSeconds: args.deadlineSeconds },
            {
                ecs: (region) => clients.get(region) ?? clients.set(region, new ECSClient({ region })).get(region)!,
                fetch,
                clock: realClock,
                log: (line) => console.log(line),
            },
        );
        console.log(`verify: ${args.stack} passed`);
        return EXIT.ok;
    } catch (err) {
        const failure = err instanceof GateFailure ? err : undefined;
        const reason = failure ? failure.message : `unexpected error: ${(err as Error).message ?? String(err)}`;
        const prefix = process.env.GITHUB_ACTIONS === "true" ? "::error title=verify::" : "";
        console.error(`${prefix}verify: ${reason}`);
        // An unexpected error (AWS access denied, throttling past the SDK's retries) is not a verdict
        // on the rollout, so it gets its own code rather than passing for a rollback or a timeout.
        return failure ? failure.code : EXIT.error;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
