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
 *   2. for each later stack that runs this repository's images (`protectedPatterns`, `<stack>.*`, written
 *      before that stack deploys: components/registry/promotion.ts), only its newest `keepImages` are kept;
 *   3. of the tagged images, only the newest `keepImages` are kept.
 *
 * Rule 3 selects `tagged` with `tagPatternList: ["*"]` rather than `any`, so its count is of
 * deployable images only. ECR requires a tagged rule to name a tag prefix or pattern list,
 * and a rule with tagStatus `any` to have the highest priority.
 * Source: Amazon ECR User Guide, "Lifecycle policy properties".
 *
 * Rules 2 keep what a later stack runs: "An image that matches the tagging requirements of a rule
 * cannot be expired by a rule with a lower priority" (Amazon ECR User Guide, "Automate the cleanup of
 * images by using lifecycle policies in Amazon ECR", lifecycle policy evaluation rules:
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html). So rule 3 never
 * expires an image tagged for a later stack, however many newer builds this stack pushes; and the image
 * a later stack runs is one of its newest `keepImages` tagged ones (a deploy tags the image it runs; a
 * rollback runs one it ran before), which its own rule keeps.
 */
export function lifecyclePolicy(keepImages: number, protectedPatterns: string[] = []): { rules: LifecycleRule[] } {
    const protectedRules: LifecycleRule[] = [...protectedPatterns].sort().map((pattern, i) => ({
        rulePriority: 2 + i,
        description: `Keep the newest ${keepImages} images tagged ${pattern} (a later stack runs one of them)`,
        selection: { tagStatus: "tagged", tagPatternList: [pattern], countType: "imageCountMoreThan", countNumber: keepImages },
        action: { type: "expire" },
    }));
    return {
        rules: [
            {
                rulePriority: 1,
                description: "Expire untagged images one day after push",
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
                action: { type: "expire" },
            },
            ...protectedRules,
            {
                rulePriority: 2 + protectedRules.length,
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
