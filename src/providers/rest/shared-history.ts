/**
 * `GET /chat/history` pages shared within one request (`RequestMemo`): a page asked with the
 * same conversation and bound as an earlier, at least as large one is answered from it. So the
 * newest page an ownership check read (`access: owner`) also serves the `last: 20` that follows,
 * and repeated reads of one conversation in one request cost one call per window.
 */
import type { RequestMemo } from '../../upstream/request-memo.js';
import type { HistoryParams, RestClient, RestPage } from './client.js';
import { comparePositions, positionOf } from './paging.js';
import type { RestHistoryData } from './schemas.js';

type History = RestClient['history'];
type Pages = Map<string, { limit: number; page: Promise<RestPage<RestHistoryData>> }>;

/**
 * `fetch` (one history call) behind the request's shared pages, each call made under the
 * request's scope (`memo.scope`: deadline, call budget); without a memo, `fetch` itself.
 * A failed call is forgotten, so the next read tries again.
 */
export function sharedHistory(memo: RequestMemo | undefined, fetch: History): History {
  if (!memo) return fetch;
  const pages = memo.get('rest-history', (): Pages => new Map());
  return async (params) => {
    const key = JSON.stringify([params.conversationId, params.before ?? null, params.after ?? null]);
    const known = pages.get(key);
    if (known && known.limit >= params.limit) return nearest(await known.page, params);
    const entry = { limit: params.limit, page: fetch({ ...params, scope: params.scope ?? memo.scope }) };
    pages.set(key, entry);
    entry.page.catch(() => {
      if (pages.get(key) === entry) pages.delete(key);
    });
    return entry.page;
  };
}

/** The `limit` messages of a larger page nearest to its bound, as a call with that limit answers. */
function nearest(page: RestPage<RestHistoryData>, params: HistoryParams): RestPage<RestHistoryData> {
  const { messages } = page.data;
  if (messages.length <= params.limit) return page;
  // Each timestamp parsed once, not once per comparison (a listing's ownership page holds 100).
  const sorted = messages
    .map((message) => ({ message, position: positionOf(message.created_at, message.id) }))
    .sort((a, b) => comparePositions(a.position, b.position));
  // `after` reads the oldest beyond its bound; `before` (or none) the newest.
  const kept = (params.after !== undefined ? sorted.slice(0, params.limit) : sorted.slice(-params.limit)).map((entry) => entry.message);
  return {
    data: { ...page.data, messages: kept },
    pagination: { ...(page.pagination ?? {}), limit: params.limit, has_more: true },
  };
}
