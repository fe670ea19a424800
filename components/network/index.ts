// components/network: StackNetwork, where a stack's load balancers and tasks live (the default VPC, given
// subnets, or a VPC it creates), resolved once per stack, and the load balancer's choice of two subnets
// in two zones (network.ts).
// May import: components/service.
//
// The face: what the package exports from this room. Other rooms import its files directly.
export * from "./network";
