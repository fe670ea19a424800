// components/registry: where images live. ContainerRegistry, the stack's ECR repository per built
// service, with its build and push (containerRegistry.ts), and its pure pieces: the lifecycle policy,
// image naming and reference checks (registryPolicies.ts).
// May import: components/service, components/trust (the IAM document shapes of the pull grant).
//
// The face: what the package exports from this room. Other rooms import its files directly.
export * from "./containerRegistry";
export { DIGEST_REF, ECR_REPOSITORY_NAME, IMAGE_TAG, lifecyclePolicy } from "./registryPolicies";
