/**
 * The per-source circuit breaker, end to end: every source behind a fault proxy, no retries, a
 * breaker that opens after two calls with more than half failing. Checks what opens it (5xx,
 * 429), what never does (a storm of 404s), failing fast while open, `/ready`, and the
 * half-open probe after the cool-down.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startFaultHarness, trackUnhandledRejections, type FaultHarness, type SourceName } from './harness.js';

const MERGED = `{ conversations(first: 50) { edges { node { id source { name } } } } }`;
const ALL: SourceName[] = ['assistant', 'support', 'legacy'];
const rejections = trackUnhandledRejections();

function breakerHarness(coolDownMs: number): Promise<FaultHarness> {
  return startFaultHarness({
    proxied: ALL,
    sourceConfig: { retries: 0, timeoutMs: 2_000, circuitBreaker: { errorThresholdPercent: 50, minimumRequests: 2, coolDownMs } },
  });
}

/** Polls (no fixed sleep) until the source's circuit reaches `state`. */
async function waitForState(harness: FaultHarness, source: SourceName, state: string): Promise<void> {
  for (let i = 0; i < 500 && harness.gateway.circuitState(source) !== state; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(harness.gateway.circuitState(source)).toBe(state);
}

afterAll(() => rejections.check());

describe('an open circuit (long cool-down)', () => {
  let harness: FaultHarness;
  beforeAll(async () => {
    harness = await breakerHarness(60_000);
  });
  afterAll(() => harness.close());
  afterEach(() => harness.reset());

  it('a storm of 404s from one viewer probing ids never opens it', async () => {
    for (let i = 0; i < 8; i += 1) {
      const response = await harness.query(`query ($id: String!) { source(name: "legacy") { conversation(externalId: $id) { id } } }`, {
        id: `no-such-conversation-${i}`,
      });
      expect(errorOf(response, 'legacy').extensions?.code).toBe('NOT_FOUND');
    }
    // Every probe reached the upstream and was answered 404 there.
    expect(harness.proxy('legacy').requests.length).toBeGreaterThanOrEqual(8);
    expect(harness.gateway.circuitState('legacy')).toBe('closed');
    expect(await harness.get('/ready')).toEqual({
      status: 200,
      body: {
        status: 'ready',
        // Only legacy was heard from (its 404s prove it answers); nothing probed the others.
        sources: {
          assistant: { kind: 'dify', status: 'unknown', state: 'closed' },
          support: { kind: 'chatwoot', status: 'unknown', state: 'closed' },
          legacy: { kind: 'rest', status: 'up', state: 'closed' },
        },
      },
    });
  });

  it('503s open it; then calls fail fast without reaching the upstream, and /ready says degraded', async () => {
    harness.proxy('assistant').setFault({ kind: 'status', status: 503 });
    for (let i = 0; i < 2; i += 1) {
      expect(errorOf(await harness.query(MERGED), 'assistant').extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    }
    expect(harness.gateway.circuitState('assistant')).toBe('open');
    const before = harness.proxy('assistant').requests.length;

    const response = await harness.query(MERGED);
    const error = errorOf(response, 'assistant');
    expect(error.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/circuit open/);
    expect(harness.proxy('assistant').requests.length).toBe(before);
    // The healthy sources are untouched by the open circuit.
    const names = new Set(response.data.conversations.edges.map((edge: any) => edge.node.source.name));
    expect(names).toEqual(new Set(['support', 'legacy']));

    const ready = await harness.get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.sources.assistant).toEqual({ kind: 'dify', status: 'down', state: 'open' });
    expect(ready.body.sources.legacy.state).toBe('closed');
    expect(JSON.stringify(ready.body)).not.toMatch(/http|token|key/i);
  });

});

describe('every source down', () => {
  let harness: FaultHarness;
  beforeAll(async () => {
    harness = await breakerHarness(60_000);
  });
  afterAll(() => harness.close());

  it('/ready answers 503, the merged list errors per source, /health still 200', async () => {
    for (const source of ALL) harness.proxy(source).setFault({ kind: 'rate-limit', retryAfter: '30' });
    for (let i = 0; i < 2; i += 1) await harness.query(MERGED);
    for (const source of ALL) expect(harness.gateway.circuitState(source)).toBe('open');

    const response = await harness.query(MERGED);
    expect(response.data).toEqual({ conversations: null });
    for (const source of ALL) expect(errorOf(response, source).extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const ready = await harness.get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('down');
    expect(Object.values(ready.body.sources).map((source: any) => source.state)).toEqual(['open', 'open', 'open']);
    expect(await harness.get('/health')).toEqual({ status: 200, body: { status: 'ok' } });
  });
});

describe('the half-open probe (short cool-down)', () => {
  let harness: FaultHarness;
  beforeAll(async () => {
    harness = await breakerHarness(500);
  });
  afterAll(() => harness.close());

  // Dify alone, so each answer arrives as soon as the probe is decided.
  const ASSISTANT = `{ source(name: "assistant") { conversations(first: 5) { edges { cursor } } } }`;

  async function openAssistant(): Promise<void> {
    harness.proxy('assistant').setFault({ kind: 'status', status: 502 });
    while (harness.gateway.circuitState('assistant') !== 'open') await harness.query(ASSISTANT);
  }

  it('probes by itself when half-open: a failed probe opens it again, a good one closes it without traffic', async () => {
    await openAssistant();
    const proxy = harness.proxy('assistant');
    proxy.requests.length = 0;
    // The cool-down ends: the breaker's own trial call (a GET of the base URL) meets the 502. The
    // half-open state lasts only as long as that call, too short to catch by polling under load;
    // the trial reaching the upstream is what shows it.
    await expect.poll(() => proxy.requests.length, { timeout: 5_000, interval: 10 }).toBeGreaterThanOrEqual(1);
    await waitForState(harness, 'assistant', 'open');
    // One trial per cool-down (a slow poll may have let more than one cool-down pass).
    expect(proxy.requests.length).toBeGreaterThanOrEqual(1);
    expect(proxy.requests.map((request) => `${request.method} ${request.url}`)).toEqual(proxy.requests.map(() => 'GET /v1'));

    // The upstream is back; no query is sent, yet the next trial closes the circuit.
    proxy.setFault(null);
    await waitForState(harness, 'assistant', 'closed');
    expect(proxy.requests.every((request) => request.method === 'GET' && request.url === '/v1')).toBe(true);
    const ready = await harness.get('/ready');
    expect(ready.body.sources.assistant).toEqual({ kind: 'dify', status: 'up', state: 'closed' });

    const response = await harness.query(ASSISTANT);
    expect(response.errors).toBeUndefined();
    expect(response.data.source.conversations.edges.length).toBeGreaterThan(0);
  });
});
