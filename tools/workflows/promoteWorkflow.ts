// The deploy workflow's parts for one build, promoted (docs/promotion.md), beside tools/workflows/deployWorkflow.ts:
//
// - the source stack's deploy job records the images it deployed as a job output (`images`, from its
//   stack outputs, after its gate passed);
// - a `protect-<later>` job, in the source's GitHub environment with the source's deploy role, picks the
//   images the later stack runs and tags each `<later>.<commit>` in the source's repository, so the
//   source's lifecycle policy keeps it (components/registry/registryPolicies.ts); it hands the images on;
// - the later stack's deploy job needs it and passes the images to `pulumi up` and the gate in
//   ECS_SHIP_PROMOTED_IMAGES. Nothing is built there.
//
// A job reads another job's outputs only through `needs.<job>.outputs`, and only of jobs it needs
// directly (GitHub Docs, "Passing information between jobs"; "Contexts reference", needs context).
import { MatrixEntry } from "../project/environments";
import { PINS, PREFLIGHT, checkoutSteps, pulumiSecrets } from "./workflowParts";
import { PROMOTED_IMAGES_ENV } from "../../config/promotion";

type Job = Record<string, unknown>;
const TS = "node --require ts-node/register/transpile-only";

export const protectJobId = (stack: string) => `protect-${stack}`;

/** The step a source's deploy job ends with: its built services' image references, as the job output `images`. */
export function recordImagesStep(m: MatrixEntry): Record<string, unknown> {
    return {
        name: "Record the images for the stacks promoted from this one",
        id: "images",
        env: { STACK: m.stack, ...pulumiSecrets() },
        run: `pulumi stack output --json --stack "$STACK" | ${TS} tools/operate/promote.ts refs > "$RUNNER_TEMP/images.json"\necho "images=$(cat "$RUNNER_TEMP/images.json")" >> "$GITHUB_OUTPUT"\n`,
    };
}

/** The retag loop: the ECR User Guide's way ("Retagging an image": batch-get-image, then put-image with the new tag). */
const TAG_SCRIPT = `echo "$IMAGES" | ${TS} tools/operate/promote.ts tags --stack "$LATER" --commit "$GITHUB_SHA" > "$RUNNER_TEMP/tags.txt"
while read -r repository digest tag; do
  existing="$(aws ecr describe-images --repository-name "$repository" --image-ids "imageTag=$tag" --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true)"
  if [ "$existing" = "$digest" ]; then
    echo "$repository: $tag already marks $digest"
    continue
  fi
  manifest="$(aws ecr batch-get-image --repository-name "$repository" --image-ids "imageDigest=$digest" --query 'images[0].imageManifest' --output text)"
  media="$(aws ecr batch-get-image --repository-name "$repository" --image-ids "imageDigest=$digest" --query 'images[0].imageManifestMediaType' --output text)"
  aws ecr put-image --repository-name "$repository" --image-tag "$tag" --image-manifest "$manifest" --image-manifest-media-type "$media" > /dev/null
  echo "$repository: tagged $digest $tag"
done < "$RUNNER_TEMP/tags.txt"
`;

/**
 * The job that protects what `later` will run, as the source stack `source`: its GitHub environment,
 * its deploy role (which may BatchGetImage and PutImage on its own repositories, components/trust/stackPolicies.ts).
 */
export function protectJob(later: MatrixEntry, source: MatrixEntry, sourceJob: string): Job {
    const role = `\${{ vars.${source.deployRoleVar} }}`;
    return {
        name: `protect ${later.stack}'s images in ${source.stack}`,
        needs: ["environments", sourceJob],
        "runs-on": "ubuntu-latest",
        ...(source.githubEnvironment ? { environment: source.githubEnvironment } : {}),
        "timeout-minutes": 15,
        permissions: { contents: "read", "id-token": "write" },
        outputs: { images: "${{ steps.images.outputs.images }}" },
        env: { GITHUB_SHA: "${{ github.sha }}", PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}" },
        steps: [
            { name: "Preflight", env: { ROLE_VARIABLE: source.deployRoleVar, ROLE_ARN: role, HAS_PULUMI_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN != '' }}" }, run: PREFLIGHT },
            ...checkoutSteps(),
            {
                name: `Choose the images ${later.stack} runs`,
                id: "images",
                env: { SOURCE_IMAGES: `\${{ needs.${sourceJob}.outputs.images }}`, LATER: later.stack },
                run: `echo "images=$(echo "$SOURCE_IMAGES" | ${TS} tools/operate/promote.ts images --stack "$LATER")" >> "$GITHUB_OUTPUT"\n`,
            },
            {
                name: `Assume ${source.stack}'s deploy role`,
                uses: `aws-actions/configure-aws-credentials@${PINS["aws-actions/configure-aws-credentials"]}`,
                with: { "role-to-assume": role, "role-session-name": `ecs-ship-protect-${later.stack}`, "role-duration-seconds": source.sessionSeconds, "aws-region": source.region },
            },
            {
                name: `Tag them ${later.stack}.<commit>, which ${source.stack}'s lifecycle policy keeps`,
                env: { IMAGES: "${{ steps.images.outputs.images }}", LATER: later.stack },
                run: TAG_SCRIPT,
            },
        ],
    };
}

/** What a later stack's deploy job adds: the protect job it needs, and the images in its environment. */
export function promotedEnv(m: MatrixEntry): Record<string, string> {
    return m.promotedFrom ? { [PROMOTED_IMAGES_ENV]: `\${{ needs.${protectJobId(m.stack)}.outputs.images }}` } : {};
}

/** Whether a stack's deploy job must record its images: a later stack runs them. */
export const isSource = (m: MatrixEntry, matrix: MatrixEntry[]) => matrix.some((e) => e.promotedFrom === m.stack);
