// Fixtures for the pure configuration tests: a valid dev-like stack file each test changes one
// thing in, and the problems parseSettings reports for it.
import { strict as assert } from "assert";
import { ConfigError, RawConfig, parseSettings } from "../../config";

export const SHA = "0123456789abcdef0123456789abcdef01234567";

/** A valid dev-like configuration; each test changes one thing. */
export function raw(values: Record<string, unknown> = {}, overrides: Partial<RawConfig> = {}): RawConfig {
    return {
        stack: "dev",
        region: "us-east-1",
        values: {
            github: { repository: "acme/shop" },
            services: { web: { mode: "express", image: { context: "app" } } },
            ...values,
        },
        env: { GITHUB_SHA: SHA },
        gitHead: () => undefined,
        ...overrides,
    };
}

/** The one Express service `web`, with these settings added. */
export function web(service: Record<string, unknown>): Record<string, unknown> {
    return { services: { web: { mode: "express", image: { context: "app" }, ...service } } };
}

/** The problems parseSettings reports, or a failure when it accepts the input. */
export function problems(input: RawConfig): string[] {
    try {
        parseSettings(input);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("configuration was accepted");
}
