/**
 * The buffer between a live feed and one subscriber: an async iterator that holds at most
 * `capacity` values the subscriber has not pulled yet. Pushing never waits and never throws (a
 * feed serves many subscribers and must not stall on one); a push past the capacity drops what
 * is buffered and ends the stream with the `overflow()` value, so a subscriber that stops
 * reading costs at most `capacity` values and then one failure, never the process.
 */

export interface BoundedQueueOptions<T> {
  /** Values held for a subscriber that does not pull. */
  capacity: number;
  /** The last value of a stream that overflowed (e.g. a failure the resolver throws). */
  overflow: () => T;
  /** Called once when the stream ends, however it ends (drained, returned, overflowed). */
  onEnd: () => void;
}

export interface BoundedQueue<T> extends AsyncIterableIterator<T> {
  /** Buffers `value`; false when the stream has ended (or just ended by overflowing). */
  push(value: T): boolean;
  /** Ends the stream after what is buffered, optionally with a last value. */
  finish(last?: T): void;
  /** True once the stream no longer takes values. */
  readonly closed: boolean;
}

/** Creates one subscriber's queue. */
/**
 * A queue per subscriber, so its state is a handful of fields and its methods live on the
 * prototype: 10,000 open subscriptions hold 10,000 of these.
 */
export function createBoundedQueue<T>(options: BoundedQueueOptions<T>): BoundedQueue<T> {
  return new Queue(options);
}

const done = <T>(): IteratorResult<T> => ({ done: true, value: undefined });

class Queue<T> implements BoundedQueue<T> {
  /** Values not pulled yet; allocated at the first one that must wait. */
  private buffer: T[] | undefined = undefined;
  /** Pulls waiting for a value (one, for a subscriber that awaits each before the next). */
  private waiting: Array<(result: IteratorResult<T>) => void> | undefined = undefined;
  private isClosed = false;
  private ended = false;

  constructor(private readonly options: BoundedQueueOptions<T>) {}

  get closed(): boolean {
    return this.isClosed;
  }

  push(value: T): boolean {
    if (this.isClosed) return false;
    const resolve = this.waiting?.shift();
    if (resolve) {
      resolve({ done: false, value });
      return true;
    }
    if ((this.buffer?.length ?? 0) >= this.options.capacity) {
      this.buffer = [this.options.overflow()];
      this.close();
      return false;
    }
    (this.buffer ??= []).push(value);
    return true;
  }

  finish(last?: T): void {
    if (this.isClosed) return;
    if (last !== undefined) {
      // The last value (a failure) is delivered even into a full buffer: one past the bound.
      const resolve = this.waiting?.shift();
      if (resolve) resolve({ done: false, value: last });
      else (this.buffer ??= []).push(last);
    }
    this.close();
  }

  next(): Promise<IteratorResult<T>> {
    const buffer = this.buffer;
    if (buffer && buffer.length > 0) {
      const value = buffer.shift()!;
      if (buffer.length === 0) this.buffer = undefined;
      if (this.isClosed && this.buffer === undefined) this.end();
      return Promise.resolve({ done: false, value });
    }
    if (this.isClosed) {
      this.end();
      return Promise.resolve(done());
    }
    return new Promise((resolve) => (this.waiting ??= []).push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer = undefined;
    this.close();
    return Promise.resolve(done());
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.buffer = undefined;
    this.close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.options.onEnd();
  }

  private close(): void {
    this.isClosed = true;
    // Waiting pulls see the end now; a pull that finds the buffer empty ends the stream.
    if (!this.buffer?.length) {
      const waiting = this.waiting ?? [];
      this.waiting = undefined;
      for (const resolve of waiting) resolve(done());
      this.end();
    }
  }
}
