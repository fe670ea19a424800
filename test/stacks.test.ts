// Stack per environment, names and tags, two stacks in one account, and teardown:
// properties of the whole plan of each stack file that ships.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { physicalName } from "../tools/planner/mockCloud";
import { Plan, ROOT, plan } from "../tools/planner/planner";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const STACKS = ["dev", "prod"] as const;

/** Each stack is planned once for the whole file. */
const plans = new Map<string, Promise<Plan>>();
function planOf(stack: string): Promise<Plan> {
    if (!plans.has(stack)) plans.set(stack, plan(stack, { env: { GITHUB_SHA: SHA } }));
    return plans.get(stack)!;
}

/** Every leaf key of a stack file's config, as "namespace:key.path" → value. */
function leaves(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
    if (value && typeof value === "object" && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
    } else {
        out.set(prefix, JSON.stringify(value));
    }
    return out;
}

function stackFile(stack: string): Map<string, unknown> {
    const doc = parseYaml(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
    return leaves(doc.config, "", new Map());
}

describe("stacks: dev and prod differ only in what differs between environments", () => {
    it("differ in exactly size, count, scaling, mode, the deploy subject and the OIDC provider's owner", () => {
        const dev = stackFile("dev");
        const prod = stackFile("prod");
        const keys = [...new Set([...dev.keys(), ...prod.keys()])].filter((k) => dev.get(k) !== prod.get(k)).sort();
        assert.deepEqual(keys, [
            // size and count
            "ecs-ship:services.web.cpu",
            "ecs-ship:services.web.desiredCount",
            // the deploy subject: dev from main, prod from the production environment
            "ecs-ship:github.deployBranches",
            "ecs-ship:github.deployEnvironments",
            // one OIDC provider per account: dev creates and keeps it, prod reuses it by ARN
            "ecs-ship:github.oidcProviderArn",
            "ecs-ship:github.retainProvider",
            "ecs-ship:services.web.memory",
            // service mode
            "ecs-ship:services.web.mode",
            // scaling
            "ecs-ship:services.web.scaling.max",
            "ecs-ship:services.web.scaling.min",
        ].sort());
    });
});

for (const stack of STACKS) {
    describe(`stacks: the ${stack} plan`, function () {
        this.timeout(60_000);
        let p: Plan;
        before(async () => { p = await planOf(stack); });

        it("starts every physical name with ecs-ship-<stack>-", () => {
            const named = p.resources.flatMap((r) => {
                const n = r.type === "aws:ecs/expressGatewayService:ExpressGatewayService" ? r.inputs.serviceName
                    : r.type === "aws:ecs/taskDefinition:TaskDefinition" ? r.inputs.family
                    : physicalName(r.type, r.name, r.inputs);
                return n === undefined ? [] : [[r.name, n as string]];
            });
            assert.ok(named.length > 10, `only ${named.length} named resources`);
            assert.deepEqual(named.filter(([, n]) => !n.startsWith(`ecs-ship-${stack}-`)), []);
        });

        it("creates every AWS resource through the provider that carries the stack's default tags", () => {
            const prov = p.resources.find((r) => r.type === "pulumi:providers:aws");
            assert.ok(prov);
            assert.deepEqual(JSON.parse(prov!.inputs.defaultTags), { tags: { "ecs-ship:stack": stack, "ecs-ship:managed-by": "pulumi" } });
            const elsewhere = p.resources.filter((r) => r.custom && r.type.startsWith("aws:") && r.provider !== prov!.name);
            assert.deepEqual(elsewhere.map((r) => `${r.name} (${r.type}) uses ${r.provider ?? "the default provider"}`), []);
        });

        it("overrides neither default tag on any resource", () => {
            const overriding = p.resources.filter((r) => r.inputs.tags && ("ecs-ship:stack" in r.inputs.tags || "ecs-ship:managed-by" in r.inputs.tags));
            assert.deepEqual(overriding.map((r) => r.name), []);
        });

        it("lets destroy delete every ECR repository with its images", () => {
            const repos = p.resources.filter((r) => r.type === "aws:ecr/repository:Repository");
            assert.equal(repos.length, 1);
            assert.deepEqual(repos.map((r) => r.inputs.forceDelete), [true]);
        });

        it("owns every log group its services write to, with retention", () => {
            const groups = new Map(p.resources.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup").map((r) => [r.state.name, r.inputs.retentionInDays]));
            const used = p.resources.flatMap((r) => {
                if (r.type === "aws:ecs/expressGatewayService:ExpressGatewayService") return r.inputs.primaryContainer.awsLogsConfigurations.map((c: any) => c.logGroup);
                if (r.type === "aws:ecs/taskDefinition:TaskDefinition") return JSON.parse(r.inputs.containerDefinitions).map((c: any) => c.logConfiguration.options["awslogs-group"]);
                return [];
            });
            assert.equal(used.length, 1);
            for (const g of used) assert.equal(groups.get(g), 30, `log group ${g} is not owned by the stack with 30-day retention`);
        });

        it("protects the trust, and only the trust, from destroy", () => {
            const trust = p.resources.find((r) => r.type === "ecs-ship:index:GithubOidcTrust")!;
            const inTrust = p.resources.filter((r) => r.parentUrn === trust.urn || r === trust);
            assert.deepEqual(inTrust.filter((r) => !r.protect).map((r) => r.name), []);
            assert.deepEqual(p.resources.filter((r) => r.protect && !inTrust.includes(r)).map((r) => r.name), []);
        });
    });
}

describe("stacks: both plans together", function () {
    this.timeout(60_000);
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await planOf("dev");
        prod = await planOf("prod");
    });

    describe("two stacks, one account", () => {
        it("creates exactly one GitHub OIDC provider across both stacks", () => {
            const providers = [...dev.resources, ...prod.resources].filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
            assert.deepEqual(providers.map((r) => r.name), ["ecs-ship-dev-github-provider"]);
        });

        it("has prod trust the provider dev creates, by ARN", () => {
            const deploy = prod.resources.find((r) => r.name === "ecs-ship-prod-github-deploy")!;
            assert.equal(JSON.parse(deploy.inputs.assumeRolePolicy).Statement[0].Principal.Federated, dev.outputs.providerArn);
        });

        it("keeps the shared provider when dev is destroyed", () => {
            assert.equal(dev.resources.find((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider")!.retainOnDelete, true);
        });

        it("gives the two stacks no physical name in common", () => {
            const names = (p: Plan) => new Set(p.resources.map((r) => physicalName(r.type, r.name, r.inputs)).filter((n): n is string => n !== undefined));
            const d = names(dev);
            assert.deepEqual([...names(prod)].filter((n) => d.has(n)), []);
        });
    });

    describe("teardown order", () => {

        it("deletes the Express service before every policy of its roles, with a 35-minute delete timeout", () => {
            const svc = dev.resources.find((r) => r.type === "aws:ecs/expressGatewayService:ExpressGatewayService")!;
            const policies = dev.resources.filter((r) => r.parent === "ecs-ship-dev-web" && /^aws:iam\/(rolePolicy|rolePolicyAttachment):/.test(r.type)).map((r) => r.name);
            assert.ok(policies.length >= 2);
            assert.deepEqual(policies.filter((n) => !svc.dependencies.includes(n)), []);
            assert.equal(svc.customTimeouts?.delete, "35m");
        });

        it("deletes the Fargate service before its target group and listener, with a delete timeout", () => {
            const svc = prod.resources.find((r) => r.type === "aws:ecs/service:Service")!;
            const lbParts = prod.resources.filter((r) => r.type === "aws:lb/targetGroup:TargetGroup" || r.type === "aws:lb/listener:Listener").map((r) => r.name);
            assert.equal(lbParts.length, 2);
            assert.deepEqual(lbParts.filter((n) => !svc.dependencies.includes(n)), []);
            assert.ok(svc.customTimeouts?.delete, "no delete timeout on the Fargate service");
        });

        it("never deletes a reused provider: prod creates none", () => {
            assert.equal(prod.resources.filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider").length, 0);
        });
    });
});
