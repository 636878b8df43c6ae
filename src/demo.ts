/**
 * Demo mode: with no config, the gateway starts the built-in upstream simulators for Dify,
 * Chatwoot and the generic REST API on loopback and points three sources at them, so GraphiQL
 * shows data at once. Never for production: the CLI refuses it when NODE_ENV=production.
 */
import { startChatwootSimulator } from './simulators/chatwoot/server.js';
import { startDifySimulator } from './simulators/dify/server.js';
import type { StartedSimulator } from './simulators/http-server.js';
import { startRestSimulator } from './simulators/rest/server.js';
import type { Viewer } from './providers/types.js';

/** The seeded user every simulator knows; requests without `x-chat-user` run as this viewer. */
export const DEMO_VIEWER: Viewer = { id: 'demo-user', roles: [], email: 'demo@example.com' };

/** Running simulators and the raw config (`server`, `auth`, `sources`) that points at them. */
export interface DemoBackends {
  config: { server: { host: string; shutdownDelayMs: number }; auth: { mode: 'header' }; sources: Array<Record<string, unknown>> };
  simulators: Record<'assistant' | 'support' | 'legacy', StartedSimulator>;
  close(): Promise<void>;
}

/** Starts the three simulators on free loopback ports. */
export async function startDemoBackends(): Promise<DemoBackends> {
  const [assistant, support, legacy] = await Promise.all([
    startDifySimulator(),
    startChatwootSimulator(),
    startRestSimulator(),
  ]);
  const simulators = { assistant, support, legacy };
  return {
    config: {
      // Nothing routes traffic to a demo: Ctrl-C stops it at once.
      server: { host: '127.0.0.1', shutdownDelayMs: 0 },
      auth: { mode: 'header' },
      sources: Object.entries(simulators).map(([id, simulator]) => ({ id, ...simulator.sourceConfig })),
    },
    simulators,
    close: async () => {
      await Promise.all(Object.values(simulators).map((simulator) => simulator.close()));
    },
  };
}
