/**
 * Dify writes over real HTTP against the simulator: each mutation's success, the write visible
 * in the next read, bad input, foreign ids answered like absent ones, no retry of a POST, 429,
 * idempotent replay without upstream calls, and the audit line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIFY_ALICE_CONVERSATION_ID, DIFY_DEMO_API_KEY } from '../../src/demo/simulators/dify/fixtures.js';
import { EXAMPLE_MUTATION } from '../../src/yoga/yoga.js';
import { conversationId, startWritesGateway, type WritesGateway } from './writes-setup.js';

let gw: WritesGateway;
beforeAll(async () => {
  gw = await startWritesGateway();
});
afterAll(() => gw.close());

const SEND = `mutation ($input: SendMessageInput!) { sendMessage(input: $input) {
  clientMutationId conversation { id title } messages { id role text feedback { rating } } } }`;
const RATE = `mutation ($input: RateMessageInput!) { rateMessage(input: $input) { clientMutationId message { id feedback { id rating content } } } }`;
const RENAME = `mutation ($input: RenameConversationInput!) { renameConversation(input: $input) { conversation { id title } } }`;
const DELETE = `mutation ($input: DeleteConversationInput!) { deleteConversation(input: $input) { deletedConversationId } }`;
const READ = `query ($id: ID!) { conversation(id: $id) { id title messages(last: 10) { edges { node { id role text feedback { rating content } } } } } }`;

const chatCalls = () => gw.backends.simulators.assistant.calls('POST', '/v1/chat-messages');

async function newConversation(text = 'What are your opening hours?') {
  const answer = await gw.run(SEND, { input: { sourceId: 'assistant', text } });
  expect(answer.errors).toBeUndefined();
  return answer.data.sendMessage as { conversation: { id: string }; messages: Array<{ id: string; role: string; text: string }> };
}

describe('sendMessage (Dify, blocking)', () => {
  it('starts a conversation and answers the USER and ASSISTANT halves, visible in the next read', async () => {
    const before = chatCalls();
    const answer = await gw.run(SEND, { input: { sourceId: 'assistant', text: 'Do you ship to Norway?', clientMutationId: 'c-1' } });
    expect(answer.errors).toBeUndefined();
    const payload = answer.data.sendMessage;
    expect(payload.clientMutationId).toBe('c-1');
    expect(payload.messages.map((message: any) => message.role)).toEqual(['USER', 'ASSISTANT']);
    expect(payload.messages[0].text).toBe('Do you ship to Norway?');
    expect(payload.messages[1].text.length).toBeGreaterThan(0);
    expect(chatCalls()).toBe(before + 1);
    const read = await gw.run(READ, { id: payload.conversation.id });
    const ids = read.data.conversation.messages.edges.map((edge: any) => edge.node.id);
    expect(ids).toEqual(expect.arrayContaining(payload.messages.map((message: any) => message.id)));
  });

  it("runs GraphiQL's example mutation as it stands in demo mode", async () => {
    const response = await gw.yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-user': 'demo-user' },
      body: JSON.stringify({ query: EXAMPLE_MUTATION }),
    });
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.sendMessage.clientMutationId).toBe('graphiql-1');
    expect(body.data.sendMessage.messages[1].audioUrl).toMatch(/^\/audio\/messages\//);
  });

  it('replays a repeated idempotency key without any upstream call', async () => {
    const input = { sourceId: 'assistant', text: 'Please reset my password', idempotencyKey: 'key-42' };
    const first = await gw.run(SEND, { input });
    const calls = gw.backends.simulators.assistant.requests.length;
    const again = await gw.run(SEND, { input });
    expect(again.errors).toBeUndefined();
    expect(again.data.sendMessage.messages.map((m: any) => m.id)).toEqual(first.data.sendMessage.messages.map((m: any) => m.id));
    // The payload's conversation is read, but nothing is sent: no POST at all.
    const since = gw.backends.simulators.assistant.requests.slice(calls);
    expect(since.filter((request) => request.method === 'POST')).toEqual([]);
    // Another viewer's identical key is a different send.
    const other = await gw.run(SEND, { input }, { id: 'alice' });
    expect(other.data.sendMessage.messages[0].id).not.toBe(first.data.sendMessage.messages[0].id);
  });

  it('sends once when the same key arrives twice at the same time', async () => {
    const before = chatCalls();
    const input = { sourceId: 'assistant', text: 'Two taps on send', idempotencyKey: 'double-tap' };
    const [first, second] = await Promise.all([gw.run(SEND, { input }), gw.run(SEND, { input })]);
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    expect(second.data.sendMessage.messages).toEqual(first.data.sendMessage.messages);
    expect(chatCalls()).toBe(before + 1);
  });

  it('refuses bad input without calling the upstream', async () => {
    const before = chatCalls();
    const both = await gw.run(SEND, {
      input: { sourceId: 'assistant', conversationId: conversationId('assistant', DIFY_ALICE_CONVERSATION_ID), text: 'x' },
    });
    expect(both.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const blank = await gw.run(SEND, { input: { sourceId: 'assistant', text: '   ' } });
    expect(blank.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const inputs = await gw.run(SEND, { input: { sourceId: 'assistant', text: 'hi', inputs: [1, 2] } });
    expect(inputs.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const malformed = await gw.run(SEND, { input: { conversationId: 'nope', text: 'hi' } });
    expect(malformed.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(chatCalls()).toBe(before);
  });

  it('answers a foreign conversation exactly like an absent one', async () => {
    const foreign = await gw.run(SEND, { input: { conversationId: conversationId('assistant', DIFY_ALICE_CONVERSATION_ID), text: 'hi' } });
    const absent = await gw.run(SEND, {
      input: { conversationId: conversationId('assistant', '00000000-0000-4000-8000-000000000000'), text: 'hi' },
    });
    expect(foreign.data.sendMessage).toBeNull();
    expect(foreign.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(absent.errors[0].extensions).toEqual(foreign.errors[0].extensions);
    expect(absent.errors[0].message).toBe(foreign.errors[0].message);
  });

  it('never retries a POST that met a 503 (the simulator counts one call)', async () => {
    const before = chatCalls();
    gw.backends.simulators.assistant.injectFailure({ status: 503, body: { code: 'unavailable', message: 'busy', status: 503 } }, 1, {
      method: 'POST',
      path: '/v1/chat-messages',
    });
    const answer = await gw.run(SEND, { input: { sourceId: 'assistant', text: 'Are you there?' } });
    expect(answer.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(chatCalls()).toBe(before + 1);
  });

  it('maps a 429 to RATE_LIMITED with retryAfter', async () => {
    const simulator = gw.backends.simulators.assistant;
    const before = chatCalls();
    simulator.injectFailure({ status: 429, headers: { 'retry-after': '7' }, body: { code: 'too_many_requests', message: 'slow down', status: 429 } }, 1, {
      method: 'POST',
      path: '/v1/chat-messages',
    });
    const answer = await gw.run(SEND, { input: { sourceId: 'assistant', text: 'Hello?' } });
    expect(answer.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 7, sourceId: 'assistant' });
    expect(chatCalls()).toBe(before + 1);
  });
});

describe('rateMessage (Dify)', () => {
  it('rates an ASSISTANT half, shows it in the payload and the next read, and clears it', async () => {
    const sent = await newConversation();
    const assistant = sent.messages[1]!;
    const rated = await gw.run(RATE, { input: { messageId: assistant.id, rating: 'LIKE', content: 'clear answer', clientMutationId: 'r1' } });
    expect(rated.errors).toBeUndefined();
    expect(rated.data.rateMessage.clientMutationId).toBe('r1');
    expect(rated.data.rateMessage.message.feedback).toMatchObject({ rating: 'LIKE', content: 'clear answer' });
    const read = await gw.run(READ, { id: sent.conversation.id });
    const node = read.data.conversation.messages.edges.find((edge: any) => edge.node.id === assistant.id).node;
    expect(node.feedback.rating).toBe('LIKE');
    // The feedback is a node of its own, found again by its id.
    const feedbackId = rated.data.rateMessage.message.feedback.id;
    const found = await gw.run(`query ($id: ID!) { node(id: $id) { id ... on Feedback { rating message { id } } } }`, { id: feedbackId });
    expect(found.data.node).toEqual({ id: feedbackId, rating: 'LIKE', message: { id: assistant.id } });
    const cleared = await gw.run(RATE, { input: { messageId: assistant.id, rating: null } });
    expect(cleared.errors).toBeUndefined();
    expect(cleared.data.rateMessage.message.feedback).toBeNull();
  });

  it('refuses a USER half as BAD_USER_INPUT before calling the upstream', async () => {
    const sent = await newConversation();
    const before = gw.backends.simulators.assistant.calls('POST', /\/feedbacks$/);
    const answer = await gw.run(RATE, { input: { messageId: sent.messages[0]!.id, rating: 'DISLIKE' } });
    expect(answer.data.rateMessage).toBeNull();
    expect(answer.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(gw.backends.simulators.assistant.calls('POST', /\/feedbacks$/)).toBe(before);
  });

  it("answers another user's message like an absent one", async () => {
    const alices = await newConversationAs('alice');
    const foreign = await gw.run(RATE, { input: { messageId: alices.messages[1]!.id, rating: 'LIKE' } });
    expect(foreign.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

async function newConversationAs(id: string) {
  const answer = await gw.run(SEND, { input: { sourceId: 'assistant', text: 'Hi from ' + id } }, { id });
  return answer.data.sendMessage as { conversation: { id: string }; messages: Array<{ id: string }> };
}

describe('renameConversation and deleteConversation (Dify)', () => {
  it('renames, and the next read shows the new title', async () => {
    const sent = await newConversation();
    const renamed = await gw.run(RENAME, { input: { conversationId: sent.conversation.id, name: 'Opening hours' } });
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data.renameConversation.conversation.title).toBe('Opening hours');
    const read = await gw.run(READ, { id: sent.conversation.id });
    expect(read.data.conversation.title).toBe('Opening hours');
    const auto = await gw.run(RENAME, { input: { conversationId: sent.conversation.id, autoGenerate: true } });
    expect(auto.errors).toBeUndefined();
    expect(auto.data.renameConversation.conversation.title).toEqual(expect.any(String));
  });

  it('refuses neither name nor autoGenerate as BAD_USER_INPUT', async () => {
    const sent = await newConversation();
    for (const input of [{ conversationId: sent.conversation.id }, { conversationId: sent.conversation.id, name: '  ' }]) {
      const answer = await gw.run(RENAME, { input });
      expect(answer.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('deletes, after which reading it is NOT_FOUND; a foreign one is NOT_FOUND', async () => {
    const sent = await newConversation();
    const deleted = await gw.run(DELETE, { input: { conversationId: sent.conversation.id } });
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data.deleteConversation.deletedConversationId).toBe(sent.conversation.id);
    const read = await gw.run(READ, { id: sent.conversation.id });
    expect(read.errors[0].extensions.code).toBe('NOT_FOUND');
    const foreign = await gw.run(DELETE, { input: { conversationId: conversationId('assistant', DIFY_ALICE_CONVERSATION_ID) } });
    expect(foreign.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('setConversationStatus on Dify', () => {
  it('is NOT_SUPPORTED without an upstream call', async () => {
    const sent = await newConversation();
    const requests = gw.backends.simulators.assistant.requests.length;
    const answer = await gw.run(`mutation ($input: SetConversationStatusInput!) { setConversationStatus(input: $input) { conversation { id } } }`, {
      input: { conversationId: sent.conversation.id, status: 'RESOLVED' },
    });
    expect(answer.errors[0].extensions).toMatchObject({ code: 'NOT_SUPPORTED', sourceId: 'assistant' });
    expect(gw.backends.simulators.assistant.requests.length).toBe(requests);
  });
});

describe('audit', () => {
  it('logs one line per write with operation, source, viewer, target, outcome and duration, never text or keys', async () => {
    const text = 'my secret order number is 99812';
    await gw.run(SEND, { input: { sourceId: 'assistant', text } });
    const lines = gw.logs.filter((line) => line.audit === 'write');
    expect(lines.length).toBeGreaterThan(5);
    const last = lines.at(-1)!;
    expect(last).toMatchObject({ operation: 'sendMessage', sourceId: 'assistant', viewerId: 'demo-user', outcome: 'OK' });
    expect(last.durationMs).toEqual(expect.any(Number));
    expect(lines.some((line) => line.outcome === 'NOT_FOUND')).toBe(true);
    expect(gw.logText()).not.toContain(text);
    expect(gw.logText()).not.toContain(DIFY_DEMO_API_KEY);
  });

  it('refuses mutations over GET, before any upstream call', async () => {
    const sent = await newConversation();
    const requests = gw.backends.simulators.assistant.requests.length;
    const query = encodeURIComponent(
      `mutation { deleteConversation(input: { conversationId: "${sent.conversation.id}" }) { deletedConversationId } }`,
    );
    for (const headers of [
      { 'x-chat-user': 'demo-user', accept: 'application/json' },
      // Past the CSRF check, GraphQL over HTTP still refuses a mutation on GET.
      { 'x-chat-user': 'demo-user', accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    ]) {
      const response = await gw.yoga.fetch(`http://gateway.test/graphql?query=${query}`, { headers });
      expect([403, 405]).toContain(response.status);
    }
    expect(gw.backends.simulators.assistant.requests.length).toBe(requests);
    const read = await gw.run(READ, { id: sent.conversation.id });
    expect(read.errors).toBeUndefined();
  });
});
