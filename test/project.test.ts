// Pulumi.yaml against the rules of Pulumi's project schema (sdk/go/common/workspace/project.json
// in pulumi/pulumi).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { PROJECT } from "../config";

const ROOT = path.resolve(__dirname, "..");
const PROJECT_FIELDS = ["name", "description", "author", "website", "license", "runtime", "main", "config", "stackConfigDir", "backend", "options", "template", "plugins"];
/** The schema's SimpleConfigType: there is no object type. */
const CONFIG_TYPES = ["string", "integer", "boolean", "array"];
/** configTypeDeclaration allows exactly these fields (additionalProperties: false). */
const DECLARATION_FIELDS = ["type", "items", "description", "secret", "default"];

/** Problems of one config declaration, per the schema's configTypeDeclaration/configItemsType. */
export function declarationProblems(key: string, decl: unknown): string[] {
    if (typeof decl === "string" || typeof decl === "boolean" || (typeof decl === "number" && Number.isInteger(decl))) return [];
    if (typeof decl !== "object" || decl === null || Array.isArray(decl)) return [`${key}: must be a string, integer, boolean or a declaration, got ${JSON.stringify(decl)}`];
    const d = decl as Record<string, unknown>;
    const problems = Object.keys(d).filter((f) => !DECLARATION_FIELDS.includes(f)).map((f) => `${key}.${f}: unknown field`);
    problems.push(...typeProblems(key, d));
    return problems;
}

function typeProblems(key: string, d: Record<string, unknown>): string[] {
    if (d.type === undefined) return [`${key}.type: is required`];
    if (typeof d.type !== "string" || !CONFIG_TYPES.includes(d.type)) return [`${key}.type: must be one of ${CONFIG_TYPES.join(", ")}, got ${JSON.stringify(d.type)}`];
    if (d.type === "array") {
        if (typeof d.items !== "object" || d.items === null) return [`${key}.items: is required for an array`];
        return typeProblems(`${key}.items`, d.items as Record<string, unknown>);
    }
    return [];
}

describe("Pulumi.yaml", () => {
    const project = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));

    it("names the project ecs-ship, on the nodejs runtime, with a description", () => {
        assert.equal(project.name, PROJECT);
        assert.equal(typeof project.runtime === "string" ? project.runtime : project.runtime.name, "nodejs");
        assert.ok(typeof project.description === "string" && project.description.length > 20);
    });

    it("has only fields the project schema knows", () => {
        assert.deepEqual(Object.keys(project).filter((f) => !PROJECT_FIELDS.includes(f)), []);
    });

    it("declares config only with the schema's types, arrays with items, and no unknown fields", () => {
        const problems = Object.entries(project.config ?? {}).flatMap(([k, d]) => declarationProblems(k, d));
        assert.deepEqual(problems, []);
    });

    it("declares no structured key, which the schema cannot type", () => {
        const structured = ["github", "backend", "registry", "network", "services"];
        assert.deepEqual(Object.keys(project.config ?? {}).filter((k) => structured.includes(k.replace(/^ecs-ship:/, ""))), []);
    });

    // The checker itself must catch what the real CLI rejects.
    it("rejects an object type, an array without items, and an unknown field", () => {
        assert.deepEqual(declarationProblems("services", { type: "object" }), ['services.type: must be one of string, integer, boolean, array, got "object"']);
        assert.deepEqual(declarationProblems("branches", { type: "array" }), ["branches.items: is required for an array"]);
        assert.deepEqual(declarationProblems("x", { type: "string", value: "a" }), ["x.value: unknown field"]);
    });
});
