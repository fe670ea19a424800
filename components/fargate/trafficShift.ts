// The load-balancer side of a canary, linear or blue/green Fargate service: the alternate target
// group, the production (and test) listener rules ECS moves traffic between, and the ECS
// infrastructure role for load balancers that lets ECS change exactly those rules and register
// tasks in exactly those target groups. Rolling services create none of this.
//
// Source for what ECS needs: Amazon ECS Developer Guide, "Application Load Balancer resources for
// blue/green, linear, and canary deployments" (two target groups, a production listener rule, an
// optional test listener rule) and "Amazon ECS infrastructure IAM role for load balancers"; the
// service's `loadBalancers[].advancedConfiguration` (alternateTargetGroupArn, productionListenerRule,
// testListenerRule, roleArn): @pulumi/aws 7.48 types/input.d.ts ServiceLoadBalancerAdvancedConfiguration,
// Terraform AWS provider internal/service/ecs/service.go (`advanced_configuration`: alternate target
// group, production rule and role required, test rule optional).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AUTONAME_SUFFIX_LENGTH, NAME_LIMITS, fitName, roleLogicalName } from "../service/naming";
import { LoadBalancerSettings, createTargetGroup } from "./fargateLoadBalancer";
import { PassRoleGrant, serviceTrustPolicy } from "../service/serviceArgs";
import { ResolvedDeployment } from "./deploymentStrategy";

/** Own-ALB rule priorities: the test rule (by header) is evaluated before the production rule. */
export const OWN_RULE_PRIORITY = { test: 1, production: 10 } as const;

const CATCH_ALL = [{ pathPattern: { values: ["/*"] } }];
const NOT_FOUND = { type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" } };

/** AWS managed policy AmazonECSInfrastructureRolePolicyForLoadBalancers (AWS Managed Policy Reference Guide). */
export const LOAD_BALANCER_INFRASTRUCTURE_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers";

/** The ELB read calls ECS makes with the role (no resource type: Service Authorization Reference for Elastic Load Balancing V2). */
export const SHIFT_DESCRIBE_ACTIONS = ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"];
/** What ECS does to the two target groups and the rules during a deployment. */
export const SHIFT_TARGET_ACTIONS = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"];
export const SHIFT_RULE_ACTIONS = ["elasticloadbalancing:ModifyRule"];

/**
 * The role's one policy: the actions of AWS managed policy AmazonECSInfrastructureRolePolicyForLoadBalancers
 * (AWS Managed Policy Reference Guide: ELB Describe* on *, Register/DeregisterTargets on target
 * groups, ModifyListener and ModifyRule on listeners and rules) narrowed to these target groups and
 * these rules. ModifyListener is left out: ECS shifts an Application Load Balancer by its rules;
 * a listener ARN stands in for a rule only on a Network Load Balancer (Amazon ECS API Reference,
 * AdvancedConfiguration, productionListenerRule).
 */
export function trafficShiftPolicy(targetGroupArns: string[], ruleArns: string[]) {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "Describe", Effect: "Allow", Action: SHIFT_DESCRIBE_ACTIONS, Resource: "*" },
            { Sid: "TargetGroups", Effect: "Allow", Action: SHIFT_TARGET_ACTIONS, Resource: [...targetGroupArns].sort() },
            { Sid: "Rules", Effect: "Allow", Action: SHIFT_RULE_ACTIONS, Resource: [...ruleArns].sort() },
        ],
    };
}

/**
 * Logical name of the alternate target group: `<component>-tg2` behind the service's own ALB,
 * `-stg2` behind the shared one (a target group serves one load balancer, so like the primary's
 * name, createTargetGroup, it changes when the service moves), shortened like elbLogicalName.
 */
export function alternateTargetGroupName(component: string, behind: "own" | "shared"): string {
    const drop = component.startsWith("ecs-ship-internal-") ? "" : "ecs-ship-";
    return fitName(component, behind === "own" ? "-tg2" : "-stg2", NAME_LIMITS.targetGroup - AUTONAME_SUFFIX_LENGTH, drop);
}

/**
 * A forward to both target groups. The production rule starts with all traffic on the primary,
 * the test rule with all on the alternate; ECS then sets the weights (both groups must be on the
 * rules: Amazon ECS Developer Guide, "Migrating from a CodeDeploy blue/green to an Amazon ECS
 * blue/green service deployment", target groups and listener rules).
 */
export function weightedForward(primary: pulumi.Input<string>, alternate: pulumi.Input<string>, toAlternate = false): aws.types.input.lb.ListenerRuleAction {
    return { type: "forward", forward: { targetGroups: [{ arn: primary, weight: toAlternate ? 0 : 100 }, { arn: alternate, weight: toAlternate ? 100 : 0 }] } };
}

/** Options of a rule whose forward weights ECS owns: `pulumi up` must not put them back. */
export const ECS_OWNS_WEIGHTS: pulumi.CustomResourceOptions = { ignoreChanges: ["actions"] };

export interface ShiftedFront {
    /** The service's `loadBalancers[0].advancedConfiguration`. */
    advancedConfiguration: aws.types.input.ecs.ServiceLoadBalancerAdvancedConfiguration;
    /** The role and its policy, rules and listeners the ECS service must wait for. */
    waitFor: pulumi.Resource[];
    passRoles: PassRoleGrant[];
    role: aws.iam.Role;
}

/** Creates the alternate target group (before the front, whose rules forward to both). */
export function createAlternateTargetGroup(parent: pulumi.Resource, name: string, a: LoadBalancerSettings, behind: "own" | "shared"): aws.lb.TargetGroup {
    return createTargetGroup(parent, name, a, behind, alternateTargetGroupName(name, behind));
}

export interface OwnListeners {
    albArn: pulumi.Input<string>;
    /** The listener production traffic arrives on: HTTPS with a certificate, else HTTP. */
    productionListenerArn: pulumi.Input<string>;
    albSecurityGroupId: pulumi.Input<string>;
    certificateArn?: pulumi.Input<string>;
    sslPolicy: string;
}

/**
 * On the service's own ALB: a catch-all production rule on the serving listener, and test traffic
 * as a header rule ahead of it, or as a listener of its own on `testTraffic.port` (opened in the
 * ALB's security group like 80 and 443).
 */
export function createOwnShiftRules(
    parent: pulumi.Resource, name: string, d: ResolvedDeployment, tg: aws.lb.TargetGroup, alt: aws.lb.TargetGroup, own: OwnListeners, tags?: Record<string, string>,
): { production: aws.lb.ListenerRule; test?: aws.lb.ListenerRule; waitFor: pulumi.Resource[] } {
    const opts = { parent, ...ECS_OWNS_WEIGHTS };
    const production = new aws.lb.ListenerRule(`${name}-prod-rule`, {
        listenerArn: own.productionListenerArn, priority: OWN_RULE_PRIORITY.production, conditions: CATCH_ALL, actions: [weightedForward(tg.arn, alt.arn)], tags,
    }, opts);
    const waitFor: pulumi.Resource[] = [production];
    let test: aws.lb.ListenerRule | undefined;
    const header = d.testTraffic?.header;
    if (header) {
        test = new aws.lb.ListenerRule(`${name}-test-rule`, {
            listenerArn: own.productionListenerArn, priority: OWN_RULE_PRIORITY.test,
            conditions: [{ httpHeader: { httpHeaderName: header.name, values: [header.value] } }], actions: [weightedForward(tg.arn, alt.arn, true)], tags,
        }, opts);
    } else if (d.testTraffic?.port !== undefined) {
        const port = d.testTraffic.port;
        const https = own.certificateArn !== undefined;
        const listener = new aws.lb.Listener(`${name}-test`, {
            loadBalancerArn: own.albArn, port, protocol: https ? "HTTPS" : "HTTP",
            certificateArn: own.certificateArn, sslPolicy: https ? own.sslPolicy : undefined, defaultActions: [NOT_FOUND], tags,
        }, { parent });
        for (const [v, cidr] of [["v4", { cidrIpv4: "0.0.0.0/0" }], ["v6", { cidrIpv6: "::/0" }]] as const) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-alb-${port}-${v}`, { ipProtocol: "tcp", securityGroupId: own.albSecurityGroupId, fromPort: port, toPort: port, ...cidr, tags }, { parent });
        }
        test = new aws.lb.ListenerRule(`${name}-test-rule`, {
            listenerArn: listener.arn, priority: OWN_RULE_PRIORITY.test, conditions: CATCH_ALL, actions: [weightedForward(tg.arn, alt.arn, true)], tags,
        }, opts);
        waitFor.push(listener);
    }
    if (test) waitFor.push(test);
    return { production, test, waitFor };
}

/**
 * The ECS infrastructure role for load balancers (`<component>-lb`): trusted by ecs.amazonaws.com
 * (Amazon ECS Developer Guide, "Amazon ECS infrastructure IAM role"), under the stack's boundary,
 * with AmazonECSInfrastructureRolePolicyForLoadBalancers attached; the boundary admits its writes only on
 * the stack's tagged target groups and rules.
 */
export function createShiftRole(
    parent: pulumi.Resource, name: string, tg: aws.lb.TargetGroup, alt: aws.lb.TargetGroup, rules: aws.lb.ListenerRule[],
    production: aws.lb.ListenerRule, test: aws.lb.ListenerRule | undefined, permissionsBoundary: pulumi.Input<string> | undefined, tags?: Record<string, string>,
): ShiftedFront {
    const role = new aws.iam.Role(roleLogicalName(name, "lb"), {
        description: `ECS infrastructure role of ${name}: shifts traffic between its two target groups on its listener rules`,
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ecs.amazonaws.com")),
        permissionsBoundary,
        tags,
    }, { parent });
    // The AWS managed policy, attached like the Express infrastructure role's: the deploy role writes no
    // inline policy (stackPolicies.ts), and the boundary's Shift statement holds the role to the stack's own
    // target groups and rules (permissionsBoundary.ts).
    const policy = new aws.iam.RolePolicyAttachment(`${name}-lb-managed`, { role: role.name, policyArn: LOAD_BALANCER_INFRASTRUCTURE_POLICY_ARN }, { parent });
    return {
        advancedConfiguration: { alternateTargetGroupArn: alt.arn, productionListenerRule: production.arn, testListenerRule: test?.arn, roleArn: role.arn },
        waitFor: [policy, ...rules],
        passRoles: [{ roleArn: role.arn, service: "ecs.amazonaws.com" }],
        role,
    };
}

/** What the service's front looked like, for attachShift. */
export interface FrontForShift {
    tg: aws.lb.TargetGroup;
    /** Own ALB: its listeners (HTTP, then HTTPS with a certificate). Shared: its rules, forwarding one first. */
    waitFor: pulumi.Resource[];
}

/**
 * The rules, role and advancedConfiguration of a shifting service, on its own ALB or on the shared
 * one. On the shared ALB the production rule is the service's forwarding rule (createSharedFront
 * puts it first); deploymentProblems has already refused what ECS could not shift there.
 */
export function attachShift(
    parent: pulumi.Resource, name: string, d: ResolvedDeployment, front: FrontForShift, alt: aws.lb.TargetGroup,
    o: { shared: boolean; albSecurityGroupId?: pulumi.Input<string>; certificateArn?: pulumi.Input<string>; sslPolicy: string; permissionsBoundary?: pulumi.Input<string>; tags?: Record<string, string> },
): ShiftedFront {
    if (o.shared) {
        const production = front.waitFor[0] as aws.lb.ListenerRule;
        return createShiftRole(parent, name, front.tg, alt, [production], production, undefined, o.permissionsBoundary, o.tags);
    }
    const listeners = front.waitFor as aws.lb.Listener[];
    const serving = listeners[listeners.length - 1];
    const rules = createOwnShiftRules(parent, name, d, front.tg, alt, {
        albArn: serving.loadBalancerArn, productionListenerArn: serving.arn, albSecurityGroupId: o.albSecurityGroupId!, certificateArn: o.certificateArn, sslPolicy: o.sslPolicy,
    }, o.tags);
    const shifted = createShiftRole(parent, name, front.tg, alt, [rules.production, ...(rules.test ? [rules.test] : [])], rules.production, rules.test, o.permissionsBoundary, o.tags);
    return { ...shifted, waitFor: [...shifted.waitFor, ...rules.waitFor] };
}
