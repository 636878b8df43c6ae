/**
 * A real Relay client. relay-compiler (the npm package's own binary) compiles the operations in
 * test/clients/relay/ against schema.graphql in strict `nonNodeIdFields` mode: a field named `id`
 * that is not a Node's global ID fails the compile. Then relay-runtime's Environment and Store run
 * the compiled artifacts against the gateway on the simulators: every Chatwoot thread an agent
 * sees, paged back to its start into one store, must keep each message's own sender (Relay keys
 * records by `id` alone, so two authors sharing an id would overwrite each other silently), and a
 * send with `@appendEdge` must land in the thread's connection with a working cursor, and a
 * deletion with `@deleteEdge` must leave the inbox connection.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  commitLocalUpdate,
  commitMutation,
  ConnectionHandler,
  createOperationDescriptor,
  Environment,
  fetchQuery,
  Network,
  RecordSource,
  Store,
  type ConcreteRequest,
  type RecordProxy,
} from 'relay-runtime';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { listenOnLoopback, type Listening } from './http.js';

const ROOT = resolve(import.meta.dirname, '../..');
const COMPILER = join(ROOT, 'node_modules/.bin/relay-compiler');
const AGENT = { id: 'priya', roles: ['agent'] };

let gateway: TestGateway;
let server: Listening;
let workDir: string;
let artifacts: Record<string, ConcreteRequest>;
let console$: MockInstance[];

/** Compiles test/clients/relay/*.js in a scratch project; strict: no `id` outside Node allowed. */
async function compile(): Promise<{ stdout: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-ops-'));
  await cp(join(ROOT, 'test/clients/relay'), join(dir, 'src'), { recursive: true });
  await writeFile(
    join(dir, 'relay.config.json'),
    JSON.stringify({
      src: './src',
      schema: join(ROOT, 'schema.graphql'),
      language: 'javascript',
      // CommonJS artifacts: `require` resolves their extension-less imports of each other.
      eagerEsModules: false,
      schemaConfig: { nonNodeIdFields: { allowedIdTypes: {} } },
    }),
  );
  const { stdout, stderr } = await promisify(execFile)(COMPILER, [], { cwd: dir, timeout: 60_000 });
  return { stdout: stdout + stderr, dir };
}

beforeAll(async () => {
  const { dir } = await compile();
  workDir = dir;
  const generated = join(dir, 'src/__generated__');
  const require = createRequire(join(generated, 'index.js'));
  artifacts = {};
  for (const file of await readdir(generated)) artifacts[file.replace(/\.graphql\.js$/, '')] = require(join(generated, file));
  gateway = await startTestGateway();
  server = await listenOnLoopback(gateway.yoga);
}, 90_000);
afterAll(async () => {
  await server?.close();
  await gateway?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});
beforeEach(() => {
  console$ = [vi.spyOn(console, 'warn').mockImplementation(() => {}), vi.spyOn(console, 'error').mockImplementation(() => {})];
});
afterEach(() => {
  for (const spy of console$) spy.mockRestore();
});

/** What Relay printed (its `warning()` goes to console.error in development builds). */
const printed = () => console$.flatMap((spy) => spy.mock.calls.map((call) => call.map(String).join(' ')));

/** A Relay environment whose network POSTs to the gateway as `viewer`. */
function environment(viewer: { id: string; roles?: string[] }): Environment {
  const network = Network.create(async (params, variables) => {
    const response = await fetch(`${server.origin}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-chat-user': viewer.id,
        ...(viewer.roles ? { 'x-chat-roles': viewer.roles.join(',') } : {}),
      },
      body: JSON.stringify({ query: params.text, variables }),
    });
    return response.json();
  });
  return new Environment({ network, store: new Store(new RecordSource()) });
}

/** Runs a query into the store and keeps its records (as a mounted component would). */
async function load(env: Environment, name: string, variables: Record<string, unknown>): Promise<any> {
  const request = artifacts[name]!;
  env.retain(createOperationDescriptor(request, variables));
  return fetchQuery(env, request, variables).toPromise();
}

/** The thread's connection as the store holds it: each edge's `cursor`, message id and `KIND name`. */
function storedThread(env: Environment, conversationId: string) {
  let rows: Array<{ cursor: string; id: string; sender: string }> = [];
  let hasPreviousPage = true;
  let startCursor: string | null = null;
  commitLocalUpdate(env, (store) => {
    const connection = ConnectionHandler.getConnection(store.get(conversationId)!, 'Thread_messages')!;
    rows = (connection.getLinkedRecords('edges') ?? []).map((edge: RecordProxy | null | undefined) => {
      const node = edge!.getLinkedRecord('node')!;
      const sender = node.getLinkedRecord('sender');
      return {
        cursor: edge!.getValue('cursor') as string,
        id: node.getDataID(),
        sender: sender ? `${sender.getValue('kind')} ${sender.getValue('name')}` : 'none',
      };
    });
    const pageInfo = connection.getLinkedRecord('pageInfo')!;
    hasPreviousPage = pageInfo.getValue('hasPreviousPage') as boolean;
    startCursor = pageInfo.getValue('startCursor') as string | null;
  });
  return { rows, hasPreviousPage, startCursor };
}

/** Opens a thread and scrolls it back to its first message, as `usePaginationFragment` would. */
async function scrollToStart(env: Environment, conversationId: string): Promise<void> {
  await load(env, 'ThreadQuery', { id: conversationId });
  for (let pages = 0; pages < 100; pages += 1) {
    const { hasPreviousPage, startCursor } = storedThread(env, conversationId);
    if (!hasPreviousPage) return;
    await load(env, 'ThreadPaginationQuery', { id: conversationId, last: 25, before: startCursor });
  }
  throw new Error('the thread did not reach its start');
}

/** The server's own answer: every message of a thread with its sender, oldest first. */
async function serverThread(conversationId: string, viewer: { id: string; roles?: string[] }) {
  const rows: Array<{ id: string; sender: string }> = [];
  let after: string | null = null;
  for (let pages = 0; pages < 20; pages += 1) {
    const { data, errors }: { data?: any; errors?: unknown } = await gateway.query(
      `query ($id: ID!, $after: String) { conversation(id: $id) { messages(first: 100, after: $after) {
        edges { node { id sender { kind name } } } pageInfo { hasNextPage endCursor } } } }`,
      { id: conversationId, after },
      viewer,
    );
    expect(errors).toBeUndefined();
    const page: { edges: any[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } = data.conversation.messages;
    for (const { node } of page.edges) rows.push({ id: node.id, sender: node.sender ? `${node.sender.kind} ${node.sender.name}` : 'none' });
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
  throw new Error('the thread did not end');
}

describe('relay-compiler', () => {
  it('compiles the operations against schema.graphql with nonNodeIdFields strict', async () => {
    expect(Object.keys(artifacts).sort()).toEqual([
      'ComposerDeleteMutation',
      'ComposerSendMutation',
      'InboxPaginationQuery',
      'InboxQuery',
      'Inbox_query',
      'ThreadPaginationQuery',
      'ThreadQuery',
      'Thread_conversation',
    ]);
  });
});

describe('relay-runtime over the gateway', () => {
  it('keeps every sender right across all of an agent’s Chatwoot threads in one store, without a warning', { timeout: 120_000 }, async () => {
    const env = environment(AGENT);
    const listing = await gateway.query(`{ source(name: "support") { conversations(first: 100) { edges { node { id } } } } }`, {}, AGENT);
    const threads: string[] = listing.data.source.conversations.edges.map((edge: any) => edge.node.id);
    expect(threads.length).toBeGreaterThan(5);
    for (const id of threads) await scrollToStart(env, id);
    // Read each thread back after all were loaded: a later thread must not have changed an
    // earlier one's authors.
    for (const id of threads) {
      const stored = storedThread(env, id).rows.map(({ id, sender }) => ({ id, sender }));
      expect(stored, id).toEqual(await serverThread(id, AGENT));
    }
    expect(printed()).toEqual([]);
  });

  it('keeps the viewer and the Dify authors apart in one store', async () => {
    const env = environment({ id: 'demo-user' });
    const inbox = await load(env, 'InboxQuery', {});
    expect(inbox.viewer.externalId).toBe('demo-user');
    const listing = await gateway.query(`{ source(name: "assistant") { conversations(first: 100) { edges { node { id } } } } }`);
    for (const { node } of listing.data.source.conversations.edges) await scrollToStart(env, node.id);
    for (const { node } of listing.data.source.conversations.edges) {
      expect(storedThread(env, node.id).rows.map(({ id, sender }) => ({ id, sender }))).toEqual(await serverThread(node.id, { id: 'demo-user' }));
    }
    commitLocalUpdate(env, (store) => {
      expect(store.getRoot().getLinkedRecord('viewer')!.getValue('externalId')).toBe('demo-user');
    });
    expect(printed()).toEqual([]);
  });

  it('appends a sent message with @appendEdge, and its cursor pages the thread', async () => {
    const env = environment(AGENT);
    const thread = (await gateway.query(`{ source(name: "support") { conversations(first: 1) { edges { node { id } } } } }`, {}, AGENT)).data
      .source.conversations.edges[0].node.id as string;
    await scrollToStart(env, thread);
    const before = storedThread(env, thread).rows;
    const connection = ConnectionHandler.getConnectionID(thread, 'Thread_messages');
    const sent: any = await new Promise((resolve, reject) =>
      commitMutation(env, {
        mutation: artifacts.ComposerSendMutation!,
        variables: { input: { conversationId: thread, text: 'Appended by Relay' }, connections: [connection] },
        onCompleted: (response, errors) => (errors ? reject(new Error(JSON.stringify(errors))) : resolve(response)),
        onError: reject,
      }),
    );
    const edge = sent.sendMessage.messageEdges[0];
    expect(edge.node).toMatchObject({ role: 'AGENT', text: 'Appended by Relay', sender: { kind: 'AGENT', name: 'Priya Raman' } });
    const after = storedThread(env, thread).rows;
    expect(after.map((row) => row.id)).toEqual([...before.map((row) => row.id), edge.node.id]);
    expect(after.at(-1)!.cursor).toBe(edge.cursor);
    // The edge's cursor is one of the connection's own: `before` it reads the thread up to it.
    const page = await gateway.query(
      `query ($id: ID!, $before: String) { conversation(id: $id) { messages(last: 3, before: $before) { edges { node { id } } } } }`,
      { id: thread, before: edge.cursor },
      AGENT,
    );
    expect(page.data.conversation.messages.edges.map((e: any) => e.node.id)).toEqual(before.slice(-3).map((row) => row.id));
    expect(printed()).toEqual([]);
  });

  it('removes a deleted conversation from the inbox connection with @deleteEdge', async () => {
    const env = environment({ id: 'demo-user' });
    await load(env, 'InboxQuery', {});
    const inbox = ConnectionHandler.getConnectionID('client:root', 'Inbox_conversations');
    const listed = () => {
      let ids: string[] = [];
      commitLocalUpdate(env, (store) => {
        const connection = store.get(inbox)!;
        ids = (connection.getLinkedRecords('edges') ?? []).map((edge: RecordProxy | null | undefined) => edge!.getLinkedRecord('node')!.getDataID());
      });
      return ids;
    };
    const before = listed();
    const difyId = before.find((id) => Buffer.from(id, 'base64url').toString().includes('"assistant"'));
    expect(difyId).toBeDefined();
    const deleted: any = await new Promise((resolve, reject) =>
      commitMutation(env, {
        mutation: artifacts.ComposerDeleteMutation!,
        variables: { input: { conversationId: difyId }, connections: [inbox] },
        onCompleted: (response, errors) => (errors ? reject(new Error(JSON.stringify(errors))) : resolve(response)),
        onError: reject,
      }),
    );
    expect(deleted.deleteConversation.deletedConversationId).toBe(difyId);
    expect(listed()).toEqual(before.filter((id) => id !== difyId));
    expect(printed()).toEqual([]);
  });
});
