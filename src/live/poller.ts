/**
 * Shared pollers for sources that do not push (Dify, REST, Chatwoot without a webhook): one per
 * key — (source, conversation, upstream user) for messages, (source, upstream user) for the
 * conversation list — shared by every subscriber with that key, polling every
 * `sources[].pollIntervalMs` while at least one subscriber listens and stopped with the last.
 *
 * Failures: a poll that fails while the source's circuit breaker stays closed ends nothing (the
 * next tick tries again); once the breaker is open, the subscribers end with that error
 * (`UPSTREAM_UNAVAILABLE`). While the breaker was opened by other traffic, ticks are skipped
 * with a doubling back-off (up to `MAX_BACKOFF_MS`) instead of adding load to a failing upstream.
 */
import type { Logger } from 'pino';
import { isGatewayError } from '../core/errors.js';

/** Longest wait between two polls while a source's breaker is open, ms. */
export const MAX_BACKOFF_MS = 60_000;

/** What a poller reports to its subscribers. */
export interface PollListener<T> {
  next(item: T): void;
  /** The poller gave up: the subscription ends with this error. */
  fail(error: unknown): void;
}

/**
 * One poller's work: `start` reads the baseline (nothing is emitted), `poll` emits what is new
 * since. The rest lets another process carry on where this one stopped (src/live/fleet-poller.ts):
 * `snapshot`/`restore` carry the watermark (what was already emitted) as JSON text, and
 * `encode`/`decode` carry an emitted item through JSON (times as ISO 8601 strings).
 */
export interface PollTask<T> {
  start(): Promise<void>;
  poll(emit: (item: T) => void): Promise<void>;
  /** The watermark after the last `start` or `poll`, as JSON text. */
  snapshot(): string;
  /** Continues from a watermark `snapshot` returned (in this or another process) instead of `start`. */
  restore(snapshot: string): void;
  /** An emitted item → its JSON-safe form. */
  encode(item: T): unknown;
  /** The JSON-safe form → the item. */
  decode(wire: unknown): T;
}

export interface PollerRegistryOptions {
  logger: Logger;
  /** The source's poll interval, ms. */
  intervalMs(sourceId: string): number;
  /** The source's breaker state. */
  circuitState(sourceId: string): 'closed' | 'open' | 'half-open';
}

interface Poller<T> {
  sourceId: string;
  listeners: Set<PollListener<T>>;
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

/** The pollers of one gateway (this module's, or the fleet's: src/live/fleet-poller.ts). */
export interface PollerRegistry {
  /**
   * Joins (or starts) the poller of `key`; `createTask` runs only when it starts (in the fleet
   * registry also when this process takes the feed's lease, and once for decoding).
   * @returns a function that leaves it (the last one out stops it)
   */
  join<T>(key: string, sourceId: string, createTask: () => PollTask<T>, listener: PollListener<T>): () => void;
  /** Pollers running now. */
  size(): number;
  /** Stops every poller (shutdown). */
  close(): void;
}

/** The pollers of one process, polling on their own. */
export interface LocalPollerRegistry extends PollerRegistry {
  /** Pollers running now, by source id. */
  running(): Map<string, number>;
}

/** Creates the registry of one gateway; pollers start on the first `join` of their key. */
export function createPollerRegistry(options: PollerRegistryOptions): LocalPollerRegistry {
  const pollers = new Map<string, Poller<unknown>>();

  function stop(key: string, poller: Poller<unknown>) {
    poller.stopped = true;
    clearTimeout(poller.timer);
    if (pollers.get(key) === poller) pollers.delete(key);
  }

  function run<T>(key: string, sourceId: string, poller: Poller<T>, task: PollTask<T>) {
    const base = options.intervalMs(sourceId);
    let delay = base;
    let started = false;
    const failAll = (error: unknown) => {
      stop(key, poller as Poller<unknown>);
      for (const listener of [...poller.listeners]) listener.fail(error);
    };
    const tick = async () => {
      if (poller.stopped) return;
      if (options.circuitState(sourceId) === 'open') {
        delay = Math.min(delay * 2, MAX_BACKOFF_MS);
      } else {
        try {
          if (!started) await task.start();
          else await task.poll((item) => {
            if (!poller.stopped) for (const listener of poller.listeners) listener.next(item);
          });
          started = true;
          delay = base;
        } catch (error) {
          // Absent or foreign now (deleted, access lost): nothing more will come.
          if (isGatewayError(error) && error.code === 'NOT_FOUND') return failAll(error);
          if (options.circuitState(sourceId) === 'open') return failAll(error);
          options.logger.warn({ sourceId, code: isGatewayError(error) ? error.code : 'INTERNAL' }, 'live poll failed; retrying');
        }
      }
      if (!poller.stopped) poller.timer = setTimeout(() => void tick(), delay);
    };
    void tick();
  }

  return {
    join(key, sourceId, createTask, listener) {
      let poller = pollers.get(key) as Poller<unknown> | undefined;
      if (!poller) {
        poller = { sourceId, listeners: new Set(), timer: undefined, stopped: false };
        pollers.set(key, poller);
        poller.listeners.add(listener as PollListener<unknown>);
        run(key, sourceId, poller, createTask() as PollTask<unknown>);
      } else {
        poller.listeners.add(listener as PollListener<unknown>);
      }
      const joined = poller;
      return () => {
        joined.listeners.delete(listener as PollListener<unknown>);
        if (joined.listeners.size === 0) stop(key, joined);
      };
    },
    size: () => pollers.size,
    running() {
      const counts = new Map<string, number>();
      for (const poller of pollers.values()) counts.set(poller.sourceId, (counts.get(poller.sourceId) ?? 0) + 1);
      return counts;
    },
    close() {
      for (const [key, poller] of [...pollers]) stop(key, poller);
    },
  };
}
