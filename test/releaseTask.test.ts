// The release task: its runner and its dynamic provider against a mocked ECS client (success, a
// non-zero exit with log lines, a task that never starts, a timeout, a re-run that runs nothing),
// the provider code exactly as the plan serializes it, and where it sits in the real plans.
import { strict as assert } from "assert";
import * as path from "path";
import { DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { ReleaseClock, ReleaseRun, releaseLogStream, runTaskInput } from "../components/release/releaseRunner";
import { releaseTaskProvider } from "../components/release/releaseTask";
import { Plan, ROOT, plan } from "../tools/planner/planner";

const TASK = "arn:aws:ecs:eu-west-1:123456789012:task/ecs-ship-prod-cluster-be69318/0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const RUN: ReleaseRun = {
    region: "eu-west-1",
    cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/ecs-ship-prod-cluster-be69318",
    taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/ecs-ship-prod-web:7",
    containerName: "app",
    command: ["python", "manage.py", "migrate"],
    subnets: ["subnet-0a1b41bdcf3f7af0d", "subnet-4f0b160664501f389"],
    securityGroups: ["sg-20268d3a29ee306fb"],
    assignPublicIp: true,
    logGroup: "ecs-ship-prod-web-logs-dc39e5b",
    logStreamPrefix: "app",
    timeoutSeconds: 60,
    pollSeconds: 6,
    service: "ecs-ship-prod-web",
};

/** A clock that only moves when the runner sleeps. */
function fakeClock(): ReleaseClock & { slept: number[] } {
    let t = 0;
    const slept: number[] = [];
    return { slept, now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; } };
}

const started = { tasks: [{ taskArn: TASK, lastStatus: "PROVISIONING" }], failures: [] };
const status = (lastStatus: string, extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}) =>
    ({ tasks: [{ taskArn: TASK, lastStatus, ...extra, containers: [{ name: "app", ...container }] }], failures: [] });

describe("ReleaseTask provider (mocked ECS client)", () => {
    const ecs = mockClient(ECSClient);
    let logReads: string[][];
    const lines = ["Operations to perform:", "  Apply all migrations: shop", "django.db.utils.OperationalError: could not connect to server"];
    const provider = (clock = fakeClock()) => releaseTaskProvider({ clock, readLogs: async (g, s, n) => { logReads.push([g, s, String(n)]); return lines; } });
    beforeEach(() => { ecs.reset(); logReads = []; });

    it("success: runs the command once from the new revision, in the service's network, and records the task", async () => {
        // GIVEN a task that goes PENDING -> RUNNING -> STOPPED with exit code 0
        ecs.on(RunTaskCommand).resolves(started);
        ecs.on(DescribeTasksCommand).resolvesOnce(status("PENDING")).resolvesOnce(status("RUNNING")).resolvesOnce(status("STOPPED", {}, { exitCode: 0 }));
        const clock = fakeClock();
        // WHEN Pulumi creates the release resource
        const out = await provider(clock).create!(RUN);
        // THEN exactly one RunTask ran the new revision with the command, on regular Fargate, in the tasks' subnets and group
        const calls = ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input);
        assert.deepEqual(calls, [{
            cluster: RUN.cluster, taskDefinition: RUN.taskDefinitionArn, launchType: "FARGATE", count: 1, startedBy: "ecs-ship-release",
            networkConfiguration: { awsvpcConfiguration: { subnets: RUN.subnets, securityGroups: RUN.securityGroups, assignPublicIp: "ENABLED" } },
            overrides: { containerOverrides: [{ name: "app", command: ["python", "manage.py", "migrate"] }] },
        }]);
        assert.equal(out.id, TASK);
        assert.equal(out.outs.exitCode, 0);
        assert.deepEqual(clock.slept, [6000, 6000]);
        assert.equal(ecs.commandCalls(StopTaskCommand).length, 0);
        assert.deepEqual(logReads, [], "a successful release reads no logs");
    });

    it("non-zero exit: fails naming the task, the exit code and the last log lines", async () => {
        ecs.on(RunTaskCommand).resolves(started);
        ecs.on(DescribeTasksCommand).resolvesOnce(status("RUNNING")).resolves(status("STOPPED", { stopCode: "EssentialContainerExited" }, { exitCode: 3 }));
        await assert.rejects(provider().create!(RUN), (e: Error) => {
            assert.equal(e.message, `ecs-ship: the release task ${TASK} of ecs-ship-prod-web exited with code 3 running ["python","manage.py","migrate"]. `
                + "The service was not changed: the old version keeps serving.\nLast 3 log line(s):\n"
                + "  Operations to perform:\n    Apply all migrations: shop\n  django.db.utils.OperationalError: could not connect to server");
            return true;
        });
        // The lines come from the container's awslogs stream: <prefix>/<container>/<task id>
        assert.deepEqual(logReads, [[RUN.logGroup, "app/app/0f1e2d3c4b5a69788796a5b4c3d2e1f0", "20"]]);
    });

    it("a task that never starts its command (image pull failed): fails with ECS's reasons", async () => {
        ecs.on(RunTaskCommand).resolves(started);
        ecs.on(DescribeTasksCommand).resolves(status("STOPPED",
            { stopCode: "TaskFailedToStart", stoppedReason: "CannotPullContainerError: pull image manifest has been retried 5 time(s)" },
            { reason: "CannotPullContainerError: ref not found" }));
        await assert.rejects(provider().create!(RUN), /the release task .* of ecs-ship-prod-web never started its command: TaskFailedToStart; CannotPullContainerError: pull image manifest has been retried 5 time\(s\); CannotPullContainerError: ref not found\. The service was not changed\./);
    });

    it("a task ECS refuses to place: fails with RunTask's failure, nothing to wait for", async () => {
        ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: "RESOURCE:ENI", detail: "no free addresses in subnet" }] });
        await assert.rejects(provider().create!(RUN), /could not be started from arn:aws:ecs:eu-west-1:123456789012:task-definition\/ecs-ship-prod-web:7: RESOURCE:ENI \(no free addresses in subnet\)\. The service was not changed\./);
        assert.equal(ecs.commandCalls(DescribeTasksCommand).length, 0);
    });

    it("timeout: stops the task and fails with a clear message", async () => {
        // GIVEN a command that never ends, and a 1-minute timeout
        ecs.on(RunTaskCommand).resolves(started);
        ecs.on(DescribeTasksCommand).resolves(status("RUNNING"));
        ecs.on(StopTaskCommand).resolves({});
        await assert.rejects(provider().create!(RUN), (e: Error) => {
            assert.match(e.message, /^ecs-ship: the release task .* of ecs-ship-prod-web did not finish within 1 minute \(last status RUNNING\); it was stopped, and the service was not changed\. Raise release\.timeoutMinutes/);
            assert.match(e.message, /could not connect to server$/);
            return true;
        });
        assert.deepEqual(ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input), [{ cluster: RUN.cluster, task: TASK, reason: "ecs-ship: release timed out after 1 minute" }]);
        // 60 s / 6 s: eleven looks, the last at the deadline
        assert.equal(ecs.commandCalls(DescribeTasksCommand).length, 11);
    });

    it("re-run of the same commit: no diff, and nothing runs", async () => {
        // GIVEN the state a successful release left
        ecs.on(RunTaskCommand).resolves(started);
        ecs.on(DescribeTasksCommand).resolves(status("STOPPED", {}, { exitCode: 0 }));
        const p = provider();
        const { outs } = await p.create!(RUN);
        ecs.reset();
        // WHEN the same inputs are planned again
        const d = await p.diff!(TASK, outs, { ...RUN });
        // THEN there is no change, so Pulumi calls no update, and the diff itself asked ECS nothing
        assert.deepEqual(d, { changes: false, replaces: [], deleteBeforeReplace: false });
        assert.equal(ecs.calls().length, 0);
    });

    it("a changed timeout alone updates the record and runs nothing; a new revision runs again", async () => {
        ecs.on(RunTaskCommand).resolves(started);
        ecs.on(DescribeTasksCommand).resolves(status("STOPPED", {}, { exitCode: 0 }));
        const p = provider();
        const olds = { ...RUN, taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/c/old", exitCode: 0 };
        assert.equal((await p.diff!(TASK, olds, { ...RUN, timeoutSeconds: 1200 })).changes, true);
        const kept = await p.update!(TASK, olds, { ...RUN, timeoutSeconds: 1200 });
        assert.equal(ecs.commandCalls(RunTaskCommand).length, 0);
        assert.equal(kept.outs!.taskArn, olds.taskArn);
        const next = { ...RUN, taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/ecs-ship-prod-web:8" };
        const ran = await p.update!(TASK, olds, next);
        assert.deepEqual(ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input.taskDefinition), [next.taskDefinitionArn]);
        assert.equal(ran.outs!.taskArn, TASK);
    });

    it("runs without a security group as RunTask's default (the VPC's default group) and without a public IP when told", () => {
        const input = runTaskInput({ ...RUN, securityGroups: [], assignPublicIp: false }) as any;
        assert.deepEqual(input.networkConfiguration, { awsvpcConfiguration: { subnets: RUN.subnets, securityGroups: undefined, assignPublicIp: "DISABLED" } });
        assert.equal(releaseLogStream({ logStreamPrefix: "release", containerName: "app" }, TASK), "release/app/0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    });
});

describe("ReleaseTask in the planned stacks", () => {
    const ecs = mockClient(ECSClient);
    const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
    let fargate: Plan;
    let express: Plan;
    before(async function () {
        this.timeout(120000);
        fargate = await plan("prod", { stackFile: path.join(ROOT, "test/scenarios/release-fargate/Pulumi.prod.yaml"), env: { GITHUB_SHA: SHA } });
        express = await plan("staging", { stackFile: path.join(ROOT, "test/scenarios/release-express/Pulumi.staging.yaml"), env: { GITHUB_SHA: SHA } });
    });
    beforeEach(() => ecs.reset());
    const one = (p: Plan, name: string) => p.resources.find((r) => r.name === name)!;

    it("runs the provider code exactly as Pulumi serialized it into the plan", async () => {
        const release = one(fargate, "ecs-ship-prod-web-release");
        // Pulumi's dynamic provider host loads the code this way (@pulumi/pulumi cmd/dynamic-provider).
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const provider = require("require-from-string")(release.inputs.__provider).handler();
        ecs.on(RunTaskCommand).resolves(started);
        ecs.on(DescribeTasksCommand).resolves(status("STOPPED", {}, { exitCode: 0 }));
        const out = await provider.create({ ...release.inputs, pollSeconds: 0 });
        assert.equal(out.id, TASK);
        const input = ecs.commandCalls(RunTaskCommand)[0].args[0].input;
        assert.equal(input.taskDefinition, one(fargate, "ecs-ship-prod-web-td").state.arn);
        assert.deepEqual(input.overrides, { containerOverrides: [{ name: "app", command: ["python", "manage.py", "migrate", "--noinput"] }] });
    });

    it("Fargate: runs the service's new revision in the tasks' subnets and security group; the service waits for it", () => {
        const release = one(fargate, "ecs-ship-prod-web-release");
        const svc = one(fargate, "ecs-ship-prod-web-svc");
        assert.equal(release.type, "pulumi-nodejs:dynamic:ReleaseTask");
        assert.equal(release.inputs.taskDefinitionArn, one(fargate, "ecs-ship-prod-web-td").state.arn);
        assert.deepEqual(release.inputs.subnets, svc.inputs.networkConfiguration.subnets);
        assert.deepEqual(release.inputs.securityGroups, svc.inputs.networkConfiguration.securityGroups);
        assert.equal(release.inputs.timeoutSeconds, 20 * 60);
        assert.ok(svc.dependsOn.includes("ecs-ship-prod-web-release"));
        // It needs the execution role's policies (image pull, secrets) and the tasks' egress rule (no egress
        // without it: the provider removes AWS's default rule) before the task starts.
        assert.ok(release.dependsOn.includes("ecs-ship-prod-web-exec-secrets"));
        assert.ok(release.dependsOn.includes("ecs-ship-prod-web-task-egress"));
    });

    it("Express: a task definition of its own (family <service>-release) with the service's image, variables, secrets and roles", () => {
        const td = one(express, "ecs-ship-staging-web-release-td");
        const release = one(express, "ecs-ship-staging-web-release");
        const svc = one(express, "ecs-ship-staging-web-service").inputs;
        assert.equal(td.inputs.family, "ecs-ship-staging-web-release");
        const [c] = JSON.parse(td.inputs.containerDefinitions);
        assert.equal(c.image, svc.primaryContainer.image);
        assert.deepEqual(c.secrets, svc.primaryContainer.secrets);
        assert.deepEqual(c.environment, svc.primaryContainer.environments.filter((e: { name: string }) => e.name !== "ECS_SHIP_SCALING"));
        assert.equal(td.inputs.executionRoleArn, svc.executionRoleArn);
        assert.equal(release.inputs.taskDefinitionArn, td.state.arn);
        assert.equal(release.inputs.logStreamPrefix, "release");
        assert.deepEqual(release.inputs.securityGroups, []);
        assert.ok(release.inputs.subnets.length >= 2);
        assert.ok(one(express, "ecs-ship-staging-web-service").dependsOn.includes("ecs-ship-staging-web-release"));
    });

    it("re-planning the same commit against the first run's account changes nothing in the release", async function () {
        this.timeout(120000);
        const again = await plan("prod", { stackFile: path.join(ROOT, "test/scenarios/release-fargate/Pulumi.prod.yaml"), env: { GITHUB_SHA: SHA }, world: fargate.world });
        const [a, b] = [one(fargate, "ecs-ship-prod-web-release"), one(again, "ecs-ship-prod-web-release")];
        const { __provider: _a, ...before } = a.inputs;
        const { __provider: _b, ...after } = b.inputs;
        assert.deepEqual(after, before);
    });
});
