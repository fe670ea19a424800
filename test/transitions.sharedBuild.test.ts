// Services sharing one build (config/sharedBuild.ts), planned through index.ts before and after a stack-file
// edit and simulated against the model of the AWS account (tools/simulate): no repository is deleted while a
// kept task definition runs its image (repository-image-running).
import { strict as assert } from "assert";
import { explain, transition } from "./support/transitions";

const SERVICES = "ecs-ship:services";
/** A Celery-style worker of prod's web, built from web's folder. */
const addWorker = (c: Record<string, any>) => {
    c[SERVICES].worker = { kind: "worker", mode: "fargate", image: { context: "app" }, command: ["celery", "-A", "shop", "worker"] };
};
/** The worker built by a Dockerfile of its own: another build. */
const ownDockerfile = (c: Record<string, any>) => { c[SERVICES].worker.architecture = "arm64"; };

describe("Transitions: services sharing one build, simulated against AWS's rules", function () {
    this.timeout(180_000);

    it("merges a worker's separate build into web's: the worker's repository goes last, after its service runs web's image", async () => {
        // GIVEN web and a worker with separate builds (two repositories) WHEN their builds become identical
        const t = await transition("prod", "merge", (c) => { addWorker(c); ownDockerfile(c); }, (c) => { delete c[SERVICES].worker.architecture; });
        assert.ok(!t.failure, explain(t));
        const deleted = t.steps.filter((s) => s.op === "delete" && s.type === "aws:ecr/repository:Repository").map((s) => s.name);
        assert.deepEqual(deleted, ["ecs-ship-prod-worker-registry-repo"], explain(t));
        const repoAt = t.steps.findIndex((s) => s.op === "delete" && s.name === "ecs-ship-prod-worker-registry-repo");
        const taskAt = t.steps.findIndex((s) => s.type === "aws:ecs/taskDefinition:TaskDefinition" && s.name.startsWith("ecs-ship-prod-worker") && s.op !== "delete");
        assert.ok(taskAt >= 0 && taskAt < repoAt, explain(t));
    });

    it("splits the worker off again: a new repository, named after the worker, that nothing else holds", async () => {
        const t = await transition("prod", "split", addWorker, ownDockerfile);
        assert.ok(!t.failure, explain(t));
        assert.ok(t.steps.some((s) => s.op === "create" && s.name === "ecs-ship-prod-worker-registry-repo"), explain(t));
        assert.ok(!t.steps.some((s) => s.op === "delete" && s.type === "aws:ecr/repository:Repository"), explain(t));
    });

    it("adds a web service from the same folder that sorts first: web keeps its repository and images, only the worker moves", async () => {
        // GIVEN web and its worker sharing web's build  WHEN a web service `api`, built from the same folder, is added
        const t = await transition("prod", "web-added", (c) => { addWorker(c); c[SERVICES].web.domain = undefined; c[SERVICES].web.path = "/"; c["ecs-ship:loadBalancer"] = { shared: true }; }, (c) => {
            c[SERVICES].api = { mode: "fargate", image: { context: "app" }, path: "/api", healthCheckPath: "/api/health" };
        });
        // THEN no repository is deleted or replaced (web's rollback images stay), api gets its own, and the update is accepted
        assert.ok(!t.failure, explain(t));
        assert.ok(!t.steps.some((s) => s.type === "aws:ecr/repository:Repository" && s.op !== "create"), explain(t));
        assert.ok(t.steps.some((s) => s.op === "create" && s.name === "ecs-ship-prod-api-registry-repo"), explain(t));
        assert.ok(!t.steps.some((s) => s.name === "ecs-ship-prod-web-registry-image"), explain(t));
    });

    it("removes the service that owned the shared build: the worker's own repository is built before the old one goes", async () => {
        // GIVEN web owns the build the worker runs WHEN web is removed: the worker owns it (a new repository, one build)
        const t = await transition("prod", "owner-removed", (c) => { addWorker(c); c[SERVICES].web.domain = undefined; }, (c) => { delete c[SERVICES].web; });
        assert.ok(!t.failure, explain(t));
        const created = t.steps.findIndex((s) => s.op === "create" && s.name === "ecs-ship-prod-worker-registry-repo");
        const deleted = t.steps.findIndex((s) => s.op === "delete" && s.name === "ecs-ship-prod-web-registry-repo");
        assert.ok(created >= 0 && deleted > created, explain(t));
    });
});
