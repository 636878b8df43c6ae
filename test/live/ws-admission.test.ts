/**
 * The per-viewer subscription cap holds when `subscribe` messages arrive together: 200 in one
 * burst on one graphql-ws socket admit exactly `maxSubscriptionsPerViewer` (20); the rest get
 * their operation's error with RATE_LIMITED, and no refused `assistantReply` reaches Dify.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/core/global-id.js';
import { graphql, rawWs, startLiveGateway, subscribeSse, viewerHeaders, type LiveGateway } from './helpers.js';

const CONVERSATION_UPDATED = `subscription { conversationUpdated { id } }`;
const REPLY = `subscription ($input: SendMessageInput!) { assistantReply(input: $input) { __typename } }`;
const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { id } }`;
const VIEWER = viewerHeaders('demo-user');
const BURST = 200;
const CAP = 20;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let live: LiveGateway;
beforeAll(async () => {
  // Slow streamed replies keep every admitted assistantReply open while the burst is answered.
  live = await startLiveGateway({ demo: { difyStreamDelayMs: 200 } });
});
afterAll(() => live.close());

/** Sends `BURST` subscribe messages in one go; returns the ids refused and the socket. */
async function burst(query: string, variables: (index: number) => Record<string, unknown>) {
  const ws = await rawWs(live.url, VIEWER);
  for (let index = 0; index < BURST; index++) ws.send({ id: `op-${index}`, type: 'subscribe', payload: { query, variables: variables(index) } });
  await ws.waitFor(() => ws.messages.filter((message) => message.payload?.[0]?.extensions?.code === 'RATE_LIMITED' || message.payload?.errors?.[0]?.extensions?.code === 'RATE_LIMITED').length >= BURST - CAP, 15_000, 'refusals');
  await wait(300);
  return ws;
}

const refused = (messages: any[]) =>
  new Set(
    messages
      .filter((message) => (message.type === 'error' ? message.payload : message.payload?.errors ?? [])[0]?.extensions?.code === 'RATE_LIMITED')
      .map((message) => message.id),
  );

describe('the per-viewer subscription cap over one graphql-ws socket', () => {
  it(`admits exactly ${CAP} of ${BURST} conversationUpdated subscribes sent in one burst`, async () => {
    const ws = await burst(CONVERSATION_UPDATED, () => ({}));
    expect(refused(ws.messages).size).toBe(BURST - CAP);
    expect(live.gateway.live.openSubscriptions()).toBe(CAP);
    ws.socket.close();
    await wait(300);
    expect(live.gateway.live.openSubscriptions()).toBe(0);
  }, 30_000);

  it(`admits exactly ${CAP} messageAdded subscribes, counting across transports`, async () => {
    const list = await graphql(live.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id } } } } }`, {}, VIEWER);
    const id = list.data.source.conversations.edges[0].node.id;
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id }, VIEWER);
    await wait(200);
    const ws = await burst(MESSAGE_ADDED, () => ({ id }));
    expect(refused(ws.messages).size).toBe(BURST - CAP + 1);
    expect(live.gateway.live.openSubscriptions()).toBe(CAP);
    ws.socket.close();
    sse.close();
    await wait(300);
    expect(live.gateway.live.openSubscriptions()).toBe(0);
  }, 30_000);

  it('makes no upstream /chat-messages POST for a refused assistantReply', async () => {
    const simulator = live.backends.simulators.assistant;
    const mine = simulator.data.find((conversation) => conversation.user === 'demo-user' && conversation.mode !== 'agent-chat')!;
    const conversationId = globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: mine.id });
    const posts = () => simulator.requests.filter((request) => request.method === 'POST' && request.path === '/v1/chat-messages').length;
    const before = posts();
    const ws = await burst(REPLY, (index) => ({ input: { conversationId, text: `burst ${index}` } }));
    expect(refused(ws.messages).size).toBe(BURST - CAP);
    expect(posts() - before).toBeLessThanOrEqual(CAP);
    ws.socket.close();
  }, 30_000);
});
