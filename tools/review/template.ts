// The review template (stack `review`'s stack file) as the review workflow reads it, and the stack file of
// one pull request's stack, written as a verbatim copy of it. Both sit where the Pulumi CLI looks: beside
// Pulumi.yaml or in its stackConfigDir (config/project.ts).
import * as fs from "fs";
import { REVIEW_TEMPLATE_STACK, ReviewSettings, reviewSettingsOf, reviewStackName } from "../../config/review";
import { DEFAULT_SESSION_SECONDS, MAX_JOB_MINUTES, roleVariable } from "../project/environments";
import { StackFileError, readProject, readYaml, stackFileOf } from "../../config/project";

export interface Template {
    file: string;
    text: string;
    settings: ReviewSettings;
    region: string;
    sessionSeconds: number;
}

/** Whether the project has a review template: without one, review environments are off. */
export function hasTemplate(root: string): boolean {
    return fs.existsSync(stackFileOf(readProject(root), REVIEW_TEMPLATE_STACK));
}

/** Reads stack `review`'s file; a missing file, key or region is a StackFileError naming what to add. */
export function readTemplate(root: string): Template {
    const file = stackFileOf(readProject(root), REVIEW_TEMPLATE_STACK);
    if (!fs.existsSync(file)) {
        throw new StackFileError(`${file}: no review template: review environments deploy copies of stack "${REVIEW_TEMPLATE_STACK}"'s stack file, which must exist with ecs-ship:review (docs/review-environments.md)`);
    }
    const doc = readYaml(file) ?? {};
    const settings = reviewSettingsOf(doc);
    if (!settings) throw new StackFileError(`${file}: ecs-ship:review: is required in the review template, got nothing (docs/review-environments.md)`);
    const config = (doc.config ?? {}) as Record<string, unknown>;
    const region = config["aws:region"];
    if (typeof region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
        throw new StackFileError(`${file}: aws:region: must be a region such as us-east-1, got ${JSON.stringify(region ?? null)}`);
    }
    const github = (config["ecs-ship:github"] ?? {}) as Record<string, unknown>;
    const session = github.maxSessionDuration ?? DEFAULT_SESSION_SECONDS;
    if (typeof session !== "number" || !Number.isInteger(session) || session < 3600 || session > 43200) {
        throw new StackFileError(`${file}: ecs-ship:github.maxSessionDuration: must be an integer from 3600 to 43200 seconds, got ${JSON.stringify(session)}`);
    }
    return { file, text: fs.readFileSync(file, "utf8"), settings, region, sessionSeconds: session };
}

/** Writes Pulumi.pr-<n>.yaml beside the template, as a verbatim copy of it; returns its path. */
export function writeStackFile(root: string, n: number): string {
    const template = readTemplate(root);
    const file = stackFileOf(readProject(root), reviewStackName(n));
    fs.writeFileSync(file, template.text);
    return file;
}

/**
 * What the review workflow's jobs need, as `key=value` lines for $GITHUB_OUTPUT: whether a label or an
 * environment gates the deploy, the region and session of the review deploy role, and the repository
 * variable holding its ARN (REVIEW_DEPLOY_ROLE_ARN, named as the other stacks' roles are).
 */
export function workflowOutputs(t: Template): Record<string, string> {
    return {
        enabled: "true",
        require: t.settings.require,
        label: t.settings.label ?? "",
        environment: t.settings.environment ?? "",
        sweepEnvironment: t.settings.sweepEnvironment,
        region: t.region,
        sessionSeconds: String(t.sessionSeconds),
        timeoutMinutes: String(Math.min(Math.floor(t.sessionSeconds / 60), MAX_JOB_MINUTES)),
        roleVar: roleVariable(REVIEW_TEMPLATE_STACK, "DEPLOY"),
    };
}
