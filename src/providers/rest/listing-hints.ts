/**
 * What earlier listings of a REST source showed each viewer: for each (viewer, conversation),
 * whether the per-item filter (`access: owner`) kept the conversation. A prediction for the
 * next listing only, never an access decision: every request still runs its own checks. The
 * merged list uses it to choose which conversations whose place depends on those checks it
 * reads ahead (`firstPageReadAhead`); a wrong prediction costs one read or one round trip,
 * never a wrong answer. Bounded: the most recent `MAX_LISTING_HINTS` pairs, each for
 * `LISTING_HINT_TTL_MS`.
 */
import { LRUCache } from 'lru-cache';

/** (viewer, conversation) pairs remembered per source. */
export const MAX_LISTING_HINTS = 10_000;
/** How long a remembered outcome is used, ms. */
export const LISTING_HINT_TTL_MS = 10 * 60_000;

/** Outcomes of a source's listing filter, by viewer id and conversation id. */
export interface ListingHints {
  /** Records whether the filter kept `conversationId` for `viewerId`. */
  record(viewerId: string, conversationId: string, kept: boolean): void;
  /** The ids among `conversationIds` the filter dropped for `viewerId` when last seen. */
  dropped(viewerId: string, conversationIds: readonly string[]): Set<string>;
}

/** An empty, bounded hint store. */
export function createListingHints(): ListingHints {
  const outcomes = new LRUCache<string, boolean>({ max: MAX_LISTING_HINTS, ttl: LISTING_HINT_TTL_MS });
  const key = (viewerId: string, conversationId: string) => `${viewerId}\u0000${conversationId}`;
  return {
    record: (viewerId, conversationId, kept) => void outcomes.set(key(viewerId, conversationId), kept),
    dropped: (viewerId, conversationIds) => new Set(conversationIds.filter((id) => outcomes.get(key(viewerId, id)) === false)),
  };
}
