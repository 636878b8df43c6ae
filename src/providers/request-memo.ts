/**
 * A memo that lives exactly as long as one GraphQL request: the request's loaders create one per
 * source and hand it to every adapter read, so an adapter can share one upstream walk between
 * the reads of a request (a Dify conversation list, a conversation's message pages, a REST
 * ownership decision) without anything outliving the request. Reads made outside a request
 * (live pollers, scripts) get no memo and always go upstream, so they never see stale pages.
 */

/** Per-request state of one source, keyed by strings the adapter chooses. */
export interface RequestMemo {
  /** The value stored under `key`, creating it with `create` on first use. */
  get<T>(key: string, create: () => T): T;
  /** Forgets `key` (e.g. a promise that rejected, so the next read tries again). */
  delete(key: string): void;
  /** Forgets everything, e.g. after a write changed what was read. */
  clear(): void;
}

/** A fresh, empty memo. */
export function createRequestMemo(): RequestMemo {
  const entries = new Map<string, unknown>();
  return {
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
