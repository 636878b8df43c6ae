import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedSimulator } from '../../../src/demo/simulators/http-server.js';
import { buildRestFixtures } from '../../../src/demo/simulators/rest/fixtures.js';
import { REST_DEMO_CONVERSATION_ID, REST_DEMO_TOKEN, startRestSimulator } from '../../../src/demo/simulators/rest/server.js';

interface WireMessage {
  id: string;
  created_at: string;
  metadata?: Record<string, unknown>;
}

describe('rest simulator', () => {
  let sim: StartedSimulator;
  const auth = { authorization: `Bearer ${REST_DEMO_TOKEN}` };
  const stored = buildRestFixtures()[0]!.messages;

  beforeAll(async () => {
    sim = await startRestSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  async function get(path: string, params: Record<string, string>, headers: Record<string, string> = auth) {
    const response = await fetch(`${sim.origin}/v1${path}?${new URLSearchParams(params)}`, { headers });
    return { status: response.status, body: (await response.json()) as any };
  }
  const history = (params: Record<string, string>) => get('/chat/history', { conversation_id: REST_DEMO_CONVERSATION_ID, ...params });

  it('points its source config at itself', () => {
    expect(sim.sourceConfig).toEqual({
      kind: 'rest',
      baseUrl: `${sim.origin}/v1`,
      token: REST_DEMO_TOKEN,
      conversationsPath: '/chat/conversations',
    });
  });

  it('seeds 130 messages, several sharing a second, with the seed document example inside', () => {
    expect(stored).toHaveLength(130);
    const seconds = new Set(stored.map((message) => message.created_at));
    expect(stored.length - seconds.size).toBeGreaterThanOrEqual(5);
    expect(stored.find((message) => message.id === 'msg_92kd82')).toMatchObject({ created_at: '2026-03-15T13:59:11Z', sender_type: 'user' });
    expect(buildRestFixtures()).toEqual(buildRestFixtures());
  });

  it.each([
    [{}, 'no header'],
    [{ authorization: 'Bearer nope' }, 'a wrong token'],
    [{ authorization: REST_DEMO_TOKEN }, 'a token without the Bearer scheme'],
  ])('answers the documented 401 for %j (%s)', async (headers: Record<string, string>, _label: string) => {
    const answer = await get('/chat/history', { conversation_id: REST_DEMO_CONVERSATION_ID }, headers);
    expect(answer).toEqual({ status: 401, body: { status: 'error', message: 'Missing or invalid Authorization header.', data: null } });
  });

  it('serves the newest 20 first by default, next_cursor being the oldest returned time', async () => {
    const { status, body } = await history({});
    expect(status).toBe(200);
    expect(body.status).toBe('success');
    const messages = body.data.messages as WireMessage[];
    expect(messages.map((message) => message.id).sort()).toEqual(stored.slice(-20).map((message) => message.id).sort());
    const times = messages.map((message) => message.created_at);
    expect(times).toEqual([...times].sort().reverse());
    expect(body.pagination).toEqual({ limit: 20, next_cursor: messages[19]!.created_at, has_more: true });
    expect(messages.every((message) => message.metadata === undefined)).toBe(true);
  });

  it('includes metadata only with include_meta=true', async () => {
    const { body } = await history({ include_meta: 'true', limit: '100' });
    const messages = body.data.messages as WireMessage[];
    expect(messages.every((message) => typeof message.metadata === 'object')).toBe(true);
    expect(messages.find((message) => message.id === 'msg_18dk03')?.metadata).toEqual({ model: 'gpt-4o-mini', latency_ms: 743 });
  });

  it('treats before as exclusive and after as the next page forward, newest first', async () => {
    const before = await history({ before: '2026-03-15T13:59:11Z', limit: '3' });
    const older = before.body.data.messages as WireMessage[];
    expect(older).toHaveLength(3);
    expect(older.every((message) => message.created_at < '2026-03-15T13:59:11Z')).toBe(true);

    const after = await history({ after: '2026-03-15T13:59:10Z', limit: '3' });
    const newer = after.body.data.messages as WireMessage[];
    expect(newer.map((message) => message.created_at)).toEqual(['2026-03-15T14:00:01Z', '2026-03-15T13:59:11Z', '2026-03-15T13:59:11Z']);
    expect(after.body.pagination.has_more).toBe(true);

    const end = await history({ after: stored.at(-2)!.created_at, limit: '5' });
    expect(end.body.data.messages).toHaveLength(1);
    expect(end.body.pagination.has_more).toBe(false);
  });

  it.each([
    [{ before: '2026-03-15T13:59:11Z', after: '2026-03-12T00:00:00Z' }, 'Invalid query parameter: before and after cannot both be set.'],
    [{ limit: '0' }, 'Invalid query parameter: limit must be an integer between 1 and 100.'],
    [{ limit: '101' }, 'Invalid query parameter: limit must be an integer between 1 and 100.'],
    [{ limit: 'ten' }, 'Invalid query parameter: limit must be an integer between 1 and 100.'],
    [{ before: 'yesterday' }, 'Invalid query parameter: before must be an ISO 8601 timestamp.'],
  ])('answers 400 with the documented body for %j', async (params, message) => {
    expect(await history(params)).toEqual({ status: 400, body: { status: 'error', message, data: null } });
  });

  it('answers the documented 404 for an unknown conversation', async () => {
    expect(await get('/chat/history', { conversation_id: 'con_unknown' })).toEqual({
      status: 404,
      body: { status: 'error', message: 'Conversation not found: con_unknown.', data: null },
    });
  });

  it('lists conversations most recently updated first with before paging', async () => {
    const first = await get('/chat/conversations', { limit: '2' });
    expect(first.body.data.conversations.map((item: { id: string }) => item.id)).toEqual(['con_b81kd5t', 'con_9s2kd81']);
    expect(first.body.pagination).toEqual({ limit: 2, next_cursor: stored.at(-1)!.created_at, has_more: true });
    const next = await get('/chat/conversations', { limit: '2', before: first.body.pagination.next_cursor });
    expect(next.body.data.conversations.map((item: { id: string }) => item.id)).toEqual(['con_7mw3ze0', 'con_4hx7q2p']);
    expect(next.body.pagination.has_more).toBe(false);
  });

  it('logs every request it received', async () => {
    sim.requests.length = 0;
    await history({ limit: '2' });
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]!.path).toBe('/v1/chat/history');
    expect(sim.requests[0]!.query.get('limit')).toBe('2');
  });
});
