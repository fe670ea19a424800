// The provider calls of Elastic Load Balancing: load balancers, target groups, listeners, rules and
// listener certificates (Fargate).
// One family of the table in index.ts; each row names its source.
import type { ProviderCall } from "./shared";
import { any, LB, lbOfListener, LISTENER, LISTENER_CERT, listenerOf, own, row, RULE, SAR, TF, TG } from "./shared";

export const LOAD_BALANCER_CALLS: ProviderCall[] = [
    // ---- Load balancer, target group, listeners (Fargate) ----
    ...row(LB, "create", ["elasticloadbalancing:CreateLoadBalancer"], own, `${TF}/elbv2/load_balancer.go (CreateLoadBalancer with Tags)`, { requestTags: true }),
    ...row(LB, "create", ["elasticloadbalancing:AddTags"], own, `${TF}/elbv2/load_balancer.go; Elastic Load Balancing User Guide, "Tag resources on creation" (elasticloadbalancing:CreateAction)`, { requestTags: true, context: () => ({ "elasticloadbalancing:CreateAction": "CreateLoadBalancer" }) }),
    ...row(LB, "create", ["elasticloadbalancing:ModifyLoadBalancerAttributes"], own, `${TF}/elbv2/load_balancer.go (modifyLoadBalancerAttributes: drop_invalid_header_fields)`),
    ...row(LB, "read", ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTags"], any, `${TF}/elbv2/load_balancer.go (read; ${SAR}: Describe* have no resource type)`),
    ...row(LB, "update", ["elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:RemoveTags"], own, `${TF}/elbv2/load_balancer.go (resourceLoadBalancerUpdate)`),
    ...row(LB, "update", ["elasticloadbalancing:AddTags"], own, `${TF}/elbv2/load_balancer.go (tags)`, { requestTags: true }),
    ...row(LB, "delete", ["elasticloadbalancing:DeleteLoadBalancer"], own, `${TF}/elbv2/load_balancer.go (DeleteLoadBalancer)`),
    ...row(TG, "create", ["elasticloadbalancing:CreateTargetGroup"], own, `${TF}/elbv2/target_group.go (CreateTargetGroup with Tags)`, { requestTags: true }),
    ...row(TG, "create", ["elasticloadbalancing:AddTags"], own, `${TF}/elbv2/target_group.go; Elastic Load Balancing User Guide, "Tag resources on creation"`, { requestTags: true, context: () => ({ "elasticloadbalancing:CreateAction": "CreateTargetGroup" }) }),
    ...row(TG, "create", ["elasticloadbalancing:ModifyTargetGroupAttributes"], own, `${TF}/elbv2/target_group.go (deregistration_delay)`),
    ...row(TG, "read", ["elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth"], any, `${TF}/elbv2/target_group.go (read)`),
    ...row(TG, "update", ["elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes"], own, `${TF}/elbv2/target_group.go (resourceTargetGroupUpdate)`),
    ...row(TG, "delete", ["elasticloadbalancing:DeleteTargetGroup"], own, `${TF}/elbv2/target_group.go (DeleteTargetGroup)`),
    ...row(LISTENER, "create", ["elasticloadbalancing:CreateListener"], lbOfListener, `${TF}/elbv2/listener.go (CreateListener; ${SAR}: authorized on the load balancer)`, { requestTags: true }),
    ...row(LISTENER, "create", ["elasticloadbalancing:AddTags"], own, `${TF}/elbv2/listener.go; Elastic Load Balancing User Guide, "Tag resources on creation"`, { requestTags: true, context: () => ({ "elasticloadbalancing:CreateAction": "CreateListener" }) }),
    ...row(LISTENER, "read", ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes"], any, `${TF}/elbv2/listener.go (read)`),
    ...row(LISTENER, "update", ["elasticloadbalancing:ModifyListener"], own, `${TF}/elbv2/listener.go (ModifyListener)`),
    ...row(LISTENER, "delete", ["elasticloadbalancing:DeleteListener"], own, `${TF}/elbv2/listener.go (DeleteListener)`),

    ...row(RULE, "create", ["elasticloadbalancing:CreateRule"], listenerOf, `${TF}/elbv2/listener_rule.go (CreateRule with Tags; ${SAR}: authorized on the listener)`, { requestTags: true }),
    ...row(RULE, "create", ["elasticloadbalancing:AddTags"], own, `${TF}/elbv2/listener_rule.go; Elastic Load Balancing User Guide, "Tag resources on creation"`, { requestTags: true, context: () => ({ "elasticloadbalancing:CreateAction": "CreateRule" }) }),
    ...row(RULE, "read", ["elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"], any, `${TF}/elbv2/listener_rule.go (read; ${SAR}: Describe* have no resource type)`),
    ...row(RULE, "update", ["elasticloadbalancing:ModifyRule", "elasticloadbalancing:RemoveTags"], own, `${TF}/elbv2/listener_rule.go (resourceListenerRuleUpdate: actions, conditions, tags)`),
    // The traffic-shift rules on a service's own ALB have constant priorities (components/fargate/trafficShift.ts,
    // OWN_RULE_PRIORITY), so the provider never moves them; only the shared ALB's rules change priority.
    ...row(RULE, "update", ["elasticloadbalancing:SetRulePriorities"], own, `${TF}/elbv2/listener_rule.go (resourceListenerRuleUpdate: priority, SetRulePriorities)`, { where: (r) => !/-(prod|test)-rule$/.test(r.name) }),
    ...row(RULE, "update", ["elasticloadbalancing:AddTags"], own, `${TF}/elbv2/listener_rule.go (tags)`, { requestTags: true }),
    ...row(RULE, "delete", ["elasticloadbalancing:DeleteRule"], own, `${TF}/elbv2/listener_rule.go (DeleteRule)`),
    ...row(LISTENER_CERT, "create", ["elasticloadbalancing:AddListenerCertificates"], listenerOf, `${TF}/elbv2/listener_certificate.go (AddListenerCertificates; ${SAR}: on the listener)`),
    ...row(LISTENER_CERT, "read", ["elasticloadbalancing:DescribeListenerCertificates"], any, `${TF}/elbv2/listener_certificate.go (read)`),
    ...row(LISTENER_CERT, "delete", ["elasticloadbalancing:RemoveListenerCertificates"], listenerOf, `${TF}/elbv2/listener_certificate.go (RemoveListenerCertificates)`),
];
