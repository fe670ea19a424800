// tools/schema: `npm run config:generate` (this file, the command).
// May import: config.
//
// Writes what the configuration schema generates: schema/stack.schema.json for editors and
// docs/configuration.md for people. `npm run config:generate`; a test fails when either is stale.
import * as fs from "fs";
import * as path from "path";
import { configurationReference, stackFileJsonSchema } from "../../config/reference";

export const GENERATED = {
    "schema/stack.schema.json": () => `${JSON.stringify(stackFileJsonSchema(), null, 2)}\n`,
    "docs/configuration.md": () => configurationReference(),
};

if (require.main === module) {
    const root = path.resolve(__dirname, "../..");
    for (const [file, render] of Object.entries(GENERATED)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), render());
        console.log(`wrote ${file}`);
    }
}
