// Update paths of release commands and sidecars: each change planned through the real program
// twice (before and after, the second against the first run's account) and compared with the
// providers' replacement rules (tools/planner/replacements.ts). A release resource that is created or
// whose run keys change runs its command in that `up`; one that is unchanged runs nothing.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ROOT, plan } from "../tools/planner/planner";
import { ResourceChange, compareRuns } from "../tools/planner/replacements";

const SHA = "4f2a9c1e0b7d3a5c9e1f2b4d6a8c0e2f4b6d8a0c";
const NEXT_SHA = "9b8a7c6d5e4f30211f2e3d4c5b6a79880a1b2c3d";
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-release-updates-"));
const MIGRATE = ["python", "manage.py", "migrate"];
const ENVOY = "public.ecr.aws/appmesh/aws-appmesh-envoy@sha256:1f4ca5b2a1c7d7e0a5e0f0c6f3c8b6d9e2a7c4b1d0e9f8a7b6c5d4e3f2a1b0c9";

function stackFile(stack: string, label: string, edit: (services: Record<string, any>) => void): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
    edit(doc.config["ecs-ship:services"]);
    const file = path.join(TMP, `Pulumi.${stack}.${label}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}

/** Plans `setup`, then `setup` + `edit` against the first run's account (optionally at another commit). */
async function change(stack: string, label: string, setup: (s: Record<string, any>) => void, edit: (s: Record<string, any>) => void, sha = SHA): Promise<ResourceChange[]> {
    const before = await plan(stack, { env: { GITHUB_SHA: SHA }, stackFile: stackFile(stack, `${label}-before`, setup) });
    const after = await plan(stack, { env: { GITHUB_SHA: sha }, world: before.world, stackFile: stackFile(stack, label, (s) => { setup(s); edit(s); }) });
    return compareRuns(before.resources, after.resources);
}

const summary = (c: ResourceChange[]) => c.map((x) => `${x.action} ${x.name}${x.changed.length ? ` (${x.changed.join(",")})` : ""}`).sort();
const problems = (c: ResourceChange[]) => c.filter((x) => x.problem).map((x) => `${x.name}: ${x.problem}`);
const none = () => undefined;

describe("Update paths: release commands", function () {
    this.timeout(180000);

    it("Fargate, add a release: the release resource is created (it runs once), nothing else changes", async () => {
        const c = await change("prod", "release-add", none, (s) => { s.web.release = { command: MIGRATE }; });
        assert.deepEqual(summary(c), ["create ecs-ship-prod-web-release"]);
        assert.deepEqual(problems(c), []);
    });

    it("Fargate, change the command: the release is updated (it runs the new command), the service is not", async () => {
        const c = await change("prod", "release-rename", (s) => { s.web.release = { command: MIGRATE }; }, (s) => { s.web.release.command = ["python", "manage.py", "migrate", "--noinput"]; });
        assert.deepEqual(summary(c), ["update ecs-ship-prod-web-release (command)"]);
    });

    it("Fargate, remove the release: its record is deleted, nothing runs, nothing else changes", async () => {
        const c = await change("prod", "release-remove", (s) => { s.web.release = { command: MIGRATE }; }, (s) => { delete s.web.release; });
        assert.deepEqual(summary(c), ["delete ecs-ship-prod-web-release"]);
    });

    it("Fargate, same commit again: no change at all, so the release runs nothing", async () => {
        const c = await change("prod", "release-rerun", (s) => { s.web.release = { command: MIGRATE }; }, none);
        assert.deepEqual(summary(c), []);
    });

    it("Fargate, a new commit: a new revision, the release runs it, then the service rolls out", async () => {
        const c = await change("prod", "release-commit", (s) => { s.web.release = { command: MIGRATE }; }, none, NEXT_SHA);
        const release = c.find((x) => x.name === "ecs-ship-prod-web-release");
        assert.deepEqual(release && [release.action, release.changed], ["update", ["taskDefinitionArn"]]);
        assert.equal(c.find((x) => x.name === "ecs-ship-prod-web-td")?.action, "replace");
        assert.equal(c.find((x) => x.name === "ecs-ship-prod-web-svc")?.action, "update");
        assert.deepEqual(problems(c), []);
    });

    it("Fargate, a longer timeout only: the release record is updated and runs nothing (no run key changed)", async () => {
        const c = await change("prod", "release-timeout", (s) => { s.web.release = { command: MIGRATE }; }, (s) => { s.web.release.timeoutMinutes = 60; });
        assert.deepEqual(summary(c), ["update ecs-ship-prod-web-release (timeoutSeconds)"]);
    });

    it("Express, add then remove a release: its own task definition and the release come and go together", async () => {
        const added = await change("dev", "express-release-add", none, (s) => { s.web.release = { command: MIGRATE }; });
        // AND the trust changes with it: the release family is the Express-only stack's first task definition, so the
        // deploy role gets a deploy-tasks policy (and its attachment) naming it, and the preview role may describe it.
        // That is an administrator's run (docs/workloads.md, "Release tasks").
        assert.deepEqual(summary(added), [
            "create ecs-ship-dev-github-deploy-tasks", "create ecs-ship-dev-github-deploy-tasks",
            "create ecs-ship-dev-web-release", "create ecs-ship-dev-web-release-td", "update ecs-ship-dev-github-preview (policy)",
        ]);
        const removed = await change("dev", "express-release-remove", (s) => { s.web.release = { command: MIGRATE }; }, (s) => { delete s.web.release; });
        assert.deepEqual(summary(removed).filter((x) => !x.includes("-github-")), ["delete ecs-ship-dev-web-release", "delete ecs-ship-dev-web-release-td"]);
        assert.deepEqual(problems(added), []);
    });
});

describe("Update paths: sidecars", function () {
    this.timeout(180000);
    const proxy = { image: ENVOY, ports: [9901] };

    it("add a sidecar: its log group is created, a new task definition revision, the service updated to it", async () => {
        const c = await change("prod", "sidecar-add", none, (s) => { s.web.sidecars = { proxy }; });
        assert.deepEqual(summary(c), ["create ecs-ship-prod-web-proxy-logs", "replace ecs-ship-prod-web-td (containerDefinitions)", "update ecs-ship-prod-web-svc (taskDefinition)"]);
        assert.deepEqual(problems(c), []);
    });

    it("rename a sidecar: the old log group is deleted, a new one created, a new revision rolled out", async () => {
        const c = await change("prod", "sidecar-rename", (s) => { s.web.sidecars = { proxy }; }, (s) => { s.web.sidecars = { envoy: proxy }; });
        assert.deepEqual(summary(c), [
            "create ecs-ship-prod-web-envoy-logs", "delete ecs-ship-prod-web-proxy-logs",
            "replace ecs-ship-prod-web-td (containerDefinitions)", "update ecs-ship-prod-web-svc (taskDefinition)",
        ]);
    });

    it("remove a sidecar: its log group is deleted with the old revision", async () => {
        const c = await change("prod", "sidecar-remove", (s) => { s.web.sidecars = { proxy }; }, (s) => { delete s.web.sidecars; });
        assert.deepEqual(summary(c), ["delete ecs-ship-prod-web-proxy-logs", "replace ecs-ship-prod-web-td (containerDefinitions)", "update ecs-ship-prod-web-svc (taskDefinition)"]);
    });

    it("with a release: adding a sidecar makes a new revision, so the release runs before the rollout", async () => {
        const c = await change("prod", "sidecar-release", (s) => { s.web.release = { command: MIGRATE }; }, (s) => { s.web.sidecars = { proxy }; });
        assert.deepEqual(summary(c).filter((x) => x.includes("release")), ["update ecs-ship-prod-web-release (taskDefinitionArn)"]);
    });
});
