/**
 * Where in an upstream's walk each item a replica served was: the page request that held it,
 * which page came before each page, and the walk's last page. An API that pages one way with
 * opaque cursors (Slack, Matrix, Zendesk, next-page links) cannot start a page at an item, so
 * without this memory every read after a cursor walks from the list's start; with it, the read
 * re-fetches the page that held the cursor's item and continues from there, and a walk against
 * the API's direction steps from page to remembered previous page. A remembered page is always
 * checked (it must still hold the item, or still be the last); when it does not, the read walks
 * from the start. In-process, bounded, per source; keys name the viewer, so nothing is shared
 * between viewers. Never an access decision: every page is fetched with the reader's own
 * credentials.
 */
import { LRUCache } from 'lru-cache';
import type { PageRequest } from './fetch.js';
import type { Walk } from './list.js';

/** Remembered entries per source. */
const MAX_POSITIONS = 50_000;

/** The memory of one source. */
export interface Positions {
  /** The page that held `itemKey` in `walk` of `listKey`. */
  pageOf(listKey: string, walk: Walk, itemKey: string): PageRequest | undefined;
  /** The page before `page` in the walk; null when `page` is the walk's first. */
  previous(listKey: string, walk: Walk, page: PageRequest): PageRequest | null | undefined;
  /** The walk's last page, when it was reached. */
  last(listKey: string, walk: Walk): PageRequest | undefined;
  /** Records a fetched page: its items, the page before it (null for the first) and whether it ended the walk. */
  record(listKey: string, walk: Walk, page: PageRequest, previous: PageRequest | null, itemKeys: readonly string[], isLast: boolean): void;
}

/** Serializes a page request as a memory key. */
export function pageKey(page: PageRequest): string {
  return JSON.stringify([page.url ?? null, page.vars]);
}

/** A bounded memory; `ttlMs` 0 remembers nothing. */
export function createPositions(ttlMs: number): Positions {
  const entries = ttlMs > 0 ? new LRUCache<string, { page: PageRequest | null }>({ max: MAX_POSITIONS, ttl: ttlMs }) : undefined;
  const key = (...parts: string[]) => parts.join('\u0000');
  return {
    pageOf: (listKey, walk, itemKey) => entries?.get(key('at', listKey, walk, itemKey))?.page ?? undefined,
    previous: (listKey, walk, page) => entries?.get(key('prev', listKey, walk, pageKey(page)))?.page,
    last: (listKey, walk) => entries?.get(key('last', listKey, walk))?.page ?? undefined,
    record(listKey, walk, page, previous, itemKeys, isLast) {
      if (!entries) return;
      entries.set(key('prev', listKey, walk, pageKey(page)), { page: previous });
      for (const itemKey of itemKeys) entries.set(key('at', listKey, walk, itemKey), { page });
      if (isLast) entries.set(key('last', listKey, walk), { page });
    },
  };
}
