// One build for a web service and its workers (config/sharedBuild.ts): the owner rule, pure; then the Django stack (web and a
// Celery worker from one folder) planned through index.ts: one repository, one build, one image both run.
import { strict as assert } from "assert";
import * as path from "path";
import { buildKey, buildOwnerIn, buildOwners } from "../config/sharedBuild";
import { pullPolicy } from "../components/registry/promotion";
import { Plan, ROOT, plan } from "../tools/planner/planner";
import { stackFile } from "./support/transitions";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const DJANGO = path.join(ROOT, "test", "scenarios", "django", "Pulumi.prod.yaml");
const imageOf = (p: Plan, family: string) => {
    const td = p.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.inputs.family === family);
    assert.ok(td, `no task definition ${family}`);
    return JSON.parse(td!.inputs.containerDefinitions)[0].image as string;
};

describe("shared builds: who owns which build", () => {
    it("treats one folder, Dockerfile, tag and architecture as one build, however the paths are spelled", () => {
        assert.equal(buildKey({ context: "app" }), buildKey({ context: "./app/", dockerfile: "Dockerfile", architecture: "x86_64" }));
        for (const other of [{ context: "api" }, { context: "app", dockerfile: "worker.Dockerfile" }, { context: "app", architecture: "arm64" }, { context: "app", tag: "abcdef1" }]) {
            assert.notEqual(buildKey({ context: "app" }), buildKey(other), JSON.stringify(other));
        }
    });

    it("gives a worker the build of the first web service by name with the same build, whatever the order, and none to a prebuilt one", () => {
        const owners = buildOwners([{ name: "worker", worker: true, build: { context: "app" } }, { name: "web", build: { context: "app" } }, { name: "api", build: { context: "api" } }, { name: "wiki" }]);
        assert.deepEqual(Object.fromEntries(owners), { api: "api", web: "web", worker: "web" });
        assert.equal(buildOwnerIn({ worker: { kind: "worker", image: { context: "app" } }, web: { image: { context: "./app" } } }, "worker"), "web");
        // A worker renamed to sort first (celery) does not take the build from its web service.
        assert.equal(buildOwners([{ name: "celery", worker: true, build: { context: "app" } }, { name: "web", build: { context: "app" } }]).get("celery"), "web");
    });

    it("keeps every web service's own build, so adding one that sorts first deletes nobody's repository", () => {
        // GIVEN web and its worker  WHEN a web service `api` from the same folder is added
        const before = buildOwners([{ name: "web", build: { context: "app" } }, { name: "worker", worker: true, build: { context: "app" } }]);
        const after = buildOwners([{ name: "api", build: { context: "app" } }, { name: "web", build: { context: "app" } }, { name: "worker", worker: true, build: { context: "app" } }]);
        // THEN web keeps its build (its repository and rollback images); only the worker moves, to api's image
        assert.equal(before.get("web"), "web");
        assert.equal(after.get("web"), "web");
        assert.equal(after.get("api"), "api");
        assert.equal(after.get("worker"), "api");
    });

    it("keeps a build for each of two workers with no web service of the same build", () => {
        const owners = buildOwners([{ name: "beat", worker: true, build: { context: "app" } }, { name: "celery", worker: true, build: { context: "app" } }]);
        assert.deepEqual(Object.fromEntries(owners), { beat: "beat", celery: "celery" });
    });

    it("lets every sharing service's execution role of a later stack pull the one repository", () => {
        const doc = pullPolicy([{ stack: "prod", account: "222233334444", services: ["worker", "web"] }], undefined);
        assert.deepEqual(doc.Statement[0].Condition!.ArnLike["aws:PrincipalArn"], [
            "arn:aws:iam::222233334444:role/ecs-ship-prod-web-exec-???????", "arn:aws:iam::222233334444:role/ecs-ship-prod-worker-exec-???????",
        ]);
    });
});

describe("shared builds: the Django stack through index.ts", function () {
    this.timeout(120_000);
    let p: Plan;
    before(async () => { p = await plan("prod", { stackFile: DJANGO, env: { GITHUB_SHA: SHA } }); });

    it("creates one repository and one image build, web's", () => {
        assert.deepEqual(p.resources.filter((r) => r.type === "aws:ecr/repository:Repository").map((r) => r.inputs.name), ["ecs-ship-prod-web"]);
        assert.deepEqual(p.resources.filter((r) => r.type === "docker:index/image:Image").map((r) => r.name), ["ecs-ship-prod-web-registry-image"]);
    });

    it("runs the same digest in web, the worker and the job, and says so in every output", () => {
        const services = p.outputs.services as Record<string, { repositoryUrl: string; imageRef: string; imageDigest: string }>;
        const ref = services.web.imageRef;
        assert.match(ref, /\/ecs-ship-prod-web@sha256:[0-9a-f]{64}$/);
        assert.deepEqual([imageOf(p, "ecs-ship-prod-web"), imageOf(p, "ecs-ship-prod-worker"), imageOf(p, "ecs-ship-prod-clear-sessions-job")], [ref, ref, ref]);
        assert.deepEqual(services.worker, { ...services.worker, repositoryUrl: services.web.repositoryUrl, imageRef: ref, imageDigest: services.web.imageDigest });
    });

    it("builds twice, into two repositories, when the worker's build differs (its architecture)", async () => {
        const file = stackFile("prod", "django-own-dockerfile", (c) => {
            c["ecs-ship:services"] = { web: { mode: "fargate", image: { context: "app" } }, worker: { kind: "worker", mode: "fargate", image: { context: "app" }, architecture: "arm64" } };
        });
        const two = await plan("prod", { stackFile: file, env: { GITHUB_SHA: SHA } });
        assert.deepEqual(two.resources.filter((r) => r.type === "aws:ecr/repository:Repository").map((r) => r.inputs.name).sort(), ["ecs-ship-prod-web", "ecs-ship-prod-worker"]);
        assert.notEqual(imageOf(two, "ecs-ship-prod-web"), imageOf(two, "ecs-ship-prod-worker"));
    });
});
