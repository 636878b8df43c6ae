import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/errors.js';
import type { MessageRef } from '../../../src/core/records.js';
import type { ProviderAdapter } from '../../../src/providers/contract.js';
import {
  CHATWOOT_BUSY_CONVERSATION_ID,
  CHATWOOT_LONG_CONVERSATION_ID,
  startChatwootSimulator,
  type ChatwootSimulator,
} from '../../../src/demo/simulators/chatwoot/server.js';
import { agent, calls, contact, createAdapter } from './helpers.js';

let sim: ChatwootSimulator;
let adapter: ProviderAdapter;
const LONG = String(CHATWOOT_LONG_CONVERSATION_ID);

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

/** The id of one of alice's conversations (another contact than the demo viewer). */
const aliceConversation = () => {
  const alice = sim.data.contacts.find((c) => c.identifier === 'alice');
  return String(sim.data.conversations.find((c) => c.contactId === alice?.id)?.id);
};

describe('chatwoot getConversations', () => {
  it('loads any conversation for an agent, one slot per id in order', async () => {
    const alices = aliceConversation();
    const slots = await adapter.getConversations(agent(), [LONG, '9999', alices, 'abc', LONG]);
    expect(slots.map((slot) => (slot && !(slot instanceof Error) ? slot.externalId : slot))).toEqual([LONG, null, alices, null, LONG]);
    expect(slots[0]).toMatchObject({ status: 'OPEN', upstreamStatus: 'open', title: expect.any(String) });
    // Duplicates and malformed ids cost no extra calls.
    expect(sim.requests.map((request) => request.path)).toHaveLength(3);
  });

  it("serves a contact's ids from one list call and nulls foreign and missing ones alike", async () => {
    const slots = await adapter.getConversations(contact(), [LONG, aliceConversation(), '9999']);
    expect(slots[0]).toMatchObject({ externalId: LONG, updatedAt: expect.any(Date) });
    expect(slots.slice(1)).toEqual([null, null]);
    const demoId = sim.data.contacts.find((c) => c.identifier === 'demo-user')?.id;
    expect(calls(sim, `/contacts/${demoId}/conversations`)).toHaveLength(1);
    expect(sim.requests.filter((request) => /\/conversations\/\d+$/.test(request.path))).toHaveLength(0);
  });

  it('answers null for every id when the viewer has no contact', async () => {
    expect(await adapter.getConversations(contact('stranger'), [LONG, '1'])).toEqual([null, null]);
  });
});

describe('chatwoot getMessages', () => {
  const longMessages = () => sim.data.messages.filter((m) => m.conversationId === CHATWOOT_LONG_CONVERSATION_ID);

  it('loads messages of several conversations with one range call each', async () => {
    const note = longMessages().find((m) => m.private);
    const plain = longMessages().filter((m) => !m.private).slice(3, 6);
    const busy = sim.data.messages.find((m) => m.conversationId === CHATWOOT_BUSY_CONVERSATION_ID);
    const refs: MessageRef[] = [
      ...plain.map((m) => ({ conversationExternalId: LONG, key: String(m.id) })),
      { conversationExternalId: LONG, key: String(note?.id) },
      { conversationExternalId: String(CHATWOOT_BUSY_CONVERSATION_ID), key: String(busy?.id) },
      { conversationExternalId: LONG, key: String(busy?.id) },
    ];
    const slots = await adapter.getMessages(agent(), refs);
    expect(slots.map((slot) => (slot && !(slot instanceof Error) ? slot.key : slot))).toEqual([
      ...plain.map((m) => String(m.id)),
      String(note?.id),
      String(busy?.id),
      null,
    ]);
    expect(slots[3]).toMatchObject({ isPrivate: true, conversationExternalId: LONG });
    const longCalls = calls(sim, `/conversations/${LONG}/messages`);
    expect(longCalls).toHaveLength(1);
    // The stray id from another conversation widens the range but is not returned for this one.
    const asked = [...plain.map((m) => m.id), note?.id as number, busy?.id as number];
    const range = new URLSearchParams(longCalls[0]);
    expect([range.get('after'), range.get('before')]).toEqual([String(Math.min(...asked)), String(Math.max(...asked) + 1)]);
    expect(calls(sim, `/conversations/${CHATWOOT_BUSY_CONVERSATION_ID}/messages`)).toHaveLength(1);
  });

  it('hides private notes and foreign conversations from a contact', async () => {
    const note = longMessages().find((m) => m.private);
    const plain = longMessages().find((m) => !m.private);
    const alices = aliceConversation();
    const aliceMessage = sim.data.messages.find((m) => String(m.conversationId) === alices);
    const slots = await adapter.getMessages(contact(), [
      { conversationExternalId: LONG, key: String(plain?.id) },
      { conversationExternalId: LONG, key: String(note?.id) },
      { conversationExternalId: alices, key: String(aliceMessage?.id) },
    ]);
    expect(slots[0]).toMatchObject({ key: String(plain?.id), isPrivate: false });
    expect(slots.slice(1)).toEqual([null, null]);
  });

  it('puts BAD_USER_INPUT in the slot of a malformed key only', async () => {
    const plain = longMessages()[0];
    const slots = await adapter.getMessages(agent(), [
      { conversationExternalId: LONG, key: 'x1' },
      { conversationExternalId: LONG, key: String(plain?.id) },
    ]);
    expect(slots[0]).toBeInstanceOf(GatewayError);
    expect(slots[0]).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'support' });
    expect(slots[1]).toMatchObject({ key: String(plain?.id), role: 'USER' });
  });
});
