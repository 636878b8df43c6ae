/**
 * Hostile requests to the audio route and the multipart check over a real socket: a malformed
 * percent-encoding is a 400 (not a 502 with an error-level log), and only an operation whose
 * parsed root fields are all `transcribeAudio` may upload (a comment naming it is not enough).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLogger, startLiveGateway, type LiveGateway } from '../live/helpers.js';

let live: LiveGateway;
const logs = capturedLogger();
const errorLines = () => logs.lines.filter((line) => line.level >= 50);

beforeAll(async () => {
  live = await startLiveGateway({ logger: logs.logger });
});
afterAll(() => live.close());

describe('GET /audio/messages/{id}', () => {
  it('answers a malformed percent-encoding with 400 BAD_USER_INPUT and no error-level log', async () => {
    for (const path of ['/audio/messages/%E0%A4%A', '/audio/messages/%', '/audio/messages/%ZZ']) {
      const response = await fetch(`${live.url}${path}`, { headers: { 'x-chat-user': 'demo-user' } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).error.code).toBe('BAD_USER_INPUT');
    }
    expect(errorLines()).toEqual([]);
  });
});

describe('multipart uploads', () => {
  function upload(query: string) {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query, variables: { file: null } }));
    form.set('map', JSON.stringify({ 0: ['variables.file'] }));
    form.set('0', new File([new Uint8Array(64)], 'note.wav', { type: 'audio/wav' }));
    return fetch(`${live.url}/graphql`, { method: 'POST', headers: { 'x-chat-user': 'demo-user', 'x-graphql-yoga-csrf': '1' }, body: form });
  }

  it('refuses an operation that only names transcribeAudio in a comment, an alias or another operation', async () => {
    const deletes = () => live.backends.simulators.assistant.calls('DELETE', /^\/v1\/conversations\//);
    const before = deletes();
    const disguised = [
      `# transcribeAudio\nmutation ($file: File!) { deleteConversation(input: { conversationId: "x" }) { deletedConversationId } }`,
      `mutation ($file: File!) { transcribeAudio: deleteConversation(input: { conversationId: "x" }) { deletedConversationId } }`,
      `mutation Other { deleteConversation(input: { conversationId: "x" }) { deletedConversationId } } mutation transcribeAudio($file: File!) { viewer: __typename }`,
    ];
    for (const query of disguised) {
      const response = await upload(query);
      expect(response.status).toBe(400);
      const body = (await response.json()) as any;
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    expect(deletes()).toBe(before);
    expect(errorLines()).toEqual([]);
  });

  it('still accepts transcribeAudio, also through a fragment', async () => {
    const query = `mutation ($file: File!) { ...T } fragment T on Mutation { transcribeAudio(input: { sourceId: "assistant", file: $file }) { text } }`;
    const response = await upload(query);
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.transcribeAudio.text).toEqual(expect.any(String));
  });
});
