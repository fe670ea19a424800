// The load-balancer side of a FargateService: its target group, and either its own ALB with
// listeners, or listener rules on the stack's shared ALB (components/frontDoor/sharedLoadBalancer.ts).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { elbLogicalName } from "../service/naming";
import { HEALTH_CHECK } from "./fargateSettings";
import { TLS_POLICY, publicAlb } from "../frontDoor/publicAlb";
import { Route, ruleConditions } from "../frontDoor/frontDoor";
import { SharedListener } from "../frontDoor/sharedLoadBalancer";

/** What the target group and listeners read from the service's resolved arguments. */
export interface LoadBalancerSettings {
    port: number;
    healthCheckPath: string;
    deregistrationDelay: number;
    vpcId: pulumi.Input<string>;
    albSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    certificateArn?: pulumi.Input<string>;
    tags?: Record<string, string>;
}

/** How a service with a deployment strategy forwards on the shared ALB (components/fargate/trafficShift.ts). */
export interface SharedShift {
    forward(tg: aws.lb.TargetGroup): aws.types.input.lb.ListenerRuleAction;
    ruleOptions: pulumi.CustomResourceOptions;
}

/** The front of one service: where it is reached and what its ECS service must wait for. */
export interface ServiceFront {
    tg: aws.lb.TargetGroup;
    /** The ALB's ARN suffix, for the requests-per-target scaling label. */
    albArnSuffix: pulumi.Output<string>;
    dnsName: pulumi.Output<string>;
    zoneId: pulumi.Output<string>;
    /** Listeners and rules the ECS service depends on. */
    waitFor: pulumi.Resource[];
    /** The service's own load balancer's listeners (none behind the shared one). */
    listeners: aws.lb.Listener[];
    /** The service's rules on the shared load balancer's listeners (none with a load balancer of its own). */
    rules: aws.lb.ListenerRule[];
}

const HTTPS_REDIRECT = { type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } };

/**
 * The service's target group. Its logical name says which load balancer it serves: `-tg` behind the
 * service's own ALB, `-stg` behind the shared one. A target group serves one load balancer only
 * (Elastic Load Balancing User Guide, "Quotas for your Application Load Balancers", load balancers per
 * target group: 1, not adjustable; AWS answers TargetGroupAssociationLimit). When a second Fargate service moves the first onto the shared load
 * balancer (or back), the engine creates and updates first and deletes last, so a target group that
 * kept its identity would be put behind the new load balancer's listener or rule while the old one's
 * still forwards to it. Under a new logical name a new target group (with a new generated physical
 * name) is created for the new load balancer instead, the ECS service is updated to it in place (its
 * `load_balancer` is not ForceNew, and UpdateService sends the new set: Terraform AWS provider,
 * internal/service/ecs/service.go, schema and resourceServiceUpdate), and the old listener and
 * target group are deleted at the end.
 */
export function createTargetGroup(parent: pulumi.Resource, name: string, a: LoadBalancerSettings, behind: "own" | "shared", logicalName = elbLogicalName(name, behind === "own" ? "tg" : "stg")): aws.lb.TargetGroup {
    return new aws.lb.TargetGroup(logicalName, {
        port: a.port,
        protocol: "HTTP",
        targetType: "ip", // awsvpc tasks register by IP
        vpcId: a.vpcId,
        deregistrationDelay: a.deregistrationDelay, // AWS default 300 s; see fargateSettings.ts
        healthCheck: {
            enabled: true,
            path: a.healthCheckPath,
            protocol: "HTTP",
            port: "traffic-port",
            interval: HEALTH_CHECK.interval, // AWS default 30
            timeout: HEALTH_CHECK.timeout, // AWS default 5
            healthyThreshold: HEALTH_CHECK.healthyThreshold, // AWS default 5
            unhealthyThreshold: HEALTH_CHECK.unhealthyThreshold, // AWS default 2
            matcher: HEALTH_CHECK.matcher, // AWS default 200
        },
        tags: a.tags,
    }, { parent });
}

/** The service's own ALB: HTTP on 80 (a redirect when there is a certificate) and HTTPS on 443. */
export function createOwnFront(parent: pulumi.Resource, name: string, a: LoadBalancerSettings, albSg: aws.ec2.SecurityGroup): ServiceFront {
    const alb = publicAlb(parent, name, { securityGroupId: albSg.id, subnetIds: a.albSubnetIds, tags: a.tags });
    const tg = createTargetGroup(parent, name, a, "own");
    const forward = [{ type: "forward", targetGroupArn: tg.arn }];
    const listeners: aws.lb.Listener[] = [new aws.lb.Listener(`${name}-http`, {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: a.certificateArn ? [HTTPS_REDIRECT] : forward,
        tags: a.tags,
    }, { parent })];
    if (a.certificateArn) {
        listeners.push(new aws.lb.Listener(`${name}-https`, {
            loadBalancerArn: alb.arn,
            port: 443,
            protocol: "HTTPS",
            certificateArn: a.certificateArn,
            sslPolicy: TLS_POLICY,
            defaultActions: forward,
            tags: a.tags,
        }, { parent }));
    }
    return { tg, albArnSuffix: alb.arnSuffix, dnsName: alb.dnsName, zoneId: alb.zoneId, waitFor: listeners, listeners, rules: [] };
}

/**
 * Logical name of a rule on the shared load balancer: its listener and priority,
 * `<shared>-<http|https>-rule-<priority>`, not the service it serves. Priorities are unique per listener,
 * and AWS refuses a rule at a priority another rule holds (PriorityInUse, Elastic Load Balancing API
 * Reference, CreateRule and SetRulePriorities). The engine creates and updates before it deletes, so a
 * rule named after its service would be created at the priority the old rule still holds whenever a
 * service with an explicit `priority` is renamed, or when removing a service hands its derived number
 * to another. The provider only retries a create without a priority (Terraform AWS provider,
 * internal/service/elbv2/listener_rule.go, retryListenerRuleCreate: with `priority` set it calls
 * CreateRule once). Keyed by priority, the rule that holds a number keeps holding it: whichever service
 * takes the number next updates its conditions and actions in place (ModifyRule), and a rule is only
 * created at a number no rule held before the update.
 */
export function sharedRuleName(shared: string, listener: "http" | "https", priority: number): string {
    return `${shared}-${listener}-rule-${priority}`;
}

/**
 * Rules on the shared ALB at the service's own priority: a forward rule on HTTPS and a redirect on
 * HTTP when the service serves HTTPS, else a forward rule on HTTP, and on HTTPS too when another
 * service's certificate put an HTTPS listener there (without it, this service's requests on 443 would
 * fall to another service's broader rule). Each rule is named after its listener and priority
 * (sharedRuleName). In the provider a rule's `listener_arn` is ForceNew and its `priority`, actions and
 * conditions change in place (internal/service/elbv2/listener_rule.go, schema and
 * resourceListenerRuleUpdate); with the priority in the name a rule's priority never changes, and the
 * listeners change only if the shared load balancer itself is replaced. The alias keeps the rules of
 * stacks planned before this naming (`<service>-http-rule`, `-https-rule`): they become the new names
 * in place instead of a new rule at the priority they hold.
 */
export function createSharedFront(
    parent: pulumi.Resource, name: string, a: LoadBalancerSettings, shared: SharedListener, route: Route, https: boolean, shift?: SharedShift,
): ServiceFront {
    const tg = createTargetGroup(parent, name, a, "shared");
    const conditions = ruleConditions(route);
    // With a deployment strategy, ECS owns the forward's weights (components/fargate/trafficShift.ts).
    const forward = shift ? shift.forward(tg) : { type: "forward", targetGroupArn: tg.arn };
    const rule = (listener: "http" | "https", listenerArn: pulumi.Input<string>, action: aws.types.input.lb.ListenerRuleAction) =>
        new aws.lb.ListenerRule(sharedRuleName(shared.name, listener, route.priority), { listenerArn, priority: route.priority, conditions, actions: [action], tags: a.tags }, {
            parent, dependsOn: shared.listeners, aliases: [{ name: `${name}-${listener}-rule` }], ...(shift && action === forward ? shift.ruleOptions : {}),
        });
    const rules = https
        ? [rule("https", shared.httpsListenerArn!, forward), rule("http", shared.httpListenerArn, HTTPS_REDIRECT)]
        : [rule("http", shared.httpListenerArn, forward), ...(shared.httpsListenerArn ? [rule("https", shared.httpsListenerArn, forward)] : [])];
    return { tg, albArnSuffix: shared.arnSuffix, dnsName: shared.dnsName, zoneId: shared.zoneId, waitFor: rules, listeners: [], rules };
}
