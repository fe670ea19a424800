// ecs-ship as a library: the components and the types and helpers their arguments use.
// Importing this module creates nothing and reads no configuration; the program that
// `pulumi up` runs in this repository is index.ts, which composes these same components.
//
// One face per room (each folder's index.ts says what lives there and what it may import);
// components/limits and components/cost serve the plan and are not part of the package's API.
export * from "./service";
export * from "./release";
export * from "./registry";
export * from "./network";
export * from "./frontDoor";
export * from "./fargate";
export * from "./express";
export * from "./worker";
export * from "./jobs";
export * from "./trust";
