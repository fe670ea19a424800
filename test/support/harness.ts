// Mock harness for component tests.
//
// - `useMocks()` installs Pulumi's mock runtime (preview = false, so Output callbacks
//   run) with the realistic fake cloud of tools/planner/mockCloud.ts, fresh for each test.
// - `cloud` records every registered resource: type, name, inputs as sent, and the
//   options the engine sees (parent, dependsOn, customTimeouts, retainOnDelete).
// - `optionsRecorder()` is a component-level `transformations` entry that captures the
//   options each child was given, as the component wrote them.
// - `promiseOf()` turns an Output into a promise, so tests are plain `async` functions.
import * as pulumi from "@pulumi/pulumi";
import { MockCloud, RecordedResource, installMocks, settle } from "../../tools/planner/mockCloud";

export const cloud = new MockCloud();
export type { RecordedResource };

/** Installs fresh mocks before each test of the enclosing `describe`. */
export function useMocks(stack = "dev", region = "us-east-1"): void {
    beforeEach(() => {
        cloud.reset(region);
        installMocks(cloud, "ecs-ship", stack);
        pulumi.runtime.setAllConfig({ "aws:region": region });
    });
    afterEach(async () => {
        await settle();
    });
}

/** Resolves an Output's value (mocks run with preview = false, so it is always known). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => {
        resolve(v);
        return v;
    }));
}

/** Waits until every registration has reached the mock cloud. */
export async function settled(): Promise<MockCloud> {
    await settle();
    return cloud;
}

export interface CapturedOptions {
    type: string;
    parent?: string;
    dependsOn: string[];
    customTimeouts?: pulumi.CustomTimeouts;
    retainOnDelete?: boolean;
}

/**
 * A `transformations` entry for the component under test that records each child's
 * options by name. Pass `{ transformations: [rec.transformation] }` to the component.
 */
export function optionsRecorder(): { transformation: pulumi.ResourceTransformation; options: Map<string, CapturedOptions> } {
    const options = new Map<string, CapturedOptions>();
    const transformation: pulumi.ResourceTransformation = (args) => {
        const deps = args.opts.dependsOn;
        const list = deps === undefined ? [] : Array.isArray(deps) ? deps : [deps];
        options.set(args.name, {
            type: args.type,
            parent: (args.opts.parent as any)?.__name,
            dependsOn: (list as any[]).map((d) => d?.__name).filter((n) => n !== undefined),
            customTimeouts: args.opts.customTimeouts,
            retainOnDelete: args.opts.retainOnDelete,
        });
        return undefined;
    };
    return { transformation, options };
}

/** Parses a policy input that may be a JSON string or an object. */
export function doc(value: unknown): any {
    return typeof value === "string" ? JSON.parse(value) : value;
}
