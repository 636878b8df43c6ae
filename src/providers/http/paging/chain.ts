/**
 * The walk-based strategies: `cursor` (the next page's cursor in the body), `next-url` (a URL
 * in the body or the `Link` header), `offset`, `page-number` and `id-window` (`after`/`before` an
 * item's id). The upstream's own order is the order: the two walks, where both exist, must be
 * the reverse of each other (as every API here documents).
 *
 * - Reading in a configured walk's direction from an item: `id-window` starts a page at the
 *   item; the others re-fetch the remembered page that held it (positions.ts) and continue, or
 *   walk from the start past it.
 * - Reading against the only configured walk (an API that pages one way, e.g. `first` on a
 *   newest-first API): steps from the item's remembered page to remembered previous pages, or
 *   walks from the start to the item, keeping the items nearest to it.
 * Walking from the start is bounded by `maxCallsPerRead` (and the request's call budget); past
 * it the read fails with BAD_USER_INPUT saying why, instead of spending more calls.
 */
import { GatewayError } from '../../../core/errors.js';
import type { Item } from '../mapping.js';
import { fetchPage, type Page, type PageRequest } from './fetch.js';
import type { Collected, ListSpec, Position, ReadContext, Walk } from './list.js';
import { pageKey, type Positions } from './positions.js';

/** A read's view of one list: its spec, its positions memory and how its walks move in time. */
export interface Chain {
  spec: ListSpec;
  positions: Positions;
  /** Whether an item lies strictly past a position's time in `walk` (a vanished cursor item is passed once time moves on). */
  isPast(walk: Walk, item: Item, from: Position): boolean;
}

function tooFar(spec: ListSpec): GatewayError {
  return new GatewayError(
    'BAD_USER_INPUT',
    `source "${spec.sourceId}" pages its ${spec.noun} one way only, and reaching this position would take more than ` +
      `${spec.maxCalls} upstream calls; page from the other end, or in smaller steps from a nearer cursor`,
    { sourceId: spec.sourceId },
  );
}

/** The first page of `walk`. */
export function firstRequest(spec: ListSpec, walk: Walk, limit: number): PageRequest {
  const size = spec.paging.strategy === 'page-number' ? spec.paging.maxPageSize : Math.min(limit, spec.paging.maxPageSize);
  const vars: PageRequest['vars'] = { 'page.limit': size };
  if (spec.paging.strategy === 'offset') vars['page.offset'] = 0;
  if (spec.paging.strategy === 'page-number') vars['page.number'] = spec.paging.firstPage;
  const start = spec.walks[walk]?.startAnchor;
  if (spec.paging.strategy === 'id-window' && start !== undefined) vars['page.anchor'] = start;
  return { vars };
}

/**
 * A remembered page, or undefined when the upstream now refuses it (an expired cursor answered
 * with a 4xx): the read then walks from the start instead of failing.
 */
async function remembered(load: Promise<Page>): Promise<Page | undefined> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'UPSTREAM_ERROR') return undefined;
    throw error;
  }
}

/** Fetches pages, counting them against the read's cap and remembering where items were. */
function pager(chain: Chain, context: ReadContext, walk: Walk) {
  let calls = 0;
  return async (request: PageRequest, previous: PageRequest | null | undefined): Promise<Page> => {
    calls += 1;
    if (calls > chain.spec.maxCalls) throw tooFar(chain.spec);
    const page = await fetchPage(chain.spec, context, walk, request);
    if (previous !== undefined) {
      chain.positions.record(context.listKey, walk, request, previous, page.items.map((item) => item.key), page.next === null);
    } else {
      chain.positions.record(context.listKey, walk, request, chain.positions.previous(context.listKey, walk, request) ?? null, page.items.map((item) => item.key), page.next === null);
    }
    return page;
  };
}

/**
 * Items beyond `from` (null: from the walk's start) in `walk`'s own direction, nearest first,
 * until `want` are collected or the walk ends.
 */
export async function readWithWalk(chain: Chain, context: ReadContext, walk: Walk, from: Position | null, fromKey: string | null, want: number): Promise<Collected> {
  const { spec, positions } = chain;
  const fetch = pager(chain, context, walk);
  const max = spec.paging.maxPageSize;
  let collected: Item[] = [];
  let request: PageRequest | null = null;
  let previous: PageRequest | null | undefined = null;
  let skipping = false;

  if (from === null) {
    request = firstRequest(spec, walk, want);
  } else if (spec.paging.strategy === 'id-window') {
    request = { vars: { 'page.limit': Math.min(want, max), 'page.anchor': from.id } };
    previous = undefined;
  } else {
    const known = fromKey ? positions.pageOf(context.listKey, walk, fromKey) : undefined;
    let located = false;
    const page = known ? await remembered(fetch(known, undefined)) : undefined;
    const at = page ? page.items.findIndex((item) => item.id === from.id) : -1;
    if (page && at >= 0) {
      located = true;
      collected = page.items.slice(at + 1);
      request = page.next;
      previous = known;
    }
    if (!located) {
      request = firstRequest(spec, walk, max);
      previous = null;
      skipping = true;
    }
  }

  while (request && collected.length < want) {
    const page = await fetch(request, previous);
    for (const item of page.items) {
      if (skipping) {
        if (item.id === from!.id) {
          skipping = false;
          continue;
        }
        if (!chain.isPast(walk, item, from!)) continue;
        skipping = false;
      }
      collected.push(item);
    }
    previous = request;
    request = page.next;
  }
  return { items: collected, exhausted: request === null };
}

/**
 * Items beyond `from` in the direction opposite to `walk` (the only walk the API has), nearest
 * first: remembered pages first, else a walk from `walk`'s start up to `from`.
 */
export async function readAgainstWalk(chain: Chain, context: ReadContext, walk: Walk, from: Position | null, fromKey: string | null, want: number): Promise<Collected> {
  const { spec, positions } = chain;
  const fetch = pager(chain, context, walk);

  const known = from ? (fromKey ? positions.pageOf(context.listKey, walk, fromKey) : undefined) : positions.last(context.listKey, walk);
  const page = known ? await remembered(fetch(known, undefined)) : undefined;
  if (known && page) {
    const at = from ? page.items.findIndex((item) => item.id === from.id) : page.next === null ? page.items.length : -1;
    if (at >= 0) {
      const collected = page.items.slice(0, at).reverse();
      let current = known;
      let intact = true;
      while (collected.length < want) {
        const before = positions.previous(context.listKey, walk, current);
        if (before === null) return { items: collected, exhausted: true };
        if (before === undefined) {
          intact = false;
          break;
        }
        const earlier = await remembered(fetch(before, undefined));
        if (!earlier?.next || pageKey(earlier.next) !== pageKey(current)) {
          intact = false;
          break;
        }
        collected.push(...[...earlier.items].reverse());
        current = before;
      }
      if (intact) return { items: collected, exhausted: false };
    }
  }

  // Walk from the start up to `from`, keeping the `want` items nearest to it.
  let request: PageRequest | null = firstRequest(spec, walk, spec.paging.maxPageSize);
  let previous: PageRequest | null = null;
  let kept: Item[] = [];
  let reached = false;
  while (request && !reached) {
    const page = await fetch(request, previous);
    for (const item of page.items) {
      if (from && (item.id === from.id || chain.isPast(walk, item, from))) {
        reached = true;
        break;
      }
      kept.push(item);
    }
    if (kept.length > want * 2 + 200) kept = kept.slice(-want);
    previous = request;
    request = page.next;
  }
  const nearest = kept.slice(-want).reverse();
  return { items: nearest, exhausted: kept.length <= want };
}

/**
 * Finds items by position: remembered pages first (one call per page), then a walk from the
 * start of `walk` that stops once every wanted item is found or passed.
 * @returns per position: the item, null (absent), or an Error for positions the cap left open
 */
export async function locateInChain(chain: Chain, context: ReadContext, walk: Walk, wanted: ReadonlyArray<{ position: Position; key: string }>): Promise<Array<Item | null | Error>> {
  const { spec, positions } = chain;
  const results: Array<Item | null | Error | undefined> = wanted.map(() => undefined);
  const resolve = (items: readonly Item[]) => {
    const byId = new Map(items.map((item) => [item.id, item]));
    wanted.forEach(({ position, key }, index) => {
      if (results[index] !== undefined) return;
      const item = byId.get(position.id);
      if (item) results[index] = item.key === key ? item : null;
    });
  };

  const candidates = new Map<string, { walk: Walk; page: PageRequest }>();
  for (const { key } of wanted) {
    for (const name of ['backward', 'forward'] as const) {
      const page = spec.walks[name] ? positions.pageOf(context.listKey, name, key) : undefined;
      if (page) candidates.set(`${name}:${pageKey(page)}`, { walk: name, page });
    }
  }
  for (const { walk: owner, page } of candidates.values()) {
    if (results.every((result) => result !== undefined)) break;
    resolve((await remembered(fetchPage(spec, context, owner, page)))?.items ?? []);
  }
  if (results.every((result) => result !== undefined)) return results as Array<Item | null | Error>;

  const fetch = pager(chain, context, walk);
  let request: PageRequest | null = firstRequest(spec, walk, spec.paging.maxPageSize);
  let previous: PageRequest | null = null;
  try {
    while (request && results.some((result) => result === undefined)) {
      const page = await fetch(request, previous);
      resolve(page.items);
      const last = page.items.at(-1);
      if (last) {
        wanted.forEach(({ position }, index) => {
          if (results[index] === undefined && chain.isPast(walk, last, position)) results[index] = null;
        });
      }
      previous = request;
      request = page.next;
    }
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    return results.map((result) => (result === undefined ? failure : result));
  }
  return results.map((result) => result ?? null);
}
