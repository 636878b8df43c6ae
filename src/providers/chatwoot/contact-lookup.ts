/**
 * Which Chatwoot contact a viewer is: `GET /contacts/search?q=<viewer id or email>` paged until
 * the exact match, at a cost that does not grow with requests. Chatwoot limits contact search
 * per account (about 100 a minute, shared with everything else using the token), and a caller
 * can send any made-up viewer id, so:
 * - answers are kept in the cross-request cache (`AdapterServices.cache`, shared by replicas
 *   with Redis): a found contact id for `CONTACT_TTL_MS`, "no such contact" for
 *   `NO_CONTACT_TTL_MS`, keyed by the matched field and the viewer's value only;
 * - concurrent lookups of one value in this process share one search;
 * - search calls are rate-limited per source and process (`rate-limiter-flexible`) below
 *   Chatwoot's own limit (config `contactSearchesPerMinute`); past it a lookup fails at once
 *   with RATE_LIMITED and `retryAfter`, without calling Chatwoot.
 */
import type { Logger } from 'pino';
import type { RateLimiterMemory } from 'rate-limiter-flexible';
import type { SharedCache } from '../../core/cache.js';
import { GatewayError } from '../../core/errors.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import { CHATWOOT_PAGE, type ChatwootClient } from './client.js';

/** How long a found contact id is reused across requests, ms. */
export const CONTACT_TTL_MS = 60_000;
/** How long "no contact matches" is reused across requests, ms (a contact created meanwhile waits this long). */
export const NO_CONTACT_TTL_MS = 30_000;
/** Search pages read before giving up on a value that many contacts contain (15 each). */
export const MAX_CONTACT_SEARCH_PAGES = 20;
/** Search calls per minute a source makes at most, by default: below Chatwoot's ~100. */
export const DEFAULT_CONTACT_SEARCHES_PER_MINUTE = 60;

export interface ContactLookupOptions {
  client: ChatwootClient;
  sourceId: string;
  logger: Logger;
  /** The source's cross-request cache. */
  cache: SharedCache;
  /** The contact field matched (part of the cache key). */
  contactMatch: 'identifier' | 'email';
  /** Whether a search result is the viewer's contact, exactly. */
  matches: (contact: { identifier?: string | null; email?: string | null }, value: string) => boolean;
  /** Search calls per minute, at most. @default DEFAULT_CONTACT_SEARCHES_PER_MINUTE */
  searchesPerMinute?: number;
}

/**
 * Creates the contact lookup of one source.
 * @returns `find(value, requestScope?)`: the contact id, or null when no contact matches exactly;
 *   the searches run under `requestScope` (a lookup joining one in flight shares its scope)
 * @throws (from `find`) GatewayError RATE_LIMITED past the search limit, or the search's own error
 */
export function createContactLookup(
  options: ContactLookupOptions,
): (value: string, requestScope?: RequestScope) => Promise<number | null> {
  const { client, sourceId, logger, cache, matches } = options;
  const perMinute = options.searchesPerMinute ?? DEFAULT_CONTACT_SEARCHES_PER_MINUTE;
  // rate-limiter-flexible is loaded on the first search: most gateways have no Chatwoot source,
  // and none needs it before its first contact lookup.
  let limiter: Promise<{ limiter: RateLimiterMemory; Refusal: typeof import('rate-limiter-flexible').RateLimiterRes }> | undefined;
  const limiterOf = () =>
    (limiter ??= import('rate-limiter-flexible').then((module) => ({
      limiter: new module.RateLimiterMemory({ points: perMinute, duration: 60 }),
      Refusal: module.RateLimiterRes,
    })));
  const inFlight = new Map<string, Promise<number | null>>();
  const keyOf = (value: string) => `contact:${options.contactMatch}:${value}`;

  async function search(value: string, requestScope: RequestScope | undefined): Promise<number | null> {
    // Search matches substrings of name, email, phone and identifier: page until the exact one.
    for (let page = 1; page <= MAX_CONTACT_SEARCH_PAGES; page += 1) {
      await allowSearch();
      const result = await client.searchContacts(value, page, requestScope);
      const exact = result.payload.find((contact) => matches(contact, value));
      if (exact) return exact.id;
      if (result.payload.length < CHATWOOT_PAGE.contacts || result.meta?.has_more === false) return null;
    }
    logger.warn({ sourceId, pages: MAX_CONTACT_SEARCH_PAGES }, 'contact search gave up: too many contacts contain the viewer id');
    return null;
  }

  async function allowSearch(): Promise<void> {
    const { limiter, Refusal } = await limiterOf();
    try {
      await limiter.consume(sourceId);
    } catch (refusal) {
      if (!(refusal instanceof Refusal)) throw refusal;
      const retryAfter = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      logger.warn({ sourceId, retryAfter }, 'contact searches over the per-minute limit; refusing lookups');
      throw new GatewayError('RATE_LIMITED', `too many contact lookups on source "${sourceId}"; retry later`, {
        sourceId,
        retryAfter,
      });
    }
  }

  async function lookUp(value: string, requestScope: RequestScope | undefined): Promise<number | null> {
    const cached = await cache.get<{ contactId: number | null }>(keyOf(value));
    if (cached) return cached.contactId;
    const contactId = await search(value, requestScope);
    await cache.set(keyOf(value), { contactId }, contactId === null ? NO_CONTACT_TTL_MS : CONTACT_TTL_MS);
    return contactId;
  }

  return function find(value: string, requestScope?: RequestScope): Promise<number | null> {
    let pending = inFlight.get(value);
    if (!pending) {
      pending = lookUp(value, requestScope).finally(() => inFlight.delete(value));
      inFlight.set(value, pending);
    }
    return pending;
  };
}
