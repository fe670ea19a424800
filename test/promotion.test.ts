// One build, promoted (docs/promotion.md): staging in one account builds, prod in another runs the
// digest staging deployed. Planned through index.ts from test/scenarios/promotion, as the deploy
// workflow runs them: staging first, then prod with staging's outputs passed in ECS_SHIP_PROMOTED_IMAGES.
import { strict as assert } from "assert";
import { Plan } from "../tools/planner/planner";
import { ConfigError, RawConfig, parseSettings } from "../config";
import { OtherStack, PROMOTED_IMAGES_ENV } from "../config/promotion";
import { lifecyclePolicy } from "../components/registry/registryPolicies";
import { executionRolePattern, promotedTag, pullPolicy } from "../components/registry/promotion";
import { planFacts } from "./support/planFacts";
import { PROD_ACCOUNT, SHA, planPromotion } from "./support/promotion";

const ofType = (p: Plan, type: string) => p.resources.filter((r) => r.type === type);

describe("promotion: staging builds, prod runs staging's digest", function () {
    this.timeout(240_000);
    let staging: Plan;
    let prod: Plan;
    let images: Record<string, string>;
    before(async () => ({ staging, prod, images } = await planPromotion()));

    it("plans prod with exactly the digests staging deployed, and the outputs say where they came from", () => {
        // GIVEN staging's planned outputs  WHEN prod is planned with them  THEN each prod service runs staging's ref
        const facts = planFacts(prod);
        assert.match(images.web, /^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ecs-ship-staging-web@sha256:[0-9a-f]{64}$/);
        assert.equal(facts.services.web.image, images.web);
        assert.equal(facts.services.admin.image, images.admin);
        const out = prod.outputs.services as Record<string, { imageRef: string; imageDigest: string; promotedFrom?: string; repositoryUrl?: string }>;
        assert.equal(out.web.imageDigest, images.web.split("@")[1]);
        assert.deepEqual([out.web.promotedFrom, out.admin.promotedFrom, out.web.repositoryUrl], ["staging", "staging", undefined]);
        assert.equal((staging.outputs.services as Record<string, { promotedFrom?: string }>).web.promotedFrom, undefined);
    });

    it("creates no repository, image build, lifecycle or repository policy in prod", () => {
        for (const type of ["aws:ecr/repository:Repository", "docker:index/image:Image", "aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecr/repositoryPolicy:RepositoryPolicy", "ecs-ship:index:ContainerRegistry"]) {
            assert.equal(ofType(prod, type).length, 0, `prod has a ${type}`);
        }
        assert.equal(ofType(staging, "docker:index/image:Image").length, 2);
    });

    it("lets prod's boundary pull from exactly staging's two repositories besides its own", () => {
        const boundary = JSON.parse(ofType(prod, "aws:iam/policy:Policy").find((r) => r.name.endsWith("-github-boundary"))!.inputs.policy);
        const pull = boundary.Statement.find((s: { Sid: string }) => s.Sid === "ExecPull");
        assert.deepEqual(pull.Resource, [
            "arn:aws:ecr:eu-west-1:123456789012:repository/ecs-ship-prod-*",
            "arn:aws:ecr:eu-west-1:123456789012:repository/ecs-ship-staging-admin",
            "arn:aws:ecr:eu-west-1:123456789012:repository/ecs-ship-staging-web",
        ].sort((a, b) => (a.includes("prod") ? -1 : b.includes("prod") ? 1 : a.localeCompare(b))));
    });

    it("gives each staging repository a policy naming exactly prod's execution role of that service", () => {
        const policies = ofType(staging, "aws:ecr/repositoryPolicy:RepositoryPolicy");
        assert.deepEqual(policies.map((r) => r.inputs.repository).sort(), ["ecs-ship-staging-admin", "ecs-ship-staging-web"]);
        // prod's own execution roles, as prod's plan names them (the mock has one account; prod's is promoteTo's)
        const execRoles = ofType(prod, "aws:iam/role:Role").filter((r) => /-exec$/.test(r.name)).map((r) => String(r.state.arn).replace(":123456789012:", `:${PROD_ACCOUNT}:`));
        assert.equal(execRoles.length, 2);
        for (const r of policies) {
            const service = String(r.inputs.repository).replace("ecs-ship-staging-", "");
            const doc = JSON.parse(r.inputs.policy) as { Statement: { Principal: unknown; Action: string[]; Condition: { ArnLike: Record<string, string[]> } }[] };
            assert.deepEqual(doc, pullPolicy([{ stack: "prod", account: PROD_ACCOUNT }], service) as unknown);
            assert.deepEqual(doc.Statement[0].Principal, { AWS: [`arn:aws:iam::${PROD_ACCOUNT}:root`] });
            assert.deepEqual(doc.Statement[0].Action, ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]);
            // THEN the pattern matches that service's prod execution role, and none of prod's other roles
            const pattern = new RegExp(`^${doc.Statement[0].Condition.ArnLike["aws:PrincipalArn"][0].replace(/[.]/g, "\\.").replace(/\?/g, ".")}$`);
            const matching = ofType(prod, "aws:iam/role:Role").map((x) => String(x.state.arn).replace(":123456789012:", `:${PROD_ACCOUNT}:`)).filter((a) => pattern.test(a));
            assert.deepEqual(matching, execRoles.filter((a) => a.includes(`-prod-${service}-exec-`)));
        }
    });

    it("keeps the images prod runs: a rule for prod's tag before the count of every tagged image", () => {
        const lifecycle = ofType(staging, "aws:ecr/lifecyclePolicy:LifecyclePolicy").map((r) => JSON.parse(r.inputs.policy));
        for (const doc of lifecycle) assert.deepEqual(doc, lifecyclePolicy(30, ["prod.*"]));
        const rules = lifecyclePolicy(30, ["prod.*"]).rules;
        assert.deepEqual(rules.map((r) => [r.rulePriority, r.selection.tagStatus, r.selection.tagPatternList ?? null]), [
            [1, "untagged", null], [2, "tagged", ["prod.*"]], [3, "tagged", ["*"]],
        ]);
        assert.equal(promotedTag("prod", SHA), "prod.4f2a9c1");
    });
});

describe("promotion: stack-file errors", () => {
    const others = (stacks: Record<string, Record<string, unknown>>): Record<string, OtherStack> =>
        Object.fromEntries(Object.entries(stacks).map(([s, values]) => [s, { region: "us-east-1", values }]));
    const github = { repository: "acme/shop" };
    const built = { mode: "express", image: { context: "app" } };
    const stagingValues = { github, registry: { promoteTo: { prod: PROD_ACCOUNT } }, services: { web: built } };
    const raw = (stack: string, values: Record<string, unknown>, stacks: Record<string, Record<string, unknown>>, env: Record<string, string> = { [PROMOTED_IMAGES_ENV]: "offline" }): RawConfig => ({
        stack, region: "us-east-1", values, env: { GITHUB_SHA: SHA, ...env }, gitHead: () => undefined, otherStacks: others(stacks),
    });
    const problems = (r: RawConfig): string[] => {
        try {
            parseSettings(r);
        } catch (e) {
            if (e instanceof ConfigError) return e.problems;
            throw e;
        }
        return [];
    };
    const prod = (image: Record<string, unknown>) => ({ github, services: { web: { mode: "express", image } } });
    const REF = `123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-staging-web@sha256:${"a".repeat(64)}`;

    it("accepts prod from staging, and hands the program the passed digest as a prebuilt image", () => {
        const s = parseSettings(raw("prod", prod({ from: "staging" }), { staging: stagingValues }, { [PROMOTED_IMAGES_ENV]: JSON.stringify({ web: REF }) }));
        assert.deepEqual(s.services[0].image, { kind: "ref", ref: REF, from: "staging" });
        const src = parseSettings(raw("staging", stagingValues, { prod: prod({ from: "staging" }) }));
        assert.deepEqual(src.promotions, [{ stack: "prod", account: PROD_ACCOUNT, services: ["web"] }]);
    });

    const cases: [string, RawConfig, string][] = [
        ["from a stack with no file", raw("prod", prod({ from: "stagign" }), { staging: stagingValues, dev: {} }),
            'ecs-ship:services.web.image.from: must be one of the stacks beside this one (dev, staging), got "stagign", which has no stack file'],
        ["from together with context", raw("prod", prod({ from: "staging", context: "app" }), { staging: stagingValues }),
            "ecs-ship:services.web.image: Only one of `context`, `ref` or `from` can be provided, got context and from"],
        ["from together with ref", raw("prod", prod({ from: "staging", ref: REF }), { staging: stagingValues }),
            "ecs-ship:services.web.image: Only one of `context`, `ref` or `from` can be provided, got ref and from"],
        ["from with a tag", raw("prod", prod({ from: "staging", tag: "abcdef1" }), { staging: stagingValues }),
            'ecs-ship:services.web.image.from: a promoted image is not built, so `tag` and `dockerfile` do not apply, got "tag"'],
        ["from that is not a stack name", raw("prod", prod({ from: "Staging" }), { staging: stagingValues }),
            'ecs-ship:services.web.image.from: must be the name of the stack whose image this service runs (a lowercase letter, then up to 19 lowercase letters, digits or "-"), got "Staging"'],
        ["from itself", raw("prod", prod({ from: "prod" }), { staging: stagingValues }),
            'ecs-ship:services.web.image.from: must name an earlier stack, not this one (a stack cannot run an image it does not build), got "prod"'],
        ["a cycle", raw("prod", prod({ from: "staging" }), { staging: { github, services: { web: { mode: "express", image: { from: "qa" } } } }, qa: { github, services: { web: { mode: "express", image: { from: "prod" } } } } }),
            'ecs-ship:services.web.image.from: forms a cycle (prod → staging → qa → prod): some stack must build web from a folder (image.context), got "staging"'],
        ["from a stack that runs another's image", raw("prod", prod({ from: "staging" }), { staging: { github, services: { web: { mode: "express", image: { from: "dev" } } } }, dev: stagingValues }),
            'ecs-ship:services.web.image.from: must name a stack that builds web from a folder (image.context); staging does not build web (it runs dev\'s): name dev, got "staging"'],
        ["from a stack without the service", raw("prod", prod({ from: "staging" }), { staging: { ...stagingValues, services: { api: built } } }),
            'ecs-ship:services.web.image.from: must name a stack that builds web from a folder (image.context); staging has no service web, got "staging"'],
        ["from a stack that does not promote to it", raw("prod", prod({ from: "staging" }), { staging: { github, services: { web: built } } }),
            'ecs-ship:services.web.image.from: staging must list this stack in its ecs-ship:registry.promoteTo (with this stack\'s account id) so its repository lets this stack pull; it lists "none", got "staging"'],
        ["promoteTo a stack with no file", raw("staging", stagingValues, { qa: {} }),
            'ecs-ship:registry.promoteTo.prod: must be one of the stacks beside this one (qa), got "prod", which has no stack file'],
        ["promoteTo a stack that runs none of its images", raw("staging", stagingValues, { prod: { github, services: { web: built } } }),
            'ecs-ship:registry.promoteTo.prod: prod runs no image of this stack (no service of it has image.from: staging), so nothing would be granted; remove it, got "prod"'],
        ["promoteTo with an account that is no account id", raw("staging", { ...stagingValues, registry: { promoteTo: { prod: "2222" } } }, { prod: prod({ from: "staging" }) }),
            'ecs-ship:registry.promoteTo.prod: must be the 12-digit AWS account id of that stack, got "2222"'],
        ["no digest passed to an update", raw("prod", prod({ from: "staging" }), { staging: stagingValues }, {}),
            'ECS_SHIP_PROMOTED_IMAGES: must hold the images this stack runs from staging, as {"<service>": "<ref>"} (the deploy workflow sets it from that stack\'s outputs: npm run -s promote -- images --stack prod), got nothing'],
        ["a digest of another repository", raw("prod", prod({ from: "staging" }), { staging: stagingValues }, { [PROMOTED_IMAGES_ENV]: JSON.stringify({ web: REF.replace("staging-web", "dev-web") }) }),
            `ECS_SHIP_PROMOTED_IMAGES.web: must be staging's image of web, as <account>.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-staging-web@sha256:<64 hex digits>, got "${REF.replace("staging-web", "dev-web")}"`],
    ];
    for (const [what, input, message] of cases) {
        it(`rejects ${what}, naming the key, what is allowed and what was given`, () => {
            assert.deepEqual(problems(input), [message]);
        });
    }

    it("plans the placeholder digest offline, in the source's repository and region", () => {
        const s = parseSettings(raw("prod", prod({ from: "staging" }), { staging: stagingValues }));
        assert.deepEqual(s.services[0].image, { kind: "ref", ref: `000000000000.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-staging-web@sha256:${"0".repeat(64)}`, from: "staging", placeholder: true });
        assert.equal(executionRolePattern({ stack: "prod", account: PROD_ACCOUNT }, "web"), `arn:aws:iam::${PROD_ACCOUNT}:role/ecs-ship-prod-web-exec-???????`);
    });
});
