// Workers, scheduled jobs and ECS Exec as index.ts plans them from the Django scenarios (test/scenarios/
// django*): the worker's service, task definition, network and scaling; the job's task definition,
// schedule and scheduler role; what `exec` turns on. The scheduler role's policy is then evaluated with
// a real IAM evaluator, under the stack's boundary: it runs its own family, passes its own roles, and
// nothing else.
import { strict as assert } from "assert";
import * as path from "path";
import { Plan, ROOT, plan } from "../tools/planner/planner";
import { RecordedResource } from "../tools/planner/mockCloud";
import { ACCOUNT, decide } from "./support/iamSim";
import { IamDocument } from "../components/trust/trustPolicies";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const scenario = (dir: string, stack: string) => plan(stack, { stackFile: path.join(ROOT, "test", "scenarios", dir, `Pulumi.${stack}.yaml`), env: { GITHUB_SHA: SHA } });
const ofType = (p: Plan, type: string) => p.resources.filter((r) => r.type === type);
const child = (p: Plan, parent: string, type: string): RecordedResource => {
    const found = p.resources.filter((r) => r.parent === parent && r.type === type);
    assert.equal(found.length, 1, `${parent}: expected one ${type}, found ${found.length}`);
    return found[0];
};
const container = (td: RecordedResource) => JSON.parse(td.inputs.containerDefinitions)[0];

describe("workloads: the production Django stack (Fargate web, SQS worker, nightly job)", function () {
    this.timeout(120_000);
    let p: Plan;
    before(async () => { p = await scenario("django", "prod"); });

    it("runs the worker as an ECS service with no load balancer, circuit breaker and rollback on, waiting for steady state", () => {
        const svc = child(p, "ecs-ship-prod-worker", "aws:ecs/service:Service").inputs;
        assert.equal(svc.loadBalancers, undefined);
        assert.deepEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.equal(svc.waitForSteadyState, true);
        assert.deepEqual(svc.capacityProviderStrategies, [{ capacityProvider: "FARGATE", weight: 1 }]);
        assert.equal(svc.enableExecuteCommand, undefined, "exec is off unless asked for");
    });

    it("gives the worker's task no port, its command, no PORT variable, and a security group with no ingress", () => {
        const c = container(child(p, "ecs-ship-prod-worker", "aws:ecs/taskDefinition:TaskDefinition"));
        assert.equal(c.portMappings, undefined);
        assert.deepEqual(c.command, ["celery", "-A", "shop", "worker", "--loglevel", "info"]);
        assert.deepEqual(c.environment, [{ name: "DJANGO_SETTINGS_MODULE", value: "shop.settings.prod" }]);
        assert.equal(p.resources.filter((r) => r.parent === "ecs-ship-prod-worker" && r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length, 0);
        assert.equal(p.resources.filter((r) => r.parent === "ecs-ship-prod-worker" && r.type === "aws:lb/loadBalancer:LoadBalancer").length, 0);
    });

    it("scales the worker on its queue's backlog per task: visible messages / running tasks, held at the target", () => {
        const policy = child(p, "ecs-ship-prod-worker", "aws:appautoscaling/policy:Policy");
        assert.equal(policy.name, "ecs-ship-prod-worker-scale-queue");
        const cfg = policy.inputs.targetTrackingScalingPolicyConfiguration;
        assert.equal(cfg.targetValue, 100);
        const [m1, m2, e1] = cfg.customizedMetricSpecification.metrics;
        assert.deepEqual(m1.metricStat.metric, { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: "shop-tasks" }] });
        assert.equal(m2.metricStat.metric.metricName, "RunningTaskCount");
        assert.deepEqual(m2.metricStat.metric.dimensions.map((d: { name: string }) => d.name), ["ClusterName", "ServiceName"]);
        assert.deepEqual([e1.expression, e1.returnData, m1.returnData, m2.returnData], ["m1 / m2", true, false, false]);
        const target = child(p, "ecs-ship-prod-worker", "aws:appautoscaling/target:Target").inputs;
        assert.deepEqual([target.minCapacity, target.maxCapacity], [1, 10]);
    });

    it("gives the job its own family with the web service's image, roles, environment and secrets, and the job's command", () => {
        const td = child(p, "ecs-ship-prod-clear-sessions-job", "aws:ecs/taskDefinition:TaskDefinition");
        const web = child(p, "ecs-ship-prod-web", "aws:ecs/taskDefinition:TaskDefinition");
        assert.equal(td.inputs.family, "ecs-ship-prod-clear-sessions-job");
        assert.deepEqual([td.inputs.executionRoleArn, td.inputs.taskRoleArn, td.inputs.cpu, td.inputs.memory], [web.inputs.executionRoleArn, web.inputs.taskRoleArn, "256", "512"]);
        const [c, w] = [container(td), container(web)];
        assert.deepEqual(c.command, ["python", "manage.py", "clearsessions"]);
        assert.deepEqual([c.image, c.environment, c.secrets], [w.image, w.environment, w.secrets]);
        assert.equal(c.logConfiguration.options["awslogs-stream-prefix"], "job-clear-sessions");
    });

    it("schedules the job through EventBridge Scheduler with its cron, time zone, retries, age and dead-letter queue", () => {
        const [schedule] = ofType(p, "aws:scheduler/schedule:Schedule");
        const i = schedule.inputs;
        assert.deepEqual([i.scheduleExpression, i.scheduleExpressionTimezone, i.flexibleTimeWindow], ["cron(0 3 * * ? *)", "Europe/Paris", { mode: "OFF" }]);
        assert.deepEqual(i.target.retryPolicy, { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 });
        assert.deepEqual(i.target.deadLetterConfig, { arn: "arn:aws:sqs:eu-west-1:123456789012:shop-job-failures" });
        const td = child(p, "ecs-ship-prod-clear-sessions-job", "aws:ecs/taskDefinition:TaskDefinition");
        assert.equal(i.target.ecsParameters.taskDefinitionArn, td.state.arn);
        assert.equal(i.target.ecsParameters.launchType, "FARGATE");
        assert.equal(i.target.arn, ofType(p, "aws:ecs/cluster:Cluster")[0].state.arn);
    });

    describe("the scheduler role, evaluated under the boundary", () => {
        let role: RecordedResource;
        let policy: IamDocument;
        let boundary: IamDocument;
        let td: RecordedResource;
        let webTd: RecordedResource;
        before(() => {
            role = ofType(p, "aws:iam/role:Role").find((r) => r.name.endsWith("-sched"))!;
            // The trust's scheduler grant, the one policy the role is attached to (components/trust/schedulerPolicies.ts).
            const grant = p.resources.find((r) => r.name === "ecs-ship-prod-github-sched-grant")!;
            const attached = p.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.inputs.role === role.state.name);
            assert.deepEqual(attached.map((r) => r.inputs.policyArn), [grant.state.arn]);
            assert.equal(p.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === role.state.name).length, 0, "no inline policy on the scheduler role");
            policy = JSON.parse(grant.inputs.policy);
            boundary = JSON.parse(p.resources.find((r) => r.type === "aws:iam/policy:Policy" && r.name.endsWith("-github-boundary"))!.inputs.policy);
            td = child(p, "ecs-ship-prod-clear-sessions-job", "aws:ecs/taskDefinition:TaskDefinition");
            webTd = child(p, "ecs-ship-prod-web", "aws:ecs/taskDefinition:TaskDefinition");
        });
        const cluster = () => ofType(p, "aws:ecs/cluster:Cluster")[0].state.arn as string;
        // IAM puts the calling role's ARN in aws:PrincipalArn of every request; the evaluator takes it as context.
        const run = (taskDefinition: string, clusterArn = cluster()) => decide(role.state.arn, { policy }, { action: "ecs:RunTask", resource: taskDefinition, context: { "ecs:cluster": clusterArn, "aws:PrincipalArn": role.state.arn } }, boundary);
        const pass = (roleArn: string, service = "ecs-tasks.amazonaws.com", tag = "prod") => decide(role.state.arn, { policy }, { action: "iam:PassRole", resource: roleArn, context: { "iam:PassedToService": service, "aws:PrincipalArn": role.state.arn, "aws:ResourceTag/ecs-ship:stack": tag } }, boundary);

        it("is trusted by EventBridge Scheduler only and carries the boundary", () => {
            assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole" }]);
            assert.equal(role.inputs.permissionsBoundary, p.resources.find((r) => r.type === "aws:iam/policy:Policy" && r.name.endsWith("-github-boundary"))!.state.arn);
        });

        it("may run its job's family in the stack's cluster, and pass exactly the job's roles to ECS tasks", async () => {
            assert.equal(await run(td.state.arn), "Allowed");
            assert.equal(await pass(td.inputs.executionRoleArn), "Allowed");
            // The same name, tagged for another stack, is not the job's role.
            assert.notEqual(await pass(td.inputs.executionRoleArn, "ecs-tasks.amazonaws.com", "prod-eu"), "Allowed");
        });

        it("may not run another family (the web service's), or its own family in another cluster", async () => {
            assert.notEqual(await run(webTd.state.arn), "Allowed");
            assert.notEqual(await run(td.state.arn, `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/someone-elses`), "Allowed");
        });

        it("may not pass another role (the worker's task role, the deploy role), nor its own roles to another service", async () => {
            const workerTask = child(p, "ecs-ship-prod-worker", "aws:ecs/taskDefinition:TaskDefinition").inputs.taskRoleArn;
            const deploy = ofType(p, "aws:iam/role:Role").find((r) => r.name.endsWith("-deploy"))!.state.arn;
            assert.notEqual(await pass(workerTask), "Allowed");
            assert.notEqual(await pass(deploy), "Allowed");
            assert.notEqual(await pass(td.inputs.executionRoleArn, "lambda.amazonaws.com"), "Allowed");
        });

        it("leaves the boundary refusing PassRole to every role that is not a scheduler role", async () => {
            const anything: IamDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
            const execRole = td.inputs.executionRoleArn;
            assert.notEqual(await decide(execRole, { anything }, { action: "iam:PassRole", resource: execRole, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com", "aws:PrincipalArn": execRole } }, boundary), "Allowed");
        });
    });
});

describe("workloads: the staging Django stack (Express web, Fargate worker with ECS Exec, nightly job)", function () {
    this.timeout(120_000);
    let p: Plan;
    before(async () => { p = await scenario("django-staging", "staging"); });

    it("turns ECS Exec on for the worker, and gives its task role exactly the Session Manager channels", () => {
        assert.equal(child(p, "ecs-ship-staging-worker", "aws:ecs/service:Service").inputs.enableExecuteCommand, true);
        const doc = JSON.parse(p.resources.find((r) => r.name === "ecs-ship-staging-worker-task-policy")!.inputs.policy);
        assert.deepEqual(doc.Statement, [{ Sid: "EcsExecChannels", Effect: "Allow", Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource: "*" }]);
    });

    it("runs the job from the Express web service's image and roles, in the stack's network, with PORT as the web task sees it", () => {
        const td = child(p, "ecs-ship-staging-clear-sessions-job", "aws:ecs/taskDefinition:TaskDefinition");
        const express = child(p, "ecs-ship-staging-web", "aws:ecs/expressGatewayService:ExpressGatewayService").inputs;
        const c = container(td);
        assert.equal(c.image, express.primaryContainer.image);
        assert.equal(td.inputs.executionRoleArn, express.executionRoleArn);
        assert.deepEqual(c.environment, [{ name: "DJANGO_SETTINGS_MODULE", value: "shop.settings.staging" }, { name: "PORT", value: "8000" }]);
        assert.deepEqual(express.primaryContainer.commands, ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000"]);
        const [schedule] = ofType(p, "aws:scheduler/schedule:Schedule");
        assert.equal(schedule.inputs.target.ecsParameters.networkConfiguration.subnets.length > 0, true);
        assert.deepEqual(schedule.inputs.target.retryPolicy, { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 3600 });
    });

    it("exports each job's run settings for `npm run task`", () => {
        const jobs = p.outputs.jobs as Record<string, Record<string, unknown>>;
        assert.deepEqual(Object.keys(jobs), ["clear-sessions"]);
        assert.equal(jobs["clear-sessions"].family, "ecs-ship-staging-clear-sessions-job");
        assert.equal(jobs["clear-sessions"].logStreamPrefix, "job-clear-sessions");
        assert.equal((p.outputs.services as Record<string, Record<string, unknown>>).worker.kind, "worker");
        assert.equal((p.outputs.services as Record<string, Record<string, unknown>>).worker.url, undefined);
    });
});

describe("workloads: IAM's quotas at the longest stack name", function () {
    this.timeout(120_000);
    // The boundary carries the scheduler statements and the deploy role the scheduler pass and attach, on
    // top of everything a web service needs; at 20 characters of stack name every ARN in them is longest.
    for (const [dir, file] of [["django", "prod"], ["django-staging", "staging"]]) {
        it(`plans the ${dir} scenario as stack staging-eu-central-1 with every policy under IAM's limits`, async () => {
            const p = await plan("staging-eu-central-1", { stackFile: path.join(ROOT, "test", "scenarios", dir, `Pulumi.${file}.yaml`), env: { GITHUB_SHA: SHA } });
            assert.deepEqual(p.violations, []);
            assert.equal(ofType(p, "aws:scheduler/schedule:Schedule").length, 1);
        });
    }
});
