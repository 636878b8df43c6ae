/**
 * HTTP calls to one Chatwoot account's Application API (`baseUrl` is the site root, paths
 * start `/api/v1/accounts/{accountId}`), authenticated with the `api_access_token` header,
 * and the mapping of Chatwoot's error bodies to gateway error codes.
 */
import { GatewayError } from '../../core/errors.js';
import { defaultError, type UpstreamErrorResponse } from '../../upstream/responses.js';
import { type RequestScope } from '../../upstream/request-scope.js';
import type { AdapterServices, SourceCommonConfig } from '../contract.js';
import {
  chatwootContactConversationsSchema,
  chatwootContactSearchSchema,
  chatwootConversationListSchema,
  chatwootConversationMetaSchema,
  chatwootConversationSchema,
  chatwootProfileSchema,
  chatwootMessageListSchema,
  chatwootMessageSchema,
  chatwootToggleStatusSchema,
  chatwootAgentListSchema,
  chatwootLabelsSchema,
  type ChatwootAgent,
  type ChatwootLabels,
  type ChatwootMessage,
  type ChatwootToggleStatus,
  type ChatwootContactConversations,
  type ChatwootContactSearch,
  type ChatwootConversation,
  type ChatwootConversationList,
  type ChatwootConversationMeta,
  type ChatwootProfile,
  type ChatwootMessageList,
} from './schemas.js';

/** Chatwoot's fixed page sizes (not configurable per request). */
export const CHATWOOT_PAGE = {
  /** `GET /conversations?page=N`. */
  conversations: 25,
  /** `GET /contacts/search?page=N`. */
  contacts: 15,
  /** `GET /messages` without params or with `before`. */
  messagesBefore: 20,
  /** `GET /messages?after=ID`. */
  messagesAfter: 100,
  /** `GET /messages?after=A&before=B`. */
  messagesBetween: 1000,
  /** `GET /contacts/{id}/conversations`. */
  contactConversations: 20,
} as const;

/** Config keys of a chatwoot source. */
export interface ChatwootSourceConfig extends SourceCommonConfig {
  accountId: number;
  apiAccessToken: string;
}

/**
 * The calls the adapter makes. Every method throws `GatewayError` (see `mapChatwootError`). The
 * last argument, `scope`, is the GraphQL request the call serves (its deadline for reads, its
 * call budget for every call); background work passes none.
 */
export interface ChatwootClient {
  /**
   * `GET /api/v1/accounts/{a}/conversations?status&assignee_type&q&labels[]&page=N`: 25
   * conversations a page (page from 1), most recent `last_activity_at` first, limited to the
   * token owner's inboxes. `status` defaults to `all` here (Chatwoot's own default shows `open`
   * only). `data.meta.all_count` is the total before the assignee filter.
   */
  listConversations(page: number, filters: ChatwootListFilters, scope?: RequestScope): Promise<ChatwootConversationList>;
  /**
   * `GET /api/v1/accounts/{a}/conversations/meta?status&q&labels[]`: `{ meta: { mine_count,
   * unassigned_count, assigned_count, all_count } }` for the list those filters give (no
   * assignee filter; "mine" is the token owner's).
   */
  conversationCounts(filters: Omit<ChatwootListFilters, 'assignee_type'>, scope?: RequestScope): Promise<ChatwootConversationMeta>;
  /** `GET /api/v1/profile`: the token owner (`id`, `email`). */
  profile(scope?: RequestScope): Promise<ChatwootProfile>;
  /**
   * `GET /api/v1/accounts/{a}/conversations/{displayId}`: one conversation.
   * @throws GatewayError NOT_FOUND when it does not exist or the token may not see it.
   */
  getConversation(displayId: number, scope?: RequestScope): Promise<ChatwootConversation>;
  /**
   * `GET /api/v1/accounts/{a}/conversations/{displayId}/messages`, ascending by creation:
   * no params → the newest 20; `before` → the 20 with smaller ids; `after` → up to 100 with
   * larger ids; both → ids in [after, before), up to 1000. Private notes included.
   * @throws GatewayError NOT_FOUND when the conversation does not exist or is not visible.
   */
  listMessages(displayId: number, params: { before?: number; after?: number }, scope?: RequestScope): Promise<ChatwootMessageList>;
  /**
   * `GET /api/v1/accounts/{a}/contacts/search?q&page=N`: 15 contacts a page whose name,
   * email, phone number or identifier CONTAINS `q` (the caller checks for an exact match).
   */
  searchContacts(q: string, page: number, scope?: RequestScope): Promise<ChatwootContactSearch>;
  /**
   * `GET /api/v1/accounts/{a}/contacts/{contactId}/conversations`: the contact's conversations,
   * no paging: at most the 20 most recently created ones are visible this way (newest id first).
   * @throws GatewayError NOT_FOUND when the contact does not exist.
   */
  contactConversations(contactId: number, scope?: RequestScope): Promise<ChatwootContactConversations>;
  /**
   * `POST /api/v1/accounts/{a}/conversations/{displayId}/messages` `{ content, message_type:
   * outgoing, private }`: the created message. Never retried. With `attachments` the body is
   * `multipart/form-data` with one `attachments[]` part per file, as Chatwoot's own dashboard
   * sends it (swagger.json documents only the JSON body; `Messages::MessageBuilder`
   * `process_attachments` reads `params[:attachments]`), and the answer lists them.
   * @throws GatewayError NOT_FOUND (absent, or a policy denial 401), UPSTREAM_ERROR (422)
   */
  createMessage(
    displayId: number,
    message: { content: string; private: boolean; attachments?: ReadonlyArray<{ name: string; data: Blob }> },
    scope?: RequestScope,
  ): Promise<ChatwootMessage>;
  /**
   * `POST /api/v1/accounts/{a}/conversations/{displayId}/toggle_status` `{ status, snoozed_until }`
   * (`snoozed_until` epoch seconds) → `{ meta, payload: { success, conversation_id, current_status } }`.
   * Never retried.
   */
  toggleStatus(displayId: number, status: string, snoozedUntil: number | null, scope?: RequestScope): Promise<ChatwootToggleStatus>;
  /** `GET /api/v1/accounts/{a}/agents`: every agent of the account (swagger `list-all-account-agents`), not paged. */
  listAgents(scope?: RequestScope): Promise<ChatwootAgent[]>;
  /** `GET /api/v1/accounts/{a}/conversations/{displayId}/labels` → `{ payload: [label] }`. */
  listLabels(displayId: number, scope?: RequestScope): Promise<ChatwootLabels>;
  /**
   * `POST /api/v1/accounts/{a}/conversations/{displayId}/labels` `{ labels }`: REPLACES the whole
   * list (swagger `conversation-add-labels`) and answers the list kept. Current Chatwoot keeps only
   * labels defined in the account (LabelConcern#valid_labels). Never retried.
   */
  setLabels(displayId: number, labels: string[], scope?: RequestScope): Promise<ChatwootLabels>;
  /**
   * `POST /api/v1/accounts/{a}/conversations/{displayId}/assignments` `{ assignee_id }`: assigns
   * the agent, or unassigns with `null` (Conversations::AssignmentService finds no user, so the
   * assignee becomes nil; the answer is `null`). Never retried.
   */
  assign(displayId: number, agentId: number | null, scope?: RequestScope): Promise<void>;
  /**
   * `POST /api/v1/accounts/{a}/conversations/{displayId}/toggle_priority` `{ priority }`: sets it,
   * or clears it with `null` (`Conversation#toggle_priority` stores `priority.presence`). 200 with
   * no body. Never retried.
   */
  togglePriority(displayId: number, priority: string | null, scope?: RequestScope): Promise<void>;
  /**
   * `POST /api/v1/accounts/{a}/conversations/{displayId}/update_last_seen`: sets
   * `agent_last_seen_at` to now, so `unread_count` drops to 0 (ConversationsController#update_last_seen;
   * the swagger documents only the public API's route of that name). Never retried.
   */
  updateLastSeen(displayId: number, scope?: RequestScope): Promise<void>;
  close(): Promise<void>;
}

/** A message create as multipart: Rails reads `private` as the string `true`/`false`. */
function messageForm(content: string, isPrivate: boolean, attachments: ReadonlyArray<{ name: string; data: Blob }>): FormData {
  const form = new FormData();
  form.set('content', content);
  form.set('message_type', 'outgoing');
  form.set('private', String(isPrivate));
  for (const file of attachments) form.append('attachments[]', file.data, file.name);
  return form;
}

/**
 * Filters of the account's conversation list, as Chatwoot's `ConversationFinder` reads them
 * (app/finders/conversation_finder.rb): `status` one of open, resolved, pending, snoozed, all
 * (ignored when `q` is given); `assignee_type` me (the token owner), unassigned, assigned,
 * all; `q` a case-insensitive substring of an incoming or outgoing message; `labels` any of.
 */
export interface ChatwootListFilters {
  status: string;
  assignee_type?: string;
  q?: string;
  labels?: readonly string[];
}

/** The account prefix of every endpoint template (metrics, traces). */
const ACCOUNT = '/api/v1/accounts/:accountId';

/**
 * Creates the client of one Chatwoot source on the source's injected HTTP factory (pool,
 * time-outs, retries, circuit breaker). The token goes into the headers only.
 */
export function createChatwootClient(config: ChatwootSourceConfig, createHttp: AdapterServices['http']): ChatwootClient {
  const http = createHttp({
    headers: { api_access_token: config.apiAccessToken },
    mapError: (answer) => mapChatwootError(config.id, answer),
  });
  const account = `/api/v1/accounts/${config.accountId}`;
  return {
    listConversations: (page, filters, scope) =>
      http.getJson(
        {
          path: `${account}/conversations`,
          query: { status: filters.status, assignee_type: filters.assignee_type, q: filters.q, 'labels[]': filters.labels, page },
          endpoint: `${ACCOUNT}/conversations`,
        },
        chatwootConversationListSchema,
        scope,
      ),
    conversationCounts: (filters, scope) =>
      http.getJson(
        {
          path: `${account}/conversations/meta`,
          query: { status: filters.status, q: filters.q, 'labels[]': filters.labels },
          endpoint: `${ACCOUNT}/conversations/meta`,
        },
        chatwootConversationMetaSchema,
        scope,
      ),
    profile: (scope) => http.getJson({ path: '/api/v1/profile', endpoint: '/api/v1/profile' }, chatwootProfileSchema, scope),
    getConversation: (displayId, scope) => http.getJson(
        { path: `${account}/conversations/${displayId}`, endpoint: `${ACCOUNT}/conversations/:id` },
        chatwootConversationSchema,
        scope,
      ),
    listMessages: (displayId, params, scope) =>
      http.getJson(
        {
          path: `${account}/conversations/${displayId}/messages`,
          query: { before: params.before, after: params.after },
          endpoint: `${ACCOUNT}/conversations/:id/messages`,
        },
        chatwootMessageListSchema,
        scope,
      ),
    searchContacts: (q, page, scope) => http.getJson(
        { path: `${account}/contacts/search`, query: { q, page }, endpoint: `${ACCOUNT}/contacts/search` },
        chatwootContactSearchSchema,
        scope,
      ),
    contactConversations: (contactId, scope) =>
      http.getJson(
        { path: `${account}/contacts/${contactId}/conversations`, endpoint: `${ACCOUNT}/contacts/:id/conversations` },
        chatwootContactConversationsSchema,
        scope,
      ),
    createMessage: async (displayId, message, scope) =>
      (await http.send(
        {
          method: 'POST',
          path: `${account}/conversations/${displayId}/messages`,
          endpoint: `${ACCOUNT}/conversations/:id/messages`,
          ...(message.attachments?.length
            ? { form: messageForm(message.content, message.private, message.attachments) }
            : { json: { content: message.content, message_type: 'outgoing', private: message.private } }),
        },
        chatwootMessageSchema,
        scope,
      )) as ChatwootMessage,
    toggleStatus: async (displayId, status, snoozedUntil, scope) =>
      (await http.send(
        {
          method: 'POST',
          path: `${account}/conversations/${displayId}/toggle_status`,
          endpoint: `${ACCOUNT}/conversations/:id/toggle_status`,
          json: snoozedUntil === null ? { status } : { status, snoozed_until: snoozedUntil },
        },
        chatwootToggleStatusSchema,
        scope,
      )) as ChatwootToggleStatus,
    listAgents: (scope) => http.getJson({ path: `${account}/agents`, endpoint: `${ACCOUNT}/agents` }, chatwootAgentListSchema, scope),
    listLabels: (displayId, scope) =>
      http.getJson(
        { path: `${account}/conversations/${displayId}/labels`, endpoint: `${ACCOUNT}/conversations/:id/labels` },
        chatwootLabelsSchema,
        scope,
      ),
    setLabels: async (displayId, labels, scope) =>
      (await http.send(
        { method: 'POST', path: `${account}/conversations/${displayId}/labels`, endpoint: `${ACCOUNT}/conversations/:id/labels`, json: { labels } },
        chatwootLabelsSchema,
        scope,
      )) as ChatwootLabels,
    assign: async (displayId, agentId, scope) => {
      await http.send(
        {
          method: 'POST',
          path: `${account}/conversations/${displayId}/assignments`,
          endpoint: `${ACCOUNT}/conversations/:id/assignments`,
          json: { assignee_id: agentId },
        },
        null,
        scope,
      );
    },
    togglePriority: async (displayId, priority, scope) => {
      await http.send(
        {
          method: 'POST',
          path: `${account}/conversations/${displayId}/toggle_priority`,
          endpoint: `${ACCOUNT}/conversations/:id/toggle_priority`,
          json: { priority },
        },
        null,
        scope,
      );
    },
    updateLastSeen: async (displayId, scope) => {
      await http.send(
        {
          method: 'POST',
          path: `${account}/conversations/${displayId}/update_last_seen`,
          endpoint: `${ACCOUNT}/conversations/:id/update_last_seen`,
        },
        null,
        scope,
      );
    },
    close: () => http.close(),
  };
}

/**
 * 401 `{"error"}` answers that are about the gateway's token or account, not about one record:
 * an unknown token, a token without access to the account, a bot token on an agent endpoint.
 */
const CREDENTIAL_ERRORS = new Set([
  'Invalid Access Token',
  'You are not authorized to access this account',
  'Access to this endpoint is not authorized for bots',
]);

/**
 * Chatwoot's error bodies → gateway codes (DESIGN §5). 401 `{"errors": […]}` (no usable token)
 * and the account-level 401 `{"error"}` messages are the gateway's credentials → UPSTREAM_ERROR;
 * any other 401 `{"error"}` is Pundit refusing one record → NOT_FOUND, like a 404. Everything
 * else (429 plain text, 5xx) takes the default mapping. Never echoes a body or the token.
 */
export function mapChatwootError(sourceId: string, answer: UpstreamErrorResponse): GatewayError | undefined {
  if (answer.status === 404) return new GatewayError('NOT_FOUND', 'not found', { sourceId, status: 404 });
  if (answer.status !== 401) return undefined;
  const body = answer.body as { error?: unknown } | undefined;
  const message = body && typeof body === 'object' && typeof body.error === 'string' ? body.error : undefined;
  if (message !== undefined && !CREDENTIAL_ERRORS.has(message)) {
    return new GatewayError('NOT_FOUND', 'not found', { sourceId, status: 401 });
  }
  return defaultError(sourceId, answer);
}
