/**
 * A Redis that stops answering (the real redis-server frozen with SIGSTOP) or goes away, under
 * a gateway on real sockets: webhook deduplication and idempotency fail closed (503 /
 * UPSTREAM_UNAVAILABLE, nothing published or sent), `/ready` names the stalled Redis, and
 * Chatwoot contact lookups fall back to memory instead of spending the search budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/global-id.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { graphql, messageCreated, postWebhook, signWebhook, startLiveGateway, viewerHeaders, type LiveGateway } from './helpers.js';

const CONTACT = viewerHeaders('demo-user');
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: TestRedis;
let live: LiveGateway;

beforeAll(async () => {
  redis = await startRedis();
  live = await startLiveGateway({ redisUrl: redis.url });
});
afterAll(async () => {
  await live?.close();
  await redis?.stop();
});

async function readiness() {
  const response = await fetch(`${live.url}/ready`);
  return { status: response.status, body: (await response.json()) as any };
}

describe('a stalled Redis (SIGSTOP)', () => {
  it('fails webhook deduplication and idempotency closed, and /ready reports it', async () => {
    const list = await graphql(live.url, `{ source(name: "support") { conversations(first: 1) { edges { node { externalId } } } } }`, {}, CONTACT);
    const displayId = Number(list.data.source.conversations.edges[0].node.externalId);
    const dify = live.backends.simulators.assistant;
    const mine = dify.data.find((item) => item.user === 'demo-user')!;
    const input = {
      conversationId: globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: mine.id }),
      text: 'Only with a working Redis',
      idempotencyKey: 'stalled-redis-key',
    };
    const send = `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messages { id } } }`;
    const sends = () => dify.calls('POST', '/v1/chat-messages');
    expect((await readiness()).body.redis).toEqual({ status: 'up' });

    redis.pause();
    try {
      const message = messageCreated(displayId, { content: 'during the stall' });
      const headers = signWebhook(message.body);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        statuses.push((await postWebhook(live.url, 'support', message.body, headers)).status);
      }
      expect(statuses).toEqual([503, 503, 503]);

      const before = sends();
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const result = await graphql(live.url, send, { input }, CONTACT);
        expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
        expect(result.data?.sendMessage).toBeNull();
      }
      expect(sends()).toBe(before);

      let ready = await readiness();
      for (let attempt = 0; attempt < 50 && ready.body.redis?.status !== 'down'; attempt += 1) {
        await wait(100);
        ready = await readiness();
      }
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'degraded', redis: { status: 'down' } });
    } finally {
      redis.resume();
    }
    let ready = await readiness();
    for (let attempt = 0; attempt < 50 && ready.body.redis?.status !== 'up'; attempt += 1) {
      await wait(100);
      ready = await readiness();
    }
    expect(ready.body).toMatchObject({ status: 'ready', redis: { status: 'up' } });
  }, 30_000);
});

describe('Redis away', () => {
  it('keeps Chatwoot contact lookups in memory instead of spending the search budget', async () => {
    const query = `{ source(name: "support") { conversations(first: 1) { edges { node { id } } } } }`;
    // One lookup while Redis answers: the contact is known from then on.
    expect((await graphql(live.url, query, {}, CONTACT)).errors).toBeUndefined();
    await redis.stop();
    const chatwoot = live.backends.simulators.support;
    const searches = () => chatwoot.calls('GET', /\/contacts\/search$/);
    const before = searches();
    const codes: string[] = [];
    for (let attempt = 0; attempt < 80; attempt += 1) {
      const result = await graphql(live.url, query, {}, CONTACT);
      for (const error of result.errors ?? []) codes.push(error.extensions?.code);
    }
    expect(codes).toEqual([]);
    expect(searches() - before).toBeLessThanOrEqual(1);
  }, 30_000);
});
