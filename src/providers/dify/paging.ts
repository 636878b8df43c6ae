/**
 * Message paging over Dify's one-way history. Dify can only read backward: page 1 of
 * `GET /messages` is the newest `limit` exchanges and `first_id = X` returns the exchanges
 * strictly older than X. The graph pages messages (two per exchange) in both directions from
 * any message key, so:
 * - backward from the newest or from a USER half `X:u`: read backward with `first_id`, each
 *   call sized to the exchanges still needed (an odd `limit` needs one more exchange, half of
 *   which is left out);
 * - backward from an ASSISTANT half `X:a`: the slice starts with X's own USER half, which no
 *   `first_id` call returns, so X is looked up from the newest (pages of 100), then older
 *   exchanges are read with `first_id` if still needed;
 * - forward: read from the newest (pages of 100) until the cursor's exchange, or the start,
 *   is reached: everything newer is then known.
 */
import { GatewayError } from '../../core/errors.js';
import type { MessageRecord, MessageSlice } from '../../core/records.js';
import { DIFY_MAX_LIMIT } from './client.js';
import { mapExchanges, type DifyMessageKey, type ExchangeContext } from './mapping.js';
import type { DifyMessage, DifyMessagePage } from './schemas.js';

/** One `GET /messages` call of a fixed conversation and user. */
export type FetchExchanges = (firstId: string | null, limit: number) => Promise<DifyMessagePage>;

/** A contiguous run of a conversation's exchanges, ending at the newest one read. */
export interface ExchangeRun {
  /** Oldest first, no duplicates. */
  exchanges: DifyMessage[];
  /** Dify reported exchanges older than `exchanges[0]` (or older than the start point when empty). */
  olderExist: boolean;
}

/**
 * Upper bound on upstream calls of one read: 100 pages of 100 exchanges. Reading forward or
 * finding a message deeper than that fails with NOT_SUPPORTED instead of hammering Dify.
 */
export const MAX_PAGES_PER_READ = 100;

interface RunOptions {
  /** `first_id` of the first call; null starts at the newest exchange. */
  start: string | null;
  /** Size of the next call, given how many exchanges are collected. */
  nextLimit: (collected: number) => number;
  /** True once the run holds what the caller needs. */
  done: (exchanges: readonly DifyMessage[]) => boolean;
  sourceId: string;
}

async function readRun(fetch: FetchExchanges, options: RunOptions): Promise<ExchangeRun> {
  const seen = new Set<string>();
  let exchanges: DifyMessage[] = [];
  let olderExist = true;
  let firstId = options.start;
  for (let calls = 0; !options.done(exchanges); calls += 1) {
    if (calls >= MAX_PAGES_PER_READ) {
      const most = MAX_PAGES_PER_READ * DIFY_MAX_LIMIT;
      throw new GatewayError(
        'NOT_SUPPORTED',
        `conversation is too long to page this way on source "${options.sourceId}" (over ${most} exchanges); ` +
          'read it backward from the newest message',
        { sourceId: options.sourceId },
      );
    }
    const page = await fetch(firstId, options.nextLimit(exchanges.length));
    const data = chronological(page.data);
    const fresh = data.filter((exchange) => !seen.has(exchange.id));
    for (const exchange of fresh) seen.add(exchange.id);
    exchanges = [...fresh, ...exchanges];
    olderExist = page.has_more;
    const oldest = data[0];
    // A page with nothing new would repeat forever; keep `olderExist` as Dify said it.
    if (!page.has_more || fresh.length === 0 || !oldest) break;
    firstId = oldest.id;
  }
  return { exchanges, olderExist };
}

/** Pages of one conversation already read in this request, by `first_id` ('' for the newest). */
export type SharedPages = Map<string, { limit: number; page: Promise<DifyMessagePage> }>;

/**
 * `fetch` answering from `pages` what an earlier call of the same request already read: the
 * newest `limit` exchanges older than X are the newest `limit` of any larger page older than X.
 * So every read that walks from the newest end (forward reads, cursor look-ups, messages by id)
 * shares one walk per conversation and request. A failed call is forgotten.
 */
export function sharePages(fetch: FetchExchanges, pages: SharedPages): FetchExchanges {
  return async (firstId, limit) => {
    const key = firstId ?? '';
    const known = pages.get(key);
    if (known && known.limit >= limit) return newestOfPage(await known.page, limit);
    const entry = { limit, page: fetch(firstId, limit) };
    pages.set(key, entry);
    entry.page.catch(() => {
      if (pages.get(key) === entry) pages.delete(key);
    });
    return entry.page;
  };
}

function newestOfPage(page: DifyMessagePage, limit: number): DifyMessagePage {
  if (page.data.length <= limit) return page;
  const data = chronological(page.data);
  return { ...page, limit, data: data.slice(data.length - limit), has_more: true };
}

/** Dify pages are oldest first; tolerate a build that sends them newest first. */
function chronological(data: DifyMessage[]): DifyMessage[] {
  const first = data[0];
  const last = data[data.length - 1];
  return first && last && first.created_at > last.created_at ? [...data].reverse() : data;
}

/** Reads `wanted` exchanges older than `firstId` (or the newest), each call sized to what is missing. */
export function readBackward(
  fetch: FetchExchanges,
  firstId: string | null,
  wanted: number,
  sourceId: string,
): Promise<ExchangeRun> {
  return readRun(fetch, {
    start: firstId,
    nextLimit: (collected) => Math.min(DIFY_MAX_LIMIT, Math.max(1, wanted - collected)),
    done: (exchanges) => exchanges.length >= wanted,
    sourceId,
  });
}

/**
 * Reads from the newest exchange in pages of 100 until every id in `ids` is in the run or the
 * start is reached (an empty `ids` reads the whole conversation).
 */
export function scanForIds(fetch: FetchExchanges, ids: ReadonlySet<string>, sourceId: string): Promise<ExchangeRun> {
  return readRun(fetch, {
    start: null,
    nextLimit: () => DIFY_MAX_LIMIT,
    done: (exchanges) => ids.size > 0 && [...ids].every((id) => exchanges.some((exchange) => exchange.id === id)),
    sourceId,
  });
}

/** What one `listMessages` call asks for, after its cursor was parsed. */
export interface MessageWindowRequest {
  direction: 'forward' | 'backward';
  cursor: DifyMessageKey | null;
  /** Messages wanted, ≥ 1. */
  limit: number;
}

/**
 * Reads one page of messages (oldest first) with as few upstream calls as the direction allows.
 * @throws GatewayError BAD_USER_INPUT when the cursor's exchange is not in the conversation,
 *   plus whatever the upstream calls throw (NOT_FOUND for a missing or foreign conversation).
 */
export async function readMessageWindow(
  fetch: FetchExchanges,
  context: ExchangeContext,
  request: MessageWindowRequest,
  sourceId: string,
): Promise<MessageSlice> {
  const { cursor, limit } = request;
  if (request.direction === 'backward') {
    if (!cursor || cursor.half === 'u') {
      const run = await readBackward(fetch, cursor?.id ?? null, Math.ceil(limit / 2), sourceId);
      return newestOf(mapExchanges(run.exchanges, context), limit, run.olderExist);
    }
    const found = await findExchange(fetch, cursor.id, sourceId);
    let exchanges = found.run.exchanges.slice(0, found.index + 1);
    let olderExist = found.run.olderExist;
    const have = exchanges.length * 2 - 1;
    const oldest = exchanges[0];
    if (have < limit && olderExist && oldest) {
      const more = await readBackward(fetch, oldest.id, Math.ceil((limit - have) / 2), sourceId);
      exchanges = [...more.exchanges.filter((exchange) => exchange.id !== oldest.id), ...exchanges];
      olderExist = more.olderExist;
    }
    // Everything up to and including X:u; X:a itself is the cursor.
    return newestOf(mapExchanges(exchanges, context).slice(0, -1), limit, olderExist);
  }
  if (!cursor) {
    const run = await scanForIds(fetch, new Set(), sourceId);
    const messages = mapExchanges(run.exchanges, context);
    return { messages: messages.slice(0, limit), hasMore: messages.length > limit };
  }
  const found = await findExchange(fetch, cursor.id, sourceId);
  const newer = mapExchanges(found.run.exchanges.slice(found.index), context).slice(cursor.half === 'u' ? 1 : 2);
  return { messages: newer.slice(0, limit), hasMore: newer.length > limit };
}

async function findExchange(
  fetch: FetchExchanges,
  id: string,
  sourceId: string,
): Promise<{ run: ExchangeRun; index: number }> {
  const run = await scanForIds(fetch, new Set([id]), sourceId);
  const index = run.exchanges.findIndex((exchange) => exchange.id === id);
  if (index < 0) {
    throw new GatewayError('BAD_USER_INPUT', 'the message cursor no longer matches a message of this conversation', {
      sourceId,
    });
  }
  return { run, index };
}

function newestOf(messages: MessageRecord[], limit: number, olderExist: boolean): MessageSlice {
  return { messages: messages.slice(Math.max(0, messages.length - limit)), hasMore: messages.length > limit || olderExist };
}
