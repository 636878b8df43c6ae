/**
 * Keyset paging over an API whose only cursors are exclusive ISO timestamps (`before`/`after`).
 *
 * Several items can share one timestamp, and an exclusive bound on a timestamp would skip the
 * unseen ones that share it. So positions are `(time, id)` pairs, encoded as
 * `<timestamp as the upstream sent it>|<id>`, and every upstream window is widened by one unit of
 * the timestamp's precision (1 s for `…:11Z`, 1 ms for `…:11.250Z`): `before = t + 1 s` re-reads
 * the whole second `t`, and whatever is not strictly beyond the cursor is dropped locally. Items
 * are only trusted once their whole second has been seen. Limit: when more items than the
 * largest upstream page (100) share one second, no window can get past them; that is detected
 * and reported as `UPSTREAM_ERROR` instead of looping.
 */
import { GatewayError } from '../../core/errors.js';

/** Largest `limit` the upstream accepts. */
export const MAX_UPSTREAM_LIMIT = 100;
/** Extra items asked for on top of what is missing, to absorb the re-read of a shared second. */
const SLACK = 4;
/** A safety net against an upstream that ignores its bounds. */
const MAX_CALLS = 25;
/** `after` value that precedes every item: the API has no "oldest first" switch. */
export const EPOCH = '1970-01-01T00:00:00Z';

/** A paging position: the timestamp as sent, its epoch milliseconds, and the item id. */
export interface Position {
  raw: string;
  ms: number;
  id: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Encodes a position as `<timestamp>|<id>` (timestamps never contain `|`, ids may). */
export function encodePosition(raw: string, id: string): string {
  return `${raw}|${id}`;
}

/** Builds the position of an upstream item; `raw` must already be a valid ISO timestamp. */
export function positionOf(raw: string, id: string): Position {
  return { raw, ms: Date.parse(raw), id };
}

/** Parses `<ISO timestamp>|<id>`; null when malformed (the caller turns that into BAD_USER_INPUT). */
export function decodePosition(key: string): Position | null {
  const bar = key.indexOf('|');
  if (bar <= 0 || bar === key.length - 1) return null;
  const raw = key.slice(0, bar);
  const ms = Date.parse(raw);
  if (!ISO.test(raw) || Number.isNaN(ms)) return null;
  return { raw, ms, id: key.slice(bar + 1) };
}

/** Orders positions by time, then id (code-unit order): the adapter's own total order. */
export function comparePositions(a: Position, b: Position): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** One unit of the precision `raw` is written in, in milliseconds. */
export function precisionMs(raw: string): number {
  return /\.\d+/.test(raw) ? 1 : 1000;
}

/** Formats epoch `ms` as UTC ISO 8601 with the same precision style as `sample`. */
export function formatLike(sample: string, ms: number): string {
  const iso = new Date(ms).toISOString();
  return precisionMs(sample) === 1 ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
}

/** What one upstream call gave back. */
export interface ScanBatch<T> {
  items: T[];
  /** The upstream's `has_more`, when it sent one. */
  hasMore: boolean | null | undefined;
}

export interface ScanOptions<T> {
  /** `older`: walks `before` bounds from the newest; `newer`: walks `after` bounds from the oldest. */
  direction: 'older' | 'newer';
  /** Where to start; null for the newest (older) or the oldest (newer) end. */
  from: Position | null;
  /** How many trusted items are needed (callers ask one more than their page to learn `hasMore`). */
  want: number;
  position: (item: T) => Position;
  /** False for items not strictly beyond the cursor; they still bound the window. */
  keep: (item: T) => boolean;
  /** One upstream call: `bound` is the ISO `before` (older) or `after` (newer) value, if any. */
  fetch: (bound: string | undefined, limit: number) => Promise<ScanBatch<T>>;
  sourceId: string;
  /** Names the items in errors, e.g. `messages`. */
  noun: string;
}

/**
 * Collects at least `want` items beyond `from` in the direction of travel (fewer only at the
 * end), each once, all of them trustworthy: every item between `from` and the farthest returned
 * one is present. The result is unordered; callers sort with their own order.
 * @throws GatewayError UPSTREAM_ERROR when more than 100 items share one timestamp or the
 *   upstream keeps answering without progress; whatever `fetch` throws.
 */
export async function scan<T>(options: ScanOptions<T>): Promise<{ items: T[]; exhausted: boolean }> {
  const older = options.direction === 'older';
  const seen = new Map<string, T>();
  let bound: { raw: string; ms: number } | undefined;
  if (options.from) {
    const step = precisionMs(options.from.raw) * (older ? 1 : -1);
    bound = { raw: formatLike(options.from.raw, options.from.ms + step), ms: options.from.ms + step };
  } else if (!older) {
    bound = { raw: EPOCH, ms: 0 };
  }
  // Items on the far side of `edge` are complete; those at `edge` may be partial.
  let edge: number = older ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  let full = false;
  const trusted = () =>
    [...seen.values()].filter((item) => (older ? options.position(item).ms > edge : options.position(item).ms < edge));

  for (let calls = 0; ; calls += 1) {
    const count = trusted().length;
    if (count >= options.want) return { items: trusted(), exhausted: false };
    if (calls >= MAX_CALLS) throw stuck(options, 'the upstream kept answering without progress');
    const limit = full ? MAX_UPSTREAM_LIMIT : Math.min(MAX_UPSTREAM_LIMIT, options.want - count + SLACK);
    const batch = await options.fetch(bound?.raw, limit);
    for (const item of batch.items) {
      const id = options.position(item).id;
      if (options.keep(item) && !seen.has(id)) seen.set(id, item);
    }
    if (batch.items.length < limit || batch.hasMore === false) return { items: [...seen.values()], exhausted: true };
    const far = batch.items
      .map(options.position)
      .reduce((a, b) => (older ? (b.ms < a.ms ? b : a) : b.ms > a.ms ? b : a));
    edge = far.ms;
    const step = precisionMs(far.raw) * (older ? 1 : -1);
    const next = { raw: formatLike(far.raw, far.ms + step), ms: far.ms + step };
    const progressed = !bound || (older ? next.ms < bound.ms : next.ms > bound.ms);
    if (!progressed) {
      if (limit >= MAX_UPSTREAM_LIMIT) {
        throw stuck(options, `more than ${MAX_UPSTREAM_LIMIT} ${options.noun} share the timestamp ${far.raw}`);
      }
      full = true;
      continue;
    }
    bound = next;
  }
}

function stuck(options: { sourceId: string; noun: string }, reason: string): GatewayError {
  return new GatewayError(
    'UPSTREAM_ERROR',
    `source "${options.sourceId}" cannot page its ${options.noun}: ${reason}, and its timestamp cursors cannot page past them`,
    { sourceId: options.sourceId },
  );
}

/**
 * Finds items by position with as few `before` windows as possible: each call reads back from
 * the newest position still wanted, resolving every wanted position it covers.
 * @returns for each input position, in order: the item, null (it does not exist), or an Error.
 */
export async function locate<T>(
  wanted: readonly Position[],
  options: Pick<ScanOptions<T>, 'position' | 'fetch' | 'sourceId' | 'noun'>,
): Promise<Array<T | null | Error>> {
  const results: Array<T | null | Error | undefined> = wanted.map(() => undefined);
  let previousBound: number | undefined;
  let full = false;
  for (let calls = 0; ; calls += 1) {
    const open = wanted.map((position, index) => ({ position, index })).filter(({ index }) => results[index] === undefined);
    if (open.length === 0) return results as Array<T | null | Error>;
    const newest = open.reduce((a, b) => (b.position.ms > a.position.ms ? b : a)).position;
    const boundMs = newest.ms + precisionMs(newest.raw);
    const repeated = previousBound === boundMs;
    if (repeated && full) {
      const error = stuck(options, `more than ${MAX_UPSTREAM_LIMIT} ${options.noun} share the timestamp ${newest.raw}`);
      for (const { index } of open) results[index] = error;
      continue;
    }
    if (calls >= MAX_CALLS) {
      const error = stuck(options, 'the upstream kept answering without progress');
      for (const { index } of open) results[index] = error;
      continue;
    }
    full = full || repeated;
    const limit = full ? MAX_UPSTREAM_LIMIT : Math.min(MAX_UPSTREAM_LIMIT, open.length + SLACK);
    previousBound = boundMs;
    const batch = await options.fetch(formatLike(newest.raw, boundMs), limit);
    const byId = new Map(batch.items.map((item) => [options.position(item).id, item]));
    const exhausted = batch.items.length < limit || batch.hasMore === false;
    const edge = exhausted ? Number.NEGATIVE_INFINITY : Math.min(...batch.items.map((item) => options.position(item).ms));
    for (const { position, index } of open) {
      const item = byId.get(position.id);
      if (item && options.position(item).ms === position.ms) results[index] = item;
      else if (position.ms > edge || (item && options.position(item).ms !== position.ms)) results[index] = null;
    }
  }
}
