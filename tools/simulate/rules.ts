// What AWS enforces at each step of an update, one entry per rule, each with the page or provider
// file that proves it. tools/simulate/account.ts applies them; docs/update-simulator.md lists them.
const TF = "Terraform AWS provider, internal/service/";
const ELB_API = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/";

export interface Rule {
    id: string;
    /** The rule in one sentence, as AWS applies it. */
    says: string;
    /** The error code AWS answers with, or what goes wrong when AWS accepts the step. */
    code: string;
    /**
     * refused: AWS answers the call with an error and `pulumi up` stops half-way.
     * broken: AWS accepts the call, and the account is then not what the stack file says.
     */
    kind: "refused" | "broken";
    source: string;
}

export const RULES = {
    targetGroupOneLoadBalancer: {
        id: "target-group-one-load-balancer",
        says: "a target group serves one load balancer: a listener or rule on a second load balancer cannot forward to it",
        code: "TargetGroupAssociationLimit",
        kind: "refused",
        source: `Application Load Balancers User Guide, quotas: "Load balancers per target group: 1" (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html); ${ELB_API}API_CreateRule.html and API_CreateListener.html, TargetGroupAssociationLimit`,
    },
    rulePriorityUnique: {
        id: "rule-priority-unique",
        says: "rule priorities are unique per listener, at create and at SetRulePriorities",
        code: "PriorityInUse",
        kind: "refused",
        source: `${ELB_API}API_CreateRule.html and API_SetRulePriorities.html (PriorityInUse); ${TF}elbv2/listener_rule.go (a create with an explicit priority is not retried)`,
    },
    listenerPortUnique: {
        id: "listener-port-unique",
        says: "listener ports are unique per load balancer",
        code: "DuplicateListener",
        kind: "refused",
        source: `${ELB_API}API_CreateListener.html (DuplicateListener: "A listener with the specified port already exists")`,
    },
    fixedNameUnique: {
        id: "fixed-name-unique",
        says: "a fixed physical name is unique per type while the old resource exists; an Express service name stays taken while the service is DRAINING or INACTIVE",
        code: "AlreadyExists",
        kind: "refused",
        source: `the name arguments of tools/planner/replacements.ts REPLACE_RULES, each with its provider file; ${TF}ecs/express_gateway_service.go (checkExpressGatewayServiceExists finds DRAINING and INACTIVE services)`,
    },
    recordSetUnique: {
        id: "record-set-unique",
        says: "a Route 53 record set is one per zone, name and type: a CREATE of a taken one fails unless allowOverwrite makes it an UPSERT",
        code: "InvalidChangeBatch",
        kind: "refused",
        source: `Route 53 API Reference, ChangeResourceRecordSets (CREATE "returns an error if a record set already exists"; UPSERT) https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html; ${TF}route53/record.go (allow_overwrite → UPSERT)`,
    },
    recordDeleteRemovesHolder: {
        id: "record-delete-removes-holder",
        says: "deleting a record resource removes whatever record set holds its zone, name and type, also one another resource wrote since",
        code: "record set of a live resource deleted",
        kind: "broken",
        source: `${TF}route53/record.go (resourceRecordDelete → findResourceRecordSetByFourPartKey: the live record set is read and deleted)`,
    },
    acmValidationRecordNeeded: {
        id: "acm-validation-record-needed",
        says: "ACM's validation CNAME is one per domain name in an account, and every certificate of that name needs it to renew",
        code: "certificate cannot renew",
        kind: "broken",
        source: "AWS Certificate Manager User Guide, DNS validation and renewal (https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html, https://docs.aws.amazon.com/acm/latest/userguide/dns-renewal-validation.html)",
    },
    certificateInUse: {
        id: "certificate-in-use",
        says: "a certificate a listener still serves cannot be deleted",
        code: "ResourceInUseException",
        kind: "refused",
        source: `ACM API Reference, DeleteCertificate (ResourceInUseException) https://docs.aws.amazon.com/acm/latest/APIReference/API_DeleteCertificate.html; ${TF}acm/certificate.go (Delete retries it for 20 minutes, then fails)`,
    },
    targetGroupInUse: {
        id: "target-group-in-use",
        says: "a target group that a listener or rule still forwards to cannot be deleted",
        code: "ResourceInUse",
        kind: "refused",
        source: `Elastic Load Balancing API Reference, DeleteTargetGroup ("You can delete a target group if it is not referenced by any actions", ResourceInUse) https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html; ${TF}elbv2/target_group.go (Delete retries ResourceInUse "is currently in use by a listener or a rule" until the timeout, then fails)`,
    },
    securityGroupInUse: {
        id: "security-group-in-use",
        says: "a security group still attached to a load balancer or service, or referenced by another group's rule, cannot be deleted",
        code: "DependencyViolation",
        kind: "refused",
        source: `Amazon EC2 API Reference, DeleteSecurityGroup (DependencyViolation) https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html; ${TF}ec2/vpc_security_group.go (Delete retries DependencyViolation until the timeout)`,
    },
    ecsKeepsUnsent: {
        id: "ecs-keeps-unsent",
        says: "ECS keeps deployment alarms, a circuit breaker or load balancers that UpdateService is not sent, and the provider does not send a removed block",
        code: "setting kept",
        kind: "broken",
        source: `${TF}ecs/service.go (alarms and deployment_circuit_breaker: DiffSuppressFunc verify.SuppressMissingOptionalConfigurationBlock); Amazon ECS API Reference, UpdateService https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html`,
    },
    capacityProviderNeedsDeployment: {
        id: "capacity-provider-needs-deployment",
        says: "a capacity provider strategy changes only with a new deployment (forceNewDeployment)",
        code: "InvalidParameterException",
        kind: "refused",
        source: `${TF}ecs/service.go (capacityProviderStrategyCustomizeDiff: "force_new_deployment should be true when capacity_provider_strategy is being updated"); UpdateService, capacityProviderStrategy`,
    },
    targetGroupNeedsLoadBalancer: {
        id: "target-group-needs-load-balancer",
        says: "an ECS service can use a target group only once a listener or rule of a load balancer forwards to it",
        code: "InvalidParameterException",
        kind: "refused",
        source: "Amazon ECS API Reference, CreateService and UpdateService, loadBalancers (\"The target group ... does not have an associated load balancer\") https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
    },
    repositoryImageRunning: {
        id: "repository-image-running",
        says: "deleting an ECR repository deletes its images (force), also the one a task definition or service that stays still runs: its next task cannot pull",
        code: "CannotPullContainerError",
        kind: "broken",
        source: "Amazon ECR API Reference, DeleteRepository (force: \"deletes all images on your behalf before deleting the repository\") https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html; Amazon ECS Developer Guide, \"CannotPullContainer task errors\" https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html",
    },
    dynamicProviderModules: {
        id: "dynamic-provider-modules",
        says: "a dynamic provider's code runs from the user's install, so every module it requires must be a dependency (or peer dependency) of the package, not a devDependency",
        code: "Cannot find module",
        kind: "refused",
        source: "npm docs, package.json, devDependencies (not installed for a package's users) https://docs.npmjs.com/cli/v11/configuring-npm/package-json#devdependencies; Pulumi docs, dynamic providers (the provider's code is serialized and run by the engine) https://www.pulumi.com/docs/iac/concepts/resources/dynamic-providers/",
    },
} satisfies Record<string, Rule>;

export type RuleName = keyof typeof RULES;
