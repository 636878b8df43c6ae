/**
 * The gateway's cross-request cache: the one place state outlives a request (Chatwoot contact
 * lookups, idempotency keys, where a Dify conversation lives). In memory by default, which suits
 * one instance; a Redis-backed implementation of the same interface shares it between replicas.
 * Values must be JSON-serialisable (a shared store keeps them as JSON). Keys carry no secret and
 * no viewer data beyond what the lookup itself needs.
 */
import { LRUCache } from 'lru-cache';

/**
 * A key-value store with per-entry TTLs. Lookup caching (`get`, `set`, `delete`) never fails: a
 * shared store that cannot be reached answers from (and writes to) a copy in this process.
 * Deduplication (`setIfAbsent`, `getOrThrow`) fails closed instead: a replica cannot tell
 * "absent" from "not answering", so it refuses rather than risk doing something twice.
 */
export interface SharedCache {
  /** The stored value, or undefined when absent or expired (a shared store that cannot be reached: this process's copy). */
  get<T>(key: string): Promise<T | undefined>;
  /**
   * The stored value, or undefined when absent or expired.
   * @throws GatewayError UPSTREAM_UNAVAILABLE when a shared store does not answer
   */
  getOrThrow<T>(key: string): Promise<T | undefined>;
  /** Stores `value` for `ttlMs` milliseconds. A store that cannot be reached drops the write. */
  set<T>(key: string, value: T, ttlMs: number): Promise<void>;
  /** Forgets `key`. */
  delete(key: string): Promise<void>;
  /**
   * Stores `value` only when `key` is absent (atomically in a shared store): true when this
   * call stored it.
   * @throws GatewayError UPSTREAM_UNAVAILABLE when a shared store does not answer (fail closed)
   */
  setIfAbsent<T>(key: string, value: T, ttlMs: number): Promise<boolean>;
  /** Releases connections. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * An in-process cache bounded to `max` entries (least recently used evicted first).
 * @param max entries kept, default 50 000
 */
export function createMemoryCache({ max = 50_000 }: { max?: number } = {}): SharedCache {
  // lru-cache needs non-nullish values: wrap them so `null` (a negative lookup) can be cached.
  const entries = new LRUCache<string, { value: unknown }>({ max, ttlAutopurge: false });
  return {
    get: async <T>(key: string) => entries.get(key)?.value as T | undefined,
    getOrThrow: async <T>(key: string) => entries.get(key)?.value as T | undefined,
    set: async (key, value, ttlMs) => {
      entries.set(key, { value }, { ttl: ttlMs });
    },
    delete: async (key) => {
      entries.delete(key);
    },
    setIfAbsent: async (key, value, ttlMs) => {
      if (entries.has(key)) return false;
      entries.set(key, { value }, { ttl: ttlMs });
      return true;
    },
    close: async () => entries.clear(),
  };
}

/** A view of `cache` whose keys all start with `prefix` (e.g. `source:<id>:`). */
export function prefixCache(cache: SharedCache, prefix: string): SharedCache {
  return {
    get: (key) => cache.get(prefix + key),
    getOrThrow: (key) => cache.getOrThrow(prefix + key),
    set: (key, value, ttlMs) => cache.set(prefix + key, value, ttlMs),
    delete: (key) => cache.delete(prefix + key),
    setIfAbsent: (key, value, ttlMs) => cache.setIfAbsent(prefix + key, value, ttlMs),
    // The underlying cache is owned (and closed) by whoever created it.
    close: async () => {},
  };
}

/** Told about every `get`: the full key and whether a value was found. */
export type CacheLookupListener = (key: string, hit: boolean) => void;

/**
 * A view of `cache` that reports every lookup to `onLookup` (cache hit/miss metrics). A
 * listener that throws is ignored; the lookup's answer never changes.
 */
export function observeCache(cache: SharedCache, onLookup: CacheLookupListener): SharedCache {
  return {
    async get<T>(key: string) {
      const value = await cache.get<T>(key);
      try {
        onLookup(key, value !== undefined);
      } catch {
        // Counting must not break a lookup.
      }
      return value;
    },
    getOrThrow: (key) => cache.getOrThrow(key),
    set: (key, value, ttlMs) => cache.set(key, value, ttlMs),
    delete: (key) => cache.delete(key),
    setIfAbsent: (key, value, ttlMs) => cache.setIfAbsent(key, value, ttlMs),
    close: () => cache.close(),
  };
}
