/**
 * A gateway on the real simulators whose log lines are kept, for the write tests (audit lines).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { createViewerResolver } from '../../src/auth/viewer.js';
import { validateConfig } from '../../src/gateway/load-config.js';
import { startDemoBackends, type DemoBackends } from '../../src/demo/demo.js';
import { createGateway, type Gateway } from '../../src/gateway/gateway.js';
import { globalIdOf } from '../../src/core/global-id.js';
import { createGatewayYoga, type GatewayYoga } from '../../src/yoga/yoga.js';

export interface WritesGateway {
  yoga: GatewayYoga;
  gateway: Gateway;
  backends: DemoBackends;
  /** Every log line written so far, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Raw log text, for secret greps. */
  logText(): string;
  /** POSTs an operation as `viewer` (id, roles, email). */
  run(query: string, variables?: Record<string, unknown>, viewer?: { id: string; roles?: string[]; email?: string }): Promise<any>;
  close(): Promise<void>;
}

export const DEMO = { id: 'demo-user' };
export const AGENT = { id: 'priya', roles: ['agent'] };
export const ADMIN = { id: 'ops', roles: ['admin'] };

export const conversationId = (sourceId: string, externalId: string) =>
  globalIdOf({ type: 'Conversation', sourceId, conversationId: externalId });

export async function startWritesGateway(configure?: (config: any) => void): Promise<WritesGateway> {
  const backends = await startDemoBackends({ chatwootReplyDelayMs: null });
  const raw = structuredClone(backends.config) as any;
  configure?.(raw);
  const config = await validateConfig(raw);
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const gateway = await createGateway(config, logger);
  const yoga = createGatewayYoga(gateway, { resolveViewer: createViewerResolver({ auth: config.auth }) });
  return {
    yoga,
    gateway,
    backends,
    get logs() {
      return chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    logText: () => chunks.join(''),
    async run(query, variables = {}, viewer = DEMO) {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-chat-user': viewer.id };
      if (viewer.roles?.length) headers['x-chat-roles'] = viewer.roles.join(',');
      if (viewer.email) headers['x-chat-email'] = viewer.email;
      const response = await yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async close() {
      await gateway.close();
      await backends.close();
    },
  };
}
