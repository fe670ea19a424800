// What a stack's GithubOidcTrust is given, read from its settings: the repository and its deploy subjects,
// the state backend, and everything the deploy role and the permissions boundary are scoped to (the
// services' task permissions, secrets, task-definition families, roles, domains, alarm endpoints, image
// repositories and scheduled jobs). Pure: program.ts passes it the project name and the domains' zones.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { EXEC_TASK_STATEMENT, secretResourceArn, serviceResourceName } from "../components/service/serviceArgs";
import { jobResourceName } from "../components/jobs/jobSettings";
import { sidecarSecrets } from "../components/fargate/sidecars";
import { ecrRepositoryArn } from "../components/trust/permissionsBoundary";
import type { GithubOidcTrustArgs } from "../components/trust/githubOidcTrust";
import type { Settings } from "./index";

/** The trust's arguments for `settings`; `domains` are the Fargate services' custom domains with their zones. */
export function trustArgsOf(settings: Settings, o: { project: string; domains: { name: string; zoneId: pulumi.Input<string>; createsCertificate?: boolean }[] }): GithubOidcTrustArgs {
    const { prefix, github, backend } = settings;
    // Web services only: a worker (`kind: worker`) has no load balancer, domain or route.
    const fargate = settings.services.filter((s) => s.mode === "fargate" && s.kind !== "worker");
    // Workers: Fargate services with no port, in the stack's task subnets (components/worker/workerService.ts).
    const workers = settings.services.filter((s) => s.kind === "worker");
    // Where deployment alarms notify: an email gets a topic and a subscription; a topic ARN is used as given.
    // Read whether or not the alarms are enabled, so switching them off for a hotfix leaves the trust as it
    // is and needs no administrator (docs/operations.md, "Deploying during an incident").
    const notifying = fargate.filter((s) => s.alarms?.email || s.alarms?.snsTopicArn);
    // Services released canary, linear or blue/green (components/fargate/trafficShift.ts).
    const shifting = fargate.some((s) => (s.deployment?.strategy ?? "rolling") !== "rolling");
    return {
        prefix,
        region: settings.region,
        repository: github.repository,
        ownerId: github.ownerId,
        repositoryId: github.repositoryId,
        deployBranches: github.deployBranches,
        deployEnvironments: github.deployEnvironments,
        pullRequestPreview: github.pullRequestPreview,
        oidcProviderArn: github.oidcProviderArn,
        retainProvider: github.retainProvider,
        maxSessionDuration: github.maxSessionDuration,
        project: o.project,
        stateBucket: backend.stateBucket,
        stateKmsKeyArn: backend.kmsKeyArn,
        stackTags: settings.tags,
        // ECS Exec's channel permissions join the ceiling only when a service turns `exec` on.
        taskPermissions: [
            ...settings.services.flatMap((s) => s.taskPolicyStatements ?? []),
            ...(settings.services.some((s) => s.exec) ? [EXEC_TASK_STATEMENT as unknown as aws.iam.PolicyStatement] : []),
        ],
        // Scheduled jobs: the trust writes their scheduler grant (RunTask of exactly these families, PassRole of the
        // stack's task roles, their dead-letter queues); the boundary admits it for scheduler roles only.
        scheduledJobs: settings.jobs.length > 0 ? {
            families: settings.jobs.map((j) => jobResourceName(prefix, j.name)),
            services: settings.jobs.map((j) => serviceResourceName(settings.stack, j.service)),
            deadLetterQueueArns: settings.jobs.flatMap((j) => (j.deadLetterQueueArn ? [j.deadLetterQueueArn] : [])),
        } : undefined,
        // The boundary admits exactly the configured secrets, named by the secret ARN (no JSON key or version).
        secretArns: settings.services.flatMap((s) => Object.values({ ...s.secrets, ...sidecarSecrets(s.sidecars) }).map(secretResourceArn)),
        secretsKmsKeyArns: settings.services.flatMap((s) => (s.secretsKmsKeyArn ? [s.secretsKmsKeyArn] : [])),
        // The deploy role may write certificates and records only for these names, in these zones, and
        // subscribe only these addresses.
        domains: o.domains,
        alarmEmails: notifying.flatMap((s) => (s.alarms?.email ? [s.alarms.email] : [])),
        alarmTopicArns: notifying.flatMap((s) => (s.alarms?.snsTopicArn ? [s.alarms.snsTopicArn] : [])),
        // Task definitions: exactly the Fargate services' and workers' families (each named after its service), and
        // each scheduled job's own (`<prefix>-<job>-job`, components/jobs/jobSettings.ts). Express keeps its own.
        // Express services with a release command add the release task's own family (components/release/releaseTask.ts).
        taskDefinitionFamilies: [
            ...fargate.map((s) => serviceResourceName(settings.stack, s.name)),
            ...workers.map((s) => serviceResourceName(settings.stack, s.name)),
            ...settings.jobs.map((j) => jobResourceName(prefix, j.name)),
            ...settings.services.filter((s) => s.mode === "express" && s.release).map((s) => `${serviceResourceName(settings.stack, s.name)}-release`),
        ],
        // One pattern per kind of role the services have scopes every service's roles, so adding a service adds no policy.
        passRoleKinds: [
            "exec" as const,
            // `exec: true` alone gives a service a task role (ECS Exec's channels, components/service/serviceRoles.ts).
            ...(settings.services.some((s) => (s.taskPolicyStatements ?? []).length > 0 || s.exec) ? ["task" as const] : []),
            ...(settings.services.some((s) => s.mode === "express") ? ["infra" as const] : []),
            ...(shifting ? ["lb" as const] : []),
            // Each scheduled job's scheduler role, passed only to EventBridge Scheduler.
            ...(settings.jobs.length > 0 ? ["sched" as const] : []),
        ],
        // Express's infrastructure roles carry a boundary of their own, so the stack's keeps its room for secrets.
        separateInfrastructureBoundary: true,
        // Canary, linear and blue/green services get a load-balancer role the boundary must admit.
        shiftsTraffic: shifting,
        // Stack roles pull only from the stack's repositories and its prebuilt images' ones.
        imageRepositoryArns: settings.services.flatMap((s) => {
            const arn = s.image.kind === "ref" ? ecrRepositoryArn(s.image.ref) : undefined;
            return arn ? [arn] : [];
        }),
    };
}
