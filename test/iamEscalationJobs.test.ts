// Escalation through scheduled jobs: what a stolen deploy token could try with the scheduler roles
// and the trust's scheduler grant (components/trust/schedulerPolicies.ts), and what a scheduler role could
// do under the boundary with any policy at all. Evaluated with a real IAM evaluator against the
// policies the production Django plan (test/scenarios/django: web, SQS worker, nightly job) creates.
import { strict as assert } from "assert";
import * as path from "path";
import { STACK_TAG } from "../components/trust/trustPolicies";
import { plan } from "../tools/planner/planner";
import { ACCOUNT, decideTyped } from "./support/iamSim";
import { PlanIam, applicableContext, planIam } from "./support/planIam";

const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const ALLOW_ALL = { Version: "2012-10-17" as const, Statement: [{ Effect: "Allow" as const, Action: "*", Resource: "*" }] };

interface Roles { sched: string; grant: string; exec: string; workerTask: string; deploy: string; boundary: string; cluster: string; td: string }

describe("IAM escalation: scheduled jobs (scheduler roles and the trust's scheduler grant)", function () {
    this.timeout(300_000);
    let iam: PlanIam;
    let r: Roles;
    before(async () => {
        iam = planIam(await plan("prod", { env: { GITHUB_SHA: SHA }, stackFile: path.join(__dirname, "scenarios", "django", "Pulumi.prod.yaml") }));
        const find = (type: string, test: (name: string) => boolean) => {
            const found = iam.resources.filter((x) => x.type === type && test(x.name));
            assert.equal(found.length, 1, `${type}: ${found.map((x) => x.name).join(", ")}`);
            return found[0];
        };
        r = {
            sched: find("aws:iam/role:Role", (n) => n.endsWith("-sched")).state.arn,
            grant: find("aws:iam/policy:Policy", (n) => n.endsWith("-github-sched-grant")).state.arn,
            exec: find("aws:iam/role:Role", (n) => n === "ecs-ship-prod-web-exec").state.arn,
            workerTask: find("aws:iam/role:Role", (n) => n === "ecs-ship-prod-worker-task").state.arn,
            deploy: iam.deployRoleArn,
            boundary: iam.boundaryArn,
            cluster: find("aws:ecs/cluster:Cluster", () => true).state.arn,
            td: find("aws:ecs/taskDefinition:TaskDefinition", (n) => n.endsWith("-job-td")).state.arn,
        };
    });

    const asDeploy = async (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
        (await decideTyped(iam.deployRoleArn, iam.deploy, { action, resource, context: await applicableContext(action, resource, context) })).decision;
    const bound = () => ({ "iam:PermissionsBoundary": r.boundary });

    it("lets the deploy role attach the scheduler grant to a scheduler role and pass it to EventBridge Scheduler, and nothing more", async () => {
        // GIVEN the django plan's deploy role  WHEN it does what a job's create needs  THEN it may
        assert.equal(await asDeploy("iam:AttachRolePolicy", r.sched, { ...bound(), "iam:PolicyARN": r.grant }), "Allowed");
        assert.equal(await asDeploy("iam:PassRole", r.sched, { "iam:PassedToService": "scheduler.amazonaws.com", [`aws:ResourceTag/${STACK_TAG}`]: "prod" }), "Allowed");
        // WHEN it tries to widen a scheduler role, or use the grant or the role elsewhere  THEN every attempt is refused
        const attempts: [string, string, string, Record<string, string | string[]>][] = [
            ["attach AdministratorAccess to the scheduler role", "iam:AttachRolePolicy", r.sched, { ...bound(), "iam:PolicyARN": ADMIN }],
            ["attach the scheduler grant to an execution role", "iam:AttachRolePolicy", r.exec, { ...bound(), "iam:PolicyARN": r.grant }],
            ["write an inline policy on the scheduler role", "iam:PutRolePolicy", r.sched, bound()],
            ["rewrite the scheduler grant", "iam:CreatePolicyVersion", r.grant, {}],
            ["delete the scheduler grant", "iam:DeletePolicy", r.grant, {}],
            ["pass the scheduler role to ECS tasks", "iam:PassRole", r.sched, { "iam:PassedToService": "ecs-tasks.amazonaws.com", [`aws:ResourceTag/${STACK_TAG}`]: "prod" }],
            ["pass an execution role to EventBridge Scheduler", "iam:PassRole", r.exec, { "iam:PassedToService": "scheduler.amazonaws.com", [`aws:ResourceTag/${STACK_TAG}`]: "prod" }],
            ["pass another stack's scheduler role", "iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/ecs-ship-prod-eu-job-sched-1a2b3c4`, { "iam:PassedToService": "scheduler.amazonaws.com", [`aws:ResourceTag/${STACK_TAG}`]: "prod-eu" }],
            ["create a schedule outside the stack's names", "scheduler:CreateSchedule", `arn:aws:scheduler:eu-west-1:${ACCOUNT}:schedule/default/payments-nightly`, {}],
        ];
        const allowed = [];
        for (const [what, action, resource, context] of attempts) if ((await asDeploy(action, resource, context)) === "Allowed") allowed.push(what);
        assert.deepEqual(allowed, []);
    });

    it("holds a scheduler role with any policy at all to running the stack's tasks with the stack's task roles", async () => {
        // GIVEN the scheduler role with an allow-everything policy under the boundary
        const as = async (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
            (await decideTyped(r.sched, { anything: ALLOW_ALL }, { action, resource, context: await applicableContext(action, resource, { ...context, "aws:PrincipalArn": r.sched }) }, iam.boundary)).decision;
        // WHEN it runs the job's task and passes a task role to ECS tasks  THEN the boundary admits it
        assert.equal(await as("ecs:RunTask", `${r.td}`, { "ecs:cluster": r.cluster }), "Allowed");
        assert.equal(await as("iam:PassRole", r.exec, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }), "Allowed");
        // WHEN it reaches for anything else  THEN the boundary refuses
        const attempts: [string, string, string, Record<string, string | string[]>][] = [
            ["pass the deploy role", "iam:PassRole", r.deploy, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
            ["pass the worker's task role to Lambda", "iam:PassRole", r.workerTask, { "iam:PassedToService": "lambda.amazonaws.com" }],
            ["pass itself to EventBridge Scheduler", "iam:PassRole", r.sched, { "iam:PassedToService": "scheduler.amazonaws.com" }],
            ["create a role", "iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/ecs-ship-prod-x-task-1a2b3c4`, { "iam:PermissionsBoundary": r.boundary }],
            ["attach AdministratorAccess to itself", "iam:AttachRolePolicy", r.sched, { "iam:PolicyARN": ADMIN }],
            ["run another team's task definition", "ecs:RunTask", `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/payments:1`, { "ecs:cluster": r.cluster }],
            ["assume a role", "sts:AssumeRole", r.deploy, {}],
        ];
        const allowed = [];
        for (const [what, action, resource, context] of attempts) if ((await as(action, resource, context)) === "Allowed") allowed.push(what);
        assert.deepEqual(allowed, []);
    });
});
