/**
 * Prints the schema from the code to `schema.graphql` (types sorted, so diffs stay small).
 * `npm run print-schema` rewrites it; test/schema/printed-schema.test.ts fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemaFile } from '../src/schema/print.js';

const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
writeFileSync(target, printSchemaFile());
process.stdout.write(`wrote ${target}\n`);
