/**
 * The upstream HTTP client on its own: the retry decision (pure), and the client against a
 * scripted server on loopback — what is retried, what is answered at once, the deadline, the
 * size cap, credentials in errors, and which failures count toward the circuit breaker.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../src/core/logger.js';
import { countsTowardBreaker, createSourceBreaker } from '../../src/upstream/circuit-breaker.js';
import { GatewayError } from '../../src/core/errors.js';
import { createCallBudget, createRequestScope } from '../../src/upstream/request-scope.js';
import { createUpstreamClient, type UpstreamClientOptions } from '../../src/upstream/http.js';
import { backoffDelay, createRetryPolicy, retryAfterMs, retryAfterSeconds } from '../../src/upstream/retry-policy.js';
import { startSimulatorServer, type SimulatorHandle, type SimulatorReply } from '../../src/demo/simulators/http-server.js';

const logger = createLogger('silent');
const anything = z.looseObject({ ok: z.boolean() });

describe('retry decision', () => {
  const policy = (overrides: Partial<Parameters<typeof createRetryPolicy>[0]> = {}) =>
    createRetryPolicy({ maxRetries: 2, backoffMs: 1, maxWaitMs: 50, expiresAt: () => undefined, random: () => 0.5, ...overrides });
  const statusError = (statusCode: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error('Request failed'), { statusCode, code: 'UND_ERR_REQ_RETRY', headers });
  /** Runs the policy once; resolves with what it decided: 'retry' or 'stop'. */
  const decide = (run: ReturnType<typeof createRetryPolicy>, error: Error, method = 'GET', counter = 1, signal?: AbortSignal) =>
    new Promise<'retry' | 'stop'>((resolve) =>
      run(error, { state: { counter }, opts: { method, path: '/', signal } as never }, (result) => resolve(result ? 'stop' : 'retry')),
    );

  it('retries GETs on 429/502/503/504 and network errors only', async () => {
    const run = policy();
    for (const status of [429, 502, 503, 504]) expect(await decide(run, statusError(status))).toBe('retry');
    for (const status of [400, 401, 404, 500]) expect(await decide(run, statusError(status))).toBe('stop');
    expect(await decide(run, Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('retry');
    expect(await decide(run, Object.assign(new Error('slow'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe('stop');
  });

  it('never retries a write', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(await decide(policy(), statusError(503), method)).toBe('stop');
  });

  it('stops after maxRetries', async () => {
    expect(await decide(policy(), statusError(503), 'GET', 2)).toBe('retry');
    expect(await decide(policy(), statusError(503), 'GET', 3)).toBe('stop');
  });

  it('answers at once when Retry-After exceeds maxWaitMs or the time left before the deadline', async () => {
    expect(await decide(policy(), statusError(429, { 'retry-after': '1' }))).toBe('stop');
    expect(await decide(policy({ maxWaitMs: 5_000, expiresAt: () => Date.now() + 200 }), statusError(429, { 'retry-after': '1' }))).toBe('stop');
    expect(await decide(policy({ maxWaitMs: 5_000 }), statusError(429, { 'retry-after': '0' }))).toBe('retry');
  });

  it('stops waiting when the deadline fires mid-wait', async () => {
    const controller = new AbortController();
    const decision = decide(policy({ backoffMs: 60_000, maxWaitMs: 60_000 }), statusError(503), 'GET', 1, controller.signal);
    controller.abort();
    expect(await decision).toBe('stop');
  });

  it('backs off exponentially with equal jitter, capped', () => {
    const options = { backoffMs: 100, maxWaitMs: 1_000 };
    expect(backoffDelay(1, { ...options, random: () => 0 })).toBe(50);
    expect(backoffDelay(1, { ...options, random: () => 0.999 })).toBe(100);
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(200);
    expect(backoffDelay(10, { ...options, random: () => 0.999 })).toBe(1_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterSeconds('1.2', now)).toBe(2);
  });
});

describe('upstream client', () => {
  let server: SimulatorHandle;
  let script: SimulatorReply[] = [];
  const clients: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    server = await startSimulatorServer(async (request) => {
      if (request.path.endsWith('/hang')) return new Promise<SimulatorReply>(() => undefined);
      return script.shift() ?? { status: 200, body: { ok: true } };
    });
  });
  beforeEach(() => {
    script = [];
    server.requests.length = 0;
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await server.close();
  });

  function client(options: Partial<UpstreamClientOptions> = {}) {
    const created = createUpstreamClient({
      sourceId: 'src',
      baseUrl: `${server.origin}/v1`,
      headers: { authorization: 'Bearer sekrit-upstream-key' },
      timeoutMs: 5_000,
      retries: 2,
      retryBackoffMs: 1,
      retryMaxWaitMs: 50,
      maxResponseBytes: 1_000,
      logger,
      ...options,
    });
    clients.push(created);
    return created;
  }
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a failure'), (error: unknown) => error as GatewayError);

  it('retries a 503 and returns the answer that follows', async () => {
    script = [{ status: 503, body: {} }, { status: 200, body: { ok: true } }];
    await expect(client().getJson({ path: '/x' }, anything)).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it('a rejected key is UPSTREAM_ERROR naming the source, never the key', async () => {
    script = [{ status: 401, body: { message: 'bad key sekrit-upstream-key' } }];
    const error = await failure(client().getJson({ path: '/x' }, anything));
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', sourceId: 'src' });
    expect(error.message).toMatch(/source "src" rejected the gateway's credentials/);
    expect(JSON.stringify({ message: error.message, extensions: error.extensions })).not.toContain('sekrit');
    expect(server.requests).toHaveLength(1);
  });

  it('a body over maxResponseBytes is UPSTREAM_ERROR', async () => {
    script = [{ status: 200, body: { ok: true, pad: 'x'.repeat(5_000) } }];
    expect(await failure(client().getJson({ path: '/x' }, anything))).toMatchObject({ code: 'UPSTREAM_ERROR' });
  });

  it('the time budget aborts a call in flight and refuses new ones once spent', async () => {
    const http = client({ retries: 0 });
    const error = await failure(http.getJson({ path: '/hang' }, anything, createRequestScope(50)));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'src' });
    expect(error.message).toMatch(/request deadline exceeded/);
    const spent = createRequestScope(1);
    // Wait for the deadline itself, not a guess at when its timer ran.
    if (!spent.signal.aborted) await once(spent.signal, 'abort');
    const late = await failure(http.getJson({ path: '/x' }, anything, spent));
    expect(late.message).toMatch(/request deadline exceeded/);
    // Only '/x' counts: the aborted '/hang' may reach the server after its caller gave up.
    expect(server.calls('GET', '/v1/x')).toBe(0);
  });

  it('the call budget refuses calls past it without sending them, and counts both', async () => {
    const http = client();
    const budget = createCallBudget(2);
    const scope = createRequestScope(5_000, budget);
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => http.getJson({ path: `/x${n}` }, anything, scope)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    const refusal = (results[2] as PromiseRejectedResult).reason as GatewayError;
    expect(refusal).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'src', message: 'upstream call budget of 2 exceeded' });
    expect(server.requests.map((request) => request.path).filter((path) => path.startsWith('/v1/x'))).toEqual(['/v1/x1', '/v1/x2']);
    expect(budget).toEqual({ calls: 2, refused: 2, limit: 2 });
  });

  it('a refused call never reaches the breaker', async () => {
    const breaker = createSourceBreaker('src', { errorThresholdPercent: 1, minimumRequests: 1, windowMs: 10_000, coolDownMs: 60_000 }, logger);
    const http = client({ breaker });
    const budget = createCallBudget(1);
    const scope = createRequestScope(5_000, budget);
    await http.getJson({ path: '/x' }, anything, scope);
    for (let i = 0; i < 5; i += 1) expect(await failure(http.getJson({ path: '/x' }, anything, scope))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(breaker.state()).toBe('closed');
    expect(server.requests).toHaveLength(1);
    breaker.shutdown();
  });

  it('refuses a budget that is not a positive integer', () => {
    expect(() => createCallBudget(0)).toThrow(TypeError);
    expect(() => createCallBudget(1.5)).toThrow(/got 1.5/);
  });

  it('opens its breaker on 5xx, never on 404', async () => {
    const breaker = createSourceBreaker('src', { errorThresholdPercent: 50, minimumRequests: 2, windowMs: 10_000, coolDownMs: 60_000 }, logger);
    const http = client({ retries: 0, breaker });
    for (let i = 0; i < 6; i += 1) {
      script = [{ status: 404, body: {} }];
      expect(await failure(http.getJson({ path: '/x' }, anything))).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(breaker.state()).toBe('closed');
    // The 404s count as answers: the failure share must pass 50 % of the window.
    for (let i = 0; i < 7; i += 1) {
      script = [{ status: 503, body: {} }];
      await failure(http.getJson({ path: '/x' }, anything));
    }
    expect(breaker.state()).toBe('open');
    server.requests.length = 0;
    expect((await failure(http.getJson({ path: '/x' }, anything))).message).toMatch(/circuit open/);
    expect(server.requests).toHaveLength(0);
    breaker.shutdown();
  });

  it('a client closed before its first call refuses calls without sending them', async () => {
    const closed = createUpstreamClient({ sourceId: 'src', baseUrl: `${server.origin}/v1`, headers: {}, timeoutMs: 5_000, retries: 0, maxResponseBytes: 1_000, logger });
    await closed.close();
    expect(await failure(closed.getJson({ path: '/x' }, anything))).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'src' });
    expect(await failure(closed.send({ path: '/x', method: 'POST', json: {} }, null))).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(server.requests).toHaveLength(0);
  });

  it('a client closed while its first call is in flight lets the call finish, then refuses calls', async () => {
    const closing = createUpstreamClient({ sourceId: 'src', baseUrl: `${server.origin}/v1`, headers: {}, timeoutMs: 5_000, retries: 0, maxResponseBytes: 1_000, logger });
    const call = closing.getJson({ path: '/x' }, anything);
    await closing.close();
    await expect(call).resolves.toEqual({ ok: true });
    expect(await failure(closing.getJson({ path: '/x' }, anything))).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(server.requests).toHaveLength(1);
  });

  it('counts only UPSTREAM_UNAVAILABLE and RATE_LIMITED toward the breaker', () => {
    expect(countsTowardBreaker(new GatewayError('UPSTREAM_UNAVAILABLE', 'x'))).toBe(true);
    expect(countsTowardBreaker(new GatewayError('RATE_LIMITED', 'x'))).toBe(true);
    for (const code of ['NOT_FOUND', 'UPSTREAM_ERROR', 'BAD_USER_INPUT', 'FORBIDDEN'] as const) {
      expect(countsTowardBreaker(new GatewayError(code, 'x'))).toBe(false);
    }
    expect(countsTowardBreaker(new Error('bug'))).toBe(false);
  });
});
