// The Express infrastructure roles' own boundary through a running stack's changes: created before the
// first infrastructure role that carries it, deleted after the last, and untouched by the secrets that
// grow the stack's boundary. Planned through index.ts before and after each edit (test/support/transitions.ts).
import { strict as assert } from "assert";
import { explain, transition } from "./support/transitions";

const SERVICES = "ecs-ship:services";
const none = () => undefined;
const secretArn = (i: number) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/dev/setting-${i}-AbCdEf`;

describe("update simulator: the Express infrastructure boundary", function () {
    this.timeout(240_000);

    it("creates the infrastructure boundary before the first Express service's infrastructure role, on a Fargate stack", async () => {
        // GIVEN prod (Fargate only)  WHEN an Express service is added
        const t = await transition("prod", "infra-boundary-add", none, (c) => {
            c[SERVICES].api = { mode: "express", image: { context: "app" } };
        });
        // THEN every step is one AWS accepts, and the boundary (the administrator's) comes before the role that carries it
        assert.equal(t.failure, undefined, explain(t));
        const at = (op: string, name: string) => t.steps.findIndex((s) => s.op === op && s.name === name);
        assert.ok(at("create", "ecs-ship-prod-github-infra-boundary") >= 0, explain(t));
        assert.ok(at("create", "ecs-ship-prod-github-infra-boundary") < at("create", "ecs-ship-prod-api-infra"), explain(t));
        assert.ok(t.administrator.some((s) => s.name === "ecs-ship-prod-github-infra-boundary"), explain(t));
    });

    it("deletes the infrastructure boundary after the last infrastructure role that carries it", async () => {
        // GIVEN dev (one Express service)  WHEN it moves to Fargate
        const t = await transition("dev", "infra-boundary-remove", none, (c) => {
            c[SERVICES].web.mode = "fargate";
        });
        // THEN every step is accepted, and the role goes before the boundary it carries
        assert.equal(t.failure, undefined, explain(t));
        const at = (op: string, name: string) => t.steps.findIndex((s) => s.op === op && s.name === name);
        assert.ok(at("delete", "ecs-ship-dev-web-infra") >= 0, explain(t));
        assert.ok(at("delete", "ecs-ship-dev-web-infra") < at("delete", "ecs-ship-dev-github-infra-boundary"), explain(t));
    });

    it("leaves the infrastructure boundary alone when secrets grow the stack's boundary, up to 40 of them", async () => {
        // GIVEN dev  WHEN its Express service reads 40 secrets
        const t = await transition("dev", "infra-boundary-secrets", none, (c) => {
            c[SERVICES].web.secrets = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`SETTING_${i}`, secretArn(i)]));
        });
        // THEN the update is accepted; the stack's boundary changes, the infrastructure boundary and role do not
        assert.equal(t.failure, undefined, explain(t));
        assert.ok(t.steps.some((s) => s.op === "update" && s.name === "ecs-ship-dev-github-boundary"), explain(t));
        assert.ok(!t.steps.some((s) => /-infra(-boundary)?$/.test(s.name)), explain(t));
    });
});
