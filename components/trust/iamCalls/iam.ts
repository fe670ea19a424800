// The provider calls of IAM: the services' roles (execution, task, Express infrastructure), their policies
// and attachments.
// One family of the table in index.ts; each row names its source.
import type { ProviderCall } from "./shared";
import { ATTACHMENT, boundaryOfRole, bounded, notTrust, own, ROLE, ROLE_POLICY, roleOfPolicy, row, serviceRole, TF } from "./shared";

export const IAM_CALLS: ProviderCall[] = [
    // ---- IAM roles of the services (execution, task, Express infrastructure) ----
    ...row(ROLE, "create", ["iam:CreateRole", "iam:TagRole"], own, `${TF}/iam/role.go (CreateRole with Tags; IAM User Guide, "Tagging IAM resources": tag-on-create needs iam:TagRole)`, { requestTags: true, ...bounded() }),
    ...row(ROLE, "read", ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"], own, `${TF}/iam/role.go (resourceRoleRead: GetRole, inline and managed policy lists)`),
    ...row(ROLE, "update", ["iam:UpdateRoleDescription"], own, `${TF}/iam/role.go (resourceRoleUpdate: description)`, bounded()),
    ...row(ROLE, "update", ["iam:TagRole"], own, `${TF}/iam/role.go (roleUpdateTags)`, { requestTags: true, ...serviceRole }),
    ...row(ROLE, "update", ["iam:UntagRole"], own, `${TF}/iam/role.go (roleUpdateTags)`, serviceRole),
    ...row(ROLE, "delete", ["iam:ListInstanceProfilesForRole"], own, `${TF}/iam/role.go (deleteRole: instance profiles first)`, serviceRole),
    ...row(ROLE, "delete", ["iam:DeleteRole"], own, `${TF}/iam/role.go (deleteRole)`, bounded()),
    // PutRolePolicy (a role policy's create and update) is the administrator's: the deploy role holds no
    // PutRolePolicy, because an inline policy may hold anything the boundary admits (docs/security-model.md).
    ...row(ROLE_POLICY, "read", ["iam:GetRolePolicy"], roleOfPolicy, `${TF}/iam/role_policy.go (GetRolePolicy)`),
    ...row(ROLE_POLICY, "delete", ["iam:DeleteRolePolicy"], roleOfPolicy, `${TF}/iam/role_policy.go (DeleteRolePolicy)`, bounded()),
    ...row(ATTACHMENT, "create", ["iam:AttachRolePolicy"], roleOfPolicy, `${TF}/iam/role_policy_attachment.go (AttachRolePolicy)`, { where: notTrust, context: (r, s) => ({ "iam:PermissionsBoundary": boundaryOfRole(r, s), "iam:PolicyARN": String(r.inputs.policyArn) }) }),
    ...row(ATTACHMENT, "read", ["iam:ListAttachedRolePolicies"], roleOfPolicy, `${TF}/iam/role_policy_attachment.go (ListAttachedRolePolicies)`),
    ...row(ATTACHMENT, "delete", ["iam:DetachRolePolicy"], roleOfPolicy, `${TF}/iam/role_policy_attachment.go (DetachRolePolicy)`, { where: notTrust, context: (r, s) => ({ "iam:PermissionsBoundary": boundaryOfRole(r, s), "iam:PolicyARN": String(r.inputs.policyArn) }) }),
    // The trust's own policies and provider are only read by CI; an admin writes them.
    ...row("aws:iam/policy:Policy", "read", ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"], own, `${TF}/iam/policy.go (resourcePolicyRead)`),
    ...row("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "read", ["iam:GetOpenIDConnectProvider"], (r) => [String(r.state.arn)], `${TF}/iam/openid_connect_provider.go (GetOpenIDConnectProvider)`),
];
