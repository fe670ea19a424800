// What the engine would do with a plan's resources beyond creating them: the order a
// `pulumi destroy` deletes them in, and (with replacements.ts) what a second `pulumi up`
// changes. Pure functions over recorded resources; no mocks needed to test them.
import { RecordedResource } from "./mockCloud";

/**
 * The order `pulumi destroy` deletes resources in: a resource goes only after every resource
 * that depends on it (through an input or `dependsOn`), and a component after its children.
 * Pulumi deletes in reverse dependency order (Pulumi docs, "dependsOn": "Pulumi ... deletes
 * dependents before their dependencies"). Ties keep the reverse of registration order.
 */
export function deleteOrder(resources: RecordedResource[]): string[] {
    const names = resources.map((r) => r.name);
    const dependents = new Map<string, Set<string>>(names.map((n) => [n, new Set<string>()]));
    for (const r of resources) {
        for (const d of r.dependencies) dependents.get(d)?.add(r.name);
        if (r.parent) dependents.get(r.parent)?.add(r.name);
    }
    const deleted = new Set<string>();
    const order: string[] = [];
    const remaining = [...names].reverse();
    while (remaining.length) {
        const i = remaining.findIndex((n) => [...dependents.get(n)!].every((d) => deleted.has(d) || d === n));
        if (i === -1) throw new Error(`dependency cycle among: ${remaining.join(", ")}`);
        const [n] = remaining.splice(i, 1);
        deleted.add(n);
        order.push(n);
    }
    return order;
}
