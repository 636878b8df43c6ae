/**
 * `ConversationConnection`: one source's conversation list or the list merged across sources,
 * most recently updated first. A source that fails leaves its items out and adds an error
 * naming it; the other sources' items still arrive.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from './context.js';
import { requireViewer } from './context.js';
import {
  readBackward,
  readForward,
  type ListAnchor,
  type ListPosition,
} from '../loaders/conversation-list.js';
import { badInput } from '../core/errors.js';
import { isUnfiltered, listingKey, UNFILTERED, type ConversationListing } from '../core/conversation-filter.js';
import { builder } from './builder.js';
import { parseConnectionArgs, type ConnectionArgs } from './connection-args.js';
import { prefetchListedMessages } from './conversation-prefetch.js';
import { reportPartialError } from './errors.js';
import { lazyPage } from './lazy-edges.js';
import { ConversationObject } from './refs.js';
import { conversationShape } from './shapes.js';

export const ConversationConnection = builder.connectionObject(
  {
    type: ConversationObject,
    name: 'ConversationConnection',
    description: 'Conversations, most recently updated first.',
  },
  { name: 'ConversationEdge' },
);

/** What a conversation-list cursor holds: the merge position and the item it points at. */
interface ListCursor {
  p: ListPosition;
  a: [string, string];
}

/**
 * Resolves a page of the conversation list over `sourceIds` (sources that can list), filtered
 * and ordered by `listing`. Cursors are bound to the sources and the listing: a cursor of
 * another filter or order is BAD_USER_INPUT, so a page is never read from a position of another list.
 * @throws GatewayError BAD_USER_INPUT (arguments, cursor), NOT_SUPPORTED (too far backward)
 */
export async function resolveConversationConnection(
  context: GatewayContext,
  info: GraphQLResolveInfo,
  sourceIds: readonly string[],
  args: ConnectionArgs,
  listing: ConversationListing = UNFILTERED,
) {
  const viewer = requireViewer(context);
  const request = parseConnectionArgs(args);
  const { cursors } = context.gateway;
  const unfiltered = isUnfiltered(listing);
  // The unfiltered list keeps the scope its cursors always had, so open cursors stay valid.
  const scope = `conversations\u0000${[...sourceIds].sort().join(',')}${unfiltered ? '' : `\u0000${listingKey(listing)}`}`;
  const cursor = request.cursor === null ? null : decodeListCursor(cursors.decode(scope, viewer.id, request.cursor), sourceIds);

  // Reading ahead predicts the unfiltered first page only.
  if (request.direction === 'forward' && cursor === null && unfiltered) prefetchListedMessages(context, info, sourceIds, request.limit);
  const page =
    request.direction === 'forward'
      ? await readForward(context.loaders, sourceIds, cursor?.p ?? null, request.limit, listing)
      : await readBackward(context.loaders, sourceIds, cursor ? anchorOf(cursor) : null, request.limit, listing);
  // When every source failed there is nothing partial about it: the field itself fails.
  const [firstFailure, ...otherFailures] = page.failures;
  if (firstFailure && page.failures.length === sourceIds.length) {
    for (const failure of otherFailures) reportPartialError(context, info, failure);
    throw firstFailure;
  }
  for (const failure of page.failures) reportPartialError(context, info, failure);

  const items = request.limit === 0 ? [] : page.items;
  return lazyPage(
    items,
    (item) => conversationShape(item.sourceId, item.record),
    (item) => cursors.encode(scope, viewer.id, { p: item.position, a: [item.sourceId, item.record.externalId] } satisfies ListCursor),
    { hasNextPage: page.hasNextPage, hasPreviousPage: page.hasPreviousPage },
  );
}

function anchorOf(cursor: ListCursor): ListAnchor {
  return { sourceId: cursor.a[0], externalId: cursor.a[1] };
}

/** Checks the decoded payload's shape (the HMAC already proved we issued it). */
function decodeListCursor(payload: unknown, sourceIds: readonly string[]): ListCursor {
  const cursor = payload as Partial<ListCursor> | null;
  const valid =
    cursor !== null &&
    typeof cursor === 'object' &&
    typeof cursor.p === 'object' &&
    cursor.p !== null &&
    Object.entries(cursor.p).every(([id, key]) => sourceIds.includes(id) && (key === null || typeof key === 'string')) &&
    Array.isArray(cursor.a) &&
    cursor.a.length === 2 &&
    cursor.a.every((part) => typeof part === 'string');
  if (!valid) throw badInput('invalid cursor');
  return cursor as ListCursor;
}
