/**
 * `conversationUpdated` at scale, over real SSE and graphql-ws against the Chatwoot simulator:
 * one signed `conversation_updated` webhook seen by 200 agents costs one conversation lookup and
 * one execution per access class, not one per subscriber; a contact is its own class and never
 * gets a conversation it may not see; every subscriber gets each change once and in order.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LiveExecutionCounter } from '../../src/plugins/use-shared-live-execution.js';
import {
  graphql,
  postWebhook,
  signWebhook,
  startLiveGateway,
  subscribeSse,
  viewerHeaders,
  wsClient,
  type LiveGateway,
  type ResultQueue,
} from './helpers.js';

const AGENTS = 200;
const CONVERSATION_UPDATED = `subscription { conversationUpdated(sourceIds: ["support"]) { id externalId status title unreadCount assignee { name } labels } }`;

const counter: LiveExecutionCounter = { executions: 0 };
let live: LiveGateway;
/** The demo contact's conversation, and one of another contact's (agents see both). */
let mine: { id: string; externalId: string };
let foreign: { id: string; externalId: string };

beforeAll(async () => {
  // The webhook is posted by the test; the simulator's own deliveries would add events.
  live = await startLiveGateway({ liveExecutions: counter, connectWebhook: false });
  const query = `{ source(name: "support") { conversations(first: 50) { edges { node { id externalId } } } } }`;
  const own = await graphql(live.url, query, {}, viewerHeaders('demo-user'));
  const all = await graphql(live.url, query, {}, viewerHeaders('agent-0', ['agent']));
  const ownIds = new Set(own.data.source.conversations.edges.map((edge: any) => edge.node.id));
  mine = own.data.source.conversations.edges[0].node;
  foreign = all.data.source.conversations.edges.map((edge: any) => edge.node).find((node: any) => !ownIds.has(node.id));
});
afterAll(() => live.close());

/**
 * Upstream reads of conversations made so far: `GET …/conversations/{id}` (an agent's lookup)
 * and `GET …/contacts/{id}/conversations` (a contact's).
 */
const conversationReads = () => live.backends.simulators.support.calls('GET', /\/(conversations\/\d+|contacts\/\d+\/conversations)$/);

/**
 * A `conversation_updated` body for `externalId` as the simulator renders the conversation now
 * (read before any counting starts).
 */
async function updateOf(externalId: string, marker: string): Promise<string> {
  const { baseUrl, apiAccessToken, accountId } = live.backends.simulators.support.sourceConfig as Record<string, string>;
  const current = await fetch(`${baseUrl}/api/v1/accounts/${accountId}/conversations/${externalId}`, {
    headers: { api_access_token: String(apiAccessToken) },
  });
  expect(current.status).toBe(200);
  const conversation = (await current.json()) as Record<string, unknown>;
  const changed = [{ custom_attributes: { previous_value: {}, current_value: { marker } } }];
  return JSON.stringify({ ...conversation, changed_attributes: changed, event: 'conversation_updated' });
}

/** Posts one signed webhook body. */
async function post(body: string) {
  const response = await postWebhook(live.url, 'support', body, signWebhook(body));
  expect(response.status).toBe(200);
}

async function conversationUpdated(externalId: string, marker: string) {
  await post(await updateOf(externalId, marker));
}

/** Events about `id` that arrived and were not pulled yet. */
const pendingAbout = (queue: ResultQueue, id: string) => queue.pending().filter((result) => result.data?.conversationUpdated?.id === id);

/** Sends updates of `about` until every queue has one, then empties the queues: all are listening. */
async function allListening(queues: ResultQueue[], about: { id: string; externalId: string }): Promise<void> {
  for (let round = 0; round < 50; round += 1) {
    await conversationUpdated(about.externalId, `probe ${round}`);
    for (let waited = 0; waited < 2_000 && !queues.every((queue) => pendingAbout(queue, about.id).length > 0); waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (queues.every((queue) => pendingAbout(queue, about.id).length > 0)) {
      // Let the last probe's stragglers in, then drop everything so far.
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const queue of queues) while (queue.pending().length > 0) await queue.next();
      return;
    }
  }
  throw new Error('subscribers never all listened');
}

/** Pulls `count` results from `queue`, failing after `ms` each. */
async function take(queue: ResultQueue, count: number, ms = 10_000): Promise<any[]> {
  const results: any[] = [];
  while (results.length < count) results.push(await queue.next(ms));
  return results;
}

describe('conversationUpdated shared per access class', () => {
  it('reads the conversation and executes once per access class when 200 agents get one webhook', async () => {
    const closers: Array<() => void> = [];
    const agents: ResultQueue[] = [];
    for (let i = 0; i < AGENTS; i += 1) {
      const headers = viewerHeaders(`agent-${i}`, ['agent']);
      const subscription = i % 2 === 0 ? await subscribeSse(live.url, CONVERSATION_UPDATED, {}, headers) : wsClient(live.url, { headers }).subscribe(CONVERSATION_UPDATED, {});
      closers.push(subscription.close);
      agents.push(subscription.queue);
    }
    await vi.waitFor(() => expect(live.gateway.live.openSubscriptions()).toBe(AGENTS), { timeout: 20_000 });
    await allListening(agents, mine);

    const update = await updateOf(mine.externalId, 'one');
    const readsBefore = conversationReads();
    counter.executions = 0;
    await post(update);
    const results = await Promise.all(agents.map((queue) => take(queue, 1)));
    for (const close of closers) close();
    expect(conversationReads() - readsBefore).toBe(1);
    expect(counter.executions).toBe(1);
    for (const [result] of results) {
      expect(result.errors).toBeUndefined();
      expect(result).toEqual(results[0]![0]);
    }
    expect(results[0]![0].data.conversationUpdated.id).toBe(mine.id);

    await vi.waitFor(() => expect(live.gateway.live.openSubscriptions()).toBe(0), { timeout: 10_000 });
  });

  it('keeps a contact apart: its own lookup, only its conversations, each change once and in order', async () => {
    const agentHeaders = (i: number) => viewerHeaders(`agent-order-${i}`, ['agent']);
    const agents = [
      await subscribeSse(live.url, CONVERSATION_UPDATED, {}, agentHeaders(0)),
      wsClient(live.url, { headers: agentHeaders(1) }).subscribe(CONVERSATION_UPDATED, {}),
    ];
    const contact = await subscribeSse(live.url, CONVERSATION_UPDATED, {}, viewerHeaders('demo-user'));
    const all = [...agents, contact];
    await allListening(all.map((subscription) => subscription.queue), mine);

    const updates = [await updateOf(foreign.externalId, 'foreign'), await updateOf(mine.externalId, 'two'), await updateOf(mine.externalId, 'three')];
    const readsBefore = conversationReads();
    counter.executions = 0;
    for (const update of updates) await post(update);
    for (const { queue } of agents) {
      const ids = (await take(queue, 3)).map((result) => result.data.conversationUpdated.id);
      expect(ids).toEqual([foreign.id, mine.id, mine.id]);
    }
    const seen = await take(contact.queue, 2);
    expect(seen.map((result) => result.data.conversationUpdated.id)).toEqual([mine.id, mine.id]);
    // Agents see the team's triage fields; the contact gets null for them (executed apart).
    expect(seen[0].data.conversationUpdated.labels).toBeNull();
    // Three events, two classes each (the contact's read of the foreign one finds nothing).
    expect(conversationReads() - readsBefore).toBe(3 * 2);
    expect(counter.executions).toBe(3 + 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(contact.queue.pending()).toEqual([]);
    for (const subscription of all) subscription.close();
    await vi.waitFor(() => expect(live.gateway.live.openSubscriptions()).toBe(0), { timeout: 10_000 });
  });
});
