/**
 * Conversation lists over one or many sources, as one stream ordered most recently updated
 * first (ties: source id, then external id). Upstream lists only page forward, each in its own
 * order; the merge always takes the best head among the sources and, within a source, keeps the
 * upstream's order, so a position is simply "the last item consumed from each source".
 *
 * Backward paging (`last`/`before`) has no upstream equivalent: it re-reads forward from the
 * start, bounded by `MAX_BACKWARD_SCAN` items.
 *
 * Filters and order (`ConversationListing`) go to every source with each page read; the sources
 * apply them upstream or refuse them (NOT_SUPPORTED, that source's failure alone). The merge
 * orders by the listing's order and checks status and `updatedAfter` itself on every item
 * (`gatewayCheck`), so a source that ignores those two never shows an item outside them.
 */
import { GatewayError } from '../core/errors.js';
import { listingCandidates } from '../upstream/request-memo.js';
import type { ConversationRecord } from '../core/records.js';
import { gatewayCheck, UNFILTERED, type ConversationListing } from '../core/conversation-filter.js';
import type { Loaders } from './index.js';

/** Per source: the `cursorKey` of the last item consumed, or null for "nothing yet". */
export type ListPosition = Record<string, string | null>;

/** One item of a merged list, with the position just after it (what its cursor encodes). */
export interface ListedConversation {
  sourceId: string;
  record: ConversationRecord;
  position: ListPosition;
}

export interface ConversationListPage {
  items: ListedConversation[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Sources that failed while reading; their items are missing from `items`. */
  failures: GatewayError[];
}

/** Items a backward read may scan before giving up. */
export const MAX_BACKWARD_SCAN = 1000;

/** The item a `before` cursor points at. */
export interface ListAnchor {
  sourceId: string;
  externalId: string;
}

/**
 * Orders two conversations for the merged list: by the listing's time (default newest
 * `updatedAt` first; a missing time counts as the oldest), then source, then id.
 */
export function compareConversations(a: ListedHead, b: ListedHead, listing: ConversationListing = UNFILTERED): number {
  const field = listing.order.startsWith('CREATED_AT') ? 'createdAt' : 'updatedAt';
  const at = a.record[field]?.getTime() ?? Number.NEGATIVE_INFINITY;
  const bt = b.record[field]?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (at !== bt) return listing.order.endsWith('_ASC') ? at - bt : bt - at;
  if (a.sourceId !== b.sourceId) return a.sourceId < b.sourceId ? -1 : 1;
  return a.record.externalId < b.record.externalId ? -1 : a.record.externalId > b.record.externalId ? 1 : 0;
}

interface ListedHead {
  sourceId: string;
  record: ConversationRecord;
}

/** Lazily reads one source's list from a position, page by page, through its DataLoader. */
class SourceReader {
  private buffer: ConversationRecord[] = [];
  private fetchAfter: string | null;
  private exhausted = false;
  failure: GatewayError | undefined;

  constructor(
    private readonly loaders: Loaders,
    readonly sourceId: string,
    start: string | null,
    private readonly pageSize: number,
    private readonly listing: ConversationListing,
  ) {
    this.fetchAfter = start;
  }

  /**
   * The next item without consuming it; undefined at the end or after a failure. Items the
   * gateway's own checks drop are skipped, reading on (each read counts against the request's
   * call budget, which bounds a filter that matches nothing).
   */
  async peek(): Promise<ConversationRecord | undefined> {
    while (this.buffer.length === 0 && !this.exhausted && !this.failure) {
      try {
        const slice = await this.loaders
          .forSource(this.sourceId)
          .conversationPage.load({ after: this.fetchAfter, limit: this.pageSize, filter: this.listing.filter, order: this.listing.order });
        this.exhausted = !slice.hasMore || slice.items.length === 0;
        const kept: ConversationRecord[] = [];
        for (const record of slice.items) {
          const check = gatewayCheck(this.listing, record);
          if (check === 'stop') {
            this.exhausted = true;
            break;
          }
          if (check === 'keep') kept.push(record);
        }
        this.buffer = kept;
        const last = slice.items.at(-1);
        if (last) this.fetchAfter = last.cursorKey;
      } catch (error) {
        if (error instanceof GatewayError) {
          this.failure = error;
        } else {
          // An adapter's own bug: operators need its stack; the client only learns the source failed.
          this.loaders.logger.error({ err: error, sourceId: this.sourceId }, 'unexpected error listing conversations');
          this.failure = new GatewayError('UPSTREAM_ERROR', `source "${this.sourceId}" failed`, { sourceId: this.sourceId, cause: error });
        }
      }
    }
    return this.buffer[0];
  }

  take(): ConversationRecord | undefined {
    return this.buffer.shift();
  }
}

/**
 * Reads the merged stream from `start`, stopping after `count` items or at `stop` (exclusive).
 * @returns the items, whether more exist after them, and the sources that failed
 */
async function readMerged(
  loaders: Loaders,
  sourceIds: readonly string[],
  start: ListPosition,
  count: number,
  pageSize: number,
  listing: ConversationListing,
  stop?: ListAnchor,
): Promise<{ items: ListedConversation[]; hasMore: boolean; reachedStop: boolean; failures: GatewayError[] }> {
  const readers = sourceIds.map((id) => new SourceReader(loaders, id, start[id] ?? null, pageSize, listing));
  const position: ListPosition = Object.fromEntries(sourceIds.map((id) => [id, start[id] ?? null]));
  const items: ListedConversation[] = [];
  for (;;) {
    const heads = await Promise.all(readers.map(async (reader) => ({ reader, record: await reader.peek() })));
    let best: { reader: SourceReader; record: ConversationRecord } | undefined;
    for (const head of heads) {
      if (!head.record) continue;
      const candidate = { reader: head.reader, record: head.record };
      if (!best || compareConversations({ sourceId: candidate.reader.sourceId, record: candidate.record }, { sourceId: best.reader.sourceId, record: best.record }, listing) < 0) {
        best = candidate;
      }
    }
    const failures = readers.flatMap((reader) => (reader.failure ? [reader.failure] : []));
    if (!best) return { items, hasMore: false, reachedStop: false, failures };
    if (stop && best.reader.sourceId === stop.sourceId && best.record.externalId === stop.externalId) {
      return { items, hasMore: true, reachedStop: true, failures };
    }
    if (items.length === count) return { items, hasMore: true, reachedStop: false, failures };
    best.reader.take();
    position[best.reader.sourceId] = best.record.cursorKey;
    items.push({ sourceId: best.reader.sourceId, record: best.record, position: { ...position } });
  }
}

/**
 * The `limit` items after `after` (or from the start).
 * @param sourceIds sources that can list, in a stable order
 * @param listing filters and order, the same for every page of one list
 */
export async function readForward(
  loaders: Loaders,
  sourceIds: readonly string[],
  after: ListPosition | null,
  limit: number,
  listing: ConversationListing = UNFILTERED,
): Promise<ConversationListPage> {
  const pageSize = Math.min(100, limit + 1);
  const result = await readMerged(loaders, sourceIds, after ?? {}, limit, pageSize, listing);
  return { items: result.items, hasNextPage: result.hasMore, hasPreviousPage: after !== null, failures: result.failures };
}

/**
 * The `limit` items just before `before` (or the last `limit` of the whole list).
 * @throws GatewayError NOT_SUPPORTED when the anchor lies more than `MAX_BACKWARD_SCAN` items in
 */
export async function readBackward(
  loaders: Loaders,
  sourceIds: readonly string[],
  before: ListAnchor | null,
  limit: number,
  listing: ConversationListing = UNFILTERED,
): Promise<ConversationListPage> {
  const result = await readMerged(loaders, sourceIds, {}, MAX_BACKWARD_SCAN, 100, listing, before ?? undefined);
  if (result.hasMore && !result.reachedStop) {
    throw new GatewayError(
      'NOT_SUPPORTED',
      `paging backward through more than ${MAX_BACKWARD_SCAN} conversations is not supported; page forward with first/after`,
    );
  }
  const start = Math.max(0, result.items.length - limit);
  return {
    items: result.items.slice(start),
    hasNextPage: before !== null,
    hasPreviousPage: start > 0,
    failures: result.failures,
  };
}

/** A conversation of the first page to read ahead for, with the source it comes from. */
export interface ReadAheadItem {
  sourceId: string;
  record: ConversationRecord;
}

/** The first page's conversations worth reading ahead for (see `firstPageReadAhead`). */
export interface FirstPageReadAhead {
  /** On the page whatever the filtering sources' checks decide; best first. */
  certain: ReadAheadItem[];
  /**
   * On the page if the checks drop the candidates predicted to be dropped (`likelyDropped`)
   * and keep the others; best first, at most `maxPossible` of them.
   */
  possible: ReadAheadItem[];
}

/**
 * The conversations of the first forward page of `limit` over `sourceIds` whose follow-up reads
 * (each conversation's messages) may start as soon as every source's candidates are known: a
 * source's exact page, or, for a source that still filters its listing item by item (REST
 * `owner`), the unfiltered upstream page it announced (`listingCandidates`), with the
 * candidates an earlier request saw dropped (`likelyDropped`). Filtering can only drop items,
 * so an exact item is
 * - certain when fewer than `limit` candidates (exact or not) rank above it;
 * - possible when fewer than `limit` items rank above it not counting the candidates predicted
 *   to be dropped: it makes the page if the predictions hold; at most `maxPossible`, best first;
 * and neither once a source that has more could hold unseen items above it. The page itself
 * still comes from `readForward`. A read started for a possible item is spent for nothing only
 * when a predicted drop is kept after all, so the wasted conversations are at most
 * `min(maxPossible, candidates predicted dropped but kept)`; without predictions there are no
 * possible items. Never rejects: a failed source counts as empty (its items are missing from
 * the page too).
 * @param maxPossible possible items to return at most (0: certain items only)
 */
export async function firstPageReadAhead(
  loaders: Loaders,
  sourceIds: readonly string[],
  limit: number,
  maxPossible: number,
): Promise<FirstPageReadAhead> {
  const pageSize = Math.min(100, limit + 1);
  const none: ReadonlySet<string> = new Set();
  const sources = await Promise.all(
    sourceIds.map(async (sourceId) => {
      const source = loaders.forSource(sourceId);
      const exact = source.conversationPage
        .load({ after: null, limit: pageSize })
        .then((slice) => ({ exact: true, items: slice.items, hasMore: slice.hasMore, likelyDropped: none }));
      const announced = listingCandidates<ConversationRecord>(source.memo).promise.then((candidates) => ({
        exact: false,
        items: candidates.items,
        hasMore: candidates.hasMore,
        likelyDropped: candidates.likelyDropped ?? none,
      }));
      try {
        return { sourceId, ...(await Promise.race([exact, announced])) };
      } catch {
        return { sourceId, exact: true, items: [] as readonly ConversationRecord[], hasMore: false, likelyDropped: none };
      }
    }),
  );
  const found: FirstPageReadAhead = { certain: [], possible: [] };
  // A source that has more but showed nothing could hold any rank.
  if (sources.some((source) => source.hasMore && source.items.length === 0)) return found;
  const heads = sources.flatMap((source) =>
    source.items.map((record) => ({
      sourceId: source.sourceId,
      record,
      exact: source.exact,
      likelyDropped: !source.exact && source.likelyDropped.has(record.externalId),
    })),
  );
  heads.sort(compareConversations);
  // Past the last item of a source that has more, that source's unseen items may rank higher.
  const bounds = sources.filter((source) => source.hasMore).map((source) => ({ sourceId: source.sourceId, record: source.items.at(-1)! }));
  // Items above the current head that are on the page if the predictions hold.
  let expectedAbove = 0;
  for (const [above, head] of heads.entries()) {
    if (expectedAbove >= limit || bounds.some((bound) => compareConversations(head, bound) > 0)) break;
    if (head.likelyDropped) continue;
    if (head.exact) {
      if (above < limit) found.certain.push({ sourceId: head.sourceId, record: head.record });
      else if (found.possible.length < maxPossible) found.possible.push({ sourceId: head.sourceId, record: head.record });
      else break;
    }
    expectedAbove += 1;
  }
  return found;
}
