import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { longestConversation, readAllBackward, readAllForward } from '../helpers/paging.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

describe.each(['assistant', 'support', 'legacy'])('messages of the longest %s conversation', (sourceName) => {
  it('opens with last: 20 = the newest twenty, oldest first', async () => {
    const conversationId = await longestConversation(gateway, sourceName);
    const forward = await readAllForward(gateway, conversationId, 100);
    const { data, errors } = await gateway.query(
      `query ($id: ID!) { conversation(id: $id) { messages(last: 20) {
          edges { cursor node { id createdAt } } pageInfo { hasPreviousPage hasNextPage startCursor endCursor } } } }`,
      { id: conversationId },
    );
    expect(errors).toBeUndefined();
    const page = data.conversation.messages;
    expect(forward.length).toBeGreaterThan(40);
    expect(page.edges.map((edge: any) => edge.node.id)).toEqual(forward.slice(-20).map((message) => message.id));
    expect(page.pageInfo).toMatchObject({
      hasPreviousPage: true,
      hasNextPage: false,
      startCursor: page.edges[0].cursor,
      endCursor: page.edges[19].cursor,
    });
  });

  it.each([20, 7])('scrolls back with before (page size %i) to the first message, each exactly once', async (size) => {
    const conversationId = await longestConversation(gateway, sourceName);
    const forward = await readAllForward(gateway, conversationId, 100);
    const backward = await readAllBackward(gateway, conversationId, size);
    expect(backward.map((message) => message.id)).toEqual(forward.map((message) => message.id));
    expect(new Set(backward.map((message) => message.id)).size).toBe(backward.length);
    const times = backward.map((message) => Date.parse(message.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('reads forward from the start with first/after in odd pages', async () => {
    const conversationId = await longestConversation(gateway, sourceName);
    const big = await readAllForward(gateway, conversationId, 100);
    const small = await readAllForward(gateway, conversationId, 7);
    expect(small.map((message) => message.id)).toEqual(big.map((message) => message.id));
  });
});
