// ecs-ship as a library: the components and the types and helpers their arguments use.
// Importing this module creates nothing and reads no configuration; the program that
// `pulumi up` runs in this repository is index.ts, which composes these same components.
export * from "./trust/githubOidcTrust";
export * from "./registry/containerRegistry";
export * from "./express/expressService";
export * from "./fargate/fargateService";
export * from "./worker/workerService";
export * from "./jobs/scheduledJob";
export { WORKER_METRICS, workerArgsProblems, workerTargetTracking } from "./worker/workerSettings";
export type { WorkerMetric, WorkerScaling } from "./worker/workerSettings";
export { flexibleWindow, jobResourceName, scheduleLogicalName } from "./jobs/jobSettings";
export { schedulerGrantPolicy } from "./trust/schedulerPolicies";
export * from "./fargate/fargateCluster";
export * from "./network/network";
export * from "./service/serviceArgs";
export * from "./service/argumentsError";
export * from "./frontDoor/sharedLoadBalancer";
export * from "./frontDoor/customDomain";
export { ALARM_DEFAULTS, alarmSpecs } from "./fargate/fargateAlarms";
export type { AlarmSettings, AlarmSpec } from "./fargate/fargateAlarms";
export { ALB_QUOTAS, PRIORITY_BANDS, priorityBand, routeOf, routesOf, ruleConditions, rulePriority, sharesLoadBalancer } from "./frontDoor/frontDoor";
export type { PriorityBand, Route } from "./frontDoor/frontDoor";
export {
    AWS_DEREGISTRATION_DELAY, AWS_HEALTH_CHECK_DEFAULTS, DEPLOYMENT, DEREGISTRATION_DELAY, FARGATE_DEFAULTS,
    HEALTH_CHECK, HEALTH_CHECK_GRACE_PERIOD, STOP_TIMEOUT, fargateArgsProblems,
} from "./fargate/fargateSettings";
export { TLS_POLICY } from "./frontDoor/publicAlb";
export { RELEASE_DEFAULTS, RELEASE_TASK_TYPE, ReleaseTask, releaseProblems } from "./release/releaseTask";
export type { ReleaseSettings, ReleaseTaskArgs } from "./release/releaseTask";
export { DEPENDENCY_CONDITIONS, HEALTH_CHECK_LIMITS, sidecarProblems } from "./fargate/sidecars";
export type { DependencyCondition, SidecarHealthCheck, SidecarSettings } from "./fargate/sidecars";
export { DIGEST_REF, ECR_REPOSITORY_NAME, IMAGE_TAG, lifecyclePolicy } from "./registry/registryPolicies";
export {
    GITHUB_OIDC_URL, STACK_TAG, STS_AUDIENCE, deployPolicies, githubTrustPolicy, permissionsBoundary, previewPolicy,
} from "./trust/trustPolicies";
export type { IamDocument, IamStatement, StackDomain, StackScope } from "./trust/trustPolicies";
