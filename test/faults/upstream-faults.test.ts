/**
 * Fault injection: the Dify source sits behind a fault proxy while Chatwoot and REST answer
 * normally. For each fault: what the merged list answers, the error code, how many attempts
 * reached the proxy, and that the gateway still serves `/health` and recovers once the
 * upstream does. The circuit breaker is held closed here (threshold 100 %); see breaker.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../helpers/fault-proxy.js';
import { errorOf, startFaultHarness, trackUnhandledRejections, type FaultHarness } from './harness.js';

const MERGED = `{ conversations(first: 50) { edges { node { id source { name } } } } }`;
const MiB = 1024 * 1024;

let harness: FaultHarness;
const rejections = trackUnhandledRejections();

beforeAll(async () => {
  harness = await startFaultHarness({
    proxied: ['assistant'],
    sourceConfig: {
      timeoutMs: 2_000,
      headersTimeoutMs: 1_200,
      bodyTimeoutMs: 1_000,
      retries: 2,
      retryBackoffMs: 5,
      retryMaxWaitMs: 300,
      maxResponseBytes: MiB,
      circuitBreaker: { errorThresholdPercent: 100 },
    },
  });
});
afterAll(async () => {
  await harness.close();
  rejections.check();
});
beforeEach(() => harness.reset());

function sourcesOf(data: any): Set<string> {
  return new Set((data?.conversations?.edges ?? []).map((edge: any) => edge.node.source.name));
}

/** Runs the merged list under `fault`, checks the partial answer, and returns Dify's error and attempt count. */
async function mergedUnder(fault: Fault) {
  harness.proxy('assistant').setFault(fault);
  const response = await harness.query(MERGED);
  expect(response.status).toBe(200);
  // The healthy sources still answer; only the failed one is missing.
  expect(sourcesOf(response.data)).toEqual(new Set(['support', 'legacy']));
  const error = errorOf(response, 'assistant');
  expect(error.path).toEqual(['conversations']);
  expect(error.message).toContain('"assistant"');
  return { error, attempts: harness.proxy('assistant').requests.length };
}

/** After a fault: liveness holds and the next answer is whole again. */
async function expectRecovered() {
  expect((await harness.get('/health')).status).toBe(200);
  harness.proxy('assistant').setFault(null);
  const response = await harness.query(MERGED);
  expect(response.errors).toBeUndefined();
  expect(sourcesOf(response.data)).toEqual(new Set(['assistant', 'support', 'legacy']));
}

describe('upstream failures, one source at a time', () => {
  const cases: Array<{ name: string; fault: Fault; code: string; attempts: number; message?: RegExp }> = [
    { name: 'HTTP 500 (not retried)', fault: { kind: 'status', status: 500 }, code: 'UPSTREAM_UNAVAILABLE', attempts: 1 },
    {
      name: "HTTP 401 for the gateway's own key",
      fault: { kind: 'status', status: 401, body: { code: 'unauthorized', message: 'Access token is invalid', status: 401 } },
      code: 'UPSTREAM_ERROR',
      attempts: 1,
      message: /source "assistant" rejected the gateway's credentials/,
    },
    { name: 'HTTP 502', fault: { kind: 'status', status: 502 }, code: 'UPSTREAM_UNAVAILABLE', attempts: 3 },
    { name: 'HTTP 503', fault: { kind: 'status', status: 503 }, code: 'UPSTREAM_UNAVAILABLE', attempts: 3 },
    { name: 'HTML 502 page', fault: { kind: 'html', status: 502 }, code: 'UPSTREAM_UNAVAILABLE', attempts: 3 },
    { name: 'connection reset', fault: { kind: 'reset' }, code: 'UPSTREAM_UNAVAILABLE', attempts: 3, message: /network error/ },
    {
      name: 'a body trickling past bodyTimeoutMs',
      fault: { kind: 'trickle', intervalMs: 50 },
      code: 'UPSTREAM_UNAVAILABLE',
      attempts: 1,
      message: /time-out reading the response body/,
    },
    { name: 'truncated JSON', fault: { kind: 'truncate' }, code: 'UPSTREAM_ERROR', attempts: 1, message: /not JSON/ },
    { name: 'HTML instead of JSON', fault: { kind: 'html' }, code: 'UPSTREAM_ERROR', attempts: 1, message: /not JSON/ },
    {
      name: 'a timestamp turned into a string',
      fault: { kind: 'wrong-type', field: 'updated_at', value: 'yesterday' },
      code: 'UPSTREAM_ERROR',
      attempts: 1,
      message: /unexpected payload \(data\.0\.updated_at/,
    },
    {
      name: 'an id turned into a number',
      fault: { kind: 'wrong-type', field: 'id', value: 42 },
      code: 'UPSTREAM_ERROR',
      attempts: 1,
      message: /unexpected payload/,
    },
    {
      name: 'the paging flag turned into a string',
      fault: { kind: 'wrong-type', field: 'has_more', value: 'yes' },
      code: 'UPSTREAM_ERROR',
      attempts: 1,
      message: /has_more/,
    },
    {
      name: 'a 50 MB body with Content-Length',
      fault: { kind: 'oversize', bytes: 50 * MiB, declareLength: true },
      code: 'UPSTREAM_ERROR',
      attempts: 1,
      message: /over 1048576 bytes/,
    },
  ];

  it.each(cases)('$name → $code after $attempts attempt(s)', async ({ fault, code, attempts, message }) => {
    const { error, attempts: seen } = await mergedUnder(fault);
    expect(error.extensions?.code).toBe(code);
    expect(error.message).not.toMatch(/app-|Bearer/);
    if (message) expect(error.message).toMatch(message);
    expect(seen).toBe(attempts);
    await expectRecovered();
  });

  it('a hung upstream fails at headersTimeoutMs, without retrying the wait', async () => {
    const { error, attempts } = await mergedUnder({ kind: 'hang' });
    expect(error.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/time-out waiting for response headers/);
    expect(attempts).toBe(1);
    await expectRecovered();
  });

  it('a 50 MB streamed body is cut off at maxResponseBytes, never buffered whole', async () => {
    const proxy = harness.proxy('assistant');
    proxy.oversizeBytesSent = 0;
    const { error, attempts } = await mergedUnder({ kind: 'oversize', bytes: 50 * MiB });
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toMatch(/over 1048576 bytes/);
    expect(attempts).toBe(1);
    // The proxy only writes what the socket takes: the gateway stopped reading near 1 MiB.
    expect(proxy.oversizeBytesSent).toBeGreaterThan(MiB);
    expect(proxy.oversizeBytesSent).toBeLessThan(25 * MiB);
    await expectRecovered();
  });
});

describe('retries of idempotent reads', () => {
  it('a 503 twice, then an answer: whole result after 3 attempts', async () => {
    harness.proxy('assistant').setFault({ kind: 'status', status: 503 }, { times: 2 });
    const response = await harness.query(MERGED);
    expect(response.errors).toBeUndefined();
    expect(sourcesOf(response.data)).toEqual(new Set(['assistant', 'support', 'legacy']));
    expect(harness.proxy('assistant').requests.map((request) => request.fault)).toEqual(['status', 'status', 'pass']);
  });

  it('a reset once, then an answer', async () => {
    harness.proxy('assistant').setFault({ kind: 'reset' }, { times: 1 });
    const response = await harness.query(MERGED);
    expect(response.errors).toBeUndefined();
    expect(harness.proxy('assistant').requests).toHaveLength(2);
  });

  it('429 with Retry-After: 0 is retried, and RATE_LIMITED once retries run out', async () => {
    harness.proxy('assistant').setFault({ kind: 'rate-limit', retryAfter: '0' }, { times: 1 });
    expect((await harness.query(MERGED)).errors).toBeUndefined();
    expect(harness.proxy('assistant').requests).toHaveLength(2);

    harness.reset();
    const { error, attempts } = await mergedUnder({ kind: 'rate-limit', retryAfter: '0' });
    expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', sourceId: 'assistant', retryAfter: 0 });
    expect(attempts).toBe(3);
    await expectRecovered();
  });

  it('Retry-After in seconds beyond retryMaxWaitMs is answered at once, not waited for', async () => {
    const { error, attempts } = await mergedUnder({ kind: 'rate-limit', retryAfter: '5' });
    expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', sourceId: 'assistant', retryAfter: 5 });
    expect(attempts).toBe(1);
    await expectRecovered();
  });

  it('Retry-After as an HTTP date: far off → RATE_LIMITED with the seconds left; past → retried', async () => {
    const later = new Date(Date.now() + 30_000).toUTCString();
    const { error, attempts } = await mergedUnder({ kind: 'rate-limit', retryAfter: later });
    expect(error.extensions?.code).toBe('RATE_LIMITED');
    expect(error.extensions?.retryAfter).toBeGreaterThanOrEqual(28);
    expect(error.extensions?.retryAfter).toBeLessThanOrEqual(31);
    expect(attempts).toBe(1);

    harness.reset();
    const earlier = new Date(Date.now() - 5_000).toUTCString();
    harness.proxy('assistant').setFault({ kind: 'rate-limit', retryAfter: earlier }, { times: 1 });
    expect((await harness.query(MERGED)).errors).toBeUndefined();
    expect(harness.proxy('assistant').requests).toHaveLength(2);
  });

  it('latency under the time-outs only slows the answer', async () => {
    harness.proxy('assistant').setFault({ kind: 'latency', ms: 40 });
    const response = await harness.query(MERGED);
    expect(response.errors).toBeUndefined();
    expect(sourcesOf(response.data).has('assistant')).toBe(true);
    expect(harness.proxy('assistant').requests).toHaveLength(1);
  });
});

describe('partial results', () => {
  async function idsBySource(): Promise<Record<string, string[]>> {
    const response = await harness.query(MERGED);
    expect(response.errors).toBeUndefined();
    const ids: Record<string, string[]> = {};
    for (const edge of response.data.conversations.edges) (ids[edge.node.source.name] ??= []).push(edge.node.id);
    harness.reset();
    return ids;
  }

  it('nodes(ids): the failed source nulls its own slots only', async () => {
    const ids = await idsBySource();
    const wanted = [ids.assistant![0]!, ids.support![0]!, ids.legacy![0]!, ids.assistant![1]!];
    harness.proxy('assistant').setFault({ kind: 'status', status: 503 });
    const response = await harness.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: wanted });
    expect(response.data.nodes.map((node: { id: string } | null) => node?.id ?? null)).toEqual([null, wanted[1], wanted[2], null]);
    const paths = (response.errors ?? []).map((error) => error.path);
    expect(paths).toEqual(expect.arrayContaining([['nodes', 0], ['nodes', 3]]));
    expect(paths).toHaveLength(2);
    for (const error of response.errors ?? []) {
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'assistant' });
    }
  });

  it('a failing message read nulls that conversation’s messages and nothing else', async () => {
    harness.proxy('assistant').setFault({ kind: 'status', status: 502 }, { match: '/messages' });
    const response = await harness.query(
      `{ conversations(first: 20) { edges { node { id source { name } messages(last: 2) { edges { node { id } } } } } } }`,
    );
    expect(response.data, JSON.stringify(response.errors)).toBeTruthy();
    const edges = response.data.conversations.edges as Array<{ node: { source: { name: string }; messages: unknown } }>;
    expect(new Set(edges.map((edge) => edge.node.source.name))).toEqual(new Set(['assistant', 'support', 'legacy']));
    for (const edge of edges) {
      if (edge.node.source.name === 'assistant') expect(edge.node.messages).toBeNull();
      else expect(edge.node.messages).not.toBeNull();
    }
    const failed = edges.filter((edge) => edge.node.source.name === 'assistant').length;
    expect(response.errors).toHaveLength(failed);
    for (const error of response.errors ?? []) {
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'assistant' });
      expect(error.path?.at(-1)).toBe('messages');
    }
  });

  it('Source.conversations of the failed source is null with its error; other fields stand', async () => {
    harness.proxy('assistant').setFault({ kind: 'status', status: 503 });
    const response = await harness.query(
      `{ a: source(name: "assistant") { name conversations(first: 5) { edges { cursor } } }
         b: source(name: "legacy") { name conversations(first: 5) { edges { cursor } } } }`,
    );
    expect(response.data.a).toEqual({ name: 'assistant', conversations: null });
    expect(response.data.b.conversations.edges.length).toBeGreaterThan(0);
    expect(errorOf(response, 'assistant').path).toEqual(['a', 'conversations']);
  });
});
