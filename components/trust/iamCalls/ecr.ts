// The provider calls of Amazon ECR and the image: the repository, its lifecycle policy, and the build and
// push.
// One family of the table in index.ts; each row names its source.
import type { ProviderCall } from "./shared";
import { any, byName, IMAGE, LIFECYCLE, own, REPO, REPO_POLICY, row, TF } from "./shared";

export const ECR_CALLS: ProviderCall[] = [
    // ---- ECR repository, lifecycle, image ----
    ...row(REPO, "create", ["ecr:CreateRepository", "ecr:TagResource"], own, `${TF}/ecr/repository.go (CreateRepository with Tags; Amazon ECR User Guide, "Tag-on-create" needs ecr:TagResource)`, { requestTags: true }),
    ...row(REPO, "read", ["ecr:DescribeRepositories", "ecr:ListTagsForResource"], own, `${TF}/ecr/repository.go (resourceRepositoryRead)`),
    ...row(REPO, "update", ["ecr:PutImageTagMutability", "ecr:PutImageScanningConfiguration", "ecr:UntagResource"], own, `${TF}/ecr/repository.go (resourceRepositoryUpdate)`),
    ...row(REPO, "update", ["ecr:TagResource"], own, `${TF}/ecr/repository.go (updateTags)`, { requestTags: true }),
    ...row(REPO, "delete", ["ecr:DeleteRepository"], own, `${TF}/ecr/repository.go (DeleteRepository, force)`),
    ...row(LIFECYCLE, "create", ["ecr:PutLifecyclePolicy"], (r, s) => [String(byName(s, REPO, r.inputs.repository)!.state.arn)], `${TF}/ecr/lifecycle_policy.go (PutLifecyclePolicy)`),
    ...row(LIFECYCLE, "read", ["ecr:GetLifecyclePolicy"], (r, s) => [String(byName(s, REPO, r.inputs.repository)!.state.arn)], `${TF}/ecr/lifecycle_policy.go (GetLifecyclePolicy)`),
    ...row(LIFECYCLE, "delete", ["ecr:DeleteLifecyclePolicy"], (r, s) => [String(byName(s, REPO, r.inputs.repository)!.state.arn)], `${TF}/ecr/lifecycle_policy.go (DeleteLifecyclePolicy)`),
    // A promoted service's pull grant (components/registry/promotion.ts): written by an administrator (it grants
    // another account), read and removed by CI.
    ...row(REPO_POLICY, "read", ["ecr:GetRepositoryPolicy"], (r, s) => [String(byName(s, REPO, r.inputs.repository)!.state.arn)], `${TF}/ecr/repository_policy.go (GetRepositoryPolicy)`),
    ...row(REPO_POLICY, "delete", ["ecr:DeleteRepositoryPolicy"], (r, s) => [String(byName(s, REPO, r.inputs.repository)!.state.arn)], `${TF}/ecr/repository_policy.go (DeleteRepositoryPolicy)`),
    ...row(REPO, "read", ["ecr:GetAuthorizationToken"], any, `${TF}/ecr/authorization_token_data_source.go (getAuthorizationToken runs in preview too)`),
    ...row(REPO, "read", ["ecr:DescribeImages", "ecr:ListImages"], own, `${TF}/ecr/images_data_source.go (the newest image for cacheFrom)`),
    // Source: Amazon ECR User Guide, "Pushing a Docker image" (required IAM permissions) and
    // "Pulling an image" (cacheFrom pulls layers of the newest image).
    ...row(IMAGE, "push", ["ecr:GetAuthorizationToken"], any, "Amazon ECR User Guide, Private registry authentication"),
    ...row(IMAGE, "push", ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], (r, s) => {
        const repo = String(r.inputs.imageName).split("/").slice(1).join("/").replace(/:[^:]+$/, "");
        return [`arn:${s.partition}:ecr:${s.region}:${s.accountId}:repository/${repo}`];
    }, "Amazon ECR User Guide, Pushing a Docker image (IAM permissions for pushing an image)"),
];
