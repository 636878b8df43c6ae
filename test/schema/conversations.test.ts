import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../helpers/gateway.js';

const PAGE = `edges { cursor node { id externalId updatedAt source { name } } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

interface Listed {
  id: string;
  externalId: string;
  updatedAt: string | null;
  source: { name: string };
}

async function walkForward(gateway: TestGateway, size: number, sourceIds?: string[]): Promise<Listed[]> {
  const all: Listed[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 200; guard += 1) {
    const { data, errors }: GraphQLResponse = await gateway.query(
      `query ($first: Int!, $after: String, $sourceIds: [ID!]) { conversations(first: $first, after: $after, sourceIds: $sourceIds) { ${PAGE} } }`,
      { first: size, after, sourceIds },
    );
    expect(errors).toBeUndefined();
    const page: any = data.conversations;
    all.push(...page.edges.map((edge: { node: Listed }) => edge.node));
    if (!page.pageInfo.hasNextPage) return all;
    after = page.pageInfo.endCursor;
  }
  throw new Error('walk did not end');
}

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

describe('Query.conversations (merged)', () => {
  it('merges every listing source, most recently updated first, ties by source then id', async () => {
    const all = await walkForward(gateway, 100);
    expect(new Set(all.map((item) => item.source.name))).toEqual(new Set(['assistant', 'support', 'legacy']));
    for (let index = 1; index < all.length; index += 1) {
      const previous = all[index - 1]!;
      const current = all[index]!;
      const order = Date.parse(current.updatedAt!) - Date.parse(previous.updatedAt!);
      expect(order).toBeLessThanOrEqual(0);
      if (order === 0) {
        expect([previous.source.name, previous.externalId] <= [current.source.name, current.externalId]).toBe(true);
      }
    }
  });

  it('pages forward with one opaque cursor: small pages give the same list, each once', async () => {
    const big = await walkForward(gateway, 100);
    const small = await walkForward(gateway, 7);
    expect(small.map((item) => item.id)).toEqual(big.map((item) => item.id));
    expect(new Set(small.map((item) => item.id)).size).toBe(small.length);
  });

  it('pages backward with last/before to the start', async () => {
    const all = await walkForward(gateway, 100);
    const collected: Listed[][] = [];
    let before: string | null = null;
    for (let guard = 0; guard < 100; guard += 1) {
      const { data, errors }: GraphQLResponse = await gateway.query(
        `query ($before: String) { conversations(last: 9, before: $before) { ${PAGE} } }`,
        { before },
      );
      expect(errors).toBeUndefined();
      collected.unshift(data.conversations.edges.map((edge: { node: Listed }) => edge.node));
      if (!data.conversations.pageInfo.hasPreviousPage) break;
      before = data.conversations.pageInfo.startCursor;
    }
    expect(collected.flat().map((item) => item.id)).toEqual(all.map((item) => item.id));
  });

  it('filters by source name or Source global ID', async () => {
    const { data } = await gateway.query(`{ source(name: "support") { id } }`);
    const byName = await walkForward(gateway, 50, ['support']);
    const byId = await walkForward(gateway, 50, [data.source.id]);
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.every((item) => item.source.name === 'support')).toBe(true);
    expect(byId.map((item) => item.id)).toEqual(byName.map((item) => item.id));
  });

  it('refuses a cursor of another connection', async () => {
    const { data } = await gateway.query(`{ source(name: "assistant") { conversations(first: 2) { pageInfo { endCursor } } } }`);
    const foreign = data.source.conversations.pageInfo.endCursor;
    const { data: merged, errors } = await gateway.query(`query ($after: String) { conversations(first: 2, after: $after) { ${PAGE} } }`, {
      after: foreign,
    });
    expect(merged.conversations).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('Source.conversations', () => {
  it('lists one source and opens each item by externalId', async () => {
    const { data, errors }: GraphQLResponse = await gateway.query(
      `{ source(name: "assistant") { kind conversations(first: 3) { ${PAGE} } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data.source.kind).toBe('DIFY');
    const first = data.source.conversations.edges[0].node as Listed;
    const opened = await gateway.query(
      `query ($externalId: String!) { source(name: "assistant") { conversation(externalId: $externalId) { id } } }`,
      { externalId: first.externalId },
    );
    expect(opened.data.source.conversation.id).toBe(first.id);
  });
});
