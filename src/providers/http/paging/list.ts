/**
 * What every paging strategy works on: one list endpoint (a conversation's messages, or the
 * conversation listing) with its walks, and the context of one read (viewer, template values,
 * the request's scope and shared pages).
 */
import type { Viewer } from '../../../core/records.js';
import type { RequestScope } from '../../../upstream/request-scope.js';
import type { RequestMemo } from '../../../upstream/request-memo.js';
import type { DirectionConfig, PagingConfig } from '../config.js';
import type { Item } from '../mapping.js';
import { compilePath, type Path } from '../paths.js';
import { compileTemplates, type CompiledRequest, type Requester } from '../requests.js';
import type { Template } from '../templates.js';
import type { TimeFormat } from '../times.js';

/** A walk: `backward` from the newest item to older ones, `forward` from the oldest (listings: in list order). */
export type Walk = 'backward' | 'forward';

/** One configured walk, compiled. */
export interface CompiledWalk {
  query: Array<[string, Template]>;
  headers: Array<[string, Template]>;
  /** Pages arrive in the opposite order to the walk and are reversed. */
  reversePages: boolean;
  cursor?: Path;
  nextUrl?: Path | { link: string };
  hasMore?: Path;
  startAnchor?: string;
}

/** A list endpoint and how it pages. */
export interface ListSpec {
  sourceId: string;
  /** Names the items in errors, e.g. `messages`. */
  noun: string;
  paging: PagingConfig;
  request: CompiledRequest;
  walks: Partial<Record<Walk, CompiledWalk>>;
  select(body: unknown): unknown[];
  place(raw: unknown): Item;
  /** The format of `Item.time` (time windows send it back as a bound). */
  timeFormat: TimeFormat | undefined;
  requester: Requester;
  /** Upstream calls one read may make walking toward a position. */
  maxCalls: number;
}

/** The context of one read. */
export interface ReadContext {
  viewer: Viewer;
  /** Template values: `viewer.*`, `settings.*`, `conversation.id` where there is one. */
  values: Record<string, string | number | boolean | undefined>;
  memo: RequestMemo | undefined;
  /** Separates remembered positions by viewer and list (e.g. the conversation id). */
  listKey: string;
}

/** The request's scope (deadline, call budget), if the read serves a GraphQL request. */
export function scopeOf(context: ReadContext): RequestScope | undefined {
  return context.memo?.scope;
}

/** Compiles the walks of a paging config; `naturalOrder` says how each walk orders a page by default. */
export function compileWalks(paging: PagingConfig, listing: boolean): Partial<Record<Walk, CompiledWalk>> {
  const walks: Partial<Record<Walk, CompiledWalk>> = {};
  for (const name of ['backward', 'forward'] as const) {
    const config: DirectionConfig | undefined = paging[name];
    if (!config) continue;
    const hasMore = config.hasMore ?? paging.hasMore;
    const walkOrder = name === 'backward' ? 'newest-first' : 'oldest-first';
    walks[name] = {
      query: compileTemplates(config.query),
      headers: compileTemplates(config.headers),
      reversePages: !listing && config.pageOrder !== undefined && config.pageOrder !== walkOrder,
      ...(config.cursor ? { cursor: compilePath(config.cursor) } : {}),
      ...(config.nextUrl ? { nextUrl: typeof config.nextUrl === 'string' ? compilePath(config.nextUrl) : config.nextUrl } : {}),
      ...(hasMore ? { hasMore: compilePath(hasMore) } : {}),
      ...(config.startAnchor !== undefined ? { startAnchor: config.startAnchor } : {}),
    };
  }
  return walks;
}

/** What a read collected: items beyond the position in the walk's order, nearest first. */
export interface Collected {
  items: Item[];
  /** Nothing lies beyond the last item. */
  exhausted: boolean;
}

/** A position a read starts from: a decoded key. */
export interface Position {
  id: string;
  time: { raw: string; ms: number } | null;
}
