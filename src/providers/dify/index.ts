/**
 * The `dify` provider kind: one Dify chat app's Service API (`baseUrl` ends in `/v1`), read as
 * the viewer (`user` = the viewer's id, or email with `userFrom: email`; Dify isolates users
 * and answers a foreign conversation with 404, exactly like a missing one).
 *
 * How each read maps to Dify, which has only `GET /conversations` and `GET /messages`:
 * - `listConversations`: `/conversations?sort_by=-updated_at` pages with `last_id`; one call per
 *   page of up to 100, repeated only if Dify returns fewer than asked while `has_more`.
 * - `getConversations`: Dify has no get-one-conversation call. One scan of the viewer's list
 *   (pages of 100, at most 3 pages) serves every id of the batch; when the whole list fits in
 *   one page an id missing from it is absent (null) without further calls. Ids still missing
 *   after a longer scan are probed with `/messages?limit=1` each: 404 → null; 200 → a record
 *   with `title: null` and `upstreamStatus: null`, `updatedAt` = the newest exchange's time.
 * - `listMessages`: see `paging.ts` (backward reads use `first_id`; forward reads and cursors
 *   on an ASSISTANT half read from the newest exchange until the cursor is reached).
 * - `getMessages`: refs are grouped by conversation; each group reads from the newest exchange
 *   (pages of 100) until every wanted exchange is found or the start is reached.
 */
import { z } from 'zod';
import { asError, groupRefs, toSlot } from '../adapter-kit.js';
import { GatewayError } from '../errors.js';
import { viewerAttribute, viewerAttributeSchema, type ViewerAttribute } from '../identity.js';
import type {
  ConversationPage,
  ConversationRecord,
  ConversationSlice,
  MessagePage,
  MessageRecord,
  MessageRef,
  MessageSlice,
  ProviderAdapter,
  ProviderKind,
  Viewer,
} from '../types.js';
import { createDifyClient, DIFY_MAX_LIMIT, type DifyClient } from './client.js';
import {
  mapConversation,
  mapExchange,
  mapProbedConversation,
  normalizeDifyId,
  parseMessageKey,
  type DifyMessageKey,
} from './mapping.js';
import { readMessageWindow, scanForIds, type FetchExchanges } from './paging.js';

/** Kind-specific config keys. */
const configShape = {
  /** The app's Service API key (`app-…`), sent as `Authorization: Bearer <apiKey>`. */
  apiKey: z.string().min(1),
  /** The viewer attribute sent as Dify's `user`: `id` or `email`. @default id */
  userFrom: viewerAttributeSchema.default('id'),
};

/** Pages of `/conversations` one `getConversations` batch may scan before probing ids one by one. */
export const CONVERSATION_SCAN_PAGES = 3;

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
}

const conversationNotFound = (sourceId: string) => new GatewayError('NOT_FOUND', 'conversation not found', { sourceId });

function fetcher(client: DifyClient, user: string, conversationId: string): FetchExchanges {
  return (firstId, limit) => client.listMessages(user, { conversationId, firstId, limit });
}

/** `ProviderAdapter.listConversations`: pages of `GET /conversations` with `last_id`. */
export async function listConversations(deps: DifyReadDeps, viewer: Viewer, page: ConversationPage): Promise<ConversationSlice> {
  const { client, sourceId } = deps;
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
    const answer = await client.listConversations(user, { lastId, limit: wanted - items.length });
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

/** `ProviderAdapter.getConversations`: one scan of the list, then probes (see the file comment). */
export async function getConversations(
  deps: DifyReadDeps,
  viewer: Viewer,
  externalIds: readonly string[],
): Promise<Array<ConversationRecord | null | Error>> {
  const { client } = deps;
  const user = upstreamUser(viewer, deps.userFrom);
  if (user === null) return externalIds.map(() => null);
  const ids = externalIds.map(normalizeDifyId);
  const pending = new Set(ids.filter((id): id is string => id !== null));
  const found = new Map<string, ConversationRecord | null | Error>();
  let lastId: string | null = null;
  let listedWhole = false;
  try {
    for (let page = 0; page < CONVERSATION_SCAN_PAGES && pending.size > 0; page += 1) {
      const answer = await client.listConversations(user, { lastId, limit: DIFY_MAX_LIMIT });
      for (const conversation of answer.data) {
        const id = normalizeDifyId(conversation.id) ?? conversation.id;
        if (pending.delete(id)) found.set(id, mapConversation(conversation));
      }
      const last = answer.data[answer.data.length - 1];
      if (!answer.has_more || !last) {
        // One page is one consistent snapshot; across pages an update can move an item.
        listedWhole = page === 0;
        break;
      }
      lastId = last.id;
    }
  } catch (error) {
    return externalIds.map(() => asError(error));
  }
  await Promise.all(
    [...pending].map(async (id) => {
      if (listedWhole) return void found.set(id, null);
      try {
        const answer = await client.listMessages(user, { conversationId: id, firstId: null, limit: 1 });
        found.set(id, mapProbedConversation(id, answer.data, !answer.has_more));
      } catch (error) {
        found.set(id, toSlot(error));
      }
    }),
  );
  return ids.map((id) => (id === null ? null : (found.get(id) ?? null)));
}

/** `ProviderAdapter.listMessages`: see paging.ts. */
export async function listMessages(
  deps: DifyReadDeps,
  viewer: Viewer,
  conversationExternalId: string,
  page: MessagePage,
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
    fetcher(client, user, conversationId),
    { conversationId, upstreamUser: user },
    { direction: page.direction, cursor, limit },
    sourceId,
  );
  // A zero limit still answers whether anything lies beyond the cursor.
  return page.limit < 1 ? { messages: [], hasMore: slice.messages.length > 0 } : slice;
}

/** `ProviderAdapter.getMessages`: one newest-first scan per conversation finds all of its refs. */
export async function getMessages(
  deps: DifyReadDeps,
  viewer: Viewer,
  refs: readonly MessageRef[],
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
        const run = await scanForIds(fetcher(client, user, conversationId), ids, sourceId);
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

/** The `dify` kind: config keys `{ apiKey, userFrom }`, graph kind `DIFY`. */
const dify = {
  kind: 'dify',
  graphKind: 'DIFY',
  description: 'A Dify app (Service API).',
  configShape,
  create(config, services): ProviderAdapter {
    const client = createDifyClient(config, services.http);
    const deps: DifyReadDeps = { sourceId: config.id, client, userFrom: config.userFrom };
    return {
      capabilities: { listConversations: true },
      listConversations: (viewer, page) => listConversations(deps, viewer, page),
      getConversations: (viewer, ids) => getConversations(deps, viewer, ids),
      listMessages: (viewer, id, page) => listMessages(deps, viewer, id, page),
      getMessages: (viewer, refs) => getMessages(deps, viewer, refs),
      close: () => client.close(),
    };
  },
} satisfies ProviderKind<typeof configShape>;

export default dify;
