// The deploy role's task-definition permissions: exactly the stack's Fargate families, split over as many
// managed policies as they need. Pure; replayed by test/iamSufficiency.test.ts and attacked by
// test/iamEscalation.test.ts.
import type { IamDocument, StackScope } from "./stackScope";

/** Characters a `tasks` policy's family list may take, leaving the rest of IAM's 6,144 for its statements. */
export const TASK_FAMILIES_BUDGET = 4500;

/**
 * The task definitions of the stack's Fargate services, by exact family: `tasks`, then `tasks-2`, … when the
 * families outgrow one managed policy (IAM User Guide, "IAM and AWS STS quotas": managed policy 6,144
 * characters). A stack with no family (Express only: ECS keeps an Express service's task definitions
 * itself) gets none, so it cannot describe or deregister anyone's task definitions either.
 */
export function taskDefinitionPolicies(s: StackScope): Record<string, IamDocument> {
    const out: Record<string, IamDocument> = {};
    taskFamilyChunks(s.taskDefinitionFamilies ?? [], s.region).forEach((families, i) => {
        const chunk = families.map((f) => `arn:${s.partition}:ecs:${s.region}:${s.accountId}:task-definition/${f}:*`);
        out[i === 0 ? "tasks" : `tasks-${i + 1}`] = doc([
            // RegisterTaskDefinition's resource is the family: exactly the stack's, never a new one under its
            // prefix or another stack's that shares it. Source: Service Authorization Reference for Amazon ECS.
            { Sid: "EcsTaskDefinitions", Effect: "Allow", Action: ["ecs:RegisterTaskDefinition", "ecs:TagResource", "ecs:DeleteTaskDefinitions", "ecs:ListTagsForResource", "ecs:UntagResource"], Resource: chunk },
            // Describe/DeregisterTaskDefinition support no resource type (Service Authorization Reference for
            // Amazon ECS), so they reach every family in the account; only stacks with families get them
            // (docs/security-model.md, "What AWS cannot scope").
            ...(i === 0 ? [{ Sid: "EcsTaskDefinitionsAnyResource", Effect: "Allow" as const, Action: ["ecs:DescribeTaskDefinition", "ecs:DeregisterTaskDefinition"], Resource: "*" }] : []),
        ]);
    });
    return out;
}

/** The policy names `taskDefinitionPolicies` returns, known before the account and partition are. */
export function taskDefinitionPolicyNames(families: string[], region: string): string[] {
    return taskFamilyChunks(families, region).map((_, i) => (i === 0 ? "tasks" : `tasks-${i + 1}`));
}

/**
 * The families split into even chunks that each fit TASK_FAMILIES_BUDGET, measured with the longest
 * partition and a 12-digit account, so the split depends only on the families and the region.
 */
function taskFamilyChunks(families: string[], region: string): string[][] {
    const sorted = [...new Set(families)].sort();
    if (sorted.length === 0) return [];
    const size = sorted.reduce((n, f) => n + `"arn:aws-us-gov:ecs:${region}:000000000000:task-definition/${f}:*",`.length, 0);
    const count = Math.ceil(size / TASK_FAMILIES_BUDGET);
    const per = Math.ceil(sorted.length / count);
    return Array.from({ length: Math.ceil(sorted.length / per) }, (_, i) => sorted.slice(i * per, (i + 1) * per));
}

function doc(statements: IamDocument["Statement"]): IamDocument {
    return { Version: "2012-10-17", Statement: statements };
}
