// The provider calls of CloudWatch Logs: the services' log groups.
// One family of the table in index.ts; each row names its source.
import type { ProviderCall } from "./shared";
import { any, logGroupArn, LOGS, row, TF } from "./shared";

export const LOG_CALLS: ProviderCall[] = [
    // ---- CloudWatch Logs ----
    ...row(LOGS, "create", ["logs:CreateLogGroup", "logs:TagResource"], logGroupArn, `${TF}/logs/group.go (CreateLogGroup with tags; CloudWatch Logs API Reference, CreateLogGroup: tagging needs logs:TagResource)`, { requestTags: true }),
    ...row(LOGS, "create", ["logs:PutRetentionPolicy"], logGroupArn, `${TF}/logs/group.go (PutRetentionPolicy)`),
    ...row(LOGS, "read", ["logs:DescribeLogGroups"], any, `${TF}/logs/group.go (findLogGroupByName: DescribeLogGroups)`),
    ...row(LOGS, "read", ["logs:ListTagsForResource"], logGroupArn, `${TF}/logs/group.go (tags)`),
    ...row(LOGS, "update", ["logs:PutRetentionPolicy", "logs:UntagResource"], logGroupArn, `${TF}/logs/group.go (resourceGroupUpdate)`),
    ...row(LOGS, "update", ["logs:TagResource"], logGroupArn, `${TF}/logs/group.go (tags)`, { requestTags: true }),
    ...row(LOGS, "delete", ["logs:DeleteLogGroup"], logGroupArn, `${TF}/logs/group.go (DeleteLogGroup)`),
];
