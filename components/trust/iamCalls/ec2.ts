// The provider calls of Amazon EC2: security groups and their rules (Fargate), and the program's network
// lookups.
// One family of the table in index.ts; each row names its source.
import type { ProviderCall } from "./shared";
import { any, EGRESS, INGRESS, own, row, SAR, secGroupRuleArn, SG, sgOf, TF } from "./shared";

export const SECURITY_GROUP_CALLS: ProviderCall[] = [
    // ---- Security groups and rules (Fargate) ----
    ...row(SG, "create", ["ec2:CreateSecurityGroup"], (r, s) => [`arn:${s.partition}:ec2:${s.region}:${s.accountId}:vpc/${r.inputs.vpcId}`], `${TF}/ec2/vpc_security_group.go (CreateSecurityGroup; ${SAR}: vpc resource)`),
    ...row(SG, "create", ["ec2:CreateSecurityGroup"], own, `${TF}/ec2/vpc_security_group.go (CreateSecurityGroup with TagSpecifications)`, { requestTags: true }),
    ...row(SG, "create", ["ec2:CreateTags"], own, `${TF}/ec2/vpc_security_group.go; Amazon EC2 User Guide, "Grant permission to tag resources during creation" (ec2:CreateAction)`, { requestTags: true, context: () => ({ "ec2:CreateAction": "CreateSecurityGroup" }) }),
    ...row(SG, "create", ["ec2:RevokeSecurityGroupEgress"], own, `${TF}/ec2/vpc_security_group.go (revokes AWS's default allow-all egress)`),
    ...row(SG, "read", ["ec2:DescribeSecurityGroups"], any, `${TF}/ec2/vpc_security_group.go (read)`),
    ...row(SG, "update", ["ec2:DeleteTags"], own, `${TF}/ec2/tags.go (updateTags)`),
    ...row(SG, "update", ["ec2:CreateTags"], own, `${TF}/ec2/tags.go (updateTags)`, { requestTags: true }),
    ...row(SG, "delete", ["ec2:DescribeNetworkInterfaces"], any, `${TF}/ec2/vpc_security_group.go (waits for ENIs to detach)`),
    ...row(SG, "delete", ["ec2:DeleteSecurityGroup"], own, `${TF}/ec2/vpc_security_group.go (DeleteSecurityGroup)`),
    ...row(INGRESS, "create", ["ec2:AuthorizeSecurityGroupIngress"], sgOf, `${TF}/ec2/vpc_security_group_ingress_rule.go (AuthorizeSecurityGroupIngress; ${SAR}: security group)`),
    ...row(INGRESS, "create", ["ec2:AuthorizeSecurityGroupIngress"], secGroupRuleArn, `${TF}/ec2/vpc_security_group_ingress_rule.go (TagSpecifications on the rule)`, { requestTags: true }),
    ...row(INGRESS, "create", ["ec2:CreateTags"], secGroupRuleArn, `${TF}/ec2/vpc_security_group_ingress_rule.go; Amazon EC2 User Guide, tag on create`, { requestTags: true, context: () => ({ "ec2:CreateAction": "AuthorizeSecurityGroupIngress" }) }),
    ...row(INGRESS, "read", ["ec2:DescribeSecurityGroupRules"], any, `${TF}/ec2/vpc_security_group_rule.go (read)`),
    ...row(INGRESS, "delete", ["ec2:RevokeSecurityGroupIngress"], sgOf, `${TF}/ec2/vpc_security_group_ingress_rule.go (RevokeSecurityGroupIngress)`),
    ...row(EGRESS, "create", ["ec2:AuthorizeSecurityGroupEgress"], sgOf, `${TF}/ec2/vpc_security_group_egress_rule.go (AuthorizeSecurityGroupEgress)`),
    ...row(EGRESS, "create", ["ec2:AuthorizeSecurityGroupEgress"], secGroupRuleArn, `${TF}/ec2/vpc_security_group_egress_rule.go (TagSpecifications on the rule)`, { requestTags: true }),
    ...row(EGRESS, "create", ["ec2:CreateTags"], secGroupRuleArn, `${TF}/ec2/vpc_security_group_egress_rule.go; Amazon EC2 User Guide, tag on create`, { requestTags: true, context: () => ({ "ec2:CreateAction": "AuthorizeSecurityGroupEgress" }) }),
    ...row(EGRESS, "delete", ["ec2:RevokeSecurityGroupEgress"], sgOf, `${TF}/ec2/vpc_security_group_egress_rule.go (RevokeSecurityGroupEgress)`),
];

export const LOOKUP_CALLS: ProviderCall[] = [
    // ---- Lookups the program makes (network.ts, the default VPC) ----
    ...row("lookup", "read", ["ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeAvailabilityZones"], any, `${TF}/ec2/vpc_data_source.go, vpc_subnets_data_source.go, vpc_subnet_data_source.go (route table of each subnet)`),
];
