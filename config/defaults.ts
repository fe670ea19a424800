// The defaults a stack file documents. They are the components' own defaults, imported from the
// one place each lives (each component applies them itself); the schema only shows them to editors
// and in the reference docs, and the cross-field rules read them to judge what the user left out.
import { SERVICE_DEFAULTS } from "../components/service/serviceArgs";
import { FARGATE_DEFAULTS } from "../components/fargate/fargateSettings";
import { GITHUB_OIDC_TRUST_DEFAULTS } from "../components/trust/githubOidcTrust";
import { CONTAINER_REGISTRY_DEFAULTS } from "../components/registry/containerRegistry";
import { STACK_NETWORK_DEFAULTS } from "../components/network/network";
import { FARGATE_CLUSTER_DEFAULTS } from "../components/fargate/fargateCluster";
import { ALARM_DEFAULTS } from "../components/fargate/fargateAlarms";

const g = GITHUB_OIDC_TRUST_DEFAULTS;

export const DEFAULTS = {
    github: {
        deployBranches: [...g.deployBranches], deployEnvironments: [...g.deployEnvironments],
        pullRequestPreview: g.pullRequestPreview, retainProvider: g.retainProvider, maxSessionDuration: g.maxSessionDuration,
    },
    registry: { forceDelete: CONTAINER_REGISTRY_DEFAULTS.forceDelete, keepImages: CONTAINER_REGISTRY_DEFAULTS.keepImages },
    network: { create: STACK_NETWORK_DEFAULTS.create, natStrategy: STACK_NETWORK_DEFAULTS.natStrategy },
    containerInsights: FARGATE_CLUSTER_DEFAULTS.containerInsights,
    alarms: ALARM_DEFAULTS,
    image: { dockerfile: CONTAINER_REGISTRY_DEFAULTS.dockerfile },
    service: {
        ...SERVICE_DEFAULTS,
        spot: FARGATE_DEFAULTS.spot,
        deregistrationDelay: FARGATE_DEFAULTS.deregistrationDelay,
        healthCheckGracePeriod: FARGATE_DEFAULTS.healthCheckGracePeriod,
    },
} as const;
