/**
 * The fleet poller when Redis misbehaves, with two gateways on one real redis-server and the
 * Dify simulator: a stalled Redis (SIGSTOP) pauses polling without crashing or repeating
 * anything, and what arrived meanwhile is delivered once when it answers again; a Redis that
 * goes away ends the polled subscriptions with UPSTREAM_UNAVAILABLE and refuses new ones. A
 * conversation list's poller handed over (its last subscriber left) goes on from the
 * conversations already announced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { graphql, startLiveGateway, subscribeSse, viewerHeaders, type LiveGateway } from './helpers.js';

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { role text } }`;
const VIEWER = viewerHeaders('demo-user');
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: TestRedis;
let a: LiveGateway;
let b: LiveGateway;
let conversation: { id: string; externalId: string };

beforeAll(async () => {
  redis = await startRedis();
  const configure = (config: Record<string, any>) => Object.assign(config.redis, { pollLeaseMs: 1_000, pollRenewMs: 250 });
  a = await startLiveGateway({ redisUrl: redis.url, configure });
  b = await startLiveGateway({ redisUrl: redis.url, configure, backends: a.backends });
  const list = await graphql(a.url, `{ source(name: "assistant") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, VIEWER);
  conversation = list.data.source.conversations.edges[0].node;
});
afterAll(async () => {
  redis.resume();
  await b?.close();
  await a?.close();
  await redis?.stop();
});

async function sendToDify(query: string): Promise<string[]> {
  const { baseUrl, apiKey } = a.backends.simulators.assistant.sourceConfig as { baseUrl: string; apiKey: string };
  const response = await fetch(`${baseUrl}/chat-messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: {}, query, user: 'demo-user', response_mode: 'blocking', conversation_id: conversation.externalId }),
  });
  const { answer } = (await response.json()) as { answer: string };
  return [`USER ${query}`, `ASSISTANT ${answer}`];
}

describe('fleet poller and a misbehaving Redis', () => {
  it('a stalled Redis pauses polling; what arrived meanwhile comes once when it answers again', async () => {
    const subscribers = await Promise.all([a, b].map((gateway) => subscribeSse(gateway.url, MESSAGE_ADDED, { id: conversation.id }, VIEWER)));
    await wait(600); // a lease taken and the baseline committed
    redis.pause();
    const polls = a.backends.simulators.assistant.calls('GET', '/v1/messages');
    const expected = await sendToDify('Sent while Redis is frozen');
    await wait(1_500);
    for (const subscriber of subscribers) expect(subscriber.queue.pending()).toEqual([]);
    // Nobody polls while no lease can be held or committed (at most the polls already under way).
    expect(a.backends.simulators.assistant.calls('GET', '/v1/messages') - polls).toBeLessThanOrEqual(2);
    expect((await fetch(`${a.url}/health`)).status).toBe(200);
    redis.resume();
    for (const subscriber of subscribers) {
      const received = [await subscriber.queue.next(8_000), await subscriber.queue.next(8_000)];
      expect(received.map((result) => `${result.data.messageAdded.role} ${result.data.messageAdded.text}`)).toEqual(expected);
    }
    await wait(1_000);
    for (const subscriber of subscribers) {
      expect(subscriber.queue.pending()).toEqual([]);
      subscriber.close();
    }
  }, 30_000);

  it('hands a conversation list over when the last subscriber of its poller leaves, missing no change', async () => {
    const query = `subscription { conversationUpdated(sourceIds: ["assistant"]) { id title } }`;
    const onA = await subscribeSse(a.url, query, {}, VIEWER);
    const onB = await subscribeSse(b.url, query, {}, VIEWER);
    await wait(600);
    const leaders = [a, b].map((gateway) => gateway.gateway.pollersLeading().get('assistant') ?? 0);
    expect(leaders.sort()).toEqual([0, 1]);
    await sendToDify('A first change');
    for (const subscriber of [onA, onB]) expect((await subscriber.queue.next(5_000)).data.conversationUpdated.id).toBe(conversation.id);

    // The holder's last subscriber leaves: it gives the lease back, the other replica goes on
    // from the conversations already announced, and the change made meanwhile still arrives.
    const [leader, follower] = a.gateway.pollersLeading().get('assistant') ? [onA, onB] : [onB, onA];
    await wait(1_100); // Dify times conversations in whole seconds: the next change must show
    leader.close();
    await sendToDify('A change during the handover');
    expect((await follower.queue.next(5_000)).data.conversationUpdated.id).toBe(conversation.id);
    await wait(1_000);
    expect(follower.queue.pending()).toEqual([]);
    follower.close();
  }, 20_000);

  it('a Redis that goes away ends polled subscriptions with UPSTREAM_UNAVAILABLE and refuses new ones', async () => {
    // Everyone left this conversation's feed after the first test: a new subscriber starts from
    // a fresh baseline, not with what was sent since (the messages of the test before).
    const subscriber = await subscribeSse(b.url, MESSAGE_ADDED, { id: conversation.id }, VIEWER);
    await wait(500);
    expect(subscriber.queue.pending()).toEqual([]);
    await redis.stop();
    const ended = await subscriber.queue.next(5_000);
    expect(ended.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await subscriber.queue.next()).toBeUndefined();
    const refused = await subscribeSse(a.url, MESSAGE_ADDED, { id: conversation.id }, VIEWER);
    const answer = await refused.queue.next(5_000);
    expect(answer.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    refused.close();
  }, 20_000);
});
