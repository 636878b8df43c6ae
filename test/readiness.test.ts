/**
 * `/ready` without traffic (src/readiness.ts): a source nothing was heard from for the re-probe
 * interval is probed again when `/ready` is asked, so an upstream that dies while idle shows
 * `down`, and shows `up` again once it answers, with no GraphQL request in between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readinessOf } from '../src/gateway/readiness.js';
import { startProxiedGateway, type ProxiedGateway } from './helpers/proxied-gateway.js';

const INTERVAL_MS = 200;
let gw: ProxiedGateway;

beforeAll(async () => {
  gw = await startProxiedGateway({ proxied: ['legacy'] });
  await readinessOf(gw.gateway).probeAll(undefined, { reprobeIntervalMs: INTERVAL_MS });
});
afterAll(() => gw?.close());

async function legacyStatus(): Promise<string> {
  const body = (await (await fetch(`${gw.url}/ready`)).json()) as { sources: Record<string, { status: string }> };
  return body.sources.legacy!.status;
}

/** Polls `/ready` (what a load balancer does) until legacy shows `status`; returns the polls it took. */
async function pollUntil(status: string): Promise<number> {
  for (let polls = 1; polls <= 100; polls += 1) {
    if ((await legacyStatus()) === status) return polls;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`legacy never showed ${status}`);
}

describe('/ready without traffic', () => {
  it('shows an upstream that died while idle as down, and up again once it answers', async () => {
    expect(await legacyStatus()).toBe('up');
    const proxy = gw.proxies.legacy!;
    proxy.setFault({ kind: 'reset' });
    await pollUntil('down');
    expect(gw.gateway.circuitState('legacy')).toBe('closed');
    // Only probes reached it: a credential-less GET of the base URL, never a GraphQL read.
    expect(proxy.requests.every((request) => request.method === 'GET' && !request.url.includes('conversations'))).toBe(true);
    proxy.setFault(null);
    await pollUntil('up');
  });
});
