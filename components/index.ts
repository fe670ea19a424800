// ecs-ship as a library: the components and the types and helpers their arguments use.
// Importing this module creates nothing and reads no configuration; the program that
// `pulumi up` runs in this repository is index.ts, which composes these same components.
export * from "./githubOidcTrust";
export * from "./containerRegistry";
export * from "./expressService";
export * from "./fargateService";
export * from "./workerService";
export * from "./scheduledJob";
export { WORKER_METRICS, workerArgsProblems, workerTargetTracking } from "./workerSettings";
export type { WorkerMetric, WorkerScaling } from "./workerSettings";
export { flexibleWindow, jobResourceName, scheduleLogicalName } from "./jobSettings";
export { schedulerGrantPolicy } from "./schedulerPolicies";
export * from "./fargateCluster";
export * from "./network";
export * from "./serviceArgs";
export * from "./argumentsError";
export * from "./sharedLoadBalancer";
export * from "./customDomain";
export { ALARM_DEFAULTS, alarmSpecs } from "./fargateAlarms";
export type { AlarmSettings, AlarmSpec } from "./fargateAlarms";
export { ALB_QUOTAS, PRIORITY_BANDS, priorityBand, routeOf, routesOf, ruleConditions, rulePriority, sharesLoadBalancer } from "./frontDoor";
export type { PriorityBand, Route } from "./frontDoor";
export {
    AWS_DEREGISTRATION_DELAY, AWS_HEALTH_CHECK_DEFAULTS, DEPLOYMENT, DEREGISTRATION_DELAY, FARGATE_DEFAULTS,
    HEALTH_CHECK, HEALTH_CHECK_GRACE_PERIOD, STOP_TIMEOUT, TLS_POLICY, fargateArgsProblems, pickAlbSubnets,
} from "./fargateSettings";
export { RELEASE_DEFAULTS, RELEASE_TASK_TYPE, ReleaseTask, releaseProblems } from "./releaseTask";
export type { ReleaseSettings, ReleaseTaskArgs } from "./releaseTask";
export { DEPENDENCY_CONDITIONS, HEALTH_CHECK_LIMITS, sidecarProblems } from "./sidecars";
export type { DependencyCondition, SidecarHealthCheck, SidecarSettings } from "./sidecars";
export { DIGEST_REF, ECR_REPOSITORY_NAME, IMAGE_TAG, lifecyclePolicy } from "./registryPolicies";
export {
    GITHUB_OIDC_URL, STACK_TAG, STS_AUDIENCE, deployPolicies, githubTrustPolicy, permissionsBoundary, previewPolicy,
} from "./trustPolicies";
export type { IamDocument, IamStatement, StackDomain, StackScope } from "./trustPolicies";
