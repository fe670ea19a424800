// config/review.ts: the `ecs-ship:review` key, its defaults, its messages, and the stack names it reserves.
import { strict as assert } from "assert";
import { parseSettings } from "../config";
import { ReviewConfigError, reviewRoleOf, reviewSettingsOf, reviewStackName, withReviewInstanceDefaults } from "../config/review";
import { problems, raw } from "./support/configFixtures";

const template = (review: unknown = {}, stack = "review") => raw({ review }, { stack });

describe("config: ecs-ship:review", () => {
    it("fills the defaults: 5 stacks, 72 hours, a `review` label", () => {
        assert.deepEqual(parseSettings(template()).review, {
            maxStacks: 5, expiresAfterHours: 72, require: "label", label: "review", sweepEnvironment: "review-sweep", stack: { kind: "template" },
        });
    });

    it("knows a pull request's stack by its number, and tags its resources as a review's", () => {
        const s = parseSettings(template({ require: "environment" }, "pr-42"));
        assert.deepEqual(s.review, { maxStacks: 5, expiresAfterHours: 72, require: "environment", environment: "review", sweepEnvironment: "review-sweep", stack: { kind: "instance", number: 42 } });
        assert.deepEqual(s.tags, { "ecs-ship:stack": "pr-42", "ecs-ship:managed-by": "pulumi", "ecs-ship:review": "true" });
        assert.equal(s.prefix, "ecs-ship-pr-42");
    });

    it("the template stack itself carries no review tag: the review role must not reach its trust", () => {
        assert.equal(parseSettings(template()).tags["ecs-ship:review"], undefined);
    });

    it("refuses a sweep environment that is the reviewers' own: every hourly sweep would wait for an approval", () => {
        assert.deepEqual(problems(template({ require: "environment", environment: "review", sweepEnvironment: "review" })), [
            'ecs-ship:review.sweepEnvironment: must differ from the environment review deploys run in (whose reviewers would have to approve every sweep), got "review" for both',
        ]);
    });

    it("names the key, what is allowed and what was given", () => {
        assert.deepEqual(problems(template({ maxStacks: 0, expiresAfterHours: 1000, require: "approval" })), [
            "ecs-ship:review.maxStacks: must be an integer from 1 to 50, got 0",
            "ecs-ship:review.expiresAfterHours: must be an integer from 1 to 720, got 1000",
            'ecs-ship:review.require: must be one of label, environment, none (label: a maintainer adds the label before a PR deploys; environment: a reviewer approves each deploy in a GitHub environment; none: every same-repository PR deploys), got "approval"',
        ]);
        assert.deepEqual(problems(template({ maxStack: 3 })), [
            "ecs-ship:review.maxStack: unknown key; did you mean maxStacks? allowed keys are maxStacks, expiresAfterHours, require, label, environment, sweepEnvironment",
        ]);
    });

    it("refuses a wildcard environment, whose subject would widen the review role's trust", () => {
        assert.deepEqual(problems(template({ require: "environment", environment: "review-*" })), [
            'ecs-ship:review.environment: must be an exact environment name of 1 to 255 characters, with no wildcard ("*", "?", "[") or space, got "review-*"',
        ]);
    });

    it("refuses a label or environment the chosen requirement does not read", () => {
        assert.deepEqual(problems(template({ require: "none", label: "deploy-me" })), [
            'ecs-ship:review.label: applies only with ecs-ship:review.require: label, got "deploy-me" with require: "none"',
        ]);
        assert.deepEqual(problems(template({ environment: "staging" })), [
            'ecs-ship:review.environment: applies only with ecs-ship:review.require: environment, got "staging" with require: "label"',
        ]);
    });
});

describe("config: stack names reserved for review environments", () => {
    for (const stack of ["review", "pr-1", "pr-999999"]) {
        it(`${stack} without ecs-ship:review is refused`, () => {
            assert.deepEqual(problems(raw({}, { stack })), [
                `ecs-ship:review: is required in stack "${stack}": the stack names review and pr-<n> are reserved for review environments (docs/review-environments.md), got nothing; rename the stack or add ecs-ship:review`,
            ]);
        });
    }

    for (const stack of ["pr", "pr-0", "pr-042", "pr-1000000", "pr-feature"]) {
        it(`${stack} is reserved: its names would fall under ecs-ship-pr-`, () => {
            const message = `stack name: "${stack}" is reserved: names pr and pr-… fall under the review prefix ecs-ship-pr- that the review deploy role may change; allowed: stack review (the template) or pr-<n> with n from 1 to 999999 (one pull request's copy of it), got "${stack}"`;
            assert.deepEqual(problems(raw({}, { stack })), [message]);
            assert.deepEqual(problems(raw({ review: {} }, { stack })), [
                `ecs-ship:review: applies only to stack review or pr-<n> (allowed: stack review (the template) or pr-<n> with n from 1 to 999999 (one pull request's copy of it)), got it in stack "${stack}"`,
            ]);
        });
    }

    it("other stacks are untouched, whatever they start with (prod, preview, reviews)", () => {
        for (const stack of ["prod", "preview", "reviews", "prx"]) assert.equal(parseSettings(raw({}, { stack })).review, undefined);
    });

    it("ecs-ship:review in an ordinary stack is refused", () => {
        assert.deepEqual(problems(raw({ review: {} }, { stack: "prod" })), [
            'ecs-ship:review: applies only to stack review or pr-<n> (allowed: stack review (the template) or pr-<n> with n from 1 to 999999 (one pull request\'s copy of it)), got it in stack "prod"',
        ]);
    });

    it("reviewRoleOf and reviewStackName agree", () => {
        assert.deepEqual(reviewRoleOf(reviewStackName(7)), { kind: "instance", number: 7 });
        assert.equal(reviewRoleOf("prod"), undefined);
        assert.throws(() => reviewStackName(0), /integer from 1 to 999999, got 0/);
    });
});

describe("reviewSettingsOf: the template read by tools", () => {
    it("reads a parsed stack file, or its config map, with defaults", () => {
        const doc = { config: { "aws:region": "us-east-1", "ecs-ship:review": { maxStacks: 3, require: "none" } } };
        assert.deepEqual(reviewSettingsOf(doc), { maxStacks: 3, expiresAfterHours: 72, require: "none", sweepEnvironment: "review-sweep" });
        assert.deepEqual(reviewSettingsOf(doc.config), { maxStacks: 3, expiresAfterHours: 72, require: "none", sweepEnvironment: "review-sweep" });
        assert.deepEqual(reviewSettingsOf({ "ecs-ship:review": JSON.stringify({ label: "preview" }) }), {
            maxStacks: 5, expiresAfterHours: 72, require: "label", label: "preview", sweepEnvironment: "review-sweep",
        });
    });

    it("says undefined for a stack file without the key", () => {
        assert.equal(reviewSettingsOf({ config: { "aws:region": "us-east-1" } }), undefined);
    });

    it("throws a ReviewConfigError naming each problem", () => {
        const e: unknown = (() => { try { reviewSettingsOf({ config: { "ecs-ship:review": { maxStacks: 51 } } }); return undefined; } catch (err) { return err; } })();
        assert.ok(e instanceof ReviewConfigError);
        assert.deepEqual(e.problems, ["ecs-ship:review.maxStacks: must be an integer from 1 to 50, got 51"]);
    });
});

describe("config: what a review template may not hold", () => {
    const withWeb = (web: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
        raw({ review: {}, services: { web: { mode: "fargate", image: { context: "app" }, ...web } }, ...extra }, { stack: "pr-7" });

    it("refuses task permissions, ECS Exec and a domain, each with why", () => {
        assert.deepEqual(problems(withWeb({ exec: true, domain: "www.example.com", taskPolicyStatements: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] })), [
            'ecs-ship:services.web.taskPolicyStatements: is not allowed in a review template (it becomes an inline role policy, which only an administrator writes, and review stacks deploy without one), got [{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]',
            "ecs-ship:services.web.exec: is not allowed in a review template (ECS Exec needs a task role with an inline policy, which only an administrator writes, and review stacks deploy without one), got true",
            'ecs-ship:services.web.domain: is not allowed in a review template (every pull request\'s stack would claim the same name; review stacks serve on their load balancer\'s or Express\'s own URL), got "www.example.com"',
        ]);
    });

    it("refuses scheduled jobs, whose grant names one stack's roles", () => {
        const jobs = { nightly: { service: "web", command: ["node", "nightly.js"], schedule: "cron(0 3 * * ? *)" } };
        assert.deepEqual(problems(withWeb({}, { jobs })), [
            'ecs-ship:jobs: is not allowed in a review template (a scheduled job\'s scheduler grant names one stack\'s roles, and one review trust serves every pull request), got ["nightly"]',
        ]);
    });

    it("accepts exec: false and an empty secrets map, which create no inline policy", () => {
        assert.equal(parseSettings(withWeb({ exec: false, secrets: {} })).services[0].name, "web");
    });
});

describe("config: review instance defaults", () => {
    it("one task and Fargate Spot where unset; Express stays on Fargate; the template's own values win", () => {
        assert.deepEqual(withReviewInstanceDefaults([
            { mode: "fargate" },
            { mode: "express" },
            { mode: "fargate", kind: "worker" },
            { mode: "fargate", spot: false, scaling: { min: 2 } },
            { mode: "express", scaling: { min: 1, max: 3 } },
        ]), [
            { mode: "fargate", spot: true, scaling: { max: 1 } },
            { mode: "express", scaling: { max: 1 } },
            { mode: "fargate", kind: "worker", spot: true, scaling: { max: 1 } },
            { mode: "fargate", spot: false, scaling: { min: 2, max: 2 } },
            { mode: "express", scaling: { min: 1, max: 3 } },
        ]);
    });

    it("applies only to a pull request's stack, not to the template", () => {
        const file = { review: {}, services: { web: { mode: "fargate", image: { context: "app" } } } };
        assert.equal(parseSettings(raw(file, { stack: "review" })).services[0].spot, undefined);
        assert.equal(parseSettings(raw(file, { stack: "pr-3" })).services[0].spot, true);
    });
});
