/**
 * What Dify lookups cost within one request (one `RequestMemo`) and across requests (the shared
 * cache), counted at the simulator: conversations by id share one walk of the list however many
 * batches ask, absent ids are settled without a probe each and remembered, and every read from a
 * conversation's newest end shares one walk of its pages.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDifyClient } from '../../../src/providers/dify/client.js';
import { createConversationLookup, MAX_PROBES_PER_REQUEST } from '../../../src/providers/dify/lookup.js';
import { createRequestMemo } from '../../../src/upstream/request-memo.js';
import type { Viewer } from '../../../src/core/records.js';
import {
  createDifyFixtures,
  DIFY_BULK_CONVERSATIONS,
  DIFY_DEEP_CONVERSATION_ID,
  DIFY_DEEP_EXCHANGES,
  DIFY_DEMO_API_KEY,
} from '../../../src/demo/simulators/dify/fixtures.js';
import { testServices } from '../../helpers/services.js';
import { seededKeys, startHarness, type DifyHarness } from './setup.js';

let harness: DifyHarness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());
beforeEach(() => {
  harness.simulator.requests.length = 0;
});

const bulk = (): Viewer => ({ id: 'bulk-user', roles: [] });
const demo = (): Viewer => ({ id: 'demo-user', roles: [] });
const listPages = Math.ceil(DIFY_BULK_CONVERSATIONS / 100);

describe('dify conversations by id', () => {
  it('shares one walk of the list between concurrent batches of one request', async () => {
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    const memo = createRequestMemo();
    const viewer = bulk();
    const batches = await Promise.all(
      Array.from({ length: 10 }, (_, index) => harness.adapter.getConversations(viewer, ids.slice(index * 100, (index + 1) * 100), memo)),
    );
    expect(batches.flat()).toEqual(Array(1000).fill(null));
    expect(harness.calls('/v1/conversations')).toHaveLength(listPages + 1);
    expect(harness.calls('/v1/messages')).toHaveLength(0);
  });

  it('remembers absent ids across requests, per Dify user', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    await harness.adapter.getConversations(bulk(), ids, createRequestMemo());
    harness.simulator.requests.length = 0;
    expect(await harness.adapter.getConversations(bulk(), ids, createRequestMemo())).toEqual(Array(50).fill(null));
    expect(harness.simulator.requests).toHaveLength(0);
    // Another user's lookup of the same ids learns nothing from it.
    await harness.adapter.getConversations(demo(), ids, createRequestMemo());
    expect(harness.calls('/v1/conversations').map((query) => query.get('user'))).toEqual(['demo-user']);
  });

  it('walks the list again in a new request: the walk never outlives it', async () => {
    const viewer = bulk();
    const first = await harness.adapter.getConversations(viewer, [randomUUID()], createRequestMemo());
    const second = await harness.adapter.getConversations(viewer, [randomUUID()], createRequestMemo());
    expect([...first, ...second]).toEqual([null, null]);
    expect(harness.calls('/v1/conversations')).toHaveLength(2 * (listPages + 1));
  });
});

describe('dify conversations beyond the scanned pages', () => {
  it('probes them one by one, at most MAX_PROBES_PER_REQUEST a request, and remembers where they live', async () => {
    const config = { id: 'assistant', baseUrl: `${harness.simulator.origin}/v1`, timeoutMs: 2000, retries: 0, maxResponseBytes: 10485760 };
    const services = testServices({ ...config, kind: 'dify' });
    const client = createDifyClient({ ...config, kind: 'dify', apiKey: DIFY_DEMO_API_KEY }, services.http);
    const lookup = createConversationLookup({ sourceId: 'assistant', client, cache: services.cache, scanPages: 1 });
    const deep = createDifyFixtures()
      .filter((item) => item.user === 'bulk-user')
      .sort((a, b) => b.updatedAtMs - a.updatedAtMs)
      .slice(200, 200 + MAX_PROBES_PER_REQUEST + 5)
      .map((item) => item.id);
    try {
      const first = await lookup('bulk-user', deep, createRequestMemo());
      expect(first.slice(0, MAX_PROBES_PER_REQUEST)).toEqual(deep.slice(0, MAX_PROBES_PER_REQUEST).map((id) => expect.objectContaining({ externalId: id })));
      expect(first.slice(MAX_PROBES_PER_REQUEST).every((slot) => slot instanceof Error && (slot as { code?: string }).code === 'BAD_USER_INPUT')).toBe(true);
      expect(harness.calls('/v1/conversations')).toHaveLength(1);
      expect(harness.calls('/v1/messages')).toHaveLength(MAX_PROBES_PER_REQUEST);

      harness.simulator.requests.length = 0;
      const again = await lookup('bulk-user', deep.slice(0, 3), createRequestMemo());
      expect(again.map((slot) => (slot as { externalId: string }).externalId)).toEqual(deep.slice(0, 3));
      // Known to live beyond the scanned pages: probed at once, the list is not read again.
      expect(harness.calls('/v1/conversations')).toHaveLength(0);
      expect(harness.calls('/v1/messages')).toHaveLength(3);
    } finally {
      await client.close();
      services.close();
    }
  });
});

describe('dify message pages within one request', () => {
  const page = (direction: 'forward' | 'backward', limit: number, cursor: string | null = null) => ({ direction, limit, cursor });
  const deepPages = Math.ceil(DIFY_DEEP_EXCHANGES / 100);

  it('walks a conversation once for every forward read and message look-up of the request', async () => {
    const memo = createRequestMemo();
    const viewer = demo();
    const keys = seededKeys(DIFY_DEEP_CONVERSATION_ID);
    const a = await harness.adapter.listMessages(viewer, DIFY_DEEP_CONVERSATION_ID, page('forward', 5), memo);
    const b = await harness.adapter.listMessages(viewer, DIFY_DEEP_CONVERSATION_ID, page('forward', 7, a.messages[4]!.key), memo);
    const [message] = await harness.adapter.getMessages(viewer, [{ conversationExternalId: DIFY_DEEP_CONVERSATION_ID, key: keys[3]! }], memo);
    const newest = await harness.adapter.listMessages(viewer, DIFY_DEEP_CONVERSATION_ID, page('backward', 20), memo);
    expect(a.messages.map((item) => item.key)).toEqual(keys.slice(0, 5));
    expect(b.messages.map((item) => item.key)).toEqual(keys.slice(5, 12));
    expect(message).toMatchObject({ key: keys[3] });
    expect(newest.messages.map((item) => item.key)).toEqual(keys.slice(-20));
    expect(newest.hasMore).toBe(true);
    expect(harness.calls('/v1/messages')).toHaveLength(deepPages);
  });

  it('reads upstream every time without a memo (live pollers see new messages)', async () => {
    const viewer = demo();
    await harness.adapter.listMessages(viewer, DIFY_DEEP_CONVERSATION_ID, page('forward', 5));
    await harness.adapter.listMessages(viewer, DIFY_DEEP_CONVERSATION_ID, page('forward', 5));
    expect(harness.calls('/v1/messages')).toHaveLength(2 * deepPages);
  });

  it('forgets a failed page, so the next read of the request tries again', async () => {
    const memo = createRequestMemo();
    harness.simulator.injectFailure({ status: 502, body: 'Bad Gateway' });
    const failed = await harness.adapter
      .listMessages(demo(), DIFY_DEEP_CONVERSATION_ID, page('backward', 4), memo)
      .catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    const retried = await harness.adapter.listMessages(demo(), DIFY_DEEP_CONVERSATION_ID, page('backward', 4), memo);
    expect(retried.messages).toHaveLength(4);
  });
});
