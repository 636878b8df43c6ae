import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/errors.js';
import type { ConversationRecord, Viewer } from '../../../src/core/records.js';
import {
  createDifyFixtures,
  DIFY_ALICE_CONVERSATION_ID,
  DIFY_BULK_CONVERSATIONS,
  DIFY_DEEP_CONVERSATION_ID,
  DIFY_LONG_CONVERSATION_ID,
} from '../../../src/demo/simulators/dify/fixtures.js';
import { demoViewer, seededKeys, startHarness, type DifyHarness } from './setup.js';

let harness: DifyHarness;
const bulkViewer: Viewer = { id: 'bulk-user', roles: [] };
const aliceViewer: Viewer = { id: 'alice', roles: [] };
const fixtures = createDifyFixtures();
const idsOf = (user: string) =>
  fixtures.filter((item) => item.user === user).sort((a, b) => b.updatedAtMs - a.updatedAtMs).map((item) => item.id);
const unknownId = '0b7c9e2a-3f4d-4e5a-8b6c-7d8e9f0a1b2c';

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.simulator.requests.length = 0;
});

describe('dify adapter: listConversations', () => {
  it('pages the viewer’s conversations, most recently updated first', async () => {
    const first = await harness.adapter.listConversations(demoViewer, { after: null, limit: 20 });
    expect(first.items).toHaveLength(20);
    expect(first.hasMore).toBe(true);
    expect(first.items[0]).toMatchObject({
      externalId: DIFY_LONG_CONVERSATION_ID,
      title: 'Rolling out Brightdesk to the support team',
      status: 'OPEN',
      upstreamStatus: 'normal',
    });
    const second = await harness.adapter.listConversations(demoViewer, { after: first.items[19]!.cursorKey, limit: 20 });
    expect(second).toMatchObject({ hasMore: false });
    const all = [...first.items, ...second.items];
    expect(all.map((item) => item.externalId)).toEqual(idsOf('demo-user'));
    const times = all.map((item) => item.updatedAt!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const calls = harness.calls('/v1/conversations');
    expect(calls.map((query) => [query.get('limit'), query.get('last_id'), query.get('sort_by'), query.get('user')])).toEqual([
      ['20', null, '-updated_at', 'demo-user'],
      ['20', first.items[19]!.externalId, '-updated_at', 'demo-user'],
    ]);
  });

  it('reaches the end of a long list exactly', async () => {
    const seen: ConversationRecord[] = [];
    let after: string | null = null;
    const pages: boolean[] = [];
    for (;;) {
      const page: { items: ConversationRecord[]; hasMore: boolean } = await harness.adapter.listConversations(bulkViewer, {
        after,
        limit: 100,
      });
      seen.push(...page.items);
      pages.push(page.hasMore);
      if (!page.hasMore) break;
      after = page.items.at(-1)!.cursorKey;
    }
    expect(pages).toEqual([true, true, true, false]);
    expect(seen.map((item) => item.externalId)).toEqual(idsOf('bulk-user'));
    expect(seen).toHaveLength(DIFY_BULK_CONVERSATIONS);
  });

  it('shows each user only their own conversations', async () => {
    const alice = await harness.adapter.listConversations(aliceViewer, { after: null, limit: 50 });
    expect(alice.items.map((item) => item.externalId)).toEqual(idsOf('alice'));
    const demo = await harness.adapter.listConversations(demoViewer, { after: null, limit: 100 });
    expect(demo.items.map((item) => item.externalId)).not.toContain(DIFY_ALICE_CONVERSATION_ID);
  });

  it('rejects malformed and stale cursors', async () => {
    const malformed = await harness.adapter.listConversations(demoViewer, { after: 'x', limit: 5 }).catch((error: unknown) => error);
    expect(malformed).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'assistant' });
    expect(harness.simulator.requests).toHaveLength(0);
    const stale = await harness.adapter.listConversations(demoViewer, { after: unknownId, limit: 5 }).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(GatewayError);
    expect(stale).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'assistant' });
  });
});

describe('dify adapter: getConversations', () => {
  it('serves a batch of 3 ids from one list call, in input order', async () => {
    const [a, b, c] = idsOf('demo-user').slice(2, 5) as [string, string, string];
    const result = await harness.adapter.getConversations(demoViewer, [c, a, b]);
    expect(result.map((item) => (item as ConversationRecord).externalId)).toEqual([c, a, b]);
    expect(harness.calls('/v1/conversations')).toHaveLength(1);
    expect(harness.calls('/v1/conversations')[0]?.get('limit')).toBe('100');
    expect(harness.calls('/v1/messages')).toHaveLength(0);
  });

  it('answers foreign, unknown and malformed ids with null from the same single call', async () => {
    const result = await harness.adapter.getConversations(demoViewer, [
      DIFY_ALICE_CONVERSATION_ID,
      DIFY_LONG_CONVERSATION_ID,
      unknownId,
      'not-a-uuid',
      DIFY_LONG_CONVERSATION_ID.toUpperCase(),
    ]);
    expect(result[0]).toBeNull();
    expect(result[1]).toMatchObject({ externalId: DIFY_LONG_CONVERSATION_ID });
    expect(result.slice(2, 4)).toEqual([null, null]);
    expect(result[4]).toMatchObject({ externalId: DIFY_LONG_CONVERSATION_ID });
    expect(harness.simulator.requests).toHaveLength(1);
  });

  it('finds ids anywhere in a list longer than one page, and settles absent ones without probes', async () => {
    const bulkIds = idsOf('bulk-user');
    const oldest = bulkIds.at(-1)!;
    const result = await harness.adapter.getConversations({ ...bulkViewer }, [bulkIds[0]!, oldest, unknownId, DIFY_ALICE_CONVERSATION_ID]);
    expect(result[0]).toMatchObject({ externalId: bulkIds[0], title: expect.stringMatching(/^Ticket triage #/) });
    expect(result[1]).toMatchObject({ externalId: oldest, title: fixtures.find((item) => item.id === oldest)!.name });
    expect(result.slice(2)).toEqual([null, null]);
    // The whole list (4 pages), then page 1 again to catch conversations that moved meanwhile.
    expect(harness.calls('/v1/conversations').map((query) => query.get('last_id'))).toEqual([
      null,
      bulkIds[99],
      bulkIds[199],
      bulkIds[299],
      null,
    ]);
    expect(harness.calls('/v1/messages')).toHaveLength(0);
  });

  it('puts an upstream failure into every slot', async () => {
    harness.simulator.injectFailure({ status: 502, body: '<html>Bad Gateway</html>' });
    const result = await harness.adapter.getConversations(demoViewer, [DIFY_LONG_CONVERSATION_ID, randomUUID()]);
    expect(result).toHaveLength(2);
    for (const slot of result) expect(slot).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'assistant' });
  });
});

describe('dify adapter: getMessages', () => {
  it('loads messages by key, grouped per conversation, in input order', async () => {
    const longKeys = seededKeys(DIFY_LONG_CONVERSATION_ID);
    const deepKeys = seededKeys(DIFY_DEEP_CONVERSATION_ID);
    const aliceKey = `${fixtures.find((item) => item.id === DIFY_ALICE_CONVERSATION_ID)!.exchanges[0]!.id}:u`;
    const result = await harness.adapter.getMessages(demoViewer, [
      { conversationExternalId: DIFY_LONG_CONVERSATION_ID, key: longKeys[89]! },
      { conversationExternalId: DIFY_DEEP_CONVERSATION_ID, key: deepKeys[1]! },
      { conversationExternalId: DIFY_LONG_CONVERSATION_ID, key: longKeys[0]! },
      { conversationExternalId: DIFY_LONG_CONVERSATION_ID, key: 'garbage' },
      { conversationExternalId: DIFY_ALICE_CONVERSATION_ID, key: aliceKey },
      { conversationExternalId: DIFY_LONG_CONVERSATION_ID, key: `${unknownId}:a` },
      { conversationExternalId: 'not-a-uuid', key: longKeys[0]! },
    ]);
    expect(result[0]).toMatchObject({ key: longKeys[89], role: 'ASSISTANT', conversationExternalId: DIFY_LONG_CONVERSATION_ID });
    expect(result[1]).toMatchObject({ key: deepKeys[1], role: 'ASSISTANT', text: expect.stringContaining('urgent tickets') });
    expect(result[2]).toMatchObject({
      key: longKeys[0],
      role: 'USER',
      text: expect.stringContaining('14-person support team'),
    });
    expect(result[3]).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'assistant' });
    expect(result.slice(4)).toEqual([null, null, null]);
    const byConversation = (id: string) => harness.calls('/v1/messages').filter((query) => query.get('conversation_id') === id);
    // The long conversation fits one page of 100; the deep one needs 3 to reach its first exchange.
    expect(byConversation(DIFY_LONG_CONVERSATION_ID)).toHaveLength(1);
    expect(byConversation(DIFY_DEEP_CONVERSATION_ID)).toHaveLength(3);
    expect(byConversation(DIFY_ALICE_CONVERSATION_ID)).toHaveLength(1);
  });

  it('maps attachments, citations and feedback of seeded exchanges', async () => {
    const longKeys = seededKeys(DIFY_LONG_CONVERSATION_ID);
    const refs = [longKeys[6]!, longKeys[33]!, longKeys[5]!, longKeys[17]!].map((key) => ({
      conversationExternalId: DIFY_LONG_CONVERSATION_ID,
      key,
    }));
    const [screenshot, seatPlan, liked, disliked] = await harness.adapter.getMessages(demoViewer, refs);
    expect(screenshot).toMatchObject({ role: 'USER', attachments: [{ type: 'image', name: 'invoice-preview.png', mimeType: 'image/png' }] });
    expect(seatPlan).toMatchObject({ role: 'ASSISTANT', attachments: [{ name: 'seat-plan.csv', mimeType: 'text/csv', size: 412 }] });
    expect((seatPlan as { attachments: Array<{ url: string }> }).attachments[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/tools\//);
    expect(liked).toMatchObject({ feedback: { rating: 'LIKE' } });
    expect(disliked).toMatchObject({ feedback: { rating: 'DISLIKE' }, citations: [] });
    const cited = await harness.adapter.getMessages(demoViewer, [{ conversationExternalId: DIFY_LONG_CONVERSATION_ID, key: longKeys[3]! }]);
    expect(cited[0]).toMatchObject({ citations: [{ position: 1, documentName: expect.stringMatching(/\.(md|pdf)$/) }, { position: 2 }] });
  });
});
