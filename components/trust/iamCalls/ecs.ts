// The provider calls of Amazon ECS: the cluster, task definitions, Fargate and Express services, release
// tasks, and the verify gate's reads.
// One family of the table in index.ts; each row names its source.
import type { CallScope, PlannedResource, ProviderCall } from "./shared";
import {
    any, byArn, byName, CAPACITY, CLUSTER, clusterArnOf, deploymentArn, ecsServiceArn, EXPRESS, own, passRoleRows,
    RELEASE, releaseTaskArn, row, SAR, SERVICE, shiftRoleOf, TASKDEF, TF,
} from "./shared";

export const CLUSTER_CALLS: ProviderCall[] = [
    // ---- ECS cluster and capacity providers ----
    ...row(CLUSTER, "create", ["ecs:CreateCluster"], own, `${TF}/ecs/cluster.go (CreateCluster with Tags)`, { requestTags: true }),
    ...row(CLUSTER, "create", ["ecs:TagResource"], own, `${TF}/ecs/cluster.go; Amazon ECS Developer Guide, "Grant permission to tag resources on creation" (ecs:CreateAction)`, { requestTags: true, context: () => ({ "ecs:CreateAction": "CreateCluster" }) }),
    ...row(CLUSTER, "read", ["ecs:DescribeClusters", "ecs:ListTagsForResource"], own, `${TF}/ecs/cluster.go (resourceClusterRead)`),
    ...row(CLUSTER, "update", ["ecs:UpdateCluster", "ecs:UntagResource"], own, `${TF}/ecs/cluster.go (resourceClusterUpdate)`),
    ...row(CLUSTER, "delete", ["ecs:DeleteCluster"], own, `${TF}/ecs/cluster.go (DeleteCluster)`),
    ...row(CAPACITY, "create", ["ecs:PutClusterCapacityProviders"], (r, s) => [String(byName(s, CLUSTER, r.inputs.clusterName)!.state.arn)], `${TF}/ecs/cluster_capacity_providers.go (PutClusterCapacityProviders)`),
    ...row(CAPACITY, "read", ["ecs:DescribeClusters"], (r, s) => [String(byName(s, CLUSTER, r.inputs.clusterName)!.state.arn)], `${TF}/ecs/cluster_capacity_providers.go (DescribeClusters)`),
    ...row(CAPACITY, "delete", ["ecs:PutClusterCapacityProviders"], (r, s) => [String(byName(s, CLUSTER, r.inputs.clusterName)!.state.arn)], `${TF}/ecs/cluster_capacity_providers.go (delete: empty list)`),
];

export const TASK_DEFINITION_CALLS: ProviderCall[] = [
    // ---- ECS task definition (Fargate) ----
    ...row(TASKDEF, "create", ["ecs:RegisterTaskDefinition"], own, `${TF}/ecs/task_definition.go (RegisterTaskDefinition with Tags)`, { requestTags: true }),
    ...row(TASKDEF, "create", ["ecs:TagResource"], own, `${TF}/ecs/task_definition.go; Amazon ECS Developer Guide, "Grant permission to tag resources on creation"`, { requestTags: true, context: () => ({ "ecs:CreateAction": "RegisterTaskDefinition" }) }),
    ...passRoleRows(TASKDEF, ["executionRoleArn", "taskRoleArn"], `${TF}/ecs/task_definition.go (execution and task role); Amazon ECS Developer Guide, "Task execution IAM role"`),
    ...row(TASKDEF, "read", ["ecs:DescribeTaskDefinition"], any, `${TF}/ecs/task_definition.go (DescribeTaskDefinition; ${SAR}: no resource type)`),
    ...row(TASKDEF, "read", ["ecs:ListTagsForResource"], own, `${TF}/ecs/task_definition.go (tags)`),
    ...row(TASKDEF, "delete", ["ecs:DeregisterTaskDefinition"], any, `${TF}/ecs/task_definition.go (DeregisterTaskDefinition; ${SAR}: no resource type)`),
];

export const SERVICE_CALLS: ProviderCall[] = [
    // ---- ECS service (Fargate) ----
    ...row(SERVICE, "create", ["ecs:CreateService"], own, `${TF}/ecs/service.go (CreateService with Tags)`, { requestTags: true }),
    ...row(SERVICE, "create", ["ecs:TagResource"], own, `${TF}/ecs/service.go; Amazon ECS Developer Guide, "Grant permission to tag resources on creation"`, { requestTags: true, context: () => ({ "ecs:CreateAction": "CreateService" }) }),
    // A canary, linear or blue/green service passes its load-balancer role (components/fargate/trafficShift.ts) to ECS.
    {
        type: SERVICE, phase: "create", action: "iam:PassRole",
        where: (r) => typeof shiftRoleOf(r) === "string",
        arns: (r) => [String(shiftRoleOf(r))],
        context: () => ({ "iam:PassedToService": "ecs.amazonaws.com" }),
        source: `${TF}/ecs/service.go (load_balancer.advanced_configuration.role_arn); Amazon ECS Developer Guide, "Amazon ECS infrastructure IAM role for load balancers"`,
    },
    ...row(SERVICE, "read", ["ecs:DescribeServices", "ecs:ListTagsForResource"], own, `${TF}/ecs/service.go (resourceServiceRead, waitServiceStable)`),
    ...row(SERVICE, "update", ["ecs:UpdateService", "ecs:UntagResource", "ecs:ListServiceDeployments"], own, `${TF}/ecs/service.go (resourceServiceUpdate; wait for steady state lists deployments)`),
    ...row(SERVICE, "update", ["ecs:TagResource"], own, `${TF}/ecs/service.go (tags)`, { requestTags: true }),
    ...row(SERVICE, "update", ["ecs:DescribeServiceDeployments"], (r) => [ecsServiceArn(r), deploymentArn(ecsServiceArn(r))], `${TF}/ecs/service.go (wait for steady state); ${SAR}: service and service-deployment both required`),
    ...row(SERVICE, "delete", ["ecs:UpdateService", "ecs:DeleteService", "ecs:DescribeServices"], own, `${TF}/ecs/service.go (resourceServiceDelete: scale to 0, delete, wait inactive)`),
];

export const EXPRESS_CALLS: ProviderCall[] = [
    // ---- ECS Express service ----
    ...row(EXPRESS, "create", ["ecs:CreateExpressGatewayService"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go (retryExpressGatewayServiceCreate)`, { requestTags: true }),
    ...row(EXPRESS, "create", ["ecs:TagResource"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go; Amazon ECS Developer Guide, "Grant permission to tag resources on creation"`, { requestTags: true, context: () => ({ "ecs:CreateAction": "CreateExpressGatewayService" }) }),
    ...row(EXPRESS, "create", ["ecs:DescribeServices"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go (checkExpressGatewayServiceExists)`),
    ...passRoleRows(EXPRESS, ["executionRoleArn", "taskRoleArn", "infrastructureRoleArn"], `${TF}/ecs/express_gateway_service.go (execution, task, infrastructure roles); Amazon ECS Developer Guide, "Amazon ECS infrastructure IAM role"`),
    ...row(EXPRESS, "read", ["ecs:DescribeExpressGatewayService", "ecs:ListServiceDeployments"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go (findExpressGatewayService, statusExpressGatewayServiceWaitForStable)`),
    ...row(EXPRESS, "read", ["ecs:DescribeServiceDeployments"], (r) => [ecsServiceArn(r), deploymentArn(ecsServiceArn(r))], `${TF}/ecs/express_gateway_service.go (findDeploymentStatus); ${SAR}: service and service-deployment both required`),
    ...row(EXPRESS, "update", ["ecs:UpdateExpressGatewayService", "ecs:UntagResource"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go (retryExpressGatewayServiceUpdate)`),
    ...row(EXPRESS, "update", ["ecs:TagResource"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go (tags)`, { requestTags: true }),
    ...row(EXPRESS, "delete", ["ecs:DeleteExpressGatewayService", "ecs:DescribeExpressGatewayService"], (r) => [ecsServiceArn(r)], `${TF}/ecs/express_gateway_service.go (Delete, waitExpressGatewayServiceInactive)`),
];

export const RELEASE_CALLS: ProviderCall[] = [
    // ---- Release tasks (components/release/releaseRunner.ts), run by the deploy role on create and on update ----
    ...(["create", "update"] as const).flatMap((phase) => [
        ...row(RELEASE, phase, ["ecs:RunTask"], (r) => [String(r.inputs.taskDefinitionArn)], `components/release/releaseRunner.ts runRelease; Amazon ECS API Reference, RunTask; ${SAR}: task-definition resource, ecs:cluster`, { context: (r, s) => ({ "ecs:cluster": clusterArnOf(r, s) }) }),
        ...(["executionRoleArn", "taskRoleArn"] as const).map((key) => ({
            type: RELEASE, phase, action: "iam:PassRole",
            where: (r: PlannedResource) => r.inputs.taskDefinitionArn !== undefined,
            arns: (r: PlannedResource, s: CallScope) => { const td = byArn(s, String(r.inputs.taskDefinitionArn)); return td?.inputs[key] ? [String(td.inputs[key])] : []; },
            context: () => ({ "iam:PassedToService": "ecs-tasks.amazonaws.com" }),
            source: "components/release/releaseRunner.ts runRelease; Amazon ECS API Reference, RunTask, and Amazon ECS Developer Guide, \"Task execution IAM role\" and \"Task IAM role\" (starting a task passes its task definition's roles)",
        })),
        ...row(RELEASE, phase, ["ecs:DescribeTasks", "ecs:StopTask"], (r, s) => [releaseTaskArn(r, s)], `components/release/releaseRunner.ts runRelease (wait; StopTask on timeout); ${SAR}: task resource`),
        ...row(RELEASE, phase, ["logs:GetLogEvents"], (r, s) => [`arn:${s.partition}:logs:${s.region}:${s.accountId}:log-group:${r.inputs.logGroup}:log-stream:${r.inputs.logStreamPrefix}/${r.inputs.containerName}/0f1e2d3c4b5a69788796a5b4c3d2e1f0`], `components/release/releaseRunner.ts readLogTail; Amazon CloudWatch Logs API Reference, GetLogEvents; ${SAR}: log-stream resource`),
    ]),
];

export const VERIFY_CALLS: ProviderCall[] = [
    // ---- The verify gate (tools/verify/verifyGate.ts) ----
    ...row("verify", "verify", ["ecs:ListServiceDeployments"], (r) => [ecsServiceArn(r)], "tools/verify/verifyGate.ts checkRollout; Amazon ECS API Reference, ListServiceDeployments"),
    ...row("verify", "verify", ["ecs:DescribeServiceDeployments"], (r) => [ecsServiceArn(r), deploymentArn(ecsServiceArn(r))], `tools/verify/verifyGate.ts checkRollout; ${SAR}: service and service-deployment both required`),
    ...row("verify-express", "verify", ["ecs:DescribeExpressGatewayService"], (r) => [ecsServiceArn(r)], "tools/verify/verifyGate.ts checkExpressStatus; Amazon ECS API Reference, DescribeExpressGatewayService"),
];
