/**
 * The Dify simulator's read endpoints and JSON renderings, as Dify's controllers and services
 * implement them (api/controllers/service_api/app/{conversation,message}.py,
 * api/services/{conversation,message}_service.py):
 * - `/messages`: the newest `limit` exchanges strictly older than `first_id` (by creation time),
 *   oldest first; `has_more` = older ones exist; a `first_id` outside the conversation answers
 *   404 "First Message Not Exists."; bad query args answer 422 `unprocessable_entity`;
 * - `/conversations`: sorted by `sort_by` (default `-updated_at`); `last_id` keeps the rows
 *   strictly after it in that order; an unknown `last_id` answers 404 "Last Conversation Not
 *   Exists."; bad query args answer 400 `invalid_param` (that controller validates by hand).
 */
import { createHash } from 'node:crypto';
import type { SimulatorReply } from '../http-server.js';
import type { DifyFixtureConversation, DifyFixtureExchange } from './fixtures.js';
import { ownConversation, type DifyCall } from './state.js';
import { difyError, limitArg, pydanticMessage, seconds, unprocessable, uuidArg, type PydanticError } from './validation.js';

const SORTS = ['created_at', '-created_at', 'updated_at', '-updated_at'] as const;

/** `GET /messages?conversation_id&user&first_id&limit`. */
export function listMessages({ request, user, state }: DifyCall): SimulatorReply {
  const query = request.query;
  const errors: PydanticError[] = [];
  const conversationId = uuidArg(query, 'conversation_id', errors, true);
  const firstId = uuidArg(query, 'first_id', errors, false);
  const limit = limitArg(query, errors);
  if (errors.length > 0) return unprocessable(errors);
  if (!conversationId) return { status: 200, body: { limit, has_more: false, data: [] } };
  const conversation = ownConversation(state, user, conversationId);
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
    body: { limit, has_more: hasMore, data: page.map((exchange) => messageItem(conversation, exchange, state.origin)) },
  };
}

/** `GET /conversations?user&last_id&limit&sort_by`. */
export function listConversations({ request, user, state }: DifyCall): SimulatorReply {
  const query = request.query;
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
  const own = state.conversations.filter((conversation) => conversation.user === user);
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

/** A conversation as `simple_conversation_fields` renders it (list items, the rename answer). */
export function conversationItem(conversation: DifyFixtureConversation): Record<string, unknown> {
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

/** One `/messages` item: the exchange with its files, feedback, citations and agent thoughts. */
export function messageItem(
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
    status: exchange.status ?? 'normal',
    error: exchange.error ?? null,
    message_files: exchange.files.map((file) => ({
      id: file.id,
      filename: file.filename,
      type: file.type,
      url: signedUrl(origin, file.path, file.id, seconds(exchange.createdAtMs)),
      mime_type: file.mimeType,
      size: file.size,
      transfer_method: file.transferMethod,
      belongs_to: file.belongsTo,
      upload_file_id: file.transferMethod === 'local_file' ? (file.uploadFileId ?? file.id) : null,
    })),
    feedback: exchange.feedback ? { rating: exchange.feedback } : null,
    retriever_resources: exchange.resources.map(retrieverResource),
    agent_thoughts: (exchange.agentThoughts ?? []).map((thought) => ({
      id: thought.id,
      chain_id: null,
      message_id: exchange.id,
      position: thought.position,
      thought: thought.thought,
      tool: thought.tool,
      tool_labels: thought.tool ? { [thought.tool]: { en_US: thought.tool.replaceAll('_', ' ') } } : {},
      tool_input: thought.toolInput,
      observation: thought.observation,
      files: [],
      created_at: seconds(thought.createdAtMs),
    })),
    created_at: seconds(exchange.createdAtMs),
    extra_contents: [],
  };
}

/** A citation as messages and `message_end` metadata render it. */
export function retrieverResource(resource: DifyFixtureExchange['resources'][number]): Record<string, unknown> {
  return {
    position: resource.position,
    dataset_id: resource.datasetId,
    dataset_name: resource.datasetName,
    document_id: resource.documentId,
    document_name: resource.documentName,
    data_source_type: 'upload_file',
    segment_id: resource.segmentId,
    score: resource.score,
    content: resource.content,
  };
}

/** A file URL signed the way Dify signs its file previews (`timestamp`, `nonce`, `sign`). */
export function signedUrl(origin: string, path: string, id: string, timestamp: number): string {
  const nonce = createHash('sha256').update(`nonce:${id}`).digest('hex').slice(0, 32);
  const sign = createHash('sha256').update(`${path}|${timestamp}|${nonce}`).digest('base64url');
  return `${origin}${path}?timestamp=${timestamp}&nonce=${nonce}&sign=${sign}`;
}
