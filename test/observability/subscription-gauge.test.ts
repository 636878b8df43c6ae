/**
 * The open-subscriptions gauge on the gateway's own yoga, over SSE and graphql-ws: it rises
 * while a subscription is open and falls when it ends, and it learns the end from the stream
 * itself (src/core/stream-end.ts), not from one more async iterator wrapped around every
 * subscriber's stream for the gauge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plugin } from 'graphql-yoga';
import { onStreamEnd } from '../../src/core/stream-end.js';
import {
  graphql,
  startLiveGateway,
  subscribeSse,
  viewerHeaders,
  wsClient,
  type LiveGateway,
} from '../live/helpers.js';

const LIVE = `subscription Live($id: ID!) { messageAdded(conversationId: $id) { id } }`;

/** The stream each subscription opened, as the observers' `onSubscribeResult` hooks see it. */
const opened: unknown[] = [];
const observeResults: Plugin = {
  onSubscribe: () => ({
    onSubscribeResult({ result }) {
      opened.push(result);
    },
  }),
};

let live: LiveGateway;
let conversationId: string;

beforeAll(async () => {
  live = await startLiveGateway({ plugins: [observeResults] });
  const mine = await graphql(live.url, `{ source(name: "support") { conversations(first: 1) { edges { node { id } } } } }`, {}, viewerHeaders('demo-user'));
  conversationId = mine.data.source.conversations.edges[0].node.id;
});
afterAll(() => live.close());

async function openGauge(): Promise<number> {
  const text = await (await fetch(`${live.url}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith('chat_gateway_subscriptions_open{operation_name="Live"}'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function gaugeReaches(value: number): Promise<void> {
  for (let waited = 0; waited < 3_000 && (await openGauge()) !== value; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await openGauge()).toBe(value);
}

describe('open-subscriptions gauge', () => {
  it('counts SSE and graphql-ws subscriptions while open, without wrapping their streams', async () => {
    const headers = viewerHeaders('demo-user');
    const sse = await subscribeSse(live.url, LIVE, { id: conversationId }, headers);
    expect(sse.status).toBe(200);
    const ws = wsClient(live.url, { headers });
    const overWs = ws.subscribe(LIVE, { id: conversationId });
    try {
      await gaugeReaches(2);
      expect(opened).toHaveLength(2);
      for (const stream of opened) expect(onStreamEnd(stream, () => undefined)).toBe(true);
    } finally {
      sse.close();
      overWs.close();
      await ws.client.dispose();
    }
    await gaugeReaches(0);
  });
});
