import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderAdapter } from '../../../src/providers/contract.js';
import {
  CHATWOOT_BUSY_CONVERSATION_ID,
  CHATWOOT_LONG_CONVERSATION_ID,
  startChatwootSimulator,
  type ChatwootSimulator,
} from '../../../src/demo/simulators/chatwoot/server.js';
import { agent, calls, contact, createAdapter, expectedKeys, scrollBackward } from './helpers.js';

let sim: ChatwootSimulator;
let adapter: ProviderAdapter;
const LONG = String(CHATWOOT_LONG_CONVERSATION_ID);
const BUSY = String(CHATWOOT_BUSY_CONVERSATION_ID);

beforeAll(async () => {
  sim = await startChatwootSimulator();
  adapter = createAdapter(sim.origin);
});
afterAll(async () => {
  await adapter.close();
  await sim.close();
});
beforeEach(() => {
  sim.requests.length = 0;
});

describe('chatwoot listMessages', () => {
  for (const limit of [20, 7]) {
    it(`scrolls backward to the first message exactly once, in order (page size ${limit}, agent)`, async () => {
      const { keys, pageSizes } = await scrollBackward(adapter, agent, LONG, limit);
      expect(keys).toEqual(expectedKeys(sim, CHATWOOT_LONG_CONVERSATION_ID, true));
      expect(pageSizes.slice(0, -1).every((size) => size === limit)).toBe(true);
      expect(calls(sim, `/conversations/${LONG}/messages`)[0]).toBe('');
    });

    it(`scrolls backward without private notes and without short pages (page size ${limit}, contact)`, async () => {
      const { keys, pageSizes } = await scrollBackward(adapter, contact, LONG, limit);
      expect(keys).toEqual(expectedKeys(sim, CHATWOOT_LONG_CONVERSATION_ID, false));
      expect(pageSizes.slice(0, -1).every((size) => size === limit)).toBe(true);
    });
  }

  it('reads forward from the start with limit 101 through several after= calls', async () => {
    const all = expectedKeys(sim, CHATWOOT_BUSY_CONVERSATION_ID, true);
    expect(all.length).toBeGreaterThan(101);
    const first = await adapter.listMessages(agent(), BUSY, { direction: 'forward', cursor: null, limit: 101 });
    expect(first.messages.map((message) => message.key)).toEqual(all.slice(0, 101));
    expect(first.hasMore).toBe(true);
    expect(calls(sim, `/conversations/${BUSY}/messages`)).toEqual(['after=0', `after=${all[99]}`]);
    const rest = await adapter.listMessages(agent(), BUSY, { direction: 'forward', cursor: all[100] as string, limit: 101 });
    expect(rest.messages.map((message) => message.key)).toEqual(all.slice(101));
    expect(rest.hasMore).toBe(false);
  });

  it('fills forward pages for a contact while skipping private notes', async () => {
    const visible = expectedKeys(sim, CHATWOOT_BUSY_CONVERSATION_ID, false);
    const page = await adapter.listMessages(contact(), BUSY, { direction: 'forward', cursor: null, limit: 101 });
    expect(page.messages.map((message) => message.key)).toEqual(visible.slice(0, 101));
    expect(page.messages.some((message) => message.isPrivate)).toBe(false);
    expect(page.hasMore).toBe(visible.length > 101);
  });

  it('reads the messages right before and right after a cursor', async () => {
    const all = expectedKeys(sim, CHATWOOT_LONG_CONVERSATION_ID, true);
    const middle = all[30] as string;
    const older = await adapter.listMessages(agent(), LONG, { direction: 'backward', cursor: middle, limit: 5 });
    expect(older.messages.map((message) => message.key)).toEqual(all.slice(25, 30));
    expect(older.hasMore).toBe(true);
    const newer = await adapter.listMessages(agent(), LONG, { direction: 'forward', cursor: middle, limit: 5 });
    expect(newer.messages.map((message) => message.key)).toEqual(all.slice(31, 36));
    expect(calls(sim, `/conversations/${LONG}/messages`)).toEqual([`before=${middle}`, `after=${middle}`]);
  });

  it('reports hasMore exactly at the ends', async () => {
    const visible = expectedKeys(sim, CHATWOOT_LONG_CONVERSATION_ID, false);
    const whole = await adapter.listMessages(contact(), LONG, { direction: 'backward', cursor: null, limit: visible.length });
    expect(whole.messages).toHaveLength(visible.length);
    expect(whole.hasMore).toBe(false);
    const allButOne = await adapter.listMessages(contact(), LONG, { direction: 'forward', cursor: null, limit: visible.length - 1 });
    expect(allButOne.hasMore).toBe(true);
    const oldest = await adapter.listMessages(agent(), LONG, { direction: 'backward', cursor: visible[0] as string, limit: 10 });
    expect(oldest).toEqual({ messages: [], hasMore: false });
  });

  it('shows private notes to agents, marked, and maps bots, activity and files', async () => {
    const { messages } = await adapter.listMessages(agent(), LONG, { direction: 'forward', cursor: null, limit: 101 });
    const notes = messages.filter((message) => message.isPrivate);
    expect(notes.map((message) => message.key)).toEqual(
      sim.data.messages.filter((m) => m.conversationId === CHATWOOT_LONG_CONVERSATION_ID && m.private).map((m) => String(m.id)),
    );
    expect(notes.every((message) => message.role === 'AGENT' && message.sender?.kind === 'AGENT')).toBe(true);
    expect(messages.find((message) => message.sender?.name === 'Helper Bot')).toMatchObject({ role: 'ASSISTANT', sender: { kind: 'BOT' } });
    expect(messages.find((message) => message.role === 'SYSTEM')).toMatchObject({ sender: null });
    const files = messages.flatMap((message) => message.attachments);
    expect(files.map((file) => [file.type, file.name, file.mimeType])).toEqual([
      ['image', 'connection-history.png', 'image/png'],
      ['image', 'wiring-backplate.jpg', 'image/jpeg'],
      ['file', 'warranty-order-WR-2026-0142.pdf', 'application/pdf'],
    ]);
    expect(files[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rails\/active_storage\/blobs\/redirect\/.+\/connection-history\.png$/);
    expect(files[0]?.size).toBe(248113);
  });

  it('refuses a malformed cursor with BAD_USER_INPUT before calling upstream', async () => {
    await expect(adapter.listMessages(agent(), LONG, { direction: 'backward', cursor: 'abc', limit: 5 })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      sourceId: 'support',
    });
    expect(sim.requests).toHaveLength(0);
  });
});

describe('chatwoot contact scope', () => {
  const demoConversations = () =>
    sim.data.conversations
      .filter((c) => c.contactId === sim.data.contacts.find((k) => k.identifier === 'demo-user')?.id)
      .sort((a, b) => b.lastActivityAt - a.lastActivityAt)
      .map((c) => String(c.id));

  it('finds the contact whose identifier is exactly the viewer id among substring matches', async () => {
    const cold = createAdapter(sim.origin);
    const slice = await cold.listConversations(contact(), { after: null, limit: 20 });
    expect(slice.items.map((item) => item.externalId)).toEqual(demoConversations());
    expect(slice.items).toHaveLength(5);
    expect(slice.hasMore).toBe(false);
    expect(calls(sim, '/contacts/search')).toEqual(['q=demo-user&page=1', 'q=demo-user&page=2']);
    const decoy = await cold.listConversations(contact('demo-user-2'), { after: null, limit: 20 });
    expect(decoy.items.map((item) => item.externalId)).toEqual(['10']);
    await cold.close();
  });

  it('pages a contact list by position and never titles with a private note', async () => {
    const first = await adapter.listConversations(contact(), { after: null, limit: 2 });
    const second = await adapter.listConversations(contact(), { after: first.items[1]?.cursorKey ?? null, limit: 10 });
    expect([...first.items, ...second.items].map((item) => item.externalId)).toEqual(demoConversations());
    expect(first.hasMore).toBe(true);
    expect(second.hasMore).toBe(false);
    const long = [...first.items, ...second.items].find((item) => item.externalId === LONG);
    const notes = sim.data.messages.filter((m) => m.conversationId === CHATWOOT_LONG_CONVERSATION_ID && m.private).map((m) => m.content);
    expect(long?.title).toBe('Demo User');
    expect(notes).toContain(sim.data.messages.filter((m) => m.conversationId === CHATWOOT_LONG_CONVERSATION_ID).at(-1)?.content);
  });

  it("answers another contact's conversation exactly like a missing one", async () => {
    const alices = sim.data.conversations.find((c) => sim.data.contacts[c.contactId - 1]?.identifier === 'alice');
    const page = { direction: 'backward' as const, cursor: null, limit: 5 };
    const foreign = await adapter.listMessages(contact(), String(alices?.id), page).catch((error: unknown) => error);
    const missing = await adapter.listMessages(contact(), '9999', page).catch((error: unknown) => error);
    expect(foreign).toMatchObject({ code: 'NOT_FOUND', sourceId: 'support' });
    expect(missing).toMatchObject({ code: 'NOT_FOUND', sourceId: 'support', message: (foreign as Error).message });
  });

  it('gives a viewer without a contact an empty list and NOT_FOUND', async () => {
    const nobody = contact('no-such-user');
    expect(await adapter.listConversations(nobody, { after: null, limit: 20 })).toEqual({ items: [], hasMore: false });
    await expect(adapter.listMessages(nobody, LONG, { direction: 'backward', cursor: null, limit: 5 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(calls(sim, '/messages')).toHaveLength(0);
  });

  it('looks the contact up once, then reuses it for later requests (search is rate-limited)', async () => {
    const cold = createAdapter(sim.origin);
    const viewer = contact();
    await cold.listConversations(viewer, { after: null, limit: 5 });
    await cold.listMessages(viewer, LONG, { direction: 'backward', cursor: null, limit: 5 });
    expect(calls(sim, '/contacts/search')).toHaveLength(2);
    await cold.listConversations(contact(), { after: null, limit: 5 });
    expect(calls(sim, '/contacts/search')).toHaveLength(2);
    await cold.listConversations(contact('nobody-like-this'), { after: null, limit: 5 });
    expect(calls(sim, '/contacts/search')).toEqual(['q=demo-user&page=1', 'q=demo-user&page=2', 'q=nobody-like-this&page=1']);
    await cold.close();
  });
});

describe('chatwoot agent list', () => {
  const byActivity = () => [...sim.data.conversations].sort((a, b) => b.lastActivityAt - a.lastActivityAt).map((c) => String(c.id));

  it('pages through every status, most recent activity first, always sending status=all', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let hasMore = true;
    while (hasMore) {
      const slice = await adapter.listConversations(agent(), { after, limit: 7 });
      seen.push(...slice.items.map((item) => item.externalId));
      after = slice.items.at(-1)?.cursorKey ?? null;
      hasMore = slice.hasMore;
    }
    expect(seen).toEqual(byActivity());
    const list = calls(sim, '/accounts/1/conversations');
    expect(list.length).toBeGreaterThan(1);
    expect(list.every((query) => new URLSearchParams(query).get('status') === 'all')).toBe(true);
  });

  it('fills a large page from two upstream pages and includes resolved and snoozed ones', async () => {
    const slice = await adapter.listConversations(agent(), { after: null, limit: 100 });
    expect(slice.items).toHaveLength(30);
    expect(slice.hasMore).toBe(false);
    expect(new Set(slice.items.map((item) => item.status))).toEqual(new Set(['OPEN', 'PENDING', 'SNOOZED', 'RESOLVED']));
    expect(calls(sim, '/accounts/1/conversations')).toEqual(['status=all&page=1', 'status=all&page=2']);
  });

  it('knows there is more after a full first page without reading the next one', async () => {
    const slice = await adapter.listConversations(agent(), { after: null, limit: 25 });
    expect(slice.hasMore).toBe(true);
    expect(calls(sim, '/accounts/1/conversations')).toEqual(['status=all&page=1']);
  });

  it('refuses a malformed list cursor', async () => {
    await expect(adapter.listConversations(agent(), { after: 'x.y', limit: 5 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'support' });
  });
});
