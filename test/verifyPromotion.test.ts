// The gate on a promoted stack: a service that runs an earlier stack's build must have deployed exactly
// the digest that stack deployed (ECS_SHIP_PROMOTED_IMAGES), before ECS is asked what serves.
import { strict as assert } from "assert";
import { EXIT, GateFailure, parseServices, runGate } from "../tools/verify/verifyGate";
import { checkPromoted, parsePromoted } from "../tools/verify/verifyPromotion";
import { CLUSTER_ARN, DIGEST, FARGATE_SERVICE_ARN, OTHER_DIGEST, SINCE, stackOutputs } from "./support/verifyFixtures";

const STAGING_REF = (digest: string) => `111122223333.dkr.ecr.us-east-1.amazonaws.com/ecs-ship-staging-web@${digest}`;
const web = (extra: Record<string, unknown> = {}) => ({ mode: "fargate", url: "http://127.0.0.1:1", serviceArn: FARGATE_SERVICE_ARN, clusterArn: CLUSTER_ARN, imageDigest: DIGEST, healthCheckPath: "/health", promotedFrom: "staging", ...extra });
const noEcs = { ecs: () => { throw new Error("ECS was asked"); }, fetch, clock: { now: () => 0, sleep: async () => undefined }, log: () => undefined } as never;

async function failure(p: Promise<unknown>): Promise<GateFailure> {
    try {
        await p;
    } catch (e) {
        if (e instanceof GateFailure) return e;
        throw e;
    }
    assert.fail("the gate passed");
}

describe("verify: a promoted stack", () => {
    it("reads promotedFrom from the stack outputs", () => {
        const [t] = parseServices(stackOutputs({ web: web() }), "prod");
        assert.equal(t.promotedFrom, "staging");
        const [own] = parseServices(stackOutputs({ web: web({ promotedFrom: undefined }) }), "prod");
        assert.equal(own.promotedFrom, undefined);
    });

    it("fails with exit 6, before asking ECS, when the stack deployed another digest than staging's", async () => {
        const f = await failure(runGate({ stack: "prod", outputs: stackOutputs({ web: web() }), since: SINCE, promoted: { web: STAGING_REF(OTHER_DIGEST) } }, noEcs));
        assert.equal(f.code, EXIT.imageMismatch);
        assert.equal(f.message, `services.web: the stack deployed ${DIGEST}, but staging deployed ${OTHER_DIGEST}: this stack did not run the promoted build (was ECS_SHIP_PROMOTED_IMAGES passed to pulumi up?)`);
    });

    it("fails with exit 2 when no promoted images were passed", async () => {
        const f = await failure(runGate({ stack: "prod", outputs: stackOutputs({ web: web() }), since: SINCE }, noEcs));
        assert.equal(f.code, EXIT.badInput);
        assert.match(f.message, /^services\.web runs staging's image: pass the images staging deployed in ECS_SHIP_PROMOTED_IMAGES/);
    });

    it("accepts the matching digest and goes on to ECS", async () => {
        const lines: string[] = [];
        checkPromoted(parseServices(stackOutputs({ web: web() }), "prod"), { web: STAGING_REF(DIGEST) }, (l) => lines.push(l));
        assert.deepEqual(lines, [`web: deployed staging's build ${DIGEST}`]);
        const f = await failure(runGate({ stack: "prod", outputs: stackOutputs({ web: web() }), since: SINCE, promoted: { web: STAGING_REF(DIGEST) } }, noEcs).catch((e) => {
            // the next step is the rollout check, which asks ECS
            assert.equal((e as Error).message, "ECS was asked");
            throw new GateFailure(EXIT.error, "reached ECS");
        }));
        assert.equal(f.message, "reached ECS");
    });

    it("refuses a variable that is not a map of references", () => {
        assert.equal(parsePromoted(undefined), undefined);
        assert.throws(() => parsePromoted("web=x"), { message: 'ECS_SHIP_PROMOTED_IMAGES: must be JSON, {"<service>": "<ref>"}, got "web=x"' });
        assert.throws(() => parsePromoted('["x"]'), (e: GateFailure) => e.code === EXIT.badInput);
    });
});
