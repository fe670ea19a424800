// components/express: ECS Express Mode. ExpressService, one Express gateway service with its roles
// (expressService.ts), and the pure pieces that exist because of how the provider updates and
// replaces one (expressLifecycle.ts).
// May import: components/service, components/release.
//
// The face: what the package exports from this room. Other rooms import its files directly.
export * from "./expressService";
