/**
 * The four vendor presets (OpenAI Assistants, Matrix, Slack, Zendesk), each as a user runs it: the
 * shipped YAML with its variables pointed at the vendor's simulator, in a gateway beside the demo
 * sources, read through GraphQL over the simulators' real HTTP.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { interpolateEnv } from '../../../src/config/config.js';
import { encodeGlobalId } from '../../../src/core/global-id.js';
import { startMatrixSimulator } from '../../../src/demo/simulators/matrix/server.js';
import { startOpenAiSimulator } from '../../../src/demo/simulators/openai/server.js';
import { startSlackSimulator } from '../../../src/demo/simulators/slack/server.js';
import type { VendorSimulator } from '../../../src/demo/simulators/vendor-simulator.js';
import { startZendeskSimulator } from '../../../src/demo/simulators/zendesk/server.js';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../../helpers/gateway.js';
import { PRESETS_DIR } from '../../helpers/presets.js';

interface Vendor {
  file: string;
  start: () => Promise<VendorSimulator>;
  /** Upstream path of the message list of `conversation` (to count calls). */
  listPath: (conversation: string) => string | RegExp;
  /** The API pages its messages in one direction only. */
  oneWay: boolean;
  /** The preset lists the viewer's conversations. */
  listing: boolean;
  /** The role of the long thread's replies (the seed alternates user, reply, user, …). */
  replyRole: string;
}

const vendors: Array<[string, Vendor]> = [
  ['openai-assistants', { file: 'openai-assistants.yaml', start: startOpenAiSimulator, listPath: (id) => `/v1/threads/${id}/messages`, oneWay: false, listing: false, replyRole: 'ASSISTANT' }],
  ['matrix-room-messages', { file: 'matrix-room-messages.yaml', start: () => startMatrixSimulator(), listPath: (id) => `/_matrix/client/v3/rooms/${id}/messages`, oneWay: false, listing: true, replyRole: 'ASSISTANT' }],
  ['slack-conversations-history', { file: 'slack-conversations-history.yaml', start: startSlackSimulator, listPath: () => '/api/conversations.history', oneWay: true, listing: true, replyRole: 'ASSISTANT' }],
  ['zendesk-ticket-comments', { file: 'zendesk-ticket-comments.yaml', start: startZendeskSimulator, listPath: (id) => `/api/v2/tickets/${id}/comments`, oneWay: false, listing: true, replyRole: 'AGENT' }],
];

const REFUSED_SECRET = 'refused-secret-must-never-leak';

const PAGE = `edges { cursor node { id externalId text role createdAt } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

interface Edge {
  cursor: string;
  node: { id: string; externalId: string; text: string; role: string; createdAt: string };
}

/** The preset's source, as a user fills it in, with test time-outs and no retries. */
function presetSource(file: string, env: Record<string, string>, edit: Record<string, unknown> = {}): Record<string, unknown> {
  const source = interpolateEnv(parse(readFileSync(join(PRESETS_DIR, file), 'utf8')), env) as Record<string, unknown>;
  return { ...source, timeoutMs: 3000, retries: 0, ...edit };
}

describe.each(vendors)('the %s preset against its simulator', (_name, vendor) => {
  let sim: VendorSimulator;
  let gw: TestGateway;
  let sourceId: string;
  const conversationId = (id: string, source = sourceId) => encodeGlobalId('Conversation', JSON.stringify([source, id]));

  /** One operation as the demo viewer (id demo-user, email demo@example.com). */
  async function ask<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
    const response = await gw.yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-chat-user': 'demo-user', 'x-chat-email': 'demo@example.com' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
  }

  /** One page of messages; unset arguments go as null (as if absent). */
  async function page(conversation: string, args: { first?: number; after?: string | null; last?: number; before?: string | null }, source = sourceId) {
    const answer = await ask(
      `query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
         conversation(id: $id) { messages(first: $first, after: $after, last: $last, before: $before) { ${PAGE} } } }`,
      { id: conversationId(conversation, source), first: null, after: null, last: null, before: null, ...args },
    );
    expect(answer.errors).toBeUndefined();
    return answer.data.conversation.messages as { edges: Edge[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string } };
  }

  async function scanForward(conversation: string, size: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 500; guard += 1) {
      const slice = await page(conversation, { first: size, after: cursor });
      ids.push(...slice.edges.map((edge) => edge.node.externalId));
      if (!slice.pageInfo.hasNextPage) return ids;
      cursor = slice.pageInfo.endCursor;
    }
    throw new Error('forward scan did not end');
  }

  async function scanBackward(conversation: string, size: number): Promise<string[]> {
    const pages: string[][] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 500; guard += 1) {
      const slice = await page(conversation, { last: size, before: cursor });
      pages.unshift(slice.edges.map((edge) => edge.node.externalId));
      if (!slice.pageInfo.hasPreviousPage) return pages.flat();
      cursor = slice.pageInfo.startCursor;
    }
    throw new Error('backward scan did not end');
  }

  beforeAll(async () => {
    sim = await vendor.start();
    const source = presetSource(vendor.file, sim.env);
    sourceId = String(source.id);
    gw = await startTestGateway({
      configure: (config) => {
        config.sources.push(source);
        // The same preset with a credential the upstream refuses.
        const refused = Object.fromEntries(Object.entries(sim.env).map(([name, value]) => [name, /TOKEN|KEY/.test(name) ? REFUSED_SECRET : value]));
        config.sources.push({ ...presetSource(vendor.file, refused), id: `${sourceId}-refused` });
        if (vendor.oneWay) {
          // Pages of 10: reaching the oldest of 150 from the newest takes 15 calls.
          config.sources.push({ ...source, id: `${sourceId}-ahead`, maxCallsPerRead: 20, messages: { ...(source.messages as object), paging: { ...(source.messages as any).paging, maxPageSize: 10 } } });
          config.sources.push({ ...source, id: `${sourceId}-tight`, maxCallsPerRead: 5, messages: { ...(source.messages as object), paging: { ...(source.messages as any).paging, maxPageSize: 10 } } });
        }
        return config;
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await sim?.close();
  });

  it('scans the long thread forward and backward to exactly the upstream list (shared timestamps included)', async () => {
    const upstream = sim.messageIds(sim.conversations.long);
    expect(upstream.length).toBeGreaterThanOrEqual(140);
    expect(await scanForward(sim.conversations.long, 20)).toEqual(upstream);
    expect(await scanBackward(sim.conversations.long, 20)).toEqual(upstream);
    expect(await scanBackward(sim.conversations.long, 7)).toEqual(upstream);
  });

  it.each([1, 7, 20, 100])('pages %i at a time: last + before and first + after give the adjacent slices', async (size) => {
    const upstream = sim.messageIds(sim.conversations.long);
    const newest = await page(sim.conversations.long, { last: size });
    expect(newest.edges.map((edge) => edge.node.externalId)).toEqual(upstream.slice(-size));
    expect(newest.pageInfo.hasPreviousPage).toBe(true);
    const older = await page(sim.conversations.long, { last: size, before: newest.pageInfo.startCursor });
    expect(older.edges.map((edge) => edge.node.externalId)).toEqual(upstream.slice(-2 * size, -size));

    const oldest = await page(sim.conversations.long, { first: size });
    expect(oldest.edges.map((edge) => edge.node.externalId)).toEqual(upstream.slice(0, size));
    expect(oldest.pageInfo.hasNextPage).toBe(true);
    const newer = await page(sim.conversations.long, { first: size, after: oldest.pageInfo.endCursor });
    expect(newer.edges.map((edge) => edge.node.externalId)).toEqual(upstream.slice(size, 2 * size));
  });

  it('maps text, role and time of each message', async () => {
    const [first, second] = (await page(sim.conversations.long, { first: 2 })).edges;
    expect(first!.node).toMatchObject({ role: 'USER', text: expect.stringMatching(/\(#1\)$/) });
    expect(second!.node).toMatchObject({ role: vendor.replyRole, text: expect.stringMatching(/\(#2\)$/) });
    expect(Date.parse(first!.node.createdAt)).toBeGreaterThan(Date.UTC(2026, 2, 1));
    expect(Date.parse(second!.node.createdAt)).toBeGreaterThanOrEqual(Date.parse(first!.node.createdAt));
  });

  it('reports a refused credential as UPSTREAM_ERROR without echoing it (a 200 `ok: false` body too)', async () => {
    const answer = await ask(`query ($id: ID!) { conversation(id: $id) { messages(last: 3) { edges { cursor } } } }`, {
      id: conversationId(sim.conversations.short, `${sourceId}-refused`),
    });
    expect(answer.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(JSON.stringify(answer)).not.toContain(REFUSED_SECRET);
  });

  it('reads an empty conversation as no messages', async () => {
    const slice = await page(sim.conversations.empty, { last: 10 });
    expect(slice.edges).toEqual([]);
    expect(slice.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it('refetches a message and a conversation by node id', async () => {
    const [edge] = (await page(sim.conversations.short, { last: 1 })).edges;
    const answer = await ask(
      `query ($m: ID!, $c: ID!) {
         message: node(id: $m) { id ... on Message { externalId text role } }
         conversation: node(id: $c) { id ... on Conversation { messages(last: 1) { edges { node { externalId } } } } } }`,
      { m: edge!.node.id, c: conversationId(sim.conversations.short) },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data.message).toEqual({ id: edge!.node.id, externalId: edge!.node.externalId, text: edge!.node.text, role: edge!.node.role });
    expect(answer.data.conversation).toEqual({ id: conversationId(sim.conversations.short), messages: { edges: [{ node: { externalId: edge!.node.externalId } }] } });
  });

  it('answers a conversation the viewer may not read exactly like an unknown one: NOT_FOUND', async () => {
    const read = async (id: string) => {
      const answer = await ask(`query ($id: ID!) { conversation(id: $id) { messages(last: 5) { edges { cursor } } } }`, { id: conversationId(id) });
      return { data: answer.data, errors: answer.errors?.map(({ message, extensions }) => ({ message, code: extensions?.code })) };
    };
    const foreign = await read(sim.conversations.forbidden);
    const unknown = await read(sim.conversations.forbidden.replace(/[0-9a-zA-Z](?=[^0-9a-zA-Z]*$)/, (c) => (c === '7' ? '8' : '7')));
    expect(foreign.errors?.[0]?.code ?? 'NOT_FOUND').toBe('NOT_FOUND');
    expect(foreign).toEqual(unknown);
    expect(foreign.data?.conversation ?? null).toBeNull();
  });

  it.runIf(vendor.listing)('lists the readable conversations and not the forbidden one', async () => {
    const answer = await ask(`query ($name: String!) { source(name: $name) { conversations(first: 50) { edges { node { id } } } } }`, { name: sourceId });
    expect(answer.errors).toBeUndefined();
    const ids = (answer.data.source.conversations.edges as Array<{ node: { id: string } }>).map((edge) => edge.node.id);
    expect(ids).toEqual(expect.arrayContaining([conversationId(sim.conversations.long), conversationId(sim.conversations.short)]));
    expect(ids).not.toContain(conversationId(sim.conversations.forbidden));
  });

  it('maps the vendor 429 to RATE_LIMITED with retryAfter', async () => {
    sim.throttle.limitNext(5, 7);
    try {
      const answer = await ask(`query ($id: ID!) { conversation(id: $id) { messages(last: 3) { edges { cursor } } } }`, { id: conversationId(sim.conversations.short) });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 7 });
    } finally {
      sim.throttle.limitNext(0);
    }
  });

  it.runIf(vendor.file === 'openai-assistants.yaml')('sends a message once, as a user message at the end of the thread', async () => {
    const before = sim.calls('POST', new RegExp(`/messages$`));
    const sent = await ask(
      `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messages { externalId text role } conversation { id } } }`,
      { input: { conversationId: conversationId(sim.conversations.empty), text: 'Is anyone there?' } },
    );
    expect(sent.errors).toBeUndefined();
    expect(sent.data.sendMessage.messages).toEqual([{ externalId: sim.messageIds(sim.conversations.empty)[0], text: 'Is anyone there?', role: 'USER' }]);
    expect(sim.calls('POST', new RegExp(`/messages$`)) - before).toBe(1);
    const newest = await page(sim.conversations.empty, { last: 5 });
    expect(newest.edges.map((edge) => edge.node.text)).toEqual(['Is anyone there?']);
  });

  it.runIf(vendor.file === 'zendesk-ticket-comments.yaml')('sends the viewer\u2019s reply once, as themselves, through the Requests API', async () => {
    const before = sim.calls('PUT', `/api/v2/requests/${sim.conversations.short}`);
    const sent = await ask(`mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messages { externalId } } }`, {
      input: { conversationId: conversationId(sim.conversations.short), text: 'Thanks, that worked.' },
    });
    expect(sent.errors).toBeUndefined();
    expect(sent.data.sendMessage.messages).toEqual([]);
    expect(sim.calls('PUT', `/api/v2/requests/${sim.conversations.short}`) - before).toBe(1);
    const [newest] = (await page(sim.conversations.short, { last: 1 })).edges;
    expect(newest!.node).toMatchObject({ text: 'Thanks, that worked.', role: 'USER' });
  });

  it.runIf(vendor.oneWay)('reads ahead toward the far end of a one-way list within maxCallsPerRead, and refuses beyond it', async () => {
    const upstream = sim.messageIds(sim.conversations.long);
    const path = vendor.listPath(sim.conversations.long);
    sim.requests.length = 0;
    // The oldest messages of a newest-first API: a walk back from the newest, 15 pages of 10.
    const oldest = await page(sim.conversations.long, { first: 5 }, `${sourceId}-ahead`);
    expect(oldest.edges.map((edge) => edge.node.externalId)).toEqual(upstream.slice(0, 5));
    expect(sim.calls('GET', path)).toBeGreaterThan(1);
    expect(sim.calls('GET', path)).toBeLessThanOrEqual(20);

    sim.requests.length = 0;
    const refused = await ask(`query ($id: ID!) { conversation(id: $id) { messages(first: 5) { edges { cursor } } } }`, {
      id: conversationId(sim.conversations.long, `${sourceId}-tight`),
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toMatch(/one way only/);
    expect(sim.calls('GET', path)).toBeLessThanOrEqual(5);
  });
});
