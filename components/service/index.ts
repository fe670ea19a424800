// components/service: what every workload shares. The one service contract both modes read
// (serviceArgs.ts) and its pure helpers, the physical names that always fit (naming.ts), the one
// error every component reports bad arguments with (argumentsError.ts), the roles and log group each
// service creates the same way (serviceRoles.ts), the platform and capacity every Fargate task and service
// writes the same way (fargateTask.ts), and the barrier that holds a destroy until an ECS
// service has drained (drainBarrier.ts).
// May import: nothing else in the repository (the bottom room).
//
// The face: what the package exports from this room. Other rooms import its files directly.
export * from "./serviceArgs";
export * from "./argumentsError";
