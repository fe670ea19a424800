// The installed ecs-ship package: its folder (whether running from dist/ or from source) and version.
import * as fs from "fs";
import * as path from "path";

/** The folder of ecs-ship's package.json, found upward from this file. */
export function packageRoot(from: string = __dirname): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "ecs-ship") return dir;
        if (path.dirname(dir) === dir) throw new Error(`ecs-ship: no package.json of ecs-ship above ${from}`);
    }
}

export function packageManifest(): { version: string; peerDependencies: Record<string, string> } {
    return JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8"));
}
