/**
 * Prints the schemas from the code (types sorted, so diffs stay small):
 * - `schema.graphql`: the client-facing API schema (codegen reads it);
 * - `subgraph.graphql`: the Federation v2 subgraph SDL (supergraph composition reads it).
 * `npm run print-schema` rewrites both; test/schema/printed-schema.test.ts fails when one is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemaFile, printSubgraphSchemaFile } from '../src/schema/print.js';

for (const [name, text] of [
  ['schema.graphql', printSchemaFile()],
  ['subgraph.graphql', printSubgraphSchemaFile()],
] as const) {
  const target = fileURLToPath(new URL(`../${name}`, import.meta.url));
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
