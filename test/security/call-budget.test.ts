/**
 * The upstream call budget (`server.limits.maxUpstreamCallsPerRequest`): past it, the remaining
 * loads fail with BAD_USER_INPUT at their own paths and are never sent (counted at the
 * simulator), while what was read before the budget ran out still arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const BUDGET = 4;
let gateway: TestGateway;
let assistantId: string;
beforeAll(async () => {
  gateway = await startTestGateway({
    configure: (config) => ({ ...config, server: { ...config.server, limits: { maxUpstreamCallsPerRequest: BUDGET } } }),
  });
  assistantId = (await gateway.query(`{ source(name: "assistant") { id } }`)).data.source.id;
});
afterAll(() => gateway.close());

const dify = () => gateway.backends.simulators.assistant.requests;

describe('upstream call budget', () => {
  it('refuses the loads past the budget at their paths, sends none of them, keeps what was read', async () => {
    dify().length = 0;
    const response = await gateway.query(`{
      conversations(first: 10, sourceIds: ["${assistantId}"]) {
        edges { node { id title messages(last: 2) { edges { node { text } } } } }
      }
    }`);
    const edges = response.data.conversations.edges as Array<{ node: { id: string; title: string; messages: unknown } }>;
    expect(edges).toHaveLength(10);
    // One list call and three message pages fit; the seven other pages are refused unsent.
    expect(dify().map((request) => request.path)).toEqual(['/v1/conversations', '/v1/messages', '/v1/messages', '/v1/messages']);
    const refusedAt = response.errors!.map((error) => {
      expect(error).toMatchObject({
        message: `upstream call budget of ${BUDGET} exceeded`,
        extensions: { code: 'BAD_USER_INPUT', sourceId: 'assistant' },
      });
      return error.path!.join('.');
    });
    expect(refusedAt).toEqual([3, 4, 5, 6, 7, 8, 9].map((index) => `conversations.edges.${index}.node.messages`));
    // Already-read data still arrives: every title, and the first three conversations' messages.
    for (const edge of edges) expect(edge.node.title).toEqual(expect.any(String));
    for (const edge of edges.slice(0, 3)) expect(edge.node.messages).toMatchObject({ edges: expect.any(Array) });
    for (const edge of edges.slice(3)) expect(edge.node.messages).toBeNull();
  });

  it("counts a mutation's writes too: the write past the budget fails at its path, unsent", async () => {
    const listed = await gateway.query(`{ conversations(first: 1, sourceIds: ["${assistantId}"]) { edges { node { id } } } }`);
    const conversationId = listed.data.conversations.edges[0].node.id as string;
    dify().length = 0;
    const renames = Array.from(
      { length: BUDGET + 1 },
      (_, index) => `r${index}: renameConversation(input: { conversationId: "${conversationId}", name: "budget ${index}" }) { conversation { title } }`,
    );
    const response = await gateway.query(`mutation { ${renames.join('\n')} }`);
    const sent = dify().map((request) => `${request.method} ${request.path.replace(/[0-9a-f-]{36}/, ':id')}`);
    expect(sent).toEqual(Array.from({ length: BUDGET }, () => 'POST /v1/conversations/:id/name'));
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]).toMatchObject({
      message: `upstream call budget of ${BUDGET} exceeded`,
      path: [`r${BUDGET}`],
      extensions: { code: 'BAD_USER_INPUT', sourceId: 'assistant' },
    });
    for (let index = 0; index < BUDGET; index += 1) expect(response.data[`r${index}`].conversation.title).toBe(`budget ${index}`);
    expect(response.data[`r${BUDGET}`]).toBeNull();
  });

  it('is per request: the next operation has its own budget', async () => {
    dify().length = 0;
    const response = await gateway.query(`{ conversations(first: 3, sourceIds: ["${assistantId}"]) {
      edges { node { messages(last: 1) { edges { node { text } } } } } } }`);
    expect(response.errors).toBeUndefined();
    expect(dify()).toHaveLength(4);
  });
});
