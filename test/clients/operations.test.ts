/**
 * The operations a frontend ships (test/operations, typed by codegen into test/generated) sent
 * over real HTTP to the gateway on the simulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConversationByExternalIdDocument,
  ConversationMessagesDocument,
  ConversationsPageDocument,
  NodeByIdDocument,
  NodesByIdsDocument,
  RecentConversationsDocument,
  SourcesDocument,
} from '../generated/graphql.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { longestConversation } from '../helpers/paging.js';
import { executeTyped, listenOnLoopback, type Listening } from './http.js';

let gateway: TestGateway;
let server: Listening;
let url: string;
beforeAll(async () => {
  gateway = await startTestGateway();
  server = await listenOnLoopback(gateway.yoga);
  url = `${server.origin}/graphql`;
});
afterAll(async () => {
  await server?.close();
  await gateway?.close();
});

const times = (values: Array<string | null>) => values.map((value) => Date.parse(value ?? ''));

describe('typed operations over HTTP', () => {
  it('RecentConversations: the inbox with each conversation’s last messages', async () => {
    const { status, data, errors } = await executeTyped(url, RecentConversationsDocument, { first: 10, lastMessages: 3 });
    expect(status).toBe(200);
    expect(errors).toBeUndefined();
    expect(data?.viewer.externalId).toBe('demo-user');
    const edges = data!.conversations!.edges;
    expect(edges).toHaveLength(10);
    expect(new Set(edges.map((edge) => edge.node.source.kind))).toEqual(new Set(['DIFY', 'CHATWOOT', 'REST']));
    const updated = times(edges.map((edge) => edge.node.updatedAt));
    expect(updated).toEqual([...updated].sort((a, b) => b - a));
    for (const { node } of edges) {
      const messages = node.messages!.edges.map((edge) => edge.node);
      expect(messages.length).toBeGreaterThan(0);
      expect(messages.length).toBeLessThanOrEqual(3);
      const created = times(messages.map((message) => message.createdAt));
      expect(created).toEqual([...created].sort((a, b) => a - b));
    }
  });

  it('ConversationMessages: the newest page, then the one before it', async () => {
    const id = await longestConversation(gateway, 'assistant');
    const newest = await executeTyped(url, ConversationMessagesDocument, { id, last: 6 });
    expect(newest.errors).toBeUndefined();
    const page = newest.data!.conversation!.messages!;
    expect(page.edges).toHaveLength(6);
    expect(page.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const older = await executeTyped(url, ConversationMessagesDocument, { id, last: 6, before: page.pageInfo.startCursor });
    expect(older.errors).toBeUndefined();
    const olderPage = older.data!.conversation!.messages!;
    expect(olderPage.edges).toHaveLength(6);
    expect(olderPage.pageInfo.hasNextPage).toBe(true);
    const boundary = times([olderPage.edges.at(-1)!.node.createdAt, page.edges[0]!.node.createdAt]);
    expect(boundary[0]).toBeLessThanOrEqual(boundary[1]!);
    const ids = [...olderPage.edges, ...page.edges].map((edge) => edge.node.id);
    expect(new Set(ids).size).toBe(12);
  });

  it('ConversationsPage: one source’s conversations, forward', async () => {
    const { data, errors } = await executeTyped(url, ConversationsPageDocument, { first: 3, sourceIds: ['support'] });
    expect(errors).toBeUndefined();
    const page = data!.conversations!;
    expect(page.edges).toHaveLength(3);
    expect(page.edges.every((edge) => edge.node.source.name === 'support')).toBe(true);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await executeTyped(url, ConversationsPageDocument, { first: 3, after: page.pageInfo.endCursor, sourceIds: ['support'] });
    expect(next.errors).toBeUndefined();
    expect(next.data!.conversations!.pageInfo.hasPreviousPage).toBe(true);
    const ids = [...page.edges, ...next.data!.conversations!.edges].map((edge) => edge.node.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('NodeById and NodesByIds: every node type, and a bad id answered on its own', async () => {
    const recent = await executeTyped(url, RecentConversationsDocument, { first: 1, lastMessages: 1 });
    const conversation = recent.data!.conversations!.edges[0]!.node;
    const message = conversation.messages!.edges[0]!.node;

    const byId = await executeTyped(url, NodeByIdDocument, { id: message.id });
    expect(byId.errors).toBeUndefined();
    expect(byId.data?.node).toMatchObject({ __typename: 'Message', id: message.id, text: message.text, conversation: { id: conversation.id } });
    const source = await executeTyped(url, NodeByIdDocument, { id: conversation.source.id });
    expect(source.data?.node).toMatchObject({ __typename: 'Source', name: conversation.source.name, canListConversations: true });

    const many = await executeTyped(url, NodesByIdsDocument, { ids: [conversation.id, 'not-an-id', message.id] });
    expect(many.data?.nodes.map((node) => node?.__typename ?? null)).toEqual(['Conversation', null, 'Message']);
    expect(many.errors).toHaveLength(1);
    expect(many.errors?.[0]).toMatchObject({ path: ['nodes', 1], extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('Sources and ConversationByExternalId: a deep link by the backend’s own id', async () => {
    const sources = await executeTyped(url, SourcesDocument, {});
    expect(sources.data?.sources.map((source) => [source.name, source.kind])).toEqual([
      ['assistant', 'DIFY'],
      ['support', 'CHATWOOT'],
      ['legacy', 'REST'],
    ]);
    const page = await executeTyped(url, ConversationsPageDocument, { first: 1, sourceIds: ['support'] });
    const first = page.data!.conversations!.edges[0]!.node;
    const opened = await executeTyped(url, ConversationByExternalIdDocument, { source: 'support', externalId: first.externalId });
    expect(opened.errors).toBeUndefined();
    expect(opened.data?.source?.conversation?.id).toBe(first.id);
  });

  it('refuses a typed operation without a viewer (401, no data)', async () => {
    const { status, data, errors } = await executeTyped(url, SourcesDocument, {}, null);
    expect(status).toBe(401);
    expect(data ?? null).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
