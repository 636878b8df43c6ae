/**
 * The upstream observer hook: safe endpoint templates for call sites that name none, what a
 * finished call reports (status, code, duration), and observers that cannot break a call.
 */
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/core/errors.js';
import {
  createUpstreamObserverHub,
  endpointTemplate,
  observeCall,
  type UpstreamObservation,
} from '../../src/upstream/observer.js';

const call = { sourceId: 'assistant', method: 'GET', endpoint: '/messages' };

describe('endpointTemplate', () => {
  it('keeps the first segment and replaces every later one, dropping the query', () => {
    expect(endpointTemplate('/messages')).toBe('/messages');
    expect(endpointTemplate('/conversations/3f2a/messages?limit=20')).toBe('/conversations/:param/:param');
    expect(endpointTemplate('/api/v1/accounts/1/conversations/42')).toBe('/api/:param/:param/:param/:param/:param');
    expect(endpointTemplate('')).toBe('/');
  });
});

describe('observeCall', () => {
  it('reports the HTTP status of an answer, and the error code of a failure', async () => {
    const seen: UpstreamObservation[] = [];
    await observeCall((o) => seen.push(o), call, async (outcome) => {
      outcome.sent = true;
      outcome.status = 200;
      return 'ok';
    });
    await expect(
      observeCall((o) => seen.push(o), call, async (outcome) => {
        outcome.sent = true;
        outcome.status = 404;
        throw new GatewayError('NOT_FOUND', 'not found');
      }),
    ).rejects.toThrow('not found');
    await expect(
      observeCall((o) => seen.push(o), call, async (outcome) => {
        outcome.sent = true;
        throw new GatewayError('UPSTREAM_UNAVAILABLE', 'connection refused');
      }),
    ).rejects.toThrow();
    await expect(
      observeCall((o) => seen.push(o), call, async () => {
        throw new GatewayError('UPSTREAM_UNAVAILABLE', 'circuit open');
      }),
    ).rejects.toThrow();
    expect(seen.map((o) => [o.status, o.code])).toEqual([
      ['200', undefined],
      ['404', 'NOT_FOUND'],
      ['UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE'],
      ['CIRCUIT_OPEN', 'UPSTREAM_UNAVAILABLE'],
    ]);
    for (const o of seen) expect(o.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('never lets an observer fail the call', async () => {
    const hub = createUpstreamObserverHub();
    const seen: string[] = [];
    hub.subscribe(() => {
      throw new Error('broken listener');
    });
    const remove = hub.subscribe((o) => seen.push(o.status));
    await expect(observeCall(hub.observe, call, async (outcome) => ((outcome.status = 204), 'done'))).resolves.toBe('done');
    remove();
    await observeCall(hub.observe, call, async (outcome) => ((outcome.status = 200), 'again'));
    expect(seen).toEqual(['204']);
    await expect(observeCall(() => { throw new Error('x'); }, call, async () => 'fine')).resolves.toBe('fine');
  });
});
