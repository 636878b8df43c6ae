/**
 * What an open subscription keeps between events: its context outlives every execution, so
 * the records an event loaded (here a Message's `conversation`, read through the conversation
 * DataLoader) must be dropped once that event's result exists, over SSE and graphql-ws alike —
 * or 10,000 subscribers each hold their last event's loader caches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../../src/schema/context.js';
import type { ConversationRecord } from '../../src/core/records.js';
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
  type ResultQueue,
} from '../live/helpers.js';

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { id text conversation { id title } } }`;

/** Every subscription operation's context, as yoga hands it to the executor. */
const contexts: GatewayContext[] = [];
const observeContexts: Plugin = {
  onSubscribe({ args }) {
    contexts.push(args.contextValue as unknown as GatewayContext);
  },
};

let live: LiveGateway;
let conversation: { id: string; externalId: string };

beforeAll(async () => {
  live = await startLiveGateway({ plugins: [observeContexts] });
  const mine = await graphql(live.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, viewerHeaders('demo-user'));
  conversation = mine.data.source.conversations.edges[0].node;
});
afterAll(() => live.close());

/**
 * Whether `context`'s conversation loader still has `externalId` cached: `prime` leaves a
 * cached key alone, so a load answering with the primed stand-in means nothing was kept.
 */
async function holdsConversation(context: GatewayContext, externalId: string): Promise<boolean> {
  const loader = context.loaders.forSource('support').conversation;
  const standIn = { externalId: 'stand-in' } as ConversationRecord;
  loader.prime(externalId, standIn);
  const held = (await loader.load(externalId)) !== standIn;
  context.loaders.forget('support');
  return held;
}

describe('a subscription between events', () => {
  it('keeps nothing its last event loaded, over SSE and graphql-ws', async () => {
    const headers = viewerHeaders('demo-user');
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id: conversation.id }, headers);
    expect(sse.status).toBe(200);
    const ws = wsClient(live.url, { headers });
    const overWs = ws.subscribe(MESSAGE_ADDED, { id: conversation.id });
    try {
      // Probes until both streams received one (looking at what arrived, so that no result
      // is lost to a pull that gave up): both are listening and have executed an event then.
      const received = (queue: ResultQueue) => queue.pending().some((result) => result.data?.messageAdded?.conversation?.id === conversation.id);
      for (let round = 0; !(received(sse.queue) && received(overWs.queue)); round += 1) {
        expect(round).toBeLessThan(20);
        const { body } = messageCreated(Number(conversation.externalId), { content: `probe ${round}` });
        expect((await postWebhook(live.url, 'support', body, signWebhook(body))).status).toBe(200);
        for (let waited = 0; waited < 500 && !(received(sse.queue) && received(overWs.queue)); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(contexts.length).toBe(2);
      for (const context of contexts) expect(await holdsConversation(context, conversation.externalId)).toBe(false);
    } finally {
      sse.close();
      overWs.close();
      await ws.client.dispose();
    }
  });
});
