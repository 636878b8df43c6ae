/**
 * The Chatwoot simulator's agent actions as Chatwoot performs them: assignments (null or an
 * unknown id unassigns), labels (the posted list replaces the old one, keeping only labels the
 * account defines), priority (null and `none` clear), `update_last_seen` (unread count to 0); a
 * `conversation_updated` webhook with `changed_attributes` for each change except the read state.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHATWOOT_BUSY_CONVERSATION_ID, CHATWOOT_DEMO_TOKEN, startChatwootSimulator, type ChatwootSimulator } from '../../../src/demo/simulators/chatwoot/server.js';

let sim: ChatwootSimulator;
const ID = CHATWOOT_BUSY_CONVERSATION_ID;

async function call(method: 'GET' | 'POST', tail: string, body?: unknown) {
  const response = await fetch(`${sim.origin}/api/v1/accounts/1/conversations/${ID}${tail}`, {
    method,
    headers: { api_access_token: CHATWOOT_DEMO_TOKEN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
const conversation = async () => (await call('GET', '')).body;
/** `[event, changed_attributes]` of the deliveries so far. */
async function updates() {
  await sim.webhooksIdle();
  return sim.webhookDeliveries.map((delivery) => {
    const body = JSON.parse(delivery.body);
    return [delivery.event, body.changed_attributes];
  });
}

beforeAll(async () => {
  sim = await startChatwootSimulator();
  // The deliveries are recorded whether or not anyone answers; a closed port is enough.
  sim.setWebhook({ url: 'http://127.0.0.1:9/webhooks/support' });
});
beforeEach(() => {
  sim.webhookDeliveries.length = 0;
});
afterAll(() => sim.close());

describe('chatwoot simulator: agent actions', () => {
  it('assigns, and unassigns for null or an id that is no user', async () => {
    expect((await call('POST', '/assignments', { assignee_id: 2 })).body).toMatchObject({ id: 2, name: 'Marco Bianchi' });
    expect((await conversation()).meta.assignee).toMatchObject({ id: 2 });
    expect((await call('POST', '/assignments', { assignee_id: 999 })).body).toBeNull();
    expect((await conversation()).meta.assignee).toBeUndefined();
    expect((await call('POST', '/assignments', {})).body).toBeNull();
    expect(await updates()).toEqual([
      ['conversation_updated', [{ assignee_id: { previous_value: null, current_value: 2 } }]],
      ['conversation_updated', [{ assignee_id: { previous_value: 2, current_value: null } }]],
    ]);
    const activity = (await conversation()).messages[0];
    expect(activity).toMatchObject({ message_type: 2, content: 'Conversation unassigned by Priya Raman' });
  });

  it('replaces the label list with the labels the account defines', async () => {
    expect((await call('POST', '/labels', { labels: ['vip', 'made-up', 'billing'] })).body).toEqual({ payload: ['vip', 'billing'] });
    expect((await call('POST', '/labels', { labels: ['billing'] })).body).toEqual({ payload: ['billing'] });
    expect((await call('GET', '/labels')).body).toEqual({ payload: ['billing'] });
    expect((await conversation()).labels).toEqual(['billing']);
    expect(await updates()).toEqual([
      ['conversation_updated', [{ label_list: { previous_value: [], current_value: ['vip', 'billing'] } }]],
      ['conversation_updated', [{ label_list: { previous_value: ['vip', 'billing'], current_value: ['billing'] } }]],
    ]);
  });

  it('sets and clears the priority, answering 200 with no body', async () => {
    expect(await call('POST', '/toggle_priority', { priority: 'high' })).toEqual({ status: 200, body: undefined });
    expect((await conversation()).priority).toBe('high');
    expect((await call('POST', '/toggle_priority', { priority: null })).status).toBe(200);
    expect((await conversation()).priority).toBeNull();
    expect((await call('POST', '/toggle_priority', { priority: 'critical' })).status).toBe(422);
    expect(await updates()).toEqual([
      ['conversation_updated', [{ priority: { previous_value: null, current_value: 'high' } }]],
      ['conversation_updated', [{ priority: { previous_value: 'high', current_value: null } }]],
    ]);
  });

  it('marks read without a webhook: unread_count drops to 0', async () => {
    const incoming = await fetch(`${sim.origin}/api/v1/accounts/1/conversations/${ID}/messages`, {
      method: 'POST',
      headers: { api_access_token: CHATWOOT_DEMO_TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Any news?', message_type: 'incoming' }),
    });
    expect(incoming.status).toBe(200);
    const before = await conversation();
    expect(before.unread_count).toBeGreaterThan(0);
    sim.webhookDeliveries.length = 0;
    const seen = await call('POST', '/update_last_seen');
    expect(seen.body).toMatchObject({ id: ID, unread_count: 0 });
    expect(seen.body.agent_last_seen_at).toBeGreaterThan(before.agent_last_seen_at);
    expect((await conversation()).unread_count).toBe(0);
    expect(await updates()).toEqual([]);
  });

  it('lists the account’s agents', async () => {
    const response = await fetch(`${sim.origin}/api/v1/accounts/1/agents`, { headers: { api_access_token: CHATWOOT_DEMO_TOKEN } });
    expect(((await response.json()) as any[]).map((agent) => [agent.id, agent.email])).toEqual([
      [1, 'priya@acme-support.example'],
      [2, 'marco@acme-support.example'],
    ]);
  });
});
