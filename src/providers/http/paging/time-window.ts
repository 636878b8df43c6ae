/**
 * The `time-window` strategy: the upstream takes an exclusive time bound (`before`/`after` a
 * timestamp, `page.anchor`) and answers the items nearest to it. Several items can share one
 * timestamp and an exclusive bound on it would skip the unseen ones, so positions are
 * `(time, id)` pairs and every window is widened by one unit of the time's precision (1 s for
 * `…:11Z`, 1 ms for epoch milliseconds, 1 µs for `seconds.micros`): `before = t + 1 s` re-reads
 * the whole second `t`, and what is not strictly beyond the position is dropped here. Items are
 * only trusted once their whole time unit has been seen. When more items than the largest page
 * share one time unit no window can get past them: that is reported as UPSTREAM_ERROR instead
 * of looping. Both walks are native (the upstream pages both ways from any position).
 */
import { GatewayError } from '../../../core/errors.js';
import type { Item } from '../mapping.js';
import { formatTime, precisionMs, type TimeFormat } from '../times.js';
import { fetchPage } from './fetch.js';
import { type Collected, type ListSpec, type Position, type ReadContext, type Walk } from './list.js';

/** Extra items asked for on top of what is missing, to absorb the re-read of a shared time unit. */
const SLACK = 4;
/** A safety net against an upstream that ignores its bounds. */
const MAX_CALLS = 25;

/** Whether a walk moves toward older times (messages backward; a listing, most recently updated first, forward). */
export type TimeDirection = 'older' | 'newer';

interface Bound {
  raw: string;
  ms: number;
}

function stuck(spec: ListSpec, reason: string): GatewayError {
  return new GatewayError(
    'UPSTREAM_ERROR',
    `source "${spec.sourceId}" cannot page its ${spec.noun}: ${reason}, and its timestamp cursors cannot page past them`,
    { sourceId: spec.sourceId },
  );
}

function step(raw: string, ms: number, format: TimeFormat, older: boolean): Bound {
  const next = ms + precisionMs(raw, format) * (older ? 1 : -1);
  return { raw: formatTime(next, format, raw), ms: next };
}

/**
 * Collects at least `want` items strictly beyond `from` (by `beyond`) in `walk`, each once, all
 * of them trustworthy (every item between `from` and the farthest one returned is present).
 * The result is unordered; callers sort with their own order.
 */
export async function scanTimeWindow(
  spec: ListSpec,
  context: ReadContext,
  walk: Walk,
  older: boolean,
  from: Position | null,
  want: number,
  beyond: (item: Item) => boolean,
): Promise<Collected> {
  const format = spec.timeFormat!;
  const settings = spec.walks[walk]!;
  const max = spec.paging.maxPageSize;
  const seen = new Map<string, Item>();
  let bound: Bound | undefined;
  if (from?.time) bound = step(from.time.raw, from.time.ms, format, older);
  else if (settings.startAnchor !== undefined) bound = { raw: settings.startAnchor, ms: older ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY };
  // Items on the far side of `edge` are complete; those at `edge` may be partial.
  let edge = older ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  let full = false;
  const trusted = () => [...seen.values()].filter((item) => (older ? item.time!.ms > edge : item.time!.ms < edge));

  for (let calls = 0; ; calls += 1) {
    const count = trusted().length;
    if (count >= want) return { items: trusted(), exhausted: false };
    if (calls >= MAX_CALLS) throw stuck(spec, 'the upstream kept answering without progress');
    const limit = full ? max : Math.min(max, want - count + SLACK);
    const page = await fetchPage(spec, context, walk, { vars: { 'page.limit': limit, ...(bound ? { 'page.anchor': bound.raw } : {}) } }, older);
    for (const item of page.items) if (item.time && beyond(item) && !seen.has(item.id)) seen.set(item.id, item);
    if (page.items.length < limit || page.hasMore === false) return { items: [...seen.values()], exhausted: true };
    const far = page.items.filter((item) => item.time).reduce((a, b) => (older ? (b.time!.ms < a.time!.ms ? b : a) : b.time!.ms > a.time!.ms ? b : a));
    edge = far.time!.ms;
    const next = step(far.time!.raw, far.time!.ms, format, older);
    const progressed = !bound || (older ? next.ms < bound.ms : next.ms > bound.ms);
    if (!progressed) {
      if (limit >= max) throw stuck(spec, `more than ${max} ${spec.noun} share the timestamp ${far.time!.raw}`);
      full = true;
      continue;
    }
    bound = next;
  }
}

/**
 * Finds items by position with as few windows as possible (walking `walk`, which must move to
 * older times): each call reads back from the newest position still wanted.
 * @returns per position: the item, null (it does not exist), or an Error
 */
export async function locateTimeWindow(
  spec: ListSpec,
  context: ReadContext,
  walk: Walk,
  wanted: readonly Position[],
): Promise<Array<Item | null | Error>> {
  const format = spec.timeFormat!;
  const max = spec.paging.maxPageSize;
  const results: Array<Item | null | Error | undefined> = wanted.map((position) => (position.time ? undefined : null));
  let previousBound: number | undefined;
  let full = false;
  for (let calls = 0; ; calls += 1) {
    const open = wanted.map((position, index) => ({ position, index })).filter(({ index }) => results[index] === undefined);
    if (open.length === 0) return results as Array<Item | null | Error>;
    const newest = open.reduce((a, b) => (b.position.time!.ms > a.position.time!.ms ? b : a)).position.time!;
    const bound = step(newest.raw, newest.ms, format, true);
    const repeated = previousBound === bound.ms;
    if ((repeated && full) || calls >= MAX_CALLS) {
      const error = stuck(spec, repeated ? `more than ${max} ${spec.noun} share the timestamp ${newest.raw}` : 'the upstream kept answering without progress');
      for (const { index } of open) results[index] = error;
      continue;
    }
    full = full || repeated;
    const limit = full ? max : Math.min(max, open.length + SLACK);
    previousBound = bound.ms;
    const page = await fetchPage(spec, context, walk, { vars: { 'page.limit': limit, 'page.anchor': bound.raw } }, true);
    const byId = new Map(page.items.map((item) => [item.id, item]));
    const exhausted = page.items.length < limit || page.hasMore === false;
    const edge = exhausted ? Number.NEGATIVE_INFINITY : Math.min(...page.items.map((item) => item.time?.ms ?? Number.POSITIVE_INFINITY));
    for (const { position, index } of open) {
      const item = byId.get(position.id);
      if (item && item.time?.ms === position.time!.ms) results[index] = item;
      else if (position.time!.ms > edge || item) results[index] = null;
    }
  }
}

