/**
 * A message a page read brought is answered from that read when the same operation asks for it
 * by reference again (here `Feedback.message`): no second upstream call, the same record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIFY_LONG_CONVERSATION_ID } from '../../src/demo/simulators/dify/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

describe('messages read in a page', () => {
  it('answer Feedback.message in the same operation without another call', async () => {
    const requests = gateway.backends.simulators.assistant.requests;
    requests.length = 0;
    const { data, errors } = await gateway.query(
      `query ($cid: String!) { source(name: "assistant") { conversation(externalId: $cid) {
        messages(last: 40) { edges { node { id text feedback { rating message { id text } } } } } } } }`,
      { cid: DIFY_LONG_CONVERSATION_ID },
    );
    expect(errors).toBeUndefined();
    const nodes = data.source.conversation.messages.edges.map((edge: any) => edge.node);
    const rated = nodes.filter((node: any) => node.feedback !== null);
    expect(rated.length).toBeGreaterThan(0);
    for (const node of rated) expect(node.feedback.message).toEqual({ id: node.id, text: node.text });
    expect(requests.map((request) => request.path)).toEqual(['/v1/messages']);
  });
});
