/**
 * A memo that lives exactly as long as one GraphQL request: the request's loaders create one per
 * source and hand it to every adapter read, so an adapter can share one upstream walk between
 * the reads of a request (a Dify conversation list, a conversation's message pages, a REST
 * ownership decision) without anything outliving the request. Reads made outside a request
 * (live pollers, scripts) get no memo and always go upstream, so they never see stale pages.
 * The memo also carries the request's `RequestScope` (deadline, call budget), which adapters
 * hand to every upstream call the read makes.
 */
import type { RequestScope } from './request-scope.js';

/** Per-request state of one source, keyed by strings the adapter chooses. */
export interface RequestMemo {
  /** The value stored under `key`, creating it with `create` on first use. */
  get<T>(key: string, create: () => T): T;
  /** Forgets `key` (e.g. a promise that rejected, so the next read tries again). */
  delete(key: string): void;
  /** Forgets everything, e.g. after a write changed what was read. */
  clear(): void;
  /**
   * The request's deadline and call budget, to pass to every upstream call made for it;
   * undefined when the request has none (subscriptions, or before the operation executes).
   */
  readonly scope: RequestScope | undefined;
}

/**
 * A fresh, empty memo.
 * @param scope read on every `memo.scope`: the request's scope once its operation executes
 */
export function createRequestMemo(scope: () => RequestScope | undefined = () => undefined): RequestMemo {
  const entries = new Map<string, unknown>();
  return {
    get scope() {
      return scope();
    },
    get<T>(key: string, create: () => T): T {
      if (entries.has(key)) return entries.get(key) as T;
      const value = create();
      entries.set(key, value);
      return value;
    },
    delete: (key) => void entries.delete(key),
    clear: () => entries.clear(),
  };
}

/** Conversations an adapter listed before its own per-item checks ended (see `listingCandidates`). */
export interface ListingCandidates<Item> {
  /**
   * Resolves with the unfiltered first upstream page, in listing order: every item the filtered
   * page can hold that ranks above the last of them is among `items`; `hasMore` when the
   * upstream has more after them.
   */
  promise: Promise<AnnouncedCandidates<Item>>;
  resolve(candidates: AnnouncedCandidates<Item>): void;
}

/** What a filtering listing announces (see `ListingCandidates.promise`). */
export interface AnnouncedCandidates<Item> {
  items: readonly Item[];
  hasMore: boolean;
  /**
   * External ids of candidates an earlier request of the same viewer saw the filter drop: a
   * prediction only (the filter still decides), used to pick which uncertain items to read ahead.
   */
  likelyDropped?: ReadonlySet<string>;
}

/**
 * The first listing page's candidates in this request. An adapter whose listing filters
 * upstream items one by one (the REST `owner` policy reads each one's history) resolves it as
 * soon as the unfiltered items are known, so that the merged list can tell which other
 * sources' items are certain (or, for a bounded few, possible) to be on the page and start
 * their follow-up reads (messages) without waiting for the filter (`firstPageReadAhead`).
 * Adapters that do not filter never resolve it.
 * @param memo the request's memo of one source
 */
export function listingCandidates<Item>(memo: RequestMemo): ListingCandidates<Item> {
  return memo.get('listing-candidates', () => {
    let resolve!: (candidates: AnnouncedCandidates<Item>) => void;
    const promise = new Promise<AnnouncedCandidates<Item>>((done) => {
      resolve = done;
    });
    return { promise, resolve };
  });
}
