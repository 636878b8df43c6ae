/**
 * The per-request deadline (`server.requestTimeoutMs`): per-attempt time-outs are long here, so
 * only the deadline can end these calls. It aborts what is in flight, and a retry that would
 * wait past it is not waited for.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorOf, startFaultHarness, trackUnhandledRejections, type FaultHarness } from './harness.js';

const MERGED = `{ conversations(first: 50) { edges { node { id source { name } } } } }`;

let harness: FaultHarness;
const rejections = trackUnhandledRejections();

beforeAll(async () => {
  harness = await startFaultHarness({
    proxied: ['assistant'],
    // Long enough for the healthy sources to answer on a loaded machine (a warm merged query
    // takes tens of ms alone), short enough that waiting for it once is cheap.
    serverConfig: { requestTimeoutMs: 3_000 },
    sourceConfig: {
      timeoutMs: 30_000,
      retries: 2,
      retryBackoffMs: 5,
      retryMaxWaitMs: 10_000,
      // One counted failure opens the circuit, so "still closed" below means "not counted".
      circuitBreaker: { errorThresholdPercent: 1, minimumRequests: 1, coolDownMs: 60_000 },
    },
  });
  // The first query pays for connections and compiling; the deadline below is for answers.
  const warm = await harness.query(MERGED);
  expect(warm.errors).toBeUndefined();
});
afterAll(async () => {
  await harness.close();
  rejections.check();
});
beforeEach(() => harness.reset());

describe('the request deadline', () => {
  it('ends a hung upstream call that its own 30 s time-out would still wait for; the others answer', async () => {
    harness.proxy('assistant').setFault({ kind: 'hang' });
    const response = await harness.query(MERGED);
    const error = errorOf(response, 'assistant');
    expect(error.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/request deadline exceeded/);
    expect(harness.proxy('assistant').requests).toHaveLength(1);
    const names = new Set(response.data.conversations.edges.map((edge: any) => edge.node.source.name));
    expect(names).toEqual(new Set(['support', 'legacy']));
    expect((await harness.get('/health')).status).toBe(200);
    // The deadline, not the upstream, ended the call: one heavy operation must not open circuits.
    expect(harness.gateway.circuitState('assistant')).toBe('closed');
  });

  it('does not wait for a Retry-After that fits retryMaxWaitMs but not the time left', async () => {
    harness.proxy('assistant').setFault({ kind: 'rate-limit', retryAfter: '5' });
    const response = await harness.query(MERGED);
    expect(errorOf(response, 'assistant').extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 5 });
    expect(harness.proxy('assistant').requests).toHaveLength(1);
    // A 429 is the upstream's own answer and does count.
    expect(harness.gateway.circuitState('assistant')).toBe('open');
  });
});
