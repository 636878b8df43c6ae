import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DIFY_AGENT_CONVERSATION_TITLE,
  DIFY_ALICE_CONVERSATION_ID,
  DIFY_DEMO_API_KEY,
  DIFY_LONG_CONVERSATION_ID,
} from '../../../src/demo/simulators/dify/fixtures.js';
import { startDifySimulator, type DifySimulator } from '../../../src/demo/simulators/dify/server.js';

let simulator: DifySimulator;
const auth = { authorization: `Bearer ${DIFY_DEMO_API_KEY}`, 'content-type': 'application/json' };

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${simulator.origin}/v1${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json');
  return { status: response.status, text, body: json && text ? (JSON.parse(text) as Record<string, any>) : undefined };
}
const messagesOf = async (conversationId: string, user = 'demo-user') =>
  (await call('GET', `/messages?user=${user}&conversation_id=${conversationId}&limit=100`)).body!.data as Array<Record<string, any>>;

beforeAll(async () => {
  simulator = await startDifySimulator();
});
afterAll(async () => {
  await simulator.close();
});

describe('dify simulator: feedback', () => {
  it('rates, re-rates and clears an exchange, each visible in /messages and /app/feedbacks', async () => {
    const [target] = (await messagesOf(DIFY_LONG_CONVERSATION_ID)).filter((item) => item.feedback === null);
    const path = `/messages/${target!.id}/feedbacks`;
    expect(await call('POST', path, { rating: 'like', user: 'demo-user', content: 'spot on' })).toMatchObject({ status: 200, body: { result: 'success' } });
    const rated = (await messagesOf(DIFY_LONG_CONVERSATION_ID)).find((item) => item.id === target!.id)!;
    expect(rated.feedback).toEqual({ rating: 'like' });
    const [newest] = (await call('GET', '/app/feedbacks?limit=1')).body!.data;
    expect(newest).toMatchObject({ message_id: target!.id, rating: 'like', content: 'spot on', from_source: 'user', from_account_id: null });
    expect(newest.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);

    await call('POST', path, { rating: 'dislike', user: 'demo-user' });
    expect((await messagesOf(DIFY_LONG_CONVERSATION_ID)).find((item) => item.id === target!.id)!.feedback).toEqual({ rating: 'dislike' });
    expect(await call('POST', path, { rating: null, user: 'demo-user' })).toMatchObject({ status: 200 });
    expect((await messagesOf(DIFY_LONG_CONVERSATION_ID)).find((item) => item.id === target!.id)!.feedback).toBeNull();
    expect(await call('POST', path, { rating: null, user: 'demo-user' })).toMatchObject({
      status: 400,
      body: { code: 'invalid_param', message: 'rating cannot be None when feedback not exists' },
    });
  });

  it('refuses another user’s message, a bad rating and a missing user', async () => {
    const [alice] = await messagesOf(DIFY_ALICE_CONVERSATION_ID, 'alice');
    expect(await call('POST', `/messages/${alice!.id}/feedbacks`, { rating: 'like', user: 'demo-user' })).toMatchObject({
      status: 404,
      body: { code: 'not_found', message: 'Message Not Exists.' },
    });
    expect((await call('POST', `/messages/${alice!.id}/feedbacks`, { rating: 'great', user: 'alice' })).status).toBe(400);
    expect((await call('POST', `/messages/${alice!.id}/feedbacks`, { rating: 'like' })).body).toMatchObject({ message: 'Arg user must be provided.' });
  });

  it('pages app feedbacks of every user by page/limit without has_more', async () => {
    const first = (await call('GET', '/app/feedbacks?page=1&limit=5')).body!;
    const second = (await call('GET', '/app/feedbacks?page=2&limit=5')).body!;
    expect(Object.keys(first)).toEqual(['data']);
    expect(first.data).toHaveLength(5);
    expect(new Set([...first.data, ...second.data].map((item: any) => item.id)).size).toBe(10);
    const all = (await call('GET', '/app/feedbacks?limit=100')).body!.data as Array<{ from_end_user_id: string }>;
    expect(new Set(all.map((item) => item.from_end_user_id)).size).toBeGreaterThan(1);
    expect((await call('GET', '/app/feedbacks?limit=0')).status).toBe(422);
  });
});

describe('dify simulator: rename and delete', () => {
  it('renames by name or auto_generate, answers the conversation and moves it to the top', async () => {
    const list = (await call('GET', '/conversations?user=demo-user&limit=100')).body!.data as Array<Record<string, any>>;
    const target = list.at(-1)!;
    const renamed = await call('POST', `/conversations/${target.id}/name`, { name: '  Renamed  ', user: 'demo-user' });
    expect(renamed).toMatchObject({ status: 200, body: { id: target.id, name: 'Renamed', status: 'normal', introduction: target.introduction } });
    expect(Object.keys(renamed.body!).sort()).toEqual(['created_at', 'id', 'inputs', 'introduction', 'name', 'status', 'updated_at']);
    const [top] = (await call('GET', '/conversations?user=demo-user&limit=1')).body!.data;
    expect(top).toMatchObject({ id: target.id, name: 'Renamed' });
    const generated = await call('POST', `/conversations/${target.id}/name`, { auto_generate: true, user: 'demo-user' });
    expect(generated.body!.name).not.toBe('Renamed');
    expect(generated.body!.name.length).toBeGreaterThan(0);
  });

  it('refuses a blank name without auto_generate and another user’s conversation', async () => {
    expect(await call('POST', `/conversations/${DIFY_LONG_CONVERSATION_ID}/name`, { name: ' ', user: 'demo-user' })).toMatchObject({
      status: 400,
      body: { code: 'invalid_param' },
    });
    expect((await call('POST', `/conversations/${DIFY_ALICE_CONVERSATION_ID}/name`, { name: 'x', user: 'demo-user' })).status).toBe(404);
  });

  it('deletes with a JSON body user: 204 without a body, then 404', async () => {
    const list = (await call('GET', '/conversations?user=alice')).body!.data as Array<{ id: string }>;
    const target = list.at(-1)!.id;
    expect((await call('DELETE', `/conversations/${target}`, { user: 'demo-user' })).status).toBe(404);
    const deleted = await call('DELETE', `/conversations/${target}`, { user: 'alice' });
    expect(deleted).toMatchObject({ status: 204, text: '' });
    expect((await call('GET', `/messages?user=alice&conversation_id=${target}`)).status).toBe(404);
    expect((await call('GET', '/conversations?user=alice')).body!.data).toHaveLength(list.length - 1);
    expect((await call('DELETE', `/conversations/${target}`, { user: 'alice' })).status).toBe(404);
    expect((await call('DELETE', `/conversations/${DIFY_ALICE_CONVERSATION_ID}`)).status).toBe(400);
  });
});

describe('dify simulator: suggested questions and agent thoughts', () => {
  it('suggests follow-ups for the user’s own messages only', async () => {
    const [first] = await messagesOf(DIFY_LONG_CONVERSATION_ID);
    const answer = await call('GET', `/messages/${first!.id}/suggested?user=demo-user`);
    expect(answer.status).toBe(200);
    expect(answer.body!.result).toBe('success');
    expect(answer.body!.data).toHaveLength(3);
    expect((await call('GET', `/messages/${first!.id}/suggested?user=alice`)).status).toBe(404);
  });

  it('answers 403 app_suggested_questions_after_answer_disabled while the feature is off', async () => {
    const [first] = await messagesOf(DIFY_LONG_CONVERSATION_ID);
    simulator.setSuggestedQuestions(false);
    try {
      expect(await call('GET', `/messages/${first!.id}/suggested?user=demo-user`)).toMatchObject({
        status: 403,
        body: { code: 'app_suggested_questions_after_answer_disabled', status: 403 },
      });
    } finally {
      simulator.setSuggestedQuestions(true);
    }
    const off = await startDifySimulator({ suggestedQuestions: false });
    try {
      const response = await fetch(`${off.origin}/v1/messages/${first!.id}/suggested?user=demo-user`, { headers: auth });
      expect(response.status).toBe(403);
    } finally {
      await off.close();
    }
  });

  it('seeds one agent conversation whose messages carry agent thoughts', async () => {
    const agent = simulator.data.find((item) => item.name === DIFY_AGENT_CONVERSATION_TITLE)!;
    expect(agent.mode).toBe('agent-chat');
    const items = await messagesOf(agent.id);
    expect(items[0]!.agent_thoughts).toHaveLength(2);
    expect(items[0]!.agent_thoughts[0]).toMatchObject({ message_id: items[0]!.id, position: 1, tool: 'satisfaction_report' });
    expect(JSON.parse(items[0]!.agent_thoughts[0].tool_input)).toHaveProperty('satisfaction_report');
    expect(items[0]!.agent_thoughts[1]).toMatchObject({ position: 2, tool: '', thought: items[0]!.answer });
  });
});

describe('dify simulator: failure injection and call counts', () => {
  it('answers an injected 503 once for the matching request and counts it', async () => {
    simulator.injectFailure({ status: 503, body: 'upstream down' }, 1, { method: 'POST', path: '/v1/chat-messages' });
    const before = simulator.calls('POST', '/v1/chat-messages');
    expect((await call('GET', '/conversations?user=demo-user&limit=1')).status).toBe(200);
    expect((await call('POST', '/chat-messages', { inputs: {}, query: 'hi', user: 'demo-user' })).status).toBe(503);
    expect(simulator.calls('POST', '/v1/chat-messages')).toBe(before + 1);
    expect((await call('POST', '/chat-messages', { inputs: {}, query: 'hi', user: 'demo-user' })).status).toBe(200);
  });
});
