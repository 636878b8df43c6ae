/**
 * The `rest` provider kind: a generic REST chat-history API (seed 002).
 *
 * Upstream: `GET /chat/history?conversation_id&limit&before|after&include_meta` with
 * `Authorization: Bearer <token>`, answering `{ status, message, data: { conversation_id,
 * messages }, pagination: { limit, next_cursor?, has_more } }`. `before`/`after` are exclusive
 * ISO 8601 timestamps, `limit` ≤ 100. The adapter sorts by (`created_at`, `id`) itself and
 * relies on neither the page order nor `next_cursor` (DESIGN §6); see paging.ts for how shared
 * timestamps are paged without loss or duplicates.
 *
 * Optional listing (`conversationsPath`), a contract of this gateway since the seed has none:
 * `GET <conversationsPath>?limit=N&before=<ISO updated_at>` (both optional; `limit` 1–100,
 * `before` exclusive) → the same envelope with `data: { conversations: [{ id, title?, status?,
 * created_at?, updated_at }] }` and `pagination: { limit, has_more, next_cursor }`, most recently
 * updated first; and `GET <conversationsPath>/{id}` → `data: { conversation: { …same fields } }`
 * (404 when unknown), used to open one by id. Without `conversationsPath` the source cannot
 * list (`listConversations` is NOT_SUPPORTED) and opens conversations by probing their history.
 *
 * Keys: messages `<created_at as sent>|<message id>`, listed conversations `<updated_at as
 * sent>|<conversation id>`.
 *
 * Access (`access: owner | forward | shared`, see access.ts): every read first asks the policy
 * whether the viewer may open the conversation; a "no" is answered exactly like a missing one.
 */
import { z } from 'zod';
import { eachLimited, groupRefs, toSlot } from '../adapter-kit.js';
import { GatewayError, notFound } from '../../core/errors.js';
import { listingCandidates, type RequestMemo } from '../../upstream/request-memo.js';
import type { AdapterServices, ProviderAdapter, ProviderKind, SourceCommonConfig } from '../contract.js';
import { refuseUnhonoured } from '../../core/conversation-filter.js';
import type { ConversationPage, ConversationRecord, MessageRecord, MessagePage, MessageRef, MessageSlice, ConversationSlice, Viewer } from '../../core/records.js';
import { accessShape, createRestAccess, LISTING_OWNER_DEPTH, type RestAccess } from './access.js';
import { createRestClient } from './client.js';
import { createListingHints, type ListingHints } from './listing-hints.js';
import { toConversationRecord, toMessageRecord, toProbedConversationRecord } from './mapping.js';
import { comparePositions, decodePosition, locate, positionOf, scan, type Position } from './paging.js';
import type { RestConversation, RestMessage } from './schemas.js';
import { sharedHistory } from './shared-history.js';

/** Kind-specific config keys. */
const configShape = {
  /** Sent as `Authorization: Bearer <token>`; never logged or echoed. Required unless `access: forward`. */
  token: z.string().min(1).optional(),
  /** `access`, `ownerFrom`, `ownerScanLimit`: who may read what (see access.ts). */
  ...accessShape,
  /** Path of the optional listing endpoint after `baseUrl`, e.g. `/chat/conversations`. */
  conversationsPath: z.string().startsWith('/').optional(),
};

type RestConfig = z.infer<z.ZodObject<typeof configShape>> & SourceCommonConfig;

/** Ownership decisions one listing page runs at once. */
const OWNERSHIP_CONCURRENCY = 8;

const messagePosition = (message: RestMessage): Position => positionOf(message.created_at, message.id);
const conversationPosition = (conversation: RestConversation): Position =>
  positionOf(conversation.updated_at, conversation.id);

/** What the read functions need of one source. */
export interface RestReadDeps {
  sourceId: string;
  /** The access policy, holding the source's (translated) client. */
  access: RestAccess;
  /** Config `conversationsPath`, when the source can list. */
  listingPath: string | undefined;
  /** What the listing filter showed each viewer before (predictions for read-ahead only). */
  listingHints?: ListingHints;
}

function parseKey(sourceId: string, key: string, what: string): Position {
  const position = typeof key === 'string' ? decodePosition(key) : null;
  if (!position) throw new GatewayError('BAD_USER_INPUT', `invalid ${what}`, { sourceId });
  return position;
}

function checkLimit(sourceId: string, limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new GatewayError('BAD_USER_INPUT', `page size must be between 1 and ${max}`, { sourceId });
  }
}

/** `ProviderAdapter.listMessages`: `before`/`after` scans of `/chat/history` (see paging.ts). */
export async function listMessages(
  deps: RestReadDeps,
  viewer: Viewer,
  conversationExternalId: string,
  page: MessagePage,
  memo?: RequestMemo,
): Promise<MessageSlice> {
  const { sourceId, access } = deps;
  checkLimit(sourceId, page.limit, 101);
  const cursor = page.cursor === null ? null : parseKey(sourceId, page.cursor, 'message cursor');
  if (!(await access.mayOpen(viewer, conversationExternalId, memo))) throw notFound('conversation', sourceId);
  const older = page.direction === 'backward';
  const headers = access.headers(viewer);
  const history = sharedHistory(memo, access.client.history);
  const { items } = await scan<RestMessage>({
    direction: older ? 'older' : 'newer',
    from: cursor,
    want: page.limit + 1,
    position: messagePosition,
    keep: (message) => !cursor || Math.sign(comparePositions(messagePosition(message), cursor)) === (older ? -1 : 1),
    fetch: async (bound, limit) => {
      const answer = await history({
        conversationId: conversationExternalId,
        limit,
        ...(older ? { before: bound } : { after: bound }),
        headers,
      });
      return { items: answer.data.messages, hasMore: answer.pagination?.has_more };
    },
    sourceId,
    noun: 'messages',
  });
  const sorted = items.sort((a, b) => comparePositions(messagePosition(a), messagePosition(b)));
  const slice = older ? sorted.slice(-page.limit) : sorted.slice(0, page.limit);
  return {
    messages: slice.map((message) => toMessageRecord(conversationExternalId, message)),
    hasMore: sorted.length > page.limit,
  };
}

/** `ProviderAdapter.listConversations`: the optional listing, filtered by the access policy. */
export async function listConversations(
  deps: RestReadDeps,
  viewer: Viewer,
  page: ConversationPage,
  memo?: RequestMemo,
): Promise<ConversationSlice> {
  const { sourceId, access, listingPath } = deps;
  if (!listingPath) {
    throw new GatewayError('NOT_SUPPORTED', `source "${sourceId}" cannot list conversations (no conversationsPath)`, {
      sourceId,
    });
  }
  // The listing endpoint takes no filters: only the gateway's own checks (status, updatedAfter) apply.
  refuseUnhonoured(sourceId, page.filter, page.order, { fields: [], orders: ['UPDATED_AT_DESC'] }, 'the REST listing takes no filters');
  checkLimit(sourceId, page.limit, 100);
  const after = page.after === null ? null : parseKey(sourceId, page.after, 'conversation cursor');
  if (!access.canRead(viewer)) return { items: [], hasMore: false };
  const headers = access.headers(viewer);
  const visible = new Set<string>();
  // Most recently updated first; ties by id ascending (DESIGN §4), so "after" the cursor is
  // older, or equally recent with a greater id.
  const beyond = (position: Position) =>
    !after || position.ms < after.ms || (position.ms === after.ms && position.id > after.id);
  const { items } = await scan<RestConversation>({
    direction: 'older',
    from: after,
    want: page.limit + 1,
    position: conversationPosition,
    keep: (conversation) => beyond(conversationPosition(conversation)) && visible.has(conversation.id),
    fetch: async (bound, limit) => {
      const answer = await access.client.conversations({ path: listingPath, limit, before: bound, headers, scope: memo?.scope });
      const ids = answer.data.conversations.map((conversation) => conversation.id);
      // The first page's unfiltered items bound what the filtered page can hold.
      if (memo && after === null && bound == null) {
        listingCandidates<ConversationRecord>(memo).resolve({
          items: answer.data.conversations.map(toConversationRecord),
          // As paging.ts reads it: a short page or `has_more: false` ends the listing.
          hasMore: !(answer.data.conversations.length < limit || answer.pagination?.has_more === false),
          ...(deps.listingHints ? { likelyDropped: deps.listingHints.dropped(viewer.id, ids) } : {}),
        });
      }
      // Decided before `keep` runs on this batch; under `owner`, one history read per item
      // (its newest LISTING_OWNER_DEPTH messages), a few at a time.
      await eachLimited(ids, OWNERSHIP_CONCURRENCY, async (id) => {
        const kept = await access.mayOpen(viewer, id, memo, LISTING_OWNER_DEPTH);
        if (kept) visible.add(id);
        deps.listingHints?.record(viewer.id, id, kept);
      });
      return { items: answer.data.conversations, hasMore: answer.pagination?.has_more };
    },
    sourceId,
    noun: 'conversations',
  });
  const sorted = items.sort((a, b) => {
    const left = conversationPosition(a);
    const right = conversationPosition(b);
    return left.ms !== right.ms ? right.ms - left.ms : comparePositions(left, right);
  });
  return { items: sorted.slice(0, page.limit).map(toConversationRecord), hasMore: sorted.length > page.limit };
}

/**
 * `ProviderAdapter.getConversations`: each distinct id in parallel (404 → null). With a listing,
 * `GET <conversationsPath>/{id}` so a conversation looks the same opened by id as listed;
 * without one, a probe of `GET /chat/history?limit=1` (no title; `updatedAt` = the newest
 * message's time).
 */
export async function getConversations(
  deps: RestReadDeps,
  viewer: Viewer,
  externalIds: readonly string[],
  memo?: RequestMemo,
): Promise<Array<ConversationRecord | null | Error>> {
  const { access, listingPath } = deps;
  const history = sharedHistory(memo, access.client.history);
  const probes = new Map<string, Promise<ConversationRecord | null | Error>>();
  const probe = async (id: string): Promise<ConversationRecord | null | Error> => {
    if (id.length === 0) return null;
    try {
      if (!(await access.mayOpen(viewer, id, memo))) return null;
      const headers = access.headers(viewer);
      if (listingPath) return toConversationRecord(await access.client.conversation({ path: listingPath, id, headers, scope: memo?.scope }));
      const answer = await history({ conversationId: id, limit: 1, headers });
      return toProbedConversationRecord(id, answer.data.messages);
    } catch (error) {
      return toSlot(error);
    }
  };
  for (const id of externalIds) if (!probes.has(id)) probes.set(id, probe(id));
  return Promise.all(externalIds.map((id) => probes.get(id)!));
}

/** `ProviderAdapter.getMessages`: one `before` scan per conversation resolves all of its refs (see `locate`). */
export async function getMessages(
  deps: RestReadDeps,
  viewer: Viewer,
  refs: readonly MessageRef[],
  memo?: RequestMemo,
): Promise<Array<MessageRecord | null | Error>> {
  const { sourceId, access } = deps;
  const history = sharedHistory(memo, access.client.history);
  const { results, groups } = groupRefs<MessageRecord, string, Position>(refs, (ref) => {
    const position = decodePosition(ref.key);
    if (!position) return new GatewayError('BAD_USER_INPUT', 'invalid message key', { sourceId });
    return { conversation: ref.conversationExternalId, key: position };
  });
  await Promise.all(
    [...groups].map(async ([conversationId, group]) => {
      try {
        if (!(await access.mayOpen(viewer, conversationId, memo))) return;
        const found = await locate<RestMessage>(
          group.map((entry) => entry.key),
          {
            position: messagePosition,
            fetch: async (before, limit) => {
              const answer = await history({ conversationId, limit, before, headers: access.headers(viewer) });
              return { items: answer.data.messages, hasMore: answer.pagination?.has_more };
            },
            sourceId,
            noun: 'messages',
          },
        );
        found.forEach((item, i) => {
          results[group[i]!.slot] = item === null || item instanceof Error ? item : toMessageRecord(conversationId, item);
        });
      } catch (error) {
        const slot = toSlot(error);
        for (const entry of group) results[entry.slot] = slot;
      }
    }),
  );
  return results;
}

/** Creates the adapter of one REST source. */
function create(config: RestConfig, services: AdapterServices): ProviderAdapter {
  const sourceId = config.id;
  if ((config.access ?? 'owner') !== 'forward' && !config.token) {
    throw new Error(`sources "${sourceId}": token is required unless access is forward`);
  }
  // Defaults repeated for callers that build the config without the schema.
  const policy = {
    id: sourceId,
    access: config.access ?? 'owner',
    ownerFrom: config.ownerFrom ?? 'id',
    ownerScanLimit: config.ownerScanLimit ?? 1000,
  };
  const access = createRestAccess(policy, createRestClient({ ...config, token: config.token ?? '' }, services.http, services.logger));
  const deps: RestReadDeps = { sourceId, access, listingPath: config.conversationsPath, listingHints: createListingHints() };
  return {
    capabilities: { listConversations: Boolean(deps.listingPath) },
    listConversations: (viewer, page, memo) => listConversations(deps, viewer, page, memo),
    getConversations: (viewer, ids, memo) => getConversations(deps, viewer, ids, memo),
    listMessages: (viewer, id, page, memo) => listMessages(deps, viewer, id, page, memo),
    getMessages: (viewer, refs, memo) => getMessages(deps, viewer, refs, memo),
    // Any non-empty id may name a conversation; the upstream spells it as given.
    canonicalConversationId: (id) => (id.length > 0 ? id : null),
    close: () => access.client.close(),
  };
}

/** The `rest` kind: config keys `token` and optional `conversationsPath`; graph kind `REST` (kinds.ts). */
export default {
  kind: 'rest',
  configShape,
  create,
  forwardsViewerToken: (config) => (config.access === 'forward' ? { key: 'access', setting: 'access "forward"' } : undefined),
} satisfies ProviderKind<typeof configShape>;
