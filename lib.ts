// ecs-ship as a package (`main` in package.json): the components, and ecsShip(), the whole program as
// one function that a project's index.ts calls. Importing it creates nothing and reads no configuration.
export * from "./components";
export { ecsShip } from "./program";
export type { EcsShipOutputs } from "./program";
