/**
 * `sendMessage` with files, as a GraphQL multipart request over a real socket to a listening
 * gateway in front of the simulators: a file sent to Dify (uploaded, then passed as `files`)
 * and to Chatwoot (`attachments[]`) shows in the payload and in the next read; the upload
 * limits (size, count, MIME types) answer before any upstream call; one failed upload sends
 * nothing; other backends answer NOT_SUPPORTED; idempotency tells files apart by content.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/core/global-id.js';
import { validateConfig } from '../../src/gateway/load-config.js';
import { mediaTypeAllowed, uploadName } from '../../src/schema/send-files.js';
import { startProxiedGateway, type ProxiedGateway } from '../helpers/proxied-gateway.js';

const MiB = 1024 * 1024;
/** Above the Dify simulator's 10 MB image cap, so one upload can fail upstream. */
const MAX_UPLOAD = 12 * MiB;
const MAX_FILES = 3;

let gw: ProxiedGateway;
beforeAll(async () => {
  gw = await startProxiedGateway({
    serverConfig: { limits: { maxUploadBytes: MAX_UPLOAD, maxUploadFiles: MAX_FILES, uploadMediaTypes: ['image/*', 'text/*', 'application/pdf'] } },
  });
});
afterAll(() => gw.close());

const AGENT = { id: 'priya', roles: 'agent' };
const DEMO = { id: 'demo-user' };
const SEND = `mutation ($input: SendMessageInput!) { sendMessage(input: $input) {
  conversation { id } messages { id role text attachments { id name type mimeType size url } } } }`;
const READ = `query ($id: ID!) { conversation(id: $id) { messages(last: 4) { edges { node { id role text attachments { id name type mimeType size url } } } } } }`;

/** One file part of a multipart request. */
interface Part {
  name: string;
  type: string;
  bytes: Uint8Array<ArrayBuffer>;
}

const text = (name: string, content: string, type = 'text/plain'): Part => ({ name, type, bytes: new Uint8Array(Buffer.from(content)) });
const sized = (name: string, type: string, size: number): Part => ({ name, type, bytes: new Uint8Array(new ArrayBuffer(size)).fill(7) });

/**
 * POSTs `sendMessage` as a GraphQL multipart request: `files` mapped to
 * `variables.input.files.N`.
 */
async function send(input: Record<string, unknown>, files: Part[], viewer: { id: string; roles?: string } = DEMO) {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: SEND, variables: { input: { ...input, files: files.map(() => null) } } }));
  form.set('map', JSON.stringify(Object.fromEntries(files.map((_, index) => [String(index), [`variables.input.files.${index}`]]))));
  files.forEach((file, index) => form.set(String(index), new File([file.bytes], file.name, { type: file.type })));
  const headers: Record<string, string> = { 'x-chat-user': viewer.id, 'x-graphql-yoga-csrf': '1' };
  if (viewer.roles) headers['x-chat-roles'] = viewer.roles;
  const response = await fetch(`${gw.url}/graphql`, { method: 'POST', headers, body: form });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: any[] }) };
}

async function read(id: string, viewer: { id: string; roles?: string } = DEMO) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-chat-user': viewer.id };
  if (viewer.roles) headers['x-chat-roles'] = viewer.roles;
  const response = await fetch(`${gw.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: READ, variables: { id } }) });
  const body = (await response.json()) as { data?: any; errors?: any[] };
  expect(body.errors).toBeUndefined();
  return body.data.conversation.messages.edges.map((edge: any) => edge.node) as any[];
}

const dify = () => gw.backends.simulators.assistant;
const chatwoot = () => gw.backends.simulators.support;
const difyCalls = () => ({ uploads: dify().calls('POST', '/v1/files/upload'), chats: dify().calls('POST', '/v1/chat-messages') });

describe('sendMessage with files (Dify)', () => {
  it('uploads each file, passes them as files[], and shows them in the payload and the next read', async () => {
    const before = difyCalls();
    const answer = await send({ sourceId: 'assistant', text: 'What does this invoice say?' }, [
      text('invoice.pdf', '%PDF-1.4 a tiny invoice', 'application/pdf'),
      text('notes.txt', 'pay by Friday'),
    ]);
    expect(answer.errors).toBeUndefined();
    expect(difyCalls()).toEqual({ uploads: before.uploads + 2, chats: before.chats + 1 });
    const chat = dify().requests.filter((request) => request.path === '/v1/chat-messages').at(-1)!.body as { files: unknown[] };
    expect(chat.files).toEqual([
      { type: 'document', transfer_method: 'local_file', upload_file_id: expect.any(String) },
      { type: 'document', transfer_method: 'local_file', upload_file_id: expect.any(String) },
    ]);
    const [user, assistant] = answer.data.sendMessage.messages;
    expect(user.role).toBe('USER');
    expect(user.attachments).toEqual([
      expect.objectContaining({ name: 'invoice.pdf', type: 'document', mimeType: 'application/pdf', size: 23 }),
      expect.objectContaining({ name: 'notes.txt', type: 'document', mimeType: 'text/plain', size: 13 }),
    ]);
    expect(assistant.attachments).toEqual([]);
    const next = await read(answer.data.sendMessage.conversation.id);
    expect(next.find((message) => message.id === user.id)!.attachments).toEqual(user.attachments);
  });

  it('sends nothing when one upload fails, and says which error', async () => {
    const before = difyCalls();
    // The simulator, like Dify, caps images at 10 MB: the second upload answers 413 file_too_large.
    const answer = await send({ sourceId: 'assistant', text: 'two photos' }, [sized('a.png', 'image/png', 1024), sized('b.png', 'image/png', 10 * MiB + 1)]);
    expect(answer.data?.sendMessage ?? null).toBeNull();
    expect(answer.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(answer.errors![0].message).toMatch(/too large for the source/);
    expect(difyCalls()).toEqual({ uploads: before.uploads + 2, chats: before.chats });
  });

  it("answers BAD_USER_INPUT when the app's file settings refuse the files; nothing is stored", async () => {
    dify().setFileUpload({ enabled: true, allowedFileTypes: ['image'], numberLimits: 10 });
    try {
      const before = difyCalls();
      const conversations = dify().data.length;
      const answer = await send({ sourceId: 'assistant', text: 'a text file' }, [text('notes.txt', 'hello')]);
      expect(answer.errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect(answer.errors![0].message).toContain('file upload settings');
      // The upload happened (Dify keeps it until its own expiry); the message was refused.
      expect(difyCalls()).toEqual({ uploads: before.uploads + 1, chats: before.chats + 1 });
      expect(dify().data.length).toBe(conversations);
    } finally {
      dify().setFileUpload({ enabled: true, allowedFileTypes: [], numberLimits: 10 });
    }
  });

  it('shows no attachments when the app has file upload off (Dify ignores the files)', async () => {
    dify().setFileUpload({ enabled: false, allowedFileTypes: [], numberLimits: 10 });
    try {
      const answer = await send({ sourceId: 'assistant', text: 'with a file the app ignores' }, [text('notes.txt', 'hello')]);
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.sendMessage.messages[0].attachments).toEqual([]);
    } finally {
      dify().setFileUpload({ enabled: true, allowedFileTypes: [], numberLimits: 10 });
    }
  });

  it('replays an idempotent send with the same file and refuses the key with another file', async () => {
    const before = difyCalls();
    const input = { sourceId: 'assistant', text: 'Read this once', idempotencyKey: 'files-1' };
    const first = await send(input, [text('a.txt', 'first content')]);
    const again = await send(input, [text('a.txt', 'first content')]);
    expect(first.errors).toBeUndefined();
    expect(again.data!.sendMessage.messages.map((message: any) => message.id)).toEqual(first.data!.sendMessage.messages.map((message: any) => message.id));
    expect(difyCalls()).toEqual({ uploads: before.uploads + 1, chats: before.chats + 1 });
    const other = await send(input, [text('a.txt', 'other content')]);
    expect(other.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(difyCalls()).toEqual({ uploads: before.uploads + 1, chats: before.chats + 1 });
  });
});

describe('sendMessage with files (Chatwoot)', () => {
  const THREAD = globalIdOf({ type: 'Conversation', sourceId: 'support', conversationId: '19' });

  it('sends the files as attachments[] and shows them in the payload and the next read', async () => {
    const before = chatwoot().calls('POST', /\/conversations\/19\/messages$/);
    const answer = await send({ conversationId: THREAD, text: 'Here is the label.' }, [sized('return label.png', 'image/png', 2048), text('steps.txt', '1. pack 2. ship')], AGENT);
    expect(answer.errors).toBeUndefined();
    expect(chatwoot().calls('POST', /\/conversations\/19\/messages$/)).toBe(before + 1);
    const post = chatwoot().requests.filter((request) => request.method === 'POST' && request.path.endsWith('/conversations/19/messages')).at(-1)!;
    expect(post.headers['content-type']).toMatch(/^multipart\/form-data/);
    const [created] = answer.data.sendMessage.messages;
    expect(created.attachments).toEqual([
      expect.objectContaining({ name: 'return label.png', type: 'image', mimeType: 'image/png', size: 2048, url: expect.stringContaining('/rails/active_storage/') }),
      expect.objectContaining({ name: 'steps.txt', type: 'file', mimeType: 'text/plain', size: 15 }),
    ]);
    const next = await read(THREAD, AGENT);
    expect(next.find((message) => message.id === created.id)!.attachments).toEqual(created.attachments);
  });
});

describe('the upload limits on sendMessage', () => {
  const noUpstream = () => ({ ...difyCalls(), chatwoot: chatwoot().calls('POST', /\/messages$/) });

  it('answers a file over maxUploadBytes with 413 / BAD_USER_INPUT and no upstream call', async () => {
    const before = noUpstream();
    const answer = await send({ sourceId: 'assistant', text: 'big' }, [sized('big.png', 'image/png', MAX_UPLOAD + 1)]);
    expect(answer.status).toBe(413);
    expect(answer.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(noUpstream()).toEqual(before);
  });

  it('answers more than maxUploadFiles files with 400 / BAD_USER_INPUT and no upstream call', async () => {
    const before = noUpstream();
    const files = Array.from({ length: MAX_FILES + 1 }, (_, index) => text(`n${index}.txt`, 'x'));
    const answer = await send({ sourceId: 'assistant', text: 'many' }, files);
    expect(answer.status).toBe(400);
    expect(answer.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(answer.errors![0].message).toContain(`at most ${MAX_FILES} files`);
    expect(noUpstream()).toEqual(before);
  });

  it('refuses a MIME type outside uploadMediaTypes and an empty file, with no upstream call', async () => {
    const before = noUpstream();
    const typed = await send({ sourceId: 'assistant', text: 'zip' }, [text('a.zip', 'PK', 'application/zip')]);
    expect(typed.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(typed.errors![0].message).toContain('application/zip');
    const empty = await send({ sourceId: 'assistant', text: 'empty' }, [text('empty.txt', '')]);
    expect(empty.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(noUpstream()).toEqual(before);
  });

  it('answers NOT_SUPPORTED for a backend that takes no files', async () => {
    const answer = await send({ sourceId: 'legacy', text: 'hello' }, [text('a.txt', 'x')]);
    expect(answer.errors![0].extensions.code).toBe('NOT_SUPPORTED');
  });

  it('still refuses uploads to other operations', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: `mutation ($f: File) { deleteConversation(input: { conversationId: "x" }) { deletedConversationId } }`, variables: { f: null } }));
    form.set('map', JSON.stringify({ 0: ['variables.f'] }));
    form.set('0', new File(['x'], 'a.txt', { type: 'text/plain' }));
    const response = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'x-chat-user': 'demo-user', 'x-graphql-yoga-csrf': '1' }, body: form });
    expect(response.status).toBe(400);
  });
});

describe('the file checks', () => {
  it('matches MIME types exactly, by family, or any', () => {
    expect(mediaTypeAllowed('image/png', ['image/*'])).toBe(true);
    expect(mediaTypeAllowed('image/png', ['application/pdf'])).toBe(false);
    expect(mediaTypeAllowed('application/pdf', ['image/*', 'application/pdf'])).toBe(true);
    expect(mediaTypeAllowed('application/x-msdownload', ['*/*'])).toBe(true);
    expect(mediaTypeAllowed('imagex/png', ['image/*'])).toBe(false);
  });

  it('keeps only the last path segment of a file name, without control characters', () => {
    expect(uploadName('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
    expect(uploadName('../../etc/passwd')).toBe('passwd');
    expect(uploadName('a\u0000b.txt')).toBe('ab.txt');
    expect(uploadName('')).toBe('file');
    expect(uploadName(undefined)).toBe('file');
  });

  it('refuses a malformed uploadMediaTypes entry at start-up', async () => {
    const raw = { ...structuredClone(gw.backends.config), server: { limits: { uploadMediaTypes: ['images'] } } };
    await expect(validateConfig(raw)).rejects.toThrow(/uploadMediaTypes/);
  });
});
