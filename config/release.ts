// `release` of a service: the command run as a one-off task before each rollout that changes the
// service's task settings (components/release/releaseTask.ts runs it).
import * as fs from "fs";
import * as nodePath from "path";
import { z } from "zod";
import { RELEASE_DEFAULTS, RELEASE_TIMEOUT_RANGE } from "../components/release/releaseTask";
import { closed, int, listOf, problem, record, says, show } from "./rules";

export const commandSchema = listOf(z.string(says("must be a non-empty string")).min(1, { error: "must be a non-empty string" }), "strings (exec form)")
    .min(1, { error: 'must list at least the program, e.g. ["python", "manage.py", "migrate"]' });

export const releaseSchema = closed({
    command: commandSchema.optional()
        .meta({ description: 'The command, exec form (["python", "manage.py", "migrate"]). Optional with a built image whose folder has a Procfile with a `release:` line; required with a prebuilt image.' }),
    timeoutMinutes: int(RELEASE_TIMEOUT_RANGE.min, RELEASE_TIMEOUT_RANGE.max).optional()
        .meta({ description: "Minutes the command may run; then the task is stopped and the deployment fails.", default: RELEASE_DEFAULTS.timeoutMinutes }),
}).meta({
    description: "Run this command as one task of the new version (image, environment, secrets, network, roles) before the service rolls out, "
        + "on every deployment that changes the service's task settings. A non-zero exit fails the deployment and leaves the old version serving.",
});

/** Cross-field rule: a prebuilt image has no folder to read a Procfile from. Path relative to the service. */
export function checkRelease(s: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const release = record(s.release);
    if (!release || release.command !== undefined) return;
    const image = record(s.image);
    if (image?.ref !== undefined) {
        problem(ctx, ["release", "command"], `is required with a prebuilt image (image.ref): ecs-ship does not build it, so it has no Procfile to read a release command from; give the command, e.g. ["python", "manage.py", "migrate"], got nothing`);
    }
}

/** The `release:` line of a Procfile (`release: python manage.py migrate`), or undefined. */
export function procfileRelease(text: string): string | undefined {
    for (const line of text.split(/\r?\n/)) {
        const m = /^release:\s*(.*?)\s*$/.exec(line);
        if (m && m[1]) return m[1];
    }
    return undefined;
}

/**
 * The release command of a built image given without one: its folder's Procfile `release:` line,
 * run by the image's shell. Pushes a problem naming the key when there is none.
 */
export function releaseFromProcfile(key: string, context: string, projectDir: string | undefined, problems: string[]): string[] | undefined {
    const file = nodePath.resolve(projectDir ?? ".", context, "Procfile");
    let line: string | undefined;
    try { line = procfileRelease(fs.readFileSync(file, "utf8")); } catch { line = undefined; }
    if (line === undefined) {
        problems.push(`${key}.command: is required: give the command, or a \`release:\` line in ${show(nodePath.join(context, "Procfile"))}, got neither`);
        return undefined;
    }
    return ["/bin/sh", "-c", line];
}
