// The provider calls of Application Auto Scaling: scalable targets and target-tracking policies (Fargate).
// One family of the table in index.ts; each row names its source.
import type { ProviderCall } from "./shared";
import { alarmsOf, any, own, POLICY, row, SAR, scalableTargetOf, TARGET, TF } from "./shared";

export const AUTOSCALING_CALLS: ProviderCall[] = [
    // ---- Autoscaling (Fargate) ----
    ...row(TARGET, "create", ["application-autoscaling:RegisterScalableTarget"], own, `${TF}/appautoscaling/target.go (RegisterScalableTarget with Tags)`, { requestTags: true, context: () => ({ "application-autoscaling:service-namespace": "ecs" }) }),
    ...row(TARGET, "create", ["application-autoscaling:TagResource"], own, `${TF}/appautoscaling/target.go; Application Auto Scaling User Guide, "Tagging support" (tag on register needs TagResource)`, { requestTags: true }),
    ...row(TARGET, "read", ["application-autoscaling:DescribeScalableTargets"], any, `${TF}/appautoscaling/target.go (read)`),
    ...row(TARGET, "read", ["application-autoscaling:ListTagsForResource"], own, `${TF}/appautoscaling/target.go (tags)`),
    ...row(TARGET, "update", ["application-autoscaling:RegisterScalableTarget"], own, `${TF}/appautoscaling/target.go (update re-registers)`, { context: () => ({ "application-autoscaling:service-namespace": "ecs" }) }),
    ...row(TARGET, "update", ["application-autoscaling:UntagResource"], own, `${TF}/appautoscaling/target.go (tags)`),
    ...row(TARGET, "update", ["application-autoscaling:TagResource"], own, `${TF}/appautoscaling/target.go (tags)`, { requestTags: true }),
    ...row(TARGET, "delete", ["application-autoscaling:DeregisterScalableTarget"], own, `${TF}/appautoscaling/target.go (DeregisterScalableTarget)`, { context: () => ({ "application-autoscaling:service-namespace": "ecs" }) }),
    ...row(POLICY, "create", ["application-autoscaling:PutScalingPolicy"], scalableTargetOf, `${TF}/appautoscaling/policy.go (PutScalingPolicy; ${SAR}: on the scalable target)`, { context: () => ({ "application-autoscaling:service-namespace": "ecs" }) }),
    ...row(POLICY, "create", ["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms"], alarmsOf, `Application Auto Scaling User Guide, "Permissions required to call Application Auto Scaling API actions" (target tracking alarms)`),
    ...row(POLICY, "read", ["application-autoscaling:DescribeScalingPolicies"], any, `${TF}/appautoscaling/policy.go (read)`),
    ...row(POLICY, "delete", ["application-autoscaling:DeleteScalingPolicy"], scalableTargetOf, `${TF}/appautoscaling/policy.go (DeleteScalingPolicy)`, { context: () => ({ "application-autoscaling:service-namespace": "ecs" }) }),
    ...row(POLICY, "delete", ["cloudwatch:DeleteAlarms"], alarmsOf, `Application Auto Scaling User Guide, "Permissions required to call Application Auto Scaling API actions"`),
];
