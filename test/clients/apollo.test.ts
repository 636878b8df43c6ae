/**
 * A real client paging the graph: Apollo Client (core, no React) with `relayStylePagination`
 * type policies, talking HTTP to the gateway on the simulators. Each walk ends with every item
 * exactly once, in order, in the normalized cache — what a chat UI renders from — with every
 * message's sender as the server names it (senders are cache entries of their own, keyed
 * `Sender:<id>`), and without a cache warning.
 */
import { ApolloClient, HttpLink, InMemoryCache, type ObservableQuery } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { globalIdOf } from '../../src/global-id.js';
import {
  ConversationMessagesDocument,
  ConversationsPageDocument,
  type ConversationMessagesQuery,
  type ConversationsPageQuery,
} from '../generated/graphql.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { longestConversation, readAllForward } from '../helpers/paging.js';
import { listenOnLoopback, type Listening } from './http.js';

let gateway: TestGateway;
let server: Listening;
let client: ApolloClient;
let console$: MockInstance[];

/** The README's setup, as the viewer the authenticating proxy would name. */
function apolloClient(headers: Record<string, string>): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: `${server.origin}/graphql`, headers }),
    cache: new InMemoryCache({
      typePolicies: {
        Query: { fields: { conversations: relayStylePagination(['sourceIds']) } },
        Conversation: { fields: { messages: relayStylePagination() } },
      },
    }),
  });
}

beforeAll(async () => {
  gateway = await startTestGateway();
  server = await listenOnLoopback(gateway.yoga);
  client = apolloClient({ 'x-chat-user': 'demo-user' });
});
afterAll(async () => {
  client?.stop();
  await server?.close();
  await gateway?.close();
});
beforeEach(() => {
  console$ = [vi.spyOn(console, 'warn').mockImplementation(() => {}), vi.spyOn(console, 'error').mockImplementation(() => {})];
});
afterEach(() => {
  for (const spy of console$) spy.mockRestore();
});

/** What Apollo printed (cache warnings such as "Cache data may be lost"). */
const printed = () => console$.flatMap((spy) => spy.mock.calls.map((call) => call.map(String).join(' ')));

/** Every message's sender as the server answers it, oldest first: `KIND name`. */
async function serverSenders(id: string, viewer?: { id: string; roles?: string[] }): Promise<string[]> {
  const senders: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 20; pages += 1) {
    const { data, errors }: { data?: any; errors?: unknown } = await gateway.query(
      `query ($id: ID!, $after: String) { conversation(id: $id) { messages(first: 100, after: $after) {
        edges { node { sender { kind name } } } pageInfo { hasNextPage endCursor } } } }`,
      { id, after },
      viewer,
    );
    expect(errors).toBeUndefined();
    const page: { edges: any[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } = data.conversation.messages;
    for (const { node } of page.edges) senders.push(node.sender ? `${node.sender.kind} ${node.sender.name}` : 'none');
    if (!page.pageInfo.hasNextPage) return senders;
    after = page.pageInfo.endCursor;
  }
  throw new Error('the thread did not end');
}

/** The senders a merged page renders. */
const renderedSenders = (data: ConversationMessagesQuery) =>
  data.conversation!.messages!.edges.map(({ node }) => (node.sender ? `${node.sender.kind} ${node.sender.name}` : 'none'));

/** Opens a thread at its newest messages and scrolls it back to the start; the merged result. */
async function scrollBack(apollo: ApolloClient, id: string, pageSize: number): Promise<{ data: ConversationMessagesQuery; fetches: number }> {
  const query = apollo.watchQuery({ query: ConversationMessagesDocument, variables: { id, last: pageSize } });
  const subscription = query.subscribe(() => {});
  try {
    let data: ConversationMessagesQuery = await settled(query);
    let fetches = 0;
    while (data.conversation!.messages!.pageInfo.hasPreviousPage) {
      await query.fetchMore({ variables: { before: data.conversation!.messages!.pageInfo.startCursor } });
      data = apollo.readQuery({ query: ConversationMessagesDocument, variables: { id, last: pageSize } })!;
      fetches += 1;
      expect(fetches).toBeLessThan(50);
    }
    return { data, fetches };
  } finally {
    subscription.unsubscribe();
  }
}

/**
 * The first complete result of a watched query. After that the test reads the merged list the
 * way a UI renders it, from the cache (`readQuery`); the watcher's own emission follows later.
 */
function settled<T>(query: ObservableQuery<T, any>): Promise<T> {
  return firstValueFrom(query.pipe(filter((result) => result.dataState === 'complete'))).then((result) => result.data as T);
}

/** How many times each id occurs among the cache's entries of `typename`. */
function cachedIds(typename: string): string[] {
  const entries = Object.values(client.cache.extract() as Record<string, { __typename?: string; id?: string }>);
  return entries.filter((entry) => entry.__typename === typename).map((entry) => entry.id!);
}

describe('Apollo Client with relayStylePagination', () => {
  it('loads the newest page of the long Dify conversation and scrolls back to its start', async () => {
    const id = await longestConversation(gateway, 'assistant');
    const expected = await readAllForward(gateway, id, 100);
    expect(expected.length).toBeGreaterThan(60);
    const pageSize = 16;

    const { data, fetches } = await scrollBack(client, id, pageSize);
    expect(fetches).toBe(Math.ceil(expected.length / pageSize) - 1);
    const merged = data.conversation!.messages!.edges.map((edge) => edge.node.id);
    expect(merged).toEqual(expected.map((message) => message.id));
    expect(data.conversation!.messages!.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
    // Normalized: each message is one cache entry, none twice.
    const messagesInCache = cachedIds('Message');
    expect(new Set(messagesInCache)).toEqual(new Set(merged));
    expect(messagesInCache).toHaveLength(merged.length);
    expect(renderedSenders(data)).toEqual(await serverSenders(id));
    expect(printed()).toEqual([]);
  });

  it('scrolls a Chatwoot thread back as an agent with every sender as the server names it', async () => {
    // Agent 1, agent bot 1, Captain assistant 1 and contacts all write in this thread.
    const id = globalIdOf({ type: 'Conversation', sourceId: 'support', conversationId: '19' });
    const agent = apolloClient({ 'x-chat-user': 'priya', 'x-chat-roles': 'agent' });
    try {
      const { data } = await scrollBack(agent, id, 10);
      const truth = await serverSenders(id, { id: 'priya', roles: ['agent'] });
      expect(truth.length).toBeGreaterThan(40);
      expect(truth).toEqual(expect.arrayContaining(['AGENT Priya Raman', 'BOT Helper Bot', 'BOT Captain']));
      expect(renderedSenders(data)).toEqual(truth);
      expect(printed()).toEqual([]);
    } finally {
      agent.stop();
    }
  });

  it('reads the merged conversations list forward with first/after', async () => {
    const truth = await gateway.query(`{ conversations(first: 100) { edges { node { id } } pageInfo { hasNextPage } } }`);
    expect(truth.data.conversations.pageInfo.hasNextPage).toBe(false);
    const expected: string[] = truth.data.conversations.edges.map((edge: { node: { id: string } }) => edge.node.id);
    expect(expected.length).toBeGreaterThan(20);
    const pageSize = 7;

    const query = client.watchQuery({ query: ConversationsPageDocument, variables: { first: pageSize } });
    const subscription = query.subscribe(() => {});
    try {
      let data: ConversationsPageQuery = await settled(query);
      let fetches = 0;
      while (data.conversations!.pageInfo.hasNextPage) {
        await query.fetchMore({ variables: { after: data.conversations!.pageInfo.endCursor } });
        data = client.readQuery({ query: ConversationsPageDocument, variables: { first: pageSize } })!;
        fetches += 1;
        expect(fetches).toBeLessThan(50);
      }
      expect(fetches).toBe(Math.ceil(expected.length / pageSize) - 1);
      const merged = data.conversations!.edges.map((edge) => edge.node.id);
      expect(merged).toEqual(expected);
      const sources = new Set(data.conversations!.edges.map((edge) => edge.node.source.name));
      expect(sources).toEqual(new Set(['assistant', 'support', 'legacy']));
      expect(new Set(cachedIds('Conversation'))).toEqual(new Set(expected));
      expect(printed()).toEqual([]);
    } finally {
      subscription.unsubscribe();
    }
  });
});
