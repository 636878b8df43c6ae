/**
 * Label values with bounded cardinality. Operation names come from clients, and cache keys from
 * adapters, so neither goes into a label as it is: a label value is either one of a small
 * set of shapes or `other`, and never an id, a viewer's data or a secret.
 */

/** Distinct operation names kept per registry; later new names are counted as `other`. */
export const MAX_OPERATION_NAMES = 200;
/** Distinct cache scopes kept per registry. */
export const MAX_CACHE_SCOPES = 32;

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const SCOPE_WORD = /^[a-z][a-z0-9_-]{0,31}$/;
/** A word that looks like a generated id (uuid-ish, long hex, digits) is never a scope. */
const ID_LIKE = /\d{3,}|[0-9a-f]{8,}/i;

/**
 * Keeps the first `max` distinct values that pass `accept`; anything else is `other`.
 * @param max distinct values remembered
 */
export function createBoundedLabel(max: number, accept: (value: string) => boolean): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (!accept(value) || seen.size >= max) return 'other';
    seen.add(value);
    return value;
  };
}

/** Operation names: GraphQL names of up to 64 characters, `Anonymous` for none. */
export function createOperationNameLabel(max = MAX_OPERATION_NAMES): (name: string | undefined) => string {
  const bounded = createBoundedLabel(max, (value) => GRAPHQL_NAME.test(value));
  return (name) => (name ? bounded(name) : 'Anonymous');
}

/**
 * The scope of a cross-request cache key: `source:<id>` for a configured source's keys
 * (`source:<id>:…`), else the key's first `:`-separated word when it reads like a fixed name
 * (`idempotency`), else `other`.
 * @param sourceIds the configured source ids
 */
export function createCacheScopeLabel(sourceIds: Iterable<string>, max = MAX_CACHE_SCOPES): (key: string) => string {
  const sources = new Set(sourceIds);
  const bounded = createBoundedLabel(max, (word) => SCOPE_WORD.test(word) && !ID_LIKE.test(word));
  return (key) => {
    const [first = '', second = ''] = key.split(':', 2);
    if (first === 'source') return sources.has(second) ? `source:${second}` : 'other';
    return bounded(first);
  };
}
