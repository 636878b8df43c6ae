/**
 * Two gateway processes' worth of state on one real Redis: a webhook received by one replica
 * reaches a subscriber on the other; a delivery seen by one is a duplicate on the other; Redis
 * stopped mid-test ends subscriptions with UPSTREAM_UNAVAILABLE while reads still answer, and
 * new subscriptions are refused the same way until it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoBackends, type DemoBackends } from '../../src/demo.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import {
  graphql,
  messageCreated,
  postWebhook,
  signWebhook,
  startLiveGateway,
  subscribeSse,
  viewerHeaders,
  wsClient,
  type LiveGateway,
} from './helpers.js';

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { externalId text } }`;
const CONTACT = viewerHeaders('demo-user');

let redis: TestRedis;
let backends: DemoBackends;
let a: LiveGateway;
let b: LiveGateway;
let conversation: { id: string; externalId: string };

beforeAll(async () => {
  redis = await startRedis();
  backends = await startDemoBackends();
  a = await startLiveGateway({ backends, redisUrl: redis.url });
  b = await startLiveGateway({ backends, redisUrl: redis.url });
  const mine = await graphql(a.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, CONTACT);
  conversation = mine.data.source.conversations.edges[0].node;
}, 30_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  await backends?.close();
  await redis?.stop();
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('several replicas on one Redis', () => {
  it('a webhook posted to one replica reaches a subscriber on the other', async () => {
    const onB = await subscribeSse(b.url, MESSAGE_ADDED, { id: conversation.id }, CONTACT);
    await wait(200);
    const message = messageCreated(Number(conversation.externalId), { content: 'via replica A' });
    expect((await postWebhook(a.url, 'support', message.body, signWebhook(message.body))).status).toBe(200);
    const event = await onB.queue.next();
    expect(event.data.messageAdded).toEqual({ externalId: String(message.id), text: 'via replica A' });
    onB.close();
  });

  it('a delivery received by one replica is a duplicate on the other, even under a new delivery id', async () => {
    const message = messageCreated(Number(conversation.externalId), { content: 'once' });
    const headers = signWebhook(message.body);
    expect(await (await postWebhook(a.url, 'support', message.body, headers)).json()).toEqual({ status: 'ok' });
    expect(await (await postWebhook(b.url, 'support', message.body, headers)).json()).toEqual({ status: 'duplicate' });
    const renamed = { ...headers, 'x-chatwoot-delivery': crypto.randomUUID() };
    expect(await (await postWebhook(b.url, 'support', message.body, renamed)).json()).toEqual({ status: 'duplicate' });
  });

  it('Redis going away ends subscriptions with UPSTREAM_UNAVAILABLE while reads still answer', async () => {
    const sse = await subscribeSse(b.url, MESSAGE_ADDED, { id: conversation.id }, CONTACT);
    const ws = wsClient(a.url, { headers: CONTACT });
    const overWs = ws.subscribe(MESSAGE_ADDED, { id: conversation.id });
    await wait(300);
    await redis.stop();
    const ended = await sse.queue.next(5_000);
    expect(ended.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await sse.queue.next()).toBeUndefined();
    const endedWs = await overWs.queue.next(5_000);
    expect(endedWs.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');

    // Reads go on without the shared cache.
    const read = await graphql(
      a.url,
      `query ($id: ID!) { conversation(id: $id) { id messages(last: 2) { edges { node { text } } } } }`,
      { id: conversation.id },
      CONTACT,
    );
    expect(read.errors).toBeUndefined();
    expect(read.data.conversation.id).toBe(conversation.id);

    // New subscriptions are refused the same way; webhooks cannot be published.
    const refused = await subscribeSse(b.url, MESSAGE_ADDED, { id: conversation.id }, CONTACT);
    expect((await refused.queue.next()).errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    const message = messageCreated(Number(conversation.externalId));
    expect((await postWebhook(a.url, 'support', message.body, signWebhook(message.body))).status).toBe(503);
    await ws.client.dispose();

    // Back at the same address, replicas reconnect by themselves.
    redis = await startRedis(redis.port);
    for (let attempt = 0; attempt < 50 && !(a.gateway.live.available() && b.gateway.live.available()); attempt += 1) await wait(100);
    expect(b.gateway.live.available()).toBe(true);
  }, 30_000);
});
