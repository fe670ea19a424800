// GitHub's two subject formats against the trust, evaluated by a real IAM policy evaluator.
//
// A token's `sub` is `repo:<owner>/<name>:<context>` (name-only), or, for repositories created, renamed or
// transferred since 2026-07-15 and older ones that opted in, `repo:<owner>@<ownerId>/<name>@<repositoryId>:<context>`
// (GitHub Docs, "OpenID Connect", "Immutable subject claims", github/docs#45221). The context is
// `pull_request`, `ref:refs/heads/<branch>` or `environment:<name>` (GitHub Docs, "OpenID Connect reference").
// Each of the workflows' jobs presents one of these: preview on a pull request; deploy of a stack with no
// GitHub environment on a push to main; deploy of a stack in an environment; rollback and destroy, started
// on main, in the stack's environment when it has one (.github/workflows/*.yml).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan, plan } from "../tools/planner/planner";
import { GithubRepository, deploySubjects, githubTrustPolicy, pullRequestSubject, subjectRepository, trustArgsProblems } from "../components/trust/trustPolicies";
import { PROVIDER_ARN, assumeWithToken } from "./support/iamSim";

const OWNER_ID = 123456;
const REPO_ID = 456789;
const NAME_ONLY: GithubRepository = { repository: "acme/shop" };
const WITH_IDS: GithubRepository = { repository: "acme/shop", ownerId: OWNER_ID, repositoryId: REPO_ID };
const AUD = "sts.amazonaws.com";

type Shape = "name-only" | "immutable";
/** The token a job of acme/shop gets, in either shape. */
const token = (shape: Shape, context: string, ids = { owner: OWNER_ID, repo: REPO_ID }, names = { owner: "acme", repo: "shop" }) =>
    shape === "name-only" ? `repo:${names.owner}/${names.repo}:${context}` : `repo:${names.owner}@${ids.owner}/${names.repo}@${ids.repo}:${context}`;

/** Each job the workflows run, the role it assumes and the context of its token. */
const JOBS: { job: string; role: "deploy" | "preview"; context: string }[] = [
    { job: "preview (pull request)", role: "preview", context: "pull_request" },
    { job: "deploy by branch (push to main, no GitHub environment)", role: "deploy", context: "ref:refs/heads/main" },
    { job: "deploy by environment (production)", role: "deploy", context: "environment:production" },
    { job: "rollback of a stack without an environment (from main)", role: "deploy", context: "ref:refs/heads/main" },
    { job: "rollback of a stack in production", role: "deploy", context: "environment:production" },
    { job: "destroy of a stack without an environment (from main)", role: "deploy", context: "ref:refs/heads/main" },
    { job: "destroy of a stack in production", role: "deploy", context: "environment:production" },
];

const trusts = (repo: GithubRepository) => ({
    deploy: githubTrustPolicy(PROVIDER_ARN, deploySubjects(repo, ["main"], ["production"])),
    preview: githubTrustPolicy(PROVIDER_ARN, [pullRequestSubject(repo)]),
});

describe("GithubOidcTrust: both subject formats", () => {
    it("builds the immutable subject as GitHub documents it (owner@id/name@id)", () => {
        assert.strictEqual(subjectRepository(WITH_IDS), "repo:acme@123456/shop@456789");
        assert.deepStrictEqual(deploySubjects(WITH_IDS, ["main"], ["production"]), [
            "repo:acme@123456/shop@456789:ref:refs/heads/main",
            "repo:acme@123456/shop@456789:environment:production",
        ]);
        assert.strictEqual(pullRequestSubject(WITH_IDS), "repo:acme@123456/shop@456789:pull_request");
        assert.strictEqual(pullRequestSubject(NAME_ONLY), "repo:acme/shop:pull_request");
    });

    for (const [setting, repo, accepted] of [["without ids", NAME_ONLY, "name-only"], ["with ownerId and repositoryId", WITH_IDS, "immutable"]] as const) {
        describe(`trust ${setting}`, () => {
            const t = trusts(repo);
            for (const { job, role, context } of JOBS) {
                for (const shape of ["name-only", "immutable"] as const) {
                    const expected = shape === accepted ? "Allowed" : "ImplicitlyDenied";
                    it(`${job}: a ${shape} token is ${expected}`, () => {
                        assert.strictEqual(assumeWithToken(t[role], { sub: token(shape, context), aud: AUD }), expected);
                    });
                }
                it(`${job}: the other role refuses the same token`, () => {
                    const other = role === "deploy" ? t.preview : t.deploy;
                    assert.strictEqual(assumeWithToken(other, { sub: token(accepted, context), aud: AUD }), "ImplicitlyDenied");
                });
            }
        });
    }

    describe("look-alike ids and recycled names, against a trust with ids", () => {
        const t = trusts(WITH_IDS);
        const denied: [string, string][] = [
            ["a recycled name: same owner and repository names, new ids", token("immutable", "ref:refs/heads/main", { owner: 999001, repo: 999002 })],
            ["a recycled repository name under the same owner", token("immutable", "ref:refs/heads/main", { owner: OWNER_ID, repo: 999002 })],
            ["a recycled owner name holding a repository of the same name", token("immutable", "ref:refs/heads/main", { owner: 999001, repo: REPO_ID })],
            ["the name-only subject a recycled name's new holder could present", token("name-only", "ref:refs/heads/main")],
            ["an owner id that extends the configured one", token("immutable", "ref:refs/heads/main", { owner: 1234567, repo: REPO_ID })],
            ["a repository id that extends the configured one", token("immutable", "ref:refs/heads/main", { owner: OWNER_ID, repo: 4567890 })],
            ["an owner id that is a prefix of the configured one", token("immutable", "ref:refs/heads/main", { owner: 12345, repo: REPO_ID })],
            ["the two ids swapped", token("immutable", "ref:refs/heads/main", { owner: REPO_ID, repo: OWNER_ID })],
            ["the right ids under renamed owner and repository", token("immutable", "ref:refs/heads/main", undefined, { owner: "acme2", repo: "shop2" })],
            ["another branch of the right repository", token("immutable", "ref:refs/heads/dev")],
            ["another environment of the right repository", token("immutable", "environment:staging")],
        ];
        for (const [what, sub] of denied) {
            it(`refuses ${what} (${sub})`, () => {
                assert.strictEqual(assumeWithToken(t.deploy, { sub, aud: AUD }), "ImplicitlyDenied");
                // The same repository part on a pull request: the preview role refuses it too, unless only the context was wrong.
                const pr = sub.replace(/:(ref|environment):.*$/, ":pull_request");
                if (pr !== pullRequestSubject(WITH_IDS)) assert.strictEqual(assumeWithToken(t.preview, { sub: pr, aud: AUD }), "ImplicitlyDenied");
            });
        }
        it("accepts the right ids with a wrong audience nowhere", () => {
            assert.strictEqual(assumeWithToken(t.deploy, { sub: token("immutable", "ref:refs/heads/main"), aud: "https://github.com/acme" }), "ImplicitlyDenied");
        });
    });

    describe("arguments", () => {
        const base = { prefix: "ecs-ship-dev", repository: "acme/shop", deployBranches: ["main"], deployEnvironments: [], maxSessionDuration: 3600, stackTags: { "ecs-ship:stack": "dev" } };
        it("takes both ids or neither", () => {
            assert.deepStrictEqual(trustArgsProblems({ ...base, ownerId: OWNER_ID, repositoryId: REPO_ID }), []);
            assert.deepStrictEqual(trustArgsProblems({ ...base, ownerId: OWNER_ID }), [
                "repositoryId: ownerId and repositoryId go together (GitHub's immutable subject names both), got only ownerId",
            ]);
            assert.throws(() => subjectRepository({ repository: "acme/shop", repositoryId: REPO_ID }), /ownerId and repositoryId go together, got only repositoryId/);
        });
        it("refuses ids that are not positive integers, and ids written into the repository", () => {
            assert.deepStrictEqual(trustArgsProblems({ ...base, ownerId: 0, repositoryId: 1.5 }), [
                "ownerId: must be a positive integer (GitHub's numeric id), got 0",
                "repositoryId: must be a positive integer (GitHub's numeric id), got 1.5",
            ]);
            assert.deepStrictEqual(trustArgsProblems({ ...base, repository: "acme@123456/shop@456789" }), [
                'repository: must name exactly one repository as "owner/name", with no wildcard or id (put the ids in ownerId and repositoryId), got "acme@123456/shop@456789"',
            ]);
        });
    });
});

describe("GithubOidcTrust: ownerId and repositoryId planned through index.ts", function () {
    this.timeout(120_000);
    const stackFile = (github: string) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-ship-subjects-"));
        const file = path.join(dir, "Pulumi.dev.yaml");
        fs.writeFileSync(file, `config:\n  aws:region: us-east-1\n  ecs-ship:github: ${github}\n  ecs-ship:services:\n    web: { mode: express, image: { context: app } }\n`);
        return file;
    };
    const trustOf = (p: Plan, kind: "deploy" | "preview") => {
        const role = p.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === `ecs-ship-dev-github-${kind}`);
        assert.ok(role, `no ${kind} role`);
        const policy = (role.displayInputs as Record<string, unknown>).assumeRolePolicy;
        return (typeof policy === "string" ? JSON.parse(policy) : policy) as { Statement: { Condition: { StringEquals: Record<string, string[]> } }[] };
    };
    const subjects = (p: Plan, kind: "deploy" | "preview") => trustOf(p, kind).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"];

    it("with the ids, both roles trust only the immutable subjects", async () => {
        const p = await plan("dev", { stackFile: stackFile("{ repository: acme/shop, ownerId: 123456, repositoryId: 456789, deployEnvironments: [production] }"), env: { GITHUB_SHA: "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39" } });
        assert.deepStrictEqual(subjects(p, "deploy"), ["repo:acme@123456/shop@456789:ref:refs/heads/main", "repo:acme@123456/shop@456789:environment:production"]);
        assert.deepStrictEqual(subjects(p, "preview"), ["repo:acme@123456/shop@456789:pull_request"]);
    });

    it("without them, the name-only subjects, as before", async () => {
        const p = await plan("dev", { stackFile: stackFile("{ repository: acme/shop }"), env: { GITHUB_SHA: "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39" } });
        assert.deepStrictEqual(subjects(p, "deploy"), ["repo:acme/shop:ref:refs/heads/main"]);
        assert.deepStrictEqual(subjects(p, "preview"), ["repo:acme/shop:pull_request"]);
    });
});
