/**
 * Execute once, deliver many, over real SSE and graphql-ws: subscribers of one conversation with
 * the same document, variables and access class get one execution per event and identical
 * payloads; an agent and a contact on the same conversation are executed apart (private notes
 * reach agents only); every subscriber still gets each message once and in order.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LiveExecutionCounter } from '../../src/plugins/use-shared-live-execution.js';
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

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { id externalId text role isPrivate conversation { id title } } }`;
const AGENTS = 6;

const counter: LiveExecutionCounter = { executions: 0 };
let live: LiveGateway;
let conversation: { id: string; externalId: string };

beforeAll(async () => {
  live = await startLiveGateway({ liveExecutions: counter });
  const mine = await graphql(live.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, viewerHeaders('demo-user'));
  conversation = mine.data.source.conversations.edges[0].node;
});
afterAll(() => live.close());

async function send(content: string, options: { isPrivate?: boolean; messageType?: string } = {}) {
  const { body } = messageCreated(Number(conversation.externalId), { content, ...options });
  const response = await postWebhook(live.url, 'support', body, signWebhook(body));
  expect(response.status).toBe(200);
}

/** Pulls results until one with `text`; the results before it. Fails after `ms`. */
async function until(queue: ResultQueue, text: string, ms = 1_000): Promise<any[]> {
  const before: any[] = [];
  for (;;) {
    const result = await queue.next(ms);
    if (result === undefined) throw new Error('stream ended');
    if (result.data?.messageAdded?.text === text) return before;
    before.push(result);
  }
}

/**
 * Sends probes until every subscriber received the same one, then drains up to it: all are
 * listening from then on. (Looks at what arrived rather than pulling with a time-out, so that
 * no result is lost to a pull that gave up.)
 */
async function allListening(queues: ResultQueue[]): Promise<void> {
  const has = (queue: ResultQueue, text: string) => queue.pending().some((result) => result.data?.messageAdded?.text === text);
  for (let round = 0; round < 50; round += 1) {
    const probe = `probe ${round}`;
    await send(probe);
    for (let waited = 0; waited < 1_000 && !queues.every((queue) => has(queue, probe)); waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (!queues.every((queue) => has(queue, probe))) continue;
    for (const queue of queues) await until(queue, probe);
    return;
  }
  throw new Error('subscribers never all listened');
}

describe('shared live executions', () => {
  it('executes each event once per access class and hands every subscriber the same payload, once and in order', async () => {
    const closers: Array<() => void> = [];
    /** Subscribes over SSE or graphql-ws; the stream is closed at the end of the test. */
    const open = async (headers: Record<string, string>, overSse: boolean): Promise<ResultQueue> => {
      const subscription = overSse
        ? await subscribeSse(live.url, MESSAGE_ADDED, { id: conversation.id }, headers)
        : wsClient(live.url, { headers }).subscribe(MESSAGE_ADDED, { id: conversation.id });
      closers.push(subscription.close);
      return subscription.queue;
    };
    const agents = await Promise.all(Array.from({ length: AGENTS }, (_, i) => open(viewerHeaders(`agent-${i}`, ['agent']), i % 2 === 0)));
    const contacts = [await open(viewerHeaders('demo-user'), true), await open(viewerHeaders('demo-user'), false)];
    await allListening([...agents, ...contacts]);

    counter.executions = 0;
    counter.serializations = 0;
    await send('one');
    await send('a private note', { isPrivate: true, messageType: 'outgoing' });
    await send('two');
    const texts = (results: any[]) => results.map((result) => result.data.messageAdded.text);
    const agentResults = await Promise.all(agents.map((queue) => until(queue, 'two', 5_000)));
    const contactResults = await Promise.all(contacts.map((queue) => until(queue, 'two', 5_000)));
    // Two groups: the agents (three events) and the contact (the note never reaches it).
    expect(counter.executions).toBe(3 + 2);
    // And one serialized SSE text per execution, however many SSE subscribers share it.
    expect(counter.serializations).toBe(3 + 2);

    for (const results of agentResults) expect(texts(results)).toEqual(['one', 'a private note']);
    for (const results of contactResults) expect(texts(results)).toEqual(['one']);
    // Identical payloads across transports within a class; the contact's differ only by what it may see.
    for (const results of agentResults) expect(results).toEqual(agentResults[0]);
    expect(contactResults[1]).toEqual(contactResults[0]);
    expect(contactResults[0]![0]).toEqual(agentResults[0]![0]);
    expect(agentResults[0]![1].data.messageAdded.isPrivate).toBe(true);

    // Nothing more: after a last marker, the next result of everyone is that marker.
    await send('last');
    for (const queue of [...agents, ...contacts]) expect(await until(queue, 'last', 5_000)).toEqual([]);
    for (const close of closers) close();
    await vi.waitFor(() => expect(live.gateway.live.openSubscriptions()).toBe(0), { timeout: 5_000 });
  });

  it('executes apart for each viewer when the document selects cursors (they are signed for one viewer)', async () => {
    const withCursor = `subscription ($id: ID!) { messageAdded(conversationId: $id) { text conversation { messages(last: 1) { edges { cursor } } } } }`;
    const viewers = [viewerHeaders('agent-c1', ['agent']), viewerHeaders('agent-c2', ['agent'])];
    const subscriptions = await Promise.all(viewers.map((headers) => subscribeSse(live.url, withCursor, { id: conversation.id }, headers)));
    await allListening(subscriptions.map(({ queue }) => queue));
    await send('paged');
    for (const [i, { queue }] of subscriptions.entries()) {
      let result = await queue.next(5_000);
      while (result.data.messageAdded.text !== 'paged') result = await queue.next(5_000);
      const [edge] = result.data.messageAdded.conversation.messages.edges;
      // The cursor each viewer got pages on for that viewer.
      const page = await graphql(
        live.url,
        `query ($id: ID!, $before: String) { conversation(id: $id) { messages(last: 1, before: $before) { edges { cursor } } } }`,
        { id: conversation.id, before: edge.cursor },
        viewers[i]!,
      );
      expect(page.errors).toBeUndefined();
    }
    for (const { close } of subscriptions) close();
  });

  it("executes apart for each viewer when the document selects the viewer's own counts", async () => {
    const withCounts = `subscription ($id: ID!) { messageAdded(conversationId: $id) { text conversation { source { conversationCounts { mine } } } } }`;
    const subscriptions = await Promise.all(
      ['agent-m1', 'agent-m2'].map((id) => subscribeSse(live.url, withCounts, { id: conversation.id }, viewerHeaders(id, ['agent']))),
    );
    await allListening(subscriptions.map(({ queue }) => queue));
    counter.executions = 0;
    await send('counted');
    for (const { queue } of subscriptions) await until(queue, 'counted', 5_000);
    expect(counter.executions).toBe(2);
    for (const { close } of subscriptions) close();
  });

  it('keeps different documents apart', async () => {
    const other = `subscription ($id: ID!) { messageAdded(conversationId: $id) { text } }`;
    const agent = viewerHeaders('agent-x', ['agent']);
    const full = (await subscribeSse(live.url, MESSAGE_ADDED, { id: conversation.id }, agent)).queue;
    const slim = (await subscribeSse(live.url, other, { id: conversation.id }, agent)).queue;
    await allListening([full, slim]);
    counter.executions = 0;
    await send('apart');
    await until(full, 'apart');
    await until(slim, 'apart');
    expect(counter.executions).toBe(2);
  });
});
