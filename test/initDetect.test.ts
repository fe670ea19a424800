// What `ecs-ship init` reads from a repository: the Dockerfile nearest the root, the port the running
// stage exposes, and owner/name from the GitHub remote in each form git prints it.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { exposedPort, findDockerfiles, githubRepository } from "../cli/detect";

describe("init: what it detects", () => {
    it("reads the port of the last EXPOSE in the last stage, a number over TCP only", () => {
        assert.equal(exposedPort("FROM a AS build\nEXPOSE 9229\nFROM b\nEXPOSE 3000/tcp\n"), 3000);
        assert.equal(exposedPort("FROM a\nexpose 80 443\n"), 443);
        // a build stage's port is not the running image's
        assert.equal(exposedPort("FROM a AS build\nEXPOSE 9229\nFROM b\nCMD x\n"), undefined);
        // a variable or a UDP port says nothing usable; a line continuation is one instruction
        assert.equal(exposedPort("FROM a\nEXPOSE $PORT\nEXPOSE 53/udp\n"), undefined);
        assert.equal(exposedPort("FROM a\nEXPOSE \\\n  8081\n"), 8081);
        assert.equal(exposedPort("FROM a\nEXPOSE 70000\n"), undefined);
    });

    it("reads owner/name from https, scp-like and ssh remotes of github.com, and nothing from another host", () => {
        for (const url of ["https://github.com/acme/widgets.git", "https://github.com/acme/widgets", "git@github.com:acme/widgets.git",
            "ssh://git@github.com/acme/widgets.git", "https://token@github.com/acme/widgets.git\n"]) {
            assert.equal(githubRepository(url), "acme/widgets", url);
        }
        assert.equal(githubRepository("git@github.com:acme/my.app.git"), "acme/my.app");
        assert.equal(githubRepository("https://gitlab.com/acme/widgets.git"), undefined);
        assert.equal(githubRepository("https://github.com.evil.example/acme/widgets.git"), undefined);
    });

    it("finds Dockerfiles shallowest first, never inside node_modules or .git", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-detect-"));
        try {
            for (const f of ["services/api/Dockerfile", "services/worker/Dockerfile", "docker/Dockerfile", "node_modules/x/Dockerfile", ".git/Dockerfile"]) {
                fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
                fs.writeFileSync(path.join(root, f), "FROM scratch\n");
            }
            assert.deepEqual(findDockerfiles(root), ["docker/Dockerfile", "services/api/Dockerfile", "services/worker/Dockerfile"]);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});
