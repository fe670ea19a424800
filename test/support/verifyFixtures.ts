// ECS API responses for the verify gate's tests, shaped as the Amazon ECS API Reference documents
// ListServiceDeployments (ServiceDeploymentBrief), DescribeServiceDeployments (ServiceDeployment) and
// DescribeExpressGatewayService (ECSExpressGatewayService). ARNs follow the documented formats; the
// status reasons are illustrative text, not quotes of AWS messages.
import type {
    DescribeExpressGatewayServiceCommandOutput,
    DescribeServiceDeploymentsCommandOutput,
    ListServiceDeploymentsCommandOutput,
    ServiceDeploymentStatus,
} from "@aws-sdk/client-ecs";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/ecs-ship-prod`;
export const FARGATE_SERVICE_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/ecs-ship-prod/ecs-ship-prod-web`;
export const EXPRESS_SERVICE_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/default/ecs-ship-dev-web`;
export const SHA = "0123456789abcdef0123456789abcdef01234567";

export function deploymentArn(serviceArn: string, id: string): string {
    const [, path] = serviceArn.split(":service/");
    return `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/${path}/${id}`;
}

function revisionArn(serviceArn: string, n: string): string {
    const [, path] = serviceArn.split(":service/");
    return `arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/${path}/${n}`;
}

const meta = { $metadata: { httpStatusCode: 200 } };

/** ListServiceDeployments: one brief per [id, status, createdAt]. */
export function listed(serviceArn: string, entries: Array<[id: string, status: ServiceDeploymentStatus, createdAt: string]>): ListServiceDeploymentsCommandOutput {
    const cluster = serviceArn.split(":service/")[1].split("/")[0];
    return {
        ...meta,
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

export function expressService(statusCode: "ACTIVE" | "DRAINING" | "INACTIVE", statusReason?: string): DescribeExpressGatewayServiceCommandOutput {
    return {
        ...meta,
        service: {
            cluster: "default",
            serviceName: "ecs-ship-dev-web",
            serviceArn: EXPRESS_SERVICE_ARN,
            status: { statusCode, statusReason },
            activeConfigurations: [{
                serviceRevisionArn: revisionArn(EXPRESS_SERVICE_ARN, "4980306466373577095"),
                healthCheckPath: "/health",
                ingressPaths: [{ accessType: "PUBLIC", endpoint: "ec-1a2b3c.ecs.us-east-1.on.aws" }],
            }],
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
