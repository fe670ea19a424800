// Pre-flight: AWS's documented limits, checked offline over every resource a plan records.
//
// Mocks accept anything, so `npm run plan` runs these checks after the program has
// registered its resources. A violation would otherwise surface half-way through
// `pulumi up`, after some resources already exist. One table; each component's section
// lists the limits its resources meet, with the AWS source beside each number.

import { ECR_REPOSITORY_NAME } from "../registry/registryPolicies";
import { ALB_QUOTAS } from "../frontDoor/frontDoor";

/** The slice of a recorded resource the checks read. */
export interface PlannedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    /** The provider's physical name (explicit, or auto-named), when the type has one. */
    physicalName?: string;
    /** What the plan's cloud returned (its ARN), when known: ties rules and listeners to their load balancer. */
    state?: Record<string, any>;
}

export interface LimitCheck {
    /** Short id used in messages and tests. */
    id: string;
    /** Resource types the check reads. */
    types: string[];
    /** The limit in words. */
    limit: string;
    /** Where AWS documents it. */
    source: string;
    /** Returns a description of the violation, or undefined. `all` is the whole plan (for cross-resource limits). */
    check(r: PlannedResource, all: PlannedResource[]): string | undefined;
}

export interface LimitViolation {
    resource: string;
    type: string;
    check: string;
    limit: string;
    source: string;
    detail: string;
}

const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const TG = "aws:lb/targetGroup:TargetGroup";
const REPO = "aws:ecr/repository:Repository";
const LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
const EXPRESS = "aws:ecs/expressGatewayService:ExpressGatewayService";
const ECS_SERVICE = "aws:ecs/service:Service";
const LISTENER = "aws:lb/listener:Listener";
const RULE = "aws:lb/listenerRule:ListenerRule";
const LISTENER_CERT = "aws:lb/listenerCertificate:ListenerCertificate";
const QUOTAS_PAGE = "Elastic Load Balancing User Guide, Quotas for your Application Load Balancers (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html)";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const IAM_QUOTAS_PAGE = "IAM User Guide, IAM and AWS STS quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)";

/**
 * IAM's quotas a stack's roles meet, whitespace excluded in sizes. Source: IAM User Guide, "IAM and AWS STS
 * quotas": managed policy size 6,144 characters; role policy size (all inline policies of a role) 10,240;
 * role trust policy length 2,048 (default); managed policies attached to a role 10 (default, can be raised to
 * 20 through Service Quotas, AWS Knowledge Center "iam-increase-policy-size").
 */
export const IAM_QUOTAS = { managedPolicySize: 6144, inlinePoliciesPerRole: 10240, trustPolicySize: 2048, managedPoliciesPerRole: 10 } as const;

/** What hangs off one load balancer in the plan: its listeners, their rules and extra certificates, the target groups they forward to. */
function attachedTo(lb: PlannedResource, all: PlannedResource[]) {
    const arn = lb.state?.arn;
    const listeners = all.filter((r) => r.type === LISTENER && arn !== undefined && r.inputs.loadBalancerArn === arn);
    const listenerArns = new Set(listeners.map((l) => l.state?.arn).filter((x) => x !== undefined));
    const rules = all.filter((r) => r.type === RULE && listenerArns.has(r.inputs.listenerArn));
    const certificates = all.filter((r) => r.type === LISTENER_CERT && listenerArns.has(r.inputs.listenerArn));
    const forwards = [...listeners.flatMap((l) => l.inputs.defaultActions ?? []), ...rules.flatMap((r) => r.inputs.actions ?? [])];
    const targetGroups = new Set(forwards.filter((a: any) => a.type === "forward" && a.targetGroupArn).map((a: any) => a.targetGroupArn));
    return { rules, certificates, targetGroups };
}

/** Policy size as IAM counts it: the JSON text without whitespace. */
export function policySize(doc: unknown): number {
    if (doc === undefined || doc === null) return 0;
    const text = typeof doc === "string" ? doc : JSON.stringify(doc);
    return text.replace(/\s/g, "").length;
}

function parseJson(doc: unknown): any {
    if (typeof doc !== "string") return doc;
    try {
        return JSON.parse(doc);
    } catch {
        return undefined;
    }
}

const ELB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

function elbName(kind: string) {
    return (r: PlannedResource): string | undefined => {
        const n = r.physicalName;
        if (n === undefined) return undefined;
        if (n.length > 32) return `${kind} name "${n}" is ${n.length} characters`;
        if (!ELB_NAME.test(n)) return `${kind} name "${n}" has characters other than letters, digits and inner hyphens`;
        if (kind === "load balancer" && n.startsWith("internal-")) return `load balancer name "${n}" starts with "internal-"`;
        return undefined;
    };
}

export const LIMITS: LimitCheck[] = [
    // ---- Load balancing (FargateService) ----
    {
        id: "alb-name",
        types: [LB],
        limit: "at most 32 characters: letters, digits and hyphens, not starting or ending with a hyphen, not starting with internal- (Pulumi auto-naming adds 8)",
        source: "Elastic Load Balancing API Reference, CreateLoadBalancer, Name",
        check: elbName("load balancer"),
    },
    {
        id: "target-group-name",
        types: [TG],
        limit: "at most 32 characters: letters, digits and hyphens, not starting or ending with a hyphen (Pulumi auto-naming adds 8)",
        source: "Elastic Load Balancing API Reference, CreateTargetGroup, Name",
        check: elbName("target group"),
    },
    {
        id: "elb-name-prefix",
        types: [LB, TG],
        limit: "namePrefix at most 6 characters",
        source: "Pulumi AWS provider, aws.lb.LoadBalancer and aws.lb.TargetGroup, namePrefix",
        check: (r) => {
            const p = r.inputs.namePrefix;
            return typeof p === "string" && p.length > 6 ? `namePrefix "${p}" is ${p.length} characters` : undefined;
        },
    },
    {
        id: "alb-rules",
        types: [LB],
        limit: `at most ${ALB_QUOTAS.rules} listener rules per Application Load Balancer, default rules excluded (quota "Rules per Application Load Balancer", default; a shared load balancer has one or two per service). ` +
            "Request an increase of that quota in Service Quotas (Elastic Load Balancing), or serve some services with loadBalancer.shared: false or from another stack",
        source: QUOTAS_PAGE,
        check: (r, all) => {
            const n = attachedTo(r, all).rules.length;
            return n > ALB_QUOTAS.rules ? `load balancer has ${n} listener rules` : undefined;
        },
    },
    {
        id: "alb-target-groups",
        types: [LB],
        limit: `at most ${ALB_QUOTAS.targetGroups} target groups per Application Load Balancer (quota "Target groups per Application Load Balancer", not adjustable; one per service). ` +
            "Serve some services with loadBalancer.shared: false or from another stack",
        source: QUOTAS_PAGE,
        check: (r, all) => {
            const n = attachedTo(r, all).targetGroups.size;
            return n > ALB_QUOTAS.targetGroups ? `load balancer forwards to ${n} target groups` : undefined;
        },
    },
    {
        id: "alb-certificates",
        types: [LB],
        limit: `at most ${ALB_QUOTAS.certificates} certificates per Application Load Balancer besides the default one (default quota; one per service with a domain)`,
        source: QUOTAS_PAGE,
        check: (r, all) => {
            const n = attachedTo(r, all).certificates.length;
            return n > ALB_QUOTAS.certificates ? `load balancer has ${n} certificates besides its default` : undefined;
        },
    },
    // ---- IAM (GithubOidcTrust, both service modes) ----
    {
        id: "iam-role-name",
        types: [ROLE],
        limit: "at most 64 characters of letters, digits and +=,.@_-",
        source: "IAM User Guide, IAM and AWS STS quotas (role name), and IAM API Reference, CreateRole, RoleName",
        check: (r) => {
            const n = r.physicalName;
            if (n === undefined) return undefined;
            if (n.length > 64) return `role name "${n}" is ${n.length} characters`;
            if (!/^[\w+=,.@-]+$/.test(n)) return `role name "${n}" has characters outside letters, digits and +=,.@_-`;
            return undefined;
        },
    },
    {
        id: "iam-trust-policy-size",
        types: [ROLE],
        limit: "role trust policy at most 2,048 characters, whitespace excluded (default quota)",
        source: "IAM User Guide, IAM and AWS STS quotas, Role trust policy length",
        check: (r) => {
            const n = policySize(r.inputs.assumeRolePolicy);
            return n > IAM_QUOTAS.trustPolicySize ? `trust policy is ${n} characters` : undefined;
        },
    },
    {
        id: "iam-managed-policy-size",
        types: [POLICY],
        limit: "managed policy document at most 6,144 characters, whitespace excluded",
        source: "IAM User Guide, IAM and AWS STS quotas, Managed policy size",
        check: (r) => {
            const n = policySize(r.inputs.policy);
            if (n <= IAM_QUOTAS.managedPolicySize) return undefined;
            // The stack's boundary is the one a stack file grows: it names every service's secrets and task statements.
            return /-github-boundary$/.test(r.name)
                ? `policy document is ${n} characters: the permissions boundary names every secret ARN and taskPolicyStatements entry of every service. Keep several values in one Secrets Manager secret as JSON and reference its keys (<secret ARN>:<KEY>::), which the boundary names once, or share statements between services (identical ones are named once)`
                : `policy document is ${n} characters`;
        },
    },
    {
        id: "iam-inline-policies-size",
        types: [ROLE],
        limit: "inline policies of one role at most 10,240 characters in total, whitespace excluded",
        source: "IAM User Guide, IAM and AWS STS quotas, Role policy size",
        check: (r, all) => {
            const roleName = r.physicalName;
            let total = 0;
            for (const p of r.inputs.inlinePolicies ?? []) total += policySize(p.policy);
            for (const p of all) {
                if (p.type === ROLE_POLICY && (p.inputs.role === roleName || p.inputs.role === r.name)) total += policySize(p.inputs.policy);
            }
            return total > IAM_QUOTAS.inlinePoliciesPerRole ? `inline policies total ${total} characters` : undefined;
        },
    },
    {
        id: "iam-managed-policies-per-role",
        types: [ROLE],
        limit: `at most ${IAM_QUOTAS.managedPoliciesPerRole} managed policies attached to one role (quota "Managed policies per role", default; Service Quotas raises it to 20)`,
        source: IAM_QUOTAS_PAGE,
        check: (r, all) => {
            const n = all.filter((p) => p.type === ATTACHMENT && (p.inputs.role === r.physicalName || p.inputs.role === r.name)).length;
            return n > IAM_QUOTAS.managedPoliciesPerRole ? `${n} managed policies are attached to the role` : undefined;
        },
    },
    // ---- ECR (ContainerRegistry) ----
    {
        id: "ecr-repository-name",
        types: [REPO],
        limit: "lowercase letters, digits and . _ - / separators, 2 to 256 characters",
        source: "Amazon ECR API Reference, CreateRepository, repositoryName",
        check: (r) => {
            const n = r.physicalName;
            if (n === undefined) return undefined;
            if (n.length < 2 || n.length > 256) return `repository name "${n}" is ${n.length} characters`;
            if (!ECR_REPOSITORY_NAME.test(n)) return `repository name "${n}" is not lowercase letters, digits and separators`;
            return undefined;
        },
    },
    {
        id: "ecr-lifecycle-tagged-selection",
        types: [LIFECYCLE],
        limit: "a rule with tagStatus \"tagged\" must give tagPrefixList or tagPatternList",
        source: "Amazon ECR User Guide, Lifecycle policy properties, tagStatus",
        check: (r) => {
            const doc = parseJson(r.inputs.policy);
            const bad = (doc?.rules ?? []).filter((rule: any) => rule.selection?.tagStatus === "tagged" && !rule.selection.tagPrefixList?.length && !rule.selection.tagPatternList?.length);
            return bad.length ? `rule ${bad.map((x: any) => x.rulePriority).join(", ")} selects tagged images with no tagPrefixList or tagPatternList` : undefined;
        },
    },
    {
        id: "ecr-lifecycle-any-last",
        types: [LIFECYCLE],
        limit: "a rule with tagStatus \"any\" must have the highest rulePriority",
        source: "Amazon ECR User Guide, Lifecycle policy properties, rulePriority",
        check: (r) => {
            const rules: any[] = parseJson(r.inputs.policy)?.rules ?? [];
            const highest = Math.max(...rules.map((x) => x.rulePriority));
            const bad = rules.filter((x) => x.selection?.tagStatus === "any" && x.rulePriority !== highest);
            return bad.length ? `rule ${bad[0].rulePriority} selects tagStatus "any" but rule ${highest} comes after it` : undefined;
        },
    },
    // ---- ECS (ExpressService, FargateService) ----
    {
        id: "express-subnets",
        types: [EXPRESS],
        limit: "networkConfigurations, when given, name at least 2 subnets",
        source: "Amazon ECS Developer Guide, Express Mode services, networking (subnets in at least two Availability Zones)",
        check: (r) => {
            for (const nc of r.inputs.networkConfigurations ?? []) {
                if ((nc.subnets ?? []).length < 2) return `networkConfigurations names ${(nc.subnets ?? []).length} subnet(s)`;
            }
            return undefined;
        },
    },
    {
        id: "ecs-service-name",
        types: [EXPRESS, ECS_SERVICE],
        limit: "service name at most 255 letters, digits, hyphens and underscores",
        source: "Amazon ECS API Reference, CreateService, serviceName",
        check: (r) => {
            const n = r.type === EXPRESS ? r.inputs.serviceName : r.physicalName;
            if (typeof n !== "string") return undefined;
            return /^[A-Za-z0-9_-]{1,255}$/.test(n) ? undefined : `service name "${n}" breaks the rule`;
        },
    },
];

/** Runs every check over every resource of the plan. */
export function preflight(resources: PlannedResource[], checks: LimitCheck[] = LIMITS): LimitViolation[] {
    const out: LimitViolation[] = [];
    for (const r of resources) {
        for (const c of checks) {
            if (!c.types.includes(r.type)) continue;
            const detail = c.check(r, resources);
            if (detail) out.push({ resource: r.name, type: r.type, check: c.id, limit: c.limit, source: c.source, detail });
        }
    }
    return out;
}

/** One line per violation: the resource, what broke, the limit and its source. */
export function formatViolation(v: LimitViolation): string {
    return `${v.resource} (${v.type}): ${v.detail}; limit: ${v.limit} [${v.source}]`;
}
