// The AWS API calls the provider makes for each resource ecs-ship creates, by phase, and the
// IAM action and resource ARN(s) each call is authorized on. Data, with a source per row:
// the Terraform AWS provider file the Pulumi AWS provider wraps, or AWS's documentation.
// test/iamSufficiency.test.ts replays every row against the deploy and preview roles of the
// dev and prod plans with a real IAM evaluator.
//
// Phases: `create`, `update` (including tags) and `delete` run as the deploy role (`pulumi
// up`, `pulumi destroy`); `read` runs as both roles (`pulumi refresh`, `pulumi preview`,
// and the reads inside every create and update); `push` is the image build and push;
// `verify` is the post-deploy gate (tools/verify/verifyGate.ts), run with the deploy role.
//
// One file per service family (scheduler.ts, iam.ts, ecr.ts, logs.ts, ecs.ts, elb.ts, alarms.ts, dns.ts,
// ec2.ts, autoscaling.ts) over what they share (shared.ts); this file puts the table together in order.
import type { PlannedResource, ProviderCall } from "./shared";
import { EXPRESS, RECORD, SERVICE } from "./shared";
import { SCHEDULER_CALLS } from "./scheduler";
import { IAM_CALLS } from "./iam";
import { ECR_CALLS } from "./ecr";
import { LOG_CALLS } from "./logs";
import { CLUSTER_CALLS, TASK_DEFINITION_CALLS, SERVICE_CALLS, EXPRESS_CALLS, RELEASE_CALLS, VERIFY_CALLS } from "./ecs";
import { LOAD_BALANCER_CALLS } from "./elb";
import { ALARM_CALLS } from "./alarms";
import { DOMAIN_CALLS } from "./dns";
import { SECURITY_GROUP_CALLS, LOOKUP_CALLS } from "./ec2";
import { AUTOSCALING_CALLS } from "./autoscaling";

export type { CallScope, Phase, PlannedResource, ProviderCall } from "./shared";

export const PROVIDER_CALLS: ProviderCall[] = [
    ...SCHEDULER_CALLS,
    ...IAM_CALLS,
    ...ECR_CALLS,
    ...LOG_CALLS,
    ...CLUSTER_CALLS,
    ...TASK_DEFINITION_CALLS,
    ...SERVICE_CALLS,
    ...EXPRESS_CALLS,
    ...LOAD_BALANCER_CALLS,
    ...ALARM_CALLS,
    ...DOMAIN_CALLS,
    ...SECURITY_GROUP_CALLS,
    ...AUTOSCALING_CALLS,
    ...RELEASE_CALLS,
    ...LOOKUP_CALLS,
    ...VERIFY_CALLS,
];

/** Which planned resources a row applies to: its type, or the pseudo types. */
export function resourcesFor(call: ProviderCall, resources: PlannedResource[]): PlannedResource[] {
    const pick = (type: string) => resources.filter((r) => r.type === type);
    const targets = call.type === "lookup" ? [resources[0]]
        : call.type === "verify" ? [...pick(SERVICE), ...pick(EXPRESS)]
        : call.type === "verify-express" ? pick(EXPRESS)
        // One lookup per domain: its alias record names the zone the lookup found.
        : call.type === "lookup-zone" ? pick(RECORD).filter((r) => r.inputs.aliases)
        : pick(call.type);
    return targets.filter((r) => r !== undefined && (call.where ? call.where(r) : true));
}

