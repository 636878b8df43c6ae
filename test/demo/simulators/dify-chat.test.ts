import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIFY_AGENT_CONVERSATION_TITLE, DIFY_DEMO_API_KEY, DIFY_LONG_CONVERSATION_ID } from '../../../src/demo/simulators/dify/fixtures.js';
import { startDifySimulator, type DifySimulator } from '../../../src/demo/simulators/dify/server.js';
import { synthesizeWav } from '../../../src/demo/simulators/dify/wav.js';
import { demoInputForm } from '../../../src/demo/simulators/dify/app-form.js';

let simulator: DifySimulator;
const auth = { authorization: `Bearer ${DIFY_DEMO_API_KEY}` };
const json = { ...auth, 'content-type': 'application/json' };

const post = (path: string, body: unknown) => fetch(`${simulator.origin}/v1${path}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
const messagesOf = async (conversationId: string, user = 'demo-user') => {
  const response = await fetch(`${simulator.origin}/v1/messages?user=${user}&conversation_id=${conversationId}&limit=100`, { headers: auth });
  return ((await response.json()) as { data: Array<Record<string, any>> }).data;
};

/** Reads an SSE body into its `data:` events (and `event:` names of data-less frames). */
async function readEvents(response: Response, stopAfter?: (events: Array<Record<string, any>>) => boolean) {
  const events: Array<Record<string, any>> = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split('\n').find((line) => line.startsWith('data: '));
      events.push(data ? JSON.parse(data.slice(6)) : { event: frame.replace(/^event: /, '') });
    }
    if (stopAfter?.(events)) {
      await reader.cancel();
      break;
    }
  }
  return events;
}

beforeAll(async () => {
  simulator = await startDifySimulator({ streamDelayMs: 2 });
});
afterAll(async () => {
  await simulator.close();
});

describe('dify simulator: blocking chat-messages', () => {
  it('starts a conversation on a blank conversation_id and answers in Dify’s blocking shape', async () => {
    const response = await post('/chat-messages', { inputs: { plan: 'growth' }, query: 'How do I set up SSO with Okta?', user: 'carol', conversation_id: '', response_mode: 'blocking' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, any>;
    expect(Object.keys(body).sort()).toEqual(['answer', 'conversation_id', 'created_at', 'event', 'id', 'message_id', 'metadata', 'mode', 'task_id']);
    expect(body).toMatchObject({ event: 'message', mode: 'chat', id: body.message_id });
    expect(body.metadata.usage.total_tokens).toBeGreaterThan(0);
    const [conversation] = (await (await fetch(`${simulator.origin}/v1/conversations?user=carol`, { headers: auth })).json() as any).data;
    expect(conversation).toMatchObject({ id: body.conversation_id, inputs: { plan: 'growth' } });
    const stored = await messagesOf(body.conversation_id, 'carol');
    expect(stored.map((item) => [item.id, item.query, item.answer])).toEqual([[body.message_id, 'How do I set up SSO with Okta?', body.answer]]);
  });

  it('varies the canned answer and continues an existing conversation', async () => {
    const ask = async () => (await (await post('/chat-messages', { inputs: {}, query: 'Tell me about billing', user: 'demo-user', conversation_id: DIFY_LONG_CONVERSATION_ID })).json()) as any;
    const answers = new Set<string>();
    for (let index = 0; index < 4; index += 1) answers.add((await ask()).answer);
    expect(answers.size).toBeGreaterThan(1);
    const stored = await messagesOf(DIFY_LONG_CONVERSATION_ID);
    expect(stored.slice(-4).map((item) => item.query)).toEqual(Array(4).fill('Tell me about billing'));
  });

  it('validates like Dify: inputs, query, foreign conversation', async () => {
    expect((await post('/chat-messages', { query: 'hi', user: 'demo-user' })).status).toBe(400);
    expect((await post('/chat-messages', { inputs: {}, query: ' ', user: 'demo-user' })).status).toBe(400);
    expect((await post('/chat-messages', { inputs: {}, query: 'hi', user: 'alice', conversation_id: DIFY_LONG_CONVERSATION_ID })).status).toBe(404);
  });

  it("checks a new conversation's inputs against the app form, as Dify's _validate_inputs does", async () => {
    const form = demoInputForm();
    (form[0]!['text-input'] as Record<string, unknown>).required = true;
    simulator.setInputForm(form);
    try {
      const refused = async (inputs: Record<string, unknown>) => {
        const response = await post('/chat-messages', { inputs, query: 'hi', user: 'demo-user' });
        expect(response.status).toBe(400);
        return ((await response.json()) as { code: string; message: string });
      };
      expect(await refused({})).toEqual({ code: 'invalid_param', message: 'company is required in input form', status: 400 });
      expect((await refused({ company: 'x'.repeat(49) })).message).toBe('company in input form must be less than 48 characters');
      expect((await refused({ company: 'A', plan_interest: 'gold' })).message).toMatch(/^plan_interest in input form must be one of the following/);
      expect((await refused({ company: 'A', team_size: 'many' })).message).toBe('team_size in input form must be a valid number');
      // An existing conversation keeps its own inputs: nothing to check.
      expect((await post('/chat-messages', { inputs: {}, query: 'hi', user: 'demo-user', conversation_id: DIFY_LONG_CONVERSATION_ID })).status).toBe(200);
    } finally {
      simulator.setInputForm(demoInputForm());
    }
  });
});

describe('dify simulator: streaming chat-messages', () => {
  it('streams message deltas whose concatenation is the stored answer, then message_end', async () => {
    const response = await post('/chat-messages', { inputs: {}, query: 'How do SLAs count time?', user: 'demo-user', conversation_id: DIFY_LONG_CONVERSATION_ID, response_mode: 'streaming' });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = await readEvents(response);
    expect(events[0]).toEqual({ event: 'ping' });
    const deltas = events.filter((event) => event.event === 'message');
    expect(deltas.length).toBeGreaterThan(3);
    expect(events.at(-1)).toMatchObject({ event: 'message_end', conversation_id: DIFY_LONG_CONVERSATION_ID });
    const stored = (await messagesOf(DIFY_LONG_CONVERSATION_ID)).at(-1)!;
    expect(stored.id).toBe(deltas[0]!.message_id);
    expect(deltas.map((event) => event.answer).join('')).toBe(stored.answer);
  });

  it('streams agent thoughts and agent_message deltas in the agent conversation', async () => {
    const agent = simulator.data.find((item) => item.name === DIFY_AGENT_CONVERSATION_TITLE)!;
    const events = await readEvents(await post('/chat-messages', { inputs: {}, query: 'Which tags drive bad ratings?', user: 'demo-user', conversation_id: agent.id, response_mode: 'streaming' }));
    const kinds = events.map((event) => event.event);
    expect(kinds.filter((kind) => kind === 'agent_thought')).toHaveLength(3);
    expect(kinds).toContain('agent_message');
    expect(kinds).not.toContain('message');
    const stored = (await messagesOf(agent.id)).at(-1)!;
    expect(stored.agent_thoughts.map((thought: any) => thought.tool)).toEqual(['help_center_search', '']);
    expect(events.filter((event) => event.event === 'agent_message').map((event) => event.answer).join('')).toBe(stored.answer);
  });

  it('stops a running task for its user: the stream ends with message_end and the partial answer is kept', async () => {
    // Slow enough that both stop calls arrive while the answer is still being written.
    const slow = await startDifySimulator({ streamDelayMs: 80 });
    const fast = simulator;
    simulator = slow;
    try {
      await stopTask();
    } finally {
      simulator = fast;
      await slow.close();
    }
  });

  async function stopTask(): Promise<void> {
    const response = await post('/chat-messages', { inputs: {}, query: 'Explain automation rules in detail', user: 'demo-user', conversation_id: DIFY_LONG_CONVERSATION_ID, response_mode: 'streaming' });
    let taskId = '';
    const events = await readEvents(response, (seen) => {
      const delta = seen.find((event) => event.event === 'message');
      if (delta && !taskId) {
        taskId = delta.task_id;
        void post(`/chat-messages/${taskId}/stop`, { user: 'someone-else' }).then(() => post(`/chat-messages/${taskId}/stop`, { user: 'demo-user' }));
      }
      return false;
    });
    expect(simulator.stopCalls.filter((stop) => stop.taskId === taskId)).toEqual([
      { taskId, user: 'someone-else', honoured: false },
      { taskId, user: 'demo-user', honoured: true },
    ]);
    expect(events.at(-1)!.event).toBe('message_end');
    const stored = (await messagesOf(DIFY_LONG_CONVERSATION_ID)).at(-1)!;
    expect(stored.answer).toBe(events.filter((event) => event.event === 'message').map((event) => event.answer).join(''));
    // Every canned answer ends with `".)`; a stopped one does not get that far.
    expect(stored.answer.endsWith('".)')).toBe(false);
  }

  it('keeps generating after the client leaves, and a later stop is still recorded', async () => {
    const response = await post('/chat-messages', { inputs: {}, query: 'What are webhooks for?', user: 'demo-user', conversation_id: DIFY_LONG_CONVERSATION_ID, response_mode: 'streaming' });
    const events = await readEvents(response, (seen) => seen.some((event) => event.event === 'message'));
    const stop = await post(`/chat-messages/${events.find((event) => event.event === 'message')!.task_id}/stop`, { user: 'demo-user' });
    expect(await stop.json()).toEqual({ result: 'success' });
    await simulator.whenIdle();
    expect((await messagesOf(DIFY_LONG_CONVERSATION_ID)).at(-1)!.query).toBe('What are webhooks for?');
  });

  it('plays an injected error event with HTTP 200 and stores the exchange as failed', async () => {
    simulator.injectStreamFault({ kind: 'error', afterDeltas: 2, code: 'completion_request_error', message: 'Model overloaded' });
    const response = await post('/chat-messages', { inputs: {}, query: 'Will this fail?', user: 'demo-user', conversation_id: DIFY_LONG_CONVERSATION_ID, response_mode: 'streaming' });
    expect(response.status).toBe(200);
    const events = await readEvents(response);
    expect(events.filter((event) => event.event === 'message')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ event: 'error', status: 400, code: 'completion_request_error', message: 'Model overloaded' });
    expect((await messagesOf(DIFY_LONG_CONVERSATION_ID)).at(-1)).toMatchObject({ status: 'error', error: 'Model overloaded' });
  });

  it('plays an injected message_replace', async () => {
    simulator.injectStreamFault({ kind: 'replace', afterDeltas: 1, answer: 'I cannot answer that.' });
    const events = await readEvents(await post('/chat-messages', { inputs: {}, query: 'Something odd', user: 'demo-user', conversation_id: DIFY_LONG_CONVERSATION_ID, response_mode: 'streaming' }));
    expect(events.find((event) => event.event === 'message_replace')).toMatchObject({ answer: 'I cannot answer that.' });
    expect((await messagesOf(DIFY_LONG_CONVERSATION_ID)).at(-1)!.answer).toBe('I cannot answer that.');
  });
});

describe('dify simulator: audio', () => {
  it('speaks any message of the app as WAV, without scoping it to the user', async () => {
    const [first] = await messagesOf(DIFY_LONG_CONVERSATION_ID);
    const response = await post('/text-to-audio', { message_id: first!.id, user: 'not-the-owner' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const audio = Buffer.from(await response.arrayBuffer());
    expect(audio.toString('latin1', 0, 4)).toBe('RIFF');
    expect(audio.toString('latin1', 8, 12)).toBe('WAVE');
    expect(audio.length).toBeGreaterThan(4000);
    const streamed = await post('/text-to-audio', { message_id: first!.id, user: 'demo-user', streaming: true });
    expect(streamed.headers.get('content-length')).toBeNull();
    expect(Buffer.from(await streamed.arrayBuffer()).equals(audio)).toBe(true);
    expect((await post('/text-to-audio', { message_id: '5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b', user: 'demo-user' })).status).toBe(404);
    expect((await post('/text-to-audio', { user: 'demo-user' })).status).toBe(400);
  });

  it('transcribes an upload (a generated WAV round-trips to its text)', async () => {
    const form = new FormData();
    form.set('user', 'demo-user');
    form.set('file', new Blob([new Uint8Array(synthesizeWav('Please reset my password'))], { type: 'audio/wav' }), 'voice.wav');
    const response = await fetch(`${simulator.origin}/v1/audio-to-text`, { method: 'POST', headers: auth, body: form });
    expect(await response.json()).toEqual({ text: 'Please reset my password' });
  });

  it('refuses a missing file, a wrong type, a missing user and an upload over 30 MB', async () => {
    const send = async (fields: Record<string, string | Blob>) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      const response = await fetch(`${simulator.origin}/v1/audio-to-text`, { method: 'POST', headers: auth, body: form });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await send({ user: 'demo-user' })).toMatchObject({ status: 400, body: { code: 'no_audio_uploaded' } });
    expect(await send({ user: 'demo-user', file: new Blob(['x'], { type: 'text/plain' }) })).toMatchObject({ status: 415, body: { code: 'unsupported_audio_type' } });
    expect(await send({ file: new Blob(['x'], { type: 'audio/wav' }) })).toMatchObject({ status: 400, body: { code: 'invalid_param' } });
    const big = new Blob([new Uint8Array(30 * 1024 * 1024 + 1)], { type: 'audio/wav' });
    expect(await send({ user: 'demo-user', file: big })).toMatchObject({ status: 413, body: { code: 'audio_too_large', message: 'Audio size exceeded.' } });
  });
});
