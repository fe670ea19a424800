// ECS API responses for the verify gate's tests, shaped as the Amazon ECS API Reference documents
// ListServiceDeployments (ServiceDeploymentBrief), DescribeServiceDeployments (ServiceDeployment),
// DescribeExpressGatewayService (ECSExpressGatewayService), DescribeServices (Deployment) and
// DescribeTaskDefinition (ContainerDefinition). ARNs follow the documented formats; the
// status reasons are illustrative text, not quotes of AWS messages.
import type {
    DescribeExpressGatewayServiceCommandOutput,
    DescribeServiceDeploymentsCommandOutput,
    DescribeServicesCommandOutput,
    DescribeTaskDefinitionCommandOutput,
    ListServiceDeploymentsCommandOutput,
    ServiceDeploymentStatus,
} from "@aws-sdk/client-ecs";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/ecs-ship-prod-cluster-1a2b3c4`;
export const FARGATE_SERVICE_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/ecs-ship-prod-cluster-1a2b3c4/ecs-ship-prod-web-svc-5d6e7f8`;
export const EXPRESS_SERVICE_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/ecs-ship-dev-cluster-9f8e7d6/ecs-ship-dev-web-a1b2c3`;
export const SHA = "0123456789abcdef0123456789abcdef01234567";
/** The digest this run pushed, and another one (an older image, or someone else's deploy). */
export const DIGEST = `sha256:${"ab".repeat(32)}`;
export const OTHER_DIGEST = `sha256:${"cd".repeat(32)}`;
export const REPOSITORY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/ecs-ship-prod-web`;
/** When `pulumi up` started, in the tests' story; deployments before it belong to earlier runs. */
export const SINCE = new Date("2025-01-01T09:30:00Z");

export function deploymentArn(serviceArn: string, id: string): string {
    const [, path] = serviceArn.split(":service/");
    return `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/${path}/${id}`;
}

function revisionArn(serviceArn: string, n: string): string {
    const [, path] = serviceArn.split(":service/");
    return `arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/${path}/${n}`;
}

const meta = { $metadata: { httpStatusCode: 200 } };

/** ListServiceDeployments: one brief per [id, status, createdAt], and a nextToken when more pages follow. */
export function listed(serviceArn: string, entries: Array<[id: string, status: ServiceDeploymentStatus, createdAt: string]>, nextToken?: string): ListServiceDeploymentsCommandOutput {
    const cluster = serviceArn.split(":service/")[1].split("/")[0];
    return {
        ...meta,
        nextToken,
        serviceDeployments: entries.map(([id, status, createdAt]) => ({
            serviceDeploymentArn: deploymentArn(serviceArn, id),
            serviceArn,
            clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${cluster}`,
            createdAt: new Date(createdAt),
            startedAt: new Date(createdAt),
            targetServiceRevisionArn: revisionArn(serviceArn, "4980306466373577095"),
            status,
        })),
    };
}

/** DescribeServiceDeployments for one deployment, with the fields a rollout check reads. */
export function described(serviceArn: string, id: string, status: ServiceDeploymentStatus, statusReason?: string, rollbackReason?: string): DescribeServiceDeploymentsCommandOutput {
    const rolledBack = status.startsWith("ROLLBACK_");
    return {
        ...meta,
        failures: [],
        serviceDeployments: [{
            serviceDeploymentArn: deploymentArn(serviceArn, id),
            serviceArn,
            clusterArn: CLUSTER_ARN,
            createdAt: new Date("2025-01-01T10:00:00Z"),
            startedAt: new Date("2025-01-01T10:00:01Z"),
            updatedAt: new Date("2025-01-01T10:05:00Z"),
            sourceServiceRevisions: [{ arn: revisionArn(serviceArn, "1111111111111111111"), requestedTaskCount: 2, runningTaskCount: 2, pendingTaskCount: 0 }],
            targetServiceRevision: { arn: revisionArn(serviceArn, "4980306466373577095"), requestedTaskCount: 2, runningTaskCount: rolledBack ? 0 : 2, pendingTaskCount: 0 },
            status,
            statusReason,
            deploymentConfiguration: {
                deploymentCircuitBreaker: { enable: true, rollback: true },
                maximumPercent: 200,
                minimumHealthyPercent: 100,
            },
            deploymentCircuitBreaker: { status: rolledBack ? "TRIGGERED" : "MONITORING", failureCount: rolledBack ? 3 : 0, threshold: 3 },
            ...(rollbackReason
                ? { rollback: { reason: rollbackReason, startedAt: new Date("2025-01-01T10:04:00Z"), serviceRevisionArn: revisionArn(serviceArn, "1111111111111111111") } }
                : {}),
        }],
    };
}

export function expressService(statusCode: "ACTIVE" | "DRAINING" | "INACTIVE", statusReason?: string, digests: string[] = [DIGEST]): DescribeExpressGatewayServiceCommandOutput {
    return {
        ...meta,
        service: {
            cluster: "default",
            serviceName: "ecs-ship-dev-web",
            serviceArn: EXPRESS_SERVICE_ARN,
            status: { statusCode, statusReason },
            activeConfigurations: digests.map((digest, i) => ({
                serviceRevisionArn: revisionArn(EXPRESS_SERVICE_ARN, `498030646637357709${i}`),
                healthCheckPath: "/health",
                primaryContainer: { image: `${REPOSITORY}@${digest}`, containerPort: 8080 },
                ingressPaths: [{ accessType: "PUBLIC", endpoint: "ec-1a2b3c.ecs.us-east-1.on.aws" }],
            })),
        },
    };
}

/** A stack output object as `pulumi stack output --json` prints it. */
export function stackOutputs(services: Record<string, Record<string, unknown>>, stack = "prod"): Record<string, unknown> {
    return {
        stack,
        region: REGION,
        deployRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecs-ship-${stack}-deploy`,
        previewRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecs-ship-${stack}-preview`,
        providerArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
        services,
    };
}

function taskDefinitionArn(revision: number): string {
    return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/ecs-ship-prod-web-task-1a2b3c4:${revision}`;
}

/** DescribeServices for the Fargate service: one deployment per [task definition revision, status, running tasks]. */
export function serviceRunning(entries: Array<[revision: number, status: "PRIMARY" | "ACTIVE" | "INACTIVE", running: number]>): DescribeServicesCommandOutput {
    return {
        ...meta,
        failures: [],
        services: [{
            serviceArn: FARGATE_SERVICE_ARN,
            serviceName: "ecs-ship-prod-web",
            clusterArn: CLUSTER_ARN,
            status: "ACTIVE",
            deployments: entries.map(([revision, status, running], i) => ({
                id: `ecs-svc/${1000 + i}`, status, taskDefinition: taskDefinitionArn(revision),
                desiredCount: status === "PRIMARY" ? 2 : 0, runningCount: running, pendingCount: 0,
                rolloutState: status === "PRIMARY" ? "COMPLETED" : undefined, launchType: "FARGATE",
            })),
        }],
    };
}

/** DescribeTaskDefinition: the app container's image, by digest. */
export function taskDefinition(revision: number, digest: string): DescribeTaskDefinitionCommandOutput {
    return {
        ...meta,
        taskDefinition: {
            taskDefinitionArn: taskDefinitionArn(revision),
            family: "ecs-ship-prod-web-task-1a2b3c4",
            revision,
            containerDefinitions: [{ name: "app", image: `${REPOSITORY}@${digest}`, essential: true }],
        },
    };
}

/** The task definition ARN DescribeServices names for a revision, to match DescribeTaskDefinition calls. */
export { taskDefinitionArn };
