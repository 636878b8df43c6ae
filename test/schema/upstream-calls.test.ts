/**
 * What opening a conversation costs upstream, counted at the simulator: reading a Dify
 * conversation's messages is one `GET /messages` (the call itself proves the conversation is the
 * viewer's), and the conversation list is read only when a field needs what only the list has.
 * A foreign or absent id still answers null + NOT_FOUND at the conversation's own path.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/core/global-id.js';
import {
  DIFY_ALICE_CONVERSATION_ID,
  DIFY_DEEP_CONVERSATION_ID,
  DIFY_DEEP_EXCHANGES,
  DIFY_LONG_CONVERSATION_ID,
} from '../../src/demo/simulators/dify/fixtures.js';
import { CHATWOOT_LONG_CONVERSATION_ID } from '../../src/demo/simulators/chatwoot/fixtures.js';
import { REST_DEMO_CONVERSATION_ID } from '../../src/demo/simulators/rest/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

const dify = () => gateway.backends.simulators.assistant.requests;
beforeEach(() => {
  dify().length = 0;
});

const MESSAGES = `messages(last: 20) { edges { node { id role text createdAt } } }`;
const conversationId = (externalId: string) =>
  globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: externalId });
const ABSENT = '00000000-0000-4000-8000-000000000000';

/** Paths of the Dify calls made since the last reset. */
const paths = () => dify().map((request) => request.path);

describe('opening a Dify conversation and reading its messages', () => {
  it('Source.conversation(externalId) { messages(last: 20) } costs one GET /messages', async () => {
    const { data, errors } = await gateway.query(
      `query ($cid: String!) { source(name: "assistant") { conversation(externalId: $cid) { ${MESSAGES} } } }`,
      { cid: DIFY_LONG_CONVERSATION_ID },
    );
    expect(errors).toBeUndefined();
    expect(data.source.conversation.messages.edges).toHaveLength(20);
    expect(paths()).toEqual(['/v1/messages']);
  });

  it('conversation(id) and node(id) with messages cost one call each', async () => {
    const id = conversationId(DIFY_LONG_CONVERSATION_ID);
    const first = await gateway.query(`query ($id: ID!) { conversation(id: $id) { id externalId ${MESSAGES} } }`, { id });
    expect(first.errors).toBeUndefined();
    expect(first.data.conversation).toMatchObject({ id, externalId: DIFY_LONG_CONVERSATION_ID });
    expect(first.data.conversation.messages.edges).toHaveLength(20);
    expect(paths()).toEqual(['/v1/messages']);

    dify().length = 0;
    const second = await gateway.query(
      `query ($id: ID!) { node(id: $id) { __typename id ... on Conversation { source { name } ${MESSAGES} } } }`,
      { id },
    );
    expect(second.errors).toBeUndefined();
    expect(second.data.node).toMatchObject({ __typename: 'Conversation', id, source: { name: 'assistant' } });
    expect(second.data.node.messages.edges).toHaveLength(20);
    expect(paths()).toEqual(['/v1/messages']);
  });

  it('gives the same global ID whatever case the externalId was typed in', async () => {
    const { data, errors } = await gateway.query(
      `query ($cid: String!) { source(name: "assistant") { conversation(externalId: $cid) { id externalId messages(last: 1) { edges { node { id } } } } } }`,
      { cid: DIFY_LONG_CONVERSATION_ID.toUpperCase() },
    );
    expect(errors).toBeUndefined();
    expect(data.source.conversation).toMatchObject({
      id: conversationId(DIFY_LONG_CONVERSATION_ID),
      externalId: DIFY_LONG_CONVERSATION_ID,
    });
    expect(paths()).toEqual(['/v1/messages']);
  });

  it('reads the conversation list as well when a field needs it', async () => {
    const { data, errors } = await gateway.query(
      `query ($cid: String!) { source(name: "assistant") { conversation(externalId: $cid) { title updatedAt ${MESSAGES} } } }`,
      { cid: DIFY_LONG_CONVERSATION_ID },
    );
    expect(errors).toBeUndefined();
    expect(data.source.conversation.title).toBe('Rolling out Brightdesk to the support team');
    expect(data.source.conversation.messages.edges).toHaveLength(20);
    expect([...paths()].sort()).toEqual(['/v1/conversations', '/v1/messages']);
  });

  it('answers foreign and absent ids with null + NOT_FOUND at the conversation path, one call each', async () => {
    for (const cid of [DIFY_ALICE_CONVERSATION_ID, ABSENT]) {
      dify().length = 0;
      const { data, errors } = await gateway.query(
        `query ($cid: String!, $id: ID!) {
          source(name: "assistant") { conversation(externalId: $cid) { id ${MESSAGES} } }
          byId: conversation(id: $id) { id ${MESSAGES} }
          node(id: $id) { id ... on Conversation { ${MESSAGES} } } }`,
        { cid, id: conversationId(cid) },
      );
      expect(data).toEqual({ source: { conversation: null }, byId: null, node: null });
      const at = (path: string) => errors?.find((error) => error.path?.join('.') === path);
      for (const path of ['source.conversation', 'byId', 'node']) {
        expect(at(path)).toMatchObject({ message: 'conversation not found', extensions: { code: 'NOT_FOUND', sourceId: 'assistant' } });
      }
      expect(errors).toHaveLength(3);
      // The three fields ask for the same page: one call proves the conversation absent for all.
      expect(paths()).toEqual(['/v1/messages']);
    }
  });

  it('still checks existence when only the id is selected', async () => {
    const { data, errors } = await gateway.query(
      `query ($a: ID!, $b: ID!) { a: conversation(id: $a) { id } b: conversation(id: $b) { id } }`,
      { a: conversationId(DIFY_LONG_CONVERSATION_ID), b: conversationId(DIFY_ALICE_CONVERSATION_ID) },
    );
    expect(data).toEqual({ a: { id: conversationId(DIFY_LONG_CONVERSATION_ID) }, b: null });
    expect(errors?.map((error) => [error.path?.[0], error.extensions?.code])).toEqual([['b', 'NOT_FOUND']]);
    expect(dify().length).toBeGreaterThan(0);
  });

  it('Message.conversation { id } costs no call beyond loading the message', async () => {
    const listed = await gateway.query(
      `query ($cid: String!) { source(name: "assistant") { conversation(externalId: $cid) { messages(last: 1) { edges { node { id } } } } } }`,
      { cid: DIFY_LONG_CONVERSATION_ID },
    );
    const messageId = listed.data.source.conversation.messages.edges[0].node.id;
    dify().length = 0;
    const { data, errors } = await gateway.query(
      `query ($id: ID!) { node(id: $id) { ... on Message { role conversation { id externalId } } } }`,
      { id: messageId },
    );
    expect(errors).toBeUndefined();
    expect(data.node).toEqual({
      role: 'ASSISTANT',
      conversation: { id: conversationId(DIFY_LONG_CONVERSATION_ID), externalId: DIFY_LONG_CONVERSATION_ID },
    });
    expect(paths()).toEqual(['/v1/messages']);
  });

  it('reads a long conversation forward in one walk per request, however many pages are asked', async () => {
    const { data, errors } = await gateway.query(
      `query ($id: ID!) { conversation(id: $id) {
          a: messages(first: 5) { edges { node { id } } }
          b: messages(first: 30) { edges { node { id } } }
          c: messages(last: 3) { edges { node { id } } } } }`,
      { id: conversationId(DIFY_DEEP_CONVERSATION_ID) },
    );
    expect(errors).toBeUndefined();
    const ids = (alias: string) => data.conversation[alias].edges.map((edge: any) => edge.node.id);
    expect(ids('b').slice(0, 5)).toEqual(ids('a'));
    expect(ids('c')).toHaveLength(3);
    // 230 exchanges: three pages of 100 from the newest end, shared by all three fields.
    expect(paths()).toEqual(Array(Math.ceil(DIFY_DEEP_EXCHANGES / 100)).fill('/v1/messages'));
  });
});

describe('opening a REST conversation (access: owner) and reading its messages', () => {
  it('costs one GET /chat/history: the ownership check reads the page the messages need', async () => {
    const rest = gateway.backends.simulators.legacy.requests;
    rest.length = 0;
    const { data, errors } = await gateway.query(
      `query ($cid: String!) { source(name: "legacy") { conversation(externalId: $cid) { ${MESSAGES} } } }`,
      { cid: REST_DEMO_CONVERSATION_ID },
    );
    expect(errors).toBeUndefined();
    expect(data.source.conversation.messages.edges.length).toBeGreaterThan(0);
    expect(rest.map((request) => request.path)).toEqual(['/v1/chat/history']);
  });
});

describe('opening a Chatwoot conversation as its contact and reading its messages', () => {
  it('costs one messages call once the contact is known: the page names its contact', async () => {
    const chatwoot = gateway.backends.simulators.support.requests;
    // Chatwoot pages by 20 without a has-more flag: up to 19 messages fit one call.
    const open = () =>
      gateway.query(
        `query ($cid: String!) { source(name: "support") { conversation(externalId: $cid) {
            messages(last: 10) { edges { node { id role text } } } } } }`,
        { cid: String(CHATWOOT_LONG_CONVERSATION_ID) },
      );
    const first = await open();
    expect(first.errors).toBeUndefined();
    chatwoot.length = 0;
    const again = await open();
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual(first.data);
    expect(chatwoot.map((request) => request.path)).toEqual([
      `/api/v1/accounts/1/conversations/${CHATWOOT_LONG_CONVERSATION_ID}/messages`,
    ]);
  });
});
