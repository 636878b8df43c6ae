/**
 * Conversation variables through GraphQL over the Dify simulator: `Conversation.variables` as a
 * forward Relay connection, NOT_SUPPORTED elsewhere, `updateConversationVariable` by id and by
 * name visible in the next read, a value of the wrong type, another viewer's conversation
 * answered like an absent one before any write, no retry of the PUT, and the audit line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHATWOOT_LONG_CONVERSATION_ID } from '../../src/demo/simulators/chatwoot/fixtures.js';
import { DIFY_ALICE_CONVERSATION_ID, DIFY_LONG_CONVERSATION_ID } from '../../src/demo/simulators/dify/fixtures.js';
import type { DifySimulator } from '../../src/demo/simulators/dify/server.js';
import { conversationId, startWritesGateway, type WritesGateway } from './writes-setup.js';

const READ = `query ($id: ID!, $first: Int, $after: String) { conversation(id: $id) { id variables(first: $first, after: $after) {
  edges { cursor node { externalId name valueType value description createdAt updatedAt } }
  pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;
const UPDATE = `mutation ($input: UpdateConversationVariableInput!) { updateConversationVariable(input: $input) {
  clientMutationId variable { externalId name valueType value } conversation { id title } } }`;

let gw: WritesGateway;
let dify: DifySimulator;
const mine = conversationId('assistant', DIFY_LONG_CONVERSATION_ID);
const puts = () => dify.calls('PUT', /^\/v1\/conversations\/[^/]+\/variables\//);

beforeAll(async () => {
  gw = await startWritesGateway();
  dify = gw.backends.simulators.assistant as DifySimulator;
});
afterAll(() => gw.close());

describe('Conversation.variables', () => {
  it('pages forward through the variables, oldest first', async () => {
    const first = await gw.run(READ, { id: mine, first: 3 });
    expect(first.errors).toBeUndefined();
    const page = first.data.conversation.variables;
    expect(page.edges.map((edge: any) => edge.node.name)).toEqual(['customer_tier', 'open_tickets', 'preferences']);
    expect(page.edges[0].node).toMatchObject({ valueType: 'string', value: 'standard', description: expect.any(String) });
    expect(page.edges[2].node).toMatchObject({ valueType: 'object', value: '{"language":"en"}' });
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await gw.run(READ, { id: mine, first: 3, after: page.pageInfo.endCursor });
    expect(next.errors).toBeUndefined();
    expect(next.data.conversation.variables.edges.map((edge: any) => edge.node.name)).toEqual(['topics']);
    expect(next.data.conversation.variables.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('refuses a cursor of another conversation', async () => {
    const page = await gw.run(READ, { id: mine, first: 1 });
    const other = dify.data.find((conversation) => conversation.user === 'demo-user' && conversation.id !== DIFY_LONG_CONVERSATION_ID)!;
    const answer = await gw.run(READ, { id: conversationId('assistant', other.id), first: 1, after: page.data.conversation.variables.pageInfo.endCursor });
    expect(answer.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('is null with NOT_SUPPORTED for a backend without variables', async () => {
    const answer = await gw.run(READ, { id: conversationId('support', String(CHATWOOT_LONG_CONVERSATION_ID)) }, { id: 'priya', roles: ['agent'] });
    expect(answer.data.conversation.variables).toBeNull();
    expect(answer.errors[0]).toMatchObject({ path: ['conversation', 'variables'], extensions: { code: 'NOT_SUPPORTED' } });
  });

  it("answers another viewer's conversation like an absent one", async () => {
    const answer = await gw.run(READ, { id: conversationId('assistant', DIFY_ALICE_CONVERSATION_ID) });
    expect(answer.data.conversation).toBeNull();
    expect(answer.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('updateConversationVariable', () => {
  it('sets a variable by its id; the next read shows it', async () => {
    const read = await gw.run(READ, { id: mine, first: 10 });
    const tier = read.data.conversation.variables.edges.find((edge: any) => edge.node.name === 'customer_tier').node;
    const answer = await gw.run(UPDATE, { input: { conversationId: mine, variableExternalId: tier.externalId, value: 'premium', clientMutationId: 'v-1' } });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.updateConversationVariable).toMatchObject({
      clientMutationId: 'v-1',
      variable: { externalId: tier.externalId, name: 'customer_tier', value: 'premium' },
      conversation: { id: mine },
    });
    const after = await gw.run(READ, { id: mine, first: 10 });
    expect(after.data.conversation.variables.edges.find((edge: any) => edge.node.name === 'customer_tier').node.value).toBe('premium');
  });

  it('sets a variable by its name, with a structured value', async () => {
    const answer = await gw.run(UPDATE, { input: { conversationId: mine, name: 'topics', value: ['sla', 'billing'] } });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.updateConversationVariable.variable).toMatchObject({ name: 'topics', valueType: 'array[string]', value: '["sla","billing"]' });
    // Setting it again leaves the same state.
    const again = await gw.run(UPDATE, { input: { conversationId: mine, name: 'topics', value: ['sla', 'billing'] } });
    expect(again.data.updateConversationVariable.variable.value).toBe('["sla","billing"]');
  });

  it('refuses a value of the wrong type, an unknown name and a bad input', async () => {
    const wrongType = await gw.run(UPDATE, { input: { conversationId: mine, name: 'open_tickets', value: 'three' } });
    expect(wrongType.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const unknown = await gw.run(UPDATE, { input: { conversationId: mine, name: 'no_such_variable', value: 1 } });
    expect(unknown.errors[0].extensions.code).toBe('NOT_FOUND');
    const both = await gw.run(UPDATE, { input: { conversationId: mine, name: 'topics', variableExternalId: 'x', value: [] } });
    expect(both.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it("answers another viewer's conversation NOT_FOUND, without any write", async () => {
    const before = puts();
    const answer = await gw.run(UPDATE, { input: { conversationId: conversationId('assistant', DIFY_ALICE_CONVERSATION_ID), name: 'customer_tier', value: 'premium' } });
    expect(answer.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(puts()).toBe(before);
    const byId = await gw.run(UPDATE, {
      input: { conversationId: conversationId('assistant', DIFY_ALICE_CONVERSATION_ID), variableExternalId: '0b6d1f8e-3a4c-4e2b-9f1a-7c5d3e2b1a09', value: 'premium' },
    });
    expect(byId.errors[0].extensions.code).toBe('NOT_FOUND');
    const alice = dify.data.find((conversation) => conversation.id === DIFY_ALICE_CONVERSATION_ID)!;
    const read = await gw.run(READ, { id: conversationId('assistant', alice.id) }, { id: 'alice' });
    expect(read.data.conversation.variables.edges.find((edge: any) => edge.node.name === 'customer_tier').node.value).toBe('standard');
  });

  it('is NOT_SUPPORTED on a backend without variables, before any upstream call', async () => {
    const requests = gw.backends.simulators.support.requests.length;
    const answer = await gw.run(
      UPDATE,
      { input: { conversationId: conversationId('support', String(CHATWOOT_LONG_CONVERSATION_ID)), name: 'x', value: 1 } },
      { id: 'priya', roles: ['agent'] },
    );
    expect(answer.errors[0].extensions.code).toBe('NOT_SUPPORTED');
    expect(gw.backends.simulators.support.requests.length).toBe(requests);
  });

  it('never retries the write, and audits it', async () => {
    const before = puts();
    dify.injectFailure({ status: 503, body: { code: 'internal_server_error', message: 'down', status: 503 } }, 1, { method: 'PUT' });
    const answer = await gw.run(UPDATE, { input: { conversationId: mine, name: 'open_tickets', value: 2 } });
    expect(answer.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(puts()).toBe(before + 1);
    const lines = gw.logs.filter((line) => line.audit === 'write' && line.operation === 'updateConversationVariable');
    expect(lines.at(-1)).toMatchObject({ sourceId: 'assistant', viewerId: 'demo-user', target: DIFY_LONG_CONVERSATION_ID, outcome: 'UPSTREAM_UNAVAILABLE' });
    expect(lines.some((line) => line.outcome === 'OK')).toBe(true);
    expect(gw.logText()).not.toContain('premium');
  });
});
