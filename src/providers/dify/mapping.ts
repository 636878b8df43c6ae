/**
 * Pure mapping of Dify payloads to the graph's records (DESIGN §4 "Mapping rules"). One Dify
 * record is one exchange (`query` + `answer`); the graph shows it as two messages, the USER
 * half first, whose keys are `<message id>:u` and `<message id>:a`.
 */
import type { AgentThoughtRecord, AnnotationRecord, AttachmentRecord, CitationRecord, ConversationRecord, ConversationStatus, FeedbackRecord, MessageRecord } from '../../core/records.js';
import type {
  DifyAgentThought,
  DifyAnnotation,
  DifyAppFeedback,
  DifyChatCompletion,
  DifyConversation,
  DifyMessage,
  DifyMessageFile,
  DifyRetrieverResource,
} from './schemas.js';

/** Which half of an exchange a message is. */
export type DifyHalf = 'u' | 'a';

/** A parsed message key. */
export interface DifyMessageKey {
  /** The Dify message (exchange) id, lower-case UUID. */
  id: string;
  half: DifyHalf;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The canonical (lower-case) form of a Dify id, or null when it is not a UUID. Dify answers a
 * non-UUID id with 422, so the adapter treats such ids as absent without asking.
 */
export function normalizeDifyId(id: string): string | null {
  return UUID.test(id) ? id.toLowerCase() : null;
}

/** `<message id>:u` or `<message id>:a`. */
export function formatMessageKey(key: DifyMessageKey): string {
  return `${key.id}:${key.half}`;
}

/** Parses a key made by `formatMessageKey`; null when malformed. */
export function parseMessageKey(key: string): DifyMessageKey | null {
  const match = /^([^:]+):([ua])$/.exec(key);
  const id = match?.[1] ? normalizeDifyId(match[1]) : null;
  return id && match ? { id, half: match[2] as DifyHalf } : null;
}

/** Epoch seconds → Date; null for absent or non-finite values. */
export function fromEpochSeconds(seconds: number | null | undefined): Date | null {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000) : null;
}

/**
 * Dify conversation status → graph status. Dify writes `normal` only; `archived` (named by
 * third-party docs of older builds) means the conversation is closed, so it maps to RESOLVED.
 * Anything else, known or not, is OPEN: an unknown value must never fail a read.
 */
export function mapConversationStatus(status: string | null | undefined): ConversationStatus {
  return status?.toLowerCase() === 'archived' ? 'RESOLVED' : 'OPEN';
}

/** A listed Dify conversation → record. `cursorKey` is the id (Dify pages by `last_id`). */
export function mapConversation(conversation: DifyConversation): ConversationRecord {
  return {
    externalId: conversation.id,
    title: conversation.name ? conversation.name : null,
    status: mapConversationStatus(conversation.status),
    upstreamStatus: conversation.status ?? null,
    createdAt: fromEpochSeconds(conversation.created_at),
    updatedAt: fromEpochSeconds(conversation.updated_at),
    cursorKey: conversation.id,
    introduction: conversation.introduction ?? null,
    inputs: conversation.inputs ?? null,
  };
}

/**
 * A conversation known only from its newest exchanges (Dify has no get-one-conversation call):
 * no title, no raw status, `updatedAt` = the newest exchange's time, `createdAt` = the oldest
 * exchange's time only when `reachedStart` says no older exchange exists.
 * @param exchanges exchanges of the conversation, in any order
 */
export function mapProbedConversation(
  conversationId: string,
  exchanges: readonly DifyMessage[],
  reachedStart: boolean,
): ConversationRecord {
  const times = exchanges.map((exchange) => exchange.created_at);
  return {
    externalId: conversationId,
    title: null,
    status: 'OPEN',
    upstreamStatus: null,
    createdAt: reachedStart && times.length > 0 ? fromEpochSeconds(Math.min(...times)) : null,
    updatedAt: times.length > 0 ? fromEpochSeconds(Math.max(...times)) : null,
    cursorKey: conversationId,
  };
}

/** What the mapping needs besides the exchange itself. */
export interface ExchangeContext {
  /** The conversation the graph asked for (keys and IDs are built from it). */
  conversationId: string;
  /** The Dify `user` the read ran as: the USER half's sender id. */
  upstreamUser: string;
}

/**
 * One exchange → its two messages, USER half then ASSISTANT half. Files go to the half named
 * by `belongs_to` (a missing `belongs_to` counts as the user's upload); feedback and retriever
 * resources belong to the answer.
 */
export function mapExchange(exchange: DifyMessage, context: ExchangeContext): [MessageRecord, MessageRecord] {
  const createdAt = fromEpochSeconds(exchange.created_at);
  const files = exchange.message_files;
  // Plain literals with every field in MessageRecord's order: every record then shares one
  // V8 shape, so the resolvers reading them stay monomorphic (spreading a shared base did not).
  const user: MessageRecord = {
    key: `${exchange.id}:u`,
    externalId: exchange.id,
    conversationExternalId: context.conversationId,
    role: 'USER',
    text: exchange.query ?? null,
    createdAt,
    sender: { id: context.upstreamUser, name: null, kind: 'USER' },
    attachments: files ? filesOf(files, 'user') : [],
    feedback: null,
    citations: [],
    isPrivate: false,
  };
  const assistant: MessageRecord = {
    key: `${exchange.id}:a`,
    externalId: exchange.id,
    conversationExternalId: context.conversationId,
    role: 'ASSISTANT',
    text: exchange.answer ?? null,
    createdAt,
    sender: { id: null, name: null, kind: 'BOT' },
    attachments: files ? filesOf(files, 'assistant') : [],
    feedback: mapFeedback(exchange.feedback?.rating, exchange.feedback?.content),
    citations: exchange.retriever_resources ? exchange.retriever_resources.map(mapCitation) : [],
    isPrivate: false,
    agentThoughts: exchange.agent_thoughts ? exchange.agent_thoughts.map(mapAgentThought) : [],
  };
  return [user, assistant];
}

/** The files of one half; a missing `belongs_to` counts as the user's upload. */
function filesOf(files: readonly DifyMessageFile[], half: 'user' | 'assistant'): AttachmentRecord[] {
  const attachments: AttachmentRecord[] = [];
  for (const file of files) if ((file.belongs_to ?? 'user') === half) attachments.push(mapFile(file));
  return attachments;
}

/** Exchanges (oldest first) → messages (oldest first), two per exchange. */
export function mapExchanges(exchanges: readonly DifyMessage[], context: ExchangeContext): MessageRecord[] {
  const messages: MessageRecord[] = [];
  for (const exchange of exchanges) {
    const [user, assistant] = mapExchange(exchange, context);
    messages.push(user, assistant);
  }
  return messages;
}

function mapFeedback(rating: string | null | undefined, content?: string | null): MessageRecord['feedback'] {
  if (rating === 'like') return { rating: 'LIKE', content: content ?? null };
  if (rating === 'dislike') return { rating: 'DISLIKE', content: content ?? null };
  return null;
}

/** An agent step → record (epoch seconds → Date). */
export function mapAgentThought(thought: DifyAgentThought): AgentThoughtRecord {
  return {
    position: thought.position ?? null,
    thought: thought.thought ?? null,
    observation: thought.observation ?? null,
    tool: thought.tool ? thought.tool : null,
    toolInput: thought.tool_input ? thought.tool_input : null,
    createdAt: fromEpochSeconds(thought.created_at),
  };
}

/**
 * A blocking `/chat-messages` answer → the exchange it created, as `GET /messages` would show
 * it (the query comes from the request; files and feedback are empty on a fresh exchange).
 */
export function mapCompletion(completion: DifyChatCompletion, query: string, upstreamUser: string): [MessageRecord, MessageRecord] {
  const exchange: DifyMessage = {
    id: completion.message_id,
    query,
    answer: completion.answer ?? null,
    message_files: [],
    feedback: null,
    retriever_resources: completion.metadata?.retriever_resources ?? [],
    created_at: completion.created_at ?? Math.floor(Date.now() / 1000),
  };
  return mapExchange(exchange, { conversationId: completion.conversation_id, upstreamUser });
}

/** An `/app/feedbacks` row → record; null for a row without a rating. */
export function mapAppFeedback(row: DifyAppFeedback): FeedbackRecord | null {
  const rating = row.rating === 'like' ? 'LIKE' : row.rating === 'dislike' ? 'DISLIKE' : null;
  if (!rating) return null;
  const createdAt =
    typeof row.created_at === 'number' ? fromEpochSeconds(row.created_at) : row.created_at ? new Date(row.created_at) : null;
  const conversationId = row.conversation_id ? normalizeDifyId(row.conversation_id) : null;
  const messageId = row.message_id ? normalizeDifyId(row.message_id) : null;
  return {
    id: row.id,
    rating,
    content: row.content ?? null,
    createdAt: createdAt && !Number.isNaN(createdAt.getTime()) ? createdAt : null,
    fromSource: row.from_source ?? null,
    message:
      conversationId && messageId
        ? { conversationExternalId: conversationId, key: formatMessageKey({ id: messageId, half: 'a' }) }
        : null,
  };
}

/** An `/apps/annotations` item → record (ids lower-cased like every Dify UUID). */
export function mapAnnotation(item: DifyAnnotation): AnnotationRecord {
  return {
    id: normalizeDifyId(item.id) ?? item.id,
    question: item.question ?? null,
    answer: item.answer ?? null,
    hitCount: item.hit_count ?? null,
    createdAt: fromEpochSeconds(item.created_at),
  };
}

function mapFile(file: DifyMessageFile): AttachmentRecord {
  return {
    id: file.id,
    url: file.url ?? null,
    type: file.type ?? null,
    name: file.filename ?? null,
    mimeType: file.mime_type ?? null,
    size: file.size ?? null,
  };
}

function mapCitation(resource: DifyRetrieverResource): CitationRecord {
  return {
    position: resource.position ?? null,
    documentName: resource.document_name ?? null,
    content: resource.content ?? null,
    score: resource.score ?? null,
  };
}
