/**
 * Demo mode: with no config, the gateway starts the built-in upstream simulators for Dify,
 * Chatwoot and the generic REST API on loopback and points three sources at them, so GraphiQL
 * shows data at once. Never for production: the CLI refuses it when NODE_ENV=production.
 *
 * To show live updates, the Chatwoot simulator's other side answers a message sent through the
 * API a few seconds later, and `connectChatwootWebhook` points the simulator's signed account
 * webhook at the gateway once the gateway knows its own address.
 */
import { fileURLToPath } from 'node:url';
import { CHATWOOT_DEMO_OWNER_EMAIL, startChatwootSimulator, type ChatwootSimulator } from './simulators/chatwoot/server.js';
import { startDifySimulator, type DifySimulator } from './simulators/dify/server.js';
import type { StartedSimulator } from './simulators/http-server.js';
import { startRestSimulator } from './simulators/rest/server.js';
import type { Viewer } from '../core/records.js';

/**
 * The built example inbox (examples/inbox/, built into dist/inbox/), served at `/inbox` in demo
 * mode. `../../dist/inbox` names the same folder from src/demo/demo.ts (tests) and from dist/demo/demo.js.
 */
export const DEMO_INBOX_DIRECTORY = fileURLToPath(new URL('../../dist/inbox', import.meta.url));

/** The seeded user every simulator knows; requests without `x-chat-user` run as this viewer. */
export const DEMO_VIEWER: Viewer = { id: 'demo-user', roles: [], email: 'demo@example.com' };

/**
 * Headers of an agent of the demo Chatwoot account, for GraphiQL's agent inbox: its
 * administrator, whose email is the `support` source's access token owner's (Chatwoot's "me").
 */
export const DEMO_AGENT_HEADERS: Record<string, string> = {
  'x-chat-user': 'priya',
  'x-chat-roles': 'agent',
  'x-chat-email': CHATWOOT_DEMO_OWNER_EMAIL,
};

/**
 * The secret the demo Chatwoot simulator signs its webhooks with (`X-Chatwoot-Signature`); the
 * demo `support` source must verify with the same value. Demo data only, never a real secret.
 */
export const DEMO_CHATWOOT_WEBHOOK_SECRET = 'demo-webhook-secret-not-for-production';

/** Options of `startDemoBackends`. Durations in milliseconds. */
export interface DemoOptions {
  /**
   * Delay of the simulated Chatwoot reply to a message sent through the API; `null` switches the
   * replies off (tests that count messages). @default 3000
   */
  chatwootReplyDelayMs?: number | null;
  /** Pause between two streamed Dify events. @default 40 */
  difyStreamDelayMs?: number;
  /** Fixed ports per simulator (`npm run simulators`). @default free ports */
  ports?: { assistant?: number; support?: number; legacy?: number };
}

/** The demo sources by id, with the simulator kind each one runs. */
export const DEMO_SOURCE_KINDS = { assistant: 'dify', support: 'chatwoot', legacy: 'rest' } as const;

/** The id of a demo source (`assistant`, `support`, `legacy`). */
export type DemoSourceId = keyof typeof DEMO_SOURCE_KINDS;

/** The raw config (`server`, `auth`, `sources`) that points at running simulators. */
export interface DemoConfig {
  server: { host: string; shutdownDelayMs: number };
  auth: { mode: 'header' };
  sources: Array<Record<string, unknown>>;
}

/** Some of the demo simulators (`startDemoSources`), and the raw config that points at them. */
export interface DemoSources {
  config: DemoConfig;
  simulators: { assistant?: DifySimulator; support?: ChatwootSimulator; legacy?: StartedSimulator };
  /**
   * Sends the Chatwoot simulator's webhooks, signed with `DEMO_CHATWOOT_WEBHOOK_SECRET`, to
   * `<gatewayOrigin>/webhooks/support` (e.g. `http://127.0.0.1:4000`); nothing without it.
   */
  connectChatwootWebhook(gatewayOrigin: string): void;
  close(): Promise<void>;
}

/** Running simulators and the raw config (`server`, `auth`, `sources`) that points at them. */
export interface DemoBackends extends DemoSources {
  simulators: { assistant: DifySimulator; support: ChatwootSimulator; legacy: StartedSimulator };
}

/** Starts the three simulators on loopback (free ports unless `options.ports` names them). */
export async function startDemoBackends(options: DemoOptions = {}): Promise<DemoBackends> {
  return (await startDemoSources(Object.keys(DEMO_SOURCE_KINDS) as DemoSourceId[], options)) as DemoBackends;
}

/**
 * Starts the simulators of the given demo sources on loopback, in the order given.
 * @throws the first start-up error (e.g. `EADDRINUSE` for a port in `options.ports`), after
 *   closing the simulators that did start
 */
export async function startDemoSources(ids: readonly DemoSourceId[], options: DemoOptions = {}): Promise<DemoSources> {
  const replyDelayMs = options.chatwootReplyDelayMs === undefined ? 3_000 : options.chatwootReplyDelayMs;
  const starters: Record<DemoSourceId, () => Promise<StartedSimulator>> = {
    // Demo mode plays a Dify deployment that filters its list by `pinned` (stock Dify's Service API
    // does not: README "Filtering conversations"), so the filter can be tried.
    assistant: () => startDifySimulator({ streamDelayMs: options.difyStreamDelayMs ?? 40, port: options.ports?.assistant, pinnedFilter: true }),
    support: () =>
      startChatwootSimulator({
        autoReply: replyDelayMs === null ? undefined : { delayMs: replyDelayMs },
        port: options.ports?.support,
      }),
    legacy: () => startRestSimulator({ port: options.ports?.legacy }),
  };
  const started = await Promise.allSettled(ids.map((id) => starters[id]()));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
    throw failed.reason;
  }
  const simulators = Object.fromEntries(
    ids.map((id, index) => [id, (started[index] as PromiseFulfilledResult<StartedSimulator>).value]),
  ) as DemoSources['simulators'];
  const support = simulators.support as ChatwootSimulator | undefined;
  return {
    config: {
      // Nothing routes traffic to a demo: Ctrl-C stops it at once.
      server: { host: '127.0.0.1', shutdownDelayMs: 0 },
      auth: { mode: 'header' },
      // The support source verifies the webhooks `connectChatwootWebhook` sends it.
      sources: Object.entries(simulators).map(([id, simulator]) => ({
        id,
        ...simulator.sourceConfig,
        ...(id === 'support' ? { webhookSecret: DEMO_CHATWOOT_WEBHOOK_SECRET } : {}),
        ...(id === 'assistant' ? { honoursPinnedFilter: true } : {}),
      })),
    },
    simulators,
    connectChatwootWebhook(gatewayOrigin) {
      support?.setWebhook({ url: `${gatewayOrigin.replace(/\/$/, '')}/webhooks/support`, secret: DEMO_CHATWOOT_WEBHOOK_SECRET });
    },
    close: async () => {
      await Promise.all(Object.values(simulators).map((simulator) => simulator.close()));
    },
  };
}
