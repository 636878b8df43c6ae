/**
 * Prints what the operation limits (`server.limits`, src/plugins/use-armor.ts) measure for each
 * operation: tokens, depth, aliases and cost. Use it to size the limits for a frontend.
 *
 *   npx tsx scripts/operation-costs.ts                      # the example and test operations
 *   npx tsx scripts/operation-costs.ts a.graphql b.graphql  # your own, with the files defining their fragments
 *   VARIABLES='{"first":20}' npx tsx scripts/operation-costs.ts inbox.graphql fragments.graphql
 *   npx tsx scripts/operation-costs.ts --readme             # the figures the README quotes
 *
 * Costs are those the gateway computes at execution: page sizes from VARIABLES (or the
 * operations' defaults), omitted page sizes as 20, `nodes` / `_entities` per id. A document
 * that spreads a fragment none of the given files defines is refused (exit 2) rather than
 * under-counted.
 */
import { readFileSync } from 'node:fs';
import { EXAMPLE_OPERATION } from '../src/yoga/yoga.js';
import { formatFigure, operationFigures, readmeFigures, testOperations, type OperationFigures } from './lib/operation-figures.js';

function row(name: string, { tokens, depth, aliases, cost }: OperationFigures): string {
  return [name.padEnd(56), String(tokens).padStart(6), String(depth).padStart(6), String(aliases).padStart(7), formatFigure(cost).padStart(11)].join(' ');
}

const header = ['operation'.padEnd(56), 'tokens', ' depth', 'aliases', '       cost'].join(' ');
const args = process.argv.slice(2);

if (args[0] === '--readme') {
  const figures = readmeFigures();
  console.log(header);
  console.log(row('GraphiQL example (EXAMPLE_OPERATION)', figures.graphiqlExample));
  console.log(row(`heaviest: ${figures.heaviestTestOperation.file}`, figures.heaviestTestOperation));
  console.log(row('README graph query, 20 conversations x 20 messages', figures.graphQuery20x20));
  console.log(row('README graph query, 100 x 100', figures.graphQuery100x100));
  console.log(row('three nested lists, no page sizes', figures.unsizedNestedLists));
  console.log(`deepest test operation: ${figures.testOperationsMaxDepth}`);
} else {
  const given = JSON.parse(process.env.VARIABLES ?? '{}') as Record<string, unknown>;
  const operations: Array<[string, string]> =
    args.length > 0
      ? [[args.join(' + '), args.map((file) => readFileSync(file, 'utf8')).join('\n')]]
      : [['EXAMPLE_OPERATION (GraphiQL)', EXAMPLE_OPERATION], ...testOperations()];
  console.log(header);
  for (const [name, text] of operations) {
    let figures: OperationFigures;
    try {
      figures = operationFigures(text, given);
    } catch (error) {
      process.stderr.write(`operation-costs: ${name}: ${(error as Error).message}\n`);
      process.exit(2);
    }
    console.log(row(name, figures));
  }
}
