// components/trust: keyless GitHub Actions -> AWS trust for one stack. GithubOidcTrust and its roles
// (githubOidcTrust.ts); the pure IAM documents it writes: the GitHub trust and pass-role grants
// (trustPolicies.ts), the deploy and preview permissions (stackPolicies.ts, taskDefinitionPolicies.ts),
// the permissions boundaries (permissionsBoundary.ts: the stack's, and the Express infrastructure roles') and the scheduler grant (schedulerPolicies.ts), all
// over the stack's scope and the IAM document shapes (stackScope.ts); and the table of AWS calls the
// provider makes per resource, with the action each is authorized on (iamCalls/). The review environments'
// own trust, ReviewTrust (reviewTrust.ts), writes the same documents for every review stack (reviewPolicies.ts).
// May import: components/service, components/express, components/fargate (the managed policies their
// roles carry, which the trust must let the deploy role attach).
//
// The face: what the package exports from this room. Other rooms import its files directly.
export * from "./githubOidcTrust";
export { schedulerGrantPolicy } from "./schedulerPolicies";
export {
    GITHUB_OIDC_URL, STACK_TAG, STS_AUDIENCE, deployPolicies, githubTrustPolicy, infrastructureBoundary, permissionsBoundary, previewPolicy,
} from "./trustPolicies";
export type { IamDocument, IamStatement, StackDomain, StackScope } from "./stackScope";
