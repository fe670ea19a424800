// Pure pieces of one build, promoted (docs/promotion.md): the source repository's pull grant to the
// later stacks' execution roles, and the tags and lifecycle rules that keep the images they run.
// Tested without mocks (test/promotion.test.ts) and against the IAM evaluator (test/promotionIam.test.ts).
import { IamDocument } from "../trust/stackScope";
import { roleLogicalName, serviceResourceName } from "../service/naming";

/** A later stack that runs this repository's image: its account, and its stack name. */
export interface PromotionGrant {
    stack: string;
    account: string;
    /**
     * The services of that stack whose execution roles may pull: the services that share this repository's
     * build (config/sharedBuild.ts) and that stack takes. @default the registry's `service`
     */
    services?: string[];
}

/**
 * The ARN pattern of exactly one service's execution role in a later stack: its logical name
 * (components/service/naming.ts) and Pulumi's "-" plus 7 random characters, each `?` matching exactly one
 * character (IAM User Guide, "IAM JSON policy elements: Condition operators", ArnLike: "each of the six
 * colon-delimited components ... can include multi-character match wildcards (*) or single-character
 * match wildcards (?)"). The role's name is random after creation, so it cannot be named exactly
 * ahead of it; the pattern admits that service's execution role and no other role of the stack
 * (not its task, infrastructure or deploy role, nor another service's), and only roles the later
 * stack's own deploy role may create (`ecs-ship-<stack>-*`, with the later stack's boundary).
 */
export function executionRolePattern(grant: PromotionGrant, service: string, partition = "aws"): string {
    return `arn:${partition}:iam::${grant.account}:role/${roleLogicalName(serviceResourceName(grant.stack, service), "exec")}-???????`;
}

/** What an execution role calls to pull an image (Amazon ECS Developer Guide, "Amazon ECS task execution IAM role"). */
export const PULL_ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"] as const;

/**
 * The repository policy of a promoted service's repository: pull, for the named accounts, only by
 * principals whose ARN is that service's execution role there (each service's, when services share the
 * repository's build: a web service and its worker, both promoted).
 *
 * The Principal names the accounts (a repository policy cannot name a role that does not exist yet:
 * IAM resolves a role principal to its unique id when the policy is saved, IAM User Guide, "AWS JSON
 * policy elements: Principal", "IAM role principals"), and `aws:PrincipalArn` narrows it to the roles
 * (IAM User Guide, "AWS global condition context keys", aws:PrincipalArn). A cross-account pull needs
 * both this policy and the role's own (its boundary admits the repository: components/trust/permissionsBoundary.ts,
 * imageRepositoryArns). Source: Amazon ECR User Guide, "Private repository policy examples", "Allow another account".
 */
export function pullPolicy(grants: PromotionGrant[], service: string | undefined, partition = "aws"): IamDocument {
    const sorted = [...grants].sort((a, b) => a.stack.localeCompare(b.stack));
    const roles = sorted.flatMap((g) => [...(g.services ?? [service!])].sort().map((s) => executionRolePattern(g, s, partition)));
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "PromotedPull",
            Effect: "Allow",
            Principal: { AWS: [...new Set(sorted.map((g) => `arn:${partition}:iam::${g.account}:root`))] },
            Action: [...PULL_ACTIONS],
            Condition: { ArnLike: { "aws:PrincipalArn": roles } },
        }],
    };
}

/**
 * The tag that marks an image a later stack runs: `<stack>.<commit>` (ECR tags allow letters, digits,
 * "-", "_" and "."; a stack name holds no ".", so `prod.*` never matches `prod-eu.*`). The deploy
 * workflow writes it with the source's deploy role before the later stack deploys (tools/operate/promote.ts).
 */
export function promotedTag(stack: string, commit: string): string {
    return `${stack}.${commit.slice(0, 7).toLowerCase()}`;
}

/** The lifecycle tag pattern of a later stack's images. */
export function promotedTagPattern(stack: string): string {
    return `${stack}.*`;
}
