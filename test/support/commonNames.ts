// Stack and service names small teams commonly choose: every stack name at most 20
// characters (config.ts's limit), every service name at most 30. Shared by the pure naming
// test and the plan-through-index.ts test, so both hold the same table. The longest names
// of both limits are in it; planning every pair in both modes is the slowest test of the
// suite, so the table stays at 8 × 10.
export const STACK_NAMES = [
    "dev", "qa", "staging", "production", "sandbox", "internal", "sandbox-eu-west", "staging-eu-central-1",
] as const;

export const SERVICE_NAMES = [
    "web", "api", "backend-api", "frontend", "worker", "admin-dashboard", "notifications-service",
    "customer-portal-frontend", "order-processing-worker-v2", "internal-reporting-dashboard",
] as const;
