// Update paths: the config changes users make, each planned through the real program twice
// (before and after the change, the second run against the first run's account) and compared
// with the providers' replacement rules (tools/planner/replacements.ts). Each test asserts what is
// replaced, what is updated in place, and that nothing breaks: no replacement reuses a fixed
// name, no update is one the provider refuses.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ROOT, Plan, plan } from "../tools/planner/planner";
import { RecordedResource } from "../tools/planner/mockCloud";
import { ResourceChange, compareRuns } from "../tools/planner/replacements";
import { routesOf } from "../components/frontDoor/frontDoor";

const SHA = "4f2a9c1e0b7d3a5c9e1f2b4d6a8c0e2f4b6d8a0c";
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-updates-"));

/** A copy of a stack file with its `ecs-ship:services` edited. */
function stackFile(stack: string, label: string, edit: (services: Record<string, any>) => void): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
    edit(doc.config["ecs-ship:services"]);
    const file = path.join(TMP, `Pulumi.${stack}.${label}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}

async function change(stack: string, label: string, edit: (services: Record<string, any>) => void, setup?: (services: Record<string, any>) => void): Promise<ResourceChange[]> {
    const before = await plan(stack, { env: { GITHUB_SHA: SHA }, stackFile: setup ? stackFile(stack, `${label}-before`, setup) : undefined });
    const after = await plan(stack, {
        env: { GITHUB_SHA: SHA },
        world: before.world,
        stackFile: stackFile(stack, label, (s) => { setup?.(s); edit(s); }),
    });
    return compareRuns(before.resources, after.resources);
}

/** What one Express service of dev consists of. */
const API_RESOURCES = ["drain", "exec", "exec-managed", "infra", "infra-managed", "logs", "registry-image", "registry-lifecycle", "registry-repo", "service"].map((n) => `ecs-ship-dev-api-${n}`);

const pick = (changes: ResourceChange[], action: string) => changes.filter((c) => c.action === action).map((c) => c.name).sort();
const changed = (changes: ResourceChange[], name: string) => changes.find((c) => c.name === name)?.changed;
const problems = (changes: ResourceChange[]) => changes.filter((c) => c.problem).map((c) => `${c.name}: ${c.problem}`);

describe("Update paths (real program, planned twice)", function () {
    this.timeout(180000);

    it("switch spot on Fargate: the service is updated in place, nothing replaced", async () => {
        // GIVEN prod on regular FARGATE  WHEN spot is switched on
        const c = await change("prod", "spot", (s) => { s.web.spot = true; });
        // THEN only the service changes, its capacity provider strategy, in place and accepted
        assert.deepEqual(c.map((x) => [x.action, x.name, x.changed.join(",")]), [["update", "ecs-ship-prod-web-svc", "capacityProviderStrategies"]]);
        assert.deepEqual(problems(c), []);
    });

    it("change cpu/memory on Fargate: a new task definition revision, the service updated to it", async () => {
        const c = await change("prod", "size", (s) => { s.web.cpu = 1024; s.web.memory = 2048; });
        assert.deepEqual(pick(c, "replace"), ["ecs-ship-prod-web-td"]);
        assert.deepEqual(changed(c, "ecs-ship-prod-web-td"), ["cpu", "memory"]);
        assert.deepEqual(pick(c, "update"), ["ecs-ship-prod-web-svc"]);
        assert.deepEqual([pick(c, "create"), pick(c, "delete"), problems(c)], [[], [], []]);
    });

    it("change cpu/memory on Express: the service is updated in place", async () => {
        const c = await change("dev", "size", (s) => { s.web.cpu = 512; s.web.memory = 1024; });
        assert.deepEqual(c.map((x) => [x.action, x.name, x.changed.join(",")]), [["update", "ecs-ship-dev-web-service", "cpu,memory"]]);
        assert.deepEqual(problems(c), []);
    });

    it("change port on Fargate: a new target group beside the old one, under a name the old does not hold", async () => {
        // GIVEN prod  WHEN the container port changes
        const c = await change("prod", "port", (s) => { s.web.port = 9090; });
        // THEN the target group and task definition are replaced (port is ForceNew on both), the
        // rest follows in place, and no replacement reuses a fixed name
        assert.deepEqual(pick(c, "replace"), ["ecs-ship-prod-web-td", "ecs-ship-prod-web-tg"]);
        assert.deepEqual(changed(c, "ecs-ship-prod-web-tg"), ["port"]);
        assert.deepEqual([pick(c, "create"), pick(c, "delete"), problems(c)], [[], [], []]);
    });

    it("change scaling on Express: the container changes too, so the provider sends the new scaling target", async () => {
        // GIVEN dev  WHEN only scaling changes
        const c = await change("dev", "scaling", (s) => { s.web.scaling.max = 4; });
        // THEN the update carries a container change: the provider ignores scaling_target alone
        // (internal/service/ecs/express_gateway_service.go, Update)
        assert.deepEqual(c.map((x) => [x.action, x.name, x.changed.join(",")]), [["update", "ecs-ship-dev-web-service", "primaryContainer,scalingTargets"]]);
    });

    it("change scaling on Fargate: the scalable target is updated in place", async () => {
        const c = await change("prod", "scaling", (s) => { s.web.scaling.max = 8; });
        assert.deepEqual(c.map((x) => [x.action, x.name, x.changed.join(",")]), [["update", "ecs-ship-prod-web-scaling", "maxCapacity"]]);
    });

    it("change mode from express to fargate: the Express resources go, the Fargate ones come, the registry stays", async () => {
        const c = await change("dev", "mode", (s) => { s.web.mode = "fargate"; });
        // THEN nothing is replaced in place and nothing collides
        assert.deepEqual([pick(c, "replace"), problems(c)], [[], []]);
        assert.ok(pick(c, "delete").includes("ecs-ship-dev-web-service"));
        assert.ok(pick(c, "create").includes("ecs-ship-dev-web-svc"));
        // the registry and its image are untouched
        for (const name of ["ecs-ship-dev-web-registry-repo", "ecs-ship-dev-web-registry-image", "ecs-ship-dev-web-registry-lifecycle"]) {
            assert.equal(c.find((x) => x.name === name), undefined, `${name} changed`);
        }
    });

    it("add a service: only its resources are created, and the trust is untouched (its roles match the pass-role patterns)", async () => {
        const c = await change("dev", "add", (s) => { s.api = { ...structuredClone(s.web) }; });
        // THEN nothing existing is replaced, updated or deleted, the trust included: CI can deploy it without an administrator
        assert.deepEqual([pick(c, "replace"), pick(c, "update"), pick(c, "delete"), problems(c)], [[], [], [], []]);
        assert.deepEqual(pick(c, "create"), [...API_RESOURCES].sort());
    });

    it("remove a service: only its resources are deleted", async () => {
        const c = await change("dev", "remove", (s) => { delete s.api; }, (s) => { s.api = { ...structuredClone(s.web) }; });
        assert.deepEqual([pick(c, "replace"), pick(c, "update"), pick(c, "create"), problems(c)], [[], [], [], []]);
        assert.deepEqual(pick(c, "delete"), [...API_RESOURCES].sort());
    });

    it("remove one of three services behind the shared load balancer: the other two keep serving, untouched", async () => {
        // GIVEN prod with three Fargate services on one load balancer, a host rule each on its own domain
        const three = (s: Record<string, any>) => {
            s.web.domain = "www.example.com";
            s.api = { ...structuredClone(s.web), domain: "api.example.com" };
            s.admin = { ...structuredClone(s.web), domain: "admin.example.com" };
        };
        // WHEN api is removed
        const c = await change("prod", "shared-remove", (s) => { delete s.api; }, three);
        // THEN only api's resources go: its target group, its two listener rules, its certificate on
        // the listener, its DNS and certificate records, its alarms, service and roles
        assert.deepEqual([pick(c, "replace"), pick(c, "create"), problems(c)], [[], [], []]);
        const deleted = pick(c, "delete");
        assert.ok(deleted.length > 0);
        assert.deepEqual(deleted.filter((n) => !/-api(-|$)|-api\.example\.com(-|$)|-shared-https?-rule-\d+$/.test(n)), [], "only api's resources are deleted");
        // its two rules are the ones at its priority (rules are named after their listener and priority)
        const apiPriority = routesOf([{ name: "api", domain: "api.example.com" }]).api.priority;
        assert.deepEqual(deleted.filter((n) => /-rule-\d+$/.test(n)), [`ecs-ship-prod-shared-http-rule-${apiPriority}`, `ecs-ship-prod-shared-https-rule-${apiPriority}`]);
        for (const n of ["ecs-ship-prod-api-stg", "ecs-ship-prod-shared-cert-api.example.com", "ecs-ship-prod-api.example.com-dns", "ecs-ship-prod-api.example.com-cert", "ecs-ship-prod-api-5xx", "ecs-ship-prod-api-unhealthy", "ecs-ship-prod-api-svc"]) {
            assert.ok(deleted.includes(n), `${n} is not deleted: ${deleted.join(", ")}`);
        }
        // and the load balancer, its listeners and the other services' rules, target groups and
        // services are neither updated nor replaced, so web and admin serve throughout
        // (the deploy role's policies may change: the removed domain leaves their scope)
        const touched = c.filter((x) => x.action !== "delete" && !x.name.startsWith("ecs-ship-prod-github-")).map((x) => `${x.action} ${x.name} (${x.changed.join(",")})`);
        assert.deepEqual(touched, []);
    });

    it("add a second Fargate service to one on its own domain: the domain moves to the shared load balancer in place", async () => {
        // GIVEN prod's web alone on www.example.com, behind its own load balancer
        const www = (s: Record<string, any>) => { s.web.domain = "www.example.com"; };
        // WHEN a second Fargate service is added, so the stack moves to one shared load balancer
        const c = await change("prod", "to-shared", (s) => {
            // An API that serves under /api, its probes too (the shared load balancer passes the prefix on)
            s.api = { ...structuredClone(s.web), path: "/api", healthCheckPath: "/api/health", versionPath: "/api/version" };
            delete s.api.domain;
        }, www);
        // THEN the domain's one alias record is updated to point at the shared load balancer, not
        // handed to a new record resource whose record set the old one's delete would remove
        assert.deepEqual(c.filter((x) => x.type === "aws:route53/record:Record").map((x) => [x.action, x.name, x.changed.join(",")]), [["update", "ecs-ship-prod-www.example.com-dns", "aliases"]]);
        assert.deepEqual(problems(c), []);
        assert.ok(pick(c, "create").includes("ecs-ship-prod-shared-alb"), "the shared load balancer is created");
    });

    it("flags a DNS record handed from one record resource to another", () => {
        // GIVEN the same record set written by a deleted resource and a created one
        const before = [recorded("aws:route53/record:Record", { zoneId: "Z1", name: "www.example.com", type: "A" }, { urn: "urn:a", name: "old-dns" })];
        const after = [recorded("aws:route53/record:Record", { zoneId: "Z1", name: "www.example.com.", type: "A", allowOverwrite: true }, { urn: "urn:b", name: "new-dns" })];
        // WHEN compared  THEN the create is flagged: the old one's delete removes the live record set
        const [created] = compareRuns(before, after).filter((x) => x.action === "create");
        assert.match(created.problem ?? "", /created while old-dns still holds "Z1 www\.example\.com A"; deleting old-dns at the end of the update removes what this one wrote/);
    });

    it("switch a service's alarms off for a hotfix: alarms and topic go, the service is updated, the trust is untouched", async () => {
        // GIVEN prod's web with alarms that mail ops  WHEN alarms.enabled is set to false
        const c = await change("prod", "alarms-off", (s) => { s.web.alarms.enabled = false; }, (s) => { s.web.alarms = { email: "ops@example.com" }; });
        // THEN the two alarms and the notification topic and subscription are deleted, the service drops them
        assert.deepEqual(pick(c, "delete"), ["ecs-ship-prod-web-5xx", "ecs-ship-prod-web-alarms", "ecs-ship-prod-web-alarms-email", "ecs-ship-prod-web-unhealthy"]);
        assert.deepEqual(c.filter((x) => x.action === "update").map((x) => [x.name, x.changed.join(",")]), [["ecs-ship-prod-web-svc", "alarms"]]);
        // AND nothing of the trust changes, so CI can ship it without an administrator (docs/operations.md)
        assert.deepEqual([pick(c, "create"), pick(c, "replace"), problems(c)], [[], [], []]);
    });

    it("rename a service: the new one is created beside the old, under names the old does not hold", async () => {
        const c = await change("dev", "rename", (s) => { s.site = s.web; delete s.web; });
        assert.deepEqual([pick(c, "replace"), problems(c)], [[], []]);
        assert.ok(pick(c, "create").includes("ecs-ship-dev-site-service"));
        assert.ok(pick(c, "delete").includes("ecs-ship-dev-web-service"));
        assert.ok(pick(c, "create").includes("ecs-ship-dev-site-registry-repo"));
    });
});

/** A recorded resource, as the planner records it, for rule checks without a program. */
function recorded(type: string, inputs: Record<string, any>, extra: Partial<RecordedResource> = {}): RecordedResource {
    return {
        type, name: "r", urn: `urn:pulumi:dev::ecs-ship::${type}::r`, custom: true, inputs, displayInputs: inputs,
        parent: null, parentUrn: null, dependsOn: [], dependencies: [], provider: null, state: {}, ...extra,
    };
}

describe("Replacement rules: the defects they catch", () => {
    const EXPRESS = "aws:ecs/expressGatewayService:ExpressGatewayService";

    it("flags an Express replacement that keeps a fixed service name", () => {
        // GIVEN a new infrastructure role (RequiresReplace) under an unchanged name
        const c = compareRuns(
            [recorded(EXPRESS, { serviceName: "ecs-ship-dev-web", infrastructureRoleArn: "arn:aws:iam::123456789012:role/a" })],
            [recorded(EXPRESS, { serviceName: "ecs-ship-dev-web", infrastructureRoleArn: "arn:aws:iam::123456789012:role/b" })],
        );
        // THEN the replacement would collide, even with deleteBeforeReplace (INACTIVE services keep the name)
        assert.equal(c[0].action, "replace");
        assert.match(c[0].problem!, /^replacement reuses the fixed name "ecs-ship-dev-web"/);
    });

    it("accepts an Express replacement whose name changes with the role", () => {
        const c = compareRuns(
            [recorded(EXPRESS, { serviceName: "ecs-ship-dev-web-aaaaaa", infrastructureRoleArn: "arn:aws:iam::123456789012:role/a" })],
            [recorded(EXPRESS, { serviceName: "ecs-ship-dev-web-bbbbbb", infrastructureRoleArn: "arn:aws:iam::123456789012:role/b" })],
        );
        assert.deepEqual([c[0].action, c[0].problem], ["replace", undefined]);
    });

    it("flags a launch type switch as a replacement and a strategy change without forceNewDeployment as refused", () => {
        const SERVICE = "aws:ecs/service:Service";
        const toStrategy = compareRuns([recorded(SERVICE, { launchType: "FARGATE" })], [recorded(SERVICE, { capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] })]);
        assert.deepEqual([toStrategy[0].action, toStrategy[0].replaceBecause], ["replace", ["launchType"]]);
        const refused = compareRuns(
            [recorded(SERVICE, { capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }] })],
            [recorded(SERVICE, { capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] })],
        );
        assert.match(refused[0].problem!, /force_new_deployment should be true when capacity_provider_strategy is being updated/);
    });

    it("flags a repository replacement under its fixed name", () => {
        const REPO = "aws:ecr/repository:Repository";
        const c = compareRuns([recorded(REPO, { name: "ecs-ship-dev-web", encryptionConfigurations: [{ encryptionType: "AES256" }] })],
            [recorded(REPO, { name: "ecs-ship-dev-web", encryptionConfigurations: [{ encryptionType: "KMS" }] })]);
        assert.match(c[0].problem!, /replacement reuses the fixed name "ecs-ship-dev-web"/);
        // the registry keeps its creation-time encryption, so the real program never takes this path
        const ignored = compareRuns([recorded(REPO, { name: "ecs-ship-dev-web", encryptionConfigurations: [{ encryptionType: "AES256" }] })],
            [recorded(REPO, { name: "ecs-ship-dev-web", encryptionConfigurations: [{ encryptionType: "KMS" }] }, { ignoreChanges: ["encryptionConfigurations"] })]);
        assert.deepEqual(ignored, []);
    });

    it("reads a nested ignored path from the first run, as the engine does", () => {
        // GIVEN only the ignored security groups differ
        const c = compareRuns([recorded(EXPRESS, { networkConfigurations: [{ subnets: ["s-1", "s-2"], securityGroups: ["sg-aws"] }] })],
            [recorded(EXPRESS, { networkConfigurations: [{ subnets: ["s-1", "s-2"], securityGroups: [] }] }, { ignoreChanges: ["networkConfigurations[0].securityGroups"] })]);
        // THEN nothing changes; a subnet change still would
        assert.deepEqual(c, []);
        const moved = compareRuns([recorded(EXPRESS, { networkConfigurations: [{ subnets: ["s-1", "s-2"], securityGroups: ["sg-aws"] }] })],
            [recorded(EXPRESS, { networkConfigurations: [{ subnets: ["s-1", "s-3"], securityGroups: [] }] }, { ignoreChanges: ["networkConfigurations[0].securityGroups"] })]);
        assert.deepEqual(moved.map((x) => [x.action, x.changed]), [["update", ["networkConfigurations"]]]);
    });

    it("refuses to judge a resource type it has no rule for", () => {
        assert.throws(() => compareRuns([], [recorded("aws:s3/bucket:Bucket", {})]), /no replacement rule for aws:s3\/bucket:Bucket: add it to REPLACE_RULES/);
    });
});

after(() => fs.rmSync(TMP, { recursive: true, force: true }));
export type { Plan };
