// tools/workflows: the GitHub workflows' own code. deployWorkflow.ts writes .github/workflows/deploy.yml
// from .github/environments.json (`npm run workflows:generate`), from the parts every workflow shares
// (workflowParts.ts: action pins, the Pulumi CLI version, the preflight); githubChecks.ts is what the
// workflows check against GitHub itself before they act (`npx ecs-ship github-checks`).
// May import: tools/project, config.
//
// The face: the pieces cli/ and the tests use, without the commands' main().
export { DEPLOY_WORKFLOW, approvalJobId, deployJobId, deployWorkflow } from "./deployWorkflow";
export { COMMENT_LIMIT, CheckError, approvalProblems, checkApproval, commentBody } from "./githubChecks";
export type { Fetch, GithubEnvironment } from "./githubChecks";
export * from "./workflowParts";
