/**
 * graphql-ws and the rules HTTP follows: a cross-site `Origin` is refused at the upgrade (403,
 * no socket) like an HTTP request from that origin; one bad operation (syntax error, token
 * limit, validation error) errors that operation only and the socket's other subscriptions live
 * on; mutations are served over an origin-checked socket.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { graphql, messageCreated, postWebhook, rawWs, signWebhook, startLiveGateway, viewerHeaders, type LiveGateway } from './helpers.js';

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { id text } }`;
const CONTACT = viewerHeaders('demo-user');
const AGENT = viewerHeaders('priya', ['agent']);

let live: LiveGateway;
let conversation: { id: string; externalId: string };

beforeAll(async () => {
  live = await startLiveGateway({
    configure: (config) => {
      config.server = { ...config.server, corsOrigins: ['https://app.example'] };
    },
  });
  const list = await graphql(live.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, CONTACT);
  conversation = list.data.source.conversations.edges[0].node;
});
afterAll(() => live.close());

/** The HTTP status of an upgrade with `origin`, or 101 when a socket opened. */
function upgradeStatus(origin: string | undefined): Promise<number> {
  const socket = new WebSocket(`${live.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', {
    headers: { ...CONTACT, ...(origin ? { origin } : {}) },
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => (socket.close(), resolve(101)));
    socket.once('unexpected-response', (_request, response) => (resolve(response.statusCode ?? 0), socket.terminate()));
    socket.once('error', (error) => reject(error));
  });
}

describe('WebSocket upgrades follow the origin rules of HTTP requests', () => {
  it('refuses a cross-site Origin with 403 and opens no socket', async () => {
    expect(await upgradeStatus('https://evil.example')).toBe(403);
    expect(await upgradeStatus('null')).toBe(403);
  });

  it('accepts the gateway’s own origin, a configured one, and clients that send none', async () => {
    expect(await upgradeStatus(live.url)).toBe(101);
    expect(await upgradeStatus('https://app.example')).toBe(101);
    expect(await upgradeStatus(undefined)).toBe(101);
  });

  it('refuses the same cross-site Origin over HTTP with 403 FORBIDDEN', async () => {
    const response = await fetch(`${live.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example', ...CONTACT },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('one bad operation on a shared socket', () => {
  it('errors that operation only; the socket and its subscription live on', async () => {
    const ws = await rawWs(live.url, CONTACT);
    ws.send({ id: 'live', type: 'subscribe', payload: { query: MESSAGE_ADDED, variables: { id: conversation.id } } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    ws.send({ id: 'syntax', type: 'subscribe', payload: { query: 'subscription { messageAdded(' } });
    ws.send({ id: 'tokens', type: 'subscribe', payload: { query: `{ viewer { ${'id '.repeat(5_000)} } }` } });
    ws.send({ id: 'invalid', type: 'subscribe', payload: { query: '{ noSuchField }' } });
    for (const id of ['syntax', 'tokens', 'invalid']) {
      const error = await ws.waitFor((message) => message.id === id && message.type === 'error', 5_000, `${id} error`);
      expect(error.payload[0].message).toBeTypeOf('string');
    }
    expect(ws.closed()).toBeUndefined();
    const payload = messageCreated(Number(conversation.externalId), { content: 'still live' });
    expect((await postWebhook(live.url, 'support', payload.body, signWebhook(payload.body))).status).toBe(200);
    const next = await ws.waitFor((message) => message.id === 'live' && message.type === 'next', 5_000, 'event after the bad operations');
    expect(next.payload.data.messageAdded.text).toBe('still live');
    ws.socket.close();
  });

  it('serves a mutation (the socket is origin-checked, so it is as safe as a JSON POST)', async () => {
    const ws = await rawWs(live.url, AGENT);
    ws.send({
      id: 'send',
      type: 'subscribe',
      payload: {
        query: `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messages { text } } }`,
        variables: { input: { conversationId: conversation.id, text: 'sent over a socket' } },
      },
    });
    const result = await ws.waitFor((message) => message.id === 'send' && message.type !== 'complete', 10_000, 'mutation result');
    expect(result.type).toBe('next');
    expect(result.payload.errors).toBeUndefined();
    expect(result.payload.data.sendMessage.messages.at(-1).text).toBe('sent over a socket');
    expect(ws.closed()).toBeUndefined();
    ws.socket.close();
  });
});

describe('a frame larger than maxBodyBytes', () => {
  it('closes that socket with 1009 and logs no internal error', async () => {
    const printed = vi.spyOn(console, 'error');
    try {
      const ws = await rawWs(live.url, CONTACT);
      ws.socket.send(Buffer.alloc(2 * 1024 * 1024, 1));
      for (let waited = 0; waited < 5_000 && !ws.closed(); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(ws.closed()?.code).toBe(1009);
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });
});

