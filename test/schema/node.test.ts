import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId, globalIdOf } from '../../src/global-id.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

async function firstConversationOf(viewer: string, source: string): Promise<{ id: string; messageId: string }> {
  const { data, errors } = await gateway.query(
    `query ($name: String!) { source(name: $name) { conversations(first: 1) { edges { node { id messages(last: 2) { edges { node { id } } } } } } } }`,
    { name: source },
    { id: viewer },
  );
  expect(errors).toBeUndefined();
  const node = data.source.conversations.edges[0].node;
  return { id: node.id, messageId: node.messages.edges[0].node.id };
}

describe('node and nodes', () => {
  it('round-trips every node type through node(id)', async () => {
    const { data: sources } = await gateway.query(`{ sources { id name kind } }`);
    expect(sources.sources.map((source: { name: string }) => source.name)).toEqual(['assistant', 'support', 'legacy']);
    const conversation = await firstConversationOf('demo-user', 'assistant');
    const ids = [sources.sources[0].id, conversation.id, conversation.messageId];
    const { data, errors } = await gateway.query(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id
          ... on Message { role conversation { id } } } }`,
      { ids },
    );
    expect(errors).toBeUndefined();
    expect(data.nodes.map((node: { __typename: string }) => node.__typename)).toEqual(['Source', 'Conversation', 'Message']);
    expect(data.nodes.map((node: { id: string }) => node.id)).toEqual(ids);
    expect(data.nodes[2].conversation.id).toBe(conversation.id);
  });

  it('gives the two halves of a Dify exchange different global IDs', async () => {
    const { data } = await gateway.query(
      `{ source(name: "assistant") { conversations(first: 1) { edges { node { messages(last: 2) { edges { node { id externalId role } } } } } } } }`,
    );
    const [user, assistant] = data.source.conversations.edges[0].node.messages.edges.map((edge: any) => edge.node);
    expect(user.externalId).toBe(assistant.externalId);
    expect(user.id).not.toBe(assistant.id);
    expect([user.role, assistant.role]).toEqual(['USER', 'ASSISTANT']);
  });

  it('answers each id on its own: bad → BAD_USER_INPUT, foreign/absent/unknown source → NOT_FOUND', async () => {
    const own = await firstConversationOf('demo-user', 'assistant');
    const foreign = await firstConversationOf('alice', 'assistant');
    const absent = globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: '00000000-0000-4000-8000-000000000000' });
    const unknownSource = globalIdOf({ type: 'Conversation', sourceId: 'nowhere', conversationId: 'x' });
    const badJson = encodeGlobalId('Conversation', 'not-json');
    const ids = [own.id, 'definitely not an id', foreign.id, absent, unknownSource, badJson];
    const { data, errors } = await gateway.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(data.nodes[0]).toEqual({ id: own.id });
    expect(data.nodes.slice(1)).toEqual([null, null, null, null, null]);
    const codeAt = (index: number) => errors?.find((error) => error.path?.[1] === index)?.extensions?.code;
    expect([1, 2, 3, 4, 5].map(codeAt)).toEqual(['BAD_USER_INPUT', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'BAD_USER_INPUT']);
    const foreignError = errors?.find((error) => error.path?.[1] === 2);
    const absentError = errors?.find((error) => error.path?.[1] === 3);
    expect(foreignError?.message).toBe(absentError?.message);
  });

  it('refuses more than 100 ids', async () => {
    const ids = Array.from({ length: 101 }, () => globalIdOf({ type: 'Source', sourceId: 'assistant' }));
    const { data, errors } = await gateway.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps the rest of the response when one field fails', async () => {
    const { data, errors } = await gateway.query(`{ viewer { externalId } conversation(id: "garbage") { id } sources { name } }`);
    expect(data.viewer.externalId).toBe('demo-user');
    expect(data.conversation).toBeNull();
    expect(data.sources).toHaveLength(3);
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatchObject({ path: ['conversation'], extensions: { code: 'BAD_USER_INPUT' } });
  });
});
