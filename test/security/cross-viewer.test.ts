/**
 * A viewer cannot reach another viewer's conversation or message by any path: `node`, `nodes`,
 * `conversation(id)`, `Source.conversation(externalId)`, federation `_entities`, or a foreign
 * message key grafted onto an own conversation. Every attempt answers null + NOT_FOUND with the
 * same message as for an item that does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf, parseGlobalId } from '../../src/core/global-id.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { as, codes, post } from './helpers.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

interface Owned {
  conversationId: string;
  externalId: string;
  messageId: string;
}

/** The first conversation (and its newest message) `viewer` sees in `source`. */
async function firstOf(viewer: string, source: string): Promise<Owned> {
  const response = await post(
    gateway.yoga,
    `query ($name: String!) { source(name: $name) { conversations(first: 1) { edges { node {
        id externalId messages(last: 1) { edges { node { id } } } } } } } }`,
    { name: source },
    as(viewer),
  );
  expect(response.body.errors).toBeUndefined();
  const node = response.body.data.source.conversations.edges[0].node;
  return { conversationId: node.id, externalId: node.externalId, messageId: node.messages.edges[0].node.id };
}

/** IDs of items that do not exist, shaped like `foreign`'s. */
function absentLike(source: string, foreign: Owned, own: Owned) {
  const message = parseGlobalId(foreign.messageId);
  if (message.type !== 'Message') throw new Error('expected a message id');
  const absentConversation = { dify: '00000000-0000-4000-8000-000000000000', chatwoot: '999999', rest: 'con_missing' }[source]!;
  const ownRef = parseGlobalId(own.conversationId);
  if (ownRef.type !== 'Conversation') throw new Error('expected a conversation id');
  return {
    conversationId: globalIdOf({ type: 'Conversation', sourceId: message.sourceId, conversationId: absentConversation }),
    externalId: absentConversation,
    messageId: globalIdOf({ ...message, conversationId: absentConversation }),
    /** The foreign message's key inside the attacker's own conversation. */
    graftedMessageId: globalIdOf({ ...message, conversationId: ownRef.conversationId }),
  };
}

const SOURCES = [
  ['assistant', 'dify'],
  ['support', 'chatwoot'],
  ['legacy', 'rest'],
] as const;

describe.each(SOURCES)('cross-viewer access to %s (%s)', (sourceName, kind) => {
  let own: Owned;
  let foreign: Owned;
  let absent: ReturnType<typeof absentLike>;

  beforeAll(async () => {
    own = await firstOf('demo-user', sourceName);
    foreign = await firstOf('alice', sourceName);
    absent = absentLike(kind, foreign, own);
    expect(foreign.conversationId).not.toBe(own.conversationId);
  });

  /** Runs `query` as demo-user and returns, per alias, [data, code, message]. */
  async function attempt(query: string, variables: Record<string, unknown>) {
    const response = await post(gateway.yoga, query, variables, as('demo-user'));
    expect(response.status).toBe(200);
    const errorAt = (key: string | number, index?: number) =>
      response.body.errors?.find((error: any) => error.path?.[0] === key && (index === undefined || error.path?.[1] === index));
    return { data: response.body.data, errorAt, errors: (response.body.errors ?? []) as any[] };
  }

  it('node(id): a foreign conversation or message reads exactly like a missing one', async () => {
    const { data, errorAt } = await attempt(
      `query ($a: ID!, $b: ID!, $c: ID!, $d: ID!, $e: ID!) {
        a: node(id: $a) { id } b: node(id: $b) { id } c: node(id: $c) { id } d: node(id: $d) { id } e: node(id: $e) { id } }`,
      { a: foreign.conversationId, b: absent.conversationId, c: foreign.messageId, d: absent.messageId, e: absent.graftedMessageId },
    );
    expect(data).toEqual({ a: null, b: null, c: null, d: null, e: null });
    const summary = (key: string) => [errorAt(key)?.extensions?.code, errorAt(key)?.message];
    expect(summary('a')).toEqual(summary('b'));
    expect(summary('c')).toEqual(summary('d'));
    expect(summary('e')).toEqual(summary('d'));
    expect(summary('a')[0]).toBe('NOT_FOUND');
    expect(summary('c')[0]).toBe('NOT_FOUND');
  });

  it('nodes(ids): every foreign id is null + NOT_FOUND, the own one resolves', async () => {
    const ids = [own.conversationId, foreign.conversationId, foreign.messageId, absent.conversationId, absent.messageId];
    const { data, errorAt } = await attempt(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(data.nodes).toEqual([{ id: own.conversationId }, null, null, null, null]);
    expect([1, 2, 3, 4].map((index) => errorAt('nodes', index)?.extensions?.code)).toEqual(Array(4).fill('NOT_FOUND'));
    expect(errorAt('nodes', 1)?.message).toBe(errorAt('nodes', 3)?.message);
    expect(errorAt('nodes', 2)?.message).toBe(errorAt('nodes', 4)?.message);
  });

  it('conversation(id) and Source.conversation(externalId): foreign = missing', async () => {
    const { data, errorAt, errors } = await attempt(
      `query ($a: ID!, $b: ID!, $name: String!, $x: String!, $y: String!) {
        a: conversation(id: $a) { id title } b: conversation(id: $b) { id title }
        source(name: $name) { x: conversation(externalId: $x) { id title } y: conversation(externalId: $y) { id title } } }`,
      { a: foreign.conversationId, b: absent.conversationId, name: sourceName, x: foreign.externalId, y: absent.externalId },
    );
    expect(data.a).toBeNull();
    expect(data.b).toBeNull();
    expect(data.source).toEqual({ x: null, y: null });
    expect(errorAt('a')?.extensions?.code).toBe('NOT_FOUND');
    expect(errorAt('a')?.message).toBe(errorAt('b')?.message);
    const nested = (alias: string) => errors.find((error) => error.path?.[0] === 'source' && error.path?.[1] === alias);
    expect(nested('x').extensions.code).toBe('NOT_FOUND');
    expect(nested('x').message).toBe(nested('y').message);
  });

  it('federation _entities: foreign representations are null + NOT_FOUND', async () => {
    const representations = [
      { __typename: 'Conversation', id: own.conversationId },
      { __typename: 'Conversation', id: foreign.conversationId },
      { __typename: 'Message', id: foreign.messageId },
      { __typename: 'Conversation', id: absent.conversationId },
    ];
    const { data, errorAt } = await attempt(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Conversation { id } ... on Message { id text } } }`,
      { r: representations },
    );
    expect(data._entities).toEqual([{ id: own.conversationId }, null, null, null]);
    expect([1, 2, 3].map((index) => errorAt('_entities', index)?.extensions?.code)).toEqual(Array(3).fill('NOT_FOUND'));
    expect(errorAt('_entities', 1)?.message).toBe(errorAt('_entities', 3)?.message);
  });

  it("never lists another viewer's conversation", async () => {
    const { data } = await attempt(
      `query ($name: String!) { source(name: $name) { conversations(first: 100) { edges { node { id } } } } }`,
      { name: sourceName },
    );
    const ids = data.source.conversations.edges.map((edge: any) => edge.node.id);
    expect(ids).toContain(own.conversationId);
    expect(ids).not.toContain(foreign.conversationId);
  });
});

describe('without a viewer', () => {
  it('answers UNAUTHENTICATED with HTTP 401 and no data on every path', async () => {
    const id = globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: 'x' });
    for (const query of [
      `{ node(id: "${id}") { id } }`,
      `{ nodes(ids: ["${id}"]) { id } }`,
      `{ conversation(id: "${id}") { id } }`,
      `{ source(name: "assistant") { conversation(externalId: "x") { id } } }`,
      `{ _entities(representations: [{ __typename: "Conversation", id: "${id}" }]) { __typename } }`,
    ]) {
      const response = await post(gateway.yoga, query);
      expect(response.status).toBe(401);
      expect(response.body.data).toBeUndefined();
      expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    }
  });
});

it('keeps nothing about a foreign item in a refused response', async () => {
  const foreign = await firstOf('alice', 'support');
  const response = await post(gateway.yoga, `query ($id: ID!) { node(id: $id) { id ... on Conversation { title } } }`, { id: foreign.conversationId }, as('demo-user'));
  // The refusal carries only code, source and path: no title, no contact, no upstream detail.
  expect(response.body.errors[0]).toEqual({
    message: 'conversation not found',
    path: ['node'],
    locations: expect.any(Array),
    extensions: { code: 'NOT_FOUND', sourceId: 'support' },
  });
});
