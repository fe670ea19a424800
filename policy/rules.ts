// The ecs-ship policy rules: plain objects, so tests call them directly and only
// policy/index.ts assembles them into a PolicyPack (constructing one starts a server).
//
// Every message names the property to fix, what is allowed and what was given:
//   `<key>: must be <allowed>, got <value>`        (mandatory)
//   `<key>: should be <allowed>, got <value>`      (advisory)
//
// Rules read the properties as the engine sends them (the wire shape, camelCase), not
// @pulumi/aws classes: the pack then needs only @pulumi/policy at run time.
import type {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { UnknownValueError } from "@pulumi/policy";

/** Type tokens of the resources the rules look at. */
export const TYPES = {
    repository: "aws:ecr/repository:Repository",
    role: "aws:iam/role:Role",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    service: "aws:ecs/service:Service",
    expressService: "aws:ecs/expressGatewayService:ExpressGatewayService",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    albTargetGroup: "aws:alb/targetGroup:TargetGroup",
    schedule: "aws:scheduler/schedule:Schedule",
} as const;

/** The GitHub Actions OIDC issuer host; its provider ARN ends with `oidc-provider/<host>`. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** An image reference pinned by digest: `<repository>[:tag]@sha256:<64 hex>`. */
const DIGEST = /@sha256:[0-9a-f]{64}$/;
const DIGEST_FORM = `"<repository>@sha256:<64 hex digits>"`;

type Props = Record<string, any>;
type Check = (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void;

/** Runs `check` only for the given types; other resources are reported not applicable. */
function forTypes(types: readonly string[], check: Check) {
    return (args: ResourceValidationArgs, report: ReportViolation): void => {
        if (!types.includes(args.type)) return args.notApplicable(`applies only to ${types.join(", ")}`);
        check(args.props, args, report);
    };
}

/** A value as it appears in a message: JSON, or `unset` when absent. */
export function shown(value: unknown): string {
    return value === undefined || value === null ? "unset" : JSON.stringify(value);
}

/** `got <value>`, with AWS's default named when the value is unset. */
function got(value: unknown, awsDefault?: string): string {
    const base = `got ${shown(value)}`;
    return (value === undefined || value === null) && awsDefault ? `${base} (AWS's default is ${awsDefault})` : base;
}

/**
 * Reads a property path without tripping over values unknown during preview. The policy
 * runtime throws UnknownValueError when a rule touches one; `undefined` here means
 * "absent", `UNKNOWN` means "decided only at `pulumi up`".
 */
const UNKNOWN = Symbol("unknown");
function read<T>(get: () => T): T | typeof UNKNOWN {
    try {
        return get();
    } catch (e) {
        if (e instanceof UnknownValueError) return UNKNOWN;
        throw e;
    }
}

function asArray(value: unknown): unknown[] {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
}

// ---------------------------------------------------------------------------
// ECR

export const ecrImmutableTags: ResourceValidationPolicy = {
    name: "ecr-immutable-tags",
    description: "ECR repositories keep image tags immutable, so a tag always names the image that was built and tested.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([TYPES.repository], (props, _args, report) => {
        if (props.imageTagMutability !== "IMMUTABLE") {
            report(`imageTagMutability: must be "IMMUTABLE", ${got(props.imageTagMutability, `"MUTABLE"`)}`);
        }
    }),
};

export const ecrScanOnPush: ResourceValidationPolicy = {
    name: "ecr-scan-on-push",
    description: "ECR repositories scan every image for known vulnerabilities when it is pushed.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([TYPES.repository], (props, _args, report) => {
        const scanOnPush = props.imageScanningConfiguration?.scanOnPush;
        if (scanOnPush !== true) {
            report(`imageScanningConfiguration.scanOnPush: must be true, ${got(scanOnPush, "false")}`);
        }
    }),
};

// ---------------------------------------------------------------------------
// GitHub OIDC trust

const SUB_FORM = `"repo:<owner>/<name>:<context>" with no wildcard in owner or name`;
const SUB_VALUE = /^repo:([^/:]+)\/([^/:]+):(.+)$/;

/** True when a statement trusts the GitHub Actions OIDC provider (by ARN, or by bare host). */
function trustsGithub(statement: any): boolean {
    const federated = asArray(statement?.Principal?.Federated);
    return federated.some((p) => typeof p === "string" && (p === GITHUB_OIDC_HOST || p.endsWith(`:oidc-provider/${GITHUB_OIDC_HOST}`)));
}

/** The condition entries whose key is `<host>:<claim>` (IAM condition keys are case-insensitive). */
function claimEntries(condition: Record<string, any>, claim: "aud" | "sub"): { operator: string; key: string; values: unknown[] }[] {
    const wanted = `${GITHUB_OIDC_HOST}:${claim}`;
    const out: { operator: string; key: string; values: unknown[] }[] = [];
    for (const [operator, block] of Object.entries(condition)) {
        if (!block || typeof block !== "object") continue;
        for (const [key, value] of Object.entries(block)) {
            if (key.toLowerCase() === wanted) out.push({ operator, key, values: asArray(value) });
        }
    }
    return out;
}

function checkGithubStatement(statement: any, at: string, report: ReportViolation): void {
    const condition: Record<string, any> = statement.Condition && typeof statement.Condition === "object" ? statement.Condition : {};

    for (const operator of Object.keys(condition)) {
        if (/^(ForAllValues|ForAnyValue):/i.test(operator)) {
            report(`${at}.Condition: must not use ForAllValues or ForAnyValue (GitHub's claims are single-valued, and ForAllValues matches when the claim is missing), got ${JSON.stringify(operator)}`);
        }
    }

    const audKey = `${at}.Condition.StringEquals["${GITHUB_OIDC_HOST}:aud"]`;
    const aud = claimEntries(condition, "aud").filter((e) => e.operator === "StringEquals");
    const audValues = aud.flatMap((e) => e.values);
    if (audValues.length === 0 || audValues.some((v) => v !== "sts.amazonaws.com")) {
        report(`${audKey}: must be "sts.amazonaws.com", got ${audValues.length ? shown(audValues.length === 1 ? audValues[0] : audValues) : "unset"}`);
    }

    const sub = claimEntries(condition, "sub").filter((e) => e.operator === "StringEquals" || e.operator === "StringLike");
    if (sub.length === 0) {
        report(`${at}.Condition.StringEquals["${GITHUB_OIDC_HOST}:sub"]: must be ${SUB_FORM}, got unset`);
    }
    for (const entry of sub) {
        for (const value of entry.values) {
            const m = typeof value === "string" ? SUB_VALUE.exec(value) : null;
            if (!m || /[*?]/.test(m[1]) || /[*?]/.test(m[2])) {
                report(`${at}.Condition.${entry.operator}["${entry.key}"]: must be ${SUB_FORM}, got ${shown(value)}`);
            }
        }
    }
}

export const githubOidcTrust: ResourceValidationPolicy = {
    name: "github-oidc-trust",
    description:
        "IAM roles trusted by GitHub Actions' OIDC provider require aud = sts.amazonaws.com (StringEquals), a sub condition naming one repository without wildcards in owner or name, and no ForAllValues/ForAnyValue operators.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([TYPES.role], (props, _args, report) => {
        const raw = props.assumeRolePolicy;
        let doc: any = raw;
        if (typeof raw === "string") {
            try {
                doc = JSON.parse(raw);
            } catch {
                // Only a document that mentions GitHub concerns this rule; AWS rejects the rest.
                if (raw.includes(GITHUB_OIDC_HOST)) report(`assumeRolePolicy: must be a JSON policy document, got ${shown(raw.slice(0, 80))}`);
                return;
            }
        }
        const statements = asArray(doc?.Statement);
        statements.forEach((statement: any, i) => {
            if (statement?.Effect !== "Allow" || !trustsGithub(statement)) return;
            const at = Array.isArray(doc.Statement) ? `assumeRolePolicy.Statement[${i}]` : "assumeRolePolicy.Statement";
            checkGithubStatement(statement, at, report);
        });
    }),
};

// ---------------------------------------------------------------------------
// Security groups of ECS tasks
//
// A security group resource does not say what it protects, so this is a stack rule: it
// finds the groups that ECS services place their tasks in, then checks every ingress that
// targets one of them (the group's inline `ingress`, separate SecurityGroupIngressRule
// resources and legacy SecurityGroupRule resources). Groups are joined two ways:
//   - by dependency: the service's `networkConfiguration(s)` property depends on the group,
//     and the ingress rule's `securityGroupId` property depends on it. Dependencies are known
//     during preview, so a violation is caught before anything is created;
//   - by id: the group's id (its `id`, or the last segment of its ARN) appears in the service's
//     security groups, or in the rule's `securityGroupId`. This covers groups passed as plain ids.
// A CIDR that is still unknown during preview is checked again by `pulumi up`.

function groupId(sg: PolicyResource): string | undefined {
    const id = read(() => sg.props.id);
    if (typeof id === "string") return id;
    const arn = read(() => sg.props.arn);
    return typeof arn === "string" ? arn.split("/").pop() : undefined;
}

/** The known strings of a string-or-list property; elements unknown during preview are skipped. */
function knownStrings(get: () => unknown): string[] {
    const v = read(get);
    if (v === UNKNOWN) return [];
    const list = asArray(v);
    const out: string[] = [];
    for (let i = 0; i < list.length; i++) {
        const x = read(() => list[i]);
        if (typeof x === "string") out.push(x);
    }
    return out;
}

/** How many elements a list property has (0 when absent or unknown during preview). */
function knownLength(get: () => unknown): number {
    const v = read(get);
    return v === UNKNOWN ? 0 : asArray(v).length;
}

/** The security groups that some ECS service runs its tasks in. */
export function taskSecurityGroups(resources: PolicyResource[]): PolicyResource[] {
    const groups = resources.filter((r) => r.type === TYPES.securityGroup);
    const urns = new Set<string>();
    const ids = new Set<string>();
    for (const r of resources) {
        let property: string;
        if (r.type === TYPES.service) {
            property = "networkConfiguration";
            knownStrings(() => r.props.networkConfiguration?.securityGroups).forEach((id) => ids.add(id));
        } else if (r.type === TYPES.expressService) {
            property = "networkConfigurations";
            for (let i = 0; i < knownLength(() => r.props.networkConfigurations); i++) {
                knownStrings(() => r.props.networkConfigurations[i]?.securityGroups).forEach((id) => ids.add(id));
            }
        } else {
            continue;
        }
        for (const dep of r.propertyDependencies?.[property] ?? []) if (dep.type === TYPES.securityGroup) urns.add(dep.urn);
    }
    return groups.filter((g) => urns.has(g.urn) || ids.has(groupId(g) ?? "\u0000"));
}

/** True when `rule`'s `securityGroupId` names `group`. */
function targets(rule: PolicyResource, group: PolicyResource): boolean {
    if ((rule.propertyDependencies?.securityGroupId ?? []).some((d) => d.urn === group.urn)) return true;
    const id = read(() => rule.props.securityGroupId);
    return typeof id === "string" && id === groupId(group);
}

const NO_CIDR = "allow the load balancer's security group instead";

export const ecsTaskNoCidrIngress: StackValidationPolicy = {
    name: "ecs-task-sg-no-cidr-ingress",
    description: "Security groups of ECS tasks accept no ingress from CIDR ranges; tasks are reached only through their load balancer's security group.",
    enforcementLevel: "mandatory",
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        for (const group of taskSecurityGroups(args.resources)) {
            const label = `ECS task security group ${JSON.stringify(group.name)}`;
            for (let i = 0; i < knownLength(() => group.props.ingress); i++) {
                for (const key of ["cidrBlocks", "ipv6CidrBlocks"]) {
                    const cidrs = knownStrings(() => group.props.ingress[i][key]);
                    if (cidrs.length) report(`ingress[${i}].${key}: must be empty on ${label} (${NO_CIDR} with securityGroups), got ${shown(cidrs)}`, group.urn);
                }
            }
            for (const rule of args.resources) {
                if (rule.type === TYPES.ingressRule && targets(rule, group)) {
                    for (const key of ["cidrIpv4", "cidrIpv6"]) {
                        const cidr = read(() => rule.props[key]);
                        if (typeof cidr === "string") report(`${key}: must be unset on an ingress rule of ${label} (${NO_CIDR} with referencedSecurityGroupId), got ${shown(cidr)}`, rule.urn);
                    }
                }
                if (rule.type === TYPES.securityGroupRule && read(() => rule.props.type) === "ingress" && targets(rule, group)) {
                    for (const key of ["cidrBlocks", "ipv6CidrBlocks"]) {
                        const cidrs = knownStrings(() => rule.props[key]);
                        if (cidrs.length) report(`${key}: must be empty on an ingress rule of ${label} (${NO_CIDR} with sourceSecurityGroupId), got ${shown(cidrs)}`, rule.urn);
                    }
                }
            }
        }
    },
};

// ---------------------------------------------------------------------------
// ECS services, logs, images

export const ecsCircuitBreaker: ResourceValidationPolicy = {
    name: "ecs-service-circuit-breaker",
    description: "ECS services behind a load balancer stop a failing deployment and roll back to the last healthy one.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([TYPES.service], (props, args, report) => {
        if (asArray(props.loadBalancers).length === 0) return args.notApplicable("the service has no load balancer");
        const controller = props.deploymentController?.type;
        if (controller !== undefined && controller !== "ECS") return args.notApplicable(`the circuit breaker needs the ECS deployment controller, not ${controller}`);
        const breaker = props.deploymentCircuitBreaker;
        if (breaker?.enable !== true || breaker?.rollback !== true) {
            report(`deploymentCircuitBreaker: must be {"enable":true,"rollback":true} for a service behind a load balancer, ${got(breaker, "no circuit breaker")}`);
        }
    }),
};

/** A task definition ARN with its revision: `arn:<partition>:ecs:<region>:<account>:task-definition/<family>:<n>`. */
const TASK_DEFINITION_REVISION = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]+:\d+$/;

export const scheduleRunsPinnedRevision: ResourceValidationPolicy = {
    name: "schedule-runs-pinned-revision",
    description: "A schedule that runs an ECS task names the task definition revision that was deployed, not a family whose latest revision anyone allowed to register one could change.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([TYPES.schedule], (props, args, report) => {
        const ecs = props.target?.ecsParameters;
        if (!ecs) return args.notApplicable("the schedule has no ECS target");
        // RunTask takes "family:revision" or a full ARN; a bare family runs the latest ACTIVE revision
        // (Amazon ECS API Reference, RunTask, taskDefinition).
        const arn = read(() => ecs.taskDefinitionArn);
        if (arn === UNKNOWN) return;
        if (typeof arn !== "string" || !TASK_DEFINITION_REVISION.test(arn)) {
            report(`target.ecsParameters.taskDefinitionArn: must name a revision (arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>), got ${shown(arn)}`);
        }
    }),
};

export const logGroupRetention: ResourceValidationPolicy = {
    name: "log-group-retention",
    description: "CloudWatch log groups set a retention period, so logs do not accumulate (and cost) forever.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([TYPES.logGroup], (props, _args, report) => {
        const days = props.retentionInDays;
        if (!(typeof days === "number" && days > 0)) {
            report(`retentionInDays: must be a number of days greater than 0, ${got(days, "to keep logs forever")}`);
        }
    }),
};

function checkImage(key: string, image: unknown, report: ReportViolation): void {
    if (typeof image !== "string" || !DIGEST.test(image)) report(`${key}: must be pinned by digest (${DIGEST_FORM}), got ${shown(image)}`);
}

export const imagePinnedByDigest: ResourceValidationPolicy = {
    name: "image-pinned-by-digest",
    description: "Task definitions and Express services run images by digest, never by a tag that can move.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([TYPES.taskDefinition, TYPES.expressService], (props, args, report) => {
        if (args.type === TYPES.expressService) {
            checkImage("primaryContainer.image", props.primaryContainer?.image, report);
            return;
        }
        const raw = props.containerDefinitions;
        let containers: unknown;
        try {
            containers = typeof raw === "string" ? JSON.parse(raw) : raw;
        } catch {
            containers = undefined;
        }
        if (!Array.isArray(containers)) {
            report(`containerDefinitions: must be a JSON array of container definitions, got ${shown(typeof raw === "string" ? raw.slice(0, 80) : raw)}`);
            return;
        }
        containers.forEach((c: any, i) => {
            const which = typeof c?.name === "string" ? ` (container ${JSON.stringify(c.name)})` : "";
            checkImage(`containerDefinitions[${i}].image${which}`, c?.image, report);
        });
    }),
};

// ---------------------------------------------------------------------------
// Target groups (advisory: slow, not unsafe)

/** AWS's default deregistration delay, in seconds (Elastic Load Balancing, "Deregistration delay"). */
export const AWS_DEFAULT_DEREGISTRATION_DELAY = 300;
/** AWS's default health-check interval for instance and ip targets, in seconds (ELB, "Health checks for target groups"). */
export const AWS_DEFAULT_HEALTH_CHECK_INTERVAL = 30;

export const targetGroupDeregistrationDelay: ResourceValidationPolicy = {
    name: "target-group-deregistration-delay",
    description: "Target groups drain old tasks within 60 seconds, so deployments do not wait minutes per task.",
    enforcementLevel: "advisory",
    validateResource: forTypes([TYPES.targetGroup, TYPES.albTargetGroup], (props, _args, report) => {
        const delay = props.deregistrationDelay;
        const seconds = delay === undefined || delay === null ? AWS_DEFAULT_DEREGISTRATION_DELAY : Number(delay);
        if (!(seconds <= 60)) report(`deregistrationDelay: should be at most 60 seconds, ${got(delay, `${AWS_DEFAULT_DEREGISTRATION_DELAY} seconds`)}`);
    }),
};

export const targetGroupHealthCheckInterval: ResourceValidationPolicy = {
    name: "health-check-interval",
    description: "Target group health checks run at most every 15 seconds, so new tasks become healthy and failing ones are replaced quickly.",
    enforcementLevel: "advisory",
    validateResource: forTypes([TYPES.targetGroup, TYPES.albTargetGroup], (props, args, report) => {
        if (props.targetType === "lambda") return args.notApplicable("Lambda targets are not health-checked by default");
        if (props.healthCheck?.enabled === false) return args.notApplicable("health checks are disabled");
        const interval = props.healthCheck?.interval;
        const seconds = interval === undefined || interval === null ? AWS_DEFAULT_HEALTH_CHECK_INTERVAL : Number(interval);
        if (!(seconds <= 15)) report(`healthCheck.interval: should be at most 15 seconds, ${got(interval, `${AWS_DEFAULT_HEALTH_CHECK_INTERVAL} seconds`)}`);
    }),
};

// ---------------------------------------------------------------------------
// Production releases (advisory: a choice, but one to make knowingly)

/** Stack names treated as production: `prod`, `production`, and those followed by `-<anything>`. */
export const PRODUCTION_STACK = /^(prod|production)(-|$)/;

/** The stack of a resource, from its URN `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOfUrn(urn: string): string | undefined {
    return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

export const productionDeploymentAlarms: ResourceValidationPolicy = {
    name: "production-deployment-alarms",
    description: "ECS services of a production stack release with deployment alarms that roll back, so a release that passes health checks but serves errors is undone, during the traffic shift or the bake.",
    enforcementLevel: "advisory",
    validateResource: forTypes([TYPES.service], (props, args, report) => {
        const stack = stackOfUrn(args.urn);
        if (!stack || !PRODUCTION_STACK.test(stack)) return args.notApplicable(`stack ${shown(stack)} is not a production stack (${PRODUCTION_STACK.source})`);
        // The deployment alarms watch the service's target groups (5xx, unhealthy hosts): a service with no load
        // balancer (a worker, components/worker/workerService.ts) has nothing for them to watch.
        const loadBalancers = read(() => props.loadBalancers);
        if (loadBalancers !== UNKNOWN && asArray(loadBalancers).length === 0) return args.notApplicable("the service has no load balancer (a worker): there is no target group for deployment alarms to watch");
        // Amazon ECS Developer Guide, "How CloudWatch alarms detect Amazon ECS deployment failures":
        // ECS watches the alarms in every deployment phase and rolls back when one fires with rollback on.
        const alarms = read(() => props.alarms);
        if (alarms === UNKNOWN) return;
        const names = asArray(alarms?.alarmNames);
        if (alarms?.enable !== true || alarms?.rollback !== true || names.length === 0) {
            const strategy = props.deploymentConfiguration?.strategy ?? "ROLLING";
            report(`alarms: should be {"alarmNames":[...],"enable":true,"rollback":true} in production stack ${shown(stack)}, so ECS rolls back a ${strategy} release that serves errors; ${got(alarms, "no deployment alarms")}`);
        }
    }),
};

/** Every rule of the ecs-ship pack, in the order they are reported. */
export const allRules: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    ecrImmutableTags,
    ecrScanOnPush,
    githubOidcTrust,
    ecsTaskNoCidrIngress,
    ecsCircuitBreaker,
    scheduleRunsPinnedRevision,
    logGroupRetention,
    imagePinnedByDigest,
    targetGroupDeregistrationDelay,
    targetGroupHealthCheckInterval,
    productionDeploymentAlarms,
];
