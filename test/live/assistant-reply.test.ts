/**
 * `assistantReply` over real sockets against the Dify simulator's streaming `/chat-messages`:
 * several deltas whose concatenation is the stored answer, agent steps, an error event sent
 * with HTTP 200, an early disconnect that stops the upstream task, and sendMessage's
 * idempotency rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/core/global-id.js';
import { graphql, startLiveGateway, subscribeSse, viewerHeaders, wsClient, type LiveGateway } from './helpers.js';

const REPLY = `subscription ($input: SendMessageInput!) {
  assistantReply(input: $input) {
    __typename
    ... on AssistantReplyDelta { text replace }
    ... on AssistantReplyThought { position thought tool toolInput observation }
    ... on AssistantReplyCompleted { conversation { id } messages { id role text externalId } }
  }
}`;
const VIEWER = viewerHeaders('demo-user');

let live: LiveGateway;
const logs: Array<Record<string, unknown>> = [];
let chatId: string;
let agentId: string;

beforeAll(async () => {
  live = await startLiveGateway({ demo: { difyStreamDelayMs: 15 }, logs });
  const data = live.backends.simulators.assistant.data;
  const mine = data.filter((conversation) => conversation.user === 'demo-user');
  chatId = globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: mine.find((c) => c.mode !== 'agent-chat')!.id });
  agentId = globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: mine.find((c) => c.mode === 'agent-chat')!.id });
});
afterAll(() => live.close());

/** Every result of a subscription until it ends. */
async function all(queue: { next(ms?: number): Promise<any> }) {
  const results: any[] = [];
  for (let result = await queue.next(10_000); result !== undefined; result = await queue.next(10_000)) results.push(result);
  return results;
}

const chatPosts = () =>
  live.backends.simulators.assistant.requests.filter((request) => request.method === 'POST' && request.path === '/v1/chat-messages').length;

describe('assistantReply', () => {
  it('streams several deltas whose concatenation is the stored answer, then the stored messages', async () => {
    const sse = await subscribeSse(live.url, REPLY, { input: { conversationId: chatId, text: 'How do I merge two tickets?' } }, VIEWER);
    const results = await all(sse.queue);
    for (const result of results) expect(result.errors).toBeUndefined();
    const events = results.map((result) => result.data.assistantReply);
    const deltas = events.filter((event) => event.__typename === 'AssistantReplyDelta');
    expect(deltas.length).toBeGreaterThan(2);
    const completed = events.at(-1);
    expect(completed.__typename).toBe('AssistantReplyCompleted');
    expect(completed.conversation.id).toBe(chatId);
    expect(completed.messages.map((message: any) => message.role)).toEqual(['USER', 'ASSISTANT']);
    expect(completed.messages[0].text).toBe('How do I merge two tickets?');
    expect(deltas.map((delta: any) => delta.text).join('')).toBe(completed.messages[1].text);
    // The same messages a read returns afterwards.
    const read = await graphql(live.url, `query ($id: ID!) { conversation(id: $id) { messages(last: 2) { edges { node { id text } } } } }`, { id: chatId }, VIEWER);
    expect(read.data.conversation.messages.edges.map((edge: any) => edge.node.id)).toEqual(completed.messages.map((message: any) => message.id));
  });

  it('streams agent steps in an agent app, over graphql-ws', async () => {
    const ws = wsClient(live.url, { headers: VIEWER });
    const results = await all(ws.subscribe(REPLY, { input: { conversationId: agentId, text: 'Which tags had bad ratings this week?' } }).queue);
    const events = results.map((result) => result.data.assistantReply);
    const thoughts = events.filter((event) => event.__typename === 'AssistantReplyThought');
    expect(thoughts.length).toBeGreaterThan(0);
    expect(thoughts.some((thought: any) => thought.tool && thought.toolInput)).toBe(true);
    expect(events.at(-1).__typename).toBe('AssistantReplyCompleted');
    await ws.client.dispose();
  });

  it('stops the upstream task when the subscriber goes away early', async () => {
    const simulator = live.backends.simulators.assistant;
    const before = simulator.stopCalls.length;
    const sse = await subscribeSse(live.url, REPLY, { input: { conversationId: chatId, text: 'Tell me everything about SLAs.' } }, VIEWER);
    const first = await sse.queue.next(10_000);
    expect(first.data.assistantReply.__typename).toBe('AssistantReplyDelta');
    sse.close();
    for (let attempt = 0; attempt < 50 && simulator.stopCalls.length === before; attempt += 1) await new Promise((r) => setTimeout(r, 50));
    expect(simulator.stopCalls.slice(before)).toEqual([expect.objectContaining({ user: 'demo-user', honoured: true })]);
  });

  it('audits a reply the subscriber left early as CANCELLED, not as an upstream error', async () => {
    const audited = () => logs.filter((line) => line.audit === 'write' && line.operation === 'assistantReply');
    const before = audited().length;
    const sse = await subscribeSse(live.url, REPLY, { input: { conversationId: chatId, text: 'Explain SLAs at length.' } }, VIEWER);
    expect((await sse.queue.next(10_000)).data.assistantReply.__typename).toBe('AssistantReplyDelta');
    sse.close();
    for (let attempt = 0; attempt < 100 && audited().length === before; attempt += 1) await new Promise((r) => setTimeout(r, 50));
    expect(audited().slice(before)).toEqual([expect.objectContaining({ sourceId: 'assistant', viewerId: 'demo-user', outcome: 'CANCELLED' })]);
  });

  it('ends with UPSTREAM_ERROR after an error event sent with HTTP 200', async () => {
    live.backends.simulators.assistant.injectStreamFault({ kind: 'error', afterDeltas: 2 });
    const sse = await subscribeSse(live.url, REPLY, { input: { conversationId: chatId, text: 'This one fails.' } }, VIEWER);
    const results = await all(sse.queue);
    expect(results.slice(0, -1).map((result) => result.data.assistantReply.__typename)).toEqual(['AssistantReplyDelta', 'AssistantReplyDelta']);
    expect(results.at(-1).errors[0].extensions).toMatchObject({ code: 'UPSTREAM_ERROR', sourceId: 'assistant' });
  });

  it('replays a repeated idempotency key without calling Dify, like sendMessage', async () => {
    const input = { conversationId: chatId, text: 'Idempotent question', idempotencyKey: 'reply-key-1' };
    const first = (await all((await subscribeSse(live.url, REPLY, { input }, VIEWER)).queue)).map((r) => r.data.assistantReply);
    const posts = chatPosts();
    const again = (await all((await subscribeSse(live.url, REPLY, { input }, VIEWER)).queue)).map((r) => r.data.assistantReply);
    expect(again).toHaveLength(1);
    expect(again[0]).toEqual(first.at(-1));
    // sendMessage with the same key answers the same first result.
    const mutation = await graphql(
      live.url,
      `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messages { id } } }`,
      { input },
      VIEWER,
    );
    expect(mutation.data.sendMessage.messages.map((m: any) => m.id)).toEqual(first.at(-1).messages.map((m: any) => m.id));
    expect(chatPosts()).toBe(posts);
  });

  it('refuses what sendMessage refuses, before any stream', async () => {
    const foreign = await subscribeSse(live.url, REPLY, { input: { conversationId: chatId, text: 'hi' } }, viewerHeaders('mallory'));
    expect((await foreign.queue.next()).errors[0].extensions.code).toBe('NOT_FOUND');
    const both = await subscribeSse(live.url, REPLY, { input: { conversationId: chatId, sourceId: 'assistant', text: 'hi' } }, VIEWER);
    expect((await both.queue.next()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const support = await graphql(live.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id } } } } }`, {}, VIEWER);
    const chatwoot = await subscribeSse(
      live.url,
      REPLY,
      { input: { conversationId: support.data.source.conversations.edges[0].node.id, text: 'hi' } },
      viewerHeaders('priya', ['agent']),
    );
    expect((await chatwoot.queue.next()).errors[0].extensions.code).toBe('NOT_SUPPORTED');
  });
});
