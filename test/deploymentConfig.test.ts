// The `deployment` key of a service: what each strategy takes, its ranges, test traffic, Express.
import { strict as assert } from "assert";
import { parseSettings } from "../config";
import { problems, raw } from "./support/configFixtures";
import { deploymentConfiguration, firstExposurePercent, linearSteps, minutesToFullTraffic, resolveDeployment, waitMinutes } from "../components/fargate/deploymentStrategy";

/** The one Fargate service `web` with this deployment. */
const fargate = (deployment: unknown) => raw({ services: { web: { mode: "fargate", image: { context: "app" }, deployment } } });

describe("config: deployment", () => {
    it("accepts each strategy with its own keys and passes them to the service", () => {
        for (const d of [
            { strategy: "rolling" },
            { strategy: "canary", canaryPercent: 2.5, canaryBakeMinutes: 30, bakeMinutes: 15, testTraffic: { header: { name: "X-Canary", value: "yes" } } },
            { strategy: "linear", linearStepPercent: 3, linearStepMinutes: 1440, bakeMinutes: 0 },
            { strategy: "blueGreen", testTraffic: { port: 8080 } },
        ]) {
            assert.deepEqual(parseSettings(fargate(d)).services[0].deployment, d);
        }
    });

    const cases: [string, unknown, string][] = [
        ["an unknown strategy", { strategy: "shadow" }, 'ecs-ship:services.web.deployment.strategy: must be one of rolling, canary, linear, blueGreen, got "shadow"'],
        ["a canary percent below 0.1", { strategy: "canary", canaryPercent: 0.05 }, "ecs-ship:services.web.deployment.canaryPercent: must be a number from 0.1 to 100 in steps of 0.1, got 0.05"],
        ["a canary percent off the 0.1 grid", { strategy: "canary", canaryPercent: 2.55 }, "ecs-ship:services.web.deployment.canaryPercent: must be a number from 0.1 to 100 in steps of 0.1, got 2.55"],
        ["a linear step below 3%", { strategy: "linear", linearStepPercent: 2 }, "ecs-ship:services.web.deployment.linearStepPercent: must be a number from 3 to 100, got 2"],
        ["a bake over a day", { strategy: "blueGreen", bakeMinutes: 1441 }, "ecs-ship:services.web.deployment.bakeMinutes: must be an integer from 0 to 1440, got 1441"],
        ["a canary key on a linear deployment", { strategy: "linear", canaryPercent: 5 }, 'ecs-ship:services.web.deployment.canaryPercent: applies only with strategy: canary, got 5 with strategy "linear"'],
        ["a linear key with the default strategy", { linearStepMinutes: 5 }, 'ecs-ship:services.web.deployment.linearStepMinutes: applies only with strategy: linear, got 5 with strategy "rolling"'],
        ["a bake on a rolling deployment", { strategy: "rolling", bakeMinutes: 5 }, "ecs-ship:services.web.deployment.bakeMinutes: applies only with strategy canary, linear or blueGreen (a rolling deployment has one target group and no bake), got 5"],
        ["both a test header and a test port", { strategy: "canary", testTraffic: { port: 8080, header: { name: "X-T", value: "1" } } }, "ecs-ship:services.web.deployment.testTraffic: Only one of `header` or `port` can be provided, got both"],
        ["a test port that serves production", { strategy: "canary", testTraffic: { port: 443 } }, "ecs-ship:services.web.deployment.testTraffic.port: must not be 80 or 443, which serve production traffic, got 443"],
        ["a header name with a space", { strategy: "canary", testTraffic: { header: { name: "X Canary", value: "1" } } }, "ecs-ship:services.web.deployment.testTraffic.header.name: must be an HTTP header name of 1 to 40 letters, digits or !#$%&'*+.^_`|~-, got \"X Canary\""],
        ["an unknown key", { strategy: "canary", percent: 5 }, "ecs-ship:services.web.deployment.percent: unknown key; allowed keys are strategy, canaryPercent, canaryBakeMinutes, linearStepPercent, linearStepMinutes, bakeMinutes, testTraffic"],
    ];
    for (const [what, d, message] of cases) {
        it(`refuses ${what}`, () => {
            assert.deepEqual(problems(fargate(d)), [message]);
        });
    }

    it("refuses a deployment on an Express service, citing the API", () => {
        const p = problems(raw({ services: { web: { mode: "express", image: { context: "app" }, deployment: { strategy: "canary" } } } }));
        assert.equal(p.length, 1);
        assert.match(p[0], /^ecs-ship:services\.web\.deployment: Express Mode deploys with the fixed canary AWS runs for it: CreateExpressGatewayService and UpdateExpressGatewayService take no deploymentConfiguration \(Amazon ECS API Reference, CreateExpressGatewayService\); use mode: fargate to choose a strategy, got \{"strategy":"canary"\}$/);
    });
});

describe("deployment strategy: mapping and timing (pure)", () => {
    it("leaves rolling to the provider's default and fills each strategy's defaults", () => {
        assert.equal(deploymentConfiguration(resolveDeployment(undefined)), undefined);
        assert.deepEqual(deploymentConfiguration(resolveDeployment({ strategy: "canary" })), { strategy: "CANARY", bakeTimeInMinutes: "5", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "10" } });
        assert.deepEqual(deploymentConfiguration(resolveDeployment({ strategy: "linear" })), { strategy: "LINEAR", bakeTimeInMinutes: "5", linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: "5" } });
        assert.deepEqual(deploymentConfiguration(resolveDeployment({ strategy: "blueGreen", bakeMinutes: 0 })), { strategy: "BLUE_GREEN", bakeTimeInMinutes: "0" });
    });

    it("counts the designed waits of each strategy", () => {
        assert.equal(linearSteps(20), 5);
        assert.equal(linearSteps(30), 4);
        assert.equal(linearSteps(3), 34);
        assert.equal(waitMinutes(resolveDeployment({ strategy: "rolling" })), 0);
        assert.equal(waitMinutes(resolveDeployment({ strategy: "canary", canaryBakeMinutes: 15, bakeMinutes: 10 })), 25);
        // 25% steps: 4 shifts, 3 waits of 4 minutes between them, then the bake
        assert.equal(waitMinutes(resolveDeployment({ strategy: "linear", linearStepPercent: 25, linearStepMinutes: 4, bakeMinutes: 5 })), 17);
        assert.equal(minutesToFullTraffic(resolveDeployment({ strategy: "linear", linearStepPercent: 25, linearStepMinutes: 4, bakeMinutes: 5 })), 12);
        assert.equal(waitMinutes(resolveDeployment({ strategy: "blueGreen", bakeMinutes: 20 })), 20);
        assert.equal(firstExposurePercent(resolveDeployment({ strategy: "canary", canaryPercent: 5 })), 5);
        assert.equal(firstExposurePercent(resolveDeployment({ strategy: "blueGreen" })), 100);
    });
});
