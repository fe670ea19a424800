// components/fargate: classic ECS on Fargate behind an Application Load Balancer. FargateService
// (fargateService.ts) and the stack's FargateCluster (fargateCluster.ts); the service's pure settings
// (fargateSettings.ts), its target group and place on a load balancer (fargateLoadBalancer.ts), its
// deployment strategies (deploymentStrategy.ts) and the traffic shift of canary, linear and blue/green
// releases (trafficShift.ts), its deployment alarms (fargateAlarms.ts) and its sidecars (sidecars.ts).
// May import: components/service, components/release, components/frontDoor, components/network.
//
// The face: what the package exports from this room. Other rooms import its files directly.
export * from "./fargateService";
export * from "./fargateCluster";
export { ALARM_DEFAULTS, alarmSpecs } from "./fargateAlarms";
export type { AlarmSettings, AlarmSpec } from "./fargateAlarms";
export {
    AWS_DEREGISTRATION_DELAY, AWS_HEALTH_CHECK_DEFAULTS, DEPLOYMENT, DEREGISTRATION_DELAY, FARGATE_DEFAULTS,
    HEALTH_CHECK, HEALTH_CHECK_GRACE_PERIOD, STOP_TIMEOUT, fargateArgsProblems,
} from "./fargateSettings";
export { DEPENDENCY_CONDITIONS, HEALTH_CHECK_LIMITS, sidecarProblems } from "./sidecars";
export type { DependencyCondition, SidecarHealthCheck, SidecarSettings } from "./sidecars";
