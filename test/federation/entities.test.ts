import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeGlobalId, globalIdOf } from '../../src/global-id.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on Conversation { id title source { name } }
      ... on Message { id role conversation { id } }
      ... on Source { id name kind }
    }
  }`;

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

/** Every conversation of the viewer in every source, and the messages of the first Dify one. */
async function inventory(viewer = 'demo-user') {
  const { data, errors } = await gateway.query(
    `{ sources { id name conversations(first: 100) { edges { node { id messages(last: 20) { edges { node { id } } } } } } } }`,
    {},
    { id: viewer },
  );
  expect(errors).toBeUndefined();
  const sources = data.sources as Array<{ id: string; name: string; conversations: { edges: Array<{ node: any }> } }>;
  const conversations = sources.flatMap((source) => source.conversations.edges.map((edge) => ({ source: source.name, id: edge.node.id as string })));
  const messages: string[] = sources[0]!.conversations.edges[0]!.node.messages.edges.map((edge: any) => edge.node.id as string);
  return { sources, conversations, messages };
}

describe('_service', () => {
  it('answers the subgraph SDL as checked in, without a viewer', async () => {
    const { status, data, errors } = await gateway.query(`{ _service { sdl } }`, {}, null);
    expect(errors).toBeUndefined();
    expect(status).toBe(200);
    expect(`${data._service.sdl}\n`).toBe(readFileSync(new URL('../../subgraph.graphql', import.meta.url), 'utf8'));
  });
});

describe('_entities', () => {
  it('resolves Conversation, Message and Source by global ID', async () => {
    const { sources, conversations, messages } = await inventory();
    const representations = [
      { __typename: 'Conversation', id: conversations[0]!.id },
      { __typename: 'Message', id: messages[1] },
      { __typename: 'Source', id: sources[1]!.id },
    ];
    const { data, errors } = await gateway.query(ENTITIES, { representations });
    expect(errors).toBeUndefined();
    expect(data._entities).toEqual([
      { __typename: 'Conversation', id: conversations[0]!.id, title: expect.any(String), source: { name: conversations[0]!.source } },
      { __typename: 'Message', id: messages[1], role: 'ASSISTANT', conversation: { id: conversations[0]!.id } },
      { __typename: 'Source', id: sources[1]!.id, name: 'support', kind: 'CHATWOOT' },
    ]);
  });

  it('answers each representation on its own: malformed → BAD_USER_INPUT, absent/foreign → NOT_FOUND', async () => {
    const mine = (await inventory()).conversations[0]!.id;
    const foreign = (await inventory('alice')).conversations[0]!.id;
    const absent = globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: '00000000-0000-4000-8000-000000000000' });
    const unknownSource = globalIdOf({ type: 'Conversation', sourceId: 'nowhere', conversationId: 'x' });
    const representations = [
      { __typename: 'Conversation', id: mine },
      { __typename: 'Conversation', id: 'not a global id' },
      { __typename: 'Conversation', id: foreign },
      { __typename: 'Conversation', id: absent },
      { __typename: 'Conversation', id: unknownSource },
      { __typename: 'Message', id: mine }, // a Conversation ID where a Message is expected
      { __typename: 'Conversation', id: encodeGlobalId('Conversation', 'not-json') },
      { __typename: 'Viewer', id: mine }, // not an entity
      { __typename: 'Conversation' }, // no key
      { __typename: 'Conversation', id: 42 },
      'not an object',
    ];
    const { status, data, errors } = await gateway.query(ENTITIES, { representations });
    expect(status).toBe(200);
    expect(data._entities[0]).toMatchObject({ __typename: 'Conversation', id: mine });
    expect(data._entities.slice(1)).toEqual(Array(representations.length - 1).fill(null));
    const codeAt = (index: number) => errors?.find((error) => error.path?.join('.') === `_entities.${index}`)?.extensions?.code;
    expect(representations.map((_, index) => codeAt(index))).toEqual([
      undefined,
      'BAD_USER_INPUT',
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
    ]);
    // A foreign conversation is indistinguishable from an absent one.
    expect(errors?.find((error) => error.path?.[1] === 2)?.message).toBe(errors?.find((error) => error.path?.[1] === 3)?.message);
  });

  it('batches 50 representations into one load per source and kind', async () => {
    const { conversations, messages } = await inventory();
    const representations = [
      ...conversations.map((conversation) => ({ __typename: 'Conversation', id: conversation.id })),
      ...messages.map((id) => ({ __typename: 'Message', id })),
    ].slice(0, 50);
    expect(representations).toHaveLength(50);
    const spies = [...gateway.gateway.sources.values()].map((source) => ({
      name: source.id,
      conversations: vi.spyOn(source.adapter, 'getConversations'),
      messages: vi.spyOn(source.adapter, 'getMessages'),
    }));
    const dify = gateway.backends.simulators.assistant;
    dify.requests.length = 0;
    try {
      const { data, errors } = await gateway.query(ENTITIES, { representations });
      expect(errors).toBeUndefined();
      expect(data._entities.map((entity: { id: string }) => entity.id)).toEqual(representations.map((representation) => representation.id));
      const perSource = Object.fromEntries(
        spies.map((spy) => [spy.name, [spy.conversations.mock.calls.length, spy.messages.mock.calls.length]]),
      );
      // Each source: one batched conversation load; the Dify source also one batched message load.
      expect(perSource).toEqual({ assistant: [1, 1], support: [1, 0], legacy: [1, 0] });
      const batchSizes = spies.map((spy) => spy.conversations.mock.calls[0]?.[1].length);
      expect(batchSizes.reduce((sum, size) => sum! + size!, 0)).toBe(conversations.length);
      // 25 Dify conversations by id: one list scan, not one upstream call each.
      expect(dify.requests.filter((request) => request.path.endsWith('/conversations'))).toHaveLength(1);
    } finally {
      for (const spy of spies) {
        spy.conversations.mockRestore();
        spy.messages.mockRestore();
      }
    }
  });

  it('needs a viewer', async () => {
    const { conversations } = await inventory();
    const { status, data, errors } = await gateway.query(ENTITIES, { representations: [{ __typename: 'Conversation', id: conversations[0]!.id }] }, null);
    expect(status).toBe(401);
    expect(data).toBeUndefined();
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('server.federation: false', () => {
  let plain: TestGateway;
  beforeAll(async () => {
    plain = await startTestGateway({ configure: (config) => ({ ...config, server: { ...config.server, federation: false } }) });
  });
  afterAll(() => plain.close());

  it('serves the API schema without _service and _entities', async () => {
    const service = await plain.query(`{ _service { sdl } }`);
    expect(service.errors?.[0]?.message).toMatch(/Cannot query field "_service"/);
    const entities = await plain.query(`{ __type(name: "_Entity") { name } }`);
    expect(entities.data.__type).toBeNull();
    const { data, errors } = await plain.query(`{ viewer { externalId } sources { name } }`);
    expect(errors).toBeUndefined();
    expect(data.sources).toHaveLength(3);
  });
});
