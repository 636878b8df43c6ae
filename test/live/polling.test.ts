/**
 * Polled sources over real sockets: a Dify conversation's new exchange reaches a
 * `messageAdded` subscriber once (both halves, in order) while the poller runs every 100 ms;
 * the conversation's change reaches `conversationUpdated`; one poller serves every subscriber
 * of the same conversation and user, and stops with the last; a failed poll ends nothing until
 * the source's circuit breaker opens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startLiveGateway, subscribeSse, viewerHeaders, wsClient, type LiveGateway } from './helpers.js';

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { id externalId role text } }`;
const VIEWER = viewerHeaders('demo-user');

let live: LiveGateway;
let conversation: { id: string; externalId: string };

beforeAll(async () => {
  live = await startLiveGateway();
  const list = await graphql(live.url, `{ source(name: "assistant") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, VIEWER);
  conversation = list.data.source.conversations.edges[0].node;
});
afterAll(() => live.close());

/** A blocking send straight to the Dify simulator, as another client of the app would. */
async function sendToDify(query: string) {
  const { baseUrl, apiKey } = live.backends.simulators.assistant.sourceConfig as { baseUrl: string; apiKey: string };
  const response = await fetch(`${baseUrl}/chat-messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: {}, query, user: 'demo-user', response_mode: 'blocking', conversation_id: conversation.externalId }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string; answer: string };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('poll failures', () => {
  let flaky: LiveGateway;
  let flakyConversation: { id: string; externalId: string };
  beforeAll(async () => {
    flaky = await startLiveGateway({
      configure: (config) => {
        const dify = config.sources.find((source: any) => source.kind === 'dify');
        dify.retries = 0;
        dify.circuitBreaker = { minimumRequests: 4, errorThresholdPercent: 50, windowMs: 10_000, coolDownMs: 10_000 };
      },
    });
    const list = await graphql(flaky.url, `{ source(name: "assistant") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, VIEWER);
    flakyConversation = list.data.source.conversations.edges[0].node;
  });
  afterAll(() => flaky.close());

  it('a failed poll ends nothing; once the breaker opens the subscription ends with UPSTREAM_UNAVAILABLE', async () => {
    const dify = flaky.backends.simulators.assistant;
    const sse = await subscribeSse(flaky.url, MESSAGE_ADDED, { id: flakyConversation.id }, VIEWER);
    await wait(400);
    const unavailable = { status: 503, body: { code: 'internal_server_error', message: 'down', status: 503 } };
    dify.injectFailure(unavailable, 1, { path: '/v1/messages' });
    await wait(300);
    expect(sse.queue.pending()).toEqual([]);
    expect(sse.queue.ended).toBe(false);
    expect(flaky.gateway.circuitState('assistant')).toBe('closed');
    dify.injectFailure(unavailable, 20, { path: '/v1/messages' });
    const ended = await sse.queue.next(5_000);
    expect(ended.errors[0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'assistant' });
    expect(await sse.queue.next()).toBeUndefined();
    expect(flaky.gateway.circuitState('assistant')).toBe('open');
  });
});

describe('polled Dify conversation', () => {
  it('delivers a new exchange once, USER then ASSISTANT', async () => {
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id: conversation.id }, VIEWER);
    const ws = wsClient(live.url, { headers: VIEWER });
    const other = ws.subscribe(MESSAGE_ADDED, { id: conversation.id });
    await wait(400); // the baseline poll
    const sent = await sendToDify('How do I export my tickets?');
    const user = await sse.queue.next();
    const assistant = await sse.queue.next();
    expect(user.data.messageAdded).toMatchObject({ externalId: sent.id, role: 'USER', text: 'How do I export my tickets?' });
    expect(assistant.data.messageAdded).toMatchObject({ externalId: sent.id, role: 'ASSISTANT', text: sent.answer });
    expect((await other.queue.next()).data.messageAdded.role).toBe('USER');
    expect((await other.queue.next()).data.messageAdded.role).toBe('ASSISTANT');
    // One poller for both subscribers of the same conversation and user.
    const polls = () =>
      live.backends.simulators.assistant.requests.filter((request) => request.path.endsWith('/messages')).length;
    const before = polls();
    await wait(550);
    const during = polls() - before;
    expect(during).toBeGreaterThan(0);
    expect(during).toBeLessThanOrEqual(8);
    expect(sse.queue.pending()).toEqual([]);
    expect(other.queue.pending()).toEqual([]);
    sse.close();
    other.close();
    await ws.client.dispose();
    await wait(300);
    const after = polls();
    await wait(400);
    expect(polls()).toBe(after); // stopped with the last subscriber
  });

  it('delivers the conversation’s change to conversationUpdated', async () => {
    const sse = await subscribeSse(
      live.url,
      `subscription { conversationUpdated(sourceIds: ["assistant"]) { id updatedAt source { name } } }`,
      {},
      VIEWER,
    );
    await wait(400);
    await sendToDify('And can I schedule the export?');
    const event = await sse.queue.next();
    expect(event.errors).toBeUndefined();
    expect(event.data.conversationUpdated).toMatchObject({ id: conversation.id, source: { name: 'assistant' } });
    await wait(400);
    expect(sse.queue.pending()).toEqual([]);
    sse.close();
  });

  it('a foreign Dify conversation opens no stream', async () => {
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id: conversation.id }, viewerHeaders('someone-else'));
    const result = await sse.queue.next();
    expect(result.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', sourceId: 'assistant' });
  });
});
