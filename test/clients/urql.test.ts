/**
 * A real normalizing client: urql with graphcache's `relayPagination()`, built by exactly the
 * README's snippet, over HTTP to the gateway on the simulators behind a stand-in for the
 * authenticating proxy (it adds the viewer headers). It pages a long Chatwoot thread as an agent
 * both ways and checks every sender against the server's own answer: a cache that keys two
 * different authors alike (`Sender:1` for an agent and a bot) renders the wrong name without any
 * error. Graphcache must not print a single warning either (a type without a key, a missing field).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, fetchExchange, gql } from '@urql/core';
import { isObjectType } from 'graphql';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { globalIdOf } from '../../src/core/global-id.js';
import { CSRF_HEADERS } from '../../src/plugins/use-csrf.js';
import { schema } from '../../src/schema/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { listenOnLoopback, type Listening } from './http.js';

const ROOT = resolve(import.meta.dirname, '../..');

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
/** Who the stand-in proxy says is calling. */
let viewer: { id: string; roles?: string[] } = AGENT;

beforeAll(async () => {
  gateway = await startTestGateway();
  server = await listenOnLoopback((request: IncomingMessage, response: ServerResponse) => {
    request.headers['x-chat-user'] = viewer.id;
    if (viewer.roles) request.headers['x-chat-roles'] = viewer.roles.join(',');
    void gateway.yoga(request, response);
  });
});
afterAll(async () => {
  await server?.close();
  await gateway?.close();
});
beforeEach(() => {
  viewer = AGENT;
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

/** The README's urql snippet: the ```ts block that imports `@urql/core`. */
async function readmeSnippet(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const snippet = blocks.find((block) => block.includes("from '@urql/core'"));
  if (!snippet) throw new Error('README has no urql snippet');
  return snippet;
}

let loaded = 0;
/**
 * A fresh client from exactly the README's snippet, its `url` pointed at the test server. The
 * module is written beside the project's node_modules so that its imports resolve.
 */
async function urqlClient(): Promise<Client> {
  const snippet = await readmeSnippet();
  expect(snippet).toContain("url: '/graphql'");
  const dir = join(ROOT, 'node_modules/.cache/readme-snippets');
  await mkdir(dir, { recursive: true });
  loaded += 1;
  const file = join(dir, `urql-${process.pid}-${loaded}.mjs`);
  await writeFile(file, snippet.replace("url: '/graphql'", `url: '${server.origin}/graphql'`));
  return ((await import(pathToFileURL(file).href)) as { client: Client }).client;
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

/** A demo Dify conversation whose answers have both citations and agent steps. */
async function difyThreadWithDetails(): Promise<string> {
  const { data, errors } = await gateway.query(
    `{ source(name: "assistant") { conversations(first: 50) { edges { node { id
        messages(last: 50) { edges { node { citations { position } agentThoughts { position } } } } } } } } }`,
    {},
    { id: 'demo-user' },
  );
  expect(errors).toBeUndefined();
  const found = data.source.conversations.edges.find(({ node }: any) => {
    const messages = node.messages.edges.map((edge: any) => edge.node);
    return messages.some((m: any) => m.citations.length > 0) && messages.some((m: any) => m.agentThoughts.length > 0);
  });
  expect(found).toBeDefined();
  return found.node.id;
}

/** The sender each merged edge renders: `KIND name`. */
function rendered(page: Page): string[] {
  return page.edges.map(({ node }) => (node.sender ? `${node.sender.kind} ${node.sender.name}` : 'none'));
}

describe('urql with graphcache relayPagination', () => {
  it('scrolls the Chatwoot thread back to its start with every sender right and no cache warning', async () => {
    const truth = await serverTruth();
    expect(truth.length).toBeGreaterThan(40);
    const client = await urqlClient();
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
    const client = await urqlClient();
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

  it('pages a Dify thread with its citations, agent steps and ratings, and sends into it, without a cache warning', async () => {
    viewer = { id: 'demo-user' };
    const id = await difyThreadWithDetails();
    const client = await urqlClient();
    const THREAD_DETAILS = gql`
      query DifyThread($id: ID!, $last: Int!, $before: String) {
        conversation(id: $id) {
          id
          messages(last: $last, before: $before) {
            edges { cursor node { id role text sender { id kind name } feedback { id rating }
              citations { position documentName score } agentThoughts { position thought tool } attachments { id name } } }
            pageInfo { hasPreviousPage startCursor }
          }
        }
      }
    `;
    let before: string | null = null;
    for (let fetches = 0; fetches < 50; fetches += 1) {
      const result = await client.query(THREAD_DETAILS, { id, last: 10, before }).toPromise();
      expect(result.error).toBeUndefined();
      const page: { pageInfo: { hasPreviousPage: boolean; startCursor: string | null } } = result.data.conversation.messages;
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    const SEND = gql`
      mutation Send($input: SendMessageInput!) {
        sendMessage(input: $input) {
          messages { id role }
          messageEdges { cursor node { id role text sender { id kind name } citations { position } } }
        }
      }
    `;
    const sent = await client.mutation(SEND, { input: { conversationId: id, text: 'What else should I check?' } }).toPromise();
    expect(sent.error).toBeUndefined();
    const edges = sent.data.sendMessage.messageEdges;
    expect(edges.map((edge: any) => edge.node.role)).toEqual(['USER', 'ASSISTANT']);
    expect(edges.map((edge: any) => edge.node.id)).toEqual(sent.data.sendMessage.messages.map((message: any) => message.id));
    // The USER half's cursor is one of the thread's own: after it comes the ASSISTANT half.
    const next = await gateway.query(
      `query ($id: ID!, $after: String) { conversation(id: $id) { messages(first: 5, after: $after) { edges { node { id } } pageInfo { hasNextPage } } } }`,
      { id, after: edges[0].cursor },
      viewer,
    );
    expect(next.errors).toBeUndefined();
    expect(next.data.conversation.messages.edges.map((edge: any) => edge.node.id)).toEqual([edges[1].node.id]);
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([]);
  });

  it('lists in the README exactly the object types without an id (graphcache would warn about any other)', async () => {
    const snippet = await readmeSnippet();
    const listed = JSON.parse(
      snippet
        .match(/const VALUE_TYPES = (\[[\s\S]*?\]);/)![1]!
        .replaceAll("'", '"')
        .replace(/,\s*\]$/, ']'),
    ) as string[];
    // graphcache's own exemption: names starting with __, containing PageInfo, ending in Connection or Edge.
    const exempt = /^__|PageInfo|(Connection|Edge)$/;
    const roots = new Set(['Query', 'Mutation', 'Subscription']);
    const keyless = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && !roots.has(type.name) && !exempt.test(type.name) && !type.getFields().id)
      .map((type) => type.name)
      .sort();
    expect([...listed].sort()).toEqual(keyless);
  });
});

describe("urql's defaults", () => {
  it('sends a GET query, which the CSRF check refuses with a 403 that names the option to set', async () => {
    const client = new Client({ url: `${server.origin}/graphql`, exchanges: [fetchExchange] });
    const result = await client.query(gql`query Me { viewer { id } }`, {}).toPromise();
    expect(result.operation.context.fetchOptions).toBeUndefined();
    expect(result.error?.response?.status).toBe(403);
    expect(result.error?.graphQLErrors[0]?.extensions.code).toBe('FORBIDDEN');
    expect(result.error?.message).toContain('preferGetMethod: false');
    for (const header of CSRF_HEADERS) expect(result.error?.message).toContain(header);
  });
});

describe("urql's file uploads", () => {
  it('sends a file with sendMessage as a multipart request, and the next read shows it', async () => {
    // urql turns File variables into a GraphQL multipart request; multipart needs a CSRF header.
    const client = new Client({
      url: `${server.origin}/graphql`,
      exchanges: [fetchExchange],
      preferGetMethod: false,
      fetchOptions: { headers: { 'x-graphql-yoga-csrf': '1' } },
    });
    const file = new File(['1. pack the device\n2. print the label\n'], 'return-steps.txt', { type: 'text/plain' });
    const sent = await client
      .mutation(
        gql`mutation SendWithFile($id: ID!, $files: [File!]) {
          sendMessage(input: { conversationId: $id, text: "The steps are attached.", files: $files }) { messages { id attachments { id name mimeType size } } }
        }`,
        { id: THREAD, files: [file] },
      )
      .toPromise();
    expect(sent.error).toBeUndefined();
    const [message] = sent.data.sendMessage.messages;
    expect(message.attachments).toEqual([expect.objectContaining({ name: 'return-steps.txt', mimeType: 'text/plain', size: file.size })]);
    const read = await client.query(BACKWARD, { id: THREAD, last: 3 }, { requestPolicy: 'network-only' }).toPromise();
    const stored = read.data.conversation.messages.edges.find((edge: { node: { id: string } }) => edge.node.id === message.id);
    expect(stored.node.attachments.map((attachment: { id: string }) => attachment.id)).toEqual(message.attachments.map((attachment: { id: string }) => attachment.id));
  });
});
