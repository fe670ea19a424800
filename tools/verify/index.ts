// tools/verify: the post-deploy gate, `npm run verify` (this file, the command): what it checks in
// order (verifyGate.ts), over ECS (verifyEcs.ts, verifyDeployment.ts) and HTTP (verifyHttp.ts), with
// what they share (verifyCore.ts).
// May import: components/fargate (the deployment strategies' stages), config.
//
// ecs-ship post-deploy gate.
//
//   pulumi stack output --json --stack dev | npm run verify -- --stack dev --since <time up started> [--sha <sha>] [--deadline <seconds>]
//   npm run verify -- --stack dev --since 2026-11-23T08:00:00Z --outputs outputs.json
//
// For each service in the stack outputs: the service deployment started since --since (an ISO 8601
// time, taken just before `pulumi up`) is SUCCESSFUL, the image digest the stack outputs name is what
// runs, <healthCheckPath> on the url's host answers 200, and, when the service sets versionPath, <versionPath>
// reports the expected commit (--sha, else GITHUB_SHA). A promoted service (`image.from`) must have
// deployed the digest in ECS_SHIP_PROMOTED_IMAGES, its source stack's (tools/verify/verifyPromotion.ts). Retries back off exponentially up to --deadline
// seconds (default 600). Exit codes: tools/verify/verifyGate.ts and docs/ci-cd.md. A failure prints one line,
// "verify: <reason>" (a GitHub error annotation inside Actions), saying what was expected, what was
// seen, and where to look.
import * as fs from "fs";
import { ECSClient } from "@aws-sdk/client-ecs";
import { EXIT, ExitCode, GateFailure, realClock, runGate } from "./verifyGate";
import { parsePromoted } from "./verifyPromotion";
import { PROMOTED_IMAGES_ENV } from "../../config/promotion";

export interface CliArgs {
    stack: string;
    outputsFile?: string;
    sha?: string;
    since: Date;
    deadlineSeconds: number;
}

const USAGE = "usage: npm run verify -- --stack <name> --since <ISO 8601 time> [--outputs <file>] [--sha <sha>] [--deadline <seconds>]";
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses the command line; every problem is a bad-input failure. */
export function parseArgs(argv: string[]): CliArgs {
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        if (!["--stack", "--since", "--outputs", "--sha", "--deadline"].includes(flag)) {
            throw new GateFailure(EXIT.badInput, `unknown argument ${JSON.stringify(flag)}; ${USAGE}`);
        }
        const value = argv[++i];
        if (value === undefined || value.startsWith("--")) throw new GateFailure(EXIT.badInput, `${flag}: needs a value; ${USAGE}`);
        values[flag] = value;
    }
    if (!values["--stack"]) throw new GateFailure(EXIT.badInput, `--stack: required; ${USAGE}`);
    const rawSince = values["--since"];
    if (rawSince === undefined) throw new GateFailure(EXIT.badInput, `--since: required, the time \`pulumi up\` started; ${USAGE}`);
    const since = new Date(rawSince);
    if (!ISO_TIME.test(rawSince) || Number.isNaN(since.getTime())) {
        throw new GateFailure(EXIT.badInput, `--since: must be an ISO 8601 time with a zone, such as 2026-11-23T08:00:00Z, got ${JSON.stringify(rawSince)}`);
    }
    let deadlineSeconds = 600;
    if (values["--deadline"] !== undefined) {
        deadlineSeconds = Number(values["--deadline"]);
        if (!/^\d+$/.test(values["--deadline"]) || deadlineSeconds < 1) {
            throw new GateFailure(EXIT.badInput, `--deadline: must be a whole number of seconds, at least 1, got ${JSON.stringify(values["--deadline"])}`);
        }
    }
    return { stack: values["--stack"], outputsFile: values["--outputs"], sha: values["--sha"], since, deadlineSeconds };
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
            {
                stack: args.stack, outputs, since: args.since, expectedSha: args.sha ?? process.env.GITHUB_SHA, deadlineSeconds: args.deadlineSeconds,
                promoted: parsePromoted(process.env[PROMOTED_IMAGES_ENV]),
            },
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
