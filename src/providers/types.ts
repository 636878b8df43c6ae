/**
 * The one contract between the graph and the backends. A provider adapter knows one backend:
 * its endpoints, auth, paging and error bodies. It never sees GraphQL; the schema layer never
 * sees HTTP. Adding a backend means adding `src/providers/<kind>/` and registering it.
 */
import type { Logger } from 'pino';
import type { SharedCache } from '../cache.js';
import type { z } from 'zod';
import type { CircuitBreakerConfig } from './circuit-breaker.js';
import type { RequestScope, UpstreamClient, UpstreamClientOptions } from './http.js';
import type { RequestMemo } from './request-memo.js';

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
}

export interface SenderRecord {
  id: string | null;
  name: string | null;
  kind: SenderKind;
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

/** What a backend can do; the graph answers `NOT_SUPPORTED` instead of guessing. */
export interface AdapterCapabilities {
  /** The source can list the viewer's conversations (false: open by id only). */
  listConversations: boolean;
  /** Writes and management reads the backend has (absent = false). The methods of the same names exist when true. */
  rateMessage?: boolean;
  renameConversation?: boolean;
  deleteConversation?: boolean;
  sendMessage?: boolean;
  /** `sendMessage` without a conversation starts a new one. */
  startConversation?: boolean;
  setConversationStatus?: boolean;
  transcribeAudio?: boolean;
  listFeedbacks?: boolean;
  suggestedQuestions?: boolean;
  textToAudio?: boolean;
}

/** A capability flag naming a write or management read. */
export type AdapterCapability = Exclude<keyof AdapterCapabilities, 'listConversations'>;

/** A reference to one message, as stored in its global ID. */
export interface MessageRef {
  conversationExternalId: string;
  key: string;
}

/**
 * A configured source, ready to serve reads. Every method runs as `viewer` and applies that
 * viewer's scope; an item the viewer may not see is reported exactly like one that does not
 * exist. Methods throw `UpstreamError` (src/providers/errors.ts), never a raw HTTP error.
 *
 * Reads take an optional `memo` (request-memo.ts): the request's per-source memo, present when
 * the read serves a GraphQL request, so that reads of one request can share upstream walks;
 * `memo.scope` is that request's deadline and call budget. Writes and management reads take the
 * request's `RequestScope` (http.ts) as their last argument instead. Adapters hand the scope to
 * every upstream call they make for the method; without one (live pollers, webhooks,
 * subscriptions) calls have no request deadline and count against no budget.
 */
export interface ProviderAdapter {
  readonly capabilities: AdapterCapabilities;
  /** Lists conversations, most recently updated first. Throws `NOT_SUPPORTED` when it cannot. */
  listConversations(viewer: Viewer, page: ConversationPage, memo?: RequestMemo): Promise<ConversationSlice>;
  /**
   * Loads conversations by external id, for a DataLoader: the result has one slot per id in
   * key order, holding the record, `null` (absent or not the viewer's) or an `Error`.
   */
  getConversations(
    viewer: Viewer,
    externalIds: readonly string[],
    memo?: RequestMemo,
  ): Promise<Array<ConversationRecord | null | Error>>;
  /** Reads one page of a conversation's messages. A missing or foreign conversation → `NOT_FOUND`. */
  listMessages(viewer: Viewer, conversationExternalId: string, page: MessagePage, memo?: RequestMemo): Promise<MessageSlice>;
  /** Loads messages by reference, in key order like `getConversations`. */
  getMessages(viewer: Viewer, refs: readonly MessageRef[], memo?: RequestMemo): Promise<Array<MessageRecord | null | Error>>;
  /**
   * The backend's own spelling of a conversation id as a client typed it (e.g. a Dify UUID in
   * lower case), or null when it cannot name any conversation; no upstream call. Adapters that
   * define it let the graph open a conversation by id without reading its record when no
   * selected field needs it, trusting `listMessages` to answer `NOT_FOUND` for a missing or
   * foreign one.
   */
  canonicalConversationId?(externalId: string): string | null;
  /**
   * `rateMessage`: sets (`rating` null clears) the viewer's rating of an assistant message.
   * @throws GatewayError NOT_FOUND (absent or foreign), BAD_USER_INPUT, RATE_LIMITED, UPSTREAM_*
   */
  rateMessage?(
    viewer: Viewer,
    ref: MessageRef,
    rating: 'LIKE' | 'DISLIKE' | null,
    content: string | null,
    scope?: RequestScope,
  ): Promise<void>;
  /** Renames a conversation (or has the backend generate a name); answers the renamed record when the upstream gives it. */
  renameConversation?(
    viewer: Viewer,
    conversationExternalId: string,
    rename: { name: string | null; autoGenerate: boolean },
    scope?: RequestScope,
  ): Promise<ConversationRecord | null>;
  /** Deletes a conversation for the viewer. */
  deleteConversation?(viewer: Viewer, conversationExternalId: string, scope?: RequestScope): Promise<void>;
  /** Sends a message as the viewer. Never retried. @throws FORBIDDEN when this viewer may not send here */
  sendMessage?(viewer: Viewer, request: SendMessageRequest, scope?: RequestScope): Promise<SendMessageResult>;
  /**
   * Checks, without sending, what `sendMessage` checks before its upstream call: that this
   * viewer may make this send now. An idempotent replay runs it, so a stored result never
   * reaches a viewer who has since lost the right (e.g. an agent's private note).
   * @throws GatewayError like `sendMessage` (NOT_FOUND, FORBIDDEN, NOT_SUPPORTED)
   */
  authorizeSend?(viewer: Viewer, request: SendMessageRequest, scope?: RequestScope): Promise<void>;
  /** Sets a conversation's status (`snoozedUntil` only with SNOOZED). @throws FORBIDDEN for viewers without the right */
  setConversationStatus?(
    viewer: Viewer,
    conversationExternalId: string,
    status: ConversationStatus,
    snoozedUntil: Date | null,
    scope?: RequestScope,
  ): Promise<void>;
  /** Speech to text of an uploaded audio file. */
  transcribeAudio?(viewer: Viewer, file: Blob & { name?: string }, scope?: RequestScope): Promise<string>;
  /** Every end user's feedback on the app, newest first. @throws FORBIDDEN for viewers without the admin role */
  listFeedbacks?(viewer: Viewer, page: NumberedPage, scope?: RequestScope): Promise<{ items: FeedbackRecord[]; hasMore: boolean }>;
  /** Suggested follow-up questions after an assistant message. @throws NOT_SUPPORTED when the feature is off */
  suggestedQuestions?(viewer: Viewer, ref: MessageRef, scope?: RequestScope): Promise<string[]>;
  /** Speech of an assistant message, streamed. @throws NOT_FOUND when the message is not the viewer's */
  textToAudio?(viewer: Viewer, ref: MessageRef, scope?: RequestScope): Promise<UpstreamStreamResult>;
  /** Releases connection pools. Called once at shutdown. */
  close(): Promise<void>;
  /**
   * Backends that push (Chatwoot webhooks): authenticates and parses one delivery to
   * `POST /webhooks/{sourceId}`. Absent when the source is polled instead (src/live/poller.ts).
   * @throws GatewayError UNAUTHENTICATED for a delivery that fails authentication (HTTP 401),
   *   BAD_USER_INPUT for a body that is not a webhook payload (HTTP 400)
   */
  receiveWebhook?(request: WebhookRequest): Promise<WebhookDelivery>;
  /**
   * `assistantReply`: sends like `sendMessage`, streaming the answer as it is written; ends with
   * one `completed` event. Aborting `signal` (or ending the iteration early) stops the upstream
   * generation. Never retried.
   * @throws GatewayError like `sendMessage`; UPSTREAM_ERROR when the generation fails midway
   */
  streamReply?(viewer: Viewer, request: SendMessageRequest, signal: AbortSignal): AsyncIterable<ReplyStreamEvent>;
  /** Whether live events of private notes may reach this viewer (reads apply the same rule). Absent: never. */
  seesPrivateNotes?(viewer: Viewer): boolean;
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

/** What an adapter tells the gateway about its HTTP client: its credentials and error bodies. */
export type SourceHttpOptions = Pick<UpstreamClientOptions, 'headers' | 'mapError'>;

/** Services shared by every adapter, created once per source by the gateway and injected. */
export interface AdapterServices {
  logger: Logger;
  /**
   * Creates this source's HTTP client: pooled, with the source's time-outs, retries and size cap,
   * behind the source's circuit breaker (which the gateway reports at `/ready`). The adapter
   * adds only its credentials and error mapping. Clients made by one source share its breaker.
   */
  http(options: SourceHttpOptions): UpstreamClient;
  /**
   * The cross-request cache, its keys already prefixed with the source id. Shared between
   * replicas when Redis is configured; put nothing in it that belongs to one request.
   */
  cache: SharedCache;
}

/**
 * A backend kind: the zod shape of its own config keys and a factory for adapters. The keys
 * every source has (`SourceCommonConfig`) are validated centrally in src/config.ts and merged in.
 */
export interface ProviderKind<S extends z.ZodRawShape = z.ZodRawShape> {
  /** The config `kind` value, e.g. `dify`. */
  readonly kind: string;
  /** GraphQL `SourceKind` enum value, e.g. `DIFY` (upper case; the enum is built from the registered kinds). */
  readonly graphKind: string;
  /** Description of the `SourceKind` value, e.g. `A Dify app (Service API).` */
  readonly description?: string;
  /** Kind-specific config keys, e.g. `{ apiKey: z.string() }`. */
  readonly configShape: S;
  create(config: z.infer<z.ZodObject<S>> & SourceCommonConfig, services: AdapterServices): ProviderAdapter;
}

/** Config keys every source has (validated in src/config.ts). Durations in milliseconds. */
export interface SourceCommonConfig {
  id: string;
  kind: string;
  baseUrl: string;
  /** Per upstream attempt: the default of the connect, headers and body time-outs. Default 10 000 ms. */
  timeoutMs: number;
  /** Connect time-out; defaults to `timeoutMs`. */
  connectTimeoutMs?: number;
  /** From request sent to response headers; defaults to `timeoutMs`. */
  headersTimeoutMs?: number;
  /** Whole body read (and longest gap between chunks); defaults to `timeoutMs`. */
  bodyTimeoutMs?: number;
  /** Extra attempts for idempotent reads. Default 2. */
  retries: number;
  /** First back-off before a retry, doubled each time, jittered. Default 100 ms. */
  retryBackoffMs?: number;
  /** Longest single wait before a retry; a longer `Retry-After` is answered as RATE_LIMITED. Default 2 000 ms. */
  retryMaxWaitMs?: number;
  /** Largest upstream response body read, in bytes. Default 10 MiB. */
  maxResponseBytes: number;
  /** Circuit-breaker thresholds; defaults in src/providers/circuit-breaker.ts. */
  circuitBreaker?: CircuitBreakerConfig;
  /** Poll interval of live updates for sources that do not push. Default 5 000 ms. */
  pollIntervalMs?: number;
  /** Time-out of one write (a blocking send waits for the model), ms; not cut by the request deadline. Default 120 000. */
  sendTimeoutMs?: number;
}
