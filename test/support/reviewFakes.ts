// In-memory stand-ins for what tools/review asks of the world: a Pulumi backend holding stacks and their
// state, GitHub's pull request states, AWS's tagging API, and a clock. Every call is logged in order.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Clock, GitHub, PullState, PulumiBackend, StackSummary, StateResource, Tagging } from "../../tools/review/backend";
import { CliDeps } from "../../tools/review/cli";

export const NOW = new Date("2026-12-05T12:00:00.000Z");
export const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

export interface FakeStack {
    summary: StackSummary;
    resources: StateResource[];
    /** URNs destroy fails to delete: they stay in the state. */
    stuck?: string[];
}

/** A review stack's state: the stack, its provider, and `n` custom resources. */
export function stateOf(stack: string, n: number, extra: Partial<StateResource> = {}): StateResource[] {
    const urn = (t: string, name: string) => `urn:pulumi:${stack}::ecs-ship::${t}::${name}`;
    return [
        { urn: urn("pulumi:pulumi:Stack", `ecs-ship-${stack}`), type: "pulumi:pulumi:Stack", custom: false },
        { urn: urn("pulumi:providers:aws", "default"), type: "pulumi:providers:aws", custom: true, id: "p-1" },
        ...Array.from({ length: n }, (_, i) => ({ urn: urn("aws:cloudwatch/logGroup:LogGroup", `web-${i}`), type: "aws:cloudwatch/logGroup:LogGroup", custom: true, id: `/ecs/ecs-ship-${stack}-web-${i}`, ...extra })),
    ];
}

export class FakePulumi implements PulumiBackend {
    calls: string[] = [];
    constructor(public stacks: Map<string, FakeStack>) {}
    static of(list: Array<[string, Partial<StackSummary>, number?]>): FakePulumi {
        return new FakePulumi(new Map(list.map(([name, s, n]) => [name, { summary: { name, ...s }, resources: stateOf(name, n ?? 3) }])));
    }
    async listStacks() { this.calls.push("ls"); return [...this.stacks.values()].map((s) => s.summary); }
    async exportResources(stack: string) {
        this.calls.push(`export ${stack}`);
        const s = this.stacks.get(stack);
        if (!s) throw new Error(`no stack named '${stack}' found`);
        return s.resources.map((r) => ({ ...r }));
    }
    async destroy(stack: string) {
        this.calls.push(`destroy ${stack}`);
        const s = this.stacks.get(stack)!;
        s.resources = s.resources.filter((r) => s.stuck?.includes(r.urn));
    }
    async remove(stack: string) {
        this.calls.push(`rm ${stack}`);
        if (this.stacks.get(stack)!.resources.length) throw new Error(`'${stack}' still has resources`);
        this.stacks.delete(stack);
    }
}

export class FakeGitHub implements GitHub {
    asked: number[] = [];
    constructor(private states: Record<number, PullState>) {}
    async pullState(n: number): Promise<PullState> {
        this.asked.push(n);
        return this.states[n] ?? { state: "unknown", detail: `GitHub has no pull request #${n} in acme/shop (404)` };
    }
}

/** Lists `arns` for the first `times` queries, then nothing (as AWS drops deleted resources from the listing). */
export class FakeTagging implements Tagging {
    queries: string[] = [];
    constructor(private arns: string[], private times = Infinity) {}
    async resourcesTagged(key: string, value: string) {
        this.queries.push(`${key}=${value}`);
        return this.queries.length <= this.times ? this.arns : [];
    }
}

export class FakeClock implements Clock {
    slept: number[] = [];
    now() { return NOW; }
    async sleep(ms: number) { this.slept.push(ms); }
}

/** A project with Pulumi.yaml and a review template, its stack files in `stacks/` when `configDir`. */
export function reviewProject(review = "  ecs-ship:review:\n    maxStacks: 2\n    expiresAfterHours: 24\n", configDir = false): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-review-"));
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), `name: ecs-ship\nruntime: nodejs\n${configDir ? "stackConfigDir: stacks\n" : ""}`);
    const dir = configDir ? path.join(root, "stacks") : root;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.review.yaml"), `# the review template\nconfig:\n  aws:region: eu-west-1\n  ecs-ship:github:\n    repository: acme/shop\n${review}`);
    return root;
}

/** CLI dependencies over the fakes; what it prints is collected in `out` and `err`. */
export function cliDeps(root: string, pulumi: FakePulumi, github: FakeGitHub, tagging = new FakeTagging([]), env: NodeJS.ProcessEnv = {}) {
    const printed = { out: "", err: "", regions: [] as string[] };
    const deps: CliDeps = {
        root, env, pulumi, github, clock: new FakeClock(),
        tagging: (region) => { printed.regions.push(region); return tagging; },
        out: (t) => { printed.out += t; },
        err: (t) => { printed.err += t; },
    };
    return { deps, printed };
}
