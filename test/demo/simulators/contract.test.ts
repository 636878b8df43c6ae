/**
 * The simulators against the published contracts: every answer below (reads and writes,
 * successes and errors, file uploads) is validated with ajv against the response schema of its operation in
 * the OpenAPI documents copied into test/contracts/specs (origins in the README there). Where
 * the document is known to be wrong (DESIGN §6, read from the services' source), the tables
 * name the exception and its reason; an exception that never applies fails the last test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHATWOOT_AGENT_TOKEN,
  CHATWOOT_BUSY_CONVERSATION_ID,
  CHATWOOT_DEMO_TOKEN,
  CHATWOOT_LONG_CONVERSATION_ID,
  startChatwootSimulator,
  type ChatwootSimulator,
} from '../../../src/demo/simulators/chatwoot/server.js';
import {
  DIFY_AGENT_CONVERSATION_TITLE,
  DIFY_ALICE_CONVERSATION_ID,
  DIFY_DEMO_API_KEY,
  DIFY_LONG_CONVERSATION_ID,
} from '../../../src/demo/simulators/dify/fixtures.js';
import { startDifySimulator, type DifySimulator } from '../../../src/demo/simulators/dify/server.js';
import { synthesizeWav } from '../../../src/demo/simulators/dify/wav.js';
import { loadContract, type ContractResult, type ContractSpec } from '../../contracts/openapi.js';
import { CHATWOOT_EXCEPTIONS, DIFY_EXCEPTIONS } from '../../contracts/exceptions.js';

const dify = loadContract('dify', new URL('../../contracts/specs/dify/openapi_chat.en.json', import.meta.url), DIFY_EXCEPTIONS);
const chatwoot = loadContract('chatwoot', new URL('../../contracts/specs/chatwoot/swagger.json', import.meta.url), CHATWOOT_EXCEPTIONS);

let difySim: DifySimulator;
let chatwootSim: ChatwootSimulator;
const covered = new Set<string>();
const UNKNOWN_ID = '5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b';
const BUSY = CHATWOOT_BUSY_CONVERSATION_ID;

beforeAll(async () => {
  [difySim, chatwootSim] = await Promise.all([startDifySimulator({ streamDelayMs: 1 }), startChatwootSimulator()]);
});
afterAll(async () => {
  await Promise.all([difySim.close(), chatwootSim.close()]);
});

function expectValid(result: ContractResult): void {
  covered.add(result.operation);
  expect(result.errors, result.operation).toEqual([]);
}

/** Sends one request, validates the answer against `spec`, and returns it. */
async function exchange(spec: ContractSpec, origin: string, prefix: string, method: string, path: string, init: { headers?: Record<string, string>; json?: unknown; form?: FormData } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  let body: BodyInit | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form) body = init.form;
  const response = await fetch(`${origin}${prefix}${path}`, { method, headers, body });
  const contentType = response.headers.get('content-type');
  const raw = Buffer.from(await response.arrayBuffer());
  const parsed = contentType?.startsWith('application/json') ? JSON.parse(raw.toString('utf8')) : contentType?.startsWith('text/') ? raw.toString('utf8') : raw.length ? raw : undefined;
  expectValid(spec.check(method, path.split('?')[0]!, response.status, contentType, parsed));
  return { status: response.status, contentType, body: parsed };
}

const difyAuth = { authorization: `Bearer ${DIFY_DEMO_API_KEY}` };
const d = (method: string, path: string, init: { json?: unknown; form?: FormData; headers?: Record<string, string> } = {}) =>
  exchange(dify, difySim.origin, '/v1', method, path, { ...init, headers: init.headers ?? difyAuth });
const c = (method: string, path: string, init: { json?: unknown; token?: string | null } = {}) =>
  exchange(chatwoot, chatwootSim.origin, '', method, `/api/v1/accounts/1${path}`, {
    json: init.json,
    headers: init.token === null ? {} : { api_access_token: init.token ?? CHATWOOT_DEMO_TOKEN },
  });

describe('dify simulator answers follow openapi_chat.en.json', () => {
  it('conversations and messages (reads)', async () => {
    expect((await d('GET', '/conversations?user=demo-user&limit=5')).status).toBe(200);
    expect((await d('GET', `/conversations?user=demo-user&last_id=${UNKNOWN_ID}`)).status).toBe(404);
    expect((await d('GET', '/conversations?user=demo-user&sort_by=name')).status).toBe(400);
    // The Service API's ConversationListQuery has no `pinned`: the whole list answers.
    const everything = await d('GET', '/conversations?user=demo-user&limit=100');
    expect((await d('GET', '/conversations?user=demo-user&limit=100&pinned=true')).body).toEqual(everything.body);
    expect((await d('GET', '/conversations?user=demo-user', { headers: {} })).status).toBe(401);
    expect((await d('GET', `/messages?user=demo-user&conversation_id=${DIFY_LONG_CONVERSATION_ID}&limit=100`)).status).toBe(200);
    const agent = difySim.data.find((item) => item.name === DIFY_AGENT_CONVERSATION_TITLE)!;
    expect((await d('GET', `/messages?user=demo-user&conversation_id=${agent.id}`)).status).toBe(200);
    expect((await d('GET', `/messages?user=demo-user&conversation_id=${DIFY_ALICE_CONVERSATION_ID}`)).status).toBe(404);
    expect((await d('GET', `/messages?user=demo-user&conversation_id=${DIFY_LONG_CONVERSATION_ID}&first_id=${UNKNOWN_ID}`)).status).toBe(404);
    expect((await d('GET', `/messages?user=demo-user&conversation_id=${DIFY_LONG_CONVERSATION_ID}&limit=101`)).status).toBe(422);
  });

  it('feedback, app feedbacks and suggested questions', async () => {
    const messageId = difySim.data.find((item) => item.id === DIFY_LONG_CONVERSATION_ID)!.exchanges[0]!.id;
    expect((await d('POST', `/messages/${messageId}/feedbacks`, { json: { rating: 'like', user: 'demo-user', content: 'good' } })).status).toBe(200);
    expect((await d('POST', `/messages/${messageId}/feedbacks`, { json: { rating: null, user: 'demo-user' } })).status).toBe(200);
    expect((await d('POST', `/messages/${messageId}/feedbacks`, { json: { rating: null, user: 'demo-user' } })).status).toBe(400);
    expect((await d('POST', `/messages/${UNKNOWN_ID}/feedbacks`, { json: { rating: 'like', user: 'demo-user' } })).status).toBe(404);
    expect((await d('GET', '/app/feedbacks?page=1&limit=20')).status).toBe(200);
    expect((await d('GET', `/messages/${messageId}/suggested?user=demo-user`)).status).toBe(200);
    expect((await d('GET', `/messages/${UNKNOWN_ID}/suggested?user=demo-user`)).status).toBe(404);
    difySim.setSuggestedQuestions(false);
    try {
      expect((await d('GET', `/messages/${messageId}/suggested?user=demo-user`)).status).toBe(403);
    } finally {
      difySim.setSuggestedQuestions(true);
    }
  });

  it('rename and delete', async () => {
    const target = difySim.data.filter((item) => item.user === 'demo-user').at(-1)!.id;
    expect((await d('POST', `/conversations/${target}/name`, { json: { name: 'Renamed', user: 'demo-user' } })).status).toBe(200);
    expect((await d('POST', `/conversations/${target}/name`, { json: { auto_generate: true, user: 'demo-user' } })).status).toBe(200);
    expect((await d('POST', `/conversations/${target}/name`, { json: { name: '', user: 'demo-user' } })).status).toBe(400);
    expect((await d('POST', `/conversations/${UNKNOWN_ID}/name`, { json: { name: 'x', user: 'demo-user' } })).status).toBe(404);
    expect((await d('DELETE', `/conversations/${target}`, { json: { user: 'demo-user' } })).status).toBe(204);
    expect((await d('DELETE', `/conversations/${target}`, { json: { user: 'demo-user' } })).status).toBe(404);
  });

  it('annotations: list, create, update, delete', async () => {
    const listed = await d('GET', '/apps/annotations?page=1&limit=2');
    expect(listed.status).toBe(200);
    expect((await d('GET', '/apps/annotations?keyword=password')).status).toBe(200);
    const created = await d('POST', '/apps/annotations', { json: { question: 'Is there an API?', answer: 'Yes, REST and GraphQL.' } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect((await d('PUT', `/apps/annotations/${id}`, { json: { question: 'Is there an API?', answer: 'Yes.' } })).status).toBe(200);
    expect((await d('PUT', `/apps/annotations/${UNKNOWN_ID}`, { json: { question: 'q', answer: 'a' } })).status).toBe(404);
    expect((await d('DELETE', `/apps/annotations/${id}`)).status).toBe(204);
    expect((await d('DELETE', `/apps/annotations/${id}`)).status).toBe(404);
  });

  it('chat-messages: blocking, errors, stop', async () => {
    expect((await d('POST', '/chat-messages', { json: { inputs: {}, query: 'How do SLAs work?', user: 'demo-user', response_mode: 'blocking' } })).status).toBe(200);
    expect((await d('POST', '/chat-messages', { json: { inputs: {}, query: 'hi', user: 'demo-user', conversation_id: UNKNOWN_ID } })).status).toBe(404);
    expect((await d('POST', '/chat-messages', { json: { query: 'hi', user: 'demo-user' } })).status).toBe(400);
    expect((await d('POST', `/chat-messages/${UNKNOWN_ID}/stop`, { json: { user: 'demo-user' } })).status).toBe(200);
  });

  it('chat-messages: every streamed event matches its StreamEvent schema', async () => {
    const agent = difySim.data.find((item) => item.name === DIFY_AGENT_CONVERSATION_TITLE)!;
    difySim.injectStreamFault({ kind: 'error', afterDeltas: 2, message: 'Model overloaded' });
    const schemas: Record<string, string> = {
      message: 'StreamEventChatMessage',
      agent_message: 'StreamEventChatAgentMessage',
      agent_thought: 'StreamEventChatAgentThought',
      message_end: 'StreamEventChatMessageEnd',
      message_replace: 'StreamEventChatMessageReplace',
      error: 'StreamEventChatError',
    };
    const seen = new Set<string>();
    for (const conversationId of [DIFY_LONG_CONVERSATION_ID, agent.id, DIFY_LONG_CONVERSATION_ID]) {
      const answer = await d('POST', '/chat-messages', { json: { inputs: {}, query: 'Tell me about webhooks', user: 'demo-user', conversation_id: conversationId, response_mode: 'streaming' } });
      for (const frame of (answer.body as string).split('\n\n').filter(Boolean)) {
        if (frame === 'event: ping') {
          seen.add('ping');
          continue;
        }
        expect(frame.startsWith('data: ')).toBe(true);
        const event = JSON.parse(frame.slice(6)) as { event: string };
        seen.add(event.event);
        expectValid(dify.checkComponent(schemas[event.event] ?? 'missing', event, `SSE ${event.event}`));
        expectValid(dify.checkComponent('ChunkChatEvent', event, `SSE ${event.event}`));
      }
    }
    expect([...seen].sort()).toEqual(['agent_message', 'agent_thought', 'error', 'message', 'message_end', 'ping']);
  });

  it('app description: parameters, info, meta, site', async () => {
    expect((await d('GET', '/parameters')).status).toBe(200);
    expect((await d('GET', '/info')).status).toBe(200);
    expect((await d('GET', '/meta')).status).toBe(200);
    expect((await d('GET', '/site')).status).toBe(200);
    difySim.setSiteEnabled(false);
    try {
      expect((await d('GET', '/site')).status).toBe(403);
    } finally {
      difySim.setSiteEnabled(true);
    }
    expect((await d('GET', '/parameters', { headers: {} })).status).toBe(401);
  });

  it('conversation variables: list, page, update, errors', async () => {
    const list = await d('GET', `/conversations/${DIFY_LONG_CONVERSATION_ID}/variables?user=demo-user&limit=2`);
    expect(list.status).toBe(200);
    const [first] = (list.body as { data: Array<{ id: string; name: string }> }).data;
    expect((await d('GET', `/conversations/${DIFY_LONG_CONVERSATION_ID}/variables?user=demo-user&last_id=${first!.id}`)).status).toBe(200);
    expect((await d('GET', `/conversations/${DIFY_LONG_CONVERSATION_ID}/variables?user=demo-user&variable_name=topics`)).status).toBe(200);
    expect((await d('GET', `/conversations/${DIFY_ALICE_CONVERSATION_ID}/variables?user=demo-user`)).status).toBe(404);
    expect((await d('GET', `/conversations/${DIFY_LONG_CONVERSATION_ID}/variables?user=demo-user&last_id=${UNKNOWN_ID}`)).status).toBe(404);
    const path = `/conversations/${DIFY_LONG_CONVERSATION_ID}/variables/${first!.id}`;
    expect((await d('PUT', path, { json: { value: 'gold', user: 'demo-user' } })).status).toBe(200);
    expect((await d('PUT', path, { json: { value: 42, user: 'demo-user' } })).status).toBe(400);
    expect((await d('PUT', `/conversations/${DIFY_LONG_CONVERSATION_ID}/variables/${UNKNOWN_ID}`, { json: { value: 'x', user: 'demo-user' } })).status).toBe(404);
    expect((await d('PUT', path, { json: { value: 'x', user: 'alice' } })).status).toBe(404);
  });

  it('audio', async () => {
    const messageId = difySim.data.find((item) => item.id === DIFY_LONG_CONVERSATION_ID)!.exchanges[1]!.id;
    expect((await d('POST', '/text-to-audio', { json: { message_id: messageId, user: 'demo-user' } })).status).toBe(200);
    expect((await d('POST', '/text-to-audio', { json: { message_id: UNKNOWN_ID, user: 'demo-user' } })).status).toBe(404);
    const form = (file?: Blob) => {
      const data = new FormData();
      data.set('user', 'demo-user');
      if (file) data.set('file', file, 'voice.wav');
      return data;
    };
    expect((await d('POST', '/audio-to-text', { form: form(new Blob([new Uint8Array(synthesizeWav('hello there'))], { type: 'audio/wav' })) })).status).toBe(200);
    expect((await d('POST', '/audio-to-text', { form: form() })).status).toBe(400);
    expect((await d('POST', '/audio-to-text', { form: form(new Blob(['x'], { type: 'text/plain' })) })).status).toBe(415);
    expect((await d('POST', '/audio-to-text', { form: form(new Blob([new Uint8Array(30 * 1024 * 1024 + 1)], { type: 'audio/wav' })) })).status).toBe(413);
  });
});

describe('dify simulator: files', () => {
  const upload = (file?: Blob, name = 'receipt.png', user = 'demo-user') => {
    const data = new FormData();
    data.set('user', user);
    if (file) data.set('file', file, name);
    return d('POST', '/files/upload', { form: data });
  };

  it('uploads, sends them as files[] and lists them as message_files', async () => {
    const uploaded = await upload(new Blob([new Uint8Array(2048)], { type: 'image/png' }));
    expect(uploaded.status).toBe(201);
    const id = (uploaded.body as { id: string }).id;
    const sent = await d('POST', '/chat-messages', {
      json: { inputs: {}, query: 'What is on this receipt?', user: 'demo-user', response_mode: 'blocking', files: [{ type: 'image', transfer_method: 'local_file', upload_file_id: id }] },
    });
    expect(sent.status).toBe(200);
    const { conversation_id: conversationId, message_id: messageId } = sent.body as { conversation_id: string; message_id: string };
    const read = await d('GET', `/messages?user=demo-user&conversation_id=${conversationId}`);
    const files = (read.body as { data: Array<{ id: string; message_files: Array<Record<string, unknown>> }> }).data.find((item) => item.id === messageId)!.message_files;
    expect(files).toEqual([expect.objectContaining({ filename: 'receipt.png', type: 'image', mime_type: 'image/png', size: 2048, transfer_method: 'local_file', belongs_to: 'user', upload_file_id: id })]);
    for (const file of files) expectValid(dify.checkComponent('MessageFileItem', file, 'message_files[]'));
  });

  it('refuses a missing file, an oversize one, and another user’s upload', async () => {
    expect((await upload()).status).toBe(400);
    expect((await upload(new Blob([new Uint8Array(10 * 1024 * 1024 + 1)], { type: 'image/png' }))).status).toBe(413);
    const foreign = (await upload(new Blob(['x'], { type: 'text/plain' }), 'a.txt', 'alice')).body as { id: string };
    const sent = await d('POST', '/chat-messages', {
      json: { inputs: {}, query: 'hi', user: 'demo-user', files: [{ type: 'document', transfer_method: 'local_file', upload_file_id: foreign.id }] },
    });
    expect(sent.status).toBe(400);
  });
});

describe('chatwoot simulator answers follow swagger.json', () => {
  it('conversations, messages and contacts (reads)', async () => {
    expect((await c('GET', '/conversations?status=all&page=1')).status).toBe(200);
    expect((await c('GET', '/conversations', { token: null })).status).toBe(401);
    expect((await c('GET', '/conversations', { token: 'not-a-token' })).status).toBe(401);
    expect((await c('GET', `/conversations/${CHATWOOT_LONG_CONVERSATION_ID}`)).status).toBe(200);
    expect((await c('GET', '/conversations/9999')).status).toBe(404);
    expect((await c('GET', `/conversations/${CHATWOOT_BUSY_CONVERSATION_ID}`, { token: CHATWOOT_AGENT_TOKEN })).status).toBe(401);
    expect((await c('GET', `/conversations/${CHATWOOT_LONG_CONVERSATION_ID}/messages`)).status).toBe(200);
    expect((await c('GET', `/conversations/${CHATWOOT_BUSY_CONVERSATION_ID}/messages?before=4100`)).status).toBe(200);
    expect((await c('GET', '/conversations/9999/messages')).status).toBe(404);
    expect((await c('GET', '/contacts/search?q=demo-user')).status).toBe(200);
    const contact = chatwootSim.data.contacts.find((item) => item.identifier === 'demo-user')!;
    expect((await c('GET', `/contacts/${contact.id}/conversations`)).status).toBe(200);
    expect((await c('GET', '/contacts/9999/conversations')).status).toBe(404);
  });

  it('conversation list filters, the counts per tab and the token owner (reads)', async () => {
    const ids = (answer: { body: any }) => answer.body.data.payload.map((item: { id: number }) => item.id).sort((x: number, y: number) => x - y);
    const all = chatwootSim.data.conversations;
    // ConversationFinder: `me` is the token owner (Priya, user 1); counts come before the assignee filter.
    const mine = await c('GET', '/conversations?status=open&assignee_type=me');
    const open = all.filter((item) => item.status === 'open');
    expect(ids(mine)).toEqual(open.filter((item) => item.assigneeId === 1).map((item) => item.id));
    expect(mine.body.data.meta.all_count).toBe(open.length);
    const meta = await c('GET', '/conversations/meta?status=open');
    expect(meta.body.meta).toEqual({
      mine_count: open.filter((item) => item.assigneeId === 1).length,
      assigned_count: open.filter((item) => item.assigneeId !== null).length,
      unassigned_count: open.filter((item) => item.assigneeId === null).length,
      all_count: open.length,
    });
    expect(ids(await c('GET', '/conversations?status=all&labels[]=wifi&labels[]=nothing'))).toEqual([CHATWOOT_LONG_CONVERSATION_ID]);
    // `status` is ignored while searching (`filter_by_status unless params[:q]`).
    const searched = await c('GET', '/conversations?status=open&q=INVOICE');
    expect(searched.body.data.payload.some((item: { status: string }) => item.status !== 'open')).toBe(true);
    const profile = await exchange(chatwoot, chatwootSim.origin, '', 'GET', '/api/v1/profile', { headers: { api_access_token: CHATWOOT_DEMO_TOKEN } });
    expect(profile.body).toMatchObject({ id: 1, email: 'priya@acme-support.example' });
    expect((await exchange(chatwoot, chatwootSim.origin, '', 'GET', '/api/v1/profile', { headers: { api_access_token: 'nope' } })).status).toBe(401);
  });

  it('messages and toggle_status (writes)', async () => {
    expect((await c('POST', `/conversations/${CHATWOOT_LONG_CONVERSATION_ID}/messages`, { json: { content: 'On it.' } })).status).toBe(200);
    expect((await c('POST', `/conversations/${CHATWOOT_LONG_CONVERSATION_ID}/messages`, { json: { content: 'note', private: true } })).status).toBe(200);
    expect((await c('POST', `/conversations/${CHATWOOT_LONG_CONVERSATION_ID}/messages`, { json: { content: 'x', message_type: 'incoming' } })).status).toBe(422);
    expect((await c('POST', `/conversations/${CHATWOOT_BUSY_CONVERSATION_ID}/messages`, { json: { content: 'x' }, token: CHATWOOT_AGENT_TOKEN })).status).toBe(401);
    expect((await c('POST', '/conversations/9999/messages', { json: { content: 'x' } })).status).toBe(404);
    expect((await c('POST', `/conversations/${CHATWOOT_LONG_CONVERSATION_ID}/toggle_status`, { json: { status: 'snoozed', snoozed_until: 1798000000 } })).status).toBe(200);
    expect((await c('POST', `/conversations/${CHATWOOT_LONG_CONVERSATION_ID}/toggle_status`, { json: { status: 'closed' } })).status).toBe(422);
    expect((await c('POST', '/conversations/9999/toggle_status', { json: { status: 'open' } })).status).toBe(404);
    expect((await c('GET', `/conversations/${CHATWOOT_LONG_CONVERSATION_ID}`)).status).toBe(200);
  });

  it('assignments, labels, toggle_priority and update_last_seen (agent actions)', async () => {
    const id = CHATWOOT_LONG_CONVERSATION_ID;
    expect((await c('GET', '/agents')).status).toBe(200);
    expect((await c('POST', `/conversations/${id}/assignments`, { json: { assignee_id: 2 } })).body).toMatchObject({ id: 2 });
    expect((await c('POST', `/conversations/${id}/assignments`, { json: { assignee_id: null } })).body).toBeNull();
    expect((await c('POST', '/conversations/9999/assignments', { json: { assignee_id: 1 } })).status).toBe(404);
    expect((await c('GET', `/conversations/${id}/labels`)).status).toBe(200);
    expect((await c('POST', `/conversations/${id}/labels`, { json: { labels: ['vip', 'undefined-label'] } })).body).toEqual({ payload: ['vip'] });
    expect((await c('POST', `/conversations/${BUSY}/labels`, { json: { labels: ['vip'] }, token: CHATWOOT_AGENT_TOKEN })).status).toBe(401);
    expect((await c('POST', `/conversations/${id}/toggle_priority`, { json: { priority: 'urgent' } })).status).toBe(200);
    expect((await c('POST', `/conversations/${id}/toggle_priority`, { json: { priority: 'none' } })).status).toBe(200);
    expect((await c('POST', '/conversations/9999/toggle_priority', { json: { priority: 'low' } })).status).toBe(404);
    // The Application API's update_last_seen is not in the document (only the public API's is):
    // its answer, the conversation partial, is checked against the document's conversation schema.
    const seen = await fetch(`${chatwootSim.origin}/api/v1/accounts/1/conversations/${id}/update_last_seen`, {
      method: 'POST',
      headers: { api_access_token: CHATWOOT_DEMO_TOKEN },
    });
    expect(seen.status).toBe(200);
    expectValid(chatwoot.checkComponent('conversation', await seen.json(), 'POST …/conversations/{conversation_id}/update_last_seen 200'));
  });

  it('a message with attachments[] as multipart, listed with the messages', async () => {
    const form = new FormData();
    form.set('content', 'The label is attached.');
    form.set('private', 'false');
    form.append('attachments[]', new Blob([new Uint8Array(512)], { type: 'image/png' }), 'label.png');
    form.append('attachments[]', new Blob(['%PDF'], { type: 'application/pdf' }), 'terms.pdf');
    const path = `/api/v1/accounts/1/conversations/${CHATWOOT_LONG_CONVERSATION_ID}/messages`;
    const created = await exchange(chatwoot, chatwootSim.origin, '', 'POST', path, { headers: { api_access_token: CHATWOOT_DEMO_TOKEN }, form });
    expect(created.status).toBe(200);
    const attachments = (created.body as { attachments: Array<Record<string, unknown>> }).attachments;
    expect(attachments.map((file) => [file.file_type, file.file_size])).toEqual([['image', 512], ['file', 4]]);
    expect(String(attachments[1]!.data_url)).toMatch(/\/terms\.pdf$/);
    const listed = await c('GET', `/conversations/${CHATWOOT_LONG_CONVERSATION_ID}/messages`);
    const stored = (listed.body as { payload: Array<{ id: number; attachments?: unknown[] }> }).payload.find((item) => item.id === (created.body as { id: number }).id);
    expect(stored?.attachments).toEqual(attachments);
  });

  it('the plain-text 429 of Rack::Attack', async () => {
    const limited = await startChatwootSimulator({ rateLimit: { limit: 1, periodSeconds: 60 } });
    try {
      const call = () => exchange(chatwoot, limited.origin, '', 'GET', '/api/v1/accounts/1/conversations', { headers: { api_access_token: CHATWOOT_DEMO_TOKEN } });
      expect((await call()).status).toBe(200);
      expect((await call()).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('contract coverage', () => {
  it('checked every endpoint the gateway uses and applied every named exception', () => {
    for (const operation of [
      'GET /conversations 200', 'GET /messages 200', 'POST /messages/{message_id}/feedbacks 200', 'GET /app/feedbacks 200',
      'GET /apps/annotations 200', 'POST /apps/annotations 201', 'PUT /apps/annotations/{annotation_id} 200',
      'DELETE /apps/annotations/{annotation_id} 204',
      'GET /messages/{message_id}/suggested 200', 'POST /conversations/{conversation_id}/name 200', 'DELETE /conversations/{conversation_id} 204',
      'POST /chat-messages 200', 'POST /chat-messages/{task_id}/stop 200', 'POST /text-to-audio 200', 'POST /audio-to-text 200',
      'POST /files/upload 201',
      'GET /parameters 200', 'GET /info 200', 'GET /meta 200', 'GET /site 200',
      'GET /conversations/{conversation_id}/variables 200', 'PUT /conversations/{conversation_id}/variables/{variable_id} 200',
      'POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/messages 200',
      'POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/toggle_status 200',
      'GET /api/v1/accounts/{account_id}/conversations/{conversation_id}/messages 200',
      'GET /api/v1/accounts/{account_id}/agents 200',
      'POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/assignments 200',
      'GET /api/v1/accounts/{account_id}/conversations/{conversation_id}/labels 200',
      'POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/labels 200',
      'POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/toggle_priority 200',
      'POST …/conversations/{conversation_id}/update_last_seen 200',
    ]) {
      expect(covered, operation).toContain(operation);
    }
    expect(dify.unusedExceptions().map((item) => item.reason)).toEqual([]);
    expect(chatwoot.unusedExceptions().map((item) => item.reason)).toEqual([]);
  });
});
