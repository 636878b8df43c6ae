/**
 * What an operator's log collector receives from the gateway process under NODE_ENV=production:
 * every line on stdout and stderr is one JSON object with one key per field, through start-up
 * (tracing on, with an unreachable collector), the README's writes (a DateTime literal, which
 * graphql-jit would otherwise complain about on stderr) and a circuit opening on a dead
 * upstream. The process is the built CLI with a config file; the upstreams are the simulators.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { startDemoBackends, type DemoBackends } from '../../src/demo/demo.js';
import { spawnGateway, writeTempFile, type GatewayProcess } from './cli-process.js';
import { closedPort } from '../helpers/ports.js';

let backends: DemoBackends;
let gateway: GatewayProcess;
let collectorUrl: string;

/**
 * Parses one log line as JSON, refusing a key that appears twice in one object (JSON.parse
 * keeps the last one silently; the YAML parser, JSON being YAML, refuses duplicates).
 */
function strictJson(line: string): Record<string, unknown> {
  const value = JSON.parse(line) as Record<string, unknown>;
  const document = parseDocument(line, { uniqueKeys: true });
  if (document.errors.length > 0) throw new Error(`${document.errors[0]!.message.split('\n')[0]} in: ${line}`);
  return value;
}

beforeAll(async () => {
  backends = await startDemoBackends({ chatwootReplyDelayMs: null });
  const deadPort = await closedPort();
  collectorUrl = `http://127.0.0.1:${await closedPort()}`;
  const sources = Object.entries(backends.simulators).map(([id, simulator]) => ({ id, ...simulator.sourceConfig }));
  sources.push({
    id: 'gone',
    kind: 'rest',
    baseUrl: `http://127.0.0.1:${deadPort}/v1`,
    token: 'rest-token-for-a-dead-upstream',
    conversationsPath: '/chat/conversations',
    retries: 0,
    circuitBreaker: { minimumRequests: 1, errorThresholdPercent: 1, coolDownMs: 60_000 },
  } as never);
  const config = {
    server: { host: '127.0.0.1', port: 0, cursorSecret: 'a-cursor-secret-for-the-log-test' },
    auth: { mode: 'header' },
    telemetry: { otlp: { endpoint: collectorUrl } },
    sources,
  };
  const file = writeTempFile('gateway.json', JSON.stringify(config));
  gateway = await spawnGateway(['--config', file], { env: { NODE_ENV: 'production', OTEL_BSP_SCHEDULE_DELAY: '200' } });
}, 60_000);

afterAll(async () => {
  gateway?.child.kill('SIGTERM');
  await gateway?.exited;
  await backends?.close();
});

async function graphql(query: string, variables: Record<string, unknown> = {}, roles = ''): Promise<any> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chat-user': 'demo-user', ...(roles ? { 'x-chat-roles': roles } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

it('writes nothing but JSON objects with one key per field, and says what tracing does', { timeout: 60_000 }, async () => {
  // The README's snooze example: a DateTime literal in a mutation.
  const listed = await graphql('{ conversations(first: 1, sourceIds: ["support"]) { edges { node { id } } } }');
  const id = listed.data.conversations.edges[0].node.id as string;
  const snoozed = await graphql(
    'mutation ($id: ID!) { setConversationStatus(input: { conversationId: $id, status: SNOOZED, snoozedUntil: "2026-12-24T09:00:00Z" }) { conversation { status } } }',
    { id },
    'agent',
  );
  expect(snoozed.errors).toBeUndefined();
  expect(snoozed.data.setConversationStatus.conversation.status).toBe('SNOOZED');
  // The dead upstream fails, and its circuit opens.
  await expect
    .poll(async () => {
      await graphql('{ conversations(first: 1, sourceIds: ["gone"]) { edges { node { id } } } }');
      return gateway.output();
    }, { timeout: 10_000 })
    .toContain('circuit opened');
  const soFar = gateway.output().split('\n').filter((line) => line !== '');
  for (const line of soFar) strictJson(line);
  // Spans go to the collector that is not there, in batches every 200 ms.
  for (let index = 0; index < 3; index++) await graphql('{ viewer { id } }');
  await expect.poll(() => gateway.output(), { timeout: 10_000 }).toContain('trace collector unreachable');
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  const lines = gateway.output().split('\n').filter((line) => line !== '');
  const records = lines.map(strictJson);
  const circuit = records.find((record) => record.msg === 'circuit opened: failing fast');
  expect(circuit).toMatchObject({ sourceId: 'gone' });
  const started = records.find((record) => typeof record.msg === 'string' && record.msg.startsWith('tracing on'));
  expect(started).toMatchObject({ level: 30, endpoint: `${collectorUrl}/v1/traces` });
  const unreachable = records.filter((record) => record.msg === 'trace collector unreachable: spans are dropped until it answers');
  expect(unreachable).toHaveLength(1);
  expect(unreachable[0]).toMatchObject({ level: 40, endpoint: `${collectorUrl}/v1/traces` });
});
