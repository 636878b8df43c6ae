import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHATWOOT_AGENT_TOKEN,
  CHATWOOT_DEMO_TOKEN,
  CHATWOOT_LONG_CONVERSATION_ID,
  startChatwootSimulator,
  type ChatwootSimulator,
} from '../../../src/demo/simulators/chatwoot/server.js';

let sim: ChatwootSimulator;
const account = () => `${sim.origin}/api/v1/accounts/1`;

async function get(path: string, token: string | null = CHATWOOT_DEMO_TOKEN): Promise<{ status: number; body: any; type: string }> {
  const response = await fetch(`${account()}${path}`, { headers: token === null ? {} : { api_access_token: token } });
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, body: type.includes('json') ? await response.json() : await response.text() };
}

beforeAll(async () => {
  sim = await startChatwootSimulator();
});
afterAll(async () => {
  await sim.close();
});

describe('chatwoot simulator', () => {
  it('points a source at itself with the admin token', () => {
    expect(sim.sourceConfig).toEqual({ kind: 'chatwoot', baseUrl: sim.origin, accountId: 1, apiAccessToken: CHATWOOT_DEMO_TOKEN });
  });

  it("answers auth failures with Chatwoot's own bodies", async () => {
    expect(await get('/conversations', null)).toMatchObject({ status: 401, body: { errors: ['You need to sign in or sign up before continuing.'] } });
    expect(await get('/conversations', 'nope')).toMatchObject({ status: 401, body: { error: 'Invalid Access Token' } });
    const otherAccount = await fetch(`${sim.origin}/api/v1/accounts/2/conversations`, { headers: { api_access_token: CHATWOOT_DEMO_TOKEN } });
    expect([otherAccount.status, await otherAccount.json()]).toEqual([404, { error: 'Resource could not be found' }]);
  });

  it('lists only open conversations by default and every status with status=all, 25 a page', async () => {
    const open = await get('/conversations');
    expect(open.body.data.payload.every((c: { status: string }) => c.status === 'open')).toBe(true);
    expect(open.body.data.payload.length).toBe(sim.data.conversations.filter((c) => c.status === 'open').length);
    const first = await get('/conversations?status=all&page=1');
    const second = await get('/conversations?status=all&page=2');
    expect(first.body.data.payload).toHaveLength(25);
    expect(second.body.data.payload).toHaveLength(5);
    expect(first.body.data.meta.all_count).toBe(30);
    const times = [...first.body.data.payload, ...second.body.data.payload].map((c: { last_activity_at: number }) => c.last_activity_at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const statuses = new Set(first.body.data.payload.map((c: { status: string }) => c.status));
    expect(statuses).toEqual(new Set(['open', 'pending', 'snoozed', 'resolved']));
  });

  it('renders the display id as id and epoch seconds for times', async () => {
    const { body } = await get(`/conversations/${CHATWOOT_LONG_CONVERSATION_ID}`);
    expect(body).toMatchObject({ id: CHATWOOT_LONG_CONVERSATION_ID, status: 'open', meta: { sender: { identifier: 'demo-user' } } });
    expect(Number.isInteger(body.created_at) && Number.isInteger(body.last_activity_at)).toBe(true);
    expect(body.timestamp).toBe(body.last_activity_at);
    expect(body.last_non_activity_message.private).toBe(true);
  });

  it('limits an agent to the inboxes they belong to', async () => {
    const list = await get('/conversations?status=all', CHATWOOT_AGENT_TOKEN);
    expect(list.body.data.payload.every((c: { inbox_id: number }) => c.inbox_id === 1)).toBe(true);
    const email = sim.data.conversations.find((c) => c.inboxId === 2);
    expect(await get(`/conversations/${email?.id}/messages`, CHATWOOT_AGENT_TOKEN)).toMatchObject({
      status: 401,
      body: { error: 'You are not authorized to do this action' },
    });
    expect(await get('/conversations/9999')).toMatchObject({ status: 404, body: { error: 'Resource could not be found' } });
  });

  it("pages messages like Chatwoot's MessageFinder", async () => {
    const own = sim.data.messages.filter((m) => m.conversationId === CHATWOOT_LONG_CONVERSATION_ID).map((m) => m.id);
    const path = `/conversations/${CHATWOOT_LONG_CONVERSATION_ID}/messages`;
    const ids = async (query: string) => ((await get(`${path}${query}`)).body.payload as Array<{ id: number }>).map((m) => m.id);
    expect(await ids('')).toEqual(own.slice(-20));
    expect(await ids(`?before=${own[50]}`)).toEqual(own.slice(30, 50));
    expect(await ids(`?after=${own[5]}`)).toEqual(own.slice(6, 106));
    expect(await ids('?after=0')).toEqual(own.slice(0, 100));
    expect(await ids(`?after=${own[10]}&before=${own[14]}`)).toEqual(own.slice(10, 14));
    // Ids are global to the account: other conversations' messages sit between these.
    expect((own.at(-1) as number) - (own[0] as number)).toBeGreaterThan(own.length);
  });

  it('renders messages as push_event_data: integer type, no empty attachments, no sender on activity', async () => {
    const { body } = await get(`/conversations/${CHATWOOT_LONG_CONVERSATION_ID}/messages?after=0`);
    expect(body.meta.contact).toMatchObject({ identifier: 'demo-user', type: 'contact' });
    const activity = body.payload.find((m: { message_type: number }) => m.message_type === 2);
    expect(activity.sender).toBeUndefined();
    expect(activity.sender_type).toBeNull();
    const plain = body.payload.find((m: { message_type: number }) => m.message_type === 0);
    expect(plain).not.toHaveProperty('attachments');
    expect(plain).toMatchObject({ conversation_id: CHATWOOT_LONG_CONVERSATION_ID, sender: { type: 'contact' } });
    const withFile = body.payload.find((m: { attachments?: unknown[] }) => m.attachments);
    expect(withFile.attachments[0]).toMatchObject({ file_type: 'image', file_size: 248113, data_url: expect.stringContaining(sim.origin) });
    expect(body.payload.some((m: { sender?: { type: string } }) => m.sender?.type === 'agent_bot')).toBe(true);
  });

  it('searches contacts by substring, 15 a page, identifier case-sensitively', async () => {
    const first = await get('/contacts/search?q=demo-user&page=1');
    expect(first.body.payload).toHaveLength(15);
    expect(first.body.meta.has_more).toBe(true);
    expect(first.body.payload.some((c: { identifier: string }) => c.identifier === 'demo-user')).toBe(false);
    const second = await get('/contacts/search?q=demo-user&page=2');
    expect(second.body.payload.map((c: { identifier: string }) => c.identifier)).toContain('demo-user');
    expect(second.body.meta.has_more).toBe(false);
    expect((await get('/contacts/search?q=DEMO-USER')).body.payload).toHaveLength(0);
    expect((await get('/contacts/search?q=ALICE')).body.payload.map((c: { identifier: string }) => c.identifier)).toEqual(['alice']);
  });

  it("lists a contact's conversations newest id first, at most 20", async () => {
    const demo = sim.data.contacts.find((c) => c.identifier === 'demo-user');
    const { body } = await get(`/contacts/${demo?.id}/conversations`);
    const expected = sim.data.conversations.filter((c) => c.contactId === demo?.id).map((c) => c.id).sort((a, b) => b - a);
    expect(body.payload.map((c: { id: number }) => c.id)).toEqual(expected);
    expect(await get('/contacts/99999/conversations')).toMatchObject({ status: 404 });
  });

  it('throttles with a plain-text 429 like Rack::Attack', async () => {
    const throttled = await startChatwootSimulator({ rateLimit: { limit: 1, periodSeconds: 60, retryAfterHeader: true } });
    try {
      const call = () => fetch(`${throttled.origin}/api/v1/accounts/1/conversations`, { headers: { api_access_token: CHATWOOT_DEMO_TOKEN } });
      expect((await call()).status).toBe(200);
      const limited = await call();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.text()).toBe('Retry later\n');
    } finally {
      await throttled.close();
    }
  });
});
