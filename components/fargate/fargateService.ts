// FargateService: classic ECS on Fargate behind an Application Load Balancer. Closed
// ingress, tuned health checks for minute-scale rollouts, automatic rollback.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PassRoleGrant, containerEnvironment, containerSecrets } from "../service/serviceArgs";
import { argumentsError } from "../service/argumentsError";
import { fargateCapacity, fargateTaskPlatform } from "../service/fargateTask";
import { ServiceFront, createOwnFront, createSharedFront } from "./fargateLoadBalancer";
import { TLS_POLICY, publicAlbSecurityGroup } from "../frontDoor/publicAlb";
import { serviceUrl } from "../frontDoor/frontDoor";
import { createAlarms, deploymentAlarms } from "./fargateAlarms";
import { domainAlias } from "../frontDoor/customDomain";
import { deploymentConfiguration, deploymentProblems, resolveDeployment, shiftsTraffic, waitMinutes } from "./deploymentStrategy";
import { ECS_OWNS_WEIGHTS, attachShift, createAlternateTargetGroup, weightedForward } from "./trafficShift";
import { ReleaseTask, releaseProblems } from "../release/releaseTask";
import { createSidecarLogGroups, sidecarContainers, sidecarProblems, sidecarSecrets } from "./sidecars";
import { TaskRoleArns, createLogGroup, createTaskRoles } from "../service/serviceRoles";
import { DEPLOYMENT, STOP_TIMEOUT, fargateArgsProblems, requestCountLabel, serviceDeleteTimeout, targetTracking } from "./fargateSettings";
import { ResolvedFargateServiceArgs, normalizeFargateArgs } from "./fargateArgs";
import type { FargateServiceArgs } from "./fargateArgs";

export * from "./fargateArgs";

export const FARGATE_SERVICE_TYPE = "ecs-ship:index:FargateService";
/** The one container of the task; the target group forwards to it. */
export const CONTAINER_NAME = "app";
const ANYWHERE_IPV4 = "0.0.0.0/0";

/**
 * An ECS service on Fargate behind its own ALB: log group, execution role (and a task role
 * only when the app needs AWS permissions), task definition, two security groups, ALB,
 * target group, listener(s), service, and target-tracking autoscaling.
 *
 * **Security.** The ALB accepts 80 (and 443) from anywhere and may send only to the tasks'
 * port. The tasks accept only the ALB's security group, on the container port: no CIDR ingress.
 *
 * **Cost** (us-east-1): ALB about $16.40/month plus LCUs, and two public IPv4 addresses
 * ($3.65/month each); a 0.25 vCPU / 0.5 GB task about $9/month on FARGATE (about 70% less
 * on Spot), plus $3.65/month for its public IP in a public subnet.
 */
export class FargateService extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;
    public readonly serviceArn: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly clusterArn: pulumi.Output<string>;
    public readonly loadBalancerDns: pulumi.Output<string>;
    /** The load balancer's Route 53 zone, for an alias record to it. */
    public readonly loadBalancerZoneId: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    /** Names of the deployment alarms (empty when disabled). */
    public readonly alarmNames: pulumi.Output<string[]>;
    /** The HTTPS certificate in use, if any. */
    public readonly certificateArn: pulumi.Output<string | undefined>;
    /** The path the load balancer probes (given, or the default under the service's path prefix). */
    public readonly healthCheckPath: string;
    /** Roles the deploy role must be allowed to pass, and to which service. */
    public readonly passRoles: PassRoleGrant[];
    /** The deployment strategy and its designed waits in minutes, for the deploy gate's time budget. */
    public readonly deployment: { strategy: string; waitMinutes: number };
    /** What a program building on the service needs: its task definition, ECS service, task security group (to let
     * the tasks reach a database, say), target group, and its listeners (own load balancer) or rules (shared one). */
    public readonly taskDefinition: aws.ecs.TaskDefinition;
    public readonly service: aws.ecs.Service;
    public readonly taskSecurityGroup: aws.ec2.SecurityGroup;
    public readonly targetGroup: aws.lb.TargetGroup;
    public readonly listeners: aws.lb.Listener[];
    public readonly listenerRules: aws.lb.ListenerRule[];
    /** The task's roles, which the service's scheduled jobs run with too. */
    public readonly taskRoles: TaskRoleArns;

    constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(FARGATE_SERVICE_TYPE, name, {}, opts);
        const a = normalizeFargateArgs(args);
        const deployment = resolveDeployment(a.deployment);
        const problems = [
            ...fargateArgsProblems(name, a),
            ...releaseProblems(a.release),
            ...sidecarProblems(a.sidecars, { containerName: CONTAINER_NAME, serviceName: CONTAINER_NAME, port: a.port }),
            ...deploymentProblems(deployment, {
                shared: a.sharedLoadBalancer !== undefined, https: a.certificateArn !== undefined, sharedHttps: a.sharedLoadBalancer?.httpsListenerArn !== undefined,
            }),
        ];
        if (problems.length > 0) throw argumentsError(this, problems);
        const tags = a.tags;

        // Same roles and log group as ExpressService (serviceRoles.ts), so both modes match.
        const logGroup = createLogGroup(this, name, a.logRetentionDays, tags);
        // The execution role reads the sidecars' secrets too: it starts every container of the task.
        const roles = createTaskRoles(this, name, { ...a, secrets: { ...a.secrets, ...sidecarSecrets(a.sidecars) } }, a.permissionsBoundary);
        const { albSg, taskSg, taskEgress } = this.createSecurityGroups(name, a);
        // Canary, linear and blue/green: a second target group, rules ECS shifts, and its role.
        const alt = shiftsTraffic(deployment) ? createAlternateTargetGroup(this, name, a, a.sharedLoadBalancer ? "shared" : "own") : undefined;
        const front: ServiceFront = a.sharedLoadBalancer
            ? createSharedFront(this, name, a, a.sharedLoadBalancer, a.route!, a.certificateArn !== undefined,
                alt ? { forward: (t) => weightedForward(t.arn, alt.arn), ruleOptions: ECS_OWNS_WEIGHTS } : undefined)
            : createOwnFront(this, name, a, albSg!);
        const shift = alt ? attachShift(this, name, deployment, front, alt, {
            shared: a.sharedLoadBalancer !== undefined, albSecurityGroupId: albSg?.id, certificateArn: a.certificateArn, sslPolicy: TLS_POLICY, permissionsBoundary: a.permissionsBoundary, tags,
        }) : undefined;
        const tg = front.tg;
        const alarms = createAlarms(this, name, a.alarms, { loadBalancer: front.albArnSuffix, targetGroup: tg.arnSuffix, alternateTargetGroup: alt?.arnSuffix }, tags);
        const taskDefinition = this.createTaskDefinition(name, a, logGroup, roles);
        // The release runs the new revision in the tasks' own subnets and security group, so it reaches
        // what the service reaches (its database); the service waits for it to exit 0.
        const release = a.release ? new ReleaseTask(`${name}-release`, {
            region: aws.getRegionOutput({}, { parent: this }).region,
            cluster: a.clusterArn,
            taskDefinitionArn: taskDefinition.arn,
            containerName: CONTAINER_NAME,
            command: a.release.command,
            subnets: a.taskSubnetIds,
            securityGroups: [taskSg.id],
            assignPublicIp: a.assignPublicIp,
            logGroup: logGroup.name,
            logStreamPrefix: CONTAINER_NAME,
            timeoutMinutes: a.release.timeoutMinutes,
            service: name,
        }, {
            parent: this,
            // The task pulls its image and reads its secrets through the group's egress rule: the provider
            // removes AWS's default allow-all egress, so on a first deploy the rule must exist first.
            dependsOn: [...roles.policies, taskEgress],
        }) : undefined;
        const service = new aws.ecs.Service(`${name}-svc`, {
            cluster: a.clusterArn,
            taskDefinition: taskDefinition.arn,
            desiredCount: a.desiredCount,
            // A strategy, never launchType, so switching `spot` is an in-place update (fargateTask.ts).
            ...fargateCapacity(a.spot),
            networkConfiguration: { subnets: a.taskSubnetIds, securityGroups: [taskSg.id], assignPublicIp: a.assignPublicIp },
            loadBalancers: [{ targetGroupArn: tg.arn, containerName: CONTAINER_NAME, containerPort: a.port, advancedConfiguration: shift?.advancedConfiguration }],
            // The strategy and its settings (undefined for rolling: the provider's default).
            deploymentConfiguration: deploymentConfiguration(deployment),
            // A release whose tasks never turn healthy is stopped and the last good one restored.
            // Source: Amazon ECS Developer Guide, "How the Amazon ECS deployment circuit breaker detects failures".
            // Always sent: the provider suppresses the removal of this block as it does for `alarms`
            // (internal/service/ecs/service.go, `deployment_circuit_breaker`,
            // verify.SuppressMissingOptionalConfigurationBlock), so leaving it out would not turn it off.
            deploymentCircuitBreaker: { enable: true, rollback: true },
            // A release whose tasks pass health checks but serve errors trips an alarm; ECS then fails
            // the deployment and restores the last completed one. Source: Amazon ECS Developer Guide,
            // "How CloudWatch alarms detect Amazon ECS deployment failures"
            // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html).
            // Sent disabled when the alarms are off, never left out (deploymentAlarms).
            alarms: deploymentAlarms(name, alarms),
            deploymentMinimumHealthyPercent: DEPLOYMENT.minimumHealthyPercent,
            deploymentMaximumPercent: DEPLOYMENT.maximumPercent,
            healthCheckGracePeriodSeconds: a.healthCheckGracePeriod,
            // ECS Exec: off unless `exec: true` (docs/workloads.md, "Shell access").
            enableExecuteCommand: a.exec ? true : undefined,
            // The provider's default (false) returns before the rollout ends, so `pulumi up` would
            // report success for a release the circuit breaker later rolls back.
            waitForSteadyState: true,
            propagateTags: "SERVICE",
            enableEcsManagedTags: true,
            tags,
        }, {
            parent: this,
            // ECS rejects a target group that no listener uses yet; on delete, the same edges
            // remove the service (and drain its tasks) before its listeners and target group.
            // The role policies must outlive the service, or tasks stopping during delete lose
            // their permissions.
            dependsOn: [...front.waitFor, ...roles.policies, ...(release ? [release] : []), ...(shift?.waitFor ?? [])],
            // Autoscaling owns the running count after the first deploy; without this, every
            // `pulumi up` would reset it to desiredCount and undo a scale-out.
            ignoreChanges: ["desiredCount"],
            customTimeouts: { create: "30m", update: "30m", delete: serviceDeleteTimeout(a.deregistrationDelay) },
        });
        this.createScaling(name, a, service, front.albArnSuffix, tg);
        // With a zone, the service points its domain at its own load balancer. Without one the caller
        // keeps the record (index.ts keeps one per domain whichever load balancer serves it).
        if (a.domain?.zoneId !== undefined && !a.sharedLoadBalancer) {
            domainAlias(`${name}-dns-a`, { name: a.domain.name, zoneId: a.domain.zoneId }, front, { parent: this });
        }

        const path = a.sharedLoadBalancer ? a.route?.path : undefined;
        this.url = front.dnsName.apply((dnsName) => serviceUrl({ dnsName, https: a.certificateArn !== undefined, domain: a.domain?.name, path }));
        this.serviceArn = service.arn;
        this.serviceName = service.name;
        this.clusterArn = pulumi.output(a.clusterArn);
        this.loadBalancerDns = front.dnsName;
        this.loadBalancerZoneId = front.zoneId;
        this.logGroupName = logGroup.name;
        this.alarmNames = pulumi.all(alarms.map((x) => x.name));
        this.certificateArn = pulumi.output(a.certificateArn);
        this.healthCheckPath = a.healthCheckPath;
        this.deployment = { strategy: deployment.strategy, waitMinutes: waitMinutes(deployment) };
        this.passRoles = [...roles.passRoles, ...(shift?.passRoles ?? [])];
        this.taskDefinition = taskDefinition; this.service = service; this.taskSecurityGroup = taskSg;
        this.targetGroup = tg; this.listeners = front.listeners; this.listenerRules = front.rules;
        this.taskRoles = { executionRoleArn: roles.executionRole.arn, taskRoleArn: roles.taskRole?.arn };
        this.registerOutputs({
            url: this.url, serviceArn: this.serviceArn, serviceName: this.serviceName, clusterArn: this.clusterArn,
            loadBalancerDns: this.loadBalancerDns, logGroupName: this.logGroupName, passRoles: this.passRoles,
            alarmNames: this.alarmNames, certificateArn: this.certificateArn,
        });
    }

    /**
     * Rules are separate resources, not inline: the two groups reference each other, and inline
     * rules would make that a cycle. The provider removes the allow-all egress rule AWS puts in
     * every new group (Terraform AWS provider, aws_security_group, "NOTE on Egress rules"), so
     * each group's egress is exactly what is declared here.
     */
    private createSecurityGroups(name: string, a: ResolvedFargateServiceArgs) {
        const sg = (n: string, description: string) => new aws.ec2.SecurityGroup(n, { vpcId: a.vpcId, description, tags: a.tags }, { parent: this });
        const rule = { ipProtocol: "tcp", tags: a.tags };
        // Behind the shared ALB, its security group is the only source; else the service's own ALB's.
        let albSg: aws.ec2.SecurityGroup | undefined;
        if (!a.sharedLoadBalancer) {
            albSg = publicAlbSecurityGroup(this, name, { vpcId: a.vpcId, description: "ecs-ship load balancer: HTTP(S) from anywhere", https: a.certificateArn !== undefined, tags: a.tags });
        }
        const albSgId = a.sharedLoadBalancer?.securityGroupId ?? albSg!.id;
        const taskSg = sg(`${name}-task-sg`, "ecs-ship tasks: only from the load balancer");
        // The ALB only ever connects to the tasks, for requests and health checks.
        new aws.vpc.SecurityGroupEgressRule(`${name}-alb-to-task`, { ...rule, securityGroupId: albSgId, fromPort: a.port, toPort: a.port, referencedSecurityGroupId: taskSg.id }, { parent: this });
        new aws.vpc.SecurityGroupIngressRule(`${name}-task-from-alb`, { ...rule, securityGroupId: taskSg.id, fromPort: a.port, toPort: a.port, referencedSecurityGroupId: albSgId }, { parent: this });
        // Egress stays open: without VPC endpoints (about $7.30/month each per AZ), a task reaches
        // ECR, CloudWatch Logs, Secrets Manager and the app's own dependencies over the internet.
        const taskEgress = new aws.vpc.SecurityGroupEgressRule(`${name}-task-egress`, { securityGroupId: taskSg.id, ipProtocol: "-1", cidrIpv4: ANYWHERE_IPV4, tags: a.tags }, { parent: this });
        return { albSg, taskSg, taskEgress };
    }

    private createTaskDefinition(
        name: string,
        a: ResolvedFargateServiceArgs,
        logGroup: aws.cloudwatch.LogGroup,
        roles: { executionRole: aws.iam.Role; taskRole?: aws.iam.Role },
    ): aws.ecs.TaskDefinition {
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const sidecarLogs = createSidecarLogGroups(this, name, a.sidecars, a.logRetentionDays, a.tags);
        const sidecars = sidecarContainers(a.sidecars, { containerName: CONTAINER_NAME, serviceName: CONTAINER_NAME, port: a.port },
            Object.fromEntries(Object.entries(sidecarLogs).map(([k, g]) => [k, g.name])), region);
        const containerDefinitions = pulumi.jsonStringify([{
            name: CONTAINER_NAME,
            image: a.image,
            essential: true,
            command: a.command,
            portMappings: [{ containerPort: a.port, protocol: "tcp" }],
            environment: containerEnvironment(a.environment),
            secrets: containerSecrets(a.secrets),
            stopTimeout: STOP_TIMEOUT,
            logConfiguration: {
                logDriver: "awslogs",
                options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": CONTAINER_NAME },
            },
        }, ...sidecars]);
        return new aws.ecs.TaskDefinition(`${name}-td`, {
            ...fargateTaskPlatform({ family: name, cpu: a.cpu, memory: a.memory, architecture: a.architecture }),
            executionRoleArn: roles.executionRole.arn,
            taskRoleArn: roles.taskRole?.arn,
            containerDefinitions,
            tags: a.tags,
        }, { parent: this });
    }

    private createScaling(name: string, a: ResolvedFargateServiceArgs, service: aws.ecs.Service, albArnSuffix: pulumi.Output<string>, tg: aws.lb.TargetGroup): void {
        const target = new aws.appautoscaling.Target(`${name}-scaling`, {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${a.clusterName}/${service.name}`,
            minCapacity: a.scaling.min,
            maxCapacity: a.scaling.max,
            tags: a.tags,
        }, { parent: this });
        const label: pulumi.Output<string | undefined> = a.scaling.metric === "requests"
            ? pulumi.all([albArnSuffix, tg.arnSuffix]).apply(([l, t]) => requestCountLabel(l, t))
            : pulumi.output(undefined);
        new aws.appautoscaling.Policy(`${name}-scale-${a.scaling.metric}`, {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: label.apply((l: string | undefined) => targetTracking(a.scaling.metric, a.scaling.target, l)),
        }, { parent: this });
    }
}
