import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CHATWOOT_AGENT_TOKEN,
  CHATWOOT_BUSY_CONVERSATION_ID,
  CHATWOOT_DEMO_TOKEN,
  CHATWOOT_LONG_CONVERSATION_ID,
  startChatwootSimulator,
  type ChatwootSimulator,
} from '../../../src/demo/simulators/chatwoot/server.js';

let sim: ChatwootSimulator;
let receiver: Server;
let receiverUrl = '';
const received: Array<{ headers: Record<string, string | string[] | undefined>; raw: string; body: any }> = [];
const SECRET = 'whsec-test-3f9a';

const conversationPath = (id: number, tail = '') => `${sim.origin}/api/v1/accounts/1/conversations/${id}${tail}`;
async function post(id: number, tail: string, body: unknown, token = CHATWOOT_DEMO_TOKEN) {
  const response = await fetch(conversationPath(id, tail), {
    method: 'POST',
    headers: { api_access_token: token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, body: type.includes('json') ? ((await response.json()) as any) : await response.text() };
}
async function messages(id: number, token = CHATWOOT_DEMO_TOKEN) {
  const response = await fetch(conversationPath(id, '/messages'), { headers: { api_access_token: token } });
  return ((await response.json()) as { payload: Array<Record<string, any>> }).payload;
}
async function conversation(id: number) {
  const response = await fetch(conversationPath(id), { headers: { api_access_token: CHATWOOT_DEMO_TOKEN } });
  return (await response.json()) as Record<string, any>;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/support`;
  sim = await startChatwootSimulator();
});
beforeEach(() => {
  received.length = 0;
  sim.setWebhook(null);
  sim.setAutoReply(null);
});
afterAll(async () => {
  await sim.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('chatwoot simulator: messages', () => {
  it('creates an outgoing message by the token’s user, visible in the next read and first in the list', async () => {
    const created = await post(CHATWOOT_LONG_CONVERSATION_ID, '/messages', { content: 'We shipped a replacement today.' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ content: 'We shipped a replacement today.', message_type: 1, private: false, sender_type: 'User', sender_id: 1, conversation_id: CHATWOOT_LONG_CONVERSATION_ID });
    expect((await messages(CHATWOOT_LONG_CONVERSATION_ID)).at(-1)!.id).toBe(created.body.id);
    const list = await fetch(`${sim.origin}/api/v1/accounts/1/conversations?status=all`, { headers: { api_access_token: CHATWOOT_DEMO_TOKEN } });
    expect(((await list.json()) as any).data.payload[0].id).toBe(CHATWOOT_LONG_CONVERSATION_ID);
  });

  it('creates private notes and refuses what Chatwoot refuses', async () => {
    const note = await post(CHATWOOT_LONG_CONVERSATION_ID, '/messages', { content: 'Check the RMA queue', private: true });
    expect(note.body).toMatchObject({ private: true, message_type: 1 });
    expect(await post(CHATWOOT_LONG_CONVERSATION_ID, '/messages', { content: 'hi', message_type: 'incoming' })).toEqual({
      status: 422,
      body: { error: 'Incoming messages are only allowed in Api inboxes' },
    });
    expect((await post(CHATWOOT_LONG_CONVERSATION_ID, '/messages', { content: '  ' })).status).toBe(422);
    expect((await post(CHATWOOT_LONG_CONVERSATION_ID, '/messages', { content: 'x', message_type: 'note' })).status).toBe(422);
    expect(await post(9999, '/messages', { content: 'x' })).toEqual({ status: 404, body: { error: 'Resource could not be found' } });
    // The agent token belongs to the Website inbox only; conversation 3 is in the API inbox.
    expect(await post(CHATWOOT_BUSY_CONVERSATION_ID, '/messages', { content: 'x' }, CHATWOOT_AGENT_TOKEN)).toEqual({
      status: 401,
      body: { error: 'You are not authorized to do this action' },
    });
  });

  it('accepts incoming messages in API inboxes, sent as the contact', async () => {
    const created = await post(CHATWOOT_BUSY_CONVERSATION_ID, '/messages', { content: 'Where is my order?', message_type: 'incoming' });
    expect(created.body).toMatchObject({ message_type: 0, sender_type: 'Contact' });
  });
});

describe('chatwoot simulator: toggle_status', () => {
  it('sets a status with snoozed_until, answers Chatwoot’s payload and writes an activity message', async () => {
    const until = Math.floor(Date.UTC(2027, 0, 5, 9) / 1000);
    const answer = await post(CHATWOOT_LONG_CONVERSATION_ID, '/toggle_status', { status: 'snoozed', snoozed_until: until });
    expect(answer).toEqual({ status: 200, body: { meta: {}, payload: { success: true, conversation_id: CHATWOOT_LONG_CONVERSATION_ID, current_status: 'snoozed' } } });
    expect(await conversation(CHATWOOT_LONG_CONVERSATION_ID)).toMatchObject({ status: 'snoozed', snoozed_until: new Date(until * 1000).toISOString() });
    expect((await messages(CHATWOOT_LONG_CONVERSATION_ID)).at(-1)).toMatchObject({ message_type: 2, content: 'Conversation was snoozed by Priya Raman' });
    await post(CHATWOOT_LONG_CONVERSATION_ID, '/toggle_status', { status: 'resolved' });
    expect(await conversation(CHATWOOT_LONG_CONVERSATION_ID)).toMatchObject({ status: 'resolved', snoozed_until: null });
    expect((await post(CHATWOOT_LONG_CONVERSATION_ID, '/toggle_status', {})).body.payload.current_status).toBe('open');
    expect(await post(CHATWOOT_LONG_CONVERSATION_ID, '/toggle_status', { status: 'closed' })).toMatchObject({ status: 422, body: { error: expect.any(String) } });
  });
});

describe('chatwoot simulator: webhooks', () => {
  it('signs deliveries with the secret over "<timestamp>.<raw body>" and sends Chatwoot’s webhook shapes', async () => {
    sim.setWebhook({ url: receiverUrl, secret: SECRET });
    const created = await post(CHATWOOT_LONG_CONVERSATION_ID, '/messages', { content: 'Signed hello', private: true });
    await post(CHATWOOT_LONG_CONVERSATION_ID, '/toggle_status', { status: 'pending' });
    await sim.webhooksIdle();
    expect(received.map((item) => item.body.event)).toEqual(['message_created', 'conversation_status_changed', 'conversation_updated']);
    for (const delivery of received) {
      const timestamp = delivery.headers['x-chatwoot-timestamp'] as string;
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(30);
      const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${delivery.raw}`).digest('hex')}`;
      expect(delivery.headers['x-chatwoot-signature']).toBe(expected);
      expect(delivery.headers['x-chatwoot-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const [message, status] = received.map((item) => item.body);
    expect(message).toMatchObject({ id: created.body.id, message_type: 'outgoing', private: true, content: 'Signed hello', sender: { type: 'user', id: 1 }, conversation: { id: CHATWOOT_LONG_CONVERSATION_ID } });
    expect(message.created_at).toBe(new Date(created.body.created_at * 1000).toISOString());
    expect(status).toMatchObject({ id: CHATWOOT_LONG_CONVERSATION_ID, status: 'pending', changed_attributes: [{ status: { previous_value: 'open', current_value: 'pending' } }] });
    expect(sim.webhookDeliveries.slice(-3).map((delivery) => delivery.status)).toEqual([200, 200, 200]);
  });

  it('sends unsigned webhooks without a secret and records a failed attempt without retrying', async () => {
    sim.setWebhook({ url: receiverUrl });
    await post(CHATWOOT_LONG_CONVERSATION_ID, '/messages', { content: 'Unsigned hello' });
    await sim.webhooksIdle();
    expect(received).toHaveLength(1);
    expect(received[0]!.headers['x-chatwoot-signature']).toBeUndefined();
    expect(received[0]!.headers['x-chatwoot-delivery']).toBeDefined();
    sim.setWebhook({ url: 'http://127.0.0.1:1/nowhere' });
    const before = sim.webhookDeliveries.length;
    await post(CHATWOOT_LONG_CONVERSATION_ID, '/messages', { content: 'Nobody listens' });
    await sim.webhooksIdle();
    expect(sim.webhookDeliveries.slice(before)).toHaveLength(1);
    expect(sim.webhookDeliveries.at(-1)!.error).toBeDefined();
  });

  it('lets the other side answer a sent message after the configured delay, by webhook too', async () => {
    sim.setWebhook({ url: receiverUrl, secret: SECRET });
    sim.setAutoReply({ delayMs: 30 });
    await post(CHATWOOT_LONG_CONVERSATION_ID, '/messages', { content: 'Is the replacement working?' });
    await post(CHATWOOT_LONG_CONVERSATION_ID, '/messages', { content: 'internal only', private: true });
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(3);
    await sim.webhooksIdle();
    // The reply may overtake the private note on a busy machine: find it by what it is, not by
    // its place. The private note gets no reply of its own, so there is exactly one.
    const replies = received.map((item) => item.body).filter((body) => body.message_type === 'incoming');
    expect(replies).toHaveLength(1);
    const reply = replies[0];
    expect(reply).toMatchObject({ event: 'message_created', message_type: 'incoming', private: false, sender: { type: 'contact' } });
    expect((await messages(CHATWOOT_LONG_CONVERSATION_ID)).find((message) => message.id === reply.id)).toMatchObject({ message_type: 0, private: false });
  });
});
