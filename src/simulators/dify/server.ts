/**
 * A Dify Service API simulator: `GET /v1/conversations` and `GET /v1/messages` over the seeded
 * data of fixtures.ts, with Dify's paging, ordering, validation and error bodies as its
 * controllers and services implement them (api/controllers/service_api/app/{conversation,
 * message}.py, api/services/{conversation,message}_service.py, api/libs/external_api.py):
 * - auth: `Authorization: Bearer <app key>`; a missing, non-Bearer or unknown key answers 401
 *   `{"code":"unauthorized",…}` with `WWW-Authenticate: Bearer realm="api"`;
 * - users are isolated: another user's conversation answers 404 "Conversation Not Exists.";
 * - `/messages`: the newest `limit` exchanges strictly older than `first_id` (by creation time),
 *   oldest first; `has_more` = older ones exist; a `first_id` outside the conversation answers
 *   404 "First Message Not Exists."; bad query args answer 422 `unprocessable_entity`;
 * - `/conversations`: sorted by `sort_by` (default `-updated_at`); `last_id` keeps the rows
 *   strictly after it in that order; an unknown `last_id` answers 404 "Last Conversation Not
 *   Exists."; bad query args answer 400 `invalid_param` (that controller validates by hand).
 * Not simulated: writes, streaming, `/files` downloads (file URLs point here but answer 404).
 * Unlike current Dify builds, which fall back to a shared default end user, a missing `user`
 * answers 400 "Arg user must be provided." (Dify's answer where `user` is required).
 */
import { createHash } from 'node:crypto';
import { startSimulatorServer, type LoggedRequest, type SimulatorReply, type StartedSimulator } from '../http-server.js';
import {
  createDifyFixtures,
  DIFY_DEMO_API_KEY,
  type DifyFixtureConversation,
  type DifyFixtureExchange,
} from './fixtures.js';

/** The Dify simulator's handle: a `StartedSimulator` that can also fail on purpose. */
export interface DifySimulator extends StartedSimulator {
  /** Answers the next `times` requests with `reply` instead of routing them (e.g. a 429 or 503). */
  injectFailure(reply: SimulatorReply, times?: number): void;
}

type Query = URLSearchParams;
type PydanticError = { type: string; loc: string[]; msg: string; input: string | undefined };

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const SORTS = ['created_at', '-created_at', 'updated_at', '-updated_at'] as const;
/** Werkzeug's NotFound text, which Dify's error handler wraps. */
const ROUTE_NOT_FOUND =
  'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.';

/**
 * Starts the simulator on loopback (`port` 0 or absent: a free port).
 * @param options.conversations seed data to serve instead of `createDifyFixtures()` (benchmarks
 *   seed one conversation of a chosen size)
 * @returns the handle; `sourceConfig` is `{ kind: 'dify', baseUrl: <origin>/v1, apiKey }`.
 */
export async function startDifySimulator(
  options: { port?: number; conversations?: DifyFixtureConversation[] } = {},
): Promise<DifySimulator> {
  const conversations = options.conversations ?? createDifyFixtures();
  const failures: SimulatorReply[] = [];
  let origin = '';
  const handle = await startSimulatorServer((request) => {
    const failure = failures.shift();
    if (failure) return failure;
    return route(request, conversations, origin);
  }, options);
  origin = handle.origin;
  return {
    ...handle,
    sourceConfig: { kind: 'dify', baseUrl: `${handle.origin}/v1`, apiKey: DIFY_DEMO_API_KEY },
    injectFailure(reply, times = 1) {
      for (let index = 0; index < times; index += 1) failures.push(reply);
    },
  };
}

type Endpoint = (query: Query, user: string, conversations: DifyFixtureConversation[], origin: string) => SimulatorReply;

const ENDPOINTS = new Map<string, Endpoint>([
  ['/v1/conversations', (query, user, conversations) => listConversations(query, user, conversations)],
  ['/v1/messages', listMessages],
]);

function route(request: LoggedRequest, conversations: DifyFixtureConversation[], origin: string): SimulatorReply {
  const endpoint = ENDPOINTS.get(request.path);
  if (!endpoint) {
    return difyError(404, 'not_found', ROUTE_NOT_FOUND);
  }
  if (request.method !== 'GET') {
    return difyError(405, 'method_not_allowed', 'The method is not allowed for the requested URL.');
  }
  const denied = checkAuth(request.headers.authorization);
  if (denied) return denied;
  const user = request.query.get('user');
  if (!user) return difyError(400, 'invalid_param', 'Arg user must be provided.');
  return endpoint(request.query, user, conversations, origin);
}

function checkAuth(header: string | undefined): SimulatorReply | undefined {
  const deny = (message: string) => difyError(401, 'unauthorized', message, { 'www-authenticate': 'Bearer realm="api"' });
  if (!header || !header.includes(' ')) return deny("Authorization header must be provided and start with 'Bearer'");
  // Python's `header.split(None, 1)`.
  const trimmed = header.trimStart();
  const scheme = trimmed.split(/\s/, 1)[0] ?? '';
  const token = trimmed.slice(scheme.length).trimStart();
  if (scheme.toLowerCase() !== 'bearer') return deny("Authorization scheme must be 'Bearer'");
  if (token !== DIFY_DEMO_API_KEY) return deny('Access token is invalid');
  return undefined;
}

function listMessages(query: Query, user: string, conversations: DifyFixtureConversation[], origin: string): SimulatorReply {
  const errors: PydanticError[] = [];
  const conversationId = uuidArg(query, 'conversation_id', errors, true);
  const firstId = uuidArg(query, 'first_id', errors, false);
  const limit = limitArg(query, errors);
  if (errors.length > 0) {
    const detail = errors.map(({ type, loc, msg }) => ({ type, loc, msg }));
    return difyError(422, 'unprocessable_entity', pythonJson(detail));
  }
  if (!conversationId) return { status: 200, body: { limit, has_more: false, data: [] } };
  const conversation = conversations.find((item) => item.id === conversationId && item.user === user);
  if (!conversation) return difyError(404, 'not_found', 'Conversation Not Exists.');
  let candidates = conversation.exchanges;
  if (firstId) {
    const first = conversation.exchanges.find((exchange) => exchange.id === firstId);
    if (!first) return difyError(404, 'not_found', 'First Message Not Exists.');
    candidates = candidates.filter((exchange) => exchange.createdAtMs < first.createdAtMs && exchange.id !== first.id);
  }
  const newestFirst = [...candidates].sort((a, b) => b.createdAtMs - a.createdAtMs).slice(0, limit + 1);
  const hasMore = newestFirst.length > limit;
  const page = newestFirst.slice(0, limit).reverse();
  return {
    status: 200,
    body: { limit, has_more: hasMore, data: page.map((exchange) => messageItem(conversation, exchange, origin)) },
  };
}

function listConversations(query: Query, user: string, conversations: DifyFixtureConversation[]): SimulatorReply {
  const errors: PydanticError[] = [];
  const lastId = uuidArg(query, 'last_id', errors, false);
  const limit = limitArg(query, errors);
  const sortBy = query.get('sort_by') ?? '-updated_at';
  if (!(SORTS as readonly string[]).includes(sortBy)) {
    const choices = SORTS.map((sort) => `'${sort}'`);
    const msg = `Input should be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
    errors.push({ type: 'literal_error', loc: ['sort_by'], msg, input: sortBy });
  }
  if (errors.length > 0) return difyError(400, 'invalid_param', pydanticMessage('ConversationListQuery', errors));
  const field = sortBy.replace('-', '') === 'created_at' ? 'createdAtMs' : 'updatedAtMs';
  const sign = sortBy.startsWith('-') ? -1 : 1;
  const own = conversations.filter((conversation) => conversation.user === user);
  let rows = [...own].sort((a, b) => sign * (a[field] - b[field]));
  if (lastId) {
    const last = own.find((conversation) => conversation.id === lastId);
    if (!last) return difyError(404, 'not_found', 'Last Conversation Not Exists.');
    rows = rows.filter((conversation) => sign * (conversation[field] - last[field]) > 0);
  }
  const page = rows.slice(0, limit);
  // Dify counts the rows after a full page instead of fetching one extra.
  const hasMore = page.length === limit && rows.length > limit;
  return { status: 200, body: { limit, has_more: hasMore, data: page.map(conversationItem) } };
}

function conversationItem(conversation: DifyFixtureConversation): Record<string, unknown> {
  return {
    id: conversation.id,
    name: conversation.name,
    inputs: conversation.inputs,
    status: conversation.status,
    introduction: conversation.introduction,
    created_at: seconds(conversation.createdAtMs),
    updated_at: seconds(conversation.updatedAtMs),
  };
}

function messageItem(
  conversation: DifyFixtureConversation,
  exchange: DifyFixtureExchange,
  origin: string,
): Record<string, unknown> {
  const index = conversation.exchanges.indexOf(exchange);
  return {
    id: exchange.id,
    conversation_id: conversation.id,
    parent_message_id: index > 0 ? conversation.exchanges[index - 1]!.id : null,
    inputs: conversation.inputs,
    query: exchange.query,
    answer: exchange.answer,
    status: 'normal',
    error: null,
    message_files: exchange.files.map((file) => ({
      id: file.id,
      filename: file.filename,
      type: file.type,
      url: signedUrl(origin, file.path, file.id, seconds(exchange.createdAtMs)),
      mime_type: file.mimeType,
      size: file.size,
      transfer_method: file.transferMethod,
      belongs_to: file.belongsTo,
      upload_file_id: file.transferMethod === 'local_file' ? file.id : null,
    })),
    feedback: exchange.feedback ? { rating: exchange.feedback } : null,
    retriever_resources: exchange.resources.map((resource) => ({
      position: resource.position,
      dataset_id: resource.datasetId,
      dataset_name: resource.datasetName,
      document_id: resource.documentId,
      document_name: resource.documentName,
      data_source_type: 'upload_file',
      segment_id: resource.segmentId,
      score: resource.score,
      content: resource.content,
    })),
    agent_thoughts: [],
    created_at: seconds(exchange.createdAtMs),
    extra_contents: [],
  };
}

function signedUrl(origin: string, path: string, id: string, timestamp: number): string {
  const nonce = createHash('sha256').update(`nonce:${id}`).digest('hex').slice(0, 32);
  const sign = createHash('sha256').update(`${path}|${timestamp}|${nonce}`).digest('base64url');
  return `${origin}${path}?timestamp=${timestamp}&nonce=${nonce}&sign=${sign}`;
}

function uuidArg(query: Query, name: string, errors: PydanticError[], required: boolean): string | null {
  const value = query.get(name);
  if (value === null) {
    if (required) errors.push({ type: 'missing', loc: [name], msg: 'Field required', input: undefined });
    return null;
  }
  if (value === '') return null;
  if (!UUID.test(value)) {
    errors.push({ type: 'value_error', loc: [name], msg: 'Value error, must be a valid UUID', input: value });
    return null;
  }
  // Dify normalizes through uuid.UUID: lower-case, dashed.
  const hex = value.replaceAll('-', '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function limitArg(query: Query, errors: PydanticError[]): number {
  const raw = query.get('limit');
  if (raw === null) return 20;
  const fail = (type: string, msg: string) => errors.push({ type, loc: ['limit'], msg, input: raw });
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) {
    fail('int_parsing', 'Input should be a valid integer, unable to parse string as an integer');
    return 20;
  }
  const limit = Number(raw);
  if (limit < 1) fail('greater_than_equal', 'Input should be greater than or equal to 1');
  if (limit > 100) fail('less_than_equal', 'Input should be less than or equal to 100');
  return limit;
}

function difyError(status: number, code: string, message: string, headers?: Record<string, string>): SimulatorReply {
  return { status, body: { code, message, status }, headers };
}

/** `str(ValidationError)` as pydantic 2 prints it. */
function pydanticMessage(model: string, errors: PydanticError[]): string {
  const head = `${errors.length} validation error${errors.length === 1 ? '' : 's'} for ${model}`;
  const lines = errors.map(
    (error) =>
      `${error.loc.join('.')}\n  ${error.msg} [type=${error.type}, input_value='${error.input ?? ''}', input_type=str]\n` +
      `    For further information visit https://errors.pydantic.dev/2.11/v/${error.type}`,
  );
  return [head, ...lines].join('\n');
}

/** Python's `json.dumps` spacing (`", "` and `": "`), which Dify uses for 422 details. */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${pythonJson(item)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
