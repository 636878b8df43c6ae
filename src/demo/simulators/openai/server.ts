/**
 * A real HTTP simulator of the OpenAI Assistants API's thread messages (v2), on loopback.
 * Facts followed, with their sources:
 * - `GET /v1/threads/{thread_id}/messages`: `limit` 1–100 (default 20), `order` `asc|desc`
 *   (default `desc`, by `created_at`), `after` / `before` = a message id "that defines your place
 *   in the list"; answers `{ object: "list", data, first_id, last_id, has_more }`
 *   (platform.openai.com/docs/api-reference/messages/listMessages; openai/openai-node
 *   `src/resources/beta/threads/messages.ts`, `src/core/pagination.ts` CursorPage).
 * - A message: `id, object: "thread.message", created_at` (epoch seconds), `thread_id, role`
 *   (`user|assistant`), `content[]` parts (`{ type: "text", text: { value, annotations } }`,
 *   `image_file`, …), `assistant_id, run_id, attachments, metadata, status` (same sources).
 * - `GET /v1/threads/{thread_id}`, `GET /v1/threads/{thread_id}/messages/{message_id}`,
 *   `POST /v1/threads/{thread_id}/messages` `{ role, content }` (API reference, Threads/Messages).
 * - There is no endpoint that lists threads (API reference; /work/shared/API-NOTES.md).
 * - Every call needs `Authorization: Bearer <key>` and `OpenAI-Beta: assistants=v2`; errors are
 *   `{ error: { message, type, param, code } }`: 401 `invalid_api_key`, 404 "No thread found with
 *   id '…'." — also for a thread of another project, which a key cannot see — and 429
 *   `rate_limit_exceeded` with `retry-after` (openai-node `src/core.ts` retry logic reads
 *   `retry-after-ms` / `retry-after`).
 * Same-second messages are ordered by creation within the second (the API does not document a
 * tie order; ids are opaque, so position in the list is the only anchor).
 */
import { startSimulatorServer, type LoggedRequest, type SimulatorReply } from '../http-server.js';
import { Throttle } from '../throttle.js';
import { buildLongThread, buildShortThread, type SeedMessage } from '../vendor-threads.js';
import { stableId, type VendorSimulator, type VendorSimulatorOptions } from '../vendor-simulator.js';

/** The demo API key the simulator accepts. */
export const OPENAI_DEMO_KEY = 'sk-proj-demo-not-a-real-key';

interface StoredMessage extends SeedMessage {
  id: string;
  imageFileId?: string;
}

interface StoredThread {
  id: string;
  createdAt: number;
  /** Threads of another project: the key cannot see them (404 like an absent one). */
  foreign: boolean;
  messages: StoredMessage[];
}

function error(status: number, message: string, type: string, code: string | null, headers?: Record<string, string>): SimulatorReply {
  return { status, body: { error: { message, type, param: null, code } }, ...(headers ? { headers } : {}) };
}

function thread(id: number, seeds: SeedMessage[], foreign = false): StoredThread {
  const threadId = stableId('thread_', 1000 + id);
  const messages = seeds.map((seed) => ({
    ...seed,
    id: stableId('msg_', id * 10_000 + seed.index),
    ...(seed.index === 8 ? { imageFileId: stableId('file-', id * 10_000 + seed.index) } : {}),
  }));
  return { id: threadId, createdAt: Math.floor((seeds[0]?.ms ?? Date.UTC(2026, 2, 1)) / 1000) - 5, foreign, messages };
}

function wire(message: StoredMessage, threadId: string): Record<string, unknown> {
  const seconds = Math.floor(message.ms / 1000);
  const assistant = message.author === 'assistant';
  const content: unknown[] = [{ type: 'text', text: { value: message.text, annotations: [] } }];
  if (message.imageFileId) content.push({ type: 'image_file', image_file: { file_id: message.imageFileId, detail: 'auto' } });
  return {
    id: message.id,
    object: 'thread.message',
    created_at: seconds,
    assistant_id: assistant ? 'asst_demoSupportBot000000000' : null,
    thread_id: threadId,
    run_id: assistant ? stableId('run_', message.index) : null,
    role: message.author,
    content,
    attachments: [],
    metadata: {},
    status: 'completed',
    completed_at: assistant ? seconds : null,
    incomplete_at: null,
    incomplete_details: null,
  };
}

function listMessages(stored: StoredThread, query: URLSearchParams): SimulatorReply {
  const rawLimit = query.get('limit') ?? '20';
  const limit = Number(rawLimit);
  if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > 100) {
    return error(400, `Invalid 'limit': integer below minimum value or above maximum value. Expected a value between 1 and 100, but got ${rawLimit} instead.`, 'invalid_request_error', 'integer_out_of_range');
  }
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') return error(400, `Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`, 'invalid_request_error', 'invalid_value');
  const list = order === 'asc' ? stored.messages : [...stored.messages].reverse();
  const after = query.get('after');
  const before = query.get('before');
  let page: StoredMessage[];
  let hasMore: boolean;
  if (after) {
    const at = list.findIndex((message) => message.id === after);
    if (at < 0) return error(400, `Invalid 'after': no message found with id '${after}'.`, 'invalid_request_error', null);
    page = list.slice(at + 1, at + 1 + limit);
    hasMore = at + 1 + limit < list.length;
  } else if (before) {
    const at = list.findIndex((message) => message.id === before);
    if (at < 0) return error(400, `Invalid 'before': no message found with id '${before}'.`, 'invalid_request_error', null);
    const start = Math.max(0, at - limit);
    page = list.slice(start, at);
    hasMore = start > 0;
  } else {
    page = list.slice(0, limit);
    hasMore = limit < list.length;
  }
  return {
    status: 200,
    body: {
      object: 'list',
      data: page.map((message) => wire(message, stored.id)),
      first_id: page[0]?.id ?? null,
      last_id: page[page.length - 1]?.id ?? null,
      has_more: hasMore,
    },
  };
}

/**
 * Starts the simulator: a long thread (150 messages, same-second groups), an empty one, a short
 * one and one of another project (404). `env` fills presets/openai-assistants.yaml.
 * @throws when the port cannot be bound
 */
export async function startOpenAiSimulator(options: VendorSimulatorOptions = {}): Promise<VendorSimulator> {
  const base = Date.UTC(2026, 2, 10, 9, 0, 0);
  const threads = [
    thread(1, buildLongThread(base, 21)),
    thread(2, []),
    thread(3, buildShortThread(base + 86_400_000, 6, 'Another project'), true),
    thread(4, buildShortThread(base + 2 * 86_400_000, 4, 'Refund status')),
  ];
  const byId = new Map(threads.map((item) => [item.id, item]));
  const throttle = new Throttle();
  let created = 0;

  const route = (request: LoggedRequest): SimulatorReply => {
    if (request.headers.authorization !== `Bearer ${OPENAI_DEMO_KEY}`) {
      return error(401, 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
    }
    const retryAfter = throttle.take();
    if (retryAfter !== null) {
      return error(429, 'Rate limit reached for requests. Please try again later.', 'requests', 'rate_limit_exceeded', {
        'retry-after': String(retryAfter),
        'retry-after-ms': String(retryAfter * 1000),
      });
    }
    if (request.headers['openai-beta'] !== 'assistants=v2') {
      return error(400, "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.", 'invalid_request_error', 'invalid_beta');
    }
    const match = /^\/v1\/threads\/([^/]+)(?:\/messages(?:\/([^/]+))?)?$/.exec(request.path);
    if (!match) return error(404, `Invalid URL (${request.method} ${request.path})`, 'invalid_request_error', null);
    const threadId = decodeURIComponent(match[1]!);
    const stored = byId.get(threadId);
    if (!stored || stored.foreign) return error(404, `No thread found with id '${threadId}'.`, 'invalid_request_error', null);
    const isMessages = request.path.includes('/messages');
    if (!isMessages && request.method === 'GET') {
      return { status: 200, body: { id: stored.id, object: 'thread', created_at: stored.createdAt, metadata: {}, tool_resources: {} } };
    }
    if (isMessages && match[2] && request.method === 'GET') {
      const messageId = decodeURIComponent(match[2]);
      const message = stored.messages.find((item) => item.id === messageId);
      return message ? { status: 200, body: wire(message, stored.id) } : error(404, `No message found with id '${messageId}'.`, 'invalid_request_error', null);
    }
    if (isMessages && !match[2] && request.method === 'GET') return listMessages(stored, request.query);
    if (isMessages && !match[2] && request.method === 'POST') {
      const body = request.body as { role?: unknown; content?: unknown } | undefined;
      if (body?.role !== 'user' && body?.role !== 'assistant') return error(400, "Invalid value for 'role'.", 'invalid_request_error', 'invalid_value');
      if (typeof body.content !== 'string' || body.content === '') return error(400, "Invalid 'content': expected a non-empty string.", 'invalid_request_error', null);
      created += 1;
      const last = stored.messages[stored.messages.length - 1];
      const message: StoredMessage = {
        index: stored.messages.length,
        author: body.role,
        text: body.content,
        ms: Math.max(Date.now(), (last?.ms ?? 0) + 1000),
        tieRank: 0,
        id: stableId('msg_', 9_000_000 + created),
      };
      stored.messages.push(message);
      return { status: 200, body: wire(message, stored.id) };
    }
    return error(405, `Method not allowed (${request.method} ${request.path})`, 'invalid_request_error', null);
  };

  const handle = await startSimulatorServer(route, { port: options.port });
  return {
    ...handle,
    throttle,
    conversations: { long: threads[0]!.id, empty: threads[1]!.id, forbidden: threads[2]!.id, short: threads[3]!.id },
    messageIds: (id) => (byId.get(id)?.messages ?? []).map((message) => message.id),
    env: { OPENAI_BASE_URL: `${handle.origin}/v1`, OPENAI_API_KEY: OPENAI_DEMO_KEY },
  };
}
