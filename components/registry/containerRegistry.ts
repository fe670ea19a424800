import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as path from "path";
import { DIGEST_REF, ECR_REPOSITORY_NAME, IMAGE_TAG, cacheSource, lifecyclePolicy, platformFor } from "./registryPolicies";
import { ARCHITECTURES, Architecture, SERVICE_DEFAULTS } from "../service/serviceArgs";
import { argumentsError } from "../service/argumentsError";
import { PromotionGrant, promotedTagPattern, pullPolicy } from "./promotion";

export const CONTAINER_REGISTRY_TYPE = "ecs-ship:index:ContainerRegistry";

/** Every top-level input of docker.Image that ecs-ship sets. */
const IMAGE_INPUTS = ["imageName", "build", "registry", "skipPush"] as const;

/** Build the image from source and push it, tagged with the commit. */
export interface ImageBuild {
    /** Build context directory, relative to the working directory of the Pulumi program. */
    context: string;
    /** Dockerfile inside the context. @default "Dockerfile" */
    dockerfile?: string;
    /** Short commit SHA (7 lowercase hex characters): the image tag, and `APP_VERSION` inside it. */
    tag: string;
    /** Image platform follows the task's architecture. @default "x86_64" (linux/amd64) */
    architecture?: Architecture;
    /** Extra build arguments. `APP_VERSION` is always set to `tag`. @default {} */
    args?: Record<string, string>;
}

export interface ContainerRegistryArgs {
    /** Physical repository name, lowercase: `ecs-ship-<stack>-<service>`. */
    repositoryName: string;
    /**
     * Let `pulumi destroy` delete the repository while it still holds images. It must be
     * applied (by a `pulumi up`) before the destroy runs. @default true
     */
    forceDelete?: boolean;
    /** Tagged images to keep; older ones expire. Untagged images expire after 1 day. @default 30 */
    keepImages?: number;
    /**
     * Customer-managed KMS key for the repository, fixed when the repository is created: a
     * later change has no effect (ECR cannot re-encrypt a repository).
     * @default - AES256 (S3-managed keys, no KMS cost)
     */
    kmsKeyArn?: string;
    /** Build and push this image. Only one of `build` or `imageRef` can be provided. */
    build?: ImageBuild;
    /** Run a prebuilt image pinned by digest instead; nothing is built. */
    imageRef?: string;
    /** Tags on top of the provider's default tags. @default {} */
    tags?: Record<string, string>;
    /**
     * Later stacks that run this repository's images (one build, promoted: docs/promotion.md): the
     * repository lets exactly their execution roles of `service` pull, and keeps the images tagged for them.
     * @default [] (no repository policy: only this account's principals, by their own policies)
     */
    promoteTo?: PromotionGrant[];
    /**
     * The service whose execution roles in `promoteTo` may pull. Required with `promoteTo`, unless every
     * grant names its `services` (the services sharing this build that the later stack takes).
     */
    service?: string;
}

/** ContainerRegistry's defaults: the one place they live. */
export const CONTAINER_REGISTRY_DEFAULTS = {
    /** `pulumi destroy` removes the repository with its images; the images are rebuilt from source. */
    forceDelete: true,
    /** Bounds storage cost to about 30 images while keeping a month of daily deploys to roll back to. */
    keepImages: 30,
    dockerfile: "Dockerfile",
    architecture: SERVICE_DEFAULTS.architecture,
} as const;

/** ContainerRegistryArgs with every default applied. */
export type ResolvedContainerRegistryArgs = ContainerRegistryArgs
    & Required<Pick<ContainerRegistryArgs, "forceDelete" | "keepImages">>
    & { build?: ImageBuild & Required<Pick<ImageBuild, "dockerfile" | "architecture" | "args">> };

/** The normalize step: CONTAINER_REGISTRY_DEFAULTS applied to what the caller left out. Pure. */
export function normalizeRegistryArgs(args: ContainerRegistryArgs): ResolvedContainerRegistryArgs {
    const d = CONTAINER_REGISTRY_DEFAULTS;
    return {
        ...args,
        forceDelete: args.forceDelete ?? d.forceDelete,
        keepImages: args.keepImages ?? d.keepImages,
        build: args.build && {
            ...args.build,
            dockerfile: args.build.dockerfile ?? d.dockerfile,
            architecture: args.build.architecture ?? d.architecture,
            args: args.build.args ?? {},
        },
    };
}

/**
 * An ECR repository (immutable tags, scan on push, encrypted, with a lifecycle policy) and,
 * unless a prebuilt reference is given, the app image built from source and pushed under
 * its commit SHA. Services run `imageRef`, the pushed image's digest, never a tag.
 *
 * Cost: ECR storage is about $0.10 per GB-month; the lifecycle policy bounds it to
 * `keepImages` images. Scanning on push (basic scanning) has no charge.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
    readonly repositoryUrl: pulumi.Output<string>;
    readonly repositoryArn: pulumi.Output<string>;
    readonly repositoryName: pulumi.Output<string>;
    /** The image to run, pinned by digest. */
    readonly imageRef: pulumi.Output<string>;

    constructor(name: string, input: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super(CONTAINER_REGISTRY_TYPE, name, {}, opts);
        const args = normalizeRegistryArgs(input);
        const problems = registryArgsProblems(args);
        if (problems.length > 0) throw argumentsError(this, problems);

        const repository = this.createRepository(name, args);
        this.createLifecyclePolicy(name, repository, args.keepImages, (args.promoteTo ?? []).map((g) => promotedTagPattern(g.stack)));
        if (args.promoteTo?.length) this.createPullGrant(name, repository, args.promoteTo, args.service);
        const built = args.build ? this.imageOfCommit(name, repository, args.repositoryName, args.build) : undefined;

        this.repositoryUrl = repository.repositoryUrl;
        this.repositoryArn = repository.arn;
        this.repositoryName = repository.name;
        this.imageRef = built ?? pulumi.output(args.imageRef!);
        this.registerOutputs({
            repositoryUrl: this.repositoryUrl,
            repositoryArn: this.repositoryArn,
            repositoryName: this.repositoryName,
            imageRef: this.imageRef,
        });
    }

    private createRepository(name: string, args: ResolvedContainerRegistryArgs): aws.ecr.Repository {
        return new aws.ecr.Repository(`${name}-repo`, {
            name: args.repositoryName,
            // One commit, one image: a pushed tag can never be moved to other content.
            imageTagMutability: "IMMUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [args.kmsKeyArn ? { encryptionType: "KMS", kmsKey: args.kmsKeyArn } : { encryptionType: "AES256" }],
            forceDelete: args.forceDelete,
            tags: args.tags,
        }, {
            parent: this,
            // ECR cannot change a repository's encryption, so the provider replaces the
            // repository when it changes (Terraform AWS provider, internal/service/ecr/repository.go:
            // encryption_configuration ForceNew). Its name is fixed, so the replacement would
            // collide with the repository it replaces, and deleting that one first would lose
            // every image the services run. The encryption chosen at creation is kept.
            ignoreChanges: ["encryptionConfigurations"],
        });
    }

    private createLifecyclePolicy(name: string, repository: aws.ecr.Repository, keepImages: number, protectedPatterns: string[]): aws.ecr.LifecyclePolicy {
        return new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, {
            repository: repository.name,
            policy: JSON.stringify(lifecyclePolicy(keepImages, protectedPatterns)),
        }, { parent: this });
    }

    /** The later stacks' pull grant (components/registry/promotion.ts, pullPolicy), in the repository's partition. */
    private createPullGrant(name: string, repository: aws.ecr.Repository, grants: PromotionGrant[], service: string | undefined): aws.ecr.RepositoryPolicy {
        return new aws.ecr.RepositoryPolicy(`${name}-pull`, {
            repository: repository.name,
            policy: repository.arn.apply((arn) => JSON.stringify(pullPolicy(grants, service, arn.split(":")[1]))),
        }, { parent: this });
    }

    /**
     * The commit's image by digest: the one already in the repository under the commit's tag,
     * or else the one built and pushed now.
     *
     * pulumi-docker's Image treats any input change as a new build and push (its Diff reports
     * a change for every differing input but the registry credentials, and its Update builds
     * and pushes again: pulumi/pulumi-docker, provider/provider.go, Diff and Update). The
     * cache source is the newest image in the repository, which on a re-run of the same
     * commit is that commit's own image, so the inputs would differ and the push of the
     * IMMUTABLE tag would fail. So when the tag already exists (a re-run, or a redeploy of an
     * older commit for a rollback) the image keeps its recorded inputs (`ignoreChanges`), nothing
     * is built or pushed, and services get the existing digest.
     *
     * The lookup takes the plain repository name, so it also runs during `pulumi preview`,
     * and the image appears in the preview either way. A repository that does not exist yet
     * (first deploy) has no images.
     */
    private imageOfCommit(name: string, repository: aws.ecr.Repository, repositoryName: string, build: NonNullable<ResolvedContainerRegistryArgs["build"]>): pulumi.Output<string> {
        const existing = pulumi.output(this.digestOfTag(repositoryName, build.tag));
        return existing.apply((digest) => {
            const image = this.buildImage(name, repository, build, digest !== undefined);
            return digest ? pulumi.interpolate`${repository.repositoryUrl}@${digest}` : image.repoDigest;
        });
    }

    /** Digest of the image tagged `tag`, or undefined when there is none (or no repository yet). */
    private async digestOfTag(repositoryName: string, tag: string): Promise<string | undefined> {
        try {
            const listed = await aws.ecr.getImages({ repositoryName }, { parent: this });
            return listed.imageIds.find((i) => i.imageTag === tag)?.imageDigest;
        } catch (e) {
            if (/RepositoryNotFoundException/.test(String((e as Error)?.message ?? e))) return undefined;
            throw e;
        }
    }

    private buildImage(name: string, repository: aws.ecr.Repository, build: NonNullable<ResolvedContainerRegistryArgs["build"]>, alreadyPushed: boolean): docker.Image {
        // Credentials for this registry only, fetched at deploy time: nothing long-lived.
        const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent: this });
        const cacheFrom = pulumi.all([repository.repositoryUrl, this.newestImage(repository)]).apply(([url, digest]) => cacheSource(url, digest));
        return new docker.Image(`${name}-image`, {
            imageName: pulumi.interpolate`${repository.repositoryUrl}:${build.tag}`,
            build: {
                context: build.context,
                dockerfile: path.join(build.context, build.dockerfile),
                platform: platformFor(build.architecture),
                args: {
                    ...build.args,
                    APP_VERSION: build.tag,
                    // Embeds cache metadata in the pushed image, so the next build can reuse its layers.
                    BUILDKIT_INLINE_CACHE: "1",
                },
                cacheFrom: { images: cacheFrom },
            },
            registry: {
                server: repository.repositoryUrl,
                username: auth.userName,
                password: pulumi.secret(auth.password),
            },
            skipPush: false,
        }, {
            parent: this,
            // Already pushed: keep the recorded inputs, so nothing is rebuilt (see imageOfCommit).
            ignoreChanges: alreadyPushed ? [...IMAGE_INPUTS] : undefined,
        });
    }

    /**
     * Digest of the newest image already in the repository, or undefined when it is empty
     * (first deploy): the build then runs cold instead of failing on a missing cache image.
     */
    private newestImage(repository: aws.ecr.Repository): pulumi.Output<string | undefined> {
        const listed = aws.ecr.getImagesOutput({ repositoryName: repository.name, registryId: repository.registryId }, { parent: this });
        return listed.imageIds.apply((ids) => {
            if (!ids.some((i) => i.imageDigest)) return pulumi.output<string | undefined>(undefined);
            return aws.ecr.getImageOutput({ repositoryName: repository.name, registryId: repository.registryId, mostRecent: true }, { parent: this })
                .apply((img) => img.imageDigest as string | undefined);
        });
    }
}

/**
 * Every problem with ContainerRegistry's arguments, defaults applied: the argument, what is
 * allowed, what was given. Pure.
 */
export function registryArgsProblems(args: ResolvedContainerRegistryArgs): string[] {
    const problems: string[] = [];
    if (args.build && args.imageRef) problems.push("Only one of `build` or `imageRef` can be provided.");
    if (!args.build && !args.imageRef) problems.push("Either `build` or `imageRef` must be provided.");
    if (typeof args.repositoryName !== "string" || !ECR_REPOSITORY_NAME.test(args.repositoryName)) {
        problems.push(`repositoryName: must be lowercase letters, digits and . _ - / separators, got ${JSON.stringify(args.repositoryName)}`);
    }
    if (!Number.isInteger(args.keepImages) || args.keepImages < 1) {
        problems.push(`keepImages: must be an integer of at least 1, got ${JSON.stringify(args.keepImages)}`);
    }
    if (args.build && (typeof args.build.tag !== "string" || !IMAGE_TAG.test(args.build.tag))) {
        problems.push(`build.tag: must be a short commit SHA of 7 lowercase hex characters, got ${JSON.stringify(args.build.tag)}`);
    }
    if (args.build && !(ARCHITECTURES as readonly string[]).includes(args.build.architecture)) {
        problems.push(`build.architecture: must be one of ${ARCHITECTURES.join(", ")}, got ${JSON.stringify(args.build.architecture)}`);
    }
    if (args.promoteTo?.some((g) => !g.services?.length) && !args.service) problems.push("service: required with `promoteTo` (the service whose execution roles may pull), got nothing");
    for (const g of args.promoteTo ?? []) {
        if (!/^\d{12}$/.test(g.account)) problems.push(`promoteTo.${g.stack}.account: must be a 12-digit AWS account id, got ${JSON.stringify(g.account)}`);
    }
    if (args.imageRef && !DIGEST_REF.test(args.imageRef)) {
        problems.push(`imageRef: must be pinned by digest, as <registry>/<repository>@sha256:<64 hex digits>, got ${JSON.stringify(args.imageRef)}`);
    }
    return problems;
}
