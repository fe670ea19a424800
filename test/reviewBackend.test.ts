// The real Pulumi and AWS CLI calls of tools/review/backend.ts, against stub `pulumi` and `aws` programs
// first on PATH: the arguments each call passes, and how each answer is read.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { awsTagging, pulumiCli } from "../tools/review/backend";

describe("review: the Pulumi and AWS CLI calls", () => {
    let dir: string;
    let savedPath: string | undefined;
    const calls = () => fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n");

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-review-cli-"));
        fs.mkdirSync(path.join(dir, "bin"));
        fs.writeFileSync(path.join(dir, "calls"), "");
        const stub = (name: string, body: string) => fs.writeFileSync(path.join(dir, "bin", name), `#!/bin/bash\necho "${name} $*" >> "${dir}/calls"\n${body}\n`, { mode: 0o755 });
        stub("pulumi", [
            'case "$1 $2" in',
            `  "stack ls") echo '[{"name":"dev","lastUpdate":"2026-12-05T10:00:00.000Z"},{"name":"pr-4","updateInProgress":true}]' ;;`,
            `  "stack export") if [ "$4" = pr-9 ]; then echo '{"version":3,"deployment":{"manifest":{}}}'; else echo '{"version":3,"deployment":{"resources":[{"urn":"urn:a","type":"aws:ecs/cluster:Cluster","id":"c","custom":true}]}}'; fi ;;`,
            '  "stack rm") if [ "$4" = pr-5 ]; then echo "error: pr-5 still has resources; removal rejected" >&2; exit 255; fi ;;',
            "esac",
        ].join("\n"));
        stub("aws", `echo '{"ResourceTagMappingList":[{"ResourceARN":"arn:aws:ecs:us-east-1:1:cluster/ecs-ship-pr-4","Tags":[]}]}'`);
        savedPath = process.env.PATH;
        process.env.PATH = `${dir}/bin:${savedPath ?? ""}`;
    });
    afterEach(() => { process.env.PATH = savedPath; });

    it("lists stacks, exports a stack's resources (none for a stack with no resources), destroys and removes without prompts", async () => {
        const p = pulumiCli(dir);
        assert.deepStrictEqual((await p.listStacks()).map((s) => s.name), ["dev", "pr-4"]);
        assert.deepStrictEqual((await p.exportResources("pr-4")).map((r) => r.type), ["aws:ecs/cluster:Cluster"]);
        assert.deepStrictEqual(await p.exportResources("pr-9"), []);
        await p.destroy("pr-4");
        await p.remove("pr-4");
        assert.deepStrictEqual(calls(), [
            "pulumi stack ls --json", "pulumi stack export --stack pr-4", "pulumi stack export --stack pr-9",
            "pulumi destroy --stack pr-4 --yes --non-interactive --skip-preview", "pulumi stack rm --stack pr-4 --yes --non-interactive",
        ]);
    });

    it("a failing command is an error carrying its stderr", async () => {
        await assert.rejects(pulumiCli(dir).remove("pr-5"), /pulumi stack rm --stack pr-5 --yes --non-interactive failed: error: pr-5 still has resources; removal rejected/);
    });

    it("asks the tagging API for the stack tag in the given region, and reads the ARNs", async () => {
        assert.deepStrictEqual(await awsTagging("us-east-1").resourcesTagged("ecs-ship:stack", "pr-4"), ["arn:aws:ecs:us-east-1:1:cluster/ecs-ship-pr-4"]);
        assert.deepStrictEqual(calls(), ['aws resourcegroupstaggingapi get-resources --region us-east-1 --tag-filters [{"Key":"ecs-ship:stack","Values":["pr-4"]}] --output json']);
    });
});
