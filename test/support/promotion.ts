// The promotion scenario (test/scenarios/promotion) planned as the deploy workflow runs it: staging
// first, then prod with staging's outputs passed in ECS_SHIP_PROMOTED_IMAGES (what tools/operate/promote.ts
// writes). prod lives in its own account, PROD_ACCOUNT, named by staging's registry.promoteTo.
import * as path from "path";
import { Plan, ROOT, plan } from "../../tools/planner/planner";
import { PROMOTED_IMAGES_ENV } from "../../config/promotion";

export const SHA = "4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
export const PROMOTION_DIR = path.join(ROOT, "test", "scenarios", "promotion");
export const PROD_ACCOUNT = "222233334444";

/** The images a stack's outputs name, by service (its `services.<name>.imageRef`). */
export function imagesOf(p: Plan): Record<string, string> {
    return Object.fromEntries(Object.entries(p.outputs.services as Record<string, { imageRef: string }>).map(([n, s]) => [n, s.imageRef]));
}

export async function planPromotion(): Promise<{ staging: Plan; prod: Plan; images: Record<string, string> }> {
    const staging = await plan("staging", { stackFile: path.join(PROMOTION_DIR, "Pulumi.staging.yaml"), env: { GITHUB_SHA: SHA } });
    const images = imagesOf(staging);
    const prod = await plan("prod", { stackFile: path.join(PROMOTION_DIR, "Pulumi.prod.yaml"), env: { GITHUB_SHA: SHA, [PROMOTED_IMAGES_ENV]: JSON.stringify(images) } });
    return { staging, prod, images };
}
