/**
 * A real normalizing client: urql with graphcache's `relayPagination()`, over HTTP to the
 * gateway on the simulators. It pages a long Chatwoot thread as an agent both ways and checks
 * every sender against the server's own answer: a cache that keys two different authors alike
 * (`Sender:1` for an agent and a bot) renders the wrong name without any error. Graphcache must
 * not print a single warning either (a type without a key, a missing field).
 */
import { Client, fetchExchange, gql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { globalIdOf } from '../../src/global-id.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { listenOnLoopback, type Listening } from './http.js';

const AGENT = { id: 'priya', roles: ['agent'] };
/** The demo Chatwoot thread where agent 1, bot 1 and contact 1 all write. */
const THREAD = globalIdOf({ type: 'Conversation', sourceId: 'support', conversationId: '19' });

const MESSAGE_FIELDS = `id role text sender { id kind name } attachments { id name url }`;
const BACKWARD = gql`
  query ThreadBackward($id: ID!, $last: Int!, $before: String) {
    conversation(id: $id) {
      id
      messages(last: $last, before: $before) {
        edges { cursor node { ${MESSAGE_FIELDS} } }
        pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
      }
    }
  }
`;
const FORWARD = gql`
  query ThreadForward($id: ID!, $first: Int!, $after: String) {
    conversation(id: $id) {
      id
      messages(first: $first, after: $after) {
        edges { cursor node { ${MESSAGE_FIELDS} } }
        pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
      }
    }
  }
`;

interface Page {
  edges: Array<{ cursor: string; node: { id: string; sender: { kind: string; name: string | null } | null } }>;
  pageInfo: { hasPreviousPage: boolean; hasNextPage: boolean; startCursor: string | null; endCursor: string | null };
}

let gateway: TestGateway;
let server: Listening;
let warn: MockInstance<typeof console.warn>;

beforeAll(async () => {
  gateway = await startTestGateway();
  server = await listenOnLoopback(gateway.yoga);
});
afterAll(async () => {
  await server?.close();
  await gateway?.close();
});
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

/**
 * A urql client as a frontend sets it up: graphcache with relayPagination on both connections,
 * and the one fetch option the gateway's CSRF check needs (see README, "Querying from a frontend").
 */
function urqlClient(): Client {
  return new Client({
    url: `${server.origin}/graphql`,
    preferGetMethod: false,
    fetchOptions: { headers: { 'x-chat-user': AGENT.id, 'x-chat-roles': AGENT.roles.join(',') } },
    exchanges: [
      cacheExchange({
        resolvers: {
          Query: { conversations: relayPagination() },
          Conversation: { messages: relayPagination() },
        },
      }),
      fetchExchange,
    ],
  });
}

/** Every message of the thread with its sender as the server answers it, oldest first. */
async function serverTruth(): Promise<Array<{ id: string; sender: { kind: string; name: string | null } | null }>> {
  const { data, errors } = await gateway.query(
    `query ($id: ID!) { conversation(id: $id) { messages(first: 100) { edges { node { id sender { kind name } } } pageInfo { hasNextPage } } } }`,
    { id: THREAD },
    AGENT,
  );
  expect(errors).toBeUndefined();
  expect(data.conversation.messages.pageInfo.hasNextPage).toBe(false);
  return data.conversation.messages.edges.map((edge: { node: unknown }) => edge.node);
}

/** The sender each merged edge renders: `KIND name`. */
function rendered(page: Page): string[] {
  return page.edges.map(({ node }) => (node.sender ? `${node.sender.kind} ${node.sender.name}` : 'none'));
}

describe('urql with graphcache relayPagination', () => {
  it('scrolls the Chatwoot thread back to its start with every sender right and no cache warning', async () => {
    const truth = await serverTruth();
    expect(truth.length).toBeGreaterThan(40);
    const client = urqlClient();
    const size = 10;
    let before: string | null = null;
    let merged!: Page;
    for (let fetches = 0; fetches < 50; fetches += 1) {
      const result = await client.query(BACKWARD, { id: THREAD, last: size, before }).toPromise();
      expect(result.error).toBeUndefined();
      // What the UI renders: the list graphcache merged for the first page's variables.
      const cached = await client.query(BACKWARD, { id: THREAD, last: size, before: null }, { requestPolicy: 'cache-only' }).toPromise();
      merged = cached.data.conversation.messages;
      const page: Page = result.data.conversation.messages;
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(merged.edges.map((edge) => edge.node.id)).toEqual(truth.map((message) => message.id));
    expect(rendered(merged)).toEqual(rendered({ edges: truth.map((node) => ({ cursor: '', node })) } as Page));
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([]);
  });

  it('reads the same thread forward from its start with every sender right and no cache warning', async () => {
    const truth = await serverTruth();
    const client = urqlClient();
    const size = 9;
    let after: string | null = null;
    let merged!: Page;
    for (let fetches = 0; fetches < 50; fetches += 1) {
      const result = await client.query(FORWARD, { id: THREAD, first: size, after }).toPromise();
      expect(result.error).toBeUndefined();
      const cached = await client.query(FORWARD, { id: THREAD, first: size, after: null }, { requestPolicy: 'cache-only' }).toPromise();
      merged = cached.data.conversation.messages;
      const page: Page = result.data.conversation.messages;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(merged.edges.map((edge) => edge.node.id)).toEqual(truth.map((message) => message.id));
    expect(rendered(merged)).toEqual(rendered({ edges: truth.map((node) => ({ cursor: '', node })) } as Page));
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([]);
  });
});
