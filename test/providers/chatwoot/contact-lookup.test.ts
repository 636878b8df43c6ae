/**
 * What finding a viewer's Chatwoot contact costs, counted at the simulator: a contact search
 * happens once per viewer value across requests (found or not), concurrent lookups share it,
 * and searches are rate-limited per source below Chatwoot's own limit (RATE_LIMITED past it,
 * without calling Chatwoot).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryCache } from '../../../src/core/cache.js';
import { createLogger } from '../../../src/core/logger.js';
import kind from '../../../src/providers/chatwoot/index.js';
import { createSourceServices } from '../../../src/gateway/source-services.js';
import type { ProviderAdapter } from '../../../src/providers/contract.js';
import {
  CHATWOOT_DEMO_ACCOUNT_ID,
  CHATWOOT_DEMO_TOKEN,
  startChatwootSimulator,
  type ChatwootSimulator,
} from '../../../src/demo/simulators/chatwoot/server.js';
import { calls, contact, createAdapter } from './helpers.js';

let sim: ChatwootSimulator;
beforeAll(async () => {
  sim = await startChatwootSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.requests.length = 0;
});

const searches = () => calls(sim, '/contacts/search');
const firstPage = { after: null, limit: 5 };

describe('chatwoot contact lookups', () => {
  let adapter: ProviderAdapter;
  beforeAll(() => {
    adapter = createAdapter(sim.origin);
  });
  afterAll(() => adapter.close());

  it('searches a known contact once across requests', async () => {
    const first = await adapter.listConversations(contact('demo-user'), firstPage);
    expect(first.items.length).toBeGreaterThan(0);
    // Search matches substrings, so finding the exact identifier may take more than one page.
    const searched = searches();
    expect(searched.length).toBeGreaterThan(0);
    expect(searched.every((query) => query.startsWith('q=demo-user&'))).toBe(true);
    const again = await adapter.listConversations(contact('demo-user'), firstPage);
    expect(again.items.map((item) => item.externalId)).toEqual(first.items.map((item) => item.externalId));
    expect(searches()).toEqual(searched);
  });

  it('remembers that a made-up viewer id is no contact, per viewer value', async () => {
    expect(await adapter.listConversations(contact('made-up-viewer-1'), firstPage)).toEqual({ items: [], hasMore: false });
    expect(await adapter.listConversations(contact('made-up-viewer-1'), firstPage)).toEqual({ items: [], hasMore: false });
    expect(searches()).toHaveLength(1);
    await adapter.listConversations(contact('made-up-viewer-2'), firstPage);
    expect(searches()).toHaveLength(2);
  });

  it('shares one search between concurrent requests of one viewer', async () => {
    await Promise.all(Array.from({ length: 5 }, () => adapter.listConversations(contact('made-up-viewer-3'), firstPage)));
    expect(searches()).toHaveLength(1);
  });
});

describe('chatwoot contact lookups across replicas', () => {
  it('share their answers through the cross-request cache', async () => {
    const shared = createMemoryCache();
    const config = {
      id: 'support',
      kind: 'chatwoot',
      baseUrl: sim.origin,
      timeoutMs: 2000,
      retries: 0,
      maxResponseBytes: 10485760,
      accountId: CHATWOOT_DEMO_ACCOUNT_ID,
      apiAccessToken: CHATWOOT_DEMO_TOKEN,
      contactMatch: 'identifier' as const,
      agentRole: 'agent',
      contactSearchesPerMinute: 60,
    };
    const replicas = [1, 2].map(() => kind.create(config, createSourceServices(config, createLogger('silent'), shared)));
    try {
      await replicas[0]!.listConversations(contact('replica-viewer'), firstPage);
      await replicas[1]!.listConversations(contact('replica-viewer'), firstPage);
      expect(searches()).toHaveLength(1);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });
});

describe('chatwoot contact search limit', () => {
  it('refuses lookups past the per-minute limit with RATE_LIMITED, without calling Chatwoot', async () => {
    const adapter = createAdapter(sim.origin, undefined, { contactSearchesPerMinute: 3 });
    try {
      for (const id of ['rl-1', 'rl-2', 'rl-3']) await adapter.listConversations(contact(id), firstPage);
      const refused = await adapter.listConversations(contact('rl-4'), firstPage).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'RATE_LIMITED', sourceId: 'support' });
      expect((refused as { retryAfter: number }).retryAfter).toBeGreaterThanOrEqual(1);
      expect((refused as { retryAfter: number }).retryAfter).toBeLessThanOrEqual(60);
      expect(searches()).toHaveLength(3);
      // Viewers already known are still served from the cache.
      await adapter.listConversations(contact('rl-1'), firstPage);
      expect(searches()).toHaveLength(3);
    } finally {
      await adapter.close();
    }
  });
});
