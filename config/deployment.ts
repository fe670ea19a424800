// The schema of a Fargate service's `deployment` (`ecs-ship:services.<name>.deployment`) and its
// cross-field rules: which keys each strategy takes, and test traffic. Ranges and defaults live
// in components/fargate/deploymentStrategy.ts, with their sources.
import { z } from "zod";
import { DEPLOYMENT_DEFAULTS, DEPLOYMENT_LIMITS, STRATEGIES } from "../components/fargate/deploymentStrategy";
import { ALWAYS, closed, int, oneOf, problem, record, says, show, text } from "./rules";

const M = DEPLOYMENT_LIMITS.minutes;
/** An HTTP header name (RFC 9110 token characters) of at most 40 characters (ELB API Reference, HttpHeaderConditionConfig). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/;
/** A header value ALB can match: 1 to 128 characters, no wildcards (ELB API Reference, HttpHeaderConditionConfig, Values). */
const HEADER_VALUE = /^[^*?]{1,128}$/;

function percent(min: number, max: number, step?: number) {
    const allowed = `must be a number from ${min} to ${max}${step ? ` in steps of ${step}` : ""}`;
    const e = says(allowed);
    // One check, so a value both out of range and off the grid gets one message.
    return z.number(e).refine((v) => v >= min && v <= max && (!step || Math.abs(Math.round(v / step) * step - v) < 1e-9), e);
}

export const testTrafficSchema = closed({
    header: closed({
        name: text(HEADER_NAME, "must be an HTTP header name of 1 to 40 letters, digits or !#$%&'*+.^_`|~-"),
        value: text(HEADER_VALUE, "must be 1 to 128 characters without * or ?"),
    }).optional().meta({ description: "Requests carrying this header reach the new revision before any production traffic (a listener rule ahead of the production rule)." }),
    port: int(1, 65535).optional().meta({ description: "A listener on this port of the service's own load balancer reaches the new revision before any production traffic. Not 80 or 443." }),
}).superRefine((o, ctx) => {
    if (!record(o)) return;
    if (o.header !== undefined && o.port !== undefined) problem(ctx, [], "Only one of `header` or `port` can be provided, got both");
    else if (o.header === undefined && o.port === undefined) problem(ctx, [], "Either `header` or `port` must be provided, got neither");
    if (o.port === 80 || o.port === 443) problem(ctx, ["port"], `must not be 80 or 443, which serve production traffic, got ${show(o.port)}`);
}, ALWAYS).meta({ description: "Test traffic: a header or a port that reaches the new revision before production traffic does (canary, linear, blueGreen)." });

export const deploymentSchema = closed({
    strategy: oneOf(STRATEGIES).optional()
        .meta({ description: "rolling: replace tasks behind one target group. canary: a share of traffic first, then the rest. linear: equal steps. blueGreen: all traffic at once to a full new revision. All but rolling shift between two target groups and keep the old revision for `bakeMinutes`.", default: DEPLOYMENT_DEFAULTS.strategy }),
    canaryPercent: percent(DEPLOYMENT_LIMITS.canaryPercent.min, DEPLOYMENT_LIMITS.canaryPercent.max, 0.1).optional()
        .meta({ description: "canary: percent of production traffic the new revision takes first.", default: DEPLOYMENT_DEFAULTS.canaryPercent }),
    canaryBakeMinutes: int(M.min, M.max).optional()
        .meta({ description: "canary: minutes the canary serves before the rest of the traffic moves.", default: DEPLOYMENT_DEFAULTS.canaryBakeMinutes }),
    linearStepPercent: percent(DEPLOYMENT_LIMITS.linearStepPercent.min, DEPLOYMENT_LIMITS.linearStepPercent.max).optional()
        .meta({ description: "linear: percent of production traffic moved per step.", default: DEPLOYMENT_DEFAULTS.linearStepPercent }),
    linearStepMinutes: int(M.min, M.max).optional()
        .meta({ description: "linear: minutes between two steps.", default: DEPLOYMENT_DEFAULTS.linearStepMinutes }),
    bakeMinutes: int(M.min, M.max).optional()
        .meta({ description: "canary, linear, blueGreen: minutes after all traffic has moved before the old revision stops; an alarm during it still rolls back.", default: DEPLOYMENT_DEFAULTS.bakeMinutes }),
    testTraffic: testTrafficSchema.optional(),
}).superRefine((o, ctx) => { if (record(o)) checkDeployment(o, ctx); }, ALWAYS)
    .meta({ description: "Fargate only: how a release reaches traffic (ECS deployment strategies). Default: rolling." });

/** Keys that belong to one strategy only, and what a rolling deployment cannot take. */
function checkDeployment(d: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const strategy = typeof d.strategy === "string" ? d.strategy : DEPLOYMENT_DEFAULTS.strategy;
    const only: [string, string][] = [["canaryPercent", "canary"], ["canaryBakeMinutes", "canary"], ["linearStepPercent", "linear"], ["linearStepMinutes", "linear"]];
    for (const [key, owner] of only) {
        if (d[key] !== undefined && strategy !== owner) problem(ctx, [key], `applies only with strategy: ${owner}, got ${show(d[key])} with strategy ${show(strategy)}`);
    }
    // ROLLING takes no bake time and no listener rules: bakeTimeInMinutes is "Used with BLUE_GREEN, LINEAR,
    // and CANARY strategies" (@pulumi/aws 7.48 types/input.d.ts, ServiceDeploymentConfiguration), and test
    // traffic needs the test listener rule of advancedConfiguration (Amazon ECS API Reference, AdvancedConfiguration).
    for (const key of ["bakeMinutes", "testTraffic"]) {
        if (strategy === "rolling" && d[key] !== undefined) problem(ctx, [key], `applies only with strategy canary, linear or blueGreen (a rolling deployment has one target group and no bake), got ${show(d[key])}`);
    }
}

/**
 * Express Mode deploys with a canary AWS runs and configures itself: CreateExpressGatewayService and
 * UpdateExpressGatewayService take no deploymentConfiguration (Amazon ECS API Reference,
 * CreateExpressGatewayService; @pulumi/aws 7.48 ecs/expressGatewayService.d.ts has no such input).
 */
export const EXPRESS_DEPLOYMENT_ERROR = "Express Mode deploys with the fixed canary AWS runs for it: CreateExpressGatewayService and UpdateExpressGatewayService take no deploymentConfiguration (Amazon ECS API Reference, CreateExpressGatewayService); use mode: fargate to choose a strategy";
