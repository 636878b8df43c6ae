/**
 * A bearer token with more than 24 h left keeps its streams open past 24 h, over real sockets
 * (SSE and graphql-ws): only its real expiry ends them. The process's `setTimeout` is faked
 * (advancing with real time too) so that 24 h can pass at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AUDIENCE, hsToken, ISSUER, SECRET } from '../auth/tokens.js';
import { graphql, messageCreated, postWebhook, signWebhook, startLiveGateway, subscribeSse, wsClient, type LiveGateway } from './helpers.js';

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { text } }`;
const DAY_MS = 24 * 60 * 60 * 1000;

let live: LiveGateway;
beforeAll(async () => {
  live = await startLiveGateway({
    configure: (config) => {
      config.auth = { mode: 'jwt', jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } };
    },
  });
});
afterAll(() => live.close());
afterEach(() => void vi.useRealTimers());

describe('a token valid for two days', () => {
  it('is not cut at 24 h as "token expired" on SSE or WebSocket', async () => {
    const token = await hsToken({ sub: 'demo-user', expiresIn: 2 * 24 * 60 * 60 });
    const bearer = { authorization: `Bearer ${token}` };
    const list = await graphql(live.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, bearer);
    const conversation = list.data.source.conversations.edges[0].node;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id: conversation.id }, bearer);
    const ws = wsClient(live.url, { connectionParams: bearer });
    const overWs = ws.subscribe(MESSAGE_ADDED, { id: conversation.id });
    await new Promise((resolve) => setTimeout(resolve, 300));

    vi.advanceTimersByTime(DAY_MS + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sse.queue.pending()).toEqual([]);
    expect(ws.closes).toEqual([]);

    const message = messageCreated(Number(conversation.externalId), { content: 'a day later' });
    expect((await postWebhook(live.url, 'support', message.body, signWebhook(message.body))).status).toBe(200);
    expect(await sse.queue.next()).toEqual({ data: { messageAdded: { text: 'a day later' } } });
    expect(await overWs.queue.next()).toEqual({ data: { messageAdded: { text: 'a day later' } } });
    sse.close();
    await ws.client.dispose();
  });
});
