/**
 * A subscriber that stops reading, over real sockets: an SSE stream on a raw TCP socket that is
 * paused, and a graphql-ws socket that is paused, while signed Chatwoot webhooks with ~20 KB
 * messages keep coming. The stalled stream ends with `SUBSCRIBER_TOO_SLOW` (its buffer is
 * bounded), a reading subscriber gets every event, and the process never sees an unhandled
 * rejection. A connection whose writes stall is closed after `maxStalledWriteMs`.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  graphql,
  messageCreated,
  postWebhook,
  signWebhook,
  startLiveGateway,
  subscribeSse,
  viewerHeaders,
  within,
  wsClient,
  type LiveGateway,
} from './helpers.js';

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { id text } }`;
const CONTACT = viewerHeaders('demo-user');
const BIG_TEXT = 'x'.repeat(20_000);
const FLOOD = 1_300;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => void rejections.push(reason);

let live: LiveGateway;
let conversation: { id: string; externalId: string };

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  live = await startLiveGateway();
  const mine = await graphql(live.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, CONTACT);
  conversation = mine.data.source.conversations.edges[0].node;
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await live.close();
});
afterEach(() => expect(rejections).toEqual([]));

/** Posts `count` signed `message_created` webhooks with ~20 KB text, a few at a time. */
async function flood(count: number) {
  for (let sent = 0; sent < count; sent += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - sent) }, async () => {
        const payload = messageCreated(Number(conversation.externalId), { content: BIG_TEXT });
        const response = await postWebhook(live.url, 'support', payload.body, signWebhook(payload.body));
        expect(response.status).toBe(200);
      }),
    );
  }
}

/** An SSE subscription on a raw socket, paused once the response headers arrived. */
async function pausedSse(): Promise<{ socket: Socket; resume(): Promise<string> }> {
  const { port } = new URL(live.url);
  const socket = connect(Number(port), '127.0.0.1');
  const body = JSON.stringify({ query: MESSAGE_ADDED, variables: { id: conversation.id } });
  socket.write(
    `POST /graphql HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\naccept: text/event-stream\r\n` +
      `x-chat-user: demo-user\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  const head = await within(5_000, new Promise<Buffer>((resolve) => socket.once('data', resolve)), 'response head');
  expect(head.toString()).toMatch(/^HTTP\/1\.1 200/);
  socket.pause();
  return {
    socket,
    /** Reads on until the stream's `complete` event (or the socket's end); returns the tail. */
    resume: () =>
      within(
        20_000,
        new Promise<string>((resolve) => {
          let tail = '';
          const done = () => resolve(tail);
          socket.on('data', (chunk: Buffer) => {
            tail = (tail + chunk.toString()).slice(-200_000);
            if (tail.includes('event: complete')) done();
          });
          socket.on('close', done);
          socket.resume();
        }),
        'end of the stalled stream',
      ),
  };
}

describe('a subscriber that stops reading', () => {
  it('over SSE: only its own stream ends (SUBSCRIBER_TOO_SLOW); others get every event; the process lives', async () => {
    const stalled = await pausedSse();
    const reader = await subscribeSse(live.url, MESSAGE_ADDED, { id: conversation.id }, CONTACT);
    await wait(200);
    await flood(FLOOD);
    for (let index = 0; index < FLOOD; index++) expect((await reader.queue.next(10_000)).data.messageAdded.text).toBe(BIG_TEXT);
    const tail = await stalled.resume();
    expect(tail).toContain('"code":"SUBSCRIBER_TOO_SLOW"');
    stalled.socket.destroy();
    reader.close();
    expect((await graphql(live.url, `{ viewer { externalId } }`, {}, CONTACT)).data.viewer.externalId).toBe('demo-user');
  }, 120_000);

  it('over graphql-ws: the stalled operation ends with SUBSCRIBER_TOO_SLOW; the process lives', async () => {
    const socket = new WebSocket(`${live.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers: CONTACT });
    const messages: any[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await within(5_000, (async () => { while (!messages.some((m) => m.type === 'connection_ack')) await wait(20); })(), 'ack');
    socket.send(JSON.stringify({ id: 'stalled', type: 'subscribe', payload: { query: MESSAGE_ADDED, variables: { id: conversation.id } } }));
    await wait(200);
    socket.pause();
    const reader = wsClient(live.url, { headers: CONTACT });
    const sub = reader.subscribe(MESSAGE_ADDED, { id: conversation.id });
    await wait(300);
    await flood(FLOOD);
    for (let index = 0; index < FLOOD; index++) expect((await sub.queue.next(10_000)).data.messageAdded.text).toBe(BIG_TEXT);
    socket.resume();
    const ended = await within(
      20_000,
      (async () => {
        for (;;) {
          const last = messages.find((m) => m.id === 'stalled' && (m.type === 'error' || m.payload?.errors));
          if (last) return last;
          await wait(50);
        }
      })(),
      'end of the stalled operation',
    );
    const errors = ended.type === 'error' ? ended.payload : ended.payload.errors;
    expect(errors[0].extensions.code).toBe('SUBSCRIBER_TOO_SLOW');
    socket.terminate();
    await reader.client.dispose();
  }, 120_000);
});

describe('a connection whose writes stall', () => {
  let small: LiveGateway;
  beforeAll(async () => {
    small = await startLiveGateway({
      backends: live.backends,
      configure: (config) => {
        config.server = { ...config.server, limits: { ...config.server?.limits, maxStalledWriteMs: 1_000 } };
      },
    });
  });
  afterAll(() => small.close());

  it('is closed once nothing drained for maxStalledWriteMs', async () => {
    const { port } = new URL(small.url);
    const accepted: Socket[] = [];
    small.running.server.on('connection', (serverSide: Socket) => accepted.push(serverSide));
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    await wait(50);
    const serverSide = accepted.find((candidate) => candidate.remotePort === socket.localPort)!;
    expect(serverSide).toBeDefined();
    const body = JSON.stringify({ query: MESSAGE_ADDED, variables: { id: conversation.id } });
    socket.write(
      `POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\naccept: text/event-stream\r\n` +
        `x-chat-user: demo-user\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await within(5_000, new Promise((resolve) => socket.once('data', resolve)), 'response head');
    socket.pause();
    socket.on('error', () => undefined);
    await wait(200);
    expect(small.gateway.live.openSubscriptions()).toBe(1);
    // Publish through the replica's own webhook until the kernel buffers are full and writes stall.
    for (let sent = 0; sent < 600; sent++) {
      const payload = messageCreated(Number(conversation.externalId), { content: BIG_TEXT });
      await postWebhook(small.url, 'support', payload.body, signWebhook(payload.body));
    }
    await within(10_000, (async () => { while (!serverSide.destroyed) await wait(100); })(), 'stalled connection closed');
    await within(5_000, (async () => { while (small.gateway.live.openSubscriptions() > 0) await wait(100); })(), 'subscription ended');
    socket.destroy();
  }, 60_000);
});
