/**
 * One page of a walk: the request rendered with its page variables (or a next-page URL the
 * upstream gave), items selected and placed in the walk's order, and where the walk goes next
 * by the strategy's rule. Pages are shared within one GraphQL request (`RequestMemo`): the same
 * page asked twice costs one call, and a time window asked with a smaller limit than an earlier
 * one with the same bound is answered from it.
 */
import LinkHeader from 'http-link-header';
import type { Item } from '../mapping.js';
import { truthy } from '../paths.js';
import { scopeOf, type ListSpec, type ReadContext, type Walk } from './list.js';

/** Where one page is: its page variables, or an absolute next-page URL. */
export interface PageRequest {
  vars: Record<string, string | number>;
  url?: string;
}

/** One fetched page. */
export interface Page {
  /** In the walk's order. */
  items: Item[];
  /** The upstream's own has-more signal, when the config names one. */
  hasMore: boolean | undefined;
  /** The next page of the walk, or null at its end. */
  next: PageRequest | null;
}

type Pages = Map<string, { limit: number; page: Promise<Page> }>;

function linkNext(headers: Record<string, string | string[] | undefined>, rel: string): string | undefined {
  const raw = headers.link;
  const value = Array.isArray(raw) ? raw.join(', ') : raw;
  if (!value) return undefined;
  try {
    return LinkHeader.parse(value).rel(rel)[0]?.uri;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

async function load(spec: ListSpec, context: ReadContext, walk: Walk, request: PageRequest): Promise<Page> {
  const settings = spec.walks[walk];
  const scope = scopeOf(context);
  const values = { ...context.values, ...request.vars };
  const answer = request.url
    ? await spec.requester.readUrl(context.viewer, request.url, spec.request, values, settings ?? {}, scope)
    : await spec.requester.read(context.viewer, spec.request, values, settings ?? {}, scope);
  const raw = spec.select(answer.body);
  const items = raw.map((entry) => spec.place(entry));
  if (settings?.reversePages) items.reverse();
  const signalled = settings?.hasMore ? truthy(settings.hasMore(answer.body)) : undefined;
  const limit = Number(request.vars['page.limit'] ?? spec.paging.maxPageSize);
  const full = raw.length >= limit && raw.length > 0;
  const more = signalled ?? full;
  let next: PageRequest | null = null;
  switch (spec.paging.strategy) {
    case 'cursor': {
      const cursor = text(settings?.cursor?.(answer.body));
      // A missing cursor ends the walk; a repeated one would loop.
      if (cursor && (signalled ?? true) && cursor !== request.vars['page.cursor']) next = { vars: { 'page.limit': limit, 'page.cursor': cursor } };
      break;
    }
    case 'next-url': {
      const source = settings?.nextUrl;
      const url = source === undefined ? undefined : typeof source === 'function' ? text(source(answer.body)) : linkNext(answer.headers, source.link);
      if (url && (signalled ?? true) && url !== request.url) next = { vars: { 'page.limit': limit }, url };
      break;
    }
    case 'offset':
      if (more && raw.length > 0) next = { vars: { 'page.limit': limit, 'page.offset': Number(request.vars['page.offset'] ?? 0) + raw.length } };
      break;
    case 'page-number':
      if (more && raw.length > 0) next = { vars: { 'page.limit': limit, 'page.number': Number(request.vars['page.number'] ?? spec.paging.firstPage) + 1 } };
      break;
    case 'id-window':
      if (more && items.length > 0) next = { vars: { 'page.limit': limit, 'page.anchor': items.at(-1)!.id } };
      break;
    default:
      break;
  }
  return { items, hasMore: signalled, next };
}

/** The `limit` items of a larger time-window page nearest to its bound, as a call with that limit answers. */
function nearest(page: Page, limit: number, older: boolean): Page {
  if (page.items.length <= limit) return page;
  const sorted = [...page.items].sort((a, b) => (older ? b.time!.ms - a.time!.ms : a.time!.ms - b.time!.ms) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { items: sorted.slice(0, limit), hasMore: true, next: null };
}

/**
 * Fetches one page of `walk`, shared within the read's request.
 * @throws GatewayError as the source's error rules map the answer; UPSTREAM_ERROR for items
 *   without an id or ordering time
 */
export function fetchPage(spec: ListSpec, context: ReadContext, walk: Walk, request: PageRequest, older?: boolean): Promise<Page> {
  const memo = context.memo;
  if (!memo) return load(spec, context, walk, request);
  const pages = memo.get(`http-pages:${spec.noun}`, (): Pages => new Map());
  const windowed = spec.paging.strategy === 'time-window';
  const limit = Number(request.vars['page.limit'] ?? 0);
  const { 'page.limit': _limit, ...rest } = request.vars;
  const identity = windowed ? rest : request.vars;
  const key = JSON.stringify([context.listKey, walk, request.url ?? null, identity]);
  const known = pages.get(key);
  if (known && (known.limit === limit || (windowed && known.limit > limit))) {
    return windowed && known.limit > limit ? known.page.then((page) => nearest(page, limit, older ?? walk === 'backward')) : known.page;
  }
  const entry = { limit, page: load(spec, context, walk, request) };
  pages.set(key, entry);
  entry.page.catch(() => {
    if (pages.get(key) === entry) pages.delete(key);
  });
  return entry.page;
}
