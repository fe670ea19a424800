// ContainerRegistry: the repository contract, the lifecycle policy, and the image build.
import { strict as assert } from "assert";
import { ContainerRegistry, ContainerRegistryArgs } from "../components/registry/containerRegistry";
import { lifecyclePolicy, platformFor } from "../components/registry/registryPolicies";
import { cloud, promiseOf, settled, useMocks } from "./support/harness";

const REPO_URL = "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-dev-web";
const DIGEST = `sha256:${"b".repeat(64)}`;

function registry(args: Partial<ContainerRegistryArgs> = {}): ContainerRegistry {
    return new ContainerRegistry("ecs-ship-dev-web-registry", {
        repositoryName: "ecs-ship-dev-web",
        build: { context: "app", tag: "4f2a9c1" },
        ...args,
    });
}

describe("ContainerRegistry: repository", () => {
    useMocks();

    it("creates exactly one repository, one lifecycle policy and one image", async () => {
        registry();
        await settled();
        assert.deepEqual(cloud.resources.map((r) => [r.type, r.name]), [
            ["ecs-ship:index:ContainerRegistry", "ecs-ship-dev-web-registry"],
            ["aws:ecr/repository:Repository", "ecs-ship-dev-web-registry-repo"],
            ["aws:ecr/lifecyclePolicy:LifecyclePolicy", "ecs-ship-dev-web-registry-lifecycle"],
            ["docker:index/image:Image", "ecs-ship-dev-web-registry-image"],
        ]);
    });

    it("makes tags immutable, scans on push, encrypts with AES256 and allows destroy when non-empty", async () => {
        registry();
        await settled();
        const repo = cloud.ofType("aws:ecr/repository:Repository")[0];
        assert.deepEqual(repo.inputs, {
            name: "ecs-ship-dev-web",
            imageTagMutability: "IMMUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "AES256" }],
            forceDelete: true,
        });
    });

    it("encrypts with the given KMS key", async () => {
        const kmsKeyArn = "arn:aws:kms:us-east-1:123456789012:key/0b6f2a59-8c1d-4c4e-9a53-2f1d0c7e6b11";
        registry({ kmsKeyArn });
        await settled();
        assert.deepEqual(cloud.ofType("aws:ecr/repository:Repository")[0].inputs.encryptionConfigurations, [{ encryptionType: "KMS", kmsKey: kmsKeyArn }]);
    });

    it("keeps the encryption chosen at creation, because changing it would replace a fixed-name repository", async () => {
        // GIVEN any registry  WHEN constructed  THEN the engine ignores later encryption changes
        registry({ kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" });
        await settled();
        assert.deepEqual(cloud.ofType("aws:ecr/repository:Repository")[0].ignoreChanges, ["encryptionConfigurations"]);
    });

    it("keeps forceDelete false when asked", async () => {
        registry({ forceDelete: false });
        await settled();
        assert.equal(cloud.ofType("aws:ecr/repository:Repository")[0].inputs.forceDelete, false);
    });

    it("parents every child to the component", async () => {
        registry();
        await settled();
        const children = cloud.resources.filter((r) => r.type !== "ecs-ship:index:ContainerRegistry");
        assert.deepEqual([...new Set(children.map((r) => r.parent))], ["ecs-ship-dev-web-registry"]);
    });
});

describe("ContainerRegistry: lifecycle policy", () => {
    it("expires untagged images after 1 day first, then keeps the newest N tagged images", () => {
        assert.deepEqual(lifecyclePolicy(30).rules.map((r) => [r.rulePriority, r.selection, r.action]), [
            [1, { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 }, { type: "expire" }],
            [2, { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 30 }, { type: "expire" }],
        ]);
    });

    describe("as sent", () => {
        useMocks();
        it("sends the policy as JSON for the repository, with the configured count", async () => {
            registry({ keepImages: 5 });
            await settled();
            const lc = cloud.ofType("aws:ecr/lifecyclePolicy:LifecyclePolicy")[0];
            assert.equal(lc.inputs.repository, "ecs-ship-dev-web");
            assert.equal(JSON.parse(lc.inputs.policy).rules[1].selection.countNumber, 5);
        });
    });
});

describe("ContainerRegistry: image", () => {
    useMocks();

    it("names the image <repositoryUrl>:<7-hex tag>", async () => {
        registry();
        await settled();
        assert.equal(cloud.ofType("docker:index/image:Image")[0].inputs.imageName, `${REPO_URL}:4f2a9c1`);
    });

    it("builds the configured context and Dockerfile for linux/amd64 by default", async () => {
        registry({ build: { context: "app", dockerfile: "Dockerfile", tag: "4f2a9c1" } });
        await settled();
        const build = cloud.ofType("docker:index/image:Image")[0].inputs.build;
        assert.deepEqual([build.context, build.dockerfile, build.platform], ["app", "app/Dockerfile", "linux/amd64"]);
    });

    it("builds for linux/arm64 when the service runs on arm64", async () => {
        registry({ build: { context: "app", tag: "4f2a9c1", architecture: "arm64" } });
        await settled();
        assert.equal(cloud.ofType("docker:index/image:Image")[0].inputs.build.platform, "linux/arm64");
    });

    it("passes the commit as APP_VERSION and embeds inline cache metadata", async () => {
        registry({ build: { context: "app", tag: "4f2a9c1", args: { NODE_ENV: "production" } } });
        await settled();
        assert.deepEqual(cloud.ofType("docker:index/image:Image")[0].inputs.build.args, { NODE_ENV: "production", APP_VERSION: "4f2a9c1", BUILDKIT_INLINE_CACHE: "1" });
    });

    it("logs in with the registry's own short-lived ECR token", async () => {
        registry();
        await settled();
        const reg = cloud.ofType("docker:index/image:Image")[0].inputs.registry;
        assert.deepEqual(reg, { server: REPO_URL, username: "AWS", password: "mock-ecr-password" });
        assert.deepEqual(cloud.calls.find((c) => c.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken")?.inputs, { registryId: "123456789012" });
    });

    it("builds cold, with no cache image, when the repository is empty", async () => {
        registry();
        await settled();
        assert.deepEqual(cloud.ofType("docker:index/image:Image")[0].inputs.build.cacheFrom, { images: [] });
        assert.equal(cloud.calls.filter((c) => c.token === "aws:ecr/getImage:getImage").length, 0);
    });

    it("reuses layers from the newest image already pushed, by digest", async () => {
        // GIVEN a repository that holds images
        cloud.overrides["aws:ecr/getImages:getImages"] = () => ({ imageIds: [{ imageDigest: `sha256:${"a".repeat(64)}`, imageTag: "1111111" }, { imageDigest: DIGEST, imageTag: "2222222" }] });
        cloud.overrides["aws:ecr/getImage:getImage"] = (inputs) => {
            assert.equal(inputs.mostRecent, true);
            return { imageDigest: DIGEST, imageTags: ["2222222"], imagePushedAt: 1 };
        };
        // WHEN the registry builds
        registry();
        await settled();
        // THEN the newest image is the cache source, pinned by digest (no moving tag)
        assert.deepEqual(cloud.ofType("docker:index/image:Image")[0].inputs.build.cacheFrom, { images: [`${REPO_URL}@${DIGEST}`] });
    });

    it("hands services the pushed digest, not the tag", async () => {
        const r = registry();
        const ref = await promiseOf(r.imageRef);
        assert.match(ref, new RegExp(`^${REPO_URL.replace(/\./g, "\\.")}@sha256:[0-9a-f]{64}$`));
    });

    it("reuses the commit's image by digest and keeps the image's recorded inputs when its tag is already pushed", async () => {
        // GIVEN a repository that already holds this commit's tag (a re-run, or a rollback redeploy)
        cloud.world.images["ecs-ship-dev-web"] = [{ tag: "1111111", digest: `sha256:${"a".repeat(64)}` }, { tag: "4f2a9c1", digest: DIGEST }];
        // WHEN the registry is constructed for that commit
        const r = registry();
        const ref = await promiseOf(r.imageRef);
        await settled();
        // THEN services get the existing digest, and the image keeps every recorded input, so
        // pulumi-docker sees no change and neither builds nor pushes the IMMUTABLE tag again
        assert.equal(ref, `${REPO_URL}@${DIGEST}`);
        assert.deepEqual(cloud.ofType("docker:index/image:Image")[0].ignoreChanges, ["imageName", "build", "registry", "skipPush"]);
    });

    it("builds and pushes, ignoring nothing, when the commit's tag is not in the repository", async () => {
        // GIVEN a repository holding only another commit's image
        cloud.world.images["ecs-ship-dev-web"] = [{ tag: "1111111", digest: `sha256:${"a".repeat(64)}` }];
        // WHEN the registry is constructed
        const r = registry();
        const ref = await promiseOf(r.imageRef);
        await settled();
        // THEN the new image is built (no ignored inputs) and services get its pushed digest
        const image = cloud.ofType("docker:index/image:Image")[0];
        assert.equal(image.ignoreChanges, undefined);
        assert.equal(ref, image.state.repoDigest);
    });

    it("builds on the first deploy, when ECR does not know the repository yet", async () => {
        // GIVEN no such repository in the account: the lookup by plain name, made before the
        // repository is created, fails with RepositoryNotFoundException as ECR answers it
        let lookups = 0;
        cloud.overrides["aws:ecr/getImages:getImages"] = (inputs) => {
            if (lookups++ > 0) return { id: inputs.repositoryName, repositoryName: inputs.repositoryName, imageIds: [] };
            const message = `invocation of aws:ecr/getImages:getImages returned an error: RepositoryNotFoundException: The repository with name '${inputs.repositoryName}' does not exist`;
            throw Object.assign(new Error(message), { details: message });
        };
        // WHEN the registry is constructed
        registry();
        await settled();
        // THEN it builds instead of failing
        assert.equal(cloud.ofType("docker:index/image:Image")[0].ignoreChanges, undefined);
    });

    it("maps architectures to Docker platforms", () => {
        assert.deepEqual([platformFor("x86_64"), platformFor("arm64")], ["linux/amd64", "linux/arm64"]);
    });
});

describe("ContainerRegistry: prebuilt reference", () => {
    useMocks();
    const ref = `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop@${DIGEST}`;

    it("creates no image and builds nothing", async () => {
        registry({ build: undefined, imageRef: ref });
        await settled();
        assert.equal(cloud.ofType("docker:index/image:Image").length, 0);
    });

    it("passes the reference through as imageRef", async () => {
        const r = registry({ build: undefined, imageRef: ref });
        assert.equal(await promiseOf(r.imageRef), ref);
    });
});

describe("ContainerRegistry: invalid arguments", () => {
    useMocks();
    const ref = `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop@${DIGEST}`;

    it("rejects both a build and a reference", () => {
        assert.throws(() => registry({ imageRef: ref }), /Only one of `build` or `imageRef` can be provided\./);
    });

    it("rejects neither a build nor a reference", () => {
        assert.throws(() => registry({ build: undefined }), /Either `build` or `imageRef` must be provided\./);
    });

    it("rejects a tag that is not 7 lowercase hex characters", () => {
        assert.throws(() => registry({ build: { context: "app", tag: "latest" } }), /build\.tag: must be a short commit SHA of 7 lowercase hex characters, got "latest"/);
    });

    it("rejects a reference that is not pinned by digest", () => {
        assert.throws(() => registry({ build: undefined, imageRef: "shop:latest" }), /imageRef: must be pinned by digest, as <registry>\/<repository>@sha256:<64 hex digits>, got "shop:latest"/);
    });

    it("rejects an uppercase repository name", () => {
        assert.throws(() => registry({ repositoryName: "Shop" }), /repositoryName: must be lowercase letters, digits and \. _ - \/ separators, got "Shop"/);
    });
});
