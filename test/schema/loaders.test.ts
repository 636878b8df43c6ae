import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { longestConversation } from '../helpers/paging.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

describe('per-request DataLoaders', () => {
  it('sends identical reads inside one operation upstream once', async () => {
    const id = await longestConversation(gateway, 'support');
    const simulator = gateway.backends.simulators.support;
    simulator.requests.length = 0;
    const { data, errors } = await gateway.query(
      `query ($id: ID!) {
        a: conversation(id: $id) { title messages(last: 10) { edges { node { id } } } }
        b: conversation(id: $id) { title messages(last: 10) { edges { node { id } } } }
        c: node(id: $id) { id }
      }`,
      { id },
    );
    expect(errors).toBeUndefined();
    expect(data.a).toEqual(data.b);
    const messageCalls = simulator.requests.filter((request) => request.path.endsWith('/messages'));
    expect(messageCalls.length).toBeGreaterThan(0);
    const perQuery = new Map<string, number>();
    for (const request of simulator.requests) {
      const key = `${request.path}?${request.query.toString()}`;
      perQuery.set(key, (perQuery.get(key) ?? 0) + 1);
    }
    expect([...perQuery.values()].every((count) => count === 1)).toBe(true);
  });

  it('does not share results between requests', async () => {
    const id = await longestConversation(gateway, 'assistant');
    const simulator = gateway.backends.simulators.assistant;
    const query = `query ($id: ID!) { conversation(id: $id) { messages(last: 4) { edges { node { id } } } } }`;
    await gateway.query(query, { id });
    simulator.requests.length = 0;
    await gateway.query(query, { id });
    expect(simulator.requests.filter((request) => request.path.endsWith('/messages')).length).toBeGreaterThan(0);
  });
});

describe('a failing source', () => {
  let withBroken: TestGateway;
  beforeAll(async () => {
    withBroken = await startTestGateway({
      configure: (config) => ({
        ...config,
        sources: [
          ...config.sources,
          { id: 'broken', kind: 'dify', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'app-x', retries: 0, timeoutMs: 1000 },
        ],
      }),
    });
  });
  afterAll(() => withBroken.close());

  it('never blanks the others in the merged list', async () => {
    const { data, errors } = await withBroken.query(`{ conversations(first: 50) { edges { node { source { name } } } } }`);
    const names = new Set(data.conversations.edges.map((edge: any) => edge.node.source.name));
    expect(names).toEqual(new Set(['assistant', 'support', 'legacy']));
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({
      path: ['conversations'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', sourceId: 'broken' },
    });
  });

  it('nulls only its own path elsewhere', async () => {
    const { data, errors } = await withBroken.query(
      `{ broken: source(name: "broken") { name conversations(first: 1) { edges { cursor } } }
         fine: source(name: "assistant") { conversations(first: 1) { edges { cursor } } } }`,
    );
    expect(data.broken.name).toBe('broken');
    expect(data.broken.conversations).toBeNull();
    expect(data.fine.conversations.edges).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['broken', 'conversations'], extensions: { sourceId: 'broken' } });
  });
});
