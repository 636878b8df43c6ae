/**
 * Relay connections over page-numbered upstream lists (Dify's `page`/`limit` lists such as
 * `/app/feedbacks` and `/apps/annotations`), which give no cursor and no reliable has-more
 * flag: cursors are row offsets, signed and bound to a scope (the list, with its filters) and
 * the viewer; each read asks one row more than it shows to know whether more exist.
 */
import type { GatewayContext } from './context.js';
import { requireViewer } from './context.js';
import { badInput } from '../core/errors.js';

/** One upstream page: its rows, and the list's total count when the upstream gives it. */
export interface NumberedPageAnswer<T> {
  items: T[];
  hasMore: boolean;
  total?: number | null;
}

/** A connection shape for Pothos: edges, `pageInfo`, and the upstream total when known. */
export interface OffsetConnection<N> {
  edges: Array<{ cursor: string; node: N }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number | null;
}

/** Largest `first`. */
export const MAX_OFFSET_PAGE = 100;

/**
 * Reads rows `offset(after)+1 … +first` of an upstream list in pages of one size (the smallest
 * that covers the window from a page boundary, at most `maxUpstreamPage`) and builds the page.
 * @param scope the list the cursors belong to (e.g. `annotations:<source>:<keyword>`): a
 *   cursor of another list, viewer or key is BAD_USER_INPUT
 * @param toNode a row → its node, or null to leave the row out (its offset is kept)
 * @throws GatewayError BAD_USER_INPUT (first outside 0–100, a bad cursor), what `fetchPage` throws
 */
export async function resolveOffsetConnection<T, N>(
  context: GatewayContext,
  options: {
    scope: string;
    first: number | null | undefined;
    after: string | null | undefined;
    maxUpstreamPage: number;
    fetchPage: (page: number, limit: number) => Promise<NumberedPageAnswer<T>>;
    toNode: (row: T) => N | null;
  },
): Promise<OffsetConnection<N>> {
  const viewer = requireViewer(context);
  const first = options.first ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > MAX_OFFSET_PAGE) throw badInput(`first must be between 0 and ${MAX_OFFSET_PAGE}`);
  const { cursors } = context.gateway;
  let offset = 0;
  if (options.after != null) {
    const decoded = cursors.decode(options.scope, viewer.id, options.after);
    if (typeof decoded !== 'number' || !Number.isInteger(decoded) || decoded < 0) throw badInput('invalid cursor');
    offset = decoded + 1;
  }
  // Rows offset … offset + first (one extra to know whether more exist), read in upstream pages
  // of one size: the smallest that covers the window from a page boundary.
  const want = first + 1;
  const size = Math.min(options.maxUpstreamPage, want);
  const rows: T[] = [];
  let upstreamMore = true;
  let totalCount: number | null = null;
  for (let page = Math.floor(offset / size) + 1; rows.length < want + (offset % size) && upstreamMore; page += 1) {
    const answer = await options.fetchPage(page, size);
    rows.push(...answer.items);
    upstreamMore = answer.hasMore;
    totalCount = answer.total ?? totalCount;
  }
  const window = rows.slice(offset % size, (offset % size) + want);
  const edges = window.slice(0, first).flatMap((row, index) => {
    const node = options.toNode(row);
    return node === null ? [] : [{ cursor: cursors.encode(options.scope, viewer.id, offset + index), node }];
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: window.length > first,
      hasPreviousPage: offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/** The cursor of row `offset` of the list `scope`, for edges a mutation returns (e.g. a new row at 0). */
export function offsetCursor(context: GatewayContext, scope: string, offset: number): string {
  return context.gateway.cursors.encode(scope, requireViewer(context).id, offset);
}
