/**
 * Hostile operations are refused before they reach an upstream: depth, alias, token, cost and
 * directive bombs (BAD_USER_INPUT naming the limit), oversize bodies (413), while the example
 * operations and GraphiQL's introspection still pass with the default limits.
 */
import { readFileSync } from 'node:fs';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/global-id.js';
import { EXAMPLE_OPERATION } from '../../src/yoga.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { as, codes, post, send } from './helpers.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

/** Upstream requests received by all three simulators so far. */
function upstreamCalls(): number {
  return Object.values(gateway.backends.simulators).reduce((sum, simulator) => sum + simulator.requests.length, 0);
}

/** Posts as demo-user and asserts a refusal by `limit` with no data and no upstream call. */
async function expectRefusedBy(limit: string, query: string, variables: Record<string, unknown> = {}) {
  const before = upstreamCalls();
  const response = await post(gateway.yoga, query, variables, as('demo-user'));
  expect(response.body.data ?? null).toBeNull();
  expect(codes(response)[0]).toBe('BAD_USER_INPUT');
  expect(response.body.errors[0].extensions.limit).toBe(limit);
  expect(upstreamCalls()).toBe(before);
  return response;
}

/**
 * `conversation(id) { messages { edges { node { conversation { … } } } } }`, four levels per
 * round trip, ending in `messages { pageInfo { startCursor } }`: `levels` deep (levels ≡ 0 mod 4).
 */
function deepQuery(levels: number): string {
  let inner = 'messages(last: 1) { pageInfo { startCursor } }';
  for (let depth = 4; depth < levels; depth += 4) inner = `messages(last: 1) { edges { node { conversation { ${inner} } } } }`;
  return `query ($id: ID!) { conversation(id: $id) { ${inner} } }`;
}

describe('operations that must pass the default limits', () => {
  const operationsDir = new URL('../operations/', import.meta.url);
  const fragments = readFileSync(new URL('fragments.graphql', operationsDir), 'utf8');

  it('the example operation GraphiQL opens with', async () => {
    const response = await post(gateway.yoga, EXAMPLE_OPERATION, {}, as('demo-user'));
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.conversations.edges.length).toBeGreaterThan(0);
  });

  it('the inbox operation with 20 conversations × their last 20 messages', async () => {
    const query = readFileSync(new URL('recent-conversations.graphql', operationsDir), 'utf8') + fragments;
    const response = await post(gateway.yoga, query, { first: 20, lastMessages: 20 }, as('demo-user'));
    expect(response.body.errors).toBeUndefined();
  });

  it("GraphiQL's full introspection query, without a viewer", async () => {
    const response = await post(gateway.yoga, getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.__schema.queryType.name).toBe('Query');
  });

  it('a 12-level query (the default depth limit)', async () => {
    const response = await post(gateway.yoga, `{ conversations(first: 1) { edges { node { messages(last: 1) { edges {
      node { conversation { messages(last: 1) { edges { node { sender { name } } } } } } } } } } } }`, {}, as('demo-user'));
    expect(response.body.errors).toBeUndefined();
  });
});

describe('bombs', () => {
  it('refuses a 20-level query', async () => {
    const response = await expectRefusedBy('maxDepth', deepQuery(20), { id: 'x' });
    expect(response.body.errors[0].message).toMatch(/depth limit of 12 exceeded, found 20/i);
  });

  it('refuses 31 aliases', async () => {
    const aliases = Array.from({ length: 31 }, (_, index) => `a${index}: viewer { externalId }`).join(' ');
    await expectRefusedBy('maxAliases', `{ ${aliases} }`);
  });

  it('refuses a 1,000-alias query', async () => {
    const before = upstreamCalls();
    const aliases = Array.from({ length: 1000 }, (_, index) => `a${index}: conversations(first: 1) { edges { node { id } } }`).join(' ');
    const response = await post(gateway.yoga, `{ ${aliases} }`, {}, as('demo-user'));
    expect(response.body.data ?? null).toBeNull();
    expect(codes(response)[0]).toBe('BAD_USER_INPUT');
    expect(['maxAliases', 'maxTokens']).toContain(response.body.errors[0].extensions.limit);
    expect(upstreamCalls()).toBe(before);
  });

  it('refuses a token bomb', async () => {
    const fields = Array.from({ length: 2100 }, () => 'id').join(' ');
    await expectRefusedBy('maxTokens', `{ viewer { ${fields} } }`);
  });

  it('refuses a cost bomb with literal page sizes', async () => {
    await expectRefusedBy(
      'maxCost',
      `{ conversations(first: 100) { edges { node { id title messages(last: 100) { edges { node { id text role createdAt } } } } } } }`,
    );
  });

  it('refuses the same cost bomb when the page sizes come from variables', async () => {
    await expectRefusedBy(
      'maxCost',
      `query ($n: Int!, $m: Int!) { conversations(first: $n) { edges { node { id title
        messages(last: $m) { edges { node { id text role createdAt } } } } } } }`,
      { n: 100, m: 100 },
    );
  });

  it('refuses a directive bomb', async () => {
    const fields = Array.from({ length: 51 }, () => '__typename @include(if: true)').join(' ');
    await expectRefusedBy('maxDirectives', `{ ${fields} }`);
  });

  it('refuses more than 100 ids in nodes', async () => {
    const response = await post(gateway.yoga, `query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array(101).fill('x') }, as('demo-user'));
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.data).toBeNull();
  });
});

describe('cost counts what runs', () => {
  /** Three levels of lists: conversations → messages → their conversation's messages. */
  const nested = (size: string) => `{ conversations${size} { edges { node { id messages${size} { edges { node { id text
    conversation { id messages${size} { edges { node { id text } } } } } } } } } } }`;

  it('refuses the three-level nested query with no page sizes, like the sized one', async () => {
    const sized = await expectRefusedBy('maxCost', nested('(first: 50)'));
    const unsized = await expectRefusedBy('maxCost', nested(''));
    // Each level without a size is served (and costed) as a page of 20: 20³ leaves, not 1.
    expect(unsized.body.errors[0].message).toMatch(/Query Cost limit of 500000 exceeded, found \d{7,}/);
    expect(sized.body.errors[0].message).toMatch(/found \d{8,}/);
  });

  it('counts a null or missing page-size variable as the default page size', async () => {
    const query = `query ($n: Int) { conversations(first: $n) { edges { node { messages(first: $n) { edges { node {
      conversation { messages(first: $n) { edges { node { id text } } } } } } } } } } }`;
    await expectRefusedBy('maxCost', query, {});
    await expectRefusedBy('maxCost', query, { n: null });
  });

  it('counts nodes per id', async () => {
    const query = `query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Conversation { title
      messages(last: 100) { edges { node { id text role createdAt } } } } } }`;
    const one = await post(gateway.yoga, query, { ids: ['not-an-id'] }, as('demo-user'));
    expect(codes(one)).toEqual(['BAD_USER_INPUT']);
    expect(one.body.errors[0].extensions.limit).toBeUndefined();
    expect(one.body.data).toEqual({ nodes: [null] });
    await expectRefusedBy('maxCost', query, { ids: Array(100).fill('not-an-id') });
  });

  it('refuses more than 100 _entities representations before loading any', async () => {
    const before = upstreamCalls();
    const representations = Array.from({ length: 101 }, (_, index) => ({
      __typename: 'Conversation',
      id: globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: `made-up-${index}` }),
    }));
    const response = await post(gateway.yoga, `query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }`, { r: representations }, as('demo-user'));
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors[0].message).toBe('_entities takes at most 100 representations');
    expect(response.body.data).toBeNull();
    expect(upstreamCalls()).toBe(before);
  });

  it('a 1,000-representation _entities request of made-up ids makes at most 100 upstream calls', async () => {
    const before = upstreamCalls();
    const representations = ['assistant', 'support', 'legacy'].flatMap((sourceId) =>
      Array.from({ length: 334 }, (_, index) => ({
        __typename: 'Conversation',
        id: globalIdOf({ type: 'Conversation', sourceId, conversationId: `${sourceId === 'support' ? 90_000 + index : `made-up-${index}`}` }),
      })),
    ).slice(0, 1000);
    const response = await post(gateway.yoga, `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Conversation { id } } }`, { r: representations }, as('demo-user'));
    expect(codes(response)[0]).toBe('BAD_USER_INPUT');
    expect(upstreamCalls() - before).toBeLessThanOrEqual(100);
  });
});

describe('request bodies', () => {
  it('refuses a body over 1 MB with 413 (declared length)', async () => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1024 * 1024) } });
    const response = await send(gateway.yoga, { headers: { 'content-type': 'application/json', ...as('demo-user') }, body });
    expect(response.status).toBe(413);
    expect(codes(response)).toEqual(['REQUEST_ENTITY_TOO_LARGE']);
  });

  it('refuses a chunked body over 1 MB with 413 (no declared length)', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"query":"{ __typename }","variables":{"pad":"'));
      },
      pull(controller) {
        if (sent > 2 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await gateway.yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...as('demo-user') },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('refuses a Content-Length that is not one non-negative integer with 400', async () => {
    for (const length of ['12, 12', '-1', 'abc']) {
      const response = await gateway.yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': length, ...as('demo-user') },
        body: '{"query":"{ __typename }"}',
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Content-Length header is invalid');
    }
  });

  it('answers a malformed body with a coded error instead of crashing', async () => {
    for (const body of ['{', '[]', 'null', '{"query": 5}']) {
      const response = await send(gateway.yoga, { headers: { 'content-type': 'application/json', ...as('demo-user') }, body });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(codes(response)[0]).toBeTruthy();
    }
  });
});
