// Pure helpers that make Express updates and replacements complete (no mocks).
import { strict as assert } from "assert";
import { physicalServiceName, replacementSuffix, scalingTrigger } from "../components/express/expressLifecycle";

const ROLE_A = "arn:aws:iam::123456789012:role/ecs-ship-dev-web-infra-1a2b3c4";
const ROLE_B = "arn:aws:iam::123456789012:role/ecs-ship-dev-web-infra-9f8e7d6";

describe("expressLifecycle", () => {
    it("keeps the service name while the infrastructure role stays", () => {
        // GIVEN the same role on two runs
        // THEN the same name: a re-run is not a replacement
        assert.equal(physicalServiceName("ecs-ship-dev-web", ROLE_A), physicalServiceName("ecs-ship-dev-web", ROLE_A));
    });

    it("changes the service name when the infrastructure role changes, the one input that forces a replacement", () => {
        // GIVEN a replaced infrastructure role
        // THEN the replacement service gets a name AWS does not already hold
        assert.notEqual(physicalServiceName("ecs-ship-dev-web", ROLE_A), physicalServiceName("ecs-ship-dev-web", ROLE_B));
    });

    it("suffixes 6 hex characters of the role ARN's SHA-256", () => {
        assert.match(replacementSuffix(ROLE_A), /^[0-9a-f]{6}$/);
        assert.equal(physicalServiceName("ecs-ship-dev-web", ROLE_A), `ecs-ship-dev-web-${replacementSuffix(ROLE_A)}`);
    });

    it("puts every scaling setting into the trigger, so any scaling change is a container change", () => {
        const base = { min: 1, max: 2, target: 60 };
        assert.equal(scalingTrigger("AVERAGE_CPU", base), "metric=AVERAGE_CPU,target=60,min=1,max=2");
        const variants = [scalingTrigger("AVERAGE_MEMORY", base), scalingTrigger("AVERAGE_CPU", { ...base, target: 70 }),
            scalingTrigger("AVERAGE_CPU", { ...base, min: 2 }), scalingTrigger("AVERAGE_CPU", { ...base, max: 3 })];
        assert.equal(new Set([scalingTrigger("AVERAGE_CPU", base), ...variants]).size, 5);
    });
});
