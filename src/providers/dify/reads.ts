/**
 * Dify reads (`ProviderAdapter.listConversations`, `getConversations`, `listMessages`,
 * `getMessages`), beside writes.ts and reply-stream.ts, which reuse `getMessages` to check a
 * message before acting on it. How each read maps to Dify is told in index.ts.
 */
import { groupRefs, toSlot } from '../adapter-kit.js';
import { GatewayError } from '../../core/errors.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import { viewerAttribute, type ViewerAttribute } from '../identity.js';
import type { RequestMemo } from '../../upstream/request-memo.js';
import { filterNotSupported, refuseUnhonoured } from '../../core/conversation-filter.js';
import type { ConversationOrder, ConversationPage, ConversationRecord, ConversationSlice, MessagePage, MessageRecord, MessageRef, MessageSlice, Viewer } from '../../core/records.js';
import type { DifyClient, DifySortBy } from './client.js';
import { mapConversation, mapExchange, normalizeDifyId, parseMessageKey, type DifyMessageKey } from './mapping.js';
import type { ConversationLookup } from './lookup.js';
import { readMessageWindow, scanForIds, sharePages, type FetchExchanges, type SharedPages } from './paging.js';

/**
 * The Dify `user` a viewer reads as (config `userFrom`); null when the viewer lacks that
 * attribute, and then the source shows the viewer nothing.
 */
export function upstreamUser(viewer: Viewer, from: ViewerAttribute = 'id'): string | null {
  return viewerAttribute(viewer, from);
}

/** What the read functions need of one source: its id, its client and how viewers map to Dify `user`s. */
export interface DifyReadDeps {
  sourceId: string;
  client: DifyClient;
  /** Config `userFrom`. */
  userFrom: ViewerAttribute;
  /** Conversations by id (lookup.ts). */
  lookup: ConversationLookup;
  /** Config `honoursPinnedFilter`: the deployment's `GET /conversations` filters by `pinned`. */
  honoursPinnedFilter?: boolean;
}

const conversationNotFound = (sourceId: string) => new GatewayError('NOT_FOUND', 'conversation not found', { sourceId });

/**
 * `GET /messages` of one conversation, sharing pages within the request when a memo is given;
 * every call under `requestScope`.
 */
function fetcher(
  client: DifyClient,
  user: string,
  conversationId: string,
  memo: RequestMemo | undefined,
  requestScope: RequestScope | undefined,
): FetchExchanges {
  const fetch: FetchExchanges = (firstId, limit) => client.listMessages(user, { conversationId, firstId, limit }, requestScope);
  if (!memo) return fetch;
  return sharePages(fetch, memo.get(`dify-pages:${conversationId}:${user}`, (): SharedPages => new Map()));
}

/** Dify's `sort_by` for each order of the graph. */
const SORT_BY: Record<ConversationOrder, DifySortBy> = {
  UPDATED_AT_DESC: '-updated_at',
  UPDATED_AT_ASC: 'updated_at',
  CREATED_AT_DESC: '-created_at',
  CREATED_AT_ASC: 'created_at',
};

/**
 * `ProviderAdapter.listConversations`: pages of `GET /conversations` with `last_id`, in the
 * page's order as `sort_by`. `pinned` is honoured only with `honoursPinnedFilter`: Dify's
 * Service API list (api/controllers/service_api/app/conversation.py) validates its query with
 * `ConversationListQuery`, which has `last_id`, `limit` and `sort_by` but no `pinned`, and never
 * hands `pinned` to `ConversationService.pagination_by_last_id`; only the web-app list
 * (api/controllers/web/conversation.py, through `WebConversationService`) filters by it. Passed
 * to a stock Dify it would be dropped silently and the whole list labelled pinned.
 * @param requestScope the GraphQL request the read serves (deadline, call budget), if any
 * @throws GatewayError NOT_SUPPORTED for `assignee`, `labels`, `search`, and `pinned` without the setting
 */
export async function listConversations(
  deps: DifyReadDeps,
  viewer: Viewer,
  page: ConversationPage,
  requestScope?: RequestScope,
): Promise<ConversationSlice> {
  const { client, sourceId } = deps;
  if (page.filter?.pinned !== undefined && !deps.honoursPinnedFilter) {
    throw filterNotSupported(
      sourceId,
      'pinned',
      "Dify's Service API ignores pinned (set honoursPinnedFilter on this source if its deployment filters by it)",
    );
  }
  refuseUnhonoured(
    sourceId,
    page.filter,
    page.order,
    { fields: ['pinned'], orders: Object.keys(SORT_BY) as ConversationOrder[] },
    'Dify conversations have no such field',
  );
  const order = { sortBy: SORT_BY[page.order ?? 'UPDATED_AT_DESC'], pinned: page.filter?.pinned };
  const user = upstreamUser(viewer, deps.userFrom);
  if (user === null) return { items: [], hasMore: false };
  let lastId = page.after === null ? null : normalizeDifyId(page.after);
  if (page.after !== null && !lastId) {
    throw new GatewayError('BAD_USER_INPUT', 'malformed conversation cursor', { sourceId });
  }
  const wanted = Math.max(1, Math.floor(page.limit));
  const items: ConversationRecord[] = [];
  const seen = new Set<string>();
  let hasMore = false;
  while (items.length < wanted) {
    const answer = await client.listConversations(user, { lastId, limit: wanted - items.length, ...order }, requestScope);
    const fresh = answer.data.filter((conversation) => !seen.has(conversation.id));
    for (const conversation of fresh) {
      seen.add(conversation.id);
      items.push(mapConversation(conversation));
    }
    hasMore = answer.has_more;
    const last = answer.data[answer.data.length - 1];
    if (!answer.has_more || !last || fresh.length === 0) break;
    lastId = last.id;
  }
  const limit = Math.max(0, Math.floor(page.limit));
  return { items: items.slice(0, limit), hasMore: items.length > limit || hasMore };
}

/** `ProviderAdapter.getConversations`: see lookup.ts. */
export async function getConversations(
  deps: DifyReadDeps,
  viewer: Viewer,
  externalIds: readonly string[],
  memo?: RequestMemo,
): Promise<Array<ConversationRecord | null | Error>> {
  const user = upstreamUser(viewer, deps.userFrom);
  if (user === null) return externalIds.map(() => null);
  return deps.lookup(user, externalIds, memo);
}

/** `ProviderAdapter.listMessages`: see paging.ts. Upstream calls run under `memo.scope`. */
export async function listMessages(
  deps: DifyReadDeps,
  viewer: Viewer,
  conversationExternalId: string,
  page: MessagePage,
  memo?: RequestMemo,
): Promise<MessageSlice> {
  const { client, sourceId } = deps;
  const conversationId = normalizeDifyId(conversationExternalId);
  if (!conversationId) throw conversationNotFound(sourceId);
  const cursor = page.cursor === null ? null : parseMessageKey(page.cursor);
  if (page.cursor !== null && !cursor) {
    throw new GatewayError('BAD_USER_INPUT', 'malformed message cursor', { sourceId });
  }
  const user = upstreamUser(viewer, deps.userFrom);
  if (user === null) throw conversationNotFound(sourceId);
  const limit = Math.max(1, Math.floor(page.limit));
  const slice = await readMessageWindow(
    fetcher(client, user, conversationId, memo, memo?.scope),
    { conversationId, upstreamUser: user },
    { direction: page.direction, cursor, limit },
    sourceId,
  );
  // A zero limit still answers whether anything lies beyond the cursor.
  return page.limit < 1 ? { messages: [], hasMore: slice.messages.length > 0 } : slice;
}

/**
 * `ProviderAdapter.getMessages`: one newest-first scan per conversation finds all of its refs.
 * @param requestScope the GraphQL request the read serves (deadline, call budget); a write's
 *   check passes its own, without a memo
 */
export async function getMessages(
  deps: DifyReadDeps,
  viewer: Viewer,
  refs: readonly MessageRef[],
  memo?: RequestMemo,
  requestScope: RequestScope | undefined = memo?.scope,
): Promise<Array<MessageRecord | null | Error>> {
  const { client, sourceId } = deps;
  const user = upstreamUser(viewer, deps.userFrom);
  if (user === null) return refs.map(() => null);
  const { results, groups } = groupRefs<MessageRecord, string, DifyMessageKey>(refs, (ref) => {
    const key = parseMessageKey(ref.key);
    if (!key) return new GatewayError('BAD_USER_INPUT', 'malformed message key', { sourceId });
    const conversationId = normalizeDifyId(ref.conversationExternalId);
    return conversationId ? { conversation: conversationId, key } : null;
  });
  await Promise.all(
    [...groups].map(async ([conversationId, wanted]) => {
      try {
        const ids = new Set(wanted.map(({ key }) => key.id));
        const run = await scanForIds(fetcher(client, user, conversationId, memo, requestScope), ids, sourceId);
        const byId = new Map(run.exchanges.map((exchange) => [exchange.id, exchange]));
        for (const { slot, key } of wanted) {
          const exchange = byId.get(key.id);
          const halves = exchange ? mapExchange(exchange, { conversationId, upstreamUser: user }) : null;
          results[slot] = halves ? halves[key.half === 'u' ? 0 : 1] : null;
        }
      } catch (error) {
        const slot = toSlot(error);
        for (const { slot: index } of wanted) results[index] = slot;
      }
    }),
  );
  return results;
}
