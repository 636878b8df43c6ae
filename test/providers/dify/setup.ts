/**
 * Shared set-up of the Dify adapter tests: a simulator on a free port and an adapter created
 * through the provider kind, exactly as the gateway creates it.
 */
import dify from '../../../src/providers/dify/index.js';
import { testServices } from '../../helpers/services.js';
import type { MessageSlice, Viewer } from '../../../src/core/records.js';
import type { ProviderAdapter } from '../../../src/providers/contract.js';
import { createDifyFixtures } from '../../../src/demo/simulators/dify/fixtures.js';
import { startDifySimulator, type DifySimulator } from '../../../src/demo/simulators/dify/server.js';

export const demoViewer: Viewer = { id: 'demo-user', roles: [] };

export interface DifyHarness {
  simulator: DifySimulator;
  adapter: ProviderAdapter;
  /** Upstream calls to `path` (e.g. `/v1/messages`) since the log was last cleared. */
  calls(path: string): URLSearchParams[];
  close(): Promise<void>;
}

/** Starts a simulator and an adapter pointing at it (`apiKey` overrides the demo key). */
export async function startHarness(apiKey?: string): Promise<DifyHarness> {
  const simulator = await startDifySimulator();
  const config = {
    id: 'assistant',
    kind: 'dify',
    baseUrl: `${simulator.origin}/v1`,
    timeoutMs: 2000,
    retries: 0,
    maxResponseBytes: 10485760,
    apiKey: apiKey ?? String(simulator.sourceConfig.apiKey),
    userFrom: 'id' as const,
    adminRole: 'admin',
    appCacheTtlMs: 60_000,
  };
  const adapter = dify.create(config, testServices(config));
  return {
    simulator,
    adapter,
    calls: (path) => simulator.requests.filter((request) => request.path === path).map((request) => request.query),
    close: async () => {
      await adapter.close();
      await simulator.close();
    },
  };
}

/** Every message key of a seeded conversation, oldest first, as the graph must show them. */
export function seededKeys(conversationId: string): string[] {
  const conversation = createDifyFixtures().find((item) => item.id === conversationId);
  if (!conversation) throw new Error(`no seeded conversation ${conversationId}`);
  return conversation.exchanges.flatMap((exchange) => [`${exchange.id}:u`, `${exchange.id}:a`]);
}

/**
 * Reads a whole conversation page by page, each page's edge key as the next cursor, and
 * returns the pages in reading order.
 */
export async function readAllPages(
  adapter: ProviderAdapter,
  conversationId: string,
  direction: 'forward' | 'backward',
  limit: number,
): Promise<MessageSlice[]> {
  const pages: MessageSlice[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard += 1) {
    const page: MessageSlice = await adapter.listMessages(demoViewer, conversationId, { direction, cursor, limit });
    pages.push(page);
    const edge = direction === 'backward' ? page.messages[0] : page.messages[page.messages.length - 1];
    if (!page.hasMore || !edge) return pages;
    cursor = edge.key;
  }
  throw new Error('paging did not end');
}
