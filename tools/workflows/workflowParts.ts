// What every ecs-ship workflow shares, in one place: the action pins, the Pulumi CLI version, the
// preflight script, the per-step secrets. tools/workflows/deployWorkflow.ts writes deploy.yml from these, and
// test/workflows.test.ts holds the hand-written workflows (preview, rollback, destroy) to the same values.
import * as fs from "fs";
import * as path from "path";

/** The current major release of every action the workflows use, pinned to its commit (release notes read for changed inputs). */
export const PINS = {
    // v7.0.0 blocks checking out fork pull requests under pull_request_target and workflow_run, which these workflows do not use (actions/checkout#2454).
    "actions/checkout": "3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
    // v7: Node 24 runtime and ESM; node-version and cache unchanged.
    "actions/setup-node": "820762786026740c76f36085b0efc47a31fe5020 # v7.0.0",
    // v4: Node 24 runtime; platforms and image unchanged.
    "docker/setup-qemu-action": "1f40c72289eff860ee54a304f1438e3cff362e0a # v4.3.0",
    // v5 made boolean inputs strict YAML 1.2 booleans (none used here); v6: Node 24 runtime; role-duration-seconds unchanged.
    "aws-actions/configure-aws-credentials": "ec61189d14ec14c8efccab744f656cffd0e33f37 # v6.1.0",
    // v7: Node 24 runtime; command, stack-name, pulumi-version and the comment inputs unchanged (pulumi/actions#1407).
    "pulumi/actions": "8e5e406f4007fca908480587cb9893c07090f58d # v7.0.0",
} as const;

/**
 * The Pulumi CLI the workflows install (pulumi/actions' `pulumi-version` input): the version of
 * @pulumi/pulumi the lock file installs, so the CLI and the language SDK are the release they were built
 * with, instead of whatever CLI the runner image carries.
 */
export const PULUMI_CLI_VERSION: string = pulumiSdkVersion();

/** From this repository's lock file; in the published package (no lock file), the SDK the app installed. */
function pulumiSdkVersion(): string {
    const lock = path.join(__dirname, "../..", "package-lock.json");
    if (fs.existsSync(lock)) {
        return (JSON.parse(fs.readFileSync(lock, "utf8")) as { packages: Record<string, { version: string }> }).packages["node_modules/@pulumi/pulumi"].version;
    }
    return (JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
}

/**
 * QEMU's binfmt image for docker/setup-qemu-action, pinned by digest instead of its default `:latest`.
 * NOT resolved from this machine (Docker Hub cannot be reached here): the digest is the one two public
 * repositories pin for tonistiigi/binfmt:qemu-v10.2.3 (one records having read it against Docker Hub).
 * Check it before relying on it: `docker buildx imagetools inspect tonistiigi/binfmt:qemu-v10.2.3`.
 */
export const BINFMT_IMAGE = "docker.io/tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0";

/**
 * The first step of every job that assumes a role: names each missing repository variable and secret
 * before anything is installed. It sees whether the Pulumi token is set (HAS_PULUMI_TOKEN), never the token.
 */
export const PREFLIGHT = `missing=0
if [ -z "$ROLE_ARN" ]; then
  echo "::error title=preflight::Repository variable $ROLE_VARIABLE is not set: it holds the role this job assumes (npm run first-deploy prints it)."
  missing=1
fi
if [ -z "$PULUMI_BACKEND_URL" ] && [ "$HAS_PULUMI_TOKEN" != true ]; then
  echo "::error title=preflight::Neither repository variable PULUMI_BACKEND_URL nor secret PULUMI_ACCESS_TOKEN is set: Pulumi has no state backend."
  missing=1
fi
if [ "$missing" != 0 ]; then exit 1; fi
echo "Preflight: $ROLE_VARIABLE and a Pulumi backend are set."
`;

/**
 * The Pulumi secrets, given only to the steps that run the Pulumi CLI: not to the job, so dependency
 * install scripts and third-party actions never see them. PULUMI_CONFIG_PASSPHRASE is needed only by
 * passphrase-encrypted stacks.
 */
export function pulumiSecrets(): Record<string, string> {
    return {
        PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
        PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
    };
}

/** A stack's `up`/`destroy` group: one running, never cancelled (cancel-in-progress: false). */
export function deployConcurrency(stack: string): { group: string; "cancel-in-progress": boolean } {
    return { group: `ecs-ship-${stack}`, "cancel-in-progress": false };
}

/** Checkout without a persisted token, Node 24 with the npm cache, and the locked dependencies. */
export function checkoutSteps(): Record<string, unknown>[] {
    return [
        { uses: `actions/checkout@${PINS["actions/checkout"]}`, with: { "persist-credentials": false } },
        { uses: `actions/setup-node@${PINS["actions/setup-node"]}`, with: { "node-version": 24, cache: "npm" } },
        // The policy pack has no dependencies of its own: it resolves @pulumi/policy from this install.
        { name: "Install dependencies", run: "npm ci --no-audit --no-fund" },
    ];
}

/**
 * docker.Image builds through the Docker daemon, not Buildx, and an arm64 image built on the x86_64
 * runner runs its RUN steps under QEMU, registered with the kernel's binfmt_misc by this action.
 */
export function qemuStep(): Record<string, unknown> {
    return {
        name: "Set up QEMU for arm64 image builds",
        uses: `docker/setup-qemu-action@${PINS["docker/setup-qemu-action"]}`,
        with: { platforms: "arm64", image: BINFMT_IMAGE },
    };
}
