// Pure pieces of ExpressService that exist because of how the provider updates and replaces
// an Express service. Tested without mocks (test/expressLifecycle.test.ts).
import { createHash } from "crypto";
import { ScalingSettings } from "../service/serviceArgs";

/**
 * Name of the environment variable that carries the scaling settings into the container.
 *
 * The provider's update of an Express service diffs the planned and current configuration
 * with `scaling_target` explicitly ignored, and calls UpdateExpressGatewayService only when
 * something else changed (Terraform AWS provider, internal/service/ecs/express_gateway_service.go,
 * Update: `fwflex.Diff(..., fwflex.WithIgnoredField("scaling_target"), ...)`, then
 * `if diff.HasChanges()`). When it does call it, the whole plan is expanded into the request,
 * scaling target included (Amazon ECS API Reference, UpdateExpressGatewayService, scalingTarget).
 * So a scaling-only change would be recorded in the state and never reach AWS. Carrying the
 * settings in the container's environment makes every scaling change also a container change,
 * which the provider does send, together with the new scaling target.
 */
export const SCALING_TRIGGER_ENV = "ECS_SHIP_SCALING";

/** The trigger's value: every scaling setting AWS receives, in a fixed order. */
export function scalingTrigger(metric: string, scaling: Pick<ScalingSettings, "min" | "max" | "target">): string {
    return `metric=${metric},target=${scaling.target},min=${scaling.min},max=${scaling.max}`;
}

/**
 * Suffix of the physical service name, derived from the infrastructure role's ARN: 6 hex
 * characters of its SHA-256.
 *
 * The provider replaces the service when `infrastructure_role_arn` or `service_name` changes
 * (RequiresReplace / RequiresReplaceIfConfigured), and its create refuses any name that
 * DescribeServices still finds in the cluster, in any status: ACTIVE, DRAINING or INACTIVE
 * (internal/service/ecs/express_gateway_service.go, checkExpressGatewayServiceExists, which
 * calls findServiceNoTagsByTwoPartKey in internal/service/ecs/service.go without a status
 * filter). A fixed name would therefore make every replacement fail. With the suffix, the
 * one input that forces a replacement also changes the name, so the replacement is created
 * beside the old service, and the old one drains and is deleted afterwards.
 */
export function replacementSuffix(infrastructureRoleArn: string): string {
    return createHash("sha256").update(infrastructureRoleArn).digest("hex").slice(0, 6);
}

/** `<serviceName>-<suffix>`: the name the service is created under. */
export function physicalServiceName(serviceName: string, infrastructureRoleArn: string): string {
    return `${serviceName}-${replacementSuffix(infrastructureRoleArn)}`;
}
