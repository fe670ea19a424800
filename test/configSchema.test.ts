// One schema, many outputs: the committed JSON Schema and configuration reference are the ones
// the code generates, and the JSON Schema accepts the shipped stack files and rejects typos.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { GENERATED } from "../tools/schema";

const ROOT = path.resolve(__dirname, "..");
const STACK_FILES = ["Pulumi.dev.yaml", "Pulumi.prod.yaml"];

function stackFile(name: string): any {
    return parse(fs.readFileSync(path.join(ROOT, name), "utf8"));
}

describe("configuration schema: generated files", () => {
    for (const [file, render] of Object.entries(GENERATED)) {
        it(`${file} is the one config/schema.ts generates (run npm run config:generate)`, () => {
            assert.equal(fs.readFileSync(path.join(ROOT, file), "utf8"), render());
        });
    }

    for (const name of STACK_FILES) {
        it(`${name} names the schema on its first line, for editors`, () => {
            assert.equal(fs.readFileSync(path.join(ROOT, name), "utf8").split("\n")[0], "# yaml-language-server: $schema=./schema/stack.schema.json");
        });
    }
});

describe("configuration schema: JSON Schema validation", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, "schema/stack.schema.json"), "utf8")));

    for (const name of STACK_FILES) {
        it(`accepts ${name}`, () => {
            assert.equal(validate(stackFile(name)), true, JSON.stringify(validate.errors));
        });
    }

    it("rejects a mistyped ecs-ship key", () => {
        const file = stackFile("Pulumi.dev.yaml");
        file.config["ecs-ship:servics"] = file.config["ecs-ship:services"];
        delete file.config["ecs-ship:services"];
        assert.equal(validate(file), false);
        assert.ok(validate.errors!.some((e) => e.keyword === "required" && (e.params as { missingProperty: string }).missingProperty === "ecs-ship:services"));
        assert.ok(validate.errors!.some((e) => e.keyword === "propertyNames"));
    });

    it("rejects a mistyped service setting", () => {
        const file = stackFile("Pulumi.dev.yaml");
        file.config["ecs-ship:services"].web.healthcheckPath = "/health";
        assert.equal(validate(file), false);
        assert.deepEqual(validate.errors!.map((e) => [e.keyword, e.instancePath, (e.params as { additionalProperty?: string }).additionalProperty]),
            [["additionalProperties", "/config/ecs-ship:services/web", "healthcheckPath"]]);
    });

    it("rejects a value outside its allowed set", () => {
        const file = stackFile("Pulumi.prod.yaml");
        file.config["ecs-ship:services"].web.mode = "lambda";
        assert.equal(validate(file), false);
        assert.deepEqual(validate.errors!.map((e) => [e.keyword, e.instancePath]), [["enum", "/config/ecs-ship:services/web/mode"]]);
    });

    it("lets other namespaces through (aws:profile, pulumi:tags)", () => {
        const file = stackFile("Pulumi.dev.yaml");
        file.config["aws:profile"] = "acme";
        file.config["pulumi:tags"] = { team: "shop" };
        assert.equal(validate(file), true, JSON.stringify(validate.errors));
    });
});
