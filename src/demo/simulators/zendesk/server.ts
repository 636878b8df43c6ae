/**
 * A real HTTP simulator of Zendesk Support's ticket comments, on loopback. Facts followed, with
 * their sources:
 * - `GET /api/v2/tickets/{ticket_id}/comments` with cursor paging: `page[size]` (at most 100),
 *   `page[after]` / `page[before]` (cursors from the previous answer); answers `{ comments,
 *   meta: { has_more, after_cursor, before_cursor }, links: { next, prev } }`; without
 *   `page[size]` the endpoint pages by offset (`page`, `per_page`, `next_page`, `count`)
 *   (developer.zendesk.com/api-reference/introduction/pagination; "Paginating through lists
 *   using cursor pagination").
 * - Comments are sorted by `created_at`, oldest first by default; `sort_order=desc` reverses;
 *   `include=users` side-loads the authors as `users[]` (`id, name, email, role`: `end-user`,
 *   `agent`, `admin`) (developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments;
 *   "Side-loading").
 * - A comment: `id` (integer), `type: "Comment"`, `author_id, body, html_body, plain_body,
 *   public` (false = internal note), `attachments[]` (`id, file_name, content_url, content_type,
 *   size`), `created_at` (ISO 8601, whole seconds), `via` (same page).
 * - `GET /api/v2/tickets/{id}` → `{ ticket: { id, subject, status, requester_id, created_at,
 *   updated_at } }`; `GET /api/v2/requests?sort_by=updated_at&sort_order=desc` lists the
 *   tickets the (impersonated) end user requested; `PUT /api/v2/requests/{id}` with `{ request:
 *   { comment: { body } } }` adds the end user's public reply and answers the request (Requests
 *   API, "Update Request").
 * - An OAuth token with the `impersonate` scope acts as an end user with `X-On-Behalf-Of:
 *   <email>` ("Making API requests on behalf of end users"): end users see only the tickets they
 *   requested (others: 403 `{ error: "Forbidden", description }`) and never internal notes;
 *   an unknown ticket is 404 `{ error: "RecordNotFound", description: "Not found" }`.
 * - Rate limit: 429 with `Retry-After` (seconds) (developer.zendesk.com/api-reference/
 *   introduction/rate-limits); 401 `{ error: "Couldn't authenticate you" }` for a bad token.
 */
import { startSimulatorServer, type LoggedRequest, type SimulatorReply } from '../http-server.js';
import { Throttle } from '../throttle.js';
import { buildLongThread, buildShortThread, type SeedMessage } from '../vendor-threads.js';
import type { VendorSimulator, VendorSimulatorOptions } from '../vendor-simulator.js';

/** The OAuth token (impersonate scope) the simulator accepts. */
export const ZENDESK_DEMO_TOKEN = 'zd-oauth-demo-impersonate-not-real';
/** The demo viewer's email (the gateway's demo viewer). */
export const ZENDESK_DEMO_EMAIL = 'demo@example.com';

interface User {
  id: number;
  name: string;
  email: string;
  role: 'end-user' | 'agent' | 'admin';
}

interface Comment {
  id: number;
  author_id: number;
  body: string;
  public: boolean;
  created_at: string;
  attachments: Array<Record<string, unknown>>;
}

interface Ticket {
  id: number;
  subject: string;
  status: 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
  requester_id: number;
  comments: Comment[];
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const fail = (status: number, error: string, description?: string, headers?: Record<string, string>): SimulatorReply => ({
  status,
  body: description === undefined ? { error } : { error, description },
  ...(headers ? { headers } : {}),
});

const USERS: User[] = [
  { id: 381_001, name: 'Demo User', email: ZENDESK_DEMO_EMAIL, role: 'end-user' },
  { id: 381_002, name: 'Priya (Support)', email: 'priya@support.example', role: 'agent' },
  { id: 381_003, name: 'Other Customer', email: 'other@example.net', role: 'end-user' },
];

function ticket(id: number, subject: string, requester: User, seeds: SeedMessage[], status: Ticket['status'] = 'open'): Ticket {
  const agent = USERS[1]!;
  const comments = seeds.map(
    (seed, i): Comment => ({
      id: id * 1000 + i + 1,
      author_id: seed.author === 'user' ? requester.id : agent.id,
      body: seed.text,
      // Every 25th agent reply is an internal note: end users never see those.
      public: !(seed.author === 'assistant' && seed.index % 25 === 11),
      created_at: iso(seed.ms),
      attachments:
        seed.index === 6
          ? [{ id: id * 1000 + 900, file_name: 'receipt.pdf', content_url: `https://demo.zendesk.com/attachments/token/r${id}/?name=receipt.pdf`, content_type: 'application/pdf', size: 48_213 }]
          : [],
    }),
  );
  return { id, subject, status, requester_id: requester.id, comments };
}

function wireComment(comment: Comment, ticketId: number): Record<string, unknown> {
  return {
    id: comment.id,
    type: 'Comment',
    author_id: comment.author_id,
    body: comment.body,
    html_body: `<div class="zd-comment"><p>${comment.body.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p></div>`,
    plain_body: comment.body,
    public: comment.public,
    attachments: comment.attachments,
    audit_id: comment.id + 50_000,
    via: { channel: 'web', source: { from: {}, to: {}, rel: null } },
    created_at: comment.created_at,
    metadata: { system: {}, custom: {} },
    ticket_id: ticketId,
  };
}

function wireTicket(stored: Ticket) {
  const times = stored.comments.map((comment) => comment.created_at);
  return {
    id: stored.id,
    url: `https://demo.zendesk.com/api/v2/tickets/${stored.id}.json`,
    subject: stored.subject,
    status: stored.status,
    requester_id: stored.requester_id,
    created_at: times[0] ?? '2026-03-01T00:00:00Z',
    updated_at: times[times.length - 1] ?? '2026-03-01T00:00:00Z',
  };
}

const encodeCursor = (position: number) => Buffer.from(JSON.stringify({ o: position })).toString('base64url');
function decodeCursor(cursor: string): number | null {
  try {
    const value = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown }).o;
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
  } catch {
    return null;
  }
}

/**
 * Cursor paging over `list`: a cursor is the position between two items; `page[after]=c` reads
 * the items after c, `page[before]=c` those just before it; `has_more` = more beyond the page in
 * the direction read.
 */
function cursorPage<T>(list: T[], query: URLSearchParams, url: URL): { items: T[]; meta: Record<string, unknown>; links: Record<string, unknown> } | SimulatorReply {
  const size = Number(query.get('page[size]'));
  if (!Number.isInteger(size) || size < 1 || size > 100) return fail(400, 'InvalidPaginationParameter', 'page[size] must be an integer between 1 and 100');
  const after = query.get('page[after]');
  const before = query.get('page[before]');
  let start: number;
  let end: number;
  let hasMore: boolean;
  if (before !== null) {
    const position = decodeCursor(before);
    if (position === null || position > list.length) return fail(400, 'InvalidPaginationParameter', 'page[before] is invalid');
    start = Math.max(0, position - size);
    end = position;
    hasMore = start > 0;
  } else {
    const position = after === null ? 0 : decodeCursor(after);
    if (position === null || position > list.length) return fail(400, 'InvalidPaginationParameter', 'page[after] is invalid');
    start = position;
    end = Math.min(list.length, position + size);
    hasMore = end < list.length;
  }
  const link = (name: string, cursor: string) => {
    const next = new URL(url);
    next.searchParams.delete('page[after]');
    next.searchParams.delete('page[before]');
    next.searchParams.set(name, cursor);
    return next.toString();
  };
  const items = list.slice(start, end);
  const afterCursor = items.length ? encodeCursor(end) : null;
  const beforeCursor = items.length ? encodeCursor(start) : null;
  return {
    items,
    meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
    links: { next: afterCursor ? link('page[after]', afterCursor) : null, prev: beforeCursor ? link('page[before]', beforeCursor) : null },
  };
}

/**
 * Starts the simulator: tickets the demo user requested — a long one (150 comments, same-second
 * groups, some internal notes), one without comments, a short one — and one another customer
 * requested (403 for the demo user). `env` fills presets/zendesk-ticket-comments.yaml.
 * @throws when the port cannot be bound
 */
export async function startZendeskSimulator(options: VendorSimulatorOptions = {}): Promise<VendorSimulator> {
  const base = Date.UTC(2026, 2, 8, 10, 0, 0);
  const [demo, , other] = USERS;
  const tickets = [
    ticket(4471, 'Order #4471 never arrived', demo!, buildLongThread(base, 59)),
    ticket(4472, 'Question about invoices', demo!, [], 'new'),
    ticket(4473, 'Refund for order #9911', other!, buildShortThread(base + 3_600_000, 5, 'Refund')),
    ticket(4474, 'Password reset', demo!, buildShortThread(base + 86_400_000, 4, 'Password reset'), 'solved'),
  ];
  const byId = new Map(tickets.map((item) => [String(item.id), item]));
  const throttle = new Throttle();

  let lastCommentMs = 0;
  /** `PUT /api/v2/requests/{id}` `{ request: { comment: { body } } }`: an end user's public reply. */
  const addComment = (id: string, actor: User, body: unknown): SimulatorReply => {
    const stored = byId.get(id);
    if (!stored) return fail(404, 'RecordNotFound', 'Not found');
    if (stored.requester_id !== actor.id) return fail(403, 'Forbidden', 'You do not have access to this resource');
    const text = (body as { request?: { comment?: { body?: unknown } } } | undefined)?.request?.comment?.body;
    if (typeof text !== 'string' || text.trim() === '') return fail(422, 'RecordInvalid', 'Comment: cannot be blank');
    const last = stored.comments.at(-1);
    // Whole seconds, never before the newest comment (like Zendesk's created_at).
    lastCommentMs = Math.max(Math.floor(Date.now() / 1000) * 1000, last ? Date.parse(last.created_at) : 0, lastCommentMs);
    stored.comments.push({ id: stored.id * 1000 + stored.comments.length + 1, author_id: actor.id, body: text, public: true, created_at: iso(lastCommentMs), attachments: [] });
    return { status: 200, body: { request: wireTicket(stored) } };
  };

  const route = (request: LoggedRequest): SimulatorReply => {
    if (request.headers.authorization !== `Bearer ${ZENDESK_DEMO_TOKEN}`) return fail(401, "Couldn't authenticate you");
    const retryAfter = throttle.take();
    if (retryAfter !== null) return { status: 429, body: 'Rate limit for ticket comments exceeded, please wait before retrying.', headers: { 'retry-after': String(retryAfter) } };
    const onBehalfOf = request.headers['x-on-behalf-of'];
    const actor = onBehalfOf === undefined ? USERS[1]! : USERS.find((user) => user.email === String(onBehalfOf).toLowerCase());
    if (!actor) return fail(403, 'Forbidden', 'You do not have access to this resource');
    // Links point at the host the client called, as Zendesk's point at the account's subdomain.
    const url = new URL(`http://${request.headers.host ?? '127.0.0.1'}${request.path}?${request.query}`);
    const path = request.path.replace(/\.json$/, '');
    const mayRead = (stored: Ticket) => actor.role !== 'end-user' || stored.requester_id === actor.id;

    const update = /^\/api\/v2\/requests\/([^/]+)$/.exec(path);
    if (update && request.method === 'PUT') return addComment(update[1]!, actor, request.body);
    if (request.method !== 'GET') return fail(405, 'MethodNotAllowed');
    if (path === '/api/v2/requests') {
      const mine = tickets.filter(mayRead).map(wireTicket).sort((a, b) => b.updated_at.localeCompare(a.updated_at) || b.id - a.id);
      const page = cursorPage(mine, request.query, url);
      if ('status' in page) return page;
      return { status: 200, body: { requests: page.items, meta: page.meta, links: page.links } };
    }
    const match = /^\/api\/v2\/tickets\/([^/]+)(\/comments)?$/.exec(path);
    if (!match) return fail(404, 'InvalidEndpoint', 'Not found');
    const stored = byId.get(match[1]!);
    if (!stored) return fail(404, 'RecordNotFound', 'Not found');
    if (!mayRead(stored)) return fail(403, 'Forbidden', 'You do not have access to this resource');
    if (!match[2]) return { status: 200, body: { ticket: wireTicket(stored) } };

    const order = request.query.get('sort_order') ?? 'asc';
    const visible = stored.comments.filter((comment) => comment.public || actor.role !== 'end-user');
    const sorted = order === 'desc' ? [...visible].reverse() : visible;
    const includeUsers = (request.query.get('include') ?? '').split(',').includes('users');
    const sideload = (comments: Comment[]) =>
      includeUsers ? { users: USERS.filter((user) => comments.some((comment) => comment.author_id === user.id)).map(({ id, name, role }) => ({ id, name, role })) } : {};
    if (!request.query.has('page[size]')) {
      const perPage = Math.min(Number(request.query.get('per_page') ?? '100') || 100, 100);
      const number = Math.max(Number(request.query.get('page') ?? '1') || 1, 1);
      const items = sorted.slice((number - 1) * perPage, number * perPage);
      return {
        status: 200,
        body: {
          comments: items.map((comment) => wireComment(comment, stored.id)),
          ...sideload(items),
          next_page: number * perPage < sorted.length ? `${url.origin}${request.path}?page=${number + 1}&per_page=${perPage}` : null,
          previous_page: number > 1 ? `${url.origin}${request.path}?page=${number - 1}&per_page=${perPage}` : null,
          count: sorted.length,
        },
      };
    }
    const page = cursorPage(sorted, request.query, url);
    if ('status' in page) return page;
    return {
      status: 200,
      body: { comments: page.items.map((comment) => wireComment(comment, stored.id)), ...sideload(page.items), meta: page.meta, links: page.links },
    };
  };

  const handle = await startSimulatorServer(route, { port: options.port });
  return {
    ...handle,
    throttle,
    conversations: { long: '4471', empty: '4472', forbidden: '4473', short: '4474' },
    messageIds: (id) => (byId.get(id)?.comments ?? []).filter((comment) => comment.public).map((comment) => String(comment.id)),
    env: { ZENDESK_API_URL: `${handle.origin}/api/v2`, ZENDESK_OAUTH_TOKEN: ZENDESK_DEMO_TOKEN },
  };
}
