/**
 * Prints what the operation limits (`server.limits`, src/plugins/use-armor.ts) measure for each
 * operation: tokens, depth, aliases and cost. Use it to size the limits for a frontend.
 *
 *   npx tsx scripts/operation-costs.ts                      # the example and test operations
 *   npx tsx scripts/operation-costs.ts a.graphql b.graphql  # your own (fragments: pass them too)
 *   VARIABLES='{"first":20}' npx tsx scripts/operation-costs.ts inbox.graphql
 *
 * Costs are those the gateway computes at execution: page sizes from VARIABLES (or the
 * operations' defaults), omitted page sizes as 20, `nodes` / `_entities` per id.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { parse, validate, type DocumentNode, type ValidationRule } from 'graphql';
import { costingDocument } from '../src/plugins/operation-cost.js';
import { schema } from '../src/schema/index.js';
import { EXAMPLE_OPERATION } from '../src/yoga/yoga.js';

/** Runs one armor rule with no limit and returns the figure it measured. */
function measure(document: DocumentNode, rule: (options: any) => ValidationRule, options: Record<string, unknown>): number {
  let found = Number.NaN;
  validate(schema, document, [rule({ ...options, onAccept: [(_: unknown, details: { n: number }) => (found = details.n)] })]);
  return found;
}

function figures(text: string, given: Record<string, unknown>) {
  const lexer = new MaxTokensParserWLexer(text, { n: Number.MAX_SAFE_INTEGER });
  lexer.parseDocument();
  const parsed = parse(text);
  const document = costingDocument(schema, parsed, given).document;
  return {
    tokens: lexer.tokenCount,
    depth: measure(document, maxDepthRule, { n: Number.MAX_SAFE_INTEGER, flattenFragments: true }),
    aliases: measure(document, maxAliasesRule, { n: Number.MAX_SAFE_INTEGER }),
    cost: Math.round(measure(document, costLimitRule, { maxCost: Number.MAX_SAFE_INTEGER })),
  };
}

const given = JSON.parse(process.env.VARIABLES ?? '{}') as Record<string, unknown>;
const files = process.argv.slice(2);
const operations: Array<[string, string]> = [];
if (files.length > 0) {
  operations.push([files.join(' + '), files.map((file) => readFileSync(file, 'utf8')).join('\n')]);
} else {
  const dir = new URL('../test/operations/', import.meta.url);
  const fragments = readFileSync(new URL('fragments.graphql', dir), 'utf8');
  operations.push(['EXAMPLE_OPERATION (GraphiQL)', EXAMPLE_OPERATION]);
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.graphql') && name !== 'fragments.graphql').sort()) {
    operations.push([`test/operations/${file}`, `${readFileSync(new URL(file, dir), 'utf8')}\n${fragments}`]);
  }
}
console.log(['operation'.padEnd(48), 'tokens', ' depth', 'aliases', '     cost'].join(' '));
for (const [name, text] of operations) {
  const { tokens, depth, aliases, cost } = figures(text, given);
  console.log([name.padEnd(48), String(tokens).padStart(6), String(depth).padStart(6), String(aliases).padStart(7), String(cost).padStart(9)].join(' '));
}
