/** Shared set-up of the chatwoot adapter tests: a real simulator and adapters pointed at it. */
import { testServices } from '../../helpers/services.js';
import kind from '../../../src/providers/chatwoot/index.js';
import type { ProviderAdapter } from '../../../src/providers/contract.js';
import type { Viewer } from '../../../src/core/records.js';
import { CHATWOOT_DEMO_ACCOUNT_ID, CHATWOOT_DEMO_TOKEN, type ChatwootSimulator } from '../../../src/demo/simulators/chatwoot/server.js';

/** Creates an adapter through the provider kind, as the gateway does. */
export function createAdapter(
  baseUrl: string,
  apiAccessToken: string = CHATWOOT_DEMO_TOKEN,
  extra: { contactSearchesPerMinute?: number } = {},
): ProviderAdapter {
  const config = {
    id: 'support',
    kind: 'chatwoot',
    baseUrl,
    timeoutMs: 2000,
    retries: 0,
    maxResponseBytes: 10485760,
    accountId: CHATWOOT_DEMO_ACCOUNT_ID,
    apiAccessToken,
    contactMatch: 'identifier' as const,
    agentRole: 'agent',
    contactSearchesPerMinute: 60,
    ...extra,
  };
  return kind.create(config, testServices(config));
}

/** A fresh viewer object per call, as each GraphQL request builds its own. */
export const agent = (): Viewer => ({ id: 'priya', roles: ['agent'] });
export const contact = (id = 'demo-user'): Viewer => ({ id, roles: [] });

/** The simulator's message ids of a conversation, oldest first, as keys. */
export function expectedKeys(sim: ChatwootSimulator, conversationId: number, withPrivate: boolean): string[] {
  return sim.data.messages
    .filter((message) => message.conversationId === conversationId && (withPrivate || !message.private))
    .map((message) => String(message.id));
}

/** Requests the simulator saw on `path` suffix, as `key=value&…` strings. */
export function calls(sim: ChatwootSimulator, suffix: string): string[] {
  return sim.requests.filter((request) => request.path.endsWith(suffix)).map((request) => request.query.toString());
}

/** Scrolls backward page by page from the newest, using the oldest key as the next cursor. */
export async function scrollBackward(
  adapter: ProviderAdapter,
  viewer: () => Viewer,
  conversationId: string,
  limit: number,
): Promise<{ keys: string[]; pageSizes: number[] }> {
  let cursor: string | null = null;
  const pages: string[][] = [];
  for (let guard = 0; guard < 200; guard += 1) {
    const slice = await adapter.listMessages(viewer(), conversationId, { direction: 'backward', cursor, limit });
    pages.unshift(slice.messages.map((message) => message.key));
    if (!slice.hasMore) break;
    cursor = slice.messages[0]?.key ?? null;
  }
  return { keys: pages.flat(), pageSizes: pages.map((page) => page.length).reverse() };
}
