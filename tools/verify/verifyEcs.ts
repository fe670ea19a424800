// The deploy gate's ECS checks: which service deployment this `pulumi up` started and how it ended,
// and which image digest actually serves. Pure logic over an injected ECS client.
import {
    DescribeExpressGatewayServiceCommand,
    DescribeServiceDeploymentsCommand,
    DescribeServicesCommand,
    DescribeTaskDefinitionCommand,
    ECSClient,
    ListServiceDeploymentsCommand,
    ServiceDeploymentBrief,
} from "@aws-sdk/client-ecs";
import { EXIT, GateDeps, GateFailure, Retry, ServiceTarget, digestOf, seconds, releaseHint, whereToLook } from "./verifyCore";
import { Progress, progressLine, progressOf, rollbackVerdict } from "./verifyDeployment";

// ServiceDeployment statuses (Amazon ECS API Reference, ServiceDeployment; Developer Guide,
// "View service history using Amazon ECS service deployments": SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL
// and ROLLBACK_FAILED are completed; IN_PROGRESS, STOP_REQUESTED, ROLLBACK_IN_PROGRESS are ongoing).
// Once a rollback or stop is requested the new revision will not serve, so those fail without waiting.
const FAILED_STATUSES = new Set(["ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED", "STOP_REQUESTED", "STOPPED"]);

const label = (t: ServiceTarget) => `${t.name} (${t.mode})`;
const time = (d: ServiceDeploymentBrief) => (d.createdAt ?? d.startedAt)?.getTime() ?? -Infinity;

/**
 * Every service deployment created at or after `since`, all pages read. ListServiceDeployments returns
 * at most 100 per page (20 by default) with a nextToken (Amazon ECS API Reference, ListServiceDeployments:
 * maxResults, nextToken); its createdAt.after filter narrows the list, and the time is checked again here.
 */
export async function deploymentsSince(ecs: ECSClient, target: ServiceTarget, since: Date): Promise<ServiceDeploymentBrief[]> {
    const found: ServiceDeploymentBrief[] = [];
    let nextToken: string | undefined;
    do {
        const page = await ecs.send(new ListServiceDeploymentsCommand({
            service: target.serviceArn, cluster: target.cluster, createdAt: { after: since }, maxResults: 100, nextToken,
        }));
        found.push(...(page.serviceDeployments ?? []));
        nextToken = page.nextToken;
    } while (nextToken);
    return found.filter((d) => time(d) >= since.getTime());
}

/**
 * Waits until the service deployment this `pulumi up` started is SUCCESSFUL, and returns its ARN.
 * That deployment is the newest one created at or after `since` (one concurrency group per stack means no
 * other `up` runs meanwhile). When there is none, the run did not change the service (a re-run of the same
 * commit), and the image check alone decides: undefined is returned.
 */
export async function checkRollout(target: ServiceTarget, since: Date, deps: GateDeps, deadlineAt: number, retry: Retry): Promise<string | undefined> {
    const ecs = deps.ecs(target.region);
    let lastSeen: Progress | undefined;
    for (let attempt = 0; ; attempt++) {
        if (target.mode === "express") await checkExpressStatus(ecs, target);
        // Express services are ECS services too: their rollouts are listed by ListServiceDeployments on the
        // Express service ARN, as AWS's own aws-actions/amazon-ecs-deploy-express-service does
        // (index.js, waitForServiceStable: ListServiceDeployments, then DescribeServiceDeployments).
        const listed = await deploymentsSince(ecs, target, since);
        const ours = listed.reduce<ServiceDeploymentBrief | undefined>((best, d) => (best === undefined || time(d) > time(best) ? d : best), undefined);
        if (!ours?.serviceDeploymentArn) {
            deps.log(`${label(target)}: no service deployment started since ${since.toISOString()}; this run left the service unchanged, so the image it serves decides`);
            return undefined;
        }
        const arn = ours.serviceDeploymentArn;
        const described = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
        const deployment = described.serviceDeployments?.[0];
        const status = deployment?.status ?? ours.status ?? "UNKNOWN";
        if (status === "SUCCESSFUL") {
            deps.log(`${label(target)}: service deployment ${arn} is SUCCESSFUL`);
            return arn;
        }
        // A canary, linear or blue/green deployment: name the stage it failed in and what rolled it back.
        const strategy = deployment?.deploymentConfiguration?.strategy;
        const shifting = strategy !== undefined && strategy !== "ROLLING";
        if (FAILED_STATUSES.has(status) && shifting) {
            throw new GateFailure(EXIT.rolledBack, `${label(target)}: service deployment ${arn} ${rollbackVerdict(deployment!, lastSeen, status).message}${whereToLook(target, arn)}`);
        }
        if (FAILED_STATUSES.has(status)) {
            const reason = deployment?.statusReason ?? ours.statusReason ?? deployment?.rollback?.reason ?? "no status reason given";
            // A deployment alarm that fired names itself in the deployment (Amazon ECS API Reference,
            // ServiceDeploymentAlarms: triggeredAlarmNames); the release passed its health checks but
            // served errors, which the user must hear rather than a generic rollback.
            const alarms = deployment?.alarms?.triggeredAlarmNames ?? [];
            if (alarms.length > 0) {
                throw new GateFailure(EXIT.rolledBack, `${label(target)}: service deployment ${arn} was rolled back by its deployment alarm${alarms.length === 1 ? "" : "s"} ${alarms.join(", ")} (the release passed health checks but tripped the alarm), expected SUCCESSFUL, saw ${status}: ${reason}${whereToLook(target, arn)}`);
            }
            throw new GateFailure(EXIT.rolledBack, `${label(target)}: expected service deployment ${arn} to be SUCCESSFUL, saw ${status}: ${reason}${whereToLook(target, arn)}`);
        }
        if (shifting) lastSeen = progressOf(deployment!, deps.clock.now());
        const state = `service deployment ${arn} is ${status}${lastSeen && shifting ? ` (${progressLine(lastSeen)})` : ""}`;
        await retry.wait(attempt, deadlineAt,
            () => new GateFailure(EXIT.timeout, `${label(target)}: deadline reached while ${state}, expected SUCCESSFUL${whereToLook(target, arn)}`),
            (delay) => deps.log(`${label(target)}: ${state}; polling again in ${seconds(delay)}`));
    }
}

async function checkExpressStatus(ecs: ECSClient, target: ServiceTarget): Promise<void> {
    const out = await ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn: target.serviceArn }));
    const status = out.service?.status;
    if (status?.statusCode === "DRAINING" || status?.statusCode === "INACTIVE") {
        throw new GateFailure(EXIT.rolledBack, `${label(target)}: expected Express service ${target.serviceArn} to be ACTIVE, saw ${status.statusCode}: ${status.statusReason ?? "no status reason given"}${whereToLook(target)}`);
    }
}

/**
 * Waits until exactly the expected digest serves: for Express, every active configuration's primary
 * container image; for Fargate, the image of every task definition that still has running tasks. ecs-ship
 * passes images by digest, so a task definition's image names exactly what its tasks run. A mismatch is
 * retried until the deadline (old tasks drain while traffic shifts), then fails with its own code.
 * Only calls the deploy role may make are used (components/trust/trustPolicies.ts; test/verify.test.ts checks).
 */
export async function checkImage(target: ServiceTarget, deploymentArn: string | undefined, deps: GateDeps, deadlineAt: number, retry: Retry): Promise<void> {
    const ecs = deps.ecs(target.region);
    const what = target.mode === "express" ? "active configuration" : "task definition with running tasks";
    for (let attempt = 0; ; attempt++) {
        const seen = target.mode === "express" ? await expressImages(ecs, target) : await runningImages(ecs, target);
        const wrong = seen.filter((s) => s.digest !== target.imageDigest);
        if (seen.length > 0 && wrong.length === 0) {
            deps.log(`${label(target)}: every ${what} (${seen.map((s) => s.id).join(", ")}) serves ${target.imageDigest}`);
            return;
        }
        const state = seen.length === 0
            ? `no ${what} listed`
            : `${wrong.length} of ${seen.length} serve another image: ${wrong.map((s) => `${s.id} runs ${s.digest ?? `${s.image ?? "no image"} (not pinned by digest)`}`).join(", ")}`;
        await retry.wait(attempt, deadlineAt,
            () => seen.length === 0
                ? new GateFailure(EXIT.timeout, `${label(target)}: deadline reached with ${state}, expected ${target.imageDigest} to serve${whereToLook(target, deploymentArn)}`)
                : new GateFailure(EXIT.imageMismatch, `${label(target)}: expected every ${what} to serve ${target.imageDigest}, saw ${state}${whereToLook(target, deploymentArn)}${releaseHint(target)}`),
            (delay) => deps.log(`${label(target)}: ${state}; checking again in ${seconds(delay)}`));
    }
}

interface Serving { id: string; image?: string; digest?: string }

async function expressImages(ecs: ECSClient, target: ServiceTarget): Promise<Serving[]> {
    // DescribeExpressGatewayService: activeConfigurations[].primaryContainer.image (Amazon ECS API Reference,
    // ExpressGatewayServiceConfiguration). ecs-ship always passes the image by digest.
    const out = await ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn: target.serviceArn }));
    return (out.service?.activeConfigurations ?? []).map((c, i) => {
        const image = c.primaryContainer?.image;
        return { id: c.serviceRevisionArn?.slice(c.serviceRevisionArn.lastIndexOf("/") + 1) ?? `configuration ${i}`, image, digest: digestOf(image) };
    });
}

async function runningImages(ecs: ECSClient, target: ServiceTarget): Promise<Serving[]> {
    // DescribeServices lists the service's deployments: PRIMARY is the newest, ACTIVE ones still run tasks
    // while they drain, INACTIVE ones run none (Amazon ECS API Reference, Deployment: status, runningCount).
    const out = await ecs.send(new DescribeServicesCommand({ cluster: target.cluster, services: [target.serviceArn] }));
    const running = (out.services?.[0]?.deployments ?? []).filter((d) => d.status !== "INACTIVE" && (d.runningCount ?? 0) > 0 && d.taskDefinition);
    const serving: Serving[] = [];
    for (const d of running) {
        const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: d.taskDefinition }));
        const family = d.taskDefinition!.slice(d.taskDefinition!.lastIndexOf("/") + 1);
        // An ecs-ship task definition has one container, the app.
        for (const c of described.taskDefinition?.containerDefinitions ?? []) {
            serving.push({ id: `${family} (${d.runningCount} running)`, image: c.image, digest: digestOf(c.image) });
        }
    }
    return serving;
}
