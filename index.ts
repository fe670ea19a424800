// This repository's Pulumi program: the same one line `npx ecs-ship init` writes into an app's repository.
import { ecsShip } from "./program"; export = ecsShip();
