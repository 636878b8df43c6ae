/**
 * Agent actions end to end on real sockets: an agent assigns, labels, prioritises and marks read
 * a Chatwoot conversation through GraphQL over HTTP; each change is in the mutation's payload,
 * in the next query, and reaches a `conversationUpdated` subscription over SSE — through the
 * simulator's `conversation_updated` webhook, or (mark read, which Chatwoot does not announce)
 * through the gateway's own publish.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/core/global-id.js';
import { graphql, startLiveGateway, subscribeSse, viewerHeaders, type LiveGateway, type ResultQueue } from './helpers.js';

/** Priya Raman, administrator in the seeded account: the gateway viewer with her email is her agent. */
const PRIYA = { ...viewerHeaders('priya', ['agent']), 'x-chat-email': 'priya@acme-support.example' };
/** Display id of the demo contact's order-notification thread (API inbox, unassigned, no labels). */
const THREAD = '3';
const MARCO = globalIdOf({ type: 'Sender', sourceId: 'support', kind: 'AGENT', idScope: 'user', externalId: '2', name: null });
const STATE = 'id unreadCount lastSeenAt assignee { id name kind } labels priority';

let live: LiveGateway;
let conversationId: string;
let sse: Awaited<ReturnType<typeof subscribeSse>>;

beforeAll(async () => {
  live = await startLiveGateway();
  conversationId = globalIdOf({ type: 'Conversation', sourceId: 'support', conversationId: THREAD });
  sse = await subscribeSse(live.url, `subscription { conversationUpdated(sourceIds: ["support"]) { ${STATE} } }`, {}, PRIYA);
  expect(sse.status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 200));
});
afterAll(async () => {
  sse?.close();
  await live?.close();
});

/** Runs a mutation as Priya; fails on any error. */
async function mutate(query: string, input: Record<string, unknown>) {
  const answer = await graphql(live.url, query, { input: { conversationId, ...input } }, PRIYA);
  expect(answer.errors).toBeUndefined();
  return answer.data;
}

/** The conversation as the next query reads it. */
async function read() {
  const answer = await graphql(live.url, `query ($id: ID!) { conversation(id: $id) { ${STATE} } }`, { id: conversationId }, PRIYA);
  expect(answer.errors).toBeUndefined();
  return answer.data.conversation;
}

/** The next event about this conversation that satisfies `check` (other events are skipped). */
async function eventWhere(queue: ResultQueue, check: (conversation: any) => boolean) {
  for (;;) {
    const event = await queue.next(5_000);
    expect(event?.errors).toBeUndefined();
    const conversation = event.data.conversationUpdated;
    if (conversation.id === conversationId && check(conversation)) return conversation;
  }
}

const ASSIGN = `mutation ($input: AssignConversationInput!) { assignConversation(input: $input) { clientMutationId conversation { ${STATE} } } }`;
const ADD = `mutation ($input: AddConversationLabelsInput!) { addConversationLabels(input: $input) { ignoredLabels conversation { ${STATE} } } }`;
const REMOVE = `mutation ($input: RemoveConversationLabelsInput!) { removeConversationLabels(input: $input) { conversation { ${STATE} } } }`;
const PRIORITY = `mutation ($input: SetConversationPriorityInput!) { setConversationPriority(input: $input) { conversation { ${STATE} } } }`;
const READ = `mutation ($input: MarkConversationReadInput!) { markConversationRead(input: $input) { conversation { ${STATE} } } }`;

describe('agent actions on a Chatwoot conversation', () => {
  it('assigns to me, to another agent and to nobody', async () => {
    const mine = await mutate(ASSIGN, { assignTo: 'ME', clientMutationId: 'as1' });
    expect(mine.assignConversation.clientMutationId).toBe('as1');
    expect(mine.assignConversation.conversation.assignee).toMatchObject({ name: 'Priya Raman', kind: 'AGENT' });
    expect((await read()).assignee.name).toBe('Priya Raman');
    expect((await eventWhere(sse.queue, (c) => c.assignee?.name === 'Priya Raman')).assignee.kind).toBe('AGENT');

    const marco = await mutate(ASSIGN, { assignTo: 'AGENT', agentId: MARCO });
    expect(marco.assignConversation.conversation.assignee).toEqual({ id: MARCO, name: 'Marco Bianchi', kind: 'AGENT' });
    expect((await read()).assignee.id).toBe(MARCO);
    await eventWhere(sse.queue, (c) => c.assignee?.id === MARCO);

    const nobody = await mutate(ASSIGN, { assignTo: 'NOBODY' });
    expect(nobody.assignConversation.conversation.assignee).toBeNull();
    expect((await read()).assignee).toBeNull();
    await eventWhere(sse.queue, (c) => c.assignee === null);
  });

  it('adds and removes labels, reporting those the account does not define', async () => {
    const added = await mutate(ADD, { labels: ['vip', 'billing', 'no-such-label'] });
    expect(added.addConversationLabels.ignoredLabels).toEqual(['no-such-label']);
    expect(added.addConversationLabels.conversation.labels).toEqual(['vip', 'billing']);
    expect((await read()).labels).toEqual(['vip', 'billing']);
    await eventWhere(sse.queue, (c) => c.labels.join() === 'vip,billing');

    const removed = await mutate(REMOVE, { labels: ['vip'] });
    expect(removed.removeConversationLabels.conversation.labels).toEqual(['billing']);
    expect((await read()).labels).toEqual(['billing']);
    await eventWhere(sse.queue, (c) => c.labels.join() === 'billing');
  });

  it('loses neither of two label additions made at the same time', async () => {
    await Promise.all([mutate(ADD, { labels: ['refund'] }), mutate(ADD, { labels: ['shipping'] })]);
    expect([...(await read()).labels].sort()).toEqual(['billing', 'refund', 'shipping']);
  });

  it('sets and clears the priority', async () => {
    const urgent = await mutate(PRIORITY, { priority: 'URGENT' });
    expect(urgent.setConversationPriority.conversation.priority).toBe('URGENT');
    expect((await read()).priority).toBe('URGENT');
    await eventWhere(sse.queue, (c) => c.priority === 'URGENT');

    const cleared = await mutate(PRIORITY, { priority: null });
    expect(cleared.setConversationPriority.conversation.priority).toBeNull();
    expect((await read()).priority).toBeNull();
    await eventWhere(sse.queue, (c) => c.priority === null);
  });

  it('marks read: the unread count drops to 0 and the subscription sees it', async () => {
    // The contact writes (an API inbox takes incoming messages through the Application API).
    const { baseUrl, apiAccessToken, accountId } = live.backends.simulators.support.sourceConfig as Record<string, string>;
    const posted = await fetch(`${baseUrl}/api/v1/accounts/${accountId}/conversations/${THREAD}/messages`, {
      method: 'POST',
      headers: { api_access_token: String(apiAccessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Where is my parcel?', message_type: 'incoming' }),
    });
    expect(posted.status).toBe(200);
    const before = await read();
    expect(before.unreadCount).toBeGreaterThan(0);

    const marked = await mutate(READ, {});
    const after = marked.markConversationRead.conversation;
    expect(after.unreadCount).toBe(0);
    expect(Date.parse(after.lastSeenAt)).toBeGreaterThan(Date.parse(before.lastSeenAt ?? '1970-01-01T00:00:00Z'));
    expect((await read()).unreadCount).toBe(0);
    const event = await eventWhere(sse.queue, (c) => c.unreadCount === 0);
    expect(event.lastSeenAt).toBe(after.lastSeenAt);
  });
});
