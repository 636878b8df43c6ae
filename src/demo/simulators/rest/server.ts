/**
 * A real HTTP simulator of the generic REST chat-history API (seed 002), on loopback:
 * - `GET /v1/chat/history?conversation_id&limit&before|after&include_meta`: newest first;
 *   `before=T` → the `limit` newest messages created strictly before T; `after=T` → the `limit`
 *   messages immediately after T (the next page forward), still listed newest first;
 *   `pagination.next_cursor` = the oldest returned message's timestamp (DESIGN §6), `has_more`
 *   = more exist beyond the page in the direction asked; `metadata` only with `include_meta=true`.
 * - `GET /v1/chat/conversations?limit&before` and `GET /v1/chat/conversations/{id}`: the
 *   gateway's listing contract (see
 *   src/providers/rest/index.ts), most recently updated first, `before` exclusive on `updated_at`.
 * Every answer uses the envelope `{ status, message, data, pagination? }`; errors are the
 * documented `{ status: "error", message, data: null }` with 400/401/404.
 */
import { startSimulatorServer, type LoggedRequest, type SimulatorReply, type StartedSimulator } from '../http-server.js';
import { buildRestFixtures, REST_DEMO_TOKEN, type RestSimConversation, type RestSimMessage } from './fixtures.js';

export { REST_DEMO_CONVERSATION_ID, REST_DEMO_TOKEN, REST_DEMO_USER } from './fixtures.js';

/** Options of `startRestSimulator`; everything defaults to the demo data set. */
export interface RestSimulatorOptions {
  /** Port to bind on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Data to serve instead of `buildRestFixtures()` (tests use it for edge cases). */
  conversations?: RestSimConversation[];
  /** Accepted bearer token. @default REST_DEMO_TOKEN */
  token?: string;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function failure(status: number, message: string): SimulatorReply {
  return { status, body: { status: 'error', message, data: null } };
}

const MISSING_AUTH = failure(401, 'Missing or invalid Authorization header.');
const BOTH_CURSORS = failure(400, 'Invalid query parameter: before and after cannot both be set.');

/** Parses `limit` (default 20); null when it is not an integer in 1–100. */
function parseLimit(query: URLSearchParams): number | null {
  const raw = query.get('limit');
  if (raw === null || raw === '') return DEFAULT_LIMIT;
  if (!/^\d+$/.test(raw)) return null;
  const limit = Number(raw);
  return limit >= 1 && limit <= MAX_LIMIT ? limit : null;
}

/** Parses an optional ISO timestamp parameter to epoch ms; `NaN` when present but invalid. */
function parseTime(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  return ISO.test(raw) ? Date.parse(raw) : Number.NaN;
}

const LIMIT_ERROR = failure(400, 'Invalid query parameter: limit must be an integer between 1 and 100.');

function wire(message: RestSimMessage, includeMeta: boolean): Record<string, unknown> {
  const { metadata, ...rest } = message;
  return includeMeta ? { ...rest, metadata } : rest;
}

function history(conversations: Map<string, RestSimConversation>, query: URLSearchParams): SimulatorReply {
  const conversationId = query.get('conversation_id');
  if (!conversationId) return failure(400, 'Missing required query parameter: conversation_id.');
  const limit = parseLimit(query);
  if (limit === null) return LIMIT_ERROR;
  if (query.has('before') && query.has('after')) return BOTH_CURSORS;
  const before = parseTime(query, 'before');
  const after = parseTime(query, 'after');
  if (Number.isNaN(before)) return failure(400, 'Invalid query parameter: before must be an ISO 8601 timestamp.');
  if (Number.isNaN(after)) return failure(400, 'Invalid query parameter: after must be an ISO 8601 timestamp.');
  const conversation = conversations.get(conversationId);
  if (!conversation) return failure(404, `Conversation not found: ${conversationId}.`);
  const includeMeta = ['true', '1'].includes(query.get('include_meta') ?? '');

  // Stored oldest first; a stable sort keeps same-second messages in the order they were written.
  const ordered = [...conversation.messages].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
  let page: RestSimMessage[];
  let hasMore: boolean;
  if (after !== undefined) {
    const newer = ordered.filter((message) => Date.parse(message.created_at) > after);
    page = newer.slice(0, limit).reverse();
    hasMore = newer.length > limit;
  } else {
    const older = ordered.filter((message) => before === undefined || Date.parse(message.created_at) < before).reverse();
    page = older.slice(0, limit);
    hasMore = older.length > limit;
  }
  const oldest = page[page.length - 1];
  return {
    status: 200,
    body: {
      status: 'success',
      message: 'Chat history retrieved successfully.',
      data: { conversation_id: conversation.id, messages: page.map((message) => wire(message, includeMeta)) },
      pagination: { limit, ...(oldest ? { next_cursor: oldest.created_at } : {}), has_more: hasMore },
    },
  };
}

/** A conversation as the listing contract shows it. */
function summary(conversation: RestSimConversation) {
  const times = conversation.messages.map((message) => message.created_at).sort();
  return {
    id: conversation.id,
    title: conversation.title,
    status: conversation.status,
    created_at: times[0] ?? null,
    updated_at: times[times.length - 1] ?? '2026-01-01T00:00:00Z',
  };
}

/** `GET /v1/chat/conversations/{id}`: one conversation of the listing contract, 404 when unknown. */
function oneConversation(conversations: Map<string, RestSimConversation>, id: string): SimulatorReply {
  const conversation = conversations.get(id);
  if (!conversation) return failure(404, `Conversation not found: ${id}.`);
  return {
    status: 200,
    body: { status: 'success', message: 'Conversation retrieved successfully.', data: { conversation: summary(conversation) } },
  };
}

function listing(conversations: Map<string, RestSimConversation>, query: URLSearchParams): SimulatorReply {
  const limit = parseLimit(query);
  if (limit === null) return LIMIT_ERROR;
  const before = parseTime(query, 'before');
  if (Number.isNaN(before)) return failure(400, 'Invalid query parameter: before must be an ISO 8601 timestamp.');
  const items = [...conversations.values()]
    .map(summary)
    .filter((item) => before === undefined || Date.parse(item.updated_at) < before)
    .sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at));
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return {
    status: 200,
    body: {
      status: 'success',
      message: 'Conversations retrieved successfully.',
      data: { conversations: page },
      pagination: { limit, ...(last ? { next_cursor: last.updated_at } : {}), has_more: items.length > limit },
    },
  };
}

/**
 * Starts the simulator. `sourceConfig` is `{ kind: 'rest', baseUrl: origin + '/v1', token,
 * conversationsPath: '/chat/conversations' }`.
 * @throws when the port cannot be bound
 */
export async function startRestSimulator(options: RestSimulatorOptions = {}): Promise<StartedSimulator> {
  const token = options.token ?? REST_DEMO_TOKEN;
  const conversations = new Map((options.conversations ?? buildRestFixtures()).map((item) => [item.id, item]));
  const route = (request: LoggedRequest): SimulatorReply => {
    if (!request.path.startsWith('/v1/')) return failure(404, 'Not found.');
    if (request.headers.authorization !== `Bearer ${token}`) return MISSING_AUTH;
    if (request.method !== 'GET') return failure(405, 'Method not allowed.');
    if (request.path === '/v1/chat/history') return history(conversations, request.query);
    if (request.path === '/v1/chat/conversations') return listing(conversations, request.query);
    if (request.path.startsWith('/v1/chat/conversations/')) {
      return oneConversation(conversations, decodeURIComponent(request.path.slice('/v1/chat/conversations/'.length)));
    }
    return failure(404, 'Not found.');
  };
  const handle = await startSimulatorServer(route, { port: options.port });
  return {
    ...handle,
    sourceConfig: { kind: 'rest', baseUrl: `${handle.origin}/v1`, token, conversationsPath: '/chat/conversations' },
  };
}
