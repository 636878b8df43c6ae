/**
 * Hostile Chatwoot webhooks over real sockets: a captured signed delivery re-posted under new
 * delivery ids publishes once; an unsigned (`?token=`) delivery id publishes once; a delivery
 * for another account publishes nothing; a sender typed like an Object.prototype key is mapped,
 * not crashed on; a chunked body over the limit gets 413 rather than a reset connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  capturedLogger,
  graphql,
  messageCreated,
  postWebhook,
  signWebhook,
  startLiveGateway,
  subscribeSse,
  viewerHeaders,
  type LiveGateway,
} from './helpers.js';
import { MAX_WEBHOOK_BYTES } from '../../src/live/use-webhooks.js';

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { externalId text role sender { kind } } }`;
const AGENT = viewerHeaders('priya', ['agent']);
const WEBHOOK_TOKEN = 'a-webhook-url-token-0123456789';

let live: LiveGateway;
let conversation: { id: string; externalId: string };
const logs = capturedLogger();

beforeAll(async () => {
  live = await startLiveGateway({
    logger: logs.logger,
    configure: (config) => {
      for (const source of config.sources) if (source.kind === 'chatwoot') source.webhookToken = WEBHOOK_TOKEN;
    },
  });
  const list = await graphql(live.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, AGENT);
  conversation = list.data.source.conversations.edges[0].node;
});
afterAll(() => live.close());

const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));

/** An agent's messageAdded stream on the test conversation, open and listening. */
async function listen() {
  const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id: conversation.id }, AGENT);
  await settle();
  return sse;
}

const errorLines = () => logs.lines.filter((line) => line.level >= 50);

describe('webhook replay protection', () => {
  it('publishes a captured signed delivery once, however many new delivery ids it is re-posted under', async () => {
    const sse = await listen();
    const captured = messageCreated(Number(conversation.externalId), { content: 'captured once' });
    const headers = signWebhook(captured.body);
    const statuses: number[] = [];
    for (let replay = 0; replay < 4; replay += 1) {
      const response = await postWebhook(live.url, 'support', captured.body, { ...headers, 'x-chatwoot-delivery': crypto.randomUUID() });
      statuses.push(response.status);
      if (replay > 0) expect(await response.json()).toEqual({ status: 'duplicate' });
    }
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect((await sse.queue.next()).data.messageAdded.text).toBe('captured once');
    await settle(400);
    expect(sse.queue.pending()).toEqual([]);
    sse.close();
  });

  it('publishes an unsigned (?token=) delivery id once', async () => {
    const sse = await listen();
    const delivery = crypto.randomUUID();
    const headers = { 'content-type': 'application/json', 'x-chatwoot-delivery': delivery };
    const first = messageCreated(Number(conversation.externalId), { content: 'unsigned first' });
    const again = messageCreated(Number(conversation.externalId), { content: 'unsigned again' });
    expect((await postWebhook(live.url, 'support', first.body, headers, `?token=${WEBHOOK_TOKEN}`)).status).toBe(200);
    expect((await postWebhook(live.url, 'support', again.body, headers, `?token=${WEBHOOK_TOKEN}`)).status).toBe(200);
    expect((await sse.queue.next()).data.messageAdded.text).toBe('unsigned first');
    await settle(400);
    expect(sse.queue.pending()).toEqual([]);
    sse.close();
  });
});

describe('webhook bodies', () => {
  it("refuses a delivery for another account with 403 and publishes nothing", async () => {
    const sse = await listen();
    const foreign = messageCreated(Number(conversation.externalId), { content: 'other account' });
    const body = foreign.body.replace('"account":{"id":1,', '"account":{"id":999,');
    expect(body).not.toBe(foreign.body);
    const response = await postWebhook(live.url, 'support', body, signWebhook(body));
    expect(response.status).toBe(403);
    await settle(400);
    expect(sse.queue.pending()).toEqual([]);
    sse.close();
  });

  it('maps a sender typed "constructor" (or another prototype key) without an error', async () => {
    const sse = await listen();
    for (const type of ['constructor', '__proto__', 'toString']) {
      const message = messageCreated(Number(conversation.externalId), { content: `sender ${type}` });
      const body = message.body.replace('"type":"contact"', `"type":"${type}"`);
      expect(body).not.toBe(message.body);
      const response = await postWebhook(live.url, 'support', body, signWebhook(body));
      expect(response.status).toBe(200);
      const event = await sse.queue.next();
      expect(event.errors).toBeUndefined();
      expect(event.data.messageAdded).toMatchObject({ text: `sender ${type}`, role: 'USER', sender: { kind: 'SYSTEM' } });
    }
    expect(errorLines()).toEqual([]);
    sse.close();
  });

  it('answers a chunked body over the limit with 413, not a reset connection', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_WEBHOOK_BYTES * 2) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${live.url}/webhooks/support`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signWebhook('{}') },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(errorLines()).toEqual([]);
  });
});
