// The grant policy of the stack's scheduler roles: what EventBridge Scheduler may do with a job's role.
// The trust (administrator-run, components/trust/githubOidcTrust.ts) writes it as one managed policy for every
// job of the stack; each job's scheduler role gets it by an attachment the deploy role may make only for
// this policy's ARN (stackPolicies.ts, SchedPolicy). The deploy role writes no scheduler policy itself:
// PutRolePolicy is granted nowhere (docs/security-model.md). Pure; replayed by test/iamSufficiency.test.ts
// and attacked by test/iamEscalation.test.ts.
import { roleLogicalName } from "../service/naming";
import { stackArns } from "./stackPolicies";
import type { IamDocument, IamStatement, StackScope } from "./stackScope";
import { STACK_TAG } from "./stackScope";

/**
 * RunTask of exactly the jobs' task-definition families, only in the stack's cluster; PassRole of the
 * execution and task roles of exactly the services the jobs run from (their derived names, tagged for the
 * stack), only to ECS tasks; SendMessage only to the jobs' dead-letter queues. Sources: EventBridge Scheduler User Guide, "Set up the execution role" and
 * "Using templated targets" (ECS RunTask: ecs:RunTask and iam:PassRole of the task's roles);
 * "Configuring a dead-letter queue" (sqs:SendMessage); Service Authorization Reference for Amazon ECS
 * (RunTask: task-definition resource, ecs:cluster condition). Undefined without scheduled jobs.
 */
export function schedulerGrantPolicy(s: StackScope): IamDocument | undefined {
    const jobs = s.scheduledJobs;
    if (!jobs || jobs.families.length === 0) return undefined;
    const a = stackArns(s);
    // Pulumi names a role after its logical name plus `-` and 7 characters (components/service/naming.ts, roleLogicalName).
    const account = `arn:${s.partition}:iam::${s.accountId}:role/`;
    const roles = [...new Set(jobs.services)].sort().flatMap((svc) => (["exec", "task"] as const).map((k) => `${account}${roleLogicalName(svc, k)}-???????`));
    const families = [...new Set(jobs.families)].sort().map((f) => `arn:${s.partition}:ecs:${s.region}:${s.accountId}:task-definition/${f}:*`);
    const statements: IamStatement[] = [
        { Sid: "RunJobTasks", Effect: "Allow", Action: "ecs:RunTask", Resource: families, Condition: { ArnLike: { "ecs:cluster": a.cluster } } },
        {
            Sid: "PassJobRoles", Effect: "Allow", Action: "iam:PassRole", Resource: roles,
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com", [`aws:ResourceTag/${STACK_TAG}`]: s.stack } },
        },
    ];
    const queues = [...new Set(jobs.deadLetterQueueArns)].sort();
    if (queues.length > 0) statements.push({ Sid: "DeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: queues });
    return { Version: "2012-10-17", Statement: statements };
}
