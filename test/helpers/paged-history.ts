/**
 * One chat history served in every paging style the `http` kind supports, over real HTTP, for
 * its strategy tests. Conversation `long` holds 47 messages, five to a second (so many share a
 * timestamp) with ids that do not sort in time order; `empty` holds none; `secret` answers 404
 * like an unknown one. Each style pages at most `MAX_PAGE` items per call.
 */
import { startSimulatorServer, type SimulatorHandle, type SimulatorReply } from '../../src/demo/simulators/http-server.js';

export const MAX_PAGE = 10;
const BASE_SECONDS = 1_773_000_000;

/** One message as the upstream keeps it, in chronological (upstream) order. */
export interface PagedMessage {
  id: string;
  seconds: number;
  role: 'user' | 'assistant';
  text: string;
}

/** The `long` conversation, oldest first. */
export const LONG: PagedMessage[] = Array.from({ length: 47 }, (_, index) => ({
  id: `m${String((index * 37) % 101).padStart(3, '0')}`,
  seconds: BASE_SECONDS + Math.floor(index / 5),
  role: index % 2 ? 'assistant' : 'user',
  text: `message ${index}`,
}));

const conversations: Record<string, PagedMessage[]> = { long: LONG, empty: [] };

/** The `cursor` style's cursors name a generation; older ones are refused with 400, as expired cursors are. */
let generation = 0;

/** Makes every cursor given out so far expired. */
export function expireCursors(): void {
  generation += 1;
}

function wire(message: PagedMessage, time: 'epoch-seconds' | 'epoch-ms' | 'iso8601' | 'seconds.micros') {
  const value =
    time === 'epoch-seconds'
      ? message.seconds
      : time === 'epoch-ms'
        ? message.seconds * 1000
        : time === 'iso8601'
          ? new Date(message.seconds * 1000).toISOString().replace('.000Z', 'Z')
          : `${message.seconds}.000000`;
  return { id: message.id, at: value, from: message.role, body: { text: message.text } };
}

const notFound: SimulatorReply = { status: 404, body: { error: 'not_found' } };
const limitOf = (query: URLSearchParams, name = 'limit') => Math.min(MAX_PAGE, Math.max(1, Number(query.get(name) ?? MAX_PAGE)));

/** Starts the server; each style under its own path prefix. */
export function startPagedHistory(): Promise<SimulatorHandle> {
  return startSimulatorServer((request) => {
    const match = /^\/(\w+)\/c\/([^/]+)\/messages$/.exec(request.path);
    if (!match) return notFound;
    const [, style, id] = match;
    const all = conversations[decodeURIComponent(id!)];
    if (!all) return notFound;
    const newestFirst = [...all].reverse();
    const query = request.query;
    switch (style) {
      // Slack-like: newest first, an opaque cursor, one way only.
      case 'cursor': {
        const [made, position] = query.get('cursor') ? Buffer.from(query.get('cursor')!, 'base64url').toString().split(':') : [String(generation), '0'];
        if (Number(made) !== generation) return { status: 400, body: { ok: false, error: 'invalid_cursor' } };
        const start = Number(position);
        const limit = limitOf(query);
        const page = newestFirst.slice(start, start + limit);
        const next = start + limit < all.length ? Buffer.from(`${generation}:${start + limit}`).toString('base64url') : '';
        return { status: 200, body: { ok: true, messages: page.map((m) => wire(m, 'epoch-seconds')), meta: { next_cursor: next } } };
      }
      // GitHub-like: oldest first, the next page in a Link header, one way only.
      case 'link': {
        const start = Number(query.get('page_after') ?? 0);
        const limit = limitOf(query, 'per_page');
        const page = all.slice(start, start + limit);
        const headers: Record<string, string> = {};
        if (start + limit < all.length) headers.link = `<${request.path}?page_after=${start + limit}&per_page=${limit}>; rel="next"`;
        return { status: 200, body: { items: page.map((m) => wire(m, 'iso8601')) }, headers };
      }
      // Offset/limit, both orders.
      case 'offset': {
        const list = query.get('order') === 'desc' ? newestFirst : all;
        const offset = Number(query.get('offset') ?? 0);
        const page = list.slice(offset, offset + limitOf(query));
        return { status: 200, body: { data: page.map((m) => wire(m, 'epoch-ms')), total: all.length } };
      }
      // Page numbers from 1, newest first only, items oldest first inside each page.
      case 'pages': {
        const number = Math.max(1, Number(query.get('page') ?? 1));
        const size = limitOf(query, 'per_page');
        const page = newestFirst.slice((number - 1) * size, number * size).reverse();
        return { status: 200, body: { result: page.map((m) => wire(m, 'seconds.micros')), has_more: number * size < all.length } };
      }
      // OpenAI-like: `order` asc|desc and `after` an id.
      case 'ids': {
        const list = query.get('order') === 'asc' ? all : newestFirst;
        const after = query.get('after');
        const at = after ? list.findIndex((m) => m.id === after) : -1;
        if (after && at < 0) return { status: 400, body: { error: { message: 'unknown after' } } };
        const page = list.slice(at + 1, at + 1 + limitOf(query));
        return { status: 200, body: { object: 'list', data: page.map((m) => wire(m, 'epoch-seconds')), has_more: at + 1 + page.length < list.length } };
      }
      // Mattermost-like: everything at once as `{ order, posts }`, newest first.
      case 'all': {
        const posts = Object.fromEntries(all.map((m) => [m.id, wire(m, 'epoch-ms')]));
        return { status: 200, body: { order: newestFirst.map((m) => m.id), posts } };
      }
      default:
        return notFound;
    }
  });
}
