/**
 * A real client paging the graph: Apollo Client (core, no React) with `relayStylePagination`
 * type policies, talking HTTP to the gateway on the simulators. Each walk ends with every item
 * exactly once, in order, in the normalized cache — what a chat UI renders from.
 */
import { ApolloClient, HttpLink, InMemoryCache, type ObservableQuery } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

beforeAll(async () => {
  gateway = await startTestGateway();
  server = await listenOnLoopback(gateway.yoga);
  client = new ApolloClient({
    link: new HttpLink({ uri: `${server.origin}/graphql`, headers: { 'x-chat-user': 'demo-user' } }),
    cache: new InMemoryCache({
      typePolicies: {
        Query: { fields: { conversations: relayStylePagination(['sourceIds']) } },
        Conversation: { fields: { messages: relayStylePagination() } },
      },
    }),
  });
});
afterAll(async () => {
  client?.stop();
  await server?.close();
  await gateway?.close();
});

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

    const query = client.watchQuery({ query: ConversationMessagesDocument, variables: { id, last: pageSize } });
    const subscription = query.subscribe(() => {});
    try {
      let data: ConversationMessagesQuery = await settled(query);
      expect(data.conversation!.messages!.edges).toHaveLength(pageSize);
      let fetches = 0;
      while (data.conversation!.messages!.pageInfo.hasPreviousPage) {
        await query.fetchMore({ variables: { before: data.conversation!.messages!.pageInfo.startCursor } });
        data = client.readQuery({ query: ConversationMessagesDocument, variables: { id, last: pageSize } })!;
        fetches += 1;
        expect(fetches).toBeLessThan(50);
      }
      expect(fetches).toBe(Math.ceil(expected.length / pageSize) - 1);
      const merged = data.conversation!.messages!.edges.map((edge) => edge.node.id);
      expect(merged).toEqual(expected.map((message) => message.id));
      expect(data.conversation!.messages!.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
      // Normalized: each message is one cache entry, none twice.
      const messagesInCache = cachedIds('Message');
      expect(new Set(messagesInCache)).toEqual(new Set(merged));
      expect(messagesInCache).toHaveLength(merged.length);
    } finally {
      subscription.unsubscribe();
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
    } finally {
      subscription.unsubscribe();
    }
  });
});
