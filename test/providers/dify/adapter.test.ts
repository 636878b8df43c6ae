import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/errors.js';
import {
  DIFY_ALICE_CONVERSATION_ID,
  DIFY_DEEP_CONVERSATION_ID,
  DIFY_LONG_CONVERSATION_ID,
} from '../../../src/demo/simulators/dify/fixtures.js';
import { demoViewer, readAllPages, seededKeys, startHarness, type DifyHarness } from './setup.js';

let harness: DifyHarness;
const longKeys = seededKeys(DIFY_LONG_CONVERSATION_ID);
const deepKeys = seededKeys(DIFY_DEEP_CONVERSATION_ID);

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.simulator.requests.length = 0;
});

function listMessages(conversationId: string, direction: 'forward' | 'backward', cursor: string | null, limit: number) {
  return harness.adapter.listMessages(demoViewer, conversationId, { direction, cursor, limit });
}

describe('dify adapter: listMessages backward', () => {
  it('opens with the newest messages, oldest first, in one upstream call sized to the need', async () => {
    const page = await listMessages(DIFY_LONG_CONVERSATION_ID, 'backward', null, 20);
    expect(page.messages.map((message) => message.key)).toEqual(longKeys.slice(-20));
    expect(page.hasMore).toBe(true);
    const [call, ...rest] = harness.calls('/v1/messages');
    expect(rest).toHaveLength(0);
    expect(call?.get('limit')).toBe('10');
    expect(call?.get('user')).toBe('demo-user');
    expect(call?.has('first_id')).toBe(false);
  });

  it.each([20, 7, 1, 101])('scrolls to the very first message exactly once each with pages of %i', async (limit) => {
    const pages = await readAllPages(harness.adapter, DIFY_LONG_CONVERSATION_ID, 'backward', limit);
    const keys = [...pages].reverse().flatMap((page) => page.messages.map((message) => message.key));
    expect(keys).toEqual(longKeys);
    expect(pages.slice(0, -1).every((page) => page.messages.length === limit && page.hasMore)).toBe(true);
    expect(pages.at(-1)?.hasMore).toBe(false);
    const roles = keys.map((key) => key.slice(-1));
    expect(roles.every((half, index) => half === (index % 2 === 0 ? 'u' : 'a'))).toBe(true);
  });

  it('scrolls a conversation deeper than one Dify page with pages of 7', async () => {
    const pages = await readAllPages(harness.adapter, DIFY_DEEP_CONVERSATION_ID, 'backward', 7);
    const keys = [...pages].reverse().flatMap((page) => page.messages.map((message) => message.key));
    expect(keys).toEqual(deepKeys);
    expect(new Set(keys).size).toBe(460);
  });

  it('splits an exchange at an odd page edge and resumes with its USER half', async () => {
    const first = await listMessages(DIFY_LONG_CONVERSATION_ID, 'backward', null, 7);
    expect(first.messages.map((message) => message.key)).toEqual(longKeys.slice(-7));
    const [edge] = first.messages;
    expect(edge?.role).toBe('ASSISTANT');
    expect(edge?.key).toBe(longKeys[longKeys.length - 7]);
    expect(harness.calls('/v1/messages').map((query) => query.get('limit'))).toEqual(['4']);

    const second = await listMessages(DIFY_LONG_CONVERSATION_ID, 'backward', edge!.key, 7);
    expect(second.messages.map((message) => message.key)).toEqual(longKeys.slice(-14, -7));
    const newest = second.messages.at(-1);
    expect(newest).toMatchObject({ role: 'USER', externalId: edge?.externalId, sender: { id: 'demo-user', kind: 'USER' } });
    expect(second.hasMore).toBe(true);
  });

  it('reads older exchanges with first_id from a USER-half cursor', async () => {
    const cursor = longKeys[40]!; // exchange 20, USER half
    const page = await listMessages(DIFY_LONG_CONVERSATION_ID, 'backward', cursor, 9);
    expect(page.messages.map((message) => message.key)).toEqual(longKeys.slice(31, 40));
    const calls = harness.calls('/v1/messages');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.get('first_id')).toBe(cursor.slice(0, -2));
    expect(calls[0]?.get('limit')).toBe('5');
  });

  it('says nothing is older than the first message', async () => {
    const page = await listMessages(DIFY_LONG_CONVERSATION_ID, 'backward', longKeys[1]!, 5);
    expect(page).toMatchObject({ hasMore: false });
    expect(page.messages.map((message) => message.key)).toEqual([longKeys[0]]);
    const empty = await listMessages(DIFY_LONG_CONVERSATION_ID, 'backward', longKeys[0]!, 5);
    expect(empty).toEqual({ messages: [], hasMore: false });
  });
});

describe('dify adapter: listMessages forward', () => {
  it('reads the oldest 101 messages of a deep conversation with several upstream calls', async () => {
    const page = await listMessages(DIFY_DEEP_CONVERSATION_ID, 'forward', null, 101);
    expect(page.messages.map((message) => message.key)).toEqual(deepKeys.slice(0, 101));
    expect(page.hasMore).toBe(true);
    const calls = harness.calls('/v1/messages');
    expect(calls.map((query) => query.get('limit'))).toEqual(['100', '100', '100']);
    expect(calls[0]?.has('first_id')).toBe(false);
    // Each call continues from the oldest exchange of the previous page.
    expect(calls[1]?.get('first_id')).toBe(deepKeys[260]?.slice(0, -2));
    expect(calls[2]?.get('first_id')).toBe(deepKeys[60]?.slice(0, -2));
  });

  it('reads forward from a mid cursor and stops once the cursor is reached', async () => {
    const cursor = deepKeys[401]!; // exchange 200, ASSISTANT half
    const page = await listMessages(DIFY_DEEP_CONVERSATION_ID, 'forward', cursor, 10);
    expect(page.messages.map((message) => message.key)).toEqual(deepKeys.slice(402, 412));
    expect(page.hasMore).toBe(true);
    expect(harness.calls('/v1/messages')).toHaveLength(1);

    const fromUserHalf = await listMessages(DIFY_LONG_CONVERSATION_ID, 'forward', longKeys[40]!, 3);
    expect(fromUserHalf.messages.map((message) => message.key)).toEqual(longKeys.slice(41, 44));
  });

  it.each([7, 20])('reads a whole conversation forward exactly once each with pages of %i', async (limit) => {
    const pages = await readAllPages(harness.adapter, DIFY_LONG_CONVERSATION_ID, 'forward', limit);
    expect(pages.flatMap((page) => page.messages.map((message) => message.key))).toEqual(longKeys);
    expect(pages.at(-1)?.hasMore).toBe(false);
  });

  it('ends at the newest message', async () => {
    const page = await listMessages(DIFY_LONG_CONVERSATION_ID, 'forward', longKeys[88]!, 5);
    expect(page).toMatchObject({ hasMore: false });
    expect(page.messages.map((message) => message.key)).toEqual([longKeys[89]]);
  });
});

describe('dify adapter: listMessages errors', () => {
  async function failure(promise: Promise<unknown>): Promise<GatewayError> {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }

  it('answers a foreign conversation exactly like a missing one', async () => {
    const foreign = await failure(listMessages(DIFY_ALICE_CONVERSATION_ID, 'backward', null, 5));
    const missing = await failure(listMessages('0b7c9e2a-3f4d-4e5a-8b6c-7d8e9f0a1b2c', 'backward', null, 5));
    const notUuid = await failure(listMessages('not-a-dify-id', 'backward', null, 5));
    for (const error of [foreign, missing, notUuid]) {
      expect(error).toMatchObject({ code: 'NOT_FOUND', sourceId: 'assistant', message: 'conversation not found' });
    }
  });

  it('reports a cursor that no longer matches a message as BAD_USER_INPUT', async () => {
    const gone = '5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b';
    for (const [direction, cursor] of [
      ['backward', `${gone}:u`],
      ['backward', `${gone}:a`],
      ['forward', `${gone}:u`],
    ] as const) {
      const error = await failure(listMessages(DIFY_LONG_CONVERSATION_ID, direction, cursor, 5));
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'assistant' });
    }
    // Another conversation's message is just as stale here.
    const elsewhere = await failure(listMessages(DIFY_LONG_CONVERSATION_ID, 'backward', deepKeys[10]!, 5));
    expect(elsewhere.code).toBe('BAD_USER_INPUT');
  });

  it('rejects a malformed cursor without calling Dify', async () => {
    for (const cursor of ['nope', `${longKeys[0]!.slice(0, -2)}:x`, '42:u']) {
      const error = await failure(listMessages(DIFY_LONG_CONVERSATION_ID, 'backward', cursor, 5));
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', sourceId: 'assistant' });
    }
    expect(harness.simulator.requests).toHaveLength(0);
  });

  it('maps 429 and 503 from Dify', async () => {
    harness.simulator.injectFailure({
      status: 429,
      body: { code: 'too_many_requests', message: 'Too many requests.', status: 429 },
      headers: { 'retry-after': '12' },
    });
    const limited = await failure(listMessages(DIFY_LONG_CONVERSATION_ID, 'backward', null, 5));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 12, sourceId: 'assistant' });
    harness.simulator.injectFailure({ status: 503, body: { code: 'unknown', message: 'Service Unavailable', status: 503 } });
    const down = await failure(listMessages(DIFY_LONG_CONVERSATION_ID, 'backward', null, 5));
    expect(down).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sourceId: 'assistant' });
  });

  it('reports a rejected API key as UPSTREAM_ERROR without revealing it', async () => {
    const wrongKey = 'app-wrong-key-5f2c9d1e7a';
    const other = await startHarness(wrongKey);
    try {
      const error = await failure(
        other.adapter.listMessages(demoViewer, DIFY_LONG_CONVERSATION_ID, { direction: 'backward', cursor: null, limit: 5 }),
      );
      expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', sourceId: 'assistant', status: 401 });
      expect(error.message).toContain('rejected');
      expect(error.message).not.toContain(wrongKey);
      expect(JSON.stringify(error.extensions)).not.toContain(wrongKey);
      expect(other.simulator.requests[0]?.headers.authorization).toBe(`Bearer ${wrongKey}`);
    } finally {
      await other.close();
    }
  });
});
