// The provider calls of CloudWatch alarms and SNS: the deployment alarms and the topic they notify (Fargate).
// One family of the table in index.ts; each row names its source.
import type { ProviderCall } from "./shared";
import { ALARM, alarmActions, own, row, SAR, SUBSCRIPTION, TF, TOPIC, topicOfSubscription } from "./shared";

export const ALARM_CALLS: ProviderCall[] = [
    // ---- Deployment alarms and their topic (Fargate) ----
    ...row(ALARM, "create", ["cloudwatch:PutMetricAlarm"], own, `${TF}/cloudwatch/metric_alarm.go (PutMetricAlarm with Tags; Amazon CloudWatch User Guide, "Using condition keys to limit alarm actions")`, { requestTags: true, context: alarmActions }),
    ...row(ALARM, "create", ["cloudwatch:TagResource"], own, `${TF}/cloudwatch/metric_alarm.go; Amazon CloudWatch API Reference, PutMetricAlarm (Tags on create need cloudwatch:TagResource)`, { requestTags: true }),
    ...row(ALARM, "read", ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"], own, `${TF}/cloudwatch/metric_alarm.go (findMetricAlarmByName: DescribeAlarms; tags)`),
    // Update sends the tags again; AWS ignores them on an existing alarm.
    ...row(ALARM, "update", ["cloudwatch:PutMetricAlarm"], own, `${TF}/cloudwatch/metric_alarm.go (resourceMetricAlarmUpdate: PutMetricAlarm with Tags)`, { requestTags: true, context: alarmActions }),
    ...row(ALARM, "update", ["cloudwatch:UntagResource"], own, `${TF}/cloudwatch/metric_alarm.go (tags)`),
    ...row(ALARM, "update", ["cloudwatch:TagResource"], own, `${TF}/cloudwatch/metric_alarm.go (tags)`, { requestTags: true }),
    ...row(ALARM, "delete", ["cloudwatch:DeleteAlarms"], own, `${TF}/cloudwatch/metric_alarm.go (DeleteAlarms)`),
    ...row(TOPIC, "create", ["sns:CreateTopic", "sns:TagResource"], own, `${TF}/sns/topic.go (CreateTopic with Tags; Amazon SNS Developer Guide, "Tagging": tags on create need sns:TagResource)`, { requestTags: true }),
    // Create also sets each feedback sample-rate attribute, one SetTopicAttributes call each.
    ...row(TOPIC, "create", ["sns:SetTopicAttributes"], own, `${TF}/sns/topic.go (putTopicAttributes after CreateTopic)`),
    ...row(TOPIC, "read", ["sns:GetTopicAttributes", "sns:ListTagsForResource"], own, `${TF}/sns/topic.go (findTopicAttributesByARN; tags)`),
    ...row(TOPIC, "update", ["sns:SetTopicAttributes", "sns:UntagResource"], own, `${TF}/sns/topic.go (resourceTopicUpdate)`),
    ...row(TOPIC, "update", ["sns:TagResource"], own, `${TF}/sns/topic.go (tags)`, { requestTags: true }),
    ...row(TOPIC, "delete", ["sns:DeleteTopic"], own, `${TF}/sns/topic.go (DeleteTopic)`),
    ...row(SUBSCRIPTION, "create", ["sns:Subscribe"], topicOfSubscription, `${TF}/sns/topic_subscription.go (Subscribe; ${SAR}: sns:Protocol, sns:Endpoint)`, { context: (r) => ({ "sns:Protocol": String(r.inputs.protocol), "sns:Endpoint": String(r.inputs.endpoint) }) }),
    // Subscription calls are authorized on the subscription's topic (${SAR} for Amazon SNS: resource type topic).
    ...row(SUBSCRIPTION, "read", ["sns:GetSubscriptionAttributes"], topicOfSubscription, `${TF}/sns/topic_subscription.go (findSubscriptionAttributesByARN)`),
    ...row(SUBSCRIPTION, "delete", ["sns:Unsubscribe"], topicOfSubscription, `${TF}/sns/topic_subscription.go (Unsubscribe)`),
];
