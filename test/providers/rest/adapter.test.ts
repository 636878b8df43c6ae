import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetAdapter } from '../../helpers/presets.js';
import { testServices } from '../../helpers/services.js';
import { GatewayError } from '../../../src/core/errors.js';
import kind from '../../../src/providers/rest/index.js';
import type { MessageRecord, Viewer } from '../../../src/core/records.js';
import type { ProviderAdapter } from '../../../src/providers/contract.js';
import type { StartedSimulator } from '../../../src/demo/simulators/http-server.js';
import { buildRestFixtures, type RestSimConversation } from '../../../src/demo/simulators/rest/fixtures.js';
import { REST_DEMO_CONVERSATION_ID, REST_DEMO_TOKEN, startRestSimulator } from '../../../src/demo/simulators/rest/server.js';

const viewer: Viewer = { id: 'demo-user', roles: [] };
// Paging and mapping, not access control (test/security covers that): every viewer may read.
const common = { id: 'x', kind: 'rest', timeoutMs: 2000, retries: 0, maxResponseBytes: 10485760, access: 'shared' as const, ownerFrom: 'id' as const, ownerScanLimit: 1000 };

/** What a test varies: the token sent, and whether the source has the listing endpoints. */
interface Variant {
  token?: string;
  listing?: boolean;
}
type Factory = (baseUrl: string, variant?: Variant) => Promise<ProviderAdapter>;

/** The same reads through the built-in `rest` kind and through the shipped `http` preset of the same API. */
const factories: Array<[string, Factory]> = [
  [
    'rest kind',
    async (baseUrl, variant = {}) => {
      const conversationsPath = variant.listing === false ? undefined : '/chat/conversations';
      const config = { ...common, baseUrl, token: variant.token ?? REST_DEMO_TOKEN, conversationsPath };
      return kind.create(config, testServices(config));
    },
  ],
  [
    'http kind with the rest-chat-history preset',
    (baseUrl, variant = {}) =>
      presetAdapter('rest-chat-history.yaml', { HISTORY_BASE_URL: baseUrl, HISTORY_API_TOKEN: variant.token ?? REST_DEMO_TOKEN }, (source) => {
        Object.assign(source, { id: 'x', timeoutMs: 2000, retries: 0 });
        if (variant.listing === false) {
          delete source.conversations;
          delete source.conversation;
        }
      }),
  ],
];

/** Every key of a conversation in the adapter's order: (created_at, id). */
function expectedKeys(conversation: RestSimConversation): string[] {
  return conversation.messages
    .map((message) => ({ key: `${message.created_at}|${message.id}`, ms: Date.parse(message.created_at), id: message.id }))
    .sort((a, b) => a.ms - b.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((entry) => entry.key);
}

/** Scrolls from the newest end to the first message with the oldest key as the next cursor. */
async function scrollBackward(adapter: ProviderAdapter, conversationId: string, limit: number): Promise<MessageRecord[][]> {
  const pages: MessageRecord[][] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 500; guard += 1) {
    const slice = await adapter.listMessages(viewer, conversationId, { direction: 'backward', cursor, limit });
    pages.unshift(slice.messages);
    if (!slice.hasMore) return pages;
    cursor = slice.messages[0]!.key;
  }
  throw new Error('did not reach the start');
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe.each(factories)('%s against the demo REST simulator', (_name, createAdapter) => {
  let sim: StartedSimulator;
  let adapter: ProviderAdapter;
  const long = buildRestFixtures()[0]!;
  const keys = expectedKeys(long);

  beforeAll(async () => {
    sim = await startRestSimulator();
    adapter = await createAdapter(String(sim.sourceConfig.baseUrl));
  });
  afterAll(async () => {
    await adapter.close();
    await sim.close();
  });

  it.each([20, 7, 1, 101])('scrolls backward to the first message exactly once with pages of %i', async (limit) => {
    const pages = await scrollBackward(adapter, REST_DEMO_CONVERSATION_ID, limit);
    expect(pages.flat().map((message) => message.key)).toEqual(keys);
    expect(pages.slice(1).every((page) => page.length === limit)).toBe(true);
    expect(pages[0]!.length).toBe(keys.length % limit || limit);
    for (const request of sim.requests) expect(Number(request.query.get('limit'))).toBeLessThanOrEqual(100);
  });

  it('reads forward from the start with 101 messages through several upstream calls', async () => {
    sim.requests.length = 0;
    const first = await adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, { direction: 'forward', cursor: null, limit: 101 });
    expect(first.messages.map((message) => message.key)).toEqual(keys.slice(0, 101));
    expect(first.hasMore).toBe(true);
    expect(sim.requests.length).toBeGreaterThanOrEqual(2);
    expect(sim.requests.length).toBeLessThanOrEqual(3);
    for (const request of sim.requests) {
      expect(request.path).toBe('/v1/chat/history');
      expect(request.query.get('conversation_id')).toBe(REST_DEMO_CONVERSATION_ID);
      expect(request.query.get('include_meta')).toBe('true');
      expect(request.query.has('before')).toBe(false);
      expect(Number(request.query.get('limit'))).toBeLessThanOrEqual(100);
    }
    expect(sim.requests[0]!.query.get('after')).toBe('1970-01-01T00:00:00Z');

    const rest = await adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, {
      direction: 'forward',
      cursor: first.messages.at(-1)!.key,
      limit: 101,
    });
    expect(rest.messages.map((message) => message.key)).toEqual(keys.slice(101));
    expect(rest.hasMore).toBe(false);
  });

  it('opens on the newest page', async () => {
    sim.requests.length = 0;
    const slice = await adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, { direction: 'backward', cursor: null, limit: 20 });
    expect(slice.messages.map((message) => message.key)).toEqual(keys.slice(-20));
    expect(slice.hasMore).toBe(true);
    expect(sim.requests).toHaveLength(1);
  });

  it('pages both ways from every member of a same-second group', async () => {
    const tied = keys.filter((key, index) => keys.some((other, j) => j !== index && other.split('|')[0] === key.split('|')[0]));
    expect(tied.length).toBeGreaterThanOrEqual(11);
    for (const cursor of tied) {
      const at = keys.indexOf(cursor);
      const back = await adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, { direction: 'backward', cursor, limit: 2 });
      expect(back.messages.map((message) => message.key)).toEqual(keys.slice(Math.max(0, at - 2), at));
      expect(back.hasMore).toBe(at - 2 > 0);
      const forward = await adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, { direction: 'forward', cursor, limit: 2 });
      expect(forward.messages.map((message) => message.key)).toEqual(keys.slice(at + 1, at + 3));
      expect(forward.hasMore).toBe(at + 3 < keys.length);
    }
  });

  it('maps metadata asked for with include_meta', async () => {
    const all = (await scrollBackward(adapter, REST_DEMO_CONVERSATION_ID, 100)).flat();
    const withFiles = all.filter((message) => message.attachments.length > 0);
    expect(withFiles.map((message) => message.attachments[0]!.name)).toEqual(['call-volume.png', 'queue-2026-03-14.csv']);
    expect(withFiles.every((message) => message.role === 'USER')).toBe(true);
    expect(all.filter((message) => message.role === 'SYSTEM')).toHaveLength(5);
    expect(all.find((message) => message.externalId === 'msg_18dk03')).toMatchObject({
      role: 'ASSISTANT',
      text: 'Sure, you had 12 inbound and 5 outbound calls today.',
      sender: { id: 'ai_default_bot', kind: 'BOT' },
    });
  });

  it('loads conversations by id from the listing contract, looking as they do when listed', async () => {
    sim.requests.length = 0;
    const [found, missing, alice] = await adapter.getConversations(viewer, [REST_DEMO_CONVERSATION_ID, 'con_missing', 'con_4hx7q2p']);
    const listed = await adapter.listConversations(viewer, { after: null, limit: 10 });
    expect(found).toEqual(listed.items.find((item) => item.externalId === REST_DEMO_CONVERSATION_ID));
    expect(found).toMatchObject({ title: 'Daily call summaries', updatedAt: new Date(long.messages.at(-1)!.created_at) });
    expect(missing).toBeNull();
    expect(alice).toMatchObject({ externalId: 'con_4hx7q2p', updatedAt: new Date('2026-03-10T09:13:46Z') });
    expect(sim.requests.slice(0, 3).map((request) => request.path).sort()).toEqual([
      '/v1/chat/conversations/con_4hx7q2p',
      '/v1/chat/conversations/con_9s2kd81',
      '/v1/chat/conversations/con_missing',
    ]);
  });

  it('without a listing, probes each id with one limit=1 history read (no title)', async () => {
    const plain = await createAdapter(String(sim.sourceConfig.baseUrl), { listing: false });
    sim.requests.length = 0;
    const [found, missing] = await plain.getConversations(viewer, [REST_DEMO_CONVERSATION_ID, 'con_missing']);
    expect(found).toMatchObject({
      externalId: REST_DEMO_CONVERSATION_ID,
      title: null,
      status: 'OPEN',
      updatedAt: new Date(long.messages.at(-1)!.created_at),
    });
    expect(missing).toBeNull();
    expect(sim.requests.map((request) => `${request.path}?limit=${request.query.get('limit')}`)).toEqual([
      '/v1/chat/history?limit=1',
      '/v1/chat/history?limit=1',
    ]);
    await plain.close();
  });

  it('loads messages by key in input order with one scan per conversation', async () => {
    const [newest, tieMember, old] = [keys.at(-1)!, keys[1]!, keys[0]!];
    const foreign = `${keys[5]!.split('|')[0]}|msg_nothere`;
    sim.requests.length = 0;
    const results = await adapter.getMessages(viewer, [
      { conversationExternalId: REST_DEMO_CONVERSATION_ID, key: old },
      { conversationExternalId: REST_DEMO_CONVERSATION_ID, key: newest },
      { conversationExternalId: REST_DEMO_CONVERSATION_ID, key: foreign },
      { conversationExternalId: REST_DEMO_CONVERSATION_ID, key: 'not-a-key' },
      { conversationExternalId: 'con_missing', key: newest },
      { conversationExternalId: REST_DEMO_CONVERSATION_ID, key: tieMember },
    ]);
    expect((results[0] as MessageRecord).key).toBe(old);
    expect((results[1] as MessageRecord).key).toBe(newest);
    expect(results[2]).toBeNull();
    expect(results[3]).toBeInstanceOf(GatewayError);
    expect((results[3] as GatewayError).code).toBe('BAD_USER_INPUT');
    expect(results[4]).toBeNull();
    expect((results[5] as MessageRecord).key).toBe(tieMember);
    expect(sim.requests.length).toBeLessThanOrEqual(6);
  });

  it('lists conversations most recently updated first, page by page', async () => {
    expect(adapter.capabilities.listConversations).toBe(true);
    const first = await adapter.listConversations(viewer, { after: null, limit: 2 });
    expect(first.items.map((item) => item.externalId)).toEqual(['con_b81kd5t', 'con_9s2kd81']);
    expect(first.hasMore).toBe(true);
    const second = await adapter.listConversations(viewer, { after: first.items[1]!.cursorKey, limit: 2 });
    expect(second.items.map((item) => item.externalId)).toEqual(['con_7mw3ze0', 'con_4hx7q2p']);
    expect(second.hasMore).toBe(false);
    expect(second.items[0]).toMatchObject({ title: 'Billing dispute follow-up', status: 'RESOLVED', upstreamStatus: 'resolved' });
  });

  it('maps upstream and input errors with the source id', async () => {
    const missing = await rejection(adapter.listMessages(viewer, 'con_missing', { direction: 'backward', cursor: null, limit: 5 }));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', sourceId: 'x' });
    const malformed = await rejection(
      adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, { direction: 'backward', cursor: 'msg_92kd82', limit: 5 }),
    );
    expect(malformed).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'x' });
    const badAfter = await rejection(adapter.listConversations(viewer, { after: 'garbage', limit: 5 }));
    expect(badAfter).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'x' });
  });

  it('reports a rejected token as UPSTREAM_ERROR without echoing it', async () => {
    const wrong = 'sk_live_this_must_never_leak';
    const bad = await createAdapter(String(sim.sourceConfig.baseUrl), { token: wrong });
    try {
      const error = await rejection(bad.listMessages(viewer, REST_DEMO_CONVERSATION_ID, { direction: 'backward', cursor: null, limit: 5 }));
      expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', sourceId: 'x', status: 401 });
      expect(error.message).not.toContain(wrong);
      expect(error.message).not.toContain(REST_DEMO_TOKEN);
      const [slot] = await bad.getConversations(viewer, [REST_DEMO_CONVERSATION_ID]);
      expect(slot).toMatchObject({ code: 'UPSTREAM_ERROR' });
    } finally {
      await bad.close();
    }
  });

  it('is NOT_SUPPORTED for listing without a conversationsPath', async () => {
    const plain = await createAdapter(String(sim.sourceConfig.baseUrl), { listing: false });
    try {
      expect(plain.capabilities.listConversations).toBe(false);
      const error = await rejection(plain.listConversations(viewer, { after: null, limit: 5 }));
      expect(error).toMatchObject({ code: 'NOT_SUPPORTED', sourceId: 'x' });
    } finally {
      await plain.close();
    }
  });
});
