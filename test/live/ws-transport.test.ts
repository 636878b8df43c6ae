/**
 * graphql-ws on `/graphql` over a real socket: JWT checked at connection_init (a bad one closes
 * with 4403, its expiry later closes with `LiveCloseCode.TokenExpired`), header mode trusting
 * only the upgrade request's headers, the per-viewer cap, and clean ends on shutdown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveCloseCode } from '../../src/live/ws.js';
import { AUDIENCE, hsToken, ISSUER, SECRET } from '../auth/tokens.js';
import { graphql, startLiveGateway, subscribeSse, viewerHeaders, within, wsClient, type LiveGateway } from './helpers.js';

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { id } }`;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function firstConversation(live: LiveGateway, headers: Record<string, string>) {
  const list = await graphql(live.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id } } } } }`, {}, headers);
  return list.data.source.conversations.edges[0].node.id as string;
}

describe('jwt mode', () => {
  let live: LiveGateway;
  beforeAll(async () => {
    live = await startLiveGateway({
      configure: (config) => {
        config.auth = { mode: 'jwt', jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 0 } };
      },
    });
  });
  afterAll(() => live.close());

  it('takes the token from connectionParams at connection_init', async () => {
    const ws = wsClient(live.url, { connectionParams: { authorization: `Bearer ${await hsToken({ sub: 'demo-user' })}` } });
    const result = await ws.subscribe(`{ viewer { externalId } }`, {}).queue.next();
    expect(result.data).toEqual({ viewer: { externalId: 'demo-user' } });
    await ws.client.dispose();
  });

  it('runs without a viewer when no token is sent (UNAUTHENTICATED on data)', async () => {
    const ws = wsClient(live.url);
    const result = await ws.subscribe(`{ viewer { externalId } }`, {}).queue.next();
    expect(result.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    await ws.client.dispose();
  });

  it('closes with 4403 for a bad or expired token', async () => {
    for (const token of ['not-a-jwt', await hsToken({ expiresIn: -60 }), await hsToken({}, 'another-secret-0123456789abcdef')]) {
      const ws = wsClient(live.url, { connectionParams: { authorization: `Bearer ${token}` } });
      const result = await ws.subscribe(`{ viewer { externalId } }`, {}).queue.next();
      expect(result.transportError).toBeDefined();
      expect(ws.closes[0]?.code).toBe(LiveCloseCode.Forbidden);
      await ws.client.dispose();
    }
  });

  it('closes the socket with TokenExpired when the token expires', async () => {
    const token = await hsToken({ sub: 'demo-user', expiresIn: 2 });
    const ws = wsClient(live.url, { connectionParams: { authorization: token } });
    const id = await firstConversation(live, { authorization: `Bearer ${token}` });
    const sub = ws.subscribe(MESSAGE_ADDED, { id });
    await within(6_000, (async () => {
      while (ws.closes.length === 0) await wait(100);
    })(), 'close');
    expect(ws.closes[0]).toEqual({ code: LiveCloseCode.TokenExpired, reason: 'token expired' });
    expect(sub.queue.ended).toBe(true);
    await ws.client.dispose();
  }, 15_000);

  it('ends an SSE subscription with UNAUTHENTICATED when the token expires', async () => {
    const token = await hsToken({ sub: 'demo-user', expiresIn: 2 });
    const headers = { authorization: `Bearer ${token}` };
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id: await firstConversation(live, headers) }, headers);
    const ended = await sse.queue.next(6_000);
    expect(ended.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await sse.queue.next()).toBeUndefined();
  }, 15_000);
});

describe('header mode', () => {
  let live: LiveGateway;
  beforeAll(async () => {
    live = await startLiveGateway({
      configure: (config) => {
        config.server = { ...config.server, limits: { maxSubscriptionsPerViewer: 2 } };
      },
    });
  });
  afterAll(() => live.close());

  it('trusts the upgrade request’s headers, never connectionParams', async () => {
    const ws = wsClient(live.url, {
      headers: viewerHeaders('demo-user'),
      connectionParams: { headers: { 'x-chat-user': 'priya', 'x-chat-roles': 'agent' }, 'x-chat-user': 'priya' },
    });
    const result = await ws.subscribe(`{ viewer { externalId roles } }`, {}).queue.next();
    expect(result.data).toEqual({ viewer: { externalId: 'demo-user', roles: [] } });
    await ws.client.dispose();
  });

  it('caps open subscriptions per viewer across SSE and WebSocket', async () => {
    const headers = viewerHeaders('demo-user');
    const id = await firstConversation(live, headers);
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id }, headers);
    const ws = wsClient(live.url, { headers });
    const second = ws.subscribe(MESSAGE_ADDED, { id });
    await wait(300);
    expect(live.gateway.live.openSubscriptions()).toBe(2);
    const third = ws.subscribe(MESSAGE_ADDED, { id });
    expect((await third.queue.next()).errors[0].extensions.code).toBe('RATE_LIMITED');
    // Another viewer is not affected.
    const other = await subscribeSse(live.url, MESSAGE_ADDED, { id }, viewerHeaders('priya', ['agent']));
    await wait(200);
    expect(live.gateway.live.openSubscriptions()).toBe(3);
    sse.close();
    second.close();
    other.close();
    await wait(300);
    expect(live.gateway.live.openSubscriptions()).toBe(0);
    await ws.client.dispose();
  });
});

describe('shutdown', () => {
  it('ends SSE streams and closes sockets with GoingAway', async () => {
    const live = await startLiveGateway();
    const headers = viewerHeaders('demo-user');
    const id = await firstConversation(live, headers);
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id }, headers);
    const ws = wsClient(live.url, { headers });
    const sub = ws.subscribe(MESSAGE_ADDED, { id });
    await wait(300);
    await within(10_000, live.close(), 'shutdown');
    expect(await sse.queue.next()).toBeUndefined();
    await within(2_000, (async () => {
      while (ws.closes.length === 0) await wait(50);
    })(), 'close');
    expect(ws.closes[0]?.code).toBe(LiveCloseCode.GoingAway);
    expect(sub.queue.ended).toBe(true);
    await ws.client.dispose();
  });
});
