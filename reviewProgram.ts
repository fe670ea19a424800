// The review template stack (`review`, docs/review-environments.md) as the program plans it: only the
// review trust (components/trust/reviewTrust.ts), built from the template's settings. program.ts calls this
// before anything else is created; a `pr-<n>` stack goes through program.ts's own path.
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "./config";
import { ReviewTrust } from "./components/trust/reviewTrust";
import { ecrRepositoryArn } from "./components/trust/permissionsBoundary";
import { PassRoleKind } from "./components/trust/trustPolicies";

/** The trust a template's services need in any pull request's copy of it (the same for every pr-<n>). */
export function reviewTrustNeeds(settings: Pick<Settings, "services">) {
    const fargate = settings.services.filter((s) => s.mode === "fargate" && s.kind !== "worker");
    const shifting = fargate.some((s) => (s.deployment?.strategy ?? "rolling") !== "rolling");
    // Execution and Express infrastructure roles always: a pull request that adds a service of either mode
    // deploys without an administrator. The load-balancer role only when the template shifts traffic.
    const passRoleKinds: PassRoleKind[] = ["exec", "infra", ...(shifting ? ["lb" as const] : [])];
    return {
        passRoleKinds,
        shiftsTraffic: shifting,
        imageRepositoryArns: settings.services.flatMap((s) => {
            const arn = s.image.kind === "ref" ? ecrRepositoryArn(s.image.ref) : undefined;
            return arn ? [arn] : [];
        }),
        alarmEmails: fargate.flatMap((s) => (s.alarms?.email ? [s.alarms.email] : [])),
        alarmTopicArns: fargate.flatMap((s) => (s.alarms?.snsTopicArn ? [s.alarms.snsTopicArn] : [])),
    };
}

/** Stack `review`: the review trust and nothing else. Its outputs have the shape of any stack's, with no services. */
export function reviewTemplate(settings: Settings, opts: pulumi.ComponentResourceOptions) {
    const { github, backend, review } = settings;
    const trust = new ReviewTrust(`${settings.prefix}-github`, {
        repository: github.repository,
        ownerId: github.ownerId,
        repositoryId: github.repositoryId,
        gate: { require: review!.require, environment: review!.environment, sweepEnvironment: review!.sweepEnvironment },
        oidcProviderArn: github.oidcProviderArn,
        retainProvider: github.retainProvider,
        maxSessionDuration: github.maxSessionDuration,
        region: settings.region,
        stateBucket: backend.stateBucket,
        stateKmsKeyArn: backend.kmsKeyArn,
        ...reviewTrustNeeds(settings),
    }, {
        ...opts,
        // As a stack's own trust: the review role cannot delete it, and an administrator removes it deliberately.
        protect: true,
    });
    return {
        stack: settings.stack,
        providerArn: trust.providerArn,
        deployRoleArn: trust.deployRoleArn,
        previewRoleArn: undefined,
        permissionsBoundaryArn: trust.permissionsBoundaryArn,
        clusterArn: undefined,
        services: {},
        jobs: {},
    };
}
