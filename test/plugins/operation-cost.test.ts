/**
 * The document an operation is costed on (src/plugins/operation-cost.ts): every list size the
 * cost rule cannot see is written out as a literal `first`.
 */
import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { costingDocument } from '../../src/plugins/operation-cost.js';
import { subgraphSchema } from '../../src/schema/federation.js';

function costed(query: string, variables: Record<string, unknown> = {}) {
  const result = costingDocument(subgraphSchema, parse(query), variables);
  return { text: print(result.document).replace(/\s+/g, ' '), usesVariables: result.usesVariables };
}

describe('costing document', () => {
  it('counts omitted page sizes as the default page size, in fragments too', () => {
    const { text, usesVariables } = costed(`{ conversations { edges { node { ...Row } } } }
      fragment Row on Conversation { messages(before: "x") { edges { node { id } } } }`);
    expect(text).toContain('conversations(first: 20)');
    expect(text).toContain('messages(first: 20, before: "x")');
    expect(usesVariables).toBe(false);
  });

  it('inlines page sizes from variables, their declared defaults, and null as omitted', () => {
    const query = `query ($n: Int = 7, $m: Int) { conversations(first: $n) { edges { node { messages(last: $m) { edges { cursor } } } } } }`;
    expect(costed(query, { n: 50, m: 3 }).text).toMatch(/conversations\(first: 50\).*messages\(first: 3\)/);
    expect(costed(query, {}).text).toMatch(/conversations\(first: 7\).*messages\(first: 20\)/);
    expect(costed(query, { n: null }).text).toMatch(/conversations\(first: 20\)/);
    expect(costed(query, {}).usesVariables).toBe(true);
  });

  it('counts nodes and _entities per id, literal or from variables', () => {
    expect(costed(`{ nodes(ids: ["a", "b", "c"]) { id } }`).text).toContain('nodes(first: 3, ids: ["a", "b", "c"])');
    expect(costed(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array(40).fill('x') }).text).toContain('nodes(first: 40');
    const entities = `query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }`;
    expect(costed(entities, { r: Array(1000).fill({}) }).text).toContain('_entities(first: 1000');
  });

  it('leaves fields without list sizes alone', () => {
    expect(costed(`{ viewer { externalId } sources { name } }`).text).toBe('{ viewer { externalId } sources { name } }');
  });
});
