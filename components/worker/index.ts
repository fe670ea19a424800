// components/worker: WorkerService, a long-running ECS service on Fargate with no port and no load
// balancer (workerService.ts), and its pure settings: scaling per metric and argument checks
// (workerSettings.ts).
// May import: components/service, components/fargate.
//
// The face: what the package exports from this room. Other rooms import its files directly.
export * from "./workerService";
export { WORKER_METRICS, workerArgsProblems, workerTargetTracking } from "./workerSettings";
export type { WorkerMetric, WorkerScaling } from "./workerSettings";
