// The ecs-ship policy pack: each rule called directly with hand-built arguments, then
// every rule over the offline plans of both stacks.
//
// Never import policy/index.ts here: constructing a PolicyPack starts the analyzer server.
import { strict as assert } from "assert";
import * as path from "path";
import type {
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import * as rules from "../policy/rules";
import { TYPES, allRules } from "../policy/rules";
import { Plan, ROOT, plan } from "../tools/planner/planner";
import type { RecordedResource } from "../tools/planner/mockCloud";

// ---------------------------------------------------------------------------
// Calling rules as the policy runtime does

class NotApplicable extends Error {}

/** The sentinel the engine sends for a string that is unknown during preview. */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::ecs-ship::${type}::${name}`;
}

/** The argument bag the policy runtime passes to `validateResource`. */
function resourceArgs(type: string, props: Record<string, any>, name = "subject", urn = urnOf(type, name), parent?: string): ResourceValidationArgs {
    return {
        type,
        props,
        urn,
        name,
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
            parent,
        },
        stackTags: new Map(),
        isType: (cls) => (cls as any).__pulumiType === type,
        asType: ((cls: any) => (cls.__pulumiType === type ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/** Messages a resource rule reports, or "not applicable". */
async function check(rule: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<string[] | "not applicable"> {
    const messages: string[] = [];
    const validations = Array.isArray(rule.validateResource) ? rule.validateResource : [rule.validateResource!];
    try {
        for (const validate of validations) await validate(args, (message) => messages.push(message));
    } catch (e) {
        if (e instanceof NotApplicable) return "not applicable";
        throw e;
    }
    return messages;
}

function validate(rule: ResourceValidationPolicy, type: string, props: Record<string, any>) {
    return check(rule, resourceArgs(type, props));
}

/** A resource as a stack validation sees it. */
function stackResource(type: string, name: string, props: Record<string, any>, propertyDependencies: Record<string, PolicyResource[]> = {}): PolicyResource {
    return {
        type,
        name,
        props,
        urn: urnOf(type, name),
        opts: resourceArgs(type, props).opts,
        dependencies: Object.values(propertyDependencies).flat(),
        propertyDependencies,
        isType: (cls) => (cls as any).__pulumiType === type,
        asType: () => undefined,
    };
}

/** Violations a stack rule reports, each with the URN it names. */
async function checkStack(rule: StackValidationPolicy, resources: PolicyResource[]): Promise<{ message: string; urn?: string }[]> {
    const out: { message: string; urn?: string }[] = [];
    await rule.validateStack(
        {
            resources,
            stackTags: new Map(),
            getConfig: <T extends object>() => ({}) as T,
            notApplicable: (reason?: string): never => {
                throw new NotApplicable(reason);
            },
        },
        (message, urn) => out.push({ message, urn }),
    );
    return out;
}

// ---------------------------------------------------------------------------
// Rules, one by one

describe("policy rules", () => {
    describe("ecr-immutable-tags", () => {
        it("passes a repository with immutable tags", async () => {
            // GIVEN a repository with imageTagMutability IMMUTABLE
            // WHEN the rule validates it
            // THEN nothing is reported
            assert.deepEqual(await validate(rules.ecrImmutableTags, TYPES.repository, { imageTagMutability: "IMMUTABLE" }), []);
        });

        it("rejects mutable tags", async () => {
            // GIVEN a repository with imageTagMutability MUTABLE
            // WHEN the rule validates it
            // THEN it names the key, the allowed value and the value given
            assert.deepEqual(await validate(rules.ecrImmutableTags, TYPES.repository, { imageTagMutability: "MUTABLE" }), [
                `imageTagMutability: must be "IMMUTABLE", got "MUTABLE"`,
            ]);
        });

        it("rejects an unset mutability and names AWS's default", async () => {
            // GIVEN a repository that leaves imageTagMutability unset
            // WHEN the rule validates it
            // THEN the message says AWS would make tags mutable
            assert.deepEqual(await validate(rules.ecrImmutableTags, TYPES.repository, {}), [
                `imageTagMutability: must be "IMMUTABLE", got unset (AWS's default is "MUTABLE")`,
            ]);
        });

        it("does not apply to other resource types", async () => {
            // GIVEN a log group
            // WHEN the ECR rule is asked about it
            // THEN it reports itself not applicable instead of passing or failing it
            assert.equal(await validate(rules.ecrImmutableTags, TYPES.logGroup, {}), "not applicable");
        });
    });

    describe("ecr-scan-on-push", () => {
        it("passes a repository that scans on push", async () => {
            // GIVEN scanOnPush true
            // WHEN the rule validates the repository
            // THEN nothing is reported
            assert.deepEqual(await validate(rules.ecrScanOnPush, TYPES.repository, { imageScanningConfiguration: { scanOnPush: true } }), []);
        });

        it("rejects scanOnPush false", async () => {
            // GIVEN scanOnPush false
            // WHEN the rule validates the repository
            // THEN it names the key, the allowed value and the value given
            assert.deepEqual(await validate(rules.ecrScanOnPush, TYPES.repository, { imageScanningConfiguration: { scanOnPush: false } }), [
                "imageScanningConfiguration.scanOnPush: must be true, got false",
            ]);
        });

        it("rejects a repository without a scanning configuration", async () => {
            // GIVEN no imageScanningConfiguration
            // WHEN the rule validates the repository
            // THEN the message names AWS's default (no scan)
            assert.deepEqual(await validate(rules.ecrScanOnPush, TYPES.repository, {}), [
                "imageScanningConfiguration.scanOnPush: must be true, got unset (AWS's default is false)",
            ]);
        });
    });

    describe("github-oidc-trust", () => {
        const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
        const AUD = "token.actions.githubusercontent.com:aud";
        const SUB = "token.actions.githubusercontent.com:sub";
        const trust = (condition: Record<string, any>) => ({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Federated: PROVIDER }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }],
        });
        const role = (condition: Record<string, any>) => validate(rules.githubOidcTrust, TYPES.role, { assumeRolePolicy: JSON.stringify(trust(condition)) });
        const GOOD = { StringEquals: { [AUD]: "sts.amazonaws.com", [SUB]: ["repo:acme/shop:ref:refs/heads/main", "repo:acme/shop:environment:production"] } };

        it("passes the deploy role's trust: aud and exact subjects under StringEquals", async () => {
            // GIVEN a trust policy (JSON text) with aud = sts.amazonaws.com and exact sub values
            // WHEN the rule validates the role
            // THEN nothing is reported
            assert.deepEqual(await role(GOOD), []);
        });

        it("passes a trust policy given as an object rather than JSON text", async () => {
            // GIVEN the same trust policy as an object
            // WHEN the rule validates the role
            // THEN nothing is reported
            assert.deepEqual(await validate(rules.githubOidcTrust, TYPES.role, { assumeRolePolicy: trust(GOOD) }), []);
        });

        it("passes a StringLike sub whose wildcard is only in the context", async () => {
            // GIVEN sub "repo:acme/shop:ref:refs/heads/*" under StringLike
            // WHEN the rule validates the role
            // THEN nothing is reported: owner and repository are exact
            assert.deepEqual(await role({ StringEquals: { [AUD]: "sts.amazonaws.com" }, StringLike: { [SUB]: "repo:acme/shop:ref:refs/heads/*" } }), []);
        });

        it("ignores roles trusted by an AWS service", async () => {
            // GIVEN an ECS task role trusted by ecs-tasks.amazonaws.com
            // WHEN the rule validates it
            // THEN nothing is reported
            const assumeRolePolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] });
            assert.deepEqual(await validate(rules.githubOidcTrust, TYPES.role, { assumeRolePolicy }), []);
        });

        it("rejects a trust without an aud condition", async () => {
            // GIVEN only a sub condition
            // WHEN the rule validates the role
            // THEN it asks for aud = sts.amazonaws.com under StringEquals
            assert.deepEqual(await role({ StringEquals: { [SUB]: "repo:acme/shop:ref:refs/heads/main" } }), [
                `assumeRolePolicy.Statement[0].Condition.StringEquals["${AUD}"]: must be "sts.amazonaws.com", got unset`,
            ]);
        });

        it("rejects an aud condition with another audience", async () => {
            // GIVEN aud = "sigstore"
            // WHEN the rule validates the role
            // THEN it names the value given
            assert.deepEqual(await role({ StringEquals: { [AUD]: "sigstore", [SUB]: "repo:acme/shop:ref:refs/heads/main" } }), [
                `assumeRolePolicy.Statement[0].Condition.StringEquals["${AUD}"]: must be "sts.amazonaws.com", got "sigstore"`,
            ]);
        });

        it("rejects a trust without a sub condition", async () => {
            // GIVEN only an aud condition: any repository on GitHub could assume the role
            // WHEN the rule validates the role
            // THEN it asks for a sub naming one repository
            assert.deepEqual(await role({ StringEquals: { [AUD]: "sts.amazonaws.com" } }), [
                `assumeRolePolicy.Statement[0].Condition.StringEquals["${SUB}"]: must be "repo:<owner>/<name>:<context>" with no wildcard in owner or name, got unset`,
            ]);
        });

        it("rejects a wildcard in the repository owner", async () => {
            // GIVEN sub "repo:*/shop:ref:refs/heads/main" under StringLike
            // WHEN the rule validates the role
            // THEN it names the operator, the key and the value given
            assert.deepEqual(await role({ StringEquals: { [AUD]: "sts.amazonaws.com" }, StringLike: { [SUB]: "repo:*/shop:ref:refs/heads/main" } }), [
                `assumeRolePolicy.Statement[0].Condition.StringLike["${SUB}"]: must be "repo:<owner>/<name>:<context>" with no wildcard in owner or name, got "repo:*/shop:ref:refs/heads/main"`,
            ]);
        });

        it("rejects a wildcard in the repository name", async () => {
            // GIVEN sub "repo:acme/*" under StringLike (every repository of the owner, any ref)
            // WHEN the rule validates the role
            // THEN it names the value given
            assert.deepEqual(await role({ StringEquals: { [AUD]: "sts.amazonaws.com" }, StringLike: { [SUB]: "repo:acme/*" } }), [
                `assumeRolePolicy.Statement[0].Condition.StringLike["${SUB}"]: must be "repo:<owner>/<name>:<context>" with no wildcard in owner or name, got "repo:acme/*"`,
            ]);
        });

        it("rejects ForAllValues operators", async () => {
            // GIVEN sub under ForAllValues:StringEquals (true when the claim is missing)
            // WHEN the rule validates the role
            // THEN it rejects the operator, and the sub it hides is missing
            assert.deepEqual(await role({ StringEquals: { [AUD]: "sts.amazonaws.com" }, "ForAllValues:StringEquals": { [SUB]: "repo:acme/shop:ref:refs/heads/main" } }), [
                `assumeRolePolicy.Statement[0].Condition: must not use ForAllValues or ForAnyValue (GitHub's claims are single-valued, and ForAllValues matches when the claim is missing), got "ForAllValues:StringEquals"`,
                `assumeRolePolicy.Statement[0].Condition.StringEquals["${SUB}"]: must be "repo:<owner>/<name>:<context>" with no wildcard in owner or name, got unset`,
            ]);
        });

        it("rejects ForAnyValue operators", async () => {
            // GIVEN an extra ForAnyValue:StringLike condition beside a valid trust
            // WHEN the rule validates the role
            // THEN it rejects the operator
            assert.deepEqual(await role({ ...GOOD, "ForAnyValue:StringLike": { [SUB]: "repo:acme/*" } }), [
                `assumeRolePolicy.Statement[0].Condition: must not use ForAllValues or ForAnyValue (GitHub's claims are single-valued, and ForAllValues matches when the claim is missing), got "ForAnyValue:StringLike"`,
            ]);
        });
    });

    describe("ecs-task-sg-no-cidr-ingress", () => {
        // The prod shape: an ALB open to the internet, tasks reachable only from the ALB.
        const albSg = stackResource(TYPES.securityGroup, "web-alb", { arn: "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0a1" });
        const taskSg = stackResource(TYPES.securityGroup, "web-tasks", { arn: "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0b2" });
        const albHttp = stackResource(TYPES.ingressRule, "web-alb-http", { securityGroupId: "sg-0a1", cidrIpv4: "0.0.0.0/0", fromPort: 80, toPort: 80, ipProtocol: "tcp" }, { securityGroupId: [albSg] });
        const fromAlb = stackResource(TYPES.ingressRule, "web-tasks-from-alb", { securityGroupId: "sg-0b2", referencedSecurityGroupId: "sg-0a1", fromPort: 8080, toPort: 8080, ipProtocol: "tcp" }, { securityGroupId: [taskSg], referencedSecurityGroupId: [albSg] });
        const service = (deps: PolicyResource[] = [taskSg], groups: string[] = ["sg-0b2"]) =>
            stackResource(TYPES.service, "web", { loadBalancers: [{ containerPort: 8080 }], networkConfiguration: { subnets: ["subnet-1"], securityGroups: groups } }, { networkConfiguration: deps });

        it("passes tasks reachable only from the load balancer, beside an ALB open to the internet", async () => {
            // GIVEN an ALB group open on 80 and a task group that admits only the ALB's group
            // WHEN the stack rule runs
            // THEN nothing is reported: the ALB's group is not a task group
            assert.deepEqual(await checkStack(rules.ecsTaskNoCidrIngress, [albSg, taskSg, albHttp, fromAlb, service()]), []);
        });

        it("rejects a CIDR ingress rule on the tasks' group, joined by dependency", async () => {
            // GIVEN an ingress rule 0.0.0.0/0 whose securityGroupId depends on the task group
            // WHEN the stack rule runs
            // THEN the rule resource is reported with the key, what to do and the CIDR
            const open = stackResource(TYPES.ingressRule, "web-tasks-open", { securityGroupId: "sg-0b2", cidrIpv4: "0.0.0.0/0" }, { securityGroupId: [taskSg] });
            assert.deepEqual(await checkStack(rules.ecsTaskNoCidrIngress, [albSg, taskSg, fromAlb, open, service()]), [
                {
                    message: `cidrIpv4: must be unset on an ingress rule of ECS task security group "web-tasks" (allow the load balancer's security group instead with referencedSecurityGroupId), got "0.0.0.0/0"`,
                    urn: open.urn,
                },
            ]);
        });

        it("rejects an IPv6 CIDR ingress rule on the tasks' group, joined by id", async () => {
            // GIVEN a rule and a service that name the task group only by id (no dependencies)
            // WHEN the stack rule runs
            // THEN the id taken from the group's ARN joins them, and the rule is reported
            const open = stackResource(TYPES.ingressRule, "web-tasks-v6", { securityGroupId: "sg-0b2", cidrIpv6: "::/0" });
            assert.deepEqual(await checkStack(rules.ecsTaskNoCidrIngress, [taskSg, open, service([])]), [
                {
                    message: `cidrIpv6: must be unset on an ingress rule of ECS task security group "web-tasks" (allow the load balancer's security group instead with referencedSecurityGroupId), got "::/0"`,
                    urn: open.urn,
                },
            ]);
        });

        it("rejects inline CIDR ingress on the tasks' group", async () => {
            // GIVEN a task group with an inline ingress block open to 10.0.0.0/8
            // WHEN the stack rule runs
            // THEN the group itself is reported
            const inline = stackResource(TYPES.securityGroup, "web-tasks", { arn: taskSg.props.arn, ingress: [{ fromPort: 8080, toPort: 8080, protocol: "tcp", cidrBlocks: ["10.0.0.0/8"] }] });
            assert.deepEqual(await checkStack(rules.ecsTaskNoCidrIngress, [inline, service([inline])]), [
                {
                    message: `ingress[0].cidrBlocks: must be empty on ECS task security group "web-tasks" (allow the load balancer's security group instead with securityGroups), got ["10.0.0.0/8"]`,
                    urn: inline.urn,
                },
            ]);
        });

        it("rejects a legacy SecurityGroupRule of type ingress with CIDRs on the tasks' group", async () => {
            // GIVEN an aws.ec2.SecurityGroupRule (type ingress) open to 0.0.0.0/0 on the task group
            // WHEN the stack rule runs
            // THEN the rule is reported
            const legacy = stackResource(TYPES.securityGroupRule, "web-tasks-legacy", { type: "ingress", securityGroupId: "sg-0b2", cidrBlocks: ["0.0.0.0/0"] }, { securityGroupId: [taskSg] });
            assert.deepEqual(await checkStack(rules.ecsTaskNoCidrIngress, [taskSg, legacy, service()]), [
                {
                    message: `cidrBlocks: must be empty on an ingress rule of ECS task security group "web-tasks" (allow the load balancer's security group instead with sourceSecurityGroupId), got ["0.0.0.0/0"]`,
                    urn: legacy.urn,
                },
            ]);
        });

        it("finds the tasks' group of an Express service", async () => {
            // GIVEN an Express service whose networkConfigurations name a group with a CIDR rule
            // WHEN the stack rule runs
            // THEN the rule is reported
            const open = stackResource(TYPES.ingressRule, "api-open", { securityGroupId: "sg-0b2", cidrIpv4: "203.0.113.0/24" }, { securityGroupId: [taskSg] });
            const express = stackResource(TYPES.expressService, "api", { networkConfigurations: [{ subnets: ["subnet-1", "subnet-2"], securityGroups: ["sg-0b2"] }] });
            assert.deepEqual(await checkStack(rules.ecsTaskNoCidrIngress, [taskSg, open, express]), [
                {
                    message: `cidrIpv4: must be unset on an ingress rule of ECS task security group "web-tasks" (allow the load balancer's security group instead with referencedSecurityGroupId), got "203.0.113.0/24"`,
                    urn: open.urn,
                },
            ]);
        });

        it("still rejects during preview, when ids are unknown, through dependencies", async () => {
            // GIVEN a preview: the group's id and ARN, the rule's securityGroupId and the
            //       service's groups are all unknown (as the policy runtime presents them)
            // WHEN the stack rule runs
            // THEN the dependency join alone reports the open rule, before anything is created
            const sg = stackResource(TYPES.securityGroup, "web-tasks", unknownCheckingProxy({ arn: UNKNOWN_STRING, id: UNKNOWN_STRING }));
            const open = stackResource(TYPES.ingressRule, "web-tasks-open", unknownCheckingProxy({ securityGroupId: UNKNOWN_STRING, cidrIpv4: "0.0.0.0/0" }), { securityGroupId: [sg] });
            const svc = stackResource(TYPES.service, "web", unknownCheckingProxy({ networkConfiguration: { securityGroups: [UNKNOWN_STRING] } }), { networkConfiguration: [sg] });
            assert.deepEqual((await checkStack(rules.ecsTaskNoCidrIngress, [sg, open, svc])).map((v) => v.urn), [open.urn]);
        });
    });

    describe("schedule-runs-pinned-revision", () => {
        const TD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/ecs-ship-prod-clear-sessions-job";
        it("passes a schedule whose ECS target names a revision, and skips a schedule with no ECS target", async () => {
            assert.deepEqual(await validate(rules.scheduleRunsPinnedRevision, TYPES.schedule, { target: { ecsParameters: { taskDefinitionArn: `${TD}:12` } } }), []);
            assert.equal(await validate(rules.scheduleRunsPinnedRevision, TYPES.schedule, { target: { arn: "arn:aws:sqs:eu-west-1:123456789012:q" } }), "not applicable");
        });

        it("rejects a bare family, which would run whatever revision is latest", async () => {
            assert.deepEqual(await validate(rules.scheduleRunsPinnedRevision, TYPES.schedule, { target: { ecsParameters: { taskDefinitionArn: TD } } }), [
                `target.ecsParameters.taskDefinitionArn: must name a revision (arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>), got "${TD}"`,
            ]);
        });
    });

    describe("ecs-service-circuit-breaker", () => {
        const lb = { loadBalancers: [{ targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123", containerName: "web", containerPort: 8080 }] };

        it("passes a load-balanced service with circuit breaker and rollback", async () => {
            // GIVEN deploymentCircuitBreaker { enable: true, rollback: true }
            // WHEN the rule validates the service
            // THEN nothing is reported
            assert.deepEqual(await validate(rules.ecsCircuitBreaker, TYPES.service, { ...lb, deploymentCircuitBreaker: { enable: true, rollback: true } }), []);
        });

        it("rejects a load-balanced service without a circuit breaker", async () => {
            // GIVEN no deploymentCircuitBreaker
            // WHEN the rule validates the service
            // THEN it says what to set
            assert.deepEqual(await validate(rules.ecsCircuitBreaker, TYPES.service, lb), [
                `deploymentCircuitBreaker: must be {"enable":true,"rollback":true} for a service behind a load balancer, got unset (AWS's default is no circuit breaker)`,
            ]);
        });

        it("rejects a circuit breaker without rollback", async () => {
            // GIVEN enable true, rollback false: a failed deployment stops but is not undone
            // WHEN the rule validates the service
            // THEN it names the value given
            assert.deepEqual(await validate(rules.ecsCircuitBreaker, TYPES.service, { ...lb, deploymentCircuitBreaker: { enable: true, rollback: false } }), [
                `deploymentCircuitBreaker: must be {"enable":true,"rollback":true} for a service behind a load balancer, got {"enable":true,"rollback":false}`,
            ]);
        });

        it("does not apply to a service without a load balancer", async () => {
            // GIVEN a service with no loadBalancers
            // WHEN the rule validates it
            // THEN it is not applicable
            assert.equal(await validate(rules.ecsCircuitBreaker, TYPES.service, {}), "not applicable");
        });
    });

    describe("log-group-retention", () => {
        it("passes a log group with retention", async () => {
            // GIVEN retentionInDays 14
            // WHEN the rule validates the log group
            // THEN nothing is reported
            assert.deepEqual(await validate(rules.logGroupRetention, TYPES.logGroup, { retentionInDays: 14 }), []);
        });

        it("rejects a log group without retention", async () => {
            // GIVEN retentionInDays unset
            // WHEN the rule validates the log group
            // THEN it says logs would be kept forever
            assert.deepEqual(await validate(rules.logGroupRetention, TYPES.logGroup, {}), [
                "retentionInDays: must be a number of days greater than 0, got unset (AWS's default is to keep logs forever)",
            ]);
        });

        it("rejects retention 0, which the provider treats as never expire", async () => {
            // GIVEN retentionInDays 0
            // WHEN the rule validates the log group
            // THEN it names the value given
            assert.deepEqual(await validate(rules.logGroupRetention, TYPES.logGroup, { retentionInDays: 0 }), [
                "retentionInDays: must be a number of days greater than 0, got 0",
            ]);
        });
    });

    describe("image-pinned-by-digest", () => {
        const DIGEST = `123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-prod-web@sha256:${"ab".repeat(32)}`;
        const FORM = `"<repository>@sha256:<64 hex digits>"`;
        const taskDefinition = (image: string) => ({ containerDefinitions: JSON.stringify([{ name: "web", image, essential: true }]) });

        it("passes a task definition whose images are pinned by digest", async () => {
            // GIVEN one container with image <repo>@sha256:<64 hex>
            // WHEN the rule validates the task definition
            // THEN nothing is reported
            assert.deepEqual(await validate(rules.imagePinnedByDigest, TYPES.taskDefinition, taskDefinition(DIGEST)), []);
        });

        it("rejects a task definition image referenced by tag", async () => {
            // GIVEN image ...:3f2a1bc (a tag)
            // WHEN the rule validates the task definition
            // THEN it names the container, the allowed form and the image given
            const tagged = "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-prod-web:3f2a1bc";
            assert.deepEqual(await validate(rules.imagePinnedByDigest, TYPES.taskDefinition, taskDefinition(tagged)), [
                `containerDefinitions[0].image (container "web"): must be pinned by digest (${FORM}), got "${tagged}"`,
            ]);
        });

        it("rejects a truncated digest", async () => {
            // GIVEN "@sha256:" followed by only 12 hex digits
            // WHEN the rule validates the task definition
            // THEN it is not accepted as a digest
            const short = "ecs-ship-prod-web@sha256:abcdefabcdef";
            assert.deepEqual(await validate(rules.imagePinnedByDigest, TYPES.taskDefinition, taskDefinition(short)), [
                `containerDefinitions[0].image (container "web"): must be pinned by digest (${FORM}), got "${short}"`,
            ]);
        });

        it("rejects containerDefinitions that are not a JSON array", async () => {
            // GIVEN containerDefinitions that is not JSON
            // WHEN the rule validates the task definition
            // THEN it says what shape is expected
            assert.deepEqual(await validate(rules.imagePinnedByDigest, TYPES.taskDefinition, { containerDefinitions: "{oops" }), [
                `containerDefinitions: must be a JSON array of container definitions, got "{oops"`,
            ]);
        });

        it("passes an Express service whose primary container is pinned by digest", async () => {
            // GIVEN primaryContainer.image <repo>@sha256:<64 hex>
            // WHEN the rule validates the Express service
            // THEN nothing is reported
            assert.deepEqual(await validate(rules.imagePinnedByDigest, TYPES.expressService, { primaryContainer: { image: DIGEST, containerPort: 8080 } }), []);
        });

        it("rejects an Express service whose primary container uses a tag", async () => {
            // GIVEN primaryContainer.image nginx:latest
            // WHEN the rule validates the Express service
            // THEN it names primaryContainer.image
            assert.deepEqual(await validate(rules.imagePinnedByDigest, TYPES.expressService, { primaryContainer: { image: "nginx:latest" } }), [
                `primaryContainer.image: must be pinned by digest (${FORM}), got "nginx:latest"`,
            ]);
        });
    });

    describe("target-group-deregistration-delay (advisory)", () => {
        it("passes a delay of 30 seconds", async () => {
            // GIVEN deregistrationDelay 30 (the value FargateService sets)
            // WHEN the rule validates the target group
            // THEN nothing is reported
            assert.deepEqual(await validate(rules.targetGroupDeregistrationDelay, TYPES.targetGroup, { deregistrationDelay: 30 }), []);
        });

        it("warns about AWS's default delay when unset", async () => {
            // GIVEN deregistrationDelay unset (AWS's default is 300 s: Elastic Load Balancing
            //       User Guide for ALBs, "Deregistration delay")
            // WHEN the rule validates the target group
            // THEN it names the default
            assert.deepEqual(await validate(rules.targetGroupDeregistrationDelay, TYPES.targetGroup, {}), [
                "deregistrationDelay: should be at most 60 seconds, got unset (AWS's default is 300 seconds)",
            ]);
        });

        it("warns about a delay over 60 seconds", async () => {
            // GIVEN deregistrationDelay 120
            // WHEN the rule validates the target group
            // THEN it names the value given
            assert.deepEqual(await validate(rules.targetGroupDeregistrationDelay, TYPES.targetGroup, { deregistrationDelay: 120 }), [
                "deregistrationDelay: should be at most 60 seconds, got 120",
            ]);
        });
    });

    describe("health-check-interval (advisory)", () => {
        it("passes an interval of 10 seconds", async () => {
            // GIVEN healthCheck.interval 10 (the value FargateService sets)
            // WHEN the rule validates the target group
            // THEN nothing is reported
            assert.deepEqual(await validate(rules.targetGroupHealthCheckInterval, TYPES.targetGroup, { healthCheck: { interval: 10 } }), []);
        });

        it("warns about AWS's default interval when unset", async () => {
            // GIVEN no interval (AWS's default for instance and ip targets is 30 s: Elastic Load
            //       Balancing User Guide for ALBs, "Health checks for target groups")
            // WHEN the rule validates the target group
            // THEN it names the default
            assert.deepEqual(await validate(rules.targetGroupHealthCheckInterval, TYPES.targetGroup, { healthCheck: { path: "/health" } }), [
                "healthCheck.interval: should be at most 15 seconds, got unset (AWS's default is 30 seconds)",
            ]);
        });

        it("warns about an interval over 15 seconds", async () => {
            // GIVEN healthCheck.interval 30
            // WHEN the rule validates the target group
            // THEN it names the value given
            assert.deepEqual(await validate(rules.targetGroupHealthCheckInterval, TYPES.targetGroup, { healthCheck: { interval: 30 } }), [
                "healthCheck.interval: should be at most 15 seconds, got 30",
            ]);
        });
    });

    describe("the rule set", () => {
        it("has unique names", () => {
            // GIVEN every rule of the pack
            // WHEN their names are compared
            // THEN none repeats (the engine keys configuration and results by name)
            const names = allRules.map((r) => r.name);
            assert.deepEqual([...new Set(names)], names);
        });

        it("is mandatory for safety and advisory for speed, as issue 8 lists them", () => {
            // GIVEN every rule of the pack
            // WHEN their enforcement levels are read
            // THEN exactly the two target-group rules are advisory
            assert.deepEqual(Object.fromEntries(allRules.map((r) => [r.name, r.enforcementLevel])), {
                "ecr-immutable-tags": "mandatory",
                "ecr-scan-on-push": "mandatory",
                "github-oidc-trust": "mandatory",
                "ecs-task-sg-no-cidr-ingress": "mandatory",
                "ecs-service-circuit-breaker": "mandatory",
                "schedule-runs-pinned-revision": "mandatory",
                "log-group-retention": "mandatory",
                "image-pinned-by-digest": "mandatory",
                "target-group-deregistration-delay": "advisory",
                "health-check-interval": "advisory",
                "production-deployment-alarms": "advisory",
            });
        });
    });
});

// ---------------------------------------------------------------------------
// Every rule over both stacks' offline plans

interface Finding {
    rule: string;
    level: string;
    resource: string;
    message: string;
}

interface Evaluation {
    findings: Finding[];
    /** Rule name -> how many planned resources the rule applied to. */
    applied: Map<string, number>;
}

/**
 * Runs every rule over a plan the way the engine would during `pulumi up`: resource rules
 * get each resource's inputs (Outputs resolved), the stack rule gets every resource's state.
 * The mock records dependencies per resource, not per property, so the stack rule joins
 * security groups by id here (the dependency join is covered by the tests above).
 */
async function evaluate(p: Plan): Promise<Evaluation> {
    const findings: Finding[] = [];
    const applied = new Map<string, number>(allRules.map((r) => [r.name, 0]));
    const custom = p.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    for (const rule of allRules) {
        if ("validateResource" in rule) {
            for (const r of custom) {
                const result = await check(rule, resourceArgs(r.type, r.inputs, r.name, r.urn, r.parent ?? undefined));
                if (result === "not applicable") continue;
                applied.set(rule.name, applied.get(rule.name)! + 1);
                for (const message of result) findings.push({ rule: rule.name, level: rule.enforcementLevel!, resource: `${r.type} ${r.name}`, message });
            }
        }
        if ("validateStack" in rule) {
            const resources = custom.map((r: RecordedResource) => stackResource(r.type, r.name, r.state));
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            applied.set(rule.name, rules.taskSecurityGroups(resources).length);
            for (const v of await checkStack(rule, resources)) {
                const r = v.urn ? byUrn.get(v.urn) : undefined;
                findings.push({ rule: rule.name, level: rule.enforcementLevel!, resource: r ? `${r.type} ${r.name}` : "(stack)", message: v.message });
            }
        }
    }
    return { findings, applied };
}

function listed(findings: Finding[]): string {
    return findings.map((f) => `  [${f.level}] ${f.rule} on ${f.resource}: ${f.message}`).join("\n");
}

describe("policy over both stacks' plans", function () {
    this.timeout(180000);
    const evaluations: Record<string, Evaluation> = {};
    const plans: Record<string, Plan> = {};

    before(async () => {
        for (const stack of ["dev", "prod"]) {
            plans[stack] = await plan(stack, { env: { GITHUB_SHA: "3f2a1bc9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3" } });
            evaluations[stack] = await evaluate(plans[stack]);
        }
        // A stack with a worker and a scheduled job (test/scenarios/django), for the rules on schedules.
        plans.django = await plan("prod", { env: { GITHUB_SHA: "3f2a1bc9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3" }, stackFile: path.join(ROOT, "test", "scenarios", "django", "Pulumi.prod.yaml") });
        evaluations.django = await evaluate(plans.django);
    });

    for (const stack of ["dev", "prod", "django"]) {
        it(`${stack}: reports zero mandatory violations`, () => {
            // GIVEN the offline plan of the stack (the real index.ts under mocks)
            // WHEN every rule runs over every planned resource
            // THEN no mandatory rule is violated
            const mandatory = evaluations[stack].findings.filter((f) => f.level === "mandatory");
            assert.equal(mandatory.length, 0, `mandatory violations in ${stack}:\n${listed(mandatory)}`);
        });

        it(`${stack}: reports zero advisory violations (the shipped settings are the fast ones)`, () => {
            // GIVEN the offline plan of the stack
            // WHEN the advisory rules run
            // THEN none is reported: FargateService sets a 30 s delay and a 10 s interval
            const advisory = evaluations[stack].findings.filter((f) => f.level === "advisory");
            assert.equal(advisory.length, 0, `advisory violations in ${stack}:\n${listed(advisory)}`);
        });
    }

    // -----------------------------------------------------------------------
    // COMPOSITION GUARD: these fail until index.ts composes the components. They keep
    // the "zero violations" tests above from passing on plans that contain nothing.
    describe("COMPOSITION GUARD: the plans contain what the rules target", () => {
        const count = (stack: string, type: string) => plans[stack].resources.filter((r) => r.type === type).length;
        const githubRoles = (stack: string) =>
            plans[stack].resources.filter((r) => r.type === TYPES.role && String(JSON.stringify(r.inputs.assumeRolePolicy ?? "")).includes(rules.GITHUB_OIDC_HOST)).length;

        for (const stack of ["dev", "prod"]) {
            it(`${stack}: has an ECR repository`, () => {
                // GIVEN the stack's plan  WHEN its resources are counted  THEN an ECR repository is among them
                assert.ok(count(stack, TYPES.repository) >= 1, `no ${TYPES.repository} in ${stack}`);
            });

            it(`${stack}: has an IAM role trusted by GitHub's OIDC provider`, () => {
                // GIVEN the stack's plan  WHEN its roles are read  THEN one trusts token.actions.githubusercontent.com
                assert.ok(githubRoles(stack) >= 1, `no GitHub-trusted ${TYPES.role} in ${stack}`);
            });

            it(`${stack}: has a log group`, () => {
                // GIVEN the stack's plan  WHEN its resources are counted  THEN a log group is among them
                assert.ok(count(stack, TYPES.logGroup) >= 1, `no ${TYPES.logGroup} in ${stack}`);
            });
        }

        it("dev: has an Express service", () => {
            // GIVEN dev's plan (mode: express)  WHEN its resources are counted  THEN one Express service exists
            assert.equal(count("dev", TYPES.expressService), 1);
        });

        it("prod: has a Fargate service behind a load balancer, its task definition and target group", () => {
            // GIVEN prod's plan (mode: fargate)  WHEN its resources are counted
            // THEN one ECS service with loadBalancers, one task definition and one target group exist
            const services = plans.prod.resources.filter((r) => r.type === TYPES.service);
            assert.deepEqual(services.map((s) => (s.inputs.loadBalancers ?? []).length > 0), [true]);
            assert.equal(count("prod", TYPES.taskDefinition), 1);
            assert.equal(count("prod", TYPES.targetGroup), 1);
        });

        it("prod: the task security group is found, so the ingress rule is exercised", () => {
            // GIVEN prod's plan  WHEN the stack rule looks for the groups ECS tasks run in
            // THEN it finds at least one
            assert.ok(evaluations.prod.applied.get("ecs-task-sg-no-cidr-ingress")! >= 1, "no ECS task security group found in prod");
        });

        it("every rule applies to at least one planned resource across both stacks", () => {
            // GIVEN the three plans  WHEN every rule runs
            // THEN none was vacuous: each rule was applicable somewhere
            const idle = allRules.map((r) => r.name).filter((name) => ["dev", "prod", "django"].reduce((n, st) => n + evaluations[st].applied.get(name)!, 0) === 0);
            assert.deepEqual(idle, []);
        });
    });
});
