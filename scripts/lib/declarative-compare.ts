/**
 * The `http` kind against the hand-written `rest` kind on the same reads of the demo REST
 * simulator (in a child process, behind a counting proxy, so its CPU is not measured): the
 * built-in kind with `access: shared`, and the shipped `presets/rest-chat-history.yaml`. Each
 * runs the same read sequence (the newest page, a full backward scroll of `last: 20` pages, a
 * full forward scroll of `first: 20` pages, five messages by key, three conversations by id,
 * two listing pages) `rounds` times; printed per kind: upstream calls per sequence and CPU
 * time per read (`process.cpuUsage`, this process only). The http kind must make no more calls
 * and spend at most 1.2× the CPU.
 */
import { fileURLToPath } from 'node:url';
import { createMemoryCache } from '../../src/core/cache.js';
import { createLogger } from '../../src/core/logger.js';
import type { MessageSlice, Viewer } from '../../src/core/records.js';
import { REST_DEMO_CONVERSATION_ID } from '../../src/demo/simulators/rest/server.js';
import { createSourceServices } from '../../src/gateway/source-services.js';
import { validateConfig } from '../../src/gateway/load-config.js';
import type { ProviderAdapter } from '../../src/providers/contract.js';
import { loadProviderKinds } from '../../src/providers/registry.js';
import { presetConfig } from '../../test/helpers/presets.js';
import { ask, forkWithReady, stopChild } from './peer-processes.js';
import type { UpstreamReady } from './upstream-process.js';

const viewer: Viewer = { id: 'demo-user', roles: [] };

/** One kind's figures. */
export interface KindFigures {
  name: string;
  callsPerSequence: number;
  cpuMsPerRead: number;
}

/** Runs the read sequence once; returns how many adapter reads it made. */
async function sequence(adapter: ProviderAdapter): Promise<number> {
  let reads = 0;
  const read = async <T>(promise: Promise<T>) => {
    reads += 1;
    return promise;
  };
  const newest = await read(adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, { direction: 'backward', cursor: null, limit: 20 }));
  let cursor: string | null = newest.messages[0]?.key ?? null;
  for (let more = newest.hasMore; more && cursor; ) {
    const page: MessageSlice = await read(adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, { direction: 'backward', cursor, limit: 20 }));
    more = page.hasMore;
    cursor = page.messages[0]?.key ?? null;
  }
  const keys: string[] = [];
  cursor = null;
  for (let more = true; more; ) {
    const page: MessageSlice = await read(adapter.listMessages(viewer, REST_DEMO_CONVERSATION_ID, { direction: 'forward', cursor, limit: 20 }));
    keys.push(...page.messages.map((message) => message.key));
    more = page.hasMore;
    cursor = page.messages.at(-1)?.key ?? null;
  }
  const step = Math.max(1, Math.floor(keys.length / 5));
  await read(adapter.getMessages(viewer, keys.filter((_, index) => index % step === 0).slice(0, 5).map((key) => ({ conversationExternalId: REST_DEMO_CONVERSATION_ID, key }))));
  await read(adapter.getConversations(viewer, [REST_DEMO_CONVERSATION_ID, 'con_4hx7q2p', 'con_missing']));
  const first = await read(adapter.listConversations(viewer, { after: null, limit: 2 }));
  if (first.hasMore) await read(adapter.listConversations(viewer, { after: first.items.at(-1)!.cursorKey, limit: 2 }));
  return reads;
}

/**
 * Measures both kinds.
 * @param rounds how many times each runs the sequence for the CPU figure
 */
export async function compareDeclarative(rounds = 40): Promise<KindFigures[]> {
  const { child, ready } = await forkWithReady<UpstreamReady>(fileURLToPath(new URL('upstream-process.ts', import.meta.url)));
  try {
    const legacy = ready.config.sources.find((source) => source.kind === 'rest')!;
    const count = async () => (await ask<Record<string, number>>(child, 'count'))[String(legacy.id)] ?? 0;
    const logger = createLogger('silent');
    const kinds = await loadProviderKinds();
    const restConfig = (
      await validateConfig({ auth: { mode: 'header', header: { trustedProxies: ['10.0.0.0/8'] } }, sources: [{ ...legacy, id: 'legacy', access: 'shared', conversationsPath: '/chat/conversations' }] })
    ).sources[0]!;
    const httpConfig = await presetConfig('rest-chat-history.yaml', { HISTORY_BASE_URL: String(legacy.baseUrl), HISTORY_API_TOKEN: String(legacy.token) }, (source) => {
      source.id = 'legacy';
    });
    const figures: KindFigures[] = [];
    for (const [name, config] of [
      ['rest kind (hand-written)', restConfig],
      ['http kind + rest-chat-history preset', httpConfig],
    ] as const) {
      const kind = kinds.get(config.kind)!;
      const adapter = kind.create(config as never, createSourceServices(config, logger, createMemoryCache()));
      await sequence(adapter); // warm-up: JIT, connection pool
      await count();
      await sequence(adapter);
      const callsPerSequence = await count();
      let reads = 0;
      const started = process.cpuUsage();
      for (let round = 0; round < rounds; round += 1) reads += await sequence(adapter);
      const used = process.cpuUsage(started);
      await count();
      figures.push({ name, callsPerSequence, cpuMsPerRead: (used.user + used.system) / 1000 / reads });
      await adapter.close();
    }
    return figures;
  } finally {
    await stopChild(child);
  }
}

/** Lines for the bench output. */
export function describeComparison(figures: KindFigures[]): string[] {
  const [rest, http] = figures;
  const lines = figures.map((figure) => `  ${figure.name.padEnd(38)} ${String(figure.callsPerSequence).padStart(4)} upstream calls per sequence, ${figure.cpuMsPerRead.toFixed(3)} ms CPU per read`);
  if (rest && http) {
    lines.push(`  http/rest: calls ${http.callsPerSequence}/${rest.callsPerSequence}, CPU ×${(http.cpuMsPerRead / rest.cpuMsPerRead).toFixed(2)} (target: calls ≤, CPU ≤ ×1.2)`);
  }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await compareDeclarative(Number(process.env.BENCH_ROUNDS ?? 40));
  console.log('declarative source vs the rest kind, same reads of the demo REST simulator:');
  for (const line of describeComparison(figures)) console.log(line);
}
