import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/errors.js';
import type { MessageRecord, Viewer } from '../../../src/core/records.js';
import { validateConfig } from '../../../src/gateway/load-config.js';
import type { ProviderAdapter } from '../../../src/providers/contract.js';
import httpKind from '../../../src/providers/http/index.js';
import type { SimulatorHandle } from '../../../src/demo/simulators/http-server.js';
import { expireCursors, LONG, startPagedHistory } from '../../helpers/paged-history.js';
import { testServices } from '../../helpers/services.js';

const viewer: Viewer = { id: 'u1', roles: [] };
const fields = (format: string) => ({ id: 'id', createdAt: { path: 'at', format }, text: 'body.text', role: 'from' });
const limit = '{page.limit}';

/** One source per paging style of the paged-history server (test/helpers/paged-history.ts). */
const STYLES: Record<string, Record<string, unknown>> = {
  'cursor (newest first, one way)': {
    messages: {
      request: { path: '/cursor/c/{conversation.id}/messages' },
      select: 'messages',
      fields: fields('epoch-seconds'),
      paging: { strategy: 'cursor', maxPageSize: 10, backward: { query: { cursor: '{page.cursor}', limit }, cursor: 'meta.next_cursor' } },
    },
  },
  'next-url in a Link header (oldest first, one way)': {
    messages: {
      request: { path: '/link/c/{conversation.id}/messages' },
      select: 'items',
      fields: fields('iso8601'),
      paging: { strategy: 'next-url', maxPageSize: 10, forward: { query: { per_page: limit }, nextUrl: { link: 'next' } } },
    },
  },
  'offset (both ways)': {
    messages: {
      request: { path: '/offset/c/{conversation.id}/messages', query: { limit } },
      select: 'data',
      fields: fields('epoch-ms'),
      paging: {
        strategy: 'offset',
        maxPageSize: 10,
        backward: { query: { order: 'desc', offset: '{page.offset}' } },
        forward: { query: { order: 'asc', offset: '{page.offset}' } },
      },
    },
  },
  'page-number (newest first, pages oldest first inside)': {
    messages: {
      request: { path: '/pages/c/{conversation.id}/messages' },
      select: 'result',
      fields: fields('seconds.micros'),
      paging: { strategy: 'page-number', maxPageSize: 10, hasMore: 'has_more', backward: { pageOrder: 'oldest-first', query: { page: '{page.number}', per_page: limit } } },
    },
  },
  'id-window (both ways)': {
    messages: {
      request: { path: '/ids/c/{conversation.id}/messages', query: { limit } },
      select: 'data',
      fields: fields('epoch-seconds'),
      paging: {
        strategy: 'id-window',
        maxPageSize: 10,
        hasMore: 'has_more',
        backward: { query: { order: 'desc', after: '{page.anchor}' } },
        forward: { query: { order: 'asc', after: '{page.anchor}' } },
      },
    },
  },
  'none, a map plus an order list': {
    messages: { request: { path: '/all/c/{conversation.id}/messages' }, select: { map: 'posts', order: 'order' }, fields: fields('epoch-ms') },
  },
};

async function createAdapter(origin: string, style: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<ProviderAdapter> {
  const source = { id: 'p', kind: 'http', baseUrl: origin, visibility: 'shared', timeoutMs: 2000, retries: 0, ...style, ...extra };
  const config = await validateConfig({ auth: { mode: 'header', header: { trustedProxies: ['10.0.0.0/8'] } }, sources: [source] });
  return httpKind.create(config.sources[0] as never, testServices(config.sources[0]!));
}

async function scroll(adapter: ProviderAdapter, id: string, direction: 'forward' | 'backward', size: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 200; guard += 1) {
    const slice = await adapter.listMessages(viewer, id, { direction, cursor, limit: size });
    const page = slice.messages.map((message) => message.externalId);
    expect(page.length === size || !slice.hasMore).toBe(true);
    if (direction === 'backward') ids.unshift(...page);
    else ids.push(...page);
    if (!slice.hasMore) return ids;
    cursor = (direction === 'backward' ? slice.messages[0] : slice.messages.at(-1))!.key;
  }
  throw new Error('paging did not end');
}

const upstreamOrder = LONG.map((message) => message.id);

describe.each(Object.entries(STYLES))('http kind paging: %s', (_name, style) => {
  let server: SimulatorHandle;
  let adapter: ProviderAdapter;

  beforeAll(async () => {
    server = await startPagedHistory();
    adapter = await createAdapter(server.origin, style);
  });
  afterAll(async () => {
    await adapter.close();
    await server.close();
  });

  it.each([1, 7, 20, 100])('scrolls the whole thread both ways in pages of %i, in the upstream order', async (size) => {
    expect(await scroll(adapter, 'long', 'backward', size)).toEqual(upstreamOrder);
    expect(await scroll(adapter, 'long', 'forward', size)).toEqual(upstreamOrder);
  });

  it('answers last: N with the newest and first: N with the oldest, from a fresh replica too', async () => {
    const fresh = await createAdapter(server.origin, style);
    try {
      const newest = await fresh.listMessages(viewer, 'long', { direction: 'backward', cursor: null, limit: 7 });
      expect(newest.messages.map((message) => message.externalId)).toEqual(upstreamOrder.slice(-7));
      expect(newest.hasMore).toBe(true);
      const oldest = await fresh.listMessages(viewer, 'long', { direction: 'forward', cursor: null, limit: 7 });
      expect(oldest.messages.map((message) => message.externalId)).toEqual(upstreamOrder.slice(0, 7));
      const middle = oldest.messages.at(-1)!.key;
      const other = await createAdapter(server.origin, style);
      const after = await other.listMessages(viewer, 'long', { direction: 'forward', cursor: middle, limit: 7 });
      expect(after.messages.map((message) => message.externalId)).toEqual(upstreamOrder.slice(7, 14));
      const before = await other.listMessages(viewer, 'long', { direction: 'backward', cursor: after.messages.at(-1)!.key, limit: 3 });
      expect(before.messages.map((message) => message.externalId)).toEqual(upstreamOrder.slice(10, 13));
      await other.close();
    } finally {
      await fresh.close();
    }
  });

  it('maps fields and times', async () => {
    const slice = await adapter.listMessages(viewer, 'long', { direction: 'forward', cursor: null, limit: 2 });
    expect(slice.messages.map((message) => [message.externalId, message.role, message.text, message.createdAt?.toISOString(), message.sender?.kind])).toEqual([
      [LONG[0]!.id, 'USER', 'message 0', new Date(LONG[0]!.seconds * 1000).toISOString(), 'USER'],
      [LONG[1]!.id, 'ASSISTANT', 'message 1', new Date(LONG[1]!.seconds * 1000).toISOString(), 'BOT'],
    ]);
  });

  it('answers an empty thread with no messages, and an unknown one with NOT_FOUND', async () => {
    for (const direction of ['backward', 'forward'] as const) {
      expect(await adapter.listMessages(viewer, 'empty', { direction, cursor: null, limit: 5 })).toEqual({ messages: [], hasMore: false });
    }
    const error = await adapter.listMessages(viewer, 'secret', { direction: 'backward', cursor: null, limit: 5 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', sourceId: 'p' });
    const [found, absent] = await adapter.getConversations(viewer, ['long', 'secret']);
    // Without a backward walk, a probe sees only the oldest page: the newest time is unknown.
    const forwardOnly = Boolean((style.messages as { paging?: { backward?: unknown; forward?: unknown } }).paging?.forward) && !(style.messages as { paging?: { backward?: unknown } }).paging?.backward;
    expect(found).toMatchObject({ externalId: 'long', updatedAt: forwardOnly ? null : new Date(LONG.at(-1)!.seconds * 1000) });
    expect(absent).toBeNull();
  });

  it('refetches messages by key, on the replica that listed them and on a fresh one', async () => {
    const all: MessageRecord[] = [];
    let cursor: string | null = null;
    do {
      const slice = await adapter.listMessages(viewer, 'long', { direction: 'forward', cursor, limit: 20 });
      all.push(...slice.messages);
      cursor = slice.hasMore ? slice.messages.at(-1)!.key : null;
    } while (cursor);
    const refs = [all[0]!, all[23]!, all.at(-1)!].map((message) => ({ conversationExternalId: 'long', key: message.key }));
    const forged = { conversationExternalId: 'long', key: `${all[5]!.key.split('|')[0]}|m999` };
    const fresh = await createAdapter(server.origin, style);
    try {
      for (const reader of [adapter, fresh]) {
        const results = await reader.getMessages(viewer, [...refs, forged, { conversationExternalId: 'long', key: 'garbage' }]);
        expect(results.slice(0, 4).map((result) => (result && !(result instanceof Error) ? result.externalId : result))).toEqual([all[0]!.externalId, all[23]!.externalId, all.at(-1)!.externalId, null]);
        expect(results[4]).toMatchObject({ code: 'BAD_USER_INPUT' });
      }
    } finally {
      await fresh.close();
    }
  });
});

describe('http kind on an API that pages one way', () => {
  let server: SimulatorHandle;
  beforeAll(async () => {
    server = await startPagedHistory();
  });
  afterAll(() => server.close());
  const style = STYLES['cursor (newest first, one way)']!;

  it('keeps within maxCallsPerRead when asked for the oldest messages, failing with BAD_USER_INPUT', async () => {
    const adapter = await createAdapter(server.origin, style, { maxCallsPerRead: 3 });
    server.requests.length = 0;
    const error = await adapter.listMessages(viewer, 'long', { direction: 'forward', cursor: null, limit: 5 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'p' });
    expect((error as Error).message).toContain('one way only');
    expect(server.requests.length).toBe(3);
    await adapter.close();
  });

  it('walks from the start when a remembered cursor has expired', async () => {
    const adapter = await createAdapter(server.origin, style);
    const first = await adapter.listMessages(viewer, 'long', { direction: 'forward', cursor: null, limit: 10 });
    expireCursors();
    const next = await adapter.listMessages(viewer, 'long', { direction: 'forward', cursor: first.messages.at(-1)!.key, limit: 10 });
    expect(next.messages.map((message) => message.externalId)).toEqual(upstreamOrder.slice(10, 20));
    const older = await adapter.listMessages(viewer, 'long', { direction: 'backward', cursor: first.messages.at(-1)!.key, limit: 3 });
    expect(older.messages.map((message) => message.externalId)).toEqual(upstreamOrder.slice(6, 9));
    await adapter.close();
  });

  it('scrolls forward page by page from remembered positions after one walk', async () => {
    const adapter = await createAdapter(server.origin, style);
    const first = await adapter.listMessages(viewer, 'long', { direction: 'forward', cursor: null, limit: 10 });
    expect(first.messages.map((message) => message.externalId)).toEqual(upstreamOrder.slice(0, 10));
    let cursor = first.messages.at(-1)!.key;
    for (let page = 1; page < 4; page += 1) {
      server.requests.length = 0;
      const slice = await adapter.listMessages(viewer, 'long', { direction: 'forward', cursor, limit: 10 });
      expect(slice.messages.map((message) => message.externalId)).toEqual(upstreamOrder.slice(page * 10, page * 10 + 10));
      expect(server.requests.length).toBeLessThanOrEqual(3);
      cursor = slice.messages.at(-1)!.key;
    }
    await adapter.close();
  });
});
