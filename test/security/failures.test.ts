/**
 * Failures that say what they are: a Dify 403 (the app refusing the gateway itself) is coded
 * UPSTREAM_ERROR and logged at warn with Dify's code; an adapter's own bug (a thrown TypeError)
 * is logged with its stack and still masked to the client.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createViewerResolver } from '../../src/auth/viewer.js';
import { validateConfig } from '../../src/gateway/load-config.js';
import { startDemoBackends, type DemoBackends } from '../../src/demo/demo.js';
import { createGateway, type Gateway } from '../../src/gateway/gateway.js';
import { createLogger } from '../../src/core/logger.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { createGatewayYoga, type GatewayYoga } from '../../src/yoga/yoga.js';
import { as, post } from './helpers.js';

let backends: DemoBackends;
let proxy: FaultProxy;
let gateway: Gateway;
let yoga: GatewayYoga;
const lines: Array<Record<string, any>> = [];

beforeAll(async () => {
  backends = await startDemoBackends();
  proxy = await startFaultProxy(backends.simulators.assistant.origin);
  const raw = structuredClone(backends.config) as Record<string, any>;
  raw.sources[0].baseUrl = `${proxy.origin}/v1`;
  const config = await validateConfig(raw);
  gateway = await createGateway(config, createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }));
  yoga = createGatewayYoga(gateway, { resolveViewer: createViewerResolver({ auth: config.auth }) });
});
afterAll(async () => {
  await gateway.close();
  await proxy.close();
  await backends.close();
});
beforeEach(() => {
  lines.length = 0;
  proxy.setFault(null);
});

const WARN = 40;
const ERROR = 50;

describe('Dify 403', () => {
  it('is UPSTREAM_ERROR for the client and a warn line with the upstream code for operators', async () => {
    proxy.setFault({ kind: 'status', status: 403, body: { code: 'app_unavailable', message: 'App unavailable, please check your app configurations.', status: 403 } });
    const response = await post(yoga, `{ source(name: "assistant") { conversations(first: 2) { edges { node { id } } } } }`, {}, as('demo-user'));
    expect(response.body.data.source.conversations).toBeNull();
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors[0]).toMatchObject({
      message: 'source "assistant" refused the gateway\'s access (HTTP 403 app_unavailable)',
      path: ['source', 'conversations'],
      extensions: { code: 'UPSTREAM_ERROR', sourceId: 'assistant' },
    });
    expect(JSON.stringify(response.body)).not.toContain('please check');
    const logged = lines.filter((line) => line.status === 403);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: WARN, sourceId: 'assistant', code: 'UPSTREAM_ERROR', upstreamCode: 'app_unavailable' });
  });

  it('keeps a foreign or missing conversation (404) NOT_FOUND and unlogged', async () => {
    const absent = 'Q29udmVyc2F0aW9uOlsiYXNzaXN0YW50IiwiMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAwIl0';
    const response = await post(yoga, `query ($id: ID!) { conversation(id: $id) { id } }`, { id: absent }, as('demo-user'));
    expect(response.body.errors.map((error: any) => error.extensions.code)).toEqual(['NOT_FOUND']);
    // The source's own logger (whose lines carry `sourceId`) stays quiet about a viewer's miss.
    expect(lines.filter((line) => line.sourceId === 'assistant' && line.level >= WARN)).toEqual([]);
  });
});

describe('an adapter bug', () => {
  function breakAdapter(sourceId: string, method: 'listConversations' | 'getConversations'): () => void {
    const adapter = gateway.sources.get(sourceId)!.adapter as unknown as Record<string, unknown>;
    const original = adapter[method];
    adapter[method] = async () => {
      const record = undefined as unknown as { title: string };
      return record.title; // TypeError: Cannot read properties of undefined
    };
    return () => {
      adapter[method] = original;
    };
  }

  it('in the merged list: logged with its stack, the client sees only that the source failed', async () => {
    const restore = breakAdapter('legacy', 'listConversations');
    try {
      const response = await post(yoga, `{ conversations(first: 5) { edges { node { id source { name } } } } }`, {}, as('demo-user'));
      expect(response.body.data.conversations.edges.length).toBeGreaterThan(0);
      expect(response.body.errors).toEqual([
        expect.objectContaining({ message: 'source "legacy" failed', extensions: { code: 'UPSTREAM_ERROR', sourceId: 'legacy' } }),
      ]);
      expect(JSON.stringify(response.body)).not.toMatch(/TypeError|Cannot read/);
      const logged = lines.filter((line) => line.msg === 'unexpected error listing conversations');
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ level: ERROR, sourceId: 'legacy', err: { type: 'TypeError' } });
      expect(logged[0]!.err.stack).toMatch(/^TypeError: Cannot read properties of undefined[\s\S]*failures\.test\.ts/);
    } finally {
      restore();
    }
  });

  it('anywhere else: masked as an internal error, logged with its stack and path', async () => {
    const restore = breakAdapter('support', 'getConversations');
    try {
      const list = await post(yoga, `{ source(name: "support") { conversations(first: 1) { edges { node { id } } } } }`, {}, as('demo-user', ['agent']));
      const id = list.body.data.source.conversations.edges[0].node.id;
      lines.length = 0;
      const response = await post(yoga, `query ($id: ID!) { node(id: $id) { id } }`, { id }, as('demo-user', ['agent']));
      expect(response.body.data.node).toBeNull();
      expect(response.body.errors).toEqual([expect.objectContaining({ message: 'Unexpected error.', path: ['node'] })]);
      // Yoga logs what it masks (src/observability/yoga-logger.ts keeps the gateway's own faults at error).
      const logged = lines.filter((line) => line.level === ERROR);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ err: { path: ['node'], message: expect.stringMatching(/^Cannot read properties of undefined/) } });
      expect(logged[0]!.err.stack).toMatch(/^TypeError: Cannot read properties of undefined[\s\S]*failures\.test\.ts/);
    } finally {
      restore();
    }
  });
});
