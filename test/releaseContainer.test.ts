// The release runner on a real container: the sample app's image (app/Dockerfile) runs a release
// command that exits 0, and one that exits 3, through the same runner the deploy uses
// (components/release/releaseRunner.ts runRelease). Only ECS is replaced: RunTask starts the image on the
// local Docker engine with the command override, DescribeTasks reads the container's state, and the
// log reader reads the container's own output. So each outcome is what the deploy would do: the first
// lets the rollout go on, the second fails the `up` with the exit code and the real log lines.
//
// Where no engine answers, the suite is skipped with the reason printed; CI sets
// ECS_SHIP_REQUIRE_DOCKER=1, which turns a missing engine into a failure (as test/container.test.ts).
import { strict as assert } from "assert";
import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { ReleaseRun, runRelease } from "../components/release/releaseRunner";
import { buildAppImage, docker, dockerOk, ensureLocalBase, findEngine, removeQuietly, uniqueName } from "./support/docker";

const APP_VERSION = "7e1ea5e";
const TASK_PREFIX = "arn:aws:ecs:us-east-1:123456789012:task/local/";

/**
 * ECS as far as the runner uses it, on the local engine: one container per RunTask, named by the
 * task id, with the task definition's environment and the override's command.
 */
function dockerEcs(image: string, environment: Record<string, string>, started: string[]) {
    return {
        async send(command: unknown): Promise<any> {
            if (command instanceof RunTaskCommand) {
                const input = command.input;
                const override = input.overrides!.containerOverrides![0];
                const name = uniqueName("ecs-ship-release");
                started.push(name);
                const env = Object.entries(environment).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
                await dockerOk(["run", "--detach", "--network", "host", "--name", name, ...env, image, ...override.command!]);
                return { tasks: [{ taskArn: `${TASK_PREFIX}${name}`, lastStatus: "PROVISIONING" }], failures: [] };
            }
            if (command instanceof DescribeTasksCommand) {
                const taskArn = command.input.tasks![0];
                const [status, code] = (await dockerOk(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", taskArn.slice(TASK_PREFIX.length)])).split(" ");
                const stopped = status === "exited" || status === "dead";
                return {
                    tasks: [{
                        taskArn,
                        lastStatus: stopped ? "STOPPED" : status === "created" ? "PENDING" : "RUNNING",
                        containers: [{ name: "app", ...(stopped ? { exitCode: Number(code) } : {}) }],
                        ...(stopped ? { stopCode: "EssentialContainerExited" } : {}),
                    }],
                    failures: [],
                };
            }
            if (command instanceof StopTaskCommand) {
                await docker(["stop", "--time", "5", command.input.task!.slice(TASK_PREFIX.length)]);
                return {};
            }
            throw new Error(`the release runner made a call this test does not serve: ${(command as object).constructor.name}`);
        },
    };
}

/** The container's own output, last lines first-to-last, as GetLogEvents returns the awslogs stream. */
async function containerLogs(_group: string, stream: string, limit: number): Promise<string[]> {
    const r = await docker(["logs", "--tail", String(limit), stream.split("/").pop()!]);
    return `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.length > 0);
}

describe("release runner on the sample app's image (real Docker engine)", function () {
    let image = "";
    const started: string[] = [];
    const run = (command: string[]): ReleaseRun => ({
        region: "us-east-1", cluster: "local", taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/ecs-ship-dev-web:1",
        containerName: "app", command, subnets: ["subnet-0a1b41bdcf3f7af0d"], securityGroups: [], assignPublicIp: true,
        logGroup: "ecs-ship-dev-web-logs", logStreamPrefix: "app", timeoutSeconds: 120, pollSeconds: 1, service: "ecs-ship-dev-web",
    });
    const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
    const ecs = () => dockerEcs(image, { PORT: "8080", DATABASE_URL: "postgres://release@127.0.0.1/shop" }, started);

    before(async function () {
        this.timeout(600_000);
        const engine = await findEngine();
        if (!engine.ok) {
            if (process.env.ECS_SHIP_REQUIRE_DOCKER === "1") throw new Error(`ECS_SHIP_REQUIRE_DOCKER=1, but ${engine.reason}`);
            console.log(`      skipping the release container tests: ${engine.reason}`);
            this.skip();
        }
        const base = await ensureLocalBase();
        image = await buildAppImage({ base, version: APP_VERSION, tag: `${uniqueName("ecs-ship-release-test")}:${APP_VERSION}` });
    });

    after(async function () {
        this.timeout(120_000);
        await removeQuietly("container", ...started);
        await removeQuietly("image", image);
    });

    it("exit 0: the runner returns the stopped task, so Pulumi goes on to roll the service out", async function () {
        this.timeout(120_000);
        const outcome = await runRelease(run(["node", "-e", "console.log('Applying shop.0001_initial... OK'); console.log(process.env.DATABASE_URL)"]), ecs(), containerLogs, clock);
        assert.equal(outcome.exitCode, 0);
        assert.equal(outcome.statuses[outcome.statuses.length - 1], "STOPPED");
        assert.ok(outcome.taskArn.startsWith(TASK_PREFIX));
        // It ran the command (not the image's web server) with the task's environment.
        assert.deepEqual(await containerLogs("", outcome.taskArn, 20), ["Applying shop.0001_initial... OK", "postgres://release@127.0.0.1/shop"]);
    });

    it("exit 3: the runner fails the `up` naming the task, the exit code and the container's last log lines", async function () {
        this.timeout(120_000);
        const command = ["node", "-e", "console.log('Applying shop.0002_orders...'); console.error('relation \"orders\" already exists'); process.exit(3)"];
        await assert.rejects(runRelease(run(command), ecs(), containerLogs, clock), (e: Error) => {
            assert.match(e.message, new RegExp(`^ecs-ship: the release task ${TASK_PREFIX.replace(/[/.]/g, "\\$&")}ecs-ship-release-\\S+ of ecs-ship-dev-web exited with code 3 running `));
            assert.match(e.message, /The service was not changed: the old version keeps serving\./);
            assert.match(e.message, /Last 2 log line\(s\):\n {2}Applying shop\.0002_orders\.\.\.\n {2}relation "orders" already exists$/);
            return true;
        });
    });
});
