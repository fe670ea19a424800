// The gate's check of a promoted service (`image: { from: <stack> }`, docs/promotion.md): before any
// ECS call, the digest the stack outputs say it deployed must be the one the earlier stack deployed,
// as the workflow passed it (ECS_SHIP_PROMOTED_IMAGES, the earlier stack's imageRef outputs). The ECS
// check that follows then proves that digest is what serves, so a later stack that ran anything but
// the promoted build fails the gate with exit 6.
import { EXIT, GateFailure, ServiceTarget, describe, digestOf, isRecord } from "./verifyCore";
import { PROMOTED_IMAGES_ENV } from "../../config/promotion";

/** Parses the variable's JSON, `{ "<service>": "<ref>" }`; undefined when it is not set. */
export function parsePromoted(text: string | undefined): Record<string, string> | undefined {
    if (text === undefined || text === "") return undefined;
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch {
        throw new GateFailure(EXIT.badInput, `${PROMOTED_IMAGES_ENV}: must be JSON, {"<service>": "<ref>"}, got ${describe(text)}`);
    }
    if (!isRecord(doc) || !Object.values(doc).every((v) => typeof v === "string")) {
        throw new GateFailure(EXIT.badInput, `${PROMOTED_IMAGES_ENV}: must be an object of service -> image reference, got ${describe(doc)}`);
    }
    return doc as Record<string, string>;
}

/** Every promoted service deployed exactly the digest its source stack deployed. */
export function checkPromoted(targets: ServiceTarget[], promoted: Record<string, string> | undefined, log: (line: string) => void): void {
    for (const t of targets.filter((x) => x.promotedFrom)) {
        const ref = promoted?.[t.name];
        if (ref === undefined) {
            throw new GateFailure(EXIT.badInput, `services.${t.name} runs ${t.promotedFrom}'s image: pass the images ${t.promotedFrom} deployed in ${PROMOTED_IMAGES_ENV} (the deploy and rollback workflows set it), got ${describe(promoted === undefined ? undefined : Object.keys(promoted))}`);
        }
        const expected = digestOf(ref);
        if (expected === undefined) throw new GateFailure(EXIT.badInput, `${PROMOTED_IMAGES_ENV}.${t.name}: must be pinned by digest (<repository>@sha256:<64 hex>), got ${describe(ref)}`);
        if (expected !== t.imageDigest) {
            throw new GateFailure(EXIT.imageMismatch, `services.${t.name}: the stack deployed ${t.imageDigest}, but ${t.promotedFrom} deployed ${expected}: this stack did not run the promoted build (was ${PROMOTED_IMAGES_ENV} passed to pulumi up?)`);
        }
        log(`${t.name}: deployed ${t.promotedFrom}'s build ${expected}`);
    }
}
