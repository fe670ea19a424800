// What a FargateService is given: its arguments, each with its default, on top of the service contract
// both modes share (components/service/serviceArgs.ts), and the normalize step that applies the defaults.
// Pure; fargateService.ts builds the resources from the resolved arguments.
import * as pulumi from "@pulumi/pulumi";
import { ResolvedServiceSettings, ServiceSettings, normalizeServiceSettings } from "../service/serviceArgs";
import { Route, defaultHealthCheckPath } from "../frontDoor/frontDoor";
import { SharedListener } from "../frontDoor/sharedLoadBalancer";
import { AlarmSettings } from "./fargateAlarms";
import { DeploymentSettings } from "./deploymentStrategy";
import { ReleaseSettings } from "../release/releaseTask";
import { SidecarSettings } from "./sidecars";
import { FARGATE_DEFAULTS } from "./fargateSettings";

export interface FargateServiceArgs extends ServiceSettings {
    /** Cluster the service runs in (FargateCluster.arn). */
    clusterArn: pulumi.Input<string>;
    /** Its name (FargateCluster.name), for the autoscaling resource id. */
    clusterName: pulumi.Input<string>;
    /** VPC of the load balancer, target group and security groups (StackNetwork.vpcId). */
    vpcId: pulumi.Input<string>;
    /** Exactly two public subnets in two Availability Zones (StackNetwork.albSubnetIds). */
    albSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Subnets the tasks run in (StackNetwork.taskSubnetIds). */
    taskSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Give tasks a public IP: true in public subnets (no NAT), false in private ones
     * (StackNetwork.assignPublicIp). A public IP opens no ingress (the task security group
     * admits only the load balancer) but costs about $3.65/month per task.
     * @default true - tasks in the default VPC's public subnets can pull their image
     */
    assignPublicIp?: boolean;
    /**
     * Run on FARGATE_SPOT: up to 70% cheaper, but AWS may stop a task with a two-minute
     * warning (Amazon ECS Developer Guide, "Fargate capacity providers"). ECS replaces it.
     * @default false - regular FARGATE
     */
    spot?: boolean;
    /**
     * ACM certificate for an HTTPS listener on 443; port 80 then redirects (301) to HTTPS.
     * @default - HTTP only on port 80
     */
    certificateArn?: pulumi.Input<string>;
    /** Seconds in-flight requests may finish after a task is deregistered, 0 to 3600. @default 30 (AWS: 300) */
    deregistrationDelay?: number;
    /** Seconds ECS ignores failing health checks after a task starts, 0 to 7200. @default 30 (AWS: 0) */
    healthCheckGracePeriod?: number;
    /** Permissions boundary for every role this component creates. @default - none */
    permissionsBoundary?: pulumi.Input<string>;
    /**
     * Serve behind the stack's SharedLoadBalancer instead of an ALB of its own: the service then
     * creates only its target group and listener rules (at `route`), and its tasks accept only the
     * shared ALB's security group. Requires `route`.
     * @default - the service gets its own ALB
     */
    sharedLoadBalancer?: SharedListener;
    /** Host and/or path and priority of the service's rules on the shared ALB. @default - none (own ALB) */
    route?: Route;
    /**
     * A custom domain: the service's URL becomes https://<name>. With `zoneId` and an ALB of its own,
     * an alias A record in that zone points the name there (domainAlias); without `zoneId`, or on a
     * shared load balancer, the caller keeps the record. Requires `certificateArn` covering the name. Only A: the ALB is
     * IPv4-only (ipAddressType "ipv4", the provider's default), so an AAAA alias would not resolve.
     * @default - served on the ALB's own hostname
     */
    domain?: { name: string; zoneId?: pulumi.Input<string> };
    /**
     * CloudWatch alarms on the target group's 5xx count and unhealthy tasks, attached to the
     * service's deployments so ECS rolls back a release that trips one (components/fargate/fargateAlarms.ts).
     * @default - both alarms with ALARM_DEFAULTS, no notification
     */
    alarms?: AlarmSettings;
    /**
     * How a release reaches traffic: rolling, or canary, linear or blue/green between two target
     * groups (components/fargate/deploymentStrategy.ts, components/fargate/trafficShift.ts).
     * @default - rolling
     */
    deployment?: DeploymentSettings;
    /**
     * A command run as one task of the new task definition before each rollout that changes it
     * (a database migration); a non-zero exit fails the deployment before the service changes
     * (components/release/releaseTask.ts). @default - none
     */
    release?: ReleaseSettings;
    /**
     * Extra containers in the task, by name; `dependsOn` names the main container `app`
     * (components/fargate/sidecars.ts). @default - none
     */
    sidecars?: Record<string, SidecarSettings>;
}

/** FargateServiceArgs with every default applied. */
export type ResolvedFargateServiceArgs = FargateServiceArgs & ResolvedServiceSettings
    & Required<Pick<FargateServiceArgs, "assignPublicIp" | "spot" | "deregistrationDelay" | "healthCheckGracePeriod">>;

/** The normalize step: SERVICE_DEFAULTS and FARGATE_DEFAULTS applied to what the caller left out. Pure. */
export function normalizeFargateArgs(args: FargateServiceArgs): ResolvedFargateServiceArgs {
    const base = normalizeServiceSettings(args);
    return {
        ...base,
        // Behind a path prefix the app sees the prefix (ALB does not strip it), so its default health
        // check is under it: the path the load balancer probes is then one the deploy gate can reach.
        healthCheckPath: args.healthCheckPath ?? defaultHealthCheckPath(args.sharedLoadBalancer ? args.route?.path : undefined, base.healthCheckPath),
        assignPublicIp: args.assignPublicIp ?? FARGATE_DEFAULTS.assignPublicIp,
        spot: args.spot ?? FARGATE_DEFAULTS.spot,
        deregistrationDelay: args.deregistrationDelay ?? FARGATE_DEFAULTS.deregistrationDelay,
        healthCheckGracePeriod: args.healthCheckGracePeriod ?? FARGATE_DEFAULTS.healthCheckGracePeriod,
    };
}
