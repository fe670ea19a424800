// Physical names that always fit, without mocks.
import { strict as assert } from "assert";
import {
    AUTONAME_SUFFIX_LENGTH, NAME_LIMITS, ROLE_KINDS, elbLogicalName, fitName, roleLogicalName,
    serviceResourceName, shortHash, stackPrefix,
} from "../components/service/naming";
import { SERVICE_NAMES, STACK_NAMES } from "./support/commonNames";

/** ELB's name rule. Source: Elastic Load Balancing API Reference, CreateLoadBalancer, Name. */
const ELB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
const pairs = STACK_NAMES.flatMap((stack) => SERVICE_NAMES.map((service) => ({ stack, service, component: serviceResourceName(stack, service) })));
/** What Pulumi's auto-naming would make of a logical name (7 random characters stood in by "x"). */
const physical = (logical: string) => `${logical}-${"x".repeat(AUTONAME_SUFFIX_LENGTH - 1)}`;

describe("naming: names that fit", () => {
    it("keeps a name that fits exactly as it was", () => {
        // GIVEN a short stack and service
        // WHEN their load balancer, target group and role names are derived
        // THEN they are the full names, unchanged from before names were shortened
        const c = serviceResourceName("prod", "web");
        assert.deepEqual([elbLogicalName(c, "alb"), elbLogicalName(c, "tg"), roleLogicalName(c, "exec"), roleLogicalName(c, "infra")],
            ["ecs-ship-prod-web-alb", "ecs-ship-prod-web-tg", "ecs-ship-prod-web-exec", "ecs-ship-prod-web-infra"]);
    });

    it("shortens a name that does not fit to a readable head and the hash of the full name", () => {
        // GIVEN the longest stack and a long service
        // WHEN the load balancer name is derived
        // THEN it is the head without "ecs-ship-", the 6-character hash of the full name, and "-alb"
        const c = serviceResourceName("production", "backend-api");
        assert.equal(elbLogicalName(c, "alb"), `production-ba-${shortHash(c)}-alb`);
        assert.equal(elbLogicalName(c, "alb").length, NAME_LIMITS.loadBalancer - AUTONAME_SUFFIX_LENGTH);
    });

    it("never ends the head in a hyphen", () => {
        // GIVEN a base whose cut falls right after a hyphen
        // WHEN it is fitted
        // THEN the hyphen is dropped before the hash
        assert.equal(fitName("abcd-fghijklmno", "-x", 14), `abcd-${shortHash("abcd-fghijklmno")}-x`);
    });

    it("refuses a budget that cannot hold the hash", () => {
        // GIVEN a limit smaller than a hash and the suffix
        // WHEN a name is fitted into it
        // THEN it fails, naming the budget
        assert.throws(() => fitName("ecs-ship-dev-web", "-alb", 8), /8 characters cannot hold a hash and "-alb"/);
    });

    it("keeps ALB names off the reserved internal- prefix", () => {
        // GIVEN a stack named "internal" whose names must be shortened
        // WHEN its load balancer name is derived
        // THEN it does not start with "internal-" (CreateLoadBalancer refuses that prefix)
        const n = elbLogicalName(serviceResourceName("internal", "customer-portal-frontend"), "alb");
        assert.ok(!n.startsWith("internal-"), n);
    });
});

describe("naming: every common stack × service pair", () => {
    it(`fits every load balancer and target group name in 32 characters (${pairs.length} pairs)`, () => {
        // GIVEN every pair of the common-name table
        // WHEN their ELB names are derived and auto-named
        // THEN each is at most 32 characters and follows ELB's character rule
        const bad = pairs.flatMap(({ component }) => (["alb", "tg"] as const).map((k) => physical(elbLogicalName(component, k))))
            .filter((n) => n.length > 32 || !ELB_NAME.test(n) || n.startsWith("internal-"));
        assert.deepEqual(bad, []);
    });

    it("fits every role name in 64 characters and keeps the stack's prefix whole", () => {
        // GIVEN every pair and every role kind
        // WHEN their role names are derived
        // THEN each is at most 64 characters and starts with ecs-ship-<stack>- (the deploy role's scope)
        const bad = pairs.flatMap(({ stack, component }) => ROLE_KINDS.map((k) => ({ stack, n: physical(roleLogicalName(component, k)) })))
            .filter(({ stack, n }) => n.length > 64 || !n.startsWith(`${stackPrefix(stack)}-`));
        assert.deepEqual(bad, []);
    });

    it("gives every pair its own load balancer, target group and role names", () => {
        // GIVEN every pair
        // WHEN all their names are derived
        // THEN no two are equal
        const names = pairs.flatMap(({ component }) => [elbLogicalName(component, "alb"), elbLogicalName(component, "tg"), ...ROLE_KINDS.map((k) => roleLogicalName(component, k))]);
        assert.equal(new Set(names).size, names.length);
    });

    it("derives the same names every time", () => {
        // GIVEN one pair
        // WHEN its names are derived twice
        // THEN they are equal, and equal to the SHA-256 prefix of the full name (stable, not random)
        const c = serviceResourceName("staging-eu-central-1", "order-processing-worker-v2");
        assert.equal(elbLogicalName(c, "tg"), elbLogicalName(c, "tg"));
        assert.equal(elbLogicalName(c, "tg"), "staging-eu-cen-HASH-tg".replace("HASH", shortHash(c)));
        assert.equal(shortHash(c), "1e6f98");
    });
});
