import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetAdapter } from '../../helpers/presets.js';
import { testServices } from '../../helpers/services.js';
import { GatewayError } from '../../../src/core/errors.js';
import kind from '../../../src/providers/rest/index.js';
import type { ProviderAdapter } from '../../../src/providers/contract.js';
import type { Viewer } from '../../../src/core/records.js';
import { startSimulatorServer, type SimulatorHandle, type SimulatorReply, type StartedSimulator } from '../../../src/demo/simulators/http-server.js';
import type { RestSimConversation, RestSimMessage } from '../../../src/demo/simulators/rest/fixtures.js';
import { startRestSimulator } from '../../../src/demo/simulators/rest/server.js';

const viewer: Viewer = { id: 'demo-user', roles: [] };
const TOKEN = 'edge-token';

type Factory = (baseUrl: string, listing: boolean) => Promise<ProviderAdapter>;

/** The same reads through the built-in `rest` kind and through the shipped `http` preset of the same API. */
const factories: Array<[string, Factory]> = [
  [
    'rest kind',
    async (baseUrl, listing) => {
      // Paging mechanics, not access control (test/security covers that): every viewer may read.
      const config = { id: 'x', kind: 'rest', baseUrl, timeoutMs: 2000, retries: 0, maxResponseBytes: 10485760, token: TOKEN, conversationsPath: listing ? '/chat/conversations' : undefined, access: 'shared' as const, ownerFrom: 'id' as const, ownerScanLimit: 1000 };
      return kind.create(config, testServices(config));
    },
  ],
  [
    'http kind with the rest-chat-history preset',
    (baseUrl, listing) =>
      presetAdapter('rest-chat-history.yaml', { HISTORY_BASE_URL: baseUrl, HISTORY_API_TOKEN: TOKEN }, (source) => {
        Object.assign(source, { id: 'x', timeoutMs: 2000, retries: 0 });
        if (!listing) {
          delete source.conversations;
          delete source.conversation;
        }
      }),
  ],
];

/** Messages at the given times, written in reverse id order so same-second order differs from id order. */
function conversation(id: string, times: string[]): RestSimConversation {
  const messages: RestSimMessage[] = times.map((created_at, index) => ({
    id: `m${String(index).padStart(3, '0')}`,
    sender_type: index % 2 ? 'ai' : 'user',
    sender_id: index % 2 ? 'bot' : 'alice',
    text: `message ${index}`,
    metadata: {},
    created_at,
  }));
  const written = [...messages].sort((a, b) => a.created_at.localeCompare(b.created_at) || b.id.localeCompare(a.id));
  return { id, title: id, status: 'open', messages: written };
}

const repeat = (time: string, count: number) => Array.from({ length: count }, () => time);

async function scroll(adapter: ProviderAdapter, id: string, direction: 'forward' | 'backward', limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 200; guard += 1) {
    const slice = await adapter.listMessages(viewer, id, { direction, cursor, limit });
    const page = slice.messages.map((message) => message.externalId);
    if (direction === 'backward') ids.unshift(...page);
    else ids.push(...page);
    if (!slice.hasMore) return ids;
    cursor = (direction === 'backward' ? slice.messages[0] : slice.messages.at(-1))!.key;
  }
  throw new Error('paging did not end');
}

describe.each(factories)('%s: paging edge cases', (_name, createAdapter) => {
  let sim: StartedSimulator;
  let adapter: ProviderAdapter;
  // 3 before, 60 sharing one second, 3 after; then a conversation with 101 sharing one second.
  const crowd = [...repeat('2026-03-12T10:00:00Z', 3), ...repeat('2026-03-12T10:00:01Z', 60), ...repeat('2026-03-12T10:00:02Z', 3)];
  const precise = ['2026-03-12T10:00:00.100Z', '2026-03-12T10:00:00.100Z', '2026-03-12T10:00:00.250Z', '2026-03-12T10:00:00.250Z', '2026-03-12T10:00:00.250Z', '2026-03-12T10:00:00.900Z', '2026-03-12T10:00:01.000Z'];
  const sameUpdate = '2026-03-16T08:00:00Z';

  beforeAll(async () => {
    sim = await startRestSimulator({
      token: TOKEN,
      conversations: [
        conversation('crowd', crowd),
        conversation('jam', [...repeat('2026-03-12T10:00:00Z', 2), ...repeat('2026-03-12T10:00:01Z', 101)]),
        conversation('precise', precise),
        conversation('c', [sameUpdate]),
        conversation('a', [sameUpdate]),
        conversation('b', [sameUpdate]),
        conversation('older', ['2026-03-15T08:00:00Z']),
      ],
    });
    adapter = await createAdapter(String(sim.sourceConfig.baseUrl), true);
  });
  afterAll(async () => {
    await adapter.close();
    await sim.close();
  });

  const ordered = (count: number) => Array.from({ length: count }, (_, index) => `m${String(index).padStart(3, '0')}`);

  it.each([7, 1, 50, 101])('pages across 60 messages sharing one second in pages of %i, both ways', async (limit) => {
    expect(await scroll(adapter, 'crowd', 'backward', limit)).toEqual(ordered(66));
    expect(await scroll(adapter, 'crowd', 'forward', limit)).toEqual(ordered(66));
  });

  it('asks for a full upstream page only when a shared second needs it', async () => {
    sim.requests.length = 0;
    const slice = await adapter.listMessages(viewer, 'crowd', { direction: 'backward', cursor: null, limit: 5 });
    expect(slice.messages.map((message) => message.externalId)).toEqual(['m061', 'm062', 'm063', 'm064', 'm065']);
    const limits = sim.requests.map((request) => Number(request.query.get('limit')));
    expect(limits[0]).toBeLessThan(100);
    expect(limits).toContain(100);
  });

  it('fails clearly instead of looping when more than 100 messages share one second', async () => {
    const error = await adapter
      .listMessages(viewer, 'jam', { direction: 'forward', cursor: null, limit: 10 })
      .then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', sourceId: 'x' });
    expect((error as Error).message).toContain('share the timestamp 2026-03-12T10:00:01Z');
  });

  it('widens windows by one millisecond for millisecond timestamps', async () => {
    expect(await scroll(adapter, 'precise', 'backward', 2)).toEqual(ordered(7));
    expect(await scroll(adapter, 'precise', 'forward', 2)).toEqual(ordered(7));
    const befores = sim.requests.map((request) => request.query.get('before')).filter(Boolean);
    expect(befores).toContain('2026-03-12T10:00:00.251Z');
  });

  it('finds messages by key inside a crowded second', async () => {
    const keys = ['m000', 'm030', 'm062', 'm064'].map((id) => {
      const index = Number(id.slice(1));
      return { conversationExternalId: 'crowd', key: `${crowd[index]}|${id}` };
    });
    const results = await adapter.getMessages(viewer, [...keys, { conversationExternalId: 'crowd', key: `${crowd[30]}|m999` }]);
    expect(results.map((result) => (result && !(result instanceof Error) ? result.externalId : result))).toEqual([
      'm000',
      'm030',
      'm062',
      'm064',
      null,
    ]);
  });

  it('lists conversations sharing one updated_at once each, ties by id', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 20; guard += 1) {
      const slice = await adapter.listConversations(viewer, { after, limit: 1 });
      seen.push(...slice.items.map((item) => item.externalId));
      if (!slice.hasMore) break;
      after = slice.items.at(-1)!.cursorKey;
    }
    expect(seen).toEqual(['a', 'b', 'c', 'older', 'crowd', 'jam', 'precise']);
  });
});

describe.each(factories)('%s against misbehaving upstreams', (_name, createAdapter) => {
  let server: SimulatorHandle;
  let adapter: ProviderAdapter;
  const replies = new Map<string, SimulatorReply>([
    ['envelope', { status: 200, body: { status: 'error', message: 'Conversation archived.', data: null } }],
    ['refused', { status: 400, body: { status: 'error', message: 'Invalid query parameter: before and after cannot both be set.', data: null } }],
    ['broken', { status: 500, body: { status: 'error', message: 'Unexpected server error. Please try again later.', data: null } }],
    ['busy', { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '7' } }],
    ['shape', { status: 200, body: { status: 'success', message: 'ok', data: { messages: [{ id: 'm', sender_type: 'user', created_at: 'yesterday' }] } } }],
  ]);

  beforeAll(async () => {
    server = await startSimulatorServer((request) => replies.get(request.query.get('conversation_id') ?? '') ?? { status: 404, body: {} });
    adapter = await createAdapter(`${server.origin}/v1`, false);
  });
  afterAll(async () => {
    await adapter.close();
    await server.close();
  });

  it.each([
    ['envelope', 'UPSTREAM_ERROR'],
    ['refused', 'UPSTREAM_ERROR'],
    ['broken', 'UPSTREAM_UNAVAILABLE'],
    ['busy', 'RATE_LIMITED'],
    ['shape', 'UPSTREAM_ERROR'],
  ])('maps the %s answer to %s', async (id, code) => {
    const error = await adapter
      .listMessages(viewer, id, { direction: 'backward', cursor: null, limit: 5 })
      .then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code, sourceId: 'x' });
    expect((error as Error).message).not.toContain(TOKEN);
    if (id === 'busy') expect((error as GatewayError).retryAfter).toBe(7);
  });

  it('puts a failed probe in its slot without failing the others', async () => {
    const results = await adapter.getConversations(viewer, ['broken', 'nothing']);
    expect(results[0]).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(results[1]).toBeNull();
  });
});
