/**
 * The whole push path on real sockets: a message created through the Chatwoot simulator's API
 * (as an agent's Chatwoot screen would) makes the simulator post a signed `message_created`
 * webhook to the gateway, which delivers it to subscribers; a status change reaches
 * `conversationUpdated`; the demo's simulated reply arrives the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startLiveGateway, subscribeSse, viewerHeaders, type LiveGateway } from './helpers.js';

const CONTACT = viewerHeaders('demo-user');

let live: LiveGateway;
let conversation: { id: string; externalId: string };

beforeAll(async () => {
  live = await startLiveGateway({ demo: { chatwootReplyDelayMs: 300 } });
  const mine = await graphql(live.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, CONTACT);
  conversation = mine.data.source.conversations.edges[0].node;
});
afterAll(() => live.close());

/** Calls the Chatwoot simulator's Application API with the source's own token. */
async function chatwoot(path: string, body: unknown) {
  const { baseUrl, apiAccessToken, accountId } = live.backends.simulators.support.sourceConfig as Record<string, string>;
  const response = await fetch(`${baseUrl}/api/v1/accounts/${accountId}/conversations/${conversation.externalId}/${path}`, {
    method: 'POST',
    headers: { api_access_token: String(apiAccessToken), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json() as Promise<any>;
}

describe('Chatwoot simulator webhooks', () => {
  it('deliver an agent’s message, then the simulated reply, to the contact’s subscription', async () => {
    const sse = await subscribeSse(
      live.url,
      `subscription ($id: ID!) { messageAdded(conversationId: $id) { externalId role text isPrivate } }`,
      { id: conversation.id },
      CONTACT,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const note = await chatwoot('messages', { content: 'internal only', message_type: 'outgoing', private: true });
    const sent = await chatwoot('messages', { content: 'We are on it', message_type: 'outgoing' });
    const first = await sse.queue.next();
    expect(first.data.messageAdded).toEqual({ externalId: String(sent.id), role: 'AGENT', text: 'We are on it', isPrivate: false });
    // The demo's other side answers a few moments later, through the same webhook.
    const reply = await sse.queue.next(5_000);
    expect(reply.data.messageAdded.externalId).not.toBe(String(note.id));
    expect(reply.data.messageAdded.isPrivate).toBe(false);
    // The simulator records a delivery's status once the gateway's answer reached it, which can
    // be after the subscriber already saw the event.
    const simulator = live.backends.simulators.support;
    await simulator.webhooksIdle();
    const created = simulator.webhookDeliveries.filter((delivery) => delivery.event === 'message_created');
    expect(created.length).toBeGreaterThanOrEqual(3);
    expect(created.map((delivery) => delivery.status ?? delivery.error)).toEqual(created.map(() => 200));
    sse.close();
  });

  it('deliver a status change to conversationUpdated', async () => {
    const sse = await subscribeSse(
      live.url,
      `subscription { conversationUpdated(sourceIds: ["support"]) { id status } }`,
      {},
      CONTACT,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await chatwoot('toggle_status', { status: 'resolved' });
    const event = await sse.queue.next();
    expect(event.errors).toBeUndefined();
    expect(event.data.conversationUpdated).toEqual({ id: conversation.id, status: 'RESOLVED' });
    sse.close();
  });
});
