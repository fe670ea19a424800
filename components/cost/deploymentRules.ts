// Pricing of a release under a canary, linear or blue/green strategy: ECS starts a full second set
// of tasks (the green revision) before any traffic moves and stops the old set only after the bake,
// so for the length of every release the service runs twice its tasks. Source: Amazon ECS Developer
// Guide, "Amazon ECS blue/green deployments" (the green revision is scaled up in SCALE_UP, the blue
// one terminated after BAKE_TIME), and the same lifecycle for canary and linear deployments.
// Rolling deployments replace tasks within minutes and are not priced here.
import { READY_MINUTES, plannedDeployment, shiftsTraffic, waitMinutes } from "../fargate/deploymentStrategy";
import { LineItem, PlanResource, Pricer, round } from "./estimate";

/**
 * The extra Fargate hours of the second revision: deploysPerMonth × (start and health + the strategy's
 * designed waits). `items(fraction, why)` prices the service's tasks for `fraction` of the month.
 */
export function deploymentItems(svc: PlanResource, p: Pricer, items: (fractionOfMonth: number, why: string) => LineItem[]): LineItem[] {
    const d = plannedDeployment(svc.inputs.deploymentConfiguration);
    if (!shiftsTraffic(d) || p.a.deploysPerMonth === 0) return [];
    const minutes = READY_MINUTES + waitMinutes(d);
    const hours = (p.a.deploysPerMonth * minutes) / 60;
    const why = `${d.strategy} releases run a second set of tasks: assumption deploysPerMonth ${p.a.deploysPerMonth} × ${minutes} min (${READY_MINUTES} to start + ${waitMinutes(d)} of bakes) = ${round(hours, 1)} h of ${p.a.hoursPerMonth}`;
    return items(hours / p.a.hoursPerMonth, why).map((x) => ({ ...x, item: `${x.item}, second revision during releases` }));
}
