/**
 * What `access: owner` costs, counted at the REST simulator: the newest page an ownership check
 * read also answers the messages page that follows in the same request, decisions are made once
 * per request, listings decide each conversation with one call, and one request's ownership
 * reads are bounded.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OWNER_CALLS_PER_REQUEST } from '../../../src/providers/rest/access.js';
import kind from '../../../src/providers/rest/index.js';
import { createRequestMemo } from '../../../src/upstream/request-memo.js';
import type { ProviderAdapter } from '../../../src/providers/contract.js';
import type { Viewer } from '../../../src/core/records.js';
import type { StartedSimulator } from '../../../src/demo/simulators/http-server.js';
import { REST_DEMO_CONVERSATION_ID, REST_DEMO_TOKEN, startRestSimulator } from '../../../src/demo/simulators/rest/server.js';
import { testServices } from '../../helpers/services.js';

let simulator: StartedSimulator;
let adapter: ProviderAdapter;
beforeAll(async () => {
  simulator = await startRestSimulator();
  const config = {
    id: 'legacy',
    kind: 'rest',
    baseUrl: `${simulator.origin}/v1`,
    timeoutMs: 2000,
    retries: 0,
    maxResponseBytes: 10485760,
    token: REST_DEMO_TOKEN,
    conversationsPath: '/chat/conversations',
    access: 'owner' as const,
    ownerFrom: 'id' as const,
    ownerScanLimit: 1000,
  };
  adapter = kind.create(config, testServices(config));
});
afterAll(async () => {
  await adapter.close();
  await simulator.close();
});
beforeEach(() => {
  simulator.requests.length = 0;
});

const demo = (): Viewer => ({ id: 'demo-user', roles: [] });
const historyCalls = () => simulator.requests.filter((request) => request.path === '/v1/chat/history');
const newest = (limit: number) => ({ direction: 'backward' as const, cursor: null, limit });

describe('rest owner checks', () => {
  it('answers the newest messages page from the page the ownership check read', async () => {
    const memo = createRequestMemo();
    const viewer = demo();
    const page = await adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, newest(20), memo);
    expect(page.messages.length).toBeGreaterThan(0);
    expect(historyCalls()).toHaveLength(1);
    // Same request, other reads of the conversation: no new call either.
    const small = await adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, newest(3), memo);
    expect(small.messages).toEqual(page.messages.slice(-3));
    const [record] = await adapter.getConversations(viewer, [REST_DEMO_CONVERSATION_ID], memo);
    expect(record).toMatchObject({ externalId: REST_DEMO_CONVERSATION_ID });
    expect(historyCalls()).toHaveLength(1);
  });

  it('reads upstream again without a memo (outside a request)', async () => {
    const viewer = demo();
    await adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, newest(20));
    await adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, newest(20));
    // One ownership read (decided once per viewer), then one page read each time.
    expect(historyCalls()).toHaveLength(3);
  });

  it('lists with one ownership read per listed conversation, shared with their messages', async () => {
    const memo = createRequestMemo();
    const viewer = demo();
    const listed = await adapter.listConversations(viewer, { after: null, limit: 10 }, memo);
    expect(listed.items.length).toBeGreaterThan(0);
    const listing = simulator.requests.filter((request) => request.path === '/v1/chat/conversations');
    const decided = new Set(historyCalls().map((request) => request.query.get('conversation_id')));
    expect(historyCalls()).toHaveLength(decided.size);
    simulator.requests.length = 0;
    for (const item of listed.items) await adapter.listMessages(viewer, item.externalId, newest(20), memo);
    expect(historyCalls()).toHaveLength(0);
    expect(listing.length).toBeGreaterThan(0);
  });

  it(`spends at most ${OWNER_CALLS_PER_REQUEST} upstream calls deciding ownership in one request`, async () => {
    const memo = createRequestMemo();
    const ids = Array.from({ length: OWNER_CALLS_PER_REQUEST + 50 }, (_, index) => `con_made_up_${index}`);
    const result = await adapter.getConversations(demo(), ids, memo);
    expect(historyCalls().length).toBeLessThanOrEqual(OWNER_CALLS_PER_REQUEST);
    expect(result.filter((slot) => slot === null)).toHaveLength(OWNER_CALLS_PER_REQUEST);
    const refused = result.filter((slot) => slot instanceof Error);
    expect(refused).toHaveLength(50);
    expect(refused[0]).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'legacy' });
  });
});
