/**
 * The access check that opens a live stream, shared within an access class: 200 agents
 * subscribing to one conversation at once cost the Chatwoot simulator a handful of calls, not
 * 200; a contact subscribing to another's conversation is still NOT_FOUND and opens nothing;
 * a "visible" answer is kept at most its TTL, "not visible" not at all.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { graphql, startLiveGateway, subscribeSse, viewerHeaders, wsClient, type LiveGateway } from '../live/helpers.js';

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { id text } }`;
const SUBSCRIBERS = 200;

let live: LiveGateway;
let mine: { id: string; externalId: string };
let foreign: { id: string; externalId: string };

beforeAll(async () => {
  live = await startLiveGateway();
  const own = await graphql(live.url, `{ source(name: "support") { conversations(first: 50) { edges { node { id externalId } } } } }`, {}, viewerHeaders('demo-user'));
  const all = await graphql(live.url, `{ source(name: "support") { conversations(first: 50) { edges { node { id externalId } } } } }`, {}, viewerHeaders('agent-0', ['agent']));
  const ownIds = new Set(own.data.source.conversations.edges.map((edge: any) => edge.node.id));
  mine = own.data.source.conversations.edges[0].node;
  foreign = all.data.source.conversations.edges.map((edge: any) => edge.node).find((node: any) => !ownIds.has(node.id));
});
afterAll(() => live.close());

const chatwootCalls = () => live.backends.simulators.support.requests.length;

describe('shared access check of live streams', () => {
  it('costs a few upstream calls, not one per subscriber, when 200 agents subscribe to one conversation', async () => {
    const before = chatwootCalls();
    const sse = await Promise.all(
      Array.from({ length: SUBSCRIBERS / 2 }, (_, i) => subscribeSse(live.url, MESSAGE_ADDED, { id: mine.id }, viewerHeaders(`agent-${i}`, ['agent']))),
    );
    const ws = Array.from({ length: SUBSCRIBERS / 2 }, (_, i) =>
      wsClient(live.url, { headers: viewerHeaders(`agent-ws-${i}`, ['agent']) }).subscribe(MESSAGE_ADDED, { id: mine.id }),
    );
    for (const { status } of sse) expect(status).toBe(200);
    await vi.waitFor(() => expect(live.gateway.live.openSubscriptions()).toBe(SUBSCRIBERS), { timeout: 20_000 });
    expect(chatwootCalls() - before).toBeLessThanOrEqual(3);
    for (const subscription of [...sse, ...ws]) subscription.close();
    await vi.waitFor(() => expect(live.gateway.live.openSubscriptions()).toBe(0), { timeout: 10_000 });
  });

  it("answers NOT_FOUND to a contact subscribing to another's conversation, over SSE and graphql-ws, and opens nothing", async () => {
    // An agent's "visible" answer for it is shared with agents only.
    const agent = await subscribeSse(live.url, MESSAGE_ADDED, { id: foreign.id }, viewerHeaders('agent-1', ['agent']));
    await vi.waitFor(() => expect(live.gateway.live.openSubscriptions()).toBe(1));
    const contact = viewerHeaders('demo-user');
    const sse = await subscribeSse(live.url, MESSAGE_ADDED, { id: foreign.id }, contact);
    const first = await sse.queue.next();
    expect(first.errors[0].extensions.code).toBe('NOT_FOUND');
    const ws = wsClient(live.url, { headers: contact }).subscribe(MESSAGE_ADDED, { id: foreign.id });
    const answer = await ws.queue.next();
    expect(answer.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(live.gateway.live.openSubscriptions()).toBe(1);
    agent.close();
    ws.close();
    await vi.waitFor(() => expect(live.gateway.live.openSubscriptions()).toBe(0));
  });

  it('keeps a "visible" answer for its TTL only, and never a "not visible" one', async () => {
    const { createConversationAccess } = await import('../../src/loaders/shared-access.js');
    const source = live.gateway.sources.get('support')!;
    const access = createConversationAccess(300);
    const agent = { id: 'agent-ttl', roles: ['agent'] };
    const contact = { id: 'demo-user', roles: [] };
    const before = chatwootCalls();
    expect(await access(source, agent, mine.externalId)).toBe(true);
    expect(await access(source, { id: 'agent-other', roles: ['agent'] }, mine.externalId)).toBe(true);
    const once = chatwootCalls() - before;
    expect(once).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await access(source, agent, mine.externalId)).toBe(true);
    expect(chatwootCalls() - before).toBe(2 * once);

    const beforeForeign = chatwootCalls();
    expect(await access(source, contact, foreign.externalId)).toBe(false);
    const foreignOnce = chatwootCalls() - beforeForeign;
    expect(await access(source, contact, foreign.externalId)).toBe(false);
    expect(chatwootCalls() - beforeForeign).toBe(2 * foreignOnce);
  });
});
