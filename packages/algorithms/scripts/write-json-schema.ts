// Writes schema/strategy-config.schema.json, derived from the built-in descriptors (run: pnpm --filter @topiary/algorithms schema).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { strategyJsonSchema } from '../src/config/json-schema.js';

const target = fileURLToPath(new URL('../schema/strategy-config.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(strategyJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
