// The stack-file keys `release` and `sidecars`: what passes through, and every rule's exact message.
// parseSettings is pure, so these run without mocks.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSettings } from "../config";
import { procfileRelease } from "../config/release";
import { problems, raw, web } from "./support/configFixtures";

const PREBUILT = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const ENVOY = "public.ecr.aws/appmesh/aws-appmesh-envoy@sha256:1f4ca5b2a1c7d7e0a5e0f0c6f3c8b6d9e2a7c4b1d0e9f8a7b6c5d4e3f2a1b0c9";
const fargate = (service: Record<string, unknown>) => ({ services: { web: { mode: "fargate", image: { context: "app" }, ...service } } });

/** A project folder with app/Dockerfile and, when given, app/Procfile. */
function project(procfile?: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-release-"));
    fs.mkdirSync(path.join(dir, "app"));
    fs.writeFileSync(path.join(dir, "app", "Dockerfile"), "FROM scratch\n");
    if (procfile !== undefined) fs.writeFileSync(path.join(dir, "app", "Procfile"), procfile);
    return dir;
}

describe("config: release", () => {
    it("passes the command and timeout through as given", () => {
        const svc = parseSettings(raw(web({ release: { command: ["python", "manage.py", "migrate"], timeoutMinutes: 30 } }))).services[0];
        assert.deepEqual(svc.release, { command: ["python", "manage.py", "migrate"], timeoutMinutes: 30 });
    });

    it("a release on a prebuilt image without a command is an error naming the key", () => {
        assert.deepEqual(problems(raw(web({ image: { ref: PREBUILT }, release: {} }))), [
            'ecs-ship:services.web.release.command: is required with a prebuilt image (image.ref): ecs-ship does not build it, so it has no Procfile to read a release command from; give the command, e.g. ["python", "manage.py", "migrate"], got nothing',
        ]);
    });

    it("a built image without a command takes its folder's Procfile release line, run by the shell", () => {
        const dir = project("web: gunicorn shop.wsgi\nrelease: python manage.py migrate --noinput\n");
        const svc = parseSettings(raw(web({ release: {} }), { projectDir: dir })).services[0];
        assert.deepEqual(svc.release, { command: ["/bin/sh", "-c", "python manage.py migrate --noinput"] });
    });

    it("a built image without a command and without a Procfile release line is an error", () => {
        assert.deepEqual(problems(raw(web({ release: { timeoutMinutes: 5 } }), { projectDir: project("web: gunicorn shop.wsgi\n") })), [
            'ecs-ship:services.web.release.command: is required: give the command, or a `release:` line in "app/Procfile", got neither',
        ]);
    });

    it("rejects an empty command, an empty word, a timeout out of range and an unknown key", () => {
        assert.deepEqual(problems(raw(web({ release: { command: [] } }))), [
            'ecs-ship:services.web.release.command: must list at least the program, e.g. ["python", "manage.py", "migrate"], got []',
        ]);
        assert.deepEqual(problems(raw(web({ release: { command: ["python", ""] } }))), ['ecs-ship:services.web.release.command[1]: must be a non-empty string, got ""']);
        assert.deepEqual(problems(raw(web({ release: { command: ["x"], timeoutMinutes: 121 } }))), ["ecs-ship:services.web.release.timeoutMinutes: must be an integer from 1 to 120, got 121"]);
        assert.match(problems(raw(web({ release: { command: ["x"], timeout: 5 } })))[0], /^ecs-ship:services\.web\.release\.timeout: unknown key; .*allowed keys are command, timeoutMinutes/);
    });

    it("reads only the release line of a Procfile", () => {
        assert.equal(procfileRelease("web: a\r\nrelease:   bin/migrate  \nworker: b"), "bin/migrate");
        assert.equal(procfileRelease("web: a\n# release: commented\n"), undefined);
    });
});

describe("config: sidecars", () => {
    const proxy = { image: ENVOY, ports: [9901], healthCheck: { command: ["curl", "-f", "http://localhost:9901/ready"] } };

    it("passes sidecars through on Fargate", () => {
        const svc = parseSettings(raw(fargate({ sidecars: { proxy: { ...proxy, dependsOn: { web: "START" } } } }))).services[0];
        assert.deepEqual(svc.sidecars, { proxy: { ...proxy, dependsOn: { web: "START" } } });
    });

    it("Express: a configuration error citing the CreateExpressGatewayService API", () => {
        assert.deepEqual(problems(raw(web({ sidecars: { proxy } }))), [
            'ecs-ship:services.web.sidecars: Express Mode runs one container per task (CreateExpressGatewayService takes only a primaryContainer, Amazon ECS API Reference); sidecars are allowed only with mode: fargate, got ["proxy"]',
        ]);
    });

    it("a sidecar named like the main container (the service, or `app` in the task) is an error", () => {
        assert.deepEqual(problems(raw(fargate({ sidecars: { web: proxy } }))), [
            'ecs-ship:services.web.sidecars.web: a sidecar may not be named like the main container ("web", in the task "app"); choose another name, got "web"',
        ]);
        assert.match(problems(raw(fargate({ sidecars: { app: proxy } })))[0], /^ecs-ship:services\.web\.sidecars\.app: a sidecar may not be named like the main container/);
    });

    it("a port another container of the task listens on is an error", () => {
        assert.deepEqual(problems(raw(fargate({ port: 9901, sidecars: { proxy } }))), [
            "ecs-ship:services.web.sidecars.proxy.ports: 9901 is already taken by the service's port (web); containers of a task share its network, got 9901",
        ]);
        assert.deepEqual(problems(raw(fargate({ sidecars: { proxy, agent: { image: "public.ecr.aws/datadog/agent@sha256:6b8e3f0a1c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7", ports: [9901] } } }))), [
            "ecs-ship:services.web.sidecars.agent.ports: 9901 is already taken by sidecar proxy; containers of a task share its network, got 9901",
        ]);
    });

    it("dependsOn: unknown targets, HEALTHY without a health check, SUCCESS on an essential container, and circles", () => {
        const agent = (dependsOn: Record<string, string>) => ({ image: "public.ecr.aws/datadog/agent@sha256:6b8e3f0a1c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7", dependsOn });
        assert.deepEqual(problems(raw(fargate({ sidecars: { proxy, agent: agent({ db: "START" }) } }))), [
            'ecs-ship:services.web.sidecars.agent.dependsOn.db: must name the main container (web) or another sidecar (proxy), got "db"',
        ]);
        assert.deepEqual(problems(raw(fargate({ sidecars: { agent: agent({ web: "HEALTHY" }) } }))), [
            'ecs-ship:services.web.sidecars.agent.dependsOn.web: HEALTHY needs a health check on web (the main container has none: the load balancer checks it); use START, or give it a healthCheck, got "HEALTHY"',
        ]);
        assert.deepEqual(problems(raw(fargate({ sidecars: { proxy, agent: agent({ proxy: "SUCCESS" }) } }))), [
            'ecs-ship:services.web.sidecars.agent.dependsOn.proxy: SUCCESS applies only to a container with essential: false, and proxy is essential; got "SUCCESS"',
        ]);
        assert.deepEqual(problems(raw(fargate({ sidecars: { a: agent({ b: "START" }), b: agent({ a: "START" }) } }))), [
            "ecs-ship:services.web.sidecars: dependsOn goes round in a circle (a -> b -> a), so none of them could start",
        ]);
        assert.deepEqual(problems(raw(fargate({ sidecars: { proxy: { ...proxy, dependsOn: { web: "WAIT" } } } }))), [
            "ecs-ship:services.web.sidecars.proxy.dependsOn.web: must be one of START, COMPLETE, SUCCESS, HEALTHY, got \"WAIT\"",
        ]);
    });

    it("takes sidecar images by digest only, as the policy pack requires of every container", () => {
        assert.deepEqual(problems(raw(fargate({ sidecars: { proxy: { image: "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.12.0-prod" } } }))), [
            'ecs-ship:services.web.sidecars.proxy.image: must be pinned by digest, as <registry>/<repository>@sha256:<64 hex digits> (`docker buildx imagetools inspect <image>:<tag>` prints it), since a tag can move under a running stack, got "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.12.0-prod"',
        ]);
    });

    it("rejects a bad name, a missing image and a health check out of range", () => {
        assert.match(problems(raw(fargate({ sidecars: { Proxy: proxy } })))[0], /^ecs-ship:services\.web\.sidecars\.Proxy: sidecar name must be a lowercase DNS label/);
        assert.deepEqual(problems(raw(fargate({ sidecars: { proxy: { ports: [9901] } } }))), ["ecs-ship:services.web.sidecars.proxy.image: is required: an image pinned by digest, got nothing"]);
        assert.deepEqual(problems(raw(fargate({ sidecars: { proxy: { ...proxy, healthCheck: { command: ["true"], intervalSeconds: 1 } } } }))), [
            "ecs-ship:services.web.sidecars.proxy.healthCheck.intervalSeconds: must be an integer from 5 to 300, got 1",
        ]);
    });
});
