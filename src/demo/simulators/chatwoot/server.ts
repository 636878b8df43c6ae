/**
 * A Chatwoot Application API simulator over real HTTP, for demo mode and adapter tests. It
 * serves the read endpoints the gateway uses with Chatwoot's own behaviour, read from its
 * source: `api_access_token` auth with the real 401 bodies, account membership, inbox-based
 * access (401 `{"error"}` for a conversation outside the agent's inboxes), the status filter
 * that hides everything but `open` unless `status=all`, pages of 25 conversations and 15
 * contacts, message pages of 20 (`before`, none) and 100 (`after`), a substring contact search,
 * at most 20 conversations per contact, and an optional Rack::Attack-style plain-text 429.
 * The list's filters (`status`, `assignee_type`, `labels[]`, `q`), its counts (`…/conversations/meta`)
 * and the token owner's `GET /api/v1/profile` follow Chatwoot's ConversationFinder.
 * Writes (writes.ts): new messages and private notes, `toggle_status`; agent actions
 * (agent-actions.ts): assignments, labels, priority, `update_last_seen`, and `GET /agents`. Webhooks (webhooks.ts):
 * signed or unsigned account webhooks to a URL that can be set after start. Demo mode's
 * simulated other side (auto-reply.ts) answers messages sent through the API.
 */
import { startSimulatorServer, type LoggedRequest, type SimulatorReply, type StartedSimulator } from '../http-server.js';
import {
  CHATWOOT_DEMO_ACCOUNT_ID,
  CHATWOOT_DEMO_TOKEN,
  createChatwootFixture,
  type ChatwootFixture,
  type SimConversation,
  type SimMessage,
  type SimUser,
} from './fixtures.js';
import { createAutoReply, type ChatwootAutoReplyOptions } from './auto-reply.js';
import { createViews } from './views.js';
import { createWebhookSender, createWebhookViews, type ChatwootWebhookDelivery, type ChatwootWebhookTarget } from './webhooks.js';
import { createMessage, toggleStatus, type ChatwootWriteContext } from './writes.js';
import { assign, listLabels, setLabels, togglePriority, updateLastSeen } from './agent-actions.js';
import { formBody, isMultipart, UNPROCESSABLE_FORM } from './files.js';

export type { ChatwootAutoReplyOptions } from './auto-reply.js';
export type { ChatwootWebhookDelivery, ChatwootWebhookTarget } from './webhooks.js';

export {
  CHATWOOT_AGENT_TOKEN,
  CHATWOOT_BUSY_CONVERSATION_ID,
  CHATWOOT_DEMO_ACCOUNT_ID,
  CHATWOOT_DEMO_IDENTIFIER,
  CHATWOOT_DEMO_OWNER_EMAIL,
  CHATWOOT_DEMO_TOKEN,
  CHATWOOT_LONG_CONVERSATION_ID,
} from './fixtures.js';

/** Chatwoot's fixed page sizes. */
export const CHATWOOT_PAGE_SIZES = { conversations: 25, contacts: 15, messagesBefore: 20, messagesAfter: 100, contactConversations: 20 } as const;

/** Options of `startChatwootSimulator`. */
export interface ChatwootSimulatorOptions {
  /** Port to listen on; 0 or absent picks a free one. */
  port?: number;
  /**
   * Throttle every request like Chatwoot's Rack::Attack `req/ip` rule: at most `limit` per fixed
   * window of `periodSeconds`, then 429 `Retry later` as text/plain. Rack::Attack only sends a
   * `Retry-After` header when configured to (`retryAfterHeader`). Off by default.
   */
  rateLimit?: { limit: number; periodSeconds: number; retryAfterHeader?: boolean };
  /** Account webhook to post events to (also settable later with `setWebhook`). Off by default. */
  webhook?: ChatwootWebhookTarget;
  /** Demo mode: the other side answers messages sent through the API. Off by default. */
  autoReply?: ChatwootAutoReplyOptions;
}

/** A running simulator plus its data and a switch for simulated outages. */
export interface ChatwootSimulator extends StartedSimulator {
  /** The seeded account it serves (tests derive expectations from it). */
  data: ChatwootFixture;
  /** While set, every request answers this HTTP status (e.g. 503 from the load balancer). */
  setOutage(status: number | null): void;
  /** Sets (or clears with `null`) the account webhook: URL plus optional signing secret. */
  setWebhook(target: ChatwootWebhookTarget | null): void;
  /** Every webhook delivery attempted, oldest first. */
  webhookDeliveries: ChatwootWebhookDelivery[];
  /** Resolves when every webhook queued so far has been attempted. */
  webhooksIdle(): Promise<void>;
  /** Switches the simulated other side's replies on (options) or off (`null`). */
  setAutoReply(options: ChatwootAutoReplyOptions | null): void;
}

/** `POST …/conversations/{id}/<action>` handlers by action. */
const WRITES: Record<string, (ctx: ChatwootWriteContext, user: SimUser, conversation: SimConversation, body: Record<string, unknown>) => SimulatorReply> = {
  messages: createMessage,
  toggle_status: toggleStatus,
  assignments: assign,
  labels: setLabels,
  toggle_priority: togglePriority,
  update_last_seen: (ctx, _user, conversation) => updateLastSeen(ctx, conversation),
};

const NOT_FOUND: SimulatorReply = { status: 404, body: { error: 'Resource could not be found' } };
const NOT_AUTHORIZED: SimulatorReply = { status: 401, body: { error: 'You are not authorized to do this action' } };

/** Starts the simulator on loopback; `sourceConfig` points a `chatwoot` source at it with the admin token. */
export async function startChatwootSimulator(options: ChatwootSimulatorOptions = {}): Promise<ChatwootSimulator> {
  const data = createChatwootFixture();
  let views: ReturnType<typeof createViews> | undefined;
  let writes: ChatwootWriteContext | undefined;
  let outage: number | null = null;
  let clock = 0;
  const webhooks = createWebhookSender(options.webhook ?? null);
  const window = { key: -1, count: 0 };

  function throttled(): SimulatorReply | undefined {
    const limit = options.rateLimit;
    if (!limit) return undefined;
    const now = Math.floor(Date.now() / 1000);
    const key = Math.floor(now / limit.periodSeconds);
    if (window.key !== key) Object.assign(window, { key, count: 0 });
    window.count += 1;
    if (window.count <= limit.limit) return undefined;
    const headers: Record<string, string> = limit.retryAfterHeader
      ? { 'retry-after': String(limit.periodSeconds - (now % limit.periodSeconds)) }
      : {};
    return { status: 429, body: 'Retry later\n', headers };
  }

  function route(request: LoggedRequest): SimulatorReply | Promise<SimulatorReply> {
    // The load balancer answers before Rails (and Rack::Attack) ever sees the request.
    if (outage !== null) return { status: outage, body: `<html><body><h1>${outage} Service Temporarily Unavailable</h1></body></html>` };
    const limited = throttled();
    if (limited) return limited;
    if (request.method === 'GET' && request.path === '/api/v1/profile') return profile(request);
    const match = /^\/api\/v1\/accounts\/([^/]+)\/(conversations|contacts|agents)(?:\/([^/]+))?(?:\/([a-z_]+))?$/.exec(request.path);
    const isWrite = request.method === 'POST' && match?.[2] === 'conversations' && match[4] !== undefined && Object.hasOwn(WRITES, match[4]);
    if ((request.method !== 'GET' && !isWrite) || !match) return { status: 404, body: "The page you were looking for doesn't exist." };
    const [, accountParam, resource, id, nested] = match;
    // Devise answers when no token is present at all; a present but unknown token is Chatwoot's own check.
    const token = headerValue(request.headers['api_access_token']).trim();
    if (!token) return { status: 401, body: { errors: ['You need to sign in or sign up before continuing.'] } };
    const user = data.users.find((candidate) => candidate.token === token);
    if (!user) return { status: 401, body: { error: 'Invalid Access Token' } };
    if (rubyToI(accountParam) !== data.accountId) return NOT_FOUND;
    if (isWrite) {
      // A message with attachments comes as multipart (files.ts); everything else as JSON.
      if (isMultipart(request)) return formBody(request).then((body) => (body ? writeRoute(user, id!, nested!, body) : UNPROCESSABLE_FORM));
      return writeRoute(user, id!, nested!, request.body);
    }
    if (resource === 'conversations' && id === undefined && nested === undefined) return listConversations(user, request.query);
    if (resource === 'conversations' && id === 'meta' && nested === undefined) return conversationCounts(user, request.query);
    if (resource === 'conversations' && id !== undefined) return conversationRoute(user, id, nested, request.query);
    if (resource === 'contacts' && id === 'search' && nested === undefined) return searchContacts(request.query);
    if (resource === 'contacts' && id !== undefined && nested === 'conversations') return contactConversations(user, id);
    if (resource === 'agents' && id === undefined) return { status: 200, body: data.users.map((agent) => views!.user(agent)) };
    return { status: 404, body: "The page you were looking for doesn't exist." };
  }

  /**
   * Chatwoot's `ConversationFinder#set_up` (app/finders/conversation_finder.rb): the user's
   * inboxes, then `status` (default `open`, `all` for every status) unless `q` is given, `labels`
   * (tagged with any of them) and `q` (an ILIKE substring of an incoming or outgoing message).
   * The counts are taken here, before the assignee filter.
   */
  function findConversations(user: SimUser, query: URLSearchParams): { scoped: SimConversation[]; counts: Record<string, number> } {
    const status = query.get('status') || 'open';
    const q = query.get('q');
    const labels = [...query.getAll('labels[]'), ...query.getAll('labels')].filter((label) => label !== '');
    let scoped = data.conversations.filter((c) => user.inboxIds.includes(c.inboxId));
    if (status !== 'all' && q === null) scoped = scoped.filter((c) => c.status === status);
    if (labels.length > 0) scoped = scoped.filter((c) => c.labels.some((label) => labels.includes(label)));
    if (q !== null) {
      const ilike = likePattern(q, 'i');
      const matching = new Set(
        data.messages.filter((m) => (m.messageType === 0 || m.messageType === 1) && ilike.test(m.content)).map((m) => m.conversationId),
      );
      scoped = scoped.filter((c) => matching.has(c.id));
    }
    const unassigned = scoped.filter((c) => c.assigneeId === null).length;
    const counts = {
      mine_count: scoped.filter((c) => c.assigneeId === user.id).length,
      assigned_count: scoped.length - unassigned,
      unassigned_count: unassigned,
      all_count: scoped.length,
    };
    return { scoped, counts };
  }

  /** `GET …/conversations/meta`: the finder's counts (ConversationsController#meta). */
  function conversationCounts(user: SimUser, query: URLSearchParams): SimulatorReply {
    return { status: 200, body: { meta: findConversations(user, query).counts } };
  }

  /** `GET /api/v1/profile`: the token owner (Api::V1::ProfilesController#show). */
  function profile(request: LoggedRequest): SimulatorReply {
    const token = headerValue(request.headers['api_access_token']).trim();
    const owner = data.users.find((candidate) => candidate.token === token);
    if (!owner) return { status: 401, body: { error: 'Invalid Access Token' } };
    return {
      status: 200,
      body: { id: owner.id, name: owner.name, available_name: owner.name, email: owner.email, role: owner.role, account_id: data.accountId, confirmed: true },
    };
  }

  function listConversations(user: SimUser, query: URLSearchParams): SimulatorReply {
    const found = findConversations(user, query);
    const counts = found.counts;
    let scoped = found.scoped;
    const assigneeType = query.get('assignee_type');
    if (assigneeType === 'me') scoped = scoped.filter((c) => c.assigneeId === user.id);
    if (assigneeType === 'unassigned') scoped = scoped.filter((c) => c.assigneeId === null);
    if (assigneeType === 'assigned') scoped = scoped.filter((c) => c.assigneeId !== null);
    const sorted = [...scoped].sort((a, b) => b.lastActivityAt - a.lastActivityAt || b.id - a.id);
    const size = CHATWOOT_PAGE_SIZES.conversations;
    const page = Math.max(1, rubyToI(query.get('page') ?? '1'));
    const payload = sorted.slice((page - 1) * size, page * size).map((c) => views!.conversation(c));
    return { status: 200, body: { data: { meta: counts, payload } } };
  }

  function conversationRoute(user: SimUser, id: string, nested: string | undefined, query: URLSearchParams): SimulatorReply {
    const conversation = /^\d+$/.test(id) ? data.conversations.find((c) => c.id === Number(id)) : undefined;
    if (!conversation) return NOT_FOUND;
    if (user.role !== 'administrator' && !user.inboxIds.includes(conversation.inboxId)) return NOT_AUTHORIZED;
    if (nested === undefined) return { status: 200, body: views!.conversation(conversation) };
    if (nested === 'labels') return listLabels(conversation);
    if (nested !== 'messages') return { status: 404, body: "The page you were looking for doesn't exist." };
    const page = findMessages(data.messages.filter((m) => m.conversationId === conversation.id), query);
    return { status: 200, body: { meta: views!.messagesMeta(conversation), payload: page.map((m) => views!.message(m)) } };
  }

  function writeRoute(user: SimUser, id: string, nested: string, rawBody: unknown): SimulatorReply {
    const conversation = /^\d+$/.test(id) ? data.conversations.find((c) => c.id === Number(id)) : undefined;
    if (!conversation) return NOT_FOUND;
    if (user.role !== 'administrator' && !user.inboxIds.includes(conversation.inboxId)) return NOT_AUTHORIZED;
    const body = rawBody && typeof rawBody === 'object' && !Array.isArray(rawBody) ? (rawBody as Record<string, unknown>) : {};
    return WRITES[nested]!(writes!, user, conversation, body);
  }

  function searchContacts(query: URLSearchParams): SimulatorReply {
    const q = (query.get('q') ?? '').trim();
    const rawPage = query.get('page');
    const page = Math.max(1, rubyToI(rawPage ?? '1'));
    // Chatwoot's blank-`q` guard returns before rendering, so the empty default view answers.
    if (!q) return { status: 200, body: { meta: { count: 0, current_page: rawPage ?? 1, has_more: false }, payload: [] } };
    const ilike = likePattern(q, 'i');
    const like = likePattern(q, '');
    const matches = data.contacts.filter(
      (contact) =>
        ilike.test(contact.name) ||
        (contact.email !== null && ilike.test(contact.email)) ||
        (contact.phoneNumber !== null && ilike.test(contact.phoneNumber)) ||
        (contact.identifier !== null && like.test(contact.identifier)) ||
        (/^\d+$/.test(q) && contact.id === Number(q)),
    );
    const size = CHATWOOT_PAGE_SIZES.contacts;
    const slice = matches.slice((page - 1) * size, page * size + 1);
    const hasMore = slice.length > size;
    const payload = slice.slice(0, size).map((contact) => views!.contact(contact, true));
    return { status: 200, body: { meta: { count: payload.length, current_page: rawPage ?? 1, has_more: hasMore }, payload } };
  }

  function contactConversations(user: SimUser, id: string): SimulatorReply {
    const contact = /^\d+$/.test(id) ? data.contacts.find((c) => c.id === Number(id)) : undefined;
    if (!contact) return NOT_FOUND;
    const payload = data.conversations
      .filter((c) => c.contactId === contact.id && user.inboxIds.includes(c.inboxId))
      .sort((a, b) => b.id - a.id)
      .slice(0, CHATWOOT_PAGE_SIZES.contactConversations)
      .map((c) => views!.conversation(c));
    return { status: 200, body: { payload } };
  }

  const handle = await startSimulatorServer(route, { port: options.port });
  views = createViews(data, handle.origin);
  writes = {
    data,
    views,
    webhookViews: createWebhookViews(data, views),
    webhooks,
    now: () => {
      clock = Math.max(Math.floor(Date.now() / 1000), clock);
      return clock;
    },
  };
  const autoReply = createAutoReply(writes, options.autoReply ?? null);
  writes.onMessageCreated = (message) => autoReply.onMessageCreated(message);
  return {
    ...handle,
    data,
    setOutage: (status) => {
      outage = status;
    },
    setWebhook: (target) => webhooks.setTarget(target),
    webhookDeliveries: webhooks.deliveries,
    webhooksIdle: () => webhooks.idle(),
    setAutoReply: (next) => autoReply.set(next),
    close: async () => {
      autoReply.close();
      await handle.close();
    },
    sourceConfig: { kind: 'chatwoot', baseUrl: handle.origin, accountId: CHATWOOT_DEMO_ACCOUNT_ID, apiAccessToken: CHATWOOT_DEMO_TOKEN },
  };
}

/**
 * Chatwoot's `MessageFinder`: `after` and `before` together → ids in [after, before) (≤ 1000);
 * `before` → the 20 before it; `after` → up to 100 after it; neither → the newest 20. Every page
 * is ascending by `created_at`. A parameter counts when it is not blank, and is read with
 * Ruby's `to_i`, so `after=0` reads from the very first message.
 */
function findMessages(messages: SimMessage[], query: URLSearchParams): SimMessage[] {
  const ascending = [...messages].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  const after = present(query.get('after')) ? rubyToI(query.get('after') as string) : undefined;
  const before = present(query.get('before')) ? rubyToI(query.get('before') as string) : undefined;
  if (after !== undefined && before !== undefined) return ascending.filter((m) => m.id >= after && m.id < before).slice(0, 1000);
  if (before !== undefined) return ascending.filter((m) => m.id < before).slice(-CHATWOOT_PAGE_SIZES.messagesBefore);
  if (after !== undefined) return ascending.filter((m) => m.id > after).slice(0, CHATWOOT_PAGE_SIZES.messagesAfter);
  return ascending.slice(-CHATWOOT_PAGE_SIZES.messagesBefore);
}

function present(value: string | null): boolean {
  return value !== null && value.trim() !== '';
}

/** Ruby's `String#to_i`: leading digits, else 0. */
function rubyToI(value: string | undefined): number {
  const match = /^\s*([+-]?\d+)/.exec(value ?? '');
  return match ? Number(match[1]) : 0;
}

/** SQL `LIKE '%q%'` as a regex: `%` and `_` inside `q` stay wildcards, as in Postgres. */
function likePattern(q: string, flags: string): RegExp {
  const body = [...q]
    .map((char) => (char === '%' ? '.*' : char === '_' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(body, flags);
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
