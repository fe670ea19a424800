// The building blocks of the stack-file schema: each leaf says once what it allows, and the
// formatter (format.ts) turns that into `<full key>: <what is allowed>, got <what was given>`.
import { z } from "zod";

/** How a given value is quoted in an error. */
export function show(value: unknown): string {
    if (value === undefined) return "nothing";
    return JSON.stringify(value);
}

/**
 * A leaf's error: `allowed` when a value is given, `required` (or `is required`) when it is missing.
 * The formatter appends ", got …".
 */
export function says(allowed: string, required?: string): { error: (iss: { input?: unknown }) => string } {
    return { error: (iss) => (iss.input === undefined ? required ?? `is required: ${allowed.replace(/^must be /, "")}` : allowed) };
}

export function int(min: number, max: number, required?: string) {
    const e = says(`must be an integer from ${min} to ${max}`, required);
    return z.number(e).int(e).min(min, e).max(max, e);
}

export function bool() {
    return z.boolean(says("must be true or false"));
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, required?: string, why = "") {
    return z.enum(values, says(`must be one of ${values.join(", ")}${why}`, required));
}

export function oneOfNumbers<const T extends readonly number[]>(values: T, why = "") {
    return z.literal(values, says(`must be one of ${values.join(", ")}${why}`));
}

export function text(pattern: RegExp, allowed: string, required?: string) {
    const e = says(allowed, required);
    return z.string(e).regex(pattern, e);
}

/** A closed map: a key it does not know is a problem naming every key it does. */
export function closed<S extends z.ZodRawShape>(shape: S, required = "is required") {
    const allowed = `allowed keys are ${Object.keys(shape).join(", ")}`;
    return z.strictObject(shape, {
        error: (iss) => (iss.code === "unrecognized_keys" ? allowed : iss.input === undefined ? required : "must be a map of keys to values"),
    });
}

/** A map whose keys the user chooses (services, environment variables, secrets). */
export function mapOf<V extends z.ZodType>(value: V, required?: string) {
    return z.record(z.string(), value, says("must be a map of keys to values", required));
}

export function listOf<V extends z.ZodType>(item: V, what: string) {
    return z.array(item, says(`must be a list of ${what}`));
}

/** Refinements that read several fields run even when one of those fields is itself invalid. */
export const ALWAYS = { when: () => true } as const;

/**
 * Adds a problem whose message is complete (it says what was given itself), at a path relative
 * to the value being refined.
 */
export function problem(ctx: z.RefinementCtx, path: (string | number)[], message: string): void {
    ctx.addIssue({ code: "custom", path, message, params: { complete: true } });
}

/** A plain object, or undefined: refinements see raw input when a field is invalid. */
export function record(value: unknown): Record<string, unknown> | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
