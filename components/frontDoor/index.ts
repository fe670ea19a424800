// components/frontDoor: how requests reach a stack's Fargate services. The pure routing decisions
// (frontDoor.ts: one shared load balancer or one each, host and path rules, priorities), the public ALB
// with its security group and TLS policy (publicAlb.ts), the stack's SharedLoadBalancer
// (sharedLoadBalancer.ts), and custom domains: zone, certificate and alias record (customDomain.ts).
// May import: components/service.
//
// The face: what the package exports from this room. Other rooms import its files directly.
export * from "./sharedLoadBalancer";
export * from "./customDomain";
export { ALB_QUOTAS, PRIORITY_BANDS, priorityBand, routeOf, routesOf, ruleConditions, rulePriority, sharesLoadBalancer } from "./frontDoor";
export type { PriorityBand, Route } from "./frontDoor";
export { TLS_POLICY } from "./publicAlb";
