/**
 * Small pieces every adapter needs and none should write again: turning a failure into a
 * DataLoader batch slot, grouping message references by conversation, bounded concurrency
 * (`p-limit`) and a per-viewer memo that lives exactly as long as one request's viewer object.
 */
import pLimit from 'p-limit';
import { isGatewayError } from '../core/errors.js';
import type { MessageRef, Viewer } from '../core/records.js';

/** One slot of a batch answer: the item, null (absent or not the viewer's) or that slot's error. */
export type Slot<T> = T | null | Error;

/** Anything thrown, as an `Error` (a thrown string or object keeps its text). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * A batch slot for a failure: `NOT_FOUND` is an absent item (null, the same answer as a
 * foreign one); anything else stays an `Error` in that slot alone.
 */
export function toSlot(error: unknown): null | Error {
  return isGatewayError(error) && error.code === 'NOT_FOUND' ? null : asError(error);
}

/** How one reference parses: its conversation and key, or the slot's final answer (null or an Error). */
export type ParsedRef<C, K> = { conversation: C; key: K } | null | Error;

/** Refs grouped by conversation, each entry remembering its slot in the batch. */
export interface GroupedRefs<T, C, K> {
  /** One slot per ref: prefilled with null or the parse error; the caller fills the rest. */
  results: Array<Slot<T>>;
  /** Parsed refs per conversation, in first-seen order. */
  groups: Map<C, Array<{ slot: number; key: K }>>;
}

/**
 * Groups message refs by conversation so each conversation is read once per batch. `parse`
 * decides each ref: a parsed `{ conversation, key }`, or null / an Error that becomes its slot.
 */
export function groupRefs<T, C, K>(refs: readonly MessageRef[], parse: (ref: MessageRef) => ParsedRef<C, K>): GroupedRefs<T, C, K> {
  const results: Array<Slot<T>> = refs.map(() => null);
  const groups = new Map<C, Array<{ slot: number; key: K }>>();
  refs.forEach((ref, slot) => {
    const parsed = parse(ref);
    if (parsed === null || parsed instanceof Error) {
      results[slot] = parsed;
      return;
    }
    const group = groups.get(parsed.conversation);
    if (group) group.push({ slot, key: parsed.key });
    else groups.set(parsed.conversation, [{ slot, key: parsed.key }]);
  });
  return { results, groups };
}

/**
 * Runs `work` for every item with at most `concurrency` in flight (p-limit), resolving when all
 * have settled; the first rejection is rethrown after the others finished.
 */
export async function eachLimited<T>(items: Iterable<T>, concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const limit = pLimit(Math.max(1, concurrency));
  const settled = await Promise.allSettled([...items].map((item) => limit(() => work(item))));
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * A memo of async answers per viewer object and key: the viewer is built once per request, so
 * nothing memoised outlives the request (a WeakMap holds it). A rejected answer is forgotten,
 * so the next call tries again.
 * @returns `memo(viewer, key, compute)`: the memoised promise, computing it on first use.
 */
export function createViewerMemo<K, V>(): (viewer: Viewer, key: K, compute: () => Promise<V>) => Promise<V> {
  const byViewer = new WeakMap<Viewer, Map<K, Promise<V>>>();
  return (viewer, key, compute) => {
    let answers = byViewer.get(viewer);
    if (!answers) byViewer.set(viewer, (answers = new Map()));
    let answer = answers.get(key);
    if (!answer) {
      const memo = answers;
      answer = compute();
      answer.catch(() => memo.delete(key));
      memo.set(key, answer);
    }
    return answer;
  };
}
