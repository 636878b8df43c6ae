/**
 * The conversation access check that opens a live stream, shared between subscribers: many
 * viewers subscribing to the same conversation at once (a deploy reconnecting every chat screen)
 * cost one upstream lookup per access class, not one per subscriber.
 *
 * An answer is keyed by what decides it — source, the viewer's access class
 * (`ProviderAdapter.accessClass`: for Chatwoot every agent shares the account's view, a contact
 * has their own) and the conversation — never by viewer alone. Lookups in flight are joined;
 * a "visible" answer is kept `ACCESS_TTL_MS`, so a viewer whose access is revoked upstream is
 * refused new streams at most that long afterwards. "Not visible" and failures are never kept:
 * the next subscribe asks again (a conversation created a moment ago is found at once).
 */
import { LRUCache } from 'lru-cache';
import type { SourceEntry } from '../providers/contract.js';
import type { Viewer } from '../core/records.js';
import { accessClassOf } from '../live/access-class.js';

/** How long a "visible" answer is shared, ms (README "Live updates"). */
export const ACCESS_TTL_MS = 5_000;

/** Answers kept at most: (access class, conversation) pairs of recent subscribes. */
const MAX_ANSWERS = 10_000;

interface Lookup {
  source: SourceEntry;
  viewer: Viewer;
  conversationExternalId: string;
}

/**
 * `visible(source, viewer, id)`: true when the conversation exists and the viewer may read it,
 * by the adapter's `getConversations` (the same lookup reads use).
 * @throws GatewayError what the lookup failed with (UPSTREAM_UNAVAILABLE, UPSTREAM_ERROR, …)
 */
export type ConversationAccess = (source: SourceEntry, viewer: Viewer, conversationExternalId: string) => Promise<boolean>;

/** Creates a shared check; `conversationAccessOf` keeps one per gateway. */
export function createConversationAccess(ttlMs: number = ACCESS_TTL_MS): ConversationAccess {
  const answers = new LRUCache<string, true, Lookup>({
    max: MAX_ANSWERS,
    ttl: ttlMs,
    // Concurrent fetches of one key share one lookup (lru-cache joins them).
    fetchMethod: async (_key, _stale, { context }) => {
      const [found] = await context.source.adapter.getConversations(context.viewer, [context.conversationExternalId]);
      if (found instanceof Error) throw found;
      // undefined is not stored: a missing or foreign conversation is asked about again.
      return found ? true : undefined;
    },
  });
  return async (source, viewer, conversationExternalId) => {
    const key = JSON.stringify([source.id, accessClassOf(source, viewer), conversationExternalId]);
    return (await answers.fetch(key, { context: { source, viewer, conversationExternalId } })) === true;
  };
}

const perGateway = new WeakMap<object, ConversationAccess>();

/** The shared check of `gateway` (one per gateway object, created on first use). */
export function conversationAccessOf(gateway: object): ConversationAccess {
  let access = perGateway.get(gateway);
  if (!access) perGateway.set(gateway, (access = createConversationAccess()));
  return access;
}
