// Pure pieces of ContainerRegistry: the lifecycle policy, image naming and reference
// checks. Tested without mocks (test/containerRegistry.test.ts).
import { Architecture } from "../service/serviceArgs";

/** The short commit tag: 7 lowercase hex characters. */
export const IMAGE_TAG = /^[0-9a-f]{7}$/;

/** An ECR repository name. Source: Amazon ECR API Reference, CreateRepository, repositoryName. */
export const ECR_REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** An image pinned by digest: `<registry>/<repository>@sha256:<64 hex>`. */
export const DIGEST_REF = /^[a-z0-9.-]+(:\d+)?\/[a-z0-9._\/-]+@sha256:[a-f0-9]{64}$/;

export interface LifecycleRule {
    rulePriority: number;
    description: string;
    selection: {
        tagStatus: "untagged" | "tagged" | "any";
        tagPatternList?: string[];
        countType: "sinceImagePushed" | "imageCountMoreThan";
        countUnit?: "days";
        countNumber: number;
    };
    action: { type: "expire" };
}

/**
 * The repository's lifecycle policy:
 *   1. untagged images (layers left behind by failed or superseded pushes) expire after 1 day;
 *   2. of the tagged images, only the newest `keepImages` are kept.
 *
 * Rule 2 selects `tagged` with `tagPatternList: ["*"]` rather than `any`, so its count is of
 * deployable images only. ECR requires a tagged rule to name a tag prefix or pattern list,
 * and a rule with tagStatus `any` to have the highest priority.
 * Source: Amazon ECR User Guide, "Lifecycle policy properties".
 */
export function lifecyclePolicy(keepImages: number): { rules: LifecycleRule[] } {
    return {
        rules: [
            {
                rulePriority: 1,
                description: "Expire untagged images one day after push",
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `Keep only the newest ${keepImages} tagged images`,
                selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keepImages },
                action: { type: "expire" },
            },
        ],
    };
}

/** Docker platform string for a task architecture. */
export function platformFor(architecture: Architecture): string {
    return architecture === "arm64" ? "linux/arm64" : "linux/amd64";
}

/** Where the newest image's layers can be pulled from for `cacheFrom`, or none for an empty repository. */
export function cacheSource(repositoryUrl: string, newestDigest: string | undefined): string[] {
    return newestDigest ? [`${repositoryUrl}@${newestDigest}`] : [];
}
