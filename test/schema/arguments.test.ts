import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { longestConversation } from '../helpers/paging.js';

let gateway: TestGateway;
let conversationId: string;
beforeAll(async () => {
  gateway = await startTestGateway();
  conversationId = await longestConversation(gateway, 'assistant');
});
afterAll(() => gateway.close());

const MESSAGES = `query ($id: ID!, $first: Int, $last: Int, $after: String, $before: String) {
  conversation(id: $id) { id messages(first: $first, last: $last, after: $after, before: $before) {
    edges { cursor node { id } } pageInfo { startCursor endCursor } } } }`;

async function messages(variables: Record<string, unknown>, viewer?: { id: string }) {
  return gateway.query(MESSAGES, { id: conversationId, ...variables }, viewer);
}

describe('connection arguments', () => {
  it.each([
    [{ first: 5, last: 5 }, 'first or last'],
    [{ first: 101 }, 'between 0 and 100'],
    [{ last: -1 }, 'between 0 and 100'],
    [{ first: 5, before: 'x' }, 'before pages backward'],
  ])('%j → BAD_USER_INPUT at messages, conversation still there', async (variables, message) => {
    const { data, errors } = await messages(variables);
    expect(data.conversation.id).toBe(conversationId);
    expect(data.conversation.messages).toBeNull();
    expect(errors?.[0]).toMatchObject({ path: ['conversation', 'messages'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(errors?.[0]?.message).toContain(message);
  });

  it('defaults to the first 20 and accepts a page of 0', async () => {
    const { data } = await messages({});
    expect(data.conversation.messages.edges).toHaveLength(20);
    const empty = await messages({ first: 0 });
    expect(empty.data.conversation.messages.edges).toEqual([]);
  });

  it('refuses tampered, foreign-connection and other-viewer cursors', async () => {
    const { data } = await messages({ last: 3 });
    const cursor: string = data.conversation.messages.pageInfo.startCursor;
    const [body, mac] = cursor.split('.');
    const widened = Buffer.from(JSON.stringify('tampered')).toString('base64url');
    const other = await longestConversation(gateway, 'support');
    const otherPage = await gateway.query(`query ($id: ID!) { conversation(id: $id) { messages(last: 1) { pageInfo { startCursor } } } }`, { id: other });
    const attempts = [
      `${widened}.${mac}`,
      `${body}.${mac!.slice(0, 4)}${mac![4] === 'A' ? 'B' : 'A'}${mac!.slice(5)}`,
      'not-a-cursor',
      otherPage.data.conversation.messages.pageInfo.startCursor,
    ];
    for (const before of attempts) {
      const { errors } = await messages({ last: 3, before });
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const asOther = await messages({ last: 3, before: cursor }, { id: 'alice' });
    expect(asOther.errors?.[0]?.extensions?.code).toBeDefined();
    expect(asOther.data?.conversation?.messages ?? null).toBeNull();
  });
});
