import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDifyFixtures,
  DIFY_ALICE_CONVERSATION_ID,
  DIFY_DEMO_API_KEY,
  DIFY_LONG_CONVERSATION_ID,
} from '../../../src/demo/simulators/dify/fixtures.js';
import { startDifySimulator, type DifySimulator } from '../../../src/demo/simulators/dify/server.js';

let simulator: DifySimulator;
const fixtures = createDifyFixtures();
const long = fixtures.find((item) => item.id === DIFY_LONG_CONVERSATION_ID)!;
const auth = { authorization: `Bearer ${DIFY_DEMO_API_KEY}` };

interface Page {
  limit: number;
  has_more: boolean;
  data: Array<Record<string, unknown> & { id: string; created_at: number }>;
}

async function get(path: string, headers: Record<string, string> = auth, method = 'GET') {
  const response = await fetch(`${simulator.origin}${path}`, { headers, method });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const messages = (query: string) => get(`/v1/messages?user=demo-user&conversation_id=${DIFY_LONG_CONVERSATION_ID}&${query}`);

beforeAll(async () => {
  simulator = await startDifySimulator();
});
afterAll(async () => {
  await simulator.close();
});

describe('dify simulator: seed data', () => {
  it('is deterministic and shaped as documented', () => {
    expect(createDifyFixtures()).toEqual(fixtures);
    const count = (user: string) => fixtures.filter((item) => item.user === user).length;
    expect([count('demo-user'), count('alice'), count('bulk-user')]).toEqual([25, 3, 320]);
    expect(long.exchanges).toHaveLength(45);
    expect(fixtures.every((item) => item.createdAtMs >= Date.UTC(2026, 0, 1))).toBe(true);
  });

  it('has strictly increasing exchange times and distinct updated_at (Dify compares with <)', () => {
    for (const conversation of fixtures) {
      const times = conversation.exchanges.map((exchange) => exchange.createdAtMs);
      expect(times.every((time, index) => index === 0 || time > times[index - 1]!)).toBe(true);
    }
    const updated = fixtures.map((item) => item.updatedAtMs);
    expect(new Set(updated).size).toBe(updated.length);
    // A double submit: two exchanges share an epoch second.
    expect(Math.floor(long.exchanges[35]!.createdAtMs / 1000)).toBe(Math.floor(long.exchanges[36]!.createdAtMs / 1000));
  });

  it('points a source at itself', () => {
    expect(simulator.sourceConfig).toEqual({ kind: 'dify', baseUrl: `${simulator.origin}/v1`, apiKey: DIFY_DEMO_API_KEY });
  });
});

describe('dify simulator: auth and routing', () => {
  it('answers 401 with Dify’s bodies', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, "Authorization header must be provided and start with 'Bearer'"],
      [{ authorization: 'Basic dXNlcjpwYXNz' }, "Authorization scheme must be 'Bearer'"],
      [{ authorization: 'Bearer app-not-the-key' }, 'Access token is invalid'],
    ];
    for (const [headers, message] of cases) {
      const answer = await get('/v1/conversations?user=demo-user', headers);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ code: 'unauthorized', message, status: 401 });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    }
    expect((await get('/v1/conversations?user=demo-user', { authorization: `bearer ${DIFY_DEMO_API_KEY}` })).status).toBe(200);
  });

  it('answers unknown routes, other methods and a missing user like Dify', async () => {
    expect(await get('/v1/workflows/run')).toMatchObject({ status: 404, body: { code: 'not_found', status: 404 } });
    expect(await get('/v1/conversations/not-a-uuid/name', auth, 'POST')).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await get('/v1/chat-messages')).toMatchObject({ status: 405, body: { code: 'method_not_allowed' } });
    expect(await get('/v1/messages', auth, 'POST')).toMatchObject({ status: 405, body: { code: 'method_not_allowed' } });
    expect(await get(`/v1/messages?conversation_id=${DIFY_LONG_CONVERSATION_ID}`)).toEqual(
      expect.objectContaining({ status: 400, body: { code: 'invalid_param', message: 'Arg user must be provided.', status: 400 } }),
    );
  });
});

describe('dify simulator: GET /messages', () => {
  it('returns the newest exchanges oldest first, then older ones via first_id', async () => {
    const first = (await messages('limit=5')).body as unknown as Page;
    expect(first.limit).toBe(5);
    expect(first.has_more).toBe(true);
    expect(first.data.map((item) => item.id)).toEqual(long.exchanges.slice(-5).map((exchange) => exchange.id));
    expect(first.data[0]).toMatchObject({ conversation_id: DIFY_LONG_CONVERSATION_ID, status: 'normal', agent_thoughts: [] });
    const older = (await messages(`limit=100&first_id=${first.data[0]!.id}`)).body as unknown as Page;
    expect(older.has_more).toBe(false);
    expect(older.data.map((item) => item.id)).toEqual(long.exchanges.slice(0, -5).map((exchange) => exchange.id));
  });

  it('orders by the stored sub-second time, not the epoch seconds it shows', async () => {
    const page = (await messages(`limit=1&first_id=${long.exchanges[36]!.id}`)).body as unknown as Page;
    expect(page.data.map((item) => item.id)).toEqual([long.exchanges[35]!.id]);
  });

  it('answers 404 for another user’s conversation and for a foreign first_id', async () => {
    const foreign = await get(`/v1/messages?user=demo-user&conversation_id=${DIFY_ALICE_CONVERSATION_ID}`);
    expect(foreign).toMatchObject({ status: 404, body: { code: 'not_found', message: 'Conversation Not Exists.', status: 404 } });
    const own = await get(`/v1/messages?user=alice&conversation_id=${DIFY_ALICE_CONVERSATION_ID}`);
    expect(own.status).toBe(200);
    const stale = await messages('first_id=5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b');
    expect(stale).toMatchObject({ status: 404, body: { code: 'not_found', message: 'First Message Not Exists.' } });
  });

  it('validates query args with 422 like newer Dify builds', async () => {
    const tooMany = await messages('limit=101');
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toEqual({
      code: 'unprocessable_entity',
      message: '[{"type": "less_than_equal", "loc": ["limit"], "msg": "Input should be less than or equal to 100"}]',
      status: 422,
    });
    expect((await messages('limit=0')).status).toBe(422);
    expect((await messages('limit=ten')).body.message).toContain('int_parsing');
    const badId = await get('/v1/messages?user=demo-user&conversation_id=42');
    expect(badId.body.message).toContain('must be a valid UUID');
    const empty = await get('/v1/messages?user=demo-user&conversation_id=');
    expect(empty).toMatchObject({ status: 200, body: { has_more: false, data: [] } });
  });
});

describe('dify simulator: GET /conversations', () => {
  it('pages most recently updated first with last_id', async () => {
    const first = (await get('/v1/conversations?user=demo-user')).body as unknown as Page & { data: Array<{ updated_at: number }> };
    expect(first.limit).toBe(20);
    expect(first.has_more).toBe(true);
    expect(first.data[0]?.id).toBe(DIFY_LONG_CONVERSATION_ID);
    const rest = (await get(`/v1/conversations?user=demo-user&limit=20&last_id=${first.data.at(-1)!.id}`)).body as unknown as Page;
    expect(rest.has_more).toBe(false);
    expect(rest.data).toHaveLength(5);
    const times = [...first.data, ...rest.data].map((item) => item.updated_at as number);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set([...first.data, ...rest.data].map((item) => item.id)).size).toBe(25);
  });

  it('sorts by created_at ascending on request', async () => {
    const page = (await get('/v1/conversations?user=alice&sort_by=created_at')).body as unknown as Page;
    const created = page.data.map((item) => item.created_at);
    expect(created).toEqual([...created].sort((a, b) => a - b));
  });

  it('answers bad args with 400 invalid_param and an unknown last_id with 404', async () => {
    const bad = await get('/v1/conversations?user=demo-user&limit=101');
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_param', status: 400 } });
    expect(bad.body.message).toContain('1 validation error for ConversationListQuery');
    const stale = await get(`/v1/conversations?user=demo-user&last_id=${DIFY_ALICE_CONVERSATION_ID}`);
    expect(stale).toMatchObject({ status: 404, body: { message: 'Last Conversation Not Exists.' } });
  });
});
