/**
 * `sendMessage` idempotency across two gateway processes on one real Redis: 20 concurrent sends
 * with one key, 10 per replica, make exactly one upstream send and all answer its result; the
 * key reused with another payload is BAD_USER_INPUT; a replay re-checks the viewer's rights (an
 * agent who lost the role gets no private note back).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoBackends, type DemoBackends } from '../../src/demo.js';
import { globalIdOf } from '../../src/global-id.js';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../helpers/gateway-process.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { graphql, viewerHeaders, WEBHOOK_SECRET } from '../live/helpers.js';

const SEND = `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messages { id text isPrivate } } }`;
const CONTACT = viewerHeaders('demo-user');

let redis: TestRedis;
let backends: DemoBackends;
let a: GatewayProcess;
let b: GatewayProcess;

beforeAll(async () => {
  redis = await startRedis();
  backends = await startDemoBackends({ chatwootReplyDelayMs: null });
  const config = {
    server: { host: '127.0.0.1' },
    auth: { mode: 'header' },
    sources: backends.config.sources.map((source) => (source.kind === 'chatwoot' ? { ...source, webhookSecret: WEBHOOK_SECRET } : source)),
  };
  const file = writeConfig(config);
  [a, b] = await Promise.all([startGatewayProcess(file, { REDIS_URL: redis.url }), startGatewayProcess(file, { REDIS_URL: redis.url })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await backends?.close();
  await redis?.stop();
});

function difyInput(text: string, idempotencyKey: string) {
  const mine = backends.simulators.assistant.data.find((item) => item.user === 'demo-user')!;
  return { conversationId: globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: mine.id }), text, idempotencyKey };
}

describe('idempotency keys on two replicas', () => {
  it('20 concurrent sends with one key, 10 per replica, make one upstream send', async () => {
    const dify = backends.simulators.assistant;
    // Both replicas warm (a send each, other keys), as in production.
    await Promise.all([a, b].map((replica, index) => graphql(replica.url, SEND, { input: difyInput('Warm up', `warm-${index}`) }, CONTACT)));
    const before = dify.calls('POST', '/v1/chat-messages');
    const input = difyInput('Exactly once, please', 'concurrent-key');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => graphql(index % 2 === 0 ? a.url : b.url, SEND, { input }, CONTACT)),
    );
    expect(dify.calls('POST', '/v1/chat-messages') - before).toBe(1);
    for (const result of results) {
      expect(result.errors).toBeUndefined();
      expect(result.data.sendMessage).toEqual(results[0]!.data.sendMessage);
    }
  }, 30_000);

  it('refuses a key reused with another payload with BAD_USER_INPUT and sends nothing', async () => {
    const dify = backends.simulators.assistant;
    const first = await graphql(a.url, SEND, { input: difyInput('The first text', 'reused-key') }, CONTACT);
    expect(first.errors).toBeUndefined();
    const before = dify.calls('POST', '/v1/chat-messages');
    const reused = await graphql(b.url, SEND, { input: difyInput('Another text', 'reused-key') }, CONTACT);
    expect(reused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(dify.calls('POST', '/v1/chat-messages')).toBe(before);
  });

  it('re-checks rights on a replay: an agent who lost the role gets no private note back', async () => {
    const agent = viewerHeaders('priya', ['agent']);
    const list = await graphql(a.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id } } } } }`, {}, agent);
    const input = { conversationId: list.data.source.conversations.edges[0].node.id, text: 'Internal note', private: true, idempotencyKey: 'note-key' };
    const sent = await graphql(a.url, SEND, { input }, agent);
    expect(sent.errors).toBeUndefined();
    expect(sent.data.sendMessage.messages[0].isPrivate).toBe(true);
    const replay = await graphql(b.url, SEND, { input }, viewerHeaders('priya'));
    expect(replay.data?.sendMessage ?? null).toBeNull();
    expect(replay.errors?.[0]?.extensions?.code).toMatch(/^(FORBIDDEN|NOT_FOUND)$/);
  });
});
