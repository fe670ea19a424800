// GithubOidcTrust under Pulumi's mock runtime: the exact children, trust documents and
// options it registers. Security behaviour is in trustSecurity.test.ts.
import * as assert from "assert";
import { ConfigError, parseSettings } from "../config";
import { GITHUB_OIDC_TRUST_TYPE, GithubOidcTrust, GithubOidcTrustArgs } from "../components/trust/githubOidcTrust";
import { cloud, doc, optionsRecorder, promiseOf, settled, useMocks } from "./support/harness";

const ACCOUNT = "123456789012";
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";

function args(overrides: Partial<GithubOidcTrustArgs> = {}): GithubOidcTrustArgs {
    return {
        prefix: "ecs-ship-dev",
        repository: "acme/shop",
        stackTags: { "ecs-ship:stack": "dev", "ecs-ship:managed-by": "pulumi" },
        region: "us-east-1",
        ...overrides,
    };
}

function trustOf(roleName: string): any {
    return doc(cloud.byName(roleName).inputs.assumeRolePolicy);
}

describe("GithubOidcTrust", () => {
    useMocks("dev");

    it("uses the ecs-ship type token", async () => {
        // GIVEN default arguments
        // WHEN the component is constructed
        // THEN it registers as ecs-ship:index:GithubOidcTrust
        new GithubOidcTrust("ecs-ship-dev-github", args());
        await settled();
        assert.strictEqual(cloud.byName("ecs-ship-dev-github").type, GITHUB_OIDC_TRUST_TYPE);
    });

    it("creates GitHub's provider with the STS audience and no thumbprint", async () => {
        // GIVEN no oidcProviderArn
        // WHEN the component is constructed
        // THEN one provider exists for GitHub's issuer, audience sts.amazonaws.com, no thumbprints
        new GithubOidcTrust("ecs-ship-dev-github", args());
        await settled();
        const providers = cloud.ofType(PROVIDER);
        assert.deepStrictEqual(providers.map((p) => p.name), ["ecs-ship-dev-github-provider"]);
        assert.deepStrictEqual(providers[0].inputs, { url: "https://token.actions.githubusercontent.com", clientIdLists: ["sts.amazonaws.com"] });
    });

    it("writes the deploy role's exact trust document", async () => {
        // GIVEN the default deploy branch (main)
        // WHEN the component is constructed
        // THEN the deploy role trusts the provider for exactly main's push subject
        new GithubOidcTrust("ecs-ship-dev-github", args());
        await settled();
        assert.deepStrictEqual(trustOf("ecs-ship-dev-github-deploy"), {
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow",
                Principal: { Federated: PROVIDER_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": ["repo:acme/shop:ref:refs/heads/main"],
                    },
                },
            }],
        });
    });

    it("with ownerId and repositoryId, both roles trust only GitHub's immutable subjects", async () => {
        // GIVEN the repository's ids
        // WHEN the component is constructed
        // THEN every subject names owner@id/name@id, and no name-only subject remains
        new GithubOidcTrust("ecs-ship-dev-github", args({ ownerId: 123456, repositoryId: 456789, deployEnvironments: ["production"] }));
        await settled();
        const sub = (role: string) => trustOf(role).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"];
        assert.deepStrictEqual(sub("ecs-ship-dev-github-deploy"), ["repo:acme@123456/shop@456789:ref:refs/heads/main", "repo:acme@123456/shop@456789:environment:production"]);
        assert.deepStrictEqual(sub("ecs-ship-dev-github-preview"), ["repo:acme@123456/shop@456789:pull_request"]);
    });

    it("refuses one id without the other, registering nothing", () => {
        assert.throws(() => new GithubOidcTrust("ecs-ship-dev-github", args({ ownerId: 123456 })),
            /invalid arguments:\n  - repositoryId: ownerId and repositoryId go together \(GitHub's immutable subject names both\), got only ownerId$/);
    });

    it("lists one subject per deploy branch and per deploy environment", async () => {
        // GIVEN two branches and two environments
        // WHEN the component is constructed
        // THEN the sub list holds exactly those four subjects, branches first
        new GithubOidcTrust("ecs-ship-dev-github", args({ deployBranches: ["main", "release"], deployEnvironments: ["staging", "production"] }));
        await settled();
        assert.deepStrictEqual(trustOf("ecs-ship-dev-github-deploy").Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"], [
            "repo:acme/shop:ref:refs/heads/main",
            "repo:acme/shop:ref:refs/heads/release",
            "repo:acme/shop:environment:staging",
            "repo:acme/shop:environment:production",
        ]);
    });

    it("writes the preview role's exact trust document", async () => {
        // GIVEN pullRequestPreview left at its default (true)
        // WHEN the component is constructed
        // THEN the preview role trusts only the repository's pull_request subject
        new GithubOidcTrust("ecs-ship-dev-github", args());
        await settled();
        assert.deepStrictEqual(trustOf("ecs-ship-dev-github-preview"), {
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow",
                Principal: { Federated: PROVIDER_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": ["repo:acme/shop:pull_request"],
                    },
                },
            }],
        });
    });

    it("creates no preview role, and exports none, when preview is off", async () => {
        // GIVEN pullRequestPreview: false
        // WHEN the component is constructed
        // THEN only the deploy role exists and previewRoleArn is undefined
        const trust = new GithubOidcTrust("ecs-ship-dev-github", args({ pullRequestPreview: false }));
        await settled();
        assert.deepStrictEqual(cloud.ofType(ROLE).map((r) => r.name), ["ecs-ship-dev-github-deploy"]);
        assert.strictEqual(trust.previewRoleArn, undefined);
    });

    it("creates no provider when one is reused, and trusts the reused one", async () => {
        // GIVEN an existing provider's ARN (a second stack in the same account)
        // WHEN the component is constructed
        // THEN no provider is registered and the deploy role's principal is that ARN
        const reused = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
        const trust = new GithubOidcTrust("ecs-ship-dev-github", args({ oidcProviderArn: reused }));
        await settled();
        assert.strictEqual(cloud.ofType(PROVIDER).length, 0);
        assert.deepStrictEqual(trustOf("ecs-ship-dev-github-deploy").Statement[0].Principal, { Federated: reused });
        assert.strictEqual(await promiseOf(trust.providerArn), reused);
    });

    it("accepts retainProvider: false alongside a reused provider", async () => {
        // GIVEN a reused provider and retainProvider at config.ts's default (false)
        // WHEN the component is constructed
        // THEN it is valid and creates no provider
        new GithubOidcTrust("ecs-ship-dev-github", args({ oidcProviderArn: PROVIDER_ARN, retainProvider: false }));
        await settled();
        assert.strictEqual(cloud.ofType(PROVIDER).length, 0);
    });

    it("retains the provider on delete when retainProvider is set", async () => {
        // GIVEN retainProvider: true
        // WHEN the component is constructed
        // THEN the provider is registered with retainOnDelete
        new GithubOidcTrust("ecs-ship-dev-github", args({ retainProvider: true }));
        await settled();
        assert.strictEqual(cloud.byName("ecs-ship-dev-github-provider").retainOnDelete, true);
    });

    it("does not retain the provider by default", async () => {
        // GIVEN retainProvider left at its default
        // WHEN the component is constructed
        // THEN the provider is deleted with the stack
        new GithubOidcTrust("ecs-ship-dev-github", args());
        await settled();
        assert.strictEqual(cloud.byName("ecs-ship-dev-github-provider").retainOnDelete, undefined);
    });

    it("parents every child to the component", async () => {
        // GIVEN an options recorder on the component
        // WHEN the component is constructed
        // THEN every child names the component as its parent
        const rec = optionsRecorder();
        new GithubOidcTrust("ecs-ship-dev-github", args(), { transformations: [rec.transformation] });
        await settled();
        const children = cloud.resources.filter((r) => r.name !== "ecs-ship-dev-github");
        assert.ok(children.length > 0);
        assert.deepStrictEqual(children.filter((r) => r.parent !== "ecs-ship-dev-github").map((r) => r.name), []);
    });

    it("protects every child, pass-role policies included, when the component is protected", async () => {
        // GIVEN the component constructed with { protect: true } (CI's destroy runs with
        // exclude-protected, because the deploy role may not delete the trust)
        // WHEN a pass-role grant is added too
        // THEN the engine sees every child, and the grant, as protected
        const trust = new GithubOidcTrust("ecs-ship-dev-github", args(), { protect: true });
        trust.allowPassRole("web", [{ roleArn: "arn:aws:iam::123456789012:role/ecs-ship-dev-web-exec-1a2b3c4", service: "ecs-tasks.amazonaws.com" }]);
        await settled();
        const custom = cloud.resources.filter((r) => r.custom);
        assert.strictEqual(custom.length, 15);
        assert.deepStrictEqual(custom.filter((r) => r.protect !== true).map((r) => r.name), []);
    });

    it("names every child after the component, so physical names start with ecs-ship-dev-", async () => {
        // GIVEN the component named ecs-ship-dev-github
        // WHEN it is constructed
        // THEN the children are exactly these, each named from the component
        new GithubOidcTrust("ecs-ship-dev-github", args());
        await settled();
        const children = cloud.resources.filter((r) => r.name !== "ecs-ship-dev-github").map((r) => `${r.type} ${r.name}`).sort();
        assert.deepStrictEqual(children, [
            `${ATTACHMENT} ecs-ship-dev-github-deploy-build`,
            `${ATTACHMENT} ecs-ship-dev-github-deploy-edge`,
            `${ATTACHMENT} ecs-ship-dev-github-deploy-iam`,
            `${ATTACHMENT} ecs-ship-dev-github-deploy-network`,
            `${ATTACHMENT} ecs-ship-dev-github-preview`,
            `${PROVIDER} ecs-ship-dev-github-provider`,
            `${POLICY} ecs-ship-dev-github-boundary`,
            `${POLICY} ecs-ship-dev-github-deploy-build`,
            `${POLICY} ecs-ship-dev-github-deploy-edge`,
            `${POLICY} ecs-ship-dev-github-deploy-iam`,
            `${POLICY} ecs-ship-dev-github-deploy-network`,
            `${POLICY} ecs-ship-dev-github-preview`,
            `${ROLE} ecs-ship-dev-github-deploy`,
            `${ROLE} ecs-ship-dev-github-preview`,
        ].sort());
    });

    it("attaches the four deploy policies to the deploy role and the read policy to the preview role", async () => {
        // GIVEN default arguments
        // WHEN the component is constructed
        // THEN each attachment joins the expected role and policy
        new GithubOidcTrust("ecs-ship-dev-github", args());
        await settled();
        const roleName = (n: string) => cloud.byName(n).state.name;
        const policyArn = (n: string) => cloud.resources.find((r) => r.type === POLICY && r.name === n)!.state.arn;
        const attachments = cloud.ofType(ATTACHMENT).map((a) => [a.inputs.role, a.inputs.policyArn]).sort();
        assert.deepStrictEqual(attachments, [
            [roleName("ecs-ship-dev-github-deploy"), policyArn("ecs-ship-dev-github-deploy-build")],
            [roleName("ecs-ship-dev-github-deploy"), policyArn("ecs-ship-dev-github-deploy-edge")],
            [roleName("ecs-ship-dev-github-deploy"), policyArn("ecs-ship-dev-github-deploy-iam")],
            [roleName("ecs-ship-dev-github-deploy"), policyArn("ecs-ship-dev-github-deploy-network")],
            [roleName("ecs-ship-dev-github-preview"), policyArn("ecs-ship-dev-github-preview")],
        ].sort());
    });

    it("lets the deploy role create roles only with this component's boundary", async () => {
        // GIVEN the component's boundary policy
        // WHEN the deploy role's IAM policy is read
        // THEN role creation and changes require iam:PermissionsBoundary = the boundary's ARN
        const trust = new GithubOidcTrust("ecs-ship-dev-github", args());
        await settled();
        const boundaryArn = await promiseOf(trust.permissionsBoundaryArn);
        assert.match(boundaryArn, /^arn:aws:iam::123456789012:policy\/ecs-ship-dev-github-boundary-[0-9a-f]{7}$/);
        const iam = doc(cloud.resources.find((r) => r.type === POLICY && r.name === "ecs-ship-dev-github-deploy-iam")!.inputs.policy);
        const create = iam.Statement.find((s: any) => s.Sid === "RoleCreate");
        assert.deepStrictEqual(create.Condition, { StringEquals: { "iam:PermissionsBoundary": boundaryArn, "aws:RequestTag/ecs-ship:stack": "dev" } });
        assert.ok(create.Action.includes("iam:CreateRole"));
    });

    it("keeps one boundary for every role by default: no infrastructure boundary, and the Express ceiling in the stack's", async () => {
        // GIVEN an Express stack's trust (the infra kind) without separateInfrastructureBoundary
        const trust = new GithubOidcTrust("ecs-ship-dev-github", args({ passRoleKinds: ["exec", "infra"] }));
        await settled();
        // WHEN its policies are read  THEN there is no -infra-boundary, and the stack's boundary holds the Express ceiling
        assert.strictEqual(trust.infrastructureBoundaryArn, undefined);
        assert.ok(!cloud.resources.some((r) => r.name === "ecs-ship-dev-github-infra-boundary"));
        const boundary = doc(cloud.byName("ecs-ship-dev-github-boundary").inputs.policy);
        assert.ok(boundary.Statement.some((s: any) => s.Sid === "EcsOwned"));
        // AND the deploy role attaches the Express policy only to an infrastructure role carrying that boundary
        const iam = doc(cloud.byName("ecs-ship-dev-github-deploy-iam").inputs.policy);
        const boundaryArn = await promiseOf(trust.permissionsBoundaryArn);
        assert.strictEqual(iam.Statement.find((s: any) => s.Sid === "InfraPolicy").Condition.StringEquals["iam:PermissionsBoundary"], boundaryArn);
    });

    it("with separateInfrastructureBoundary, gives the Express infrastructure roles a boundary of their own, and the deploy role both", async () => {
        // GIVEN an Express stack's trust with separateInfrastructureBoundary
        const trust = new GithubOidcTrust("ecs-ship-dev-github", args({ passRoleKinds: ["exec", "infra"], separateInfrastructureBoundary: true }));
        await settled();
        const boundaryArn = await promiseOf(trust.permissionsBoundaryArn);
        const infraArn = await promiseOf(trust.infrastructureBoundaryArn!);
        // WHEN its policies are read
        // THEN the infrastructure boundary is a policy of the trust holding the Express ceiling, and the stack's boundary does not
        assert.match(infraArn, /^arn:aws:iam::123456789012:policy\/ecs-ship-dev-github-infra-boundary-[0-9a-f]{7}$/);
        assert.strictEqual(cloud.byName("ecs-ship-dev-github-infra-boundary").parent, "ecs-ship-dev-github");
        assert.ok(doc(cloud.byName("ecs-ship-dev-github-infra-boundary").inputs.policy).Statement.some((s: any) => s.Sid === "EcsOwned"));
        assert.ok(!doc(cloud.byName("ecs-ship-dev-github-boundary").inputs.policy).Statement.some((s: any) => s.Sid === "EcsOwned"));
        // AND the deploy role creates and changes roles with either boundary, but attaches the Express policy only under the infrastructure one
        const iam = doc(cloud.byName("ecs-ship-dev-github-deploy-iam").inputs.policy);
        const sid = (id: string) => iam.Statement.find((s: any) => s.Sid === id);
        assert.deepStrictEqual(sid("RoleCreate").Condition.StringEquals["iam:PermissionsBoundary"], [boundaryArn, infraArn]);
        assert.deepStrictEqual(sid("RoleChange").Condition.StringEquals["iam:PermissionsBoundary"], [boundaryArn, infraArn]);
        assert.strictEqual(sid("InfraPolicy").Condition.StringEquals["iam:PermissionsBoundary"], infraArn);
        assert.strictEqual(sid("ExecPolicy").Condition.StringEquals["iam:PermissionsBoundary"], boundaryArn);
    });

    it("with separateInfrastructureBoundary but no Express service, creates no infrastructure boundary", async () => {
        // GIVEN a Fargate-only trust (no infra kind)  WHEN it is constructed  THEN no -infra-boundary exists
        const trust = new GithubOidcTrust("ecs-ship-dev-github", args({ passRoleKinds: ["exec"], separateInfrastructureBoundary: true }));
        await settled();
        assert.strictEqual(trust.infrastructureBoundaryArn, undefined);
        assert.ok(!cloud.resources.some((r) => r.name === "ecs-ship-dev-github-infra-boundary"));
    });

    it("gives the deploy and preview roles the configured session length", async () => {
        // GIVEN maxSessionDuration left at its default
        // WHEN the component is constructed
        // THEN both roles last at most one hour
        new GithubOidcTrust("ecs-ship-dev-github", args());
        await settled();
        assert.deepStrictEqual(cloud.ofType(ROLE).map((r) => r.inputs.maxSessionDuration), [3600, 3600]);
    });

    it("grants exactly the PassRole statement allowPassRole asks for", async () => {
        // GIVEN a service's execution and infrastructure roles
        // WHEN allowPassRole is called for it
        // THEN one inline policy on the deploy role passes each role only to its service
        const trust = new GithubOidcTrust("ecs-ship-dev-github", args());
        const exec = "arn:aws:iam::123456789012:role/ecs-ship-dev-web-exec-1a2b3c4";
        const infra = "arn:aws:iam::123456789012:role/ecs-ship-dev-web-infra-1a2b3c4";
        const policy = trust.allowPassRole("web", [{ roleArn: exec, service: "ecs-tasks.amazonaws.com" }, { roleArn: infra, service: "ecs.amazonaws.com" }]);
        await settled();
        const recorded = cloud.ofType(ROLE_POLICY);
        assert.deepStrictEqual(recorded.map((r) => [r.name, r.parent]), [["ecs-ship-dev-github-pass-web", "ecs-ship-dev-github"]]);
        assert.strictEqual(recorded[0].inputs.role, await promiseOf(trust.deployRoleName));
        assert.deepStrictEqual(doc(await promiseOf(policy.policy)), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "PassToEcsTasks", Effect: "Allow", Action: "iam:PassRole", Resource: [exec], Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
                { Sid: "PassToEcs", Effect: "Allow", Action: "iam:PassRole", Resource: [infra], Condition: { StringEquals: { "iam:PassedToService": "ecs.amazonaws.com" } } },
            ],
        });
    });

    it("refuses an empty allowPassRole", async () => {
        // GIVEN the component
        // WHEN allowPassRole is called with no grants
        // THEN it throws, naming the id
        const trust = new GithubOidcTrust("ecs-ship-dev-github", args());
        assert.throws(() => trust.allowPassRole("web", []), /allowPassRole\("web"\): grants must list at least one role, got none/);
        await settled();
    });

    it("exports the provider, roles and boundary ARNs, and registers the same outputs", async () => {
        // GIVEN default arguments
        // WHEN the component is constructed
        // THEN its outputs are the children's ARNs, and registerOutputs carries them
        const trust = new GithubOidcTrust("ecs-ship-dev-github", args());
        await settled();
        const out = {
            providerArn: await promiseOf(trust.providerArn),
            deployRoleArn: await promiseOf(trust.deployRoleArn),
            deployRoleName: await promiseOf(trust.deployRoleName),
            previewRoleArn: await promiseOf(trust.previewRoleArn!),
            permissionsBoundaryArn: await promiseOf(trust.permissionsBoundaryArn),
        };
        assert.strictEqual(out.providerArn, PROVIDER_ARN);
        assert.match(out.deployRoleArn, /^arn:aws:iam::123456789012:role\/ecs-ship-dev-github-deploy-[0-9a-f]{7}$/);
        assert.match(out.previewRoleArn, /^arn:aws:iam::123456789012:role\/ecs-ship-dev-github-preview-[0-9a-f]{7}$/);
        assert.deepStrictEqual(cloud.componentOutputs.get("ecs-ship-dev-github"), out);
    });

    it("scopes state access to the bucket when one is given", async () => {
        // GIVEN a state bucket and KMS key
        // WHEN the component is constructed
        // THEN the deploy build policy reads and writes this stack's state objects and uses the key
        const key = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
        new GithubOidcTrust("ecs-ship-dev-github", args({ stateBucket: "acme-pulumi-state", stateKmsKeyArn: key }));
        await settled();
        const build = doc(cloud.resources.find((r) => r.type === POLICY && r.name === "ecs-ship-dev-github-deploy-build")!.inputs.policy);
        const byId = (sid: string) => build.Statement.find((s: any) => s.Sid === sid);
        assert.deepStrictEqual(byId("StateObjects").Resource, [
            "arn:aws:s3:::acme-pulumi-state/.pulumi/meta.yaml",
            "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/ecs-ship/dev.json*",
            "arn:aws:s3:::acme-pulumi-state/.pulumi/*/ecs-ship/dev/*",
        ]);
        assert.deepStrictEqual(byId("StateKey"), { Sid: "StateKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: key });
    });

    describe("argument validation", () => {
        const cases: [string, Partial<GithubOidcTrustArgs>, string][] = [
            ["a wildcard repository", { repository: "acme/*" }, `repository: must name exactly one repository as "owner/name", with no wildcard, got "acme/*"`],
            ["a wildcard branch", { deployBranches: ["*"] }, `deployBranches[0]: must be an exact branch name, with no wildcard ("*", "?", "[") or space, got "*"`],
            ["nothing that could deploy", { deployBranches: [], deployEnvironments: [] }, "Either `deployBranches` or `deployEnvironments` must be provided (nothing could deploy), got neither"],
            ["a reused provider that is also retained", { oidcProviderArn: PROVIDER_ARN, retainProvider: true }, "Only one of `oidcProviderArn` or `retainProvider` can be provided (a reused provider is never deleted), got both"],
            ["a prefix that is not the stack's", { prefix: "shop-dev" }, `prefix: must be "ecs-ship-dev" (the stack's physical-name prefix), got "shop-dev"`],
        ];
        for (const [what, bad, message] of cases) {
            it(`rejects ${what} before registering anything`, async () => {
                // GIVEN ${what}
                // WHEN the component is constructed
                // THEN it throws with the exact problem, and no resource is registered
                assert.throws(() => new GithubOidcTrust("ecs-ship-dev-github", args(bad)), (e: Error) => {
                    assert.strictEqual(e.message, `GithubOidcTrust "ecs-ship-dev-github": invalid arguments:\n  - ${message}`);
                    return true;
                });
                await settled();
                assert.deepStrictEqual(cloud.resources, []);
            });
        }
    });
});

describe("ecs-ship:github configuration (config.ts)", () => {
    const raw = (github: Record<string, unknown>) => ({
        stack: "dev",
        region: "us-east-1",
        values: { github, services: { web: { mode: "express", image: { ref: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${"a".repeat(64)}` } } } },
        env: {},
        gitHead: () => undefined,
    });
    const problemsOf = (github: Record<string, unknown>): string[] => {
        try {
            parseSettings(raw(github));
        } catch (e) {
            if (e instanceof ConfigError) return e.problems;
            throw e;
        }
        return [];
    };

    it("accepts the minimal valid configuration used below", () => {
        // GIVEN only a repository
        // WHEN it is parsed
        // THEN there is no problem (so each case below fails for its own reason)
        assert.deepStrictEqual(problemsOf({ repository: "acme/shop" }), []);
    });

    it("rejects a repository with a wildcard", () => {
        // GIVEN repository acme/*
        // WHEN it is parsed
        // THEN exactly one problem names the key, the rule and the value
        assert.deepStrictEqual(problemsOf({ repository: "acme/*" }), [`ecs-ship:github.repository: must name exactly one repository, with no wildcard, got "acme/*"`]);
    });

    it("rejects a wildcard branch", () => {
        // GIVEN deployBranches ["*"]
        // WHEN it is parsed
        // THEN exactly one problem names the branch by index, the rule and the value
        assert.deepStrictEqual(problemsOf({ repository: "acme/shop", deployBranches: ["*"] }), [
            `ecs-ship:github.deployBranches[0]: must be an exact branch name, with no wildcard ("*", "?", "[") or space, got "*"`,
        ]);
    });

    it("rejects an empty deploy list", () => {
        // GIVEN no branches and no environments
        // WHEN it is parsed
        // THEN one problem says nothing could deploy
        assert.deepStrictEqual(problemsOf({ repository: "acme/shop", deployBranches: [], deployEnvironments: [] }), [
            "ecs-ship:github.deployBranches: nothing could deploy: list at least one branch here or one environment in ecs-ship:github.deployEnvironments, got none",
        ]);
    });
});
