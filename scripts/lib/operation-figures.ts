/**
 * What the operation limits (`server.limits`, src/plugins/use-armor.ts) measure for one
 * document, and the README's figures, computed rather than written by hand
 * (`scripts/operation-costs.ts` prints them; test/readme.test.ts checks the README says them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { Kind, parse, validate, visit, type DocumentNode, type ValidationRule } from 'graphql';
import { costingDocument } from '../../src/plugins/operation-cost.js';
import { schema } from '../../src/schema/index.js';
import { EXAMPLE_OPERATION } from '../../src/yoga/yoga.js';

/** The four figures the limits check, for one document. */
export interface OperationFigures {
  tokens: number;
  depth: number;
  aliases: number;
  cost: number;
}

/** Runs one armor rule with no limit and returns the figure it measured. */
function measure(document: DocumentNode, rule: (options: any) => ValidationRule, options: Record<string, unknown>): number {
  let found = Number.NaN;
  validate(schema, document, [rule({ ...options, onAccept: [(_: unknown, details: { n: number }) => (found = details.n)] })]);
  return found;
}

/**
 * Measures a document as the gateway would at execution: page sizes from `variables` (or the
 * operation's defaults), omitted page sizes as 20, `nodes` / `_entities` per id.
 * @throws Error naming every fragment the document spreads but does not define: costed without
 *   them, their fields would silently count as nothing
 */
export function operationFigures(text: string, variables: Record<string, unknown> = {}): OperationFigures {
  const parsed = parse(text);
  const missing = missingFragments(parsed);
  if (missing.length > 0) {
    const names = missing.join(', ');
    throw new Error(`${missing.length === 1 ? `fragment ${names} is` : `fragments ${names} are`} used but not defined: pass the file that defines ${missing.length === 1 ? 'it' : 'them'} too`);
  }
  const lexer = new MaxTokensParserWLexer(text, { n: Number.MAX_SAFE_INTEGER });
  lexer.parseDocument();
  const document = costingDocument(schema, parsed, variables).document;
  return {
    tokens: lexer.tokenCount,
    depth: measure(document, maxDepthRule, { n: Number.MAX_SAFE_INTEGER, flattenFragments: true }),
    aliases: measure(document, maxAliasesRule, { n: Number.MAX_SAFE_INTEGER }),
    cost: Math.round(measure(document, costLimitRule, { maxCost: Number.MAX_SAFE_INTEGER })),
  };
}

/** Names of fragments spread in `document` without a definition in it. */
export function missingFragments(document: DocumentNode): string[] {
  const defined = new Set(document.definitions.filter((node) => node.kind === Kind.FRAGMENT_DEFINITION).map((node) => node.name.value));
  const missing = new Set<string>();
  visit(document, {
    FragmentSpread(node) {
      if (!defined.has(node.name.value)) missing.add(node.name.value);
    },
  });
  return [...missing];
}

const README = new URL('../../README.md', import.meta.url);
const OPERATIONS = new URL('../../test/operations/', import.meta.url);

/** The query under the README's "The graph" heading, as written there. */
export function readmeGraphQuery(readme = readFileSync(README, 'utf8')): string {
  const section = readme.slice(readme.indexOf('\n## The graph'));
  const match = /```graphql\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md has no graphql block under "## The graph"');
  return match[1]!;
}

/** The README's graph query with `conversations(first: N)` and `messages(last: M)`. */
function sized(query: string, conversations: number, messages: number): string {
  if (!/conversations\(first: \d+\)/.test(query) || !/messages\(last: \d+\)/.test(query)) {
    throw new Error('the README graph query no longer has conversations(first: N) and messages(last: M)');
  }
  return query.replace(/conversations\(first: \d+\)/, `conversations(first: ${conversations})`).replace(/messages\(last: \d+\)/, `messages(last: ${messages})`);
}

/** Three nested lists with no page size at all: each one counts as 20. */
export const UNSIZED_NESTED_LISTS = /* GraphQL */ `{
  conversations { edges { node { id messages { edges { node { id text conversation { id messages { edges { node { id text } } } } } } } } } }
}`;

/** The test operations (test/operations/*.graphql) with their shared fragments, by file. */
export function testOperations(): Array<[string, string]> {
  const fragments = readFileSync(new URL('fragments.graphql', OPERATIONS), 'utf8');
  return readdirSync(OPERATIONS)
    .filter((name) => name.endsWith('.graphql') && name !== 'fragments.graphql')
    .sort()
    .map((file) => [`test/operations/${file}`, `${readFileSync(new URL(file, OPERATIONS), 'utf8')}\n${fragments}`]);
}

/** Every figure the README quotes about operation limits. */
export interface ReadmeFigures {
  graphiqlExample: OperationFigures;
  /** The heaviest test operation: its file and figures. */
  heaviestTestOperation: { file: string } & OperationFigures;
  /** Deepest of the test operations. */
  testOperationsMaxDepth: number;
  /** The README's graph query with 20 conversations × their last 20 messages. */
  graphQuery20x20: OperationFigures;
  /** The same with 100 × 100. */
  graphQuery100x100: OperationFigures;
  unsizedNestedLists: OperationFigures;
}

/** Computes the README's figures. */
export function readmeFigures(): ReadmeFigures {
  const query = readmeGraphQuery();
  const tests = testOperations().map(([file, text]) => ({ file, ...operationFigures(text) }));
  const heaviest = tests.reduce((best, candidate) => (candidate.cost > best.cost ? candidate : best));
  return {
    graphiqlExample: operationFigures(EXAMPLE_OPERATION),
    heaviestTestOperation: heaviest,
    testOperationsMaxDepth: Math.max(...tests.map((test) => test.depth)),
    graphQuery20x20: operationFigures(sized(query, 20, 20)),
    graphQuery100x100: operationFigures(sized(query, 100, 100)),
    unsizedNestedLists: operationFigures(UNSIZED_NESTED_LISTS),
  };
}

/** A figure as the README writes it: `230,000`. */
export function formatFigure(value: number): string {
  return value.toLocaleString('en-US');
}
