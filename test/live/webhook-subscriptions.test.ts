/**
 * Chatwoot webhooks → subscriptions over real sockets: a signed delivery reaches SSE and
 * WebSocket subscribers once and in order; private notes reach agents only; a forged or stale
 * delivery answers 401 and a replayed one 200 `duplicate`, and neither publishes anything; a
 * foreign conversation opens no stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  graphql,
  messageCreated,
  postWebhook,
  signWebhook,
  startLiveGateway,
  subscribeSse,
  viewerHeaders,
  wsClient,
  type LiveGateway,
  WEBHOOK_SECRET,
} from './helpers.js';

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { id externalId text role isPrivate createdAt conversation { id } } }`;
const CONTACT = viewerHeaders('demo-user');
const AGENT = viewerHeaders('priya', ['agent']);

let live: LiveGateway;
let conversation: { id: string; externalId: string };
let foreign: { id: string; externalId: string };

beforeAll(async () => {
  live = await startLiveGateway();
  const mine = await graphql(live.url, `{ source(name: "support") { conversations(first: 5) { edges { node { id externalId } } } } }`, {}, CONTACT);
  conversation = mine.data.source.conversations.edges[0].node;
  const all = await graphql(live.url, `{ source(name: "support") { conversations(first: 50) { edges { node { id externalId } } } } }`, {}, AGENT);
  const mineIds = new Set(mine.data.source.conversations.edges.map((edge: any) => edge.node.id));
  foreign = all.data.source.conversations.edges.map((edge: any) => edge.node).find((node: any) => !mineIds.has(node.id));
});
afterAll(() => live.close());

async function send(payload: { body: string }) {
  const response = await postWebhook(live.url, 'support', payload.body, signWebhook(payload.body));
  expect(response.status).toBe(200);
}

/** Lets a subscription reach pub/sub before the test publishes. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('webhook-driven messageAdded', () => {
  it('reaches an SSE subscriber once and in order, mapped like reads', async () => {
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id: conversation.id }, CONTACT);
    expect(sse.status).toBe(200);
    await settle();
    const first = messageCreated(Number(conversation.externalId), { content: 'first' });
    const second = messageCreated(Number(conversation.externalId), { content: 'second', messageType: 'outgoing' });
    await send(first);
    await send(second);
    // The same delivery content again under a new delivery id is still the same message.
    await send(first);
    const a = await sse.queue.next();
    const b = await sse.queue.next();
    expect(a.errors).toBeUndefined();
    expect(a.data.messageAdded).toMatchObject({ externalId: String(first.id), text: 'first', role: 'USER', isPrivate: false });
    expect(a.data.messageAdded.conversation.id).toBe(conversation.id);
    expect(a.data.messageAdded.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(b.data.messageAdded).toMatchObject({ externalId: String(second.id), text: 'second', role: 'AGENT' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sse.queue.pending()).toEqual([]);
    sse.close();
  });

  it('reaches a graphql-ws subscriber once and in order', async () => {
    const ws = wsClient(live.url, { headers: CONTACT });
    const sub = ws.subscribe(MESSAGE_ADDED, { id: conversation.id });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const first = messageCreated(Number(conversation.externalId), { content: 'ws one' });
    const second = messageCreated(Number(conversation.externalId), { content: 'ws two' });
    await send(first);
    await send(second);
    expect((await sub.queue.next()).data.messageAdded.text).toBe('ws one');
    expect((await sub.queue.next()).data.messageAdded.text).toBe('ws two');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sub.queue.pending()).toEqual([]);
    sub.close();
    await ws.client.dispose();
  });

  it('delivers a private note to an agent and never to the contact', async () => {
    const contact = await subscribeSse(live.url, MESSAGE_ADDED, { id: conversation.id }, CONTACT);
    const agent = await subscribeSse(live.url, MESSAGE_ADDED, { id: conversation.id }, AGENT);
    await settle();
    const note = messageCreated(Number(conversation.externalId), { content: 'internal: refund approved', messageType: 'outgoing', isPrivate: true });
    const reply = messageCreated(Number(conversation.externalId), { content: 'public reply', messageType: 'outgoing' });
    await send(note);
    await send(reply);
    const agentFirst = await agent.queue.next();
    expect(agentFirst.data.messageAdded).toMatchObject({ text: 'internal: refund approved', isPrivate: true });
    expect((await agent.queue.next()).data.messageAdded.text).toBe('public reply');
    // The contact's first event is the public reply: the note was never sent to it.
    expect((await contact.queue.next()).data.messageAdded.text).toBe('public reply');
    contact.close();
    agent.close();
  });

  it('opens no stream on a conversation that is not the viewer’s', async () => {
    expect(foreign).toBeDefined();
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id: foreign.id }, CONTACT);
    const result = await sse.queue.next();
    expect(result.data ?? null).toBeNull();
    expect(result.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(await sse.queue.next()).toBeUndefined();
    expect(live.gateway.live.openSubscriptions()).toBe(0);
  });

  it('refuses a malformed conversation id with BAD_USER_INPUT', async () => {
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id: 'not-an-id' }, CONTACT);
    const result = await sse.queue.next();
    expect(result.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('webhook authentication', () => {
  it('publishes nothing for a forged or stale (401) or replayed (200 duplicate) delivery', async () => {
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id: conversation.id }, AGENT);
    await settle();
    const forged = messageCreated(Number(conversation.externalId), { content: 'forged' });
    const forgedResponse = await postWebhook(live.url, 'support', forged.body, signWebhook(forged.body, { secret: 'wrong-secret-value' }));
    expect(forgedResponse.status).toBe(401);
    const unsigned = await postWebhook(live.url, 'support', forged.body, { 'content-type': 'application/json' });
    expect(unsigned.status).toBe(401);
    const stale = messageCreated(Number(conversation.externalId), { content: 'stale' });
    const staleResponse = await postWebhook(
      live.url,
      'support',
      stale.body,
      signWebhook(stale.body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }),
    );
    expect(staleResponse.status).toBe(401);
    // A signed body altered in transit.
    const tampered = messageCreated(Number(conversation.externalId), { content: 'original' });
    const tamperedHeaders = signWebhook(tampered.body);
    const altered = await postWebhook(live.url, 'support', tampered.body.replace('original', 'altered!'), tamperedHeaders);
    expect(altered.status).toBe(401);

    const genuine = messageCreated(Number(conversation.externalId), { content: 'genuine' });
    const headers = signWebhook(genuine.body);
    expect((await postWebhook(live.url, 'support', genuine.body, headers)).status).toBe(200);
    const replay = await postWebhook(live.url, 'support', genuine.body, headers);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ status: 'duplicate' });

    expect((await sse.queue.next()).data.messageAdded.text).toBe('genuine');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sse.queue.pending()).toEqual([]);
    sse.close();
  });

  it('never echoes the secret, and routes only pushing sources', async () => {
    const body = messageCreated(1).body;
    const response = await postWebhook(live.url, 'support', body, signWebhook(body, { secret: 'x'.repeat(20) }));
    expect(await response.text()).not.toContain(WEBHOOK_SECRET);
    expect((await postWebhook(live.url, 'assistant', body, signWebhook(body))).status).toBe(404);
    expect((await postWebhook(live.url, 'nope', body, signWebhook(body))).status).toBe(404);
    expect((await fetch(`${live.url}/webhooks/support`)).status).toBe(405);
    const junk = '{"event":"message_created","id":"x"}';
    expect((await postWebhook(live.url, 'support', junk, signWebhook(junk))).status).toBe(400);
  });
});
