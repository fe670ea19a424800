// How every component reports bad arguments: one error that names each argument, what is
// allowed and what was given, tied to the component, without a stack trace.
import * as pulumi from "@pulumi/pulumi";

/**
 * A component's invalid arguments. A `pulumi.ResourceError`, so the CLI names the component
 * it belongs to, created with `hideStack`, so the user sees the problems and not a trace.
 * One problem is the whole message; several are listed one per line.
 */
export function argumentsError(self: pulumi.Resource, problems: string[]): pulumi.ResourceError {
    const message = problems.length === 1
        ? problems[0]
        : `${problems.length} invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`;
    return new pulumi.ResourceError(message, self, true);
}
