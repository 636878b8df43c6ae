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
export function createBoundedQueue<T>({ capacity, overflow, onEnd }: BoundedQueueOptions<T>): BoundedQueue<T> {
  let buffer: T[] = [];
  const waiting: Array<(result: IteratorResult<T>) => void> = [];
  let closed = false;
  let ended = false;

  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const done = (): IteratorResult<T> => ({ done: true, value: undefined });
  const close = () => {
    closed = true;
    // Waiting pulls see the end now; a pull that finds the buffer empty ends the stream.
    if (buffer.length === 0) {
      for (const resolve of waiting.splice(0)) resolve(done());
      end();
    }
  };

  const queue: BoundedQueue<T> = {
    get closed() {
      return closed;
    },
    push(value) {
      if (closed) return false;
      const resolve = waiting.shift();
      if (resolve) {
        resolve({ done: false, value });
        return true;
      }
      if (buffer.length >= capacity) {
        buffer = [overflow()];
        close();
        return false;
      }
      buffer.push(value);
      return true;
    },
    finish(last) {
      if (closed) return;
      if (last !== undefined) {
        // The last value (a failure) is delivered even into a full buffer: one past the bound.
        const resolve = waiting.shift();
        if (resolve) resolve({ done: false, value: last });
        else buffer.push(last);
      }
      close();
    },
    next() {
      if (buffer.length > 0) {
        const value = buffer.shift()!;
        if (closed && buffer.length === 0) end();
        return Promise.resolve({ done: false, value });
      }
      if (closed) {
        end();
        return Promise.resolve(done());
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    return() {
      buffer = [];
      close();
      return Promise.resolve(done());
    },
    throw(error?: unknown) {
      buffer = [];
      close();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return queue;
    },
  };
  return queue;
}
