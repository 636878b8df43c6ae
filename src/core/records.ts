/**
 * The gateway's shared vocabulary: who asks (`Viewer`) and what the graph reads and writes
 * (conversations, messages, pages and slices of them, webhook deliveries), as every layer sees
 * them. Plain data only: this file imports nothing, so any layer may import it.
 */
/** Who an operation runs as. Built per request from headers or a JWT; never outlives it. */
export interface Viewer {
  /** Stable user id (header `x-chat-user` or JWT `sub`), 1–256 chars. */
  id: string;
  /** Role names, lower-case, e.g. `agent`. */
  roles: string[];
  email?: string;
  /** The viewer's own bearer token (JWT mode), for sources that forward it upstream. */
  token?: string;
}

export type MessageRole = 'USER' | 'ASSISTANT' | 'AGENT' | 'SYSTEM';
export type ConversationStatus = 'OPEN' | 'PENDING' | 'SNOOZED' | 'RESOLVED';
export type SenderKind = 'USER' | 'CONTACT' | 'AGENT' | 'BOT' | 'SYSTEM';

/** A conversation as the graph sees it. Times are `Date`s (upstream epoch seconds or ISO 8601). */
export interface ConversationRecord {
  /** The backend's own id: Dify UUID, Chatwoot display id (decimal string), REST conversation id. */
  externalId: string;
  title: string | null;
  status: ConversationStatus;
  /** The app's opening message (Dify `introduction`), when the backend has one. */
  introduction?: string | null;
  /** App input variables the conversation was started with (Dify `inputs`). */
  inputs?: Record<string, unknown> | null;
  /** The raw upstream status string, e.g. Dify `normal`, Chatwoot `resolved`. */
  upstreamStatus: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  /** Adapter-defined position of this item in the upstream list; passed back as `ConversationPage.after`. */
  cursorKey: string;
  /** How the support team handles it (Chatwoot, agents only); absent or null elsewhere. */
  agentState?: ConversationAgentState | null;
}

/** A support conversation's triage priority (Chatwoot `urgent|high|medium|low`). */
export type ConversationPriority = 'URGENT' | 'HIGH' | 'MEDIUM' | 'LOW';

/** A conversation's agent-side state, as the support team sees it (Chatwoot). */
export interface ConversationAgentState {
  /** Incoming messages since an agent last looked (Chatwoot counts at most 10). */
  unreadCount: number;
  /** When an agent last looked (Chatwoot `agent_last_seen_at`), or null when never. */
  lastSeenAt: Date | null;
  /** The agent it is assigned to, or null when unassigned. */
  assignee: SenderRecord | null;
  labels: string[];
  priority: ConversationPriority | null;
}

/** Who `assignConversation` assigns to: the viewer's own agent, an agent by id, or nobody. */
export type AssigneeChoice = { kind: 'viewer' } | { kind: 'agent'; externalId: string } | { kind: 'nobody' };

/** Labels to add and to remove, in one change. */
export interface LabelChange {
  add: string[];
  remove: string[];
}

/** A message's author. */
export interface SenderRecord {
  /** The backend's id of the author, unique within `kind` (and `idScope` when given); null when it gives none. */
  id: string | null;
  name: string | null;
  kind: SenderKind;
  /**
   * The backend's own author type when it numbers authors more finely than `kind` (Chatwoot:
   * `agent_bot` and `captain_assistant` are both BOT, each with its own id 1); absent otherwise.
   */
  idScope?: string | null;
}

export interface AttachmentRecord {
  id: string;
  url: string | null;
  /** Upstream file type, e.g. `image`, `document`, `file`. */
  type: string | null;
  name: string | null;
  mimeType: string | null;
  /** Size in bytes. */
  size: number | null;
}

export interface CitationRecord {
  position: number | null;
  documentName: string | null;
  content: string | null;
  score: number | null;
}

/** A message as the graph sees it, always part of one conversation. */
export interface MessageRecord {
  /**
   * Adapter-defined key, unique within the conversation and usable as a paging position
   * (`MessagePage.cursor`) and in the message's global ID. Dify: `<message id>:user|assistant`
   * (the two halves of one exchange); Chatwoot: the message id; REST: `<created_at>|<id>`.
   */
  key: string;
  /** The backend's own message id (both halves of a Dify exchange share it). */
  externalId: string;
  conversationExternalId: string;
  role: MessageRole;
  text: string | null;
  createdAt: Date | null;
  sender: SenderRecord | null;
  attachments: AttachmentRecord[];
  /** The end user's rating; `content` is their comment, when the backend keeps one. */
  feedback: { rating: 'LIKE' | 'DISLIKE'; content?: string | null } | null;
  citations: CitationRecord[];
  isPrivate: boolean;
  /** Agent steps behind an answer (Dify agent apps); absent or empty elsewhere. */
  agentThoughts?: AgentThoughtRecord[];
}

/** One step of a Dify agent answer (`agent_thoughts[]`). */
export interface AgentThoughtRecord {
  position: number | null;
  thought: string | null;
  observation: string | null;
  /** Tool name(s) the step used, e.g. `dataset_search` (Dify joins several with `;`). */
  tool: string | null;
  /** The tool input as sent upstream (usually a JSON string). */
  toolInput: string | null;
  createdAt: Date | null;
}

/** One end user's feedback on an answer, as the app's admin sees it (Dify `/app/feedbacks`). */
export interface FeedbackRecord {
  /** The backend's feedback id. */
  id: string;
  rating: 'LIKE' | 'DISLIKE';
  content: string | null;
  createdAt: Date | null;
  /** Who gave it: `user` (end user) or `admin` (Dify `from_source`). */
  fromSource: string | null;
  /** The rated message, when the upstream names it. */
  message: MessageRef | null;
}

/**
 * One curated question-and-answer pair of an app (Dify annotation, `/apps/annotations`): when
 * the app's annotation reply is on, a user question close enough to `question` is answered
 * with `answer` instead of a generated reply.
 */
export interface AnnotationRecord {
  /** The backend's annotation id (Dify: a UUID). */
  id: string;
  question: string | null;
  answer: string | null;
  /** How often the app has answered with it. */
  hitCount: number | null;
  createdAt: Date | null;
}

/** The text of an annotation as written (`createAnnotation`, `updateAnnotation`). */
export interface AnnotationText {
  question: string;
  answer: string;
}

/** A page of a page-numbered list: `page` from 1, `limit` 1–100. */
export interface NumberedPage {
  page: number;
  limit: number;
}

/** What `sendMessage` asks of a backend. */
export interface SendMessageRequest {
  /** Null starts a new conversation (where the backend can). */
  conversationExternalId: string | null;
  text: string;
  /** A private note (Chatwoot agents). */
  private: boolean;
  /** App input variables (Dify `inputs`); `{}` when none. */
  inputs: Record<string, unknown>;
  /** Files to attach, in the order given (absent or empty: none). */
  files?: readonly SendFile[];
}

/** A file sent with a message: read whole (the upload limits cap it), named and digested. */
export interface SendFile {
  /** File name without any directory part, e.g. `invoice.pdf`. */
  name: string;
  /** MIME type as the client declared it, lower case without parameters (`application/octet-stream` when none). */
  mimeType: string;
  /** Bytes. */
  size: number;
  /** Hex SHA-256 of the content (the idempotency fingerprint includes it). */
  sha256: string;
  data: Blob;
}

/** What a send created: the conversation it went to and its new messages, oldest first. */
export interface SendMessageResult {
  conversationExternalId: string;
  messages: MessageRecord[];
}

/** A streamed upstream answer, e.g. Dify `/text-to-audio`: read it once, never buffer it whole. */
export interface UpstreamStreamResult {
  /** The upstream's content type, e.g. `audio/wav`. */
  contentType: string;
  /** Declared length in bytes, when the upstream sent one. */
  contentLength: number | null;
  body: ReadableStream<Uint8Array>;
}

/** One page request on a forward-only conversation list. */
export interface ConversationPage {
  /** `cursorKey` of the last item already seen, or null for the start of the list. */
  after: string | null;
  /** Items wanted, 1–100. The adapter may return fewer only at the end of the list. */
  limit: number;
  /**
   * Filters to apply (absent: none). An adapter honours each field it is given natively or
   * answers NOT_SUPPORTED naming it; `statuses` and `updatedAfter` are also checked by the
   * gateway on every item (src/loaders/conversation-list.ts), so an adapter may leave them out.
   */
  filter?: ConversationFilter;
  /** The list's order (absent: `UPDATED_AT_DESC`); an adapter that cannot keep it answers NOT_SUPPORTED. */
  order?: ConversationOrder;
}

/** Orders of a conversation list: by last activity or by creation, newest or oldest first. */
export type ConversationOrder = 'UPDATED_AT_DESC' | 'UPDATED_AT_ASC' | 'CREATED_AT_DESC' | 'CREATED_AT_ASC';

/** Whom a conversation is assigned to, relative to the viewer (a support inbox's tabs). */
export type AssigneeFilter = 'ME' | 'UNASSIGNED' | 'ASSIGNED';

/** Conversation list filters; every field present narrows the list, absent fields do not. */
export interface ConversationFilter {
  /** Any of these statuses. */
  statuses?: ConversationStatus[];
  /** Only pinned (true) or only unpinned (false) conversations. */
  pinned?: boolean;
  assignee?: AssigneeFilter;
  /** Tagged with any of these labels. */
  labels?: string[];
  /** The backend's own text search (Chatwoot: message content). */
  search?: string;
  /** Last activity strictly after this instant. */
  updatedAfter?: Date;
}

/** Conversation counts per assignee tab for one filter (Chatwoot `GET …/conversations/meta`). */
export interface ConversationCounts {
  all: number;
  assigned: number;
  unassigned: number;
  /** Assigned to the viewer; null when the backend cannot tell for this viewer. */
  mine: number | null;
}

export interface ConversationSlice {
  /** Most recently updated first, in the upstream's own order. */
  items: ConversationRecord[];
  /** More items exist after the last one returned. */
  hasMore: boolean;
}

/**
 * One page request on a conversation's messages. Messages are ordered oldest first.
 * - `backward`: the `limit` messages just before `cursor` (or the newest ones when null).
 * - `forward`: the `limit` messages just after `cursor` (or the oldest ones when null).
 */
export interface MessagePage {
  direction: 'forward' | 'backward';
  /** A `MessageRecord.key` from this conversation, or null. */
  cursor: string | null;
  /** Messages wanted, 1–101. Adapters fill it with as many upstream calls as needed. */
  limit: number;
}

export interface MessageSlice {
  /** Oldest first. */
  messages: MessageRecord[];
  /** More messages exist beyond the slice in the direction of travel. */
  hasMore: boolean;
}

/** A reference to one message, as stored in its global ID. */
export interface MessageRef {
  conversationExternalId: string;
  key: string;
}

/** One step of a streamed reply (`streamReply`). */
export type ReplyStreamEvent =
  | { type: 'delta'; text: string }
  | { type: 'thought'; position: number | null; thought: string | null; tool: string | null; toolInput: string | null; observation: string | null }
  /** Moderation replaced the whole answer so far with `text`. */
  | { type: 'replace'; text: string }
  /** The last event: what the send stored, as `sendMessage` answers it. */
  | { type: 'completed'; result: SendMessageResult };

/** One webhook delivery as received: headers, the raw body (signatures cover its bytes) and the URL query. */
export interface WebhookRequest {
  headers: Headers;
  rawBody: string;
  query: URLSearchParams;
}

/** What one webhook delivery changed, mapped like reads. */
export interface WebhookDelivery {
  /** The upstream event name, e.g. `message_created`. */
  event: string;
  /** New messages, oldest first. */
  messages: MessageRecord[];
  /** Conversations that appeared or changed (status, title, last activity). */
  conversations: ConversationRecord[];
  /** A delivery received before (a replay): acknowledged, nothing published. */
  duplicate?: boolean;
}
