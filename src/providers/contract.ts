/**
 * The one contract between the graph and the backends. A provider adapter knows one backend:
 * its endpoints, auth, paging and error bodies. It never sees GraphQL; the schema layer never
 * sees HTTP. Adding a backend means adding `src/providers/<kind>/` and registering it.
 */
import type { Logger } from 'pino';
import type { SharedCache } from '../core/cache.js';
import { z } from 'zod';
import { circuitBreakerSchema } from '../upstream/circuit-breaker.js';
import type { RequestScope } from '../upstream/request-scope.js';
import type { UpstreamClient, UpstreamClientOptions } from '../upstream/http.js';
import type { RequestMemo } from '../upstream/request-memo.js';
import { upstreamOptionsShape, type UpstreamOptions } from '../upstream/options.js';
import type { ProviderKindId } from './kinds.js';
import type {
  ConversationCounts,
  ConversationFilter,
  ConversationPage,
  ConversationRecord,
  ConversationSlice,
  ConversationStatus,
  AssigneeChoice,
  ConversationPriority,
  LabelChange,
  SenderRecord,
  FeedbackRecord,
  AnnotationRecord,
  AnnotationText,
  MessagePage,
  MessageRecord,
  MessageRef,
  MessageSlice,
  NumberedPage,
  ReplyStreamEvent,
  SendMessageRequest,
  SendMessageResult,
  UpstreamStreamResult,
  Viewer,
  WebhookDelivery,
  WebhookRequest,
} from '../core/records.js';
import type { AppPart, AppParts, ConversationVariableRecord, ConversationVariableSlice } from '../core/app-records.js';

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
  /** `sendMessage` takes files (`SendMessageRequest.files`); without it a send with files is NOT_SUPPORTED. */
  sendFiles?: boolean;
  setConversationStatus?: boolean;
  /** Agent actions on support conversations (Chatwoot). */
  assignConversation?: boolean;
  changeConversationLabels?: boolean;
  setConversationPriority?: boolean;
  markConversationRead?: boolean;
  /** The support team's agents can be listed (for `assignConversation`). */
  listAgents?: boolean;
  transcribeAudio?: boolean;
  listFeedbacks?: boolean;
  /** The app's curated Q&A pairs (Dify annotations), for the admin role: list, create, update, delete. */
  listAnnotations?: boolean;
  createAnnotation?: boolean;
  updateAnnotation?: boolean;
  deleteAnnotation?: boolean;
  suggestedQuestions?: boolean;
  textToAudio?: boolean;
  /** The app's description and start screen (`app`). */
  app?: boolean;
  /** Per-conversation app variables: reading them, and setting one. */
  listConversationVariables?: boolean;
  updateConversationVariable?: boolean;
  /** Conversation counts per assignee tab (`countConversations`). */
  countConversations?: boolean;
}

/** A capability flag naming a write or management read. */
export type AdapterCapability = Exclude<keyof AdapterCapabilities, 'listConversations'>;

/**
 * A configured source, ready to serve reads. Every method runs as `viewer` and applies that
 * viewer's scope; an item the viewer may not see is reported exactly like one that does not
 * exist. Methods throw `GatewayError` (src/core/errors.ts), never a raw HTTP error.
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
  /**
   * Lists conversations, most recently updated first (or in `page.order`), filtered by
   * `page.filter`. Throws `NOT_SUPPORTED` when it cannot list, or cannot honour a filter field or
   * the order it was given (`filterNotSupported`, src/core/conversation-filter.ts): a filter is
   * applied upstream or refused, never dropped.
   */
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
  /**
   * Sends a message as the viewer, with `request.files` where `capabilities.sendFiles`. Never
   * retried; with files, nothing is sent when one of them cannot be passed on.
   * @throws FORBIDDEN when this viewer may not send here
   */
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
  /**
   * Assigns a conversation to the viewer's own agent, an agent of the backend by its id, or nobody.
   * @throws GatewayError FORBIDDEN for viewers without the right (or, assigning to themselves,
   *   without an agent of their own); BAD_USER_INPUT for an id that is no agent; NOT_FOUND
   */
  assignConversation?(viewer: Viewer, conversationExternalId: string, assignee: AssigneeChoice, scope?: RequestScope): Promise<void>;
  /**
   * Adds and removes labels against the current list.
   * @returns the conversation's labels afterwards (a backend may drop labels it does not define)
   * @throws GatewayError FORBIDDEN for viewers without the right; NOT_FOUND
   */
  changeConversationLabels?(viewer: Viewer, conversationExternalId: string, change: LabelChange, scope?: RequestScope): Promise<string[]>;
  /** Sets (null clears) a conversation's priority. @throws GatewayError FORBIDDEN for viewers without the right; NOT_FOUND */
  setConversationPriority?(viewer: Viewer, conversationExternalId: string, priority: ConversationPriority | null, scope?: RequestScope): Promise<void>;
  /**
   * Marks a conversation read by the support team (its unread count drops to 0). Backends do not
   * announce this change themselves (Chatwoot writes it without callbacks, so no webhook): the
   * graph publishes `conversationUpdated` for it.
   * @throws GatewayError FORBIDDEN for viewers without the right; NOT_FOUND
   */
  markConversationRead?(viewer: Viewer, conversationExternalId: string, scope?: RequestScope): Promise<void>;
  /**
   * The backend's agents, as authors (kind AGENT): whom a conversation can be assigned to.
   * @throws GatewayError FORBIDDEN for viewers who are not agents
   */
  listAgents?(viewer: Viewer, scope?: RequestScope): Promise<SenderRecord[]>;
  /** Speech to text of an uploaded audio file. */
  transcribeAudio?(viewer: Viewer, file: Blob & { name?: string }, scope?: RequestScope): Promise<string>;
  /** Every end user's feedback on the app, newest first. @throws FORBIDDEN for viewers without the admin role */
  listFeedbacks?(viewer: Viewer, page: NumberedPage, scope?: RequestScope): Promise<{ items: FeedbackRecord[]; hasMore: boolean }>;
  /**
   * The app's annotations, newest first, those whose question or answer contains `keyword`
   * when given; `total` is the backend's count of matches, when it gives one.
   * @throws GatewayError FORBIDDEN for viewers without the admin role
   */
  listAnnotations?(
    viewer: Viewer,
    page: NumberedPage & { keyword: string | null },
    scope?: RequestScope,
  ): Promise<{ items: AnnotationRecord[]; hasMore: boolean; total: number | null }>;
  /** Adds an annotation; answers it as stored. Never retried. @throws FORBIDDEN for viewers without the admin role */
  createAnnotation?(viewer: Viewer, text: AnnotationText, scope?: RequestScope): Promise<AnnotationRecord>;
  /** Replaces an annotation's question and answer; answers it as stored. @throws FORBIDDEN, NOT_FOUND (absent) */
  updateAnnotation?(viewer: Viewer, annotationExternalId: string, text: AnnotationText, scope?: RequestScope): Promise<AnnotationRecord>;
  /** Deletes an annotation. @throws FORBIDDEN, NOT_FOUND (absent, or deleted already) */
  deleteAnnotation?(viewer: Viewer, annotationExternalId: string, scope?: RequestScope): Promise<void>;
  /**
   * Checks, without a call, what every annotation method checks first: that this viewer may
   * manage the app's annotations. An idempotent replay of `createAnnotation` runs it.
   * @throws GatewayError FORBIDDEN
   */
  authorizeAnnotations?(viewer: Viewer): void;
  /** Suggested follow-up questions after an assistant message. @throws NOT_SUPPORTED when the feature is off */
  suggestedQuestions?(viewer: Viewer, ref: MessageRef, scope?: RequestScope): Promise<string[]>;
  /** Speech of an assistant message, streamed. @throws NOT_FOUND when the message is not the viewer's */
  textToAudio?(viewer: Viewer, ref: MessageRef, scope?: RequestScope): Promise<UpstreamStreamResult>;
  /**
   * One part of the app behind the source (its start screen, name, tool icons, web app
   * settings), the same for every viewer: cached per source, never per viewer.
   * @throws GatewayError from that part's upstream endpoint (UPSTREAM_*, RATE_LIMITED)
   */
  app?<P extends AppPart>(part: P, scope?: RequestScope): Promise<AppParts[P]>;
  /**
   * A page of the variables the app keeps for one of the viewer's conversations, oldest first:
   * `first` after the variable `afterId` (null: from the start).
   * @throws GatewayError NOT_FOUND (absent or foreign conversation)
   */
  listConversationVariables?(
    viewer: Viewer,
    conversationExternalId: string,
    page: { afterId: string | null; first: number },
    scope?: RequestScope,
  ): Promise<ConversationVariableSlice>;
  /**
   * Sets a variable (by its backend id or its name) of one of the viewer's conversations; answers
   * the variable as stored. Never retried.
   * @throws GatewayError NOT_FOUND (absent or foreign), BAD_USER_INPUT (a value of the wrong type)
   */
  updateConversationVariable?(
    viewer: Viewer,
    conversationExternalId: string,
    variable: { externalId: string } | { name: string },
    value: unknown,
    scope?: RequestScope,
  ): Promise<ConversationVariableRecord>;
  /**
   * `Source.conversationCounts`: how many of the viewer's conversations `filter` selects, per
   * assignee tab.
   * @throws GatewayError NOT_SUPPORTED for a filter the backend cannot count by, FORBIDDEN for viewers without the right
   */
  countConversations?(viewer: Viewer, filter: ConversationFilter, scope?: RequestScope): Promise<ConversationCounts>;
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
  /**
   * The viewer's access class: viewers with the same class see exactly the same conversations,
   * messages and fields of this source (e.g. Chatwoot: every agent sees the whole account, a
   * contact only their own). The gateway shares access checks and live executions within a
   * class (src/loaders/shared-access.ts, src/plugins/use-shared-live-execution.ts). No upstream
   * call. Absent: each viewer (id and roles) is a class of its own.
   */
  accessClass?(viewer: Viewer): string;
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
 * every source has (`SourceCommonConfig`) are validated centrally in src/config/config.ts and merged in.
 */
export interface ProviderKind<S extends z.ZodRawShape = z.ZodRawShape> {
  /**
   * The config `kind` value, e.g. `dify`: its folder's name, listed in kinds.ts with its
   * `SourceKind` enum value and description.
   */
  readonly kind: ProviderKindId;
  /** Kind-specific config keys, e.g. `{ apiKey: z.string() }`. */
  readonly configShape: S;
  create(config: z.infer<z.ZodObject<S>> & SourceCommonConfig, services: AdapterServices): ProviderAdapter;
  /**
   * Checks across this kind's keys that no single key's schema can make (e.g. a template naming
   * a setting that is not there). Adds one issue per problem, its path relative to the source;
   * runs once the source's keys have parsed.
   */
  readonly refineConfig?: (config: z.infer<z.ZodObject<S>>, ctx: z.RefinementCtx) => void;
  /**
   * When a source of this config sends the viewer's own bearer token upstream: the key that
   * makes it do so and how it reads (e.g. `{ key: 'access', setting: 'access "forward"' }`);
   * config validation then requires `auth.mode: jwt` with an audience. Absent or undefined: never.
   */
  readonly forwardsViewerToken?: (config: z.infer<z.ZodObject<S>>) => { key: string; setting: string } | undefined;
}

/**
 * Keys every source has, validated centrally in src/config/config.ts and merged with its
 * kind's `configShape`. Durations in milliseconds.
 */
export const sourceCommonShape = {
  /** `Source.name`, `extensions.sourceId`, part of every global ID. */
  id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must match ^[a-z][a-z0-9-]{0,31}$'),
  /** URL, time-outs, retries and size cap: src/upstream/options.ts. */
  ...upstreamOptionsShape,
  /** While someone subscribes, how often a source that does not push is polled, ms. @default 5000 */
  pollIntervalMs: z.number().int().min(10).max(3_600_000).default(5_000),
  /** Per-source circuit breaker (src/upstream/circuit-breaker.ts). */
  circuitBreaker: circuitBreakerSchema,
};

/**
 * A source's common keys as an adapter receives them (inferred from `sourceCommonShape`, plus
 * its `kind`). Keys with a default may be absent when a test builds an adapter without config.
 */
export type SourceCommonConfig = UpstreamOptions &
  Pick<z.output<z.ZodObject<typeof sourceCommonShape>>, 'id'> &
  Partial<Pick<z.output<z.ZodObject<typeof sourceCommonShape>>, 'pollIntervalMs' | 'circuitBreaker'>> & { kind: string };

/** One configured source, ready to serve. */
export interface SourceEntry {
  /** The config `id`: `Source.name`, `extensions.sourceId`, part of every global ID. */
  id: string;
  /** The config `kind`, e.g. `dify`. */
  kind: string;
  /** The `SourceKind` enum value, e.g. `DIFY`. */
  graphKind: string;
  adapter: ProviderAdapter;
}
