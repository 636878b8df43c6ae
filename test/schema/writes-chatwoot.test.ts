/**
 * Chatwoot and REST writes over real HTTP against the simulators: agents reply, write private
 * notes and change status; contacts get FORBIDDEN on their own conversations and NOT_FOUND on
 * others'; what a backend cannot do is NOT_SUPPORTED without an upstream call; a private note
 * sent by an agent stays invisible to the contact on every read path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/core/global-id.js';
import { AGENT, conversationId, DEMO, startWritesGateway, type WritesGateway } from './writes-setup.js';

let gw: WritesGateway;
beforeAll(async () => {
  gw = await startWritesGateway();
});
afterAll(() => gw.close());

/** Display ids in the seeded account: 19 is the demo contact's long thread, 5 is alice's. */
const DEMO_THREAD = conversationId('support', '19');
const ALICE_THREAD = conversationId('support', '5');

const SEND = `mutation ($input: SendMessageInput!) { sendMessage(input: $input) {
  clientMutationId conversation { id status } messages { id role text isPrivate } } }`;
const STATUS = `mutation ($input: SetConversationStatusInput!) { setConversationStatus(input: $input) { clientMutationId conversation { id status } } }`;
const LAST = `query ($id: ID!) { conversation(id: $id) { status messages(last: 30) { edges { node { id text isPrivate } } } } }`;
const posts = (path: RegExp) => gw.backends.simulators.support.calls('POST', path);

describe('sendMessage (Chatwoot)', () => {
  it('lets an agent reply; the reply is in the next read', async () => {
    const answer = await gw.run(SEND, { input: { conversationId: DEMO_THREAD, text: 'Happy to help with that.', clientMutationId: 'a1' } }, AGENT);
    expect(answer.errors).toBeUndefined();
    const payload = answer.data.sendMessage;
    expect(payload.clientMutationId).toBe('a1');
    expect(payload.messages).toEqual([expect.objectContaining({ role: 'AGENT', text: 'Happy to help with that.', isPrivate: false })]);
    const read = await gw.run(LAST, { id: DEMO_THREAD }, DEMO);
    expect(read.data.conversation.messages.edges.map((edge: any) => edge.node.id)).toContain(payload.messages[0].id);
  });

  it('keeps a private note from the contact on every read path', async () => {
    const note = 'Customer sounded upset, offer a voucher';
    const answer = await gw.run(SEND, { input: { conversationId: DEMO_THREAD, text: note, private: true } }, AGENT);
    expect(answer.errors).toBeUndefined();
    const created = answer.data.sendMessage.messages[0];
    expect(created.isPrivate).toBe(true);
    const agentRead = await gw.run(LAST, { id: DEMO_THREAD }, AGENT);
    expect(agentRead.data.conversation.messages.edges.some((edge: any) => edge.node.text === note)).toBe(true);
    const contactRead = await gw.run(LAST, { id: DEMO_THREAD }, DEMO);
    expect(JSON.stringify(contactRead.data)).not.toContain(note);
    const node = await gw.run(`query ($id: ID!) { node(id: $id) { id ... on Message { text } } }`, { id: created.id }, DEMO);
    expect(node.data.node).toBeNull();
    expect(node.errors[0].extensions.code).toBe('NOT_FOUND');
    const nodes = await gw.run(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [created.id] }, DEMO);
    expect(nodes.data.nodes).toEqual([null]);
    const merged = await gw.run(`{ conversations(first: 20) { edges { node { messages(last: 5) { edges { node { text } } } } } } }`, {}, DEMO);
    expect(JSON.stringify(merged.data)).not.toContain(note);
  });

  it('refuses contacts: FORBIDDEN on their own conversation, NOT_FOUND on a foreign one, without a POST', async () => {
    const before = posts(/\/messages$/);
    const own = await gw.run(SEND, { input: { conversationId: DEMO_THREAD, text: 'hello' } }, DEMO);
    expect(own.data.sendMessage).toBeNull();
    expect(own.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', sourceId: 'support' });
    const foreign = await gw.run(SEND, { input: { conversationId: ALICE_THREAD, text: 'hello' } }, DEMO);
    const absent = await gw.run(SEND, { input: { conversationId: conversationId('support', '99999'), text: 'hello' } }, DEMO);
    expect(foreign.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(absent.errors[0].extensions).toEqual(foreign.errors[0].extensions);
    expect(posts(/\/messages$/)).toBe(before);
  });

  it('cannot start a conversation (NOT_SUPPORTED)', async () => {
    const answer = await gw.run(SEND, { input: { sourceId: 'support', text: 'new thread' } }, AGENT);
    expect(answer.errors[0].extensions).toMatchObject({ code: 'NOT_SUPPORTED', sourceId: 'support' });
  });
});

describe('setConversationStatus (Chatwoot)', () => {
  it('lets an agent resolve and reopen; the next read shows it', async () => {
    const resolved = await gw.run(STATUS, { input: { conversationId: DEMO_THREAD, status: 'RESOLVED', clientMutationId: 's1' } }, AGENT);
    expect(resolved.errors).toBeUndefined();
    expect(resolved.data.setConversationStatus).toMatchObject({ clientMutationId: 's1', conversation: { status: 'RESOLVED' } });
    const read = await gw.run(LAST, { id: DEMO_THREAD }, DEMO);
    expect(read.data.conversation.status).toBe('RESOLVED');
    const reopened = await gw.run(STATUS, { input: { conversationId: DEMO_THREAD, status: 'OPEN' } }, AGENT);
    expect(reopened.data.setConversationStatus.conversation.status).toBe('OPEN');
  });

  it('snoozes until a time, and refuses snoozedUntil with another status', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const snoozed = await gw.run(STATUS, { input: { conversationId: DEMO_THREAD, status: 'SNOOZED', snoozedUntil: until } }, AGENT);
    expect(snoozed.errors).toBeUndefined();
    expect(snoozed.data.setConversationStatus.conversation.status).toBe('SNOOZED');
    const bad = await gw.run(STATUS, { input: { conversationId: DEMO_THREAD, status: 'OPEN', snoozedUntil: until } }, AGENT);
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    await gw.run(STATUS, { input: { conversationId: DEMO_THREAD, status: 'OPEN' } }, AGENT);
  });

  it('refuses contacts (FORBIDDEN) and hides foreign conversations (NOT_FOUND)', async () => {
    const before = posts(/toggle_status$/);
    const own = await gw.run(STATUS, { input: { conversationId: DEMO_THREAD, status: 'RESOLVED' } }, DEMO);
    expect(own.errors[0].extensions.code).toBe('FORBIDDEN');
    const foreign = await gw.run(STATUS, { input: { conversationId: ALICE_THREAD, status: 'RESOLVED' } }, DEMO);
    expect(foreign.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(posts(/toggle_status$/)).toBe(before);
  });
});

describe('what Chatwoot and REST cannot do', () => {
  it('answers NOT_SUPPORTED from capabilities, with no upstream call', async () => {
    const restConversation = conversationId('legacy', 'conv_001');
    const chatwootMessage = globalIdOf({ type: 'Message', sourceId: 'support', conversationId: '19', key: '1' });
    const calls = () => gw.backends.simulators.support.requests.length + gw.backends.simulators.legacy.requests.length;
    const before = calls();
    const cases: Array<[string, Record<string, unknown>]> = [
      [`mutation ($input: RateMessageInput!) { rateMessage(input: $input) { message { id } } }`, { messageId: chatwootMessage, rating: 'LIKE' }],
      [`mutation ($input: RenameConversationInput!) { renameConversation(input: $input) { conversation { id } } }`, { conversationId: DEMO_THREAD, name: 'x' }],
      [`mutation ($input: DeleteConversationInput!) { deleteConversation(input: $input) { deletedConversationId } }`, { conversationId: DEMO_THREAD }],
      [`mutation ($input: DeleteConversationInput!) { deleteConversation(input: $input) { deletedConversationId } }`, { conversationId: restConversation }],
      [SEND, { conversationId: restConversation, text: 'hi' }],
      [STATUS, { conversationId: restConversation, status: 'RESOLVED' }],
    ];
    for (const [query, input] of cases) {
      const answer = await gw.run(query, { input }, AGENT);
      expect(answer.errors?.[0]?.extensions?.code, query).toBe('NOT_SUPPORTED');
    }
    expect(calls()).toBe(before);
  });
});
