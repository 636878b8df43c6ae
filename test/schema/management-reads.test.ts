/**
 * The management reads and the audio routes over real HTTP against the simulators: agent
 * thoughts, suggested questions (and the feature switched off), introduction and inputs, the app
 * feedback connection (admin only), `GET /audio/messages/{id}` streaming WAV bytes for the
 * viewer's own message only, and `transcribeAudio` with its upload cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIFY_AGENT_CONVERSATION_TITLE, DIFY_ALICE_CONVERSATION_ID } from '../../src/demo/simulators/dify/fixtures.js';
import { ADMIN, conversationId, DEMO, startWritesGateway, type WritesGateway } from './writes-setup.js';

const MAX_UPLOAD = 64 * 1024;
let gw: WritesGateway;
beforeAll(async () => {
  gw = await startWritesGateway((config) => {
    config.server = { ...config.server, limits: { maxUploadBytes: MAX_UPLOAD } };
  });
});
afterAll(() => gw.close());

const LIST = `{ source(name: "assistant") { conversations(first: 30) { edges { node { id title introduction inputs } } } } }`;
const MESSAGES = `query ($id: ID!) { conversation(id: $id) { messages(last: 6) { edges { node {
  id role audioUrl suggestedQuestions agentThoughts { position thought tool toolInput observation createdAt } } } } } }`;

async function demoConversations() {
  const answer = await gw.run(LIST);
  expect(answer.errors).toBeUndefined();
  return answer.data.source.conversations.edges.map((edge: any) => edge.node) as Array<{ id: string; title: string; introduction: string | null; inputs: unknown }>;
}

async function lastMessages(id: string) {
  const answer = await gw.run(MESSAGES, { id });
  return { answer, nodes: (answer.data?.conversation?.messages?.edges ?? []).map((edge: any) => edge.node) as any[] };
}

describe('Dify message extras', () => {
  it('shows agent thoughts in the seeded agent conversation and [] elsewhere', async () => {
    const conversations = await demoConversations();
    const agent = conversations.find((conversation) => conversation.title === DIFY_AGENT_CONVERSATION_TITLE)!;
    const { answer, nodes } = await lastMessages(agent.id);
    expect(answer.errors).toBeUndefined();
    const thoughts = nodes.filter((node) => node.role === 'ASSISTANT').flatMap((node) => node.agentThoughts);
    expect(thoughts.length).toBeGreaterThan(0);
    expect(thoughts[0]).toMatchObject({ position: expect.any(Number), thought: expect.any(String) });
    for (const node of nodes.filter((item) => item.role === 'USER')) expect(node.agentThoughts).toEqual([]);
    expect(conversations.every((conversation) => 'introduction' in conversation && 'inputs' in conversation)).toBe(true);
  });

  it('answers suggested questions for ASSISTANT halves, [] for USER halves, NOT_SUPPORTED when switched off', async () => {
    const [first] = await demoConversations();
    const { answer, nodes } = await lastMessages(first!.id);
    expect(answer.errors).toBeUndefined();
    const assistant = nodes.filter((node) => node.role === 'ASSISTANT');
    expect(assistant.at(-1).suggestedQuestions.length).toBeGreaterThan(0);
    for (const node of nodes.filter((item) => item.role === 'USER')) expect(node.suggestedQuestions).toEqual([]);
    gw.backends.simulators.assistant.setSuggestedQuestions(false);
    try {
      const off = await lastMessages(first!.id);
      expect(off.answer.errors.length).toBeGreaterThan(0);
      expect(off.answer.errors.every((error: any) => error.extensions.code === 'NOT_SUPPORTED')).toBe(true);
      expect(off.nodes.filter((node) => node.role === 'ASSISTANT').every((node) => node.suggestedQuestions === null)).toBe(true);
    } finally {
      gw.backends.simulators.assistant.setSuggestedQuestions(true);
    }
  });

  it('gives audioUrl for Dify assistant messages only', async () => {
    const [first] = await demoConversations();
    const { nodes } = await lastMessages(first!.id);
    for (const node of nodes) {
      if (node.role === 'ASSISTANT') expect(node.audioUrl).toBe(`/audio/messages/${node.id}`);
      else expect(node.audioUrl).toBeNull();
    }
    const support = await gw.run(`query ($id: ID!) { conversation(id: $id) { messages(last: 3) { edges { node { audioUrl suggestedQuestions agentThoughts { position } } } } } }`, {
      id: conversationId('support', '19'),
    });
    for (const edge of support.data.conversation.messages.edges) {
      expect(edge.node).toEqual({ audioUrl: null, suggestedQuestions: [], agentThoughts: [] });
    }
  });
});

describe('Source.feedbacks', () => {
  const FEEDBACKS = `query ($after: String) { source(name: "assistant") { feedbacks(first: 2, after: $after) {
    edges { cursor node { id rating content fromSource createdAt } } pageInfo { hasNextPage endCursor } } } }`;

  it('pages every end user feedback for the admin role', async () => {
    const page = await gw.run(FEEDBACKS, {}, ADMIN);
    expect(page.errors).toBeUndefined();
    const connection = page.data.source.feedbacks;
    expect(connection.edges.length).toBe(2);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    const next = await gw.run(FEEDBACKS, { after: connection.pageInfo.endCursor }, ADMIN);
    const ids = [...connection.edges, ...next.data.source.feedbacks.edges].map((edge: any) => edge.node.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(connection.edges[0].node).toMatchObject({ rating: expect.stringMatching(/^(LIKE|DISLIKE)$/) });
  });

  it('refuses other viewers with FORBIDDEN and a tampered cursor with BAD_USER_INPUT', async () => {
    const refused = await gw.run(FEEDBACKS, {}, DEMO);
    expect(refused.data.source.feedbacks).toBeNull();
    expect(refused.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', sourceId: 'assistant' });
    const bad = await gw.run(FEEDBACKS, { after: 'not-a-cursor' }, ADMIN);
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('GET /audio/messages/{id}', () => {
  const get = (path: string, viewer: string | null) =>
    gw.yoga.fetch(`http://gateway.test${path}`, { headers: viewer ? { 'x-chat-user': viewer } : {} });

  it("streams the viewer's answer as audio/wav", async () => {
    const [first] = await demoConversations();
    const { nodes } = await lastMessages(first!.id);
    const assistant = nodes.filter((node) => node.role === 'ASSISTANT').at(-1);
    const response = await get(assistant.audioUrl, 'demo-user');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(bytes.subarray(8, 12).toString('ascii')).toBe('WAVE');
  });

  it("answers another user's message 404 before any audio call, and no viewer 401", async () => {
    const alices = await gw.run(MESSAGES, { id: conversationId('assistant', DIFY_ALICE_CONVERSATION_ID) }, { id: 'alice' });
    const target = alices.data.conversation.messages.edges.map((edge: any) => edge.node).find((node: any) => node.role === 'ASSISTANT');
    const before = gw.backends.simulators.assistant.calls('POST', '/v1/text-to-audio');
    const foreign = await get(target.audioUrl, 'demo-user');
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as any).error.code).toBe('NOT_FOUND');
    expect(gw.backends.simulators.assistant.calls('POST', '/v1/text-to-audio')).toBe(before);
    expect((await get(target.audioUrl, null)).status).toBe(401);
    expect((await get('/audio/messages/garbage', 'demo-user')).status).toBe(400);
  });
});

describe('transcribeAudio', () => {
  const OPERATION = `mutation ($file: File!) { transcribeAudio(input: { sourceId: "assistant", file: $file, clientMutationId: "t1" }) { clientMutationId text } }`;

  function upload(bytes: Uint8Array<ArrayBuffer>, query = OPERATION, type = 'audio/wav') {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query, variables: { file: null } }));
    form.set('map', JSON.stringify({ 0: ['variables.file'] }));
    form.set('0', new File([bytes as Uint8Array<ArrayBuffer>], 'note.wav', { type }));
    return gw.yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'x-chat-user': 'demo-user', 'x-graphql-yoga-csrf': '1' },
      body: form,
    });
  }

  const wav = (size: number) => {
    const bytes = new Uint8Array(new ArrayBuffer(size));
    bytes.set(Buffer.from('RIFF'), 0);
    bytes.set(Buffer.from('WAVE'), 8);
    return bytes;
  };

  it('transcribes an uploaded file', async () => {
    const response = await upload(wav(4096));
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.transcribeAudio).toEqual({ clientMutationId: 't1', text: expect.any(String) });
  });

  it('types a file sent as application/octet-stream (what curl -F sends) from its name', async () => {
    const response = await upload(wav(4096), OPERATION, 'application/octet-stream');
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.transcribeAudio.text).toEqual(expect.any(String));
  });

  it('refuses a file over server.limits.maxUploadBytes with 413 / BAD_USER_INPUT, without an upstream call', async () => {
    const before = gw.backends.simulators.assistant.calls('POST', '/v1/audio-to-text');
    const response = await upload(wav(MAX_UPLOAD + 1024));
    expect(response.status).toBe(413);
    const body = (await response.json()) as any;
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(gw.backends.simulators.assistant.calls('POST', '/v1/audio-to-text')).toBe(before);
  });

  it('accepts uploads for transcribeAudio only', async () => {
    const response = await upload(wav(1024), `mutation ($file: File!) { deleteConversation(input: { conversationId: "x" }) { deletedConversationId } }`);
    expect(response.status).toBe(400);
  });
});
