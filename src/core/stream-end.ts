/**
 * Being told when a subscription's stream ends without wrapping it. An observer that returns
 * `onEnd` from envelop's `onSubscribeResult` gets the stream wrapped in one more async iterator
 * per subscriber (its closures, and one more promise hop per event for the whole stream's life);
 * a stream that announces its own end lets the observer register a callback instead.
 */

const END_LISTENERS = Symbol('stream end listeners');

/** A stream that calls registered listeners once, when it finishes, fails or is returned. */
export interface EndAnnouncingStream {
  [END_LISTENERS](listener: () => void): void;
}

/**
 * Registers `listener` for the end of `stream` when the stream announces its end.
 * @returns false when it does not (the caller then observes the end some other way)
 */
export function onStreamEnd(stream: unknown, listener: () => void): boolean {
  const register = (stream as Partial<EndAnnouncingStream> | null)?.[END_LISTENERS];
  if (typeof register !== 'function') return false;
  register.call(stream, listener);
  return true;
}

/**
 * The end announcement of one stream: `announce(stream)` adds the registration method to it,
 * `ended()` calls every listener, once (later calls do nothing).
 */
export function streamEndAnnouncer(): { announce<T extends object>(stream: T): T & EndAnnouncingStream; ended(): void } {
  // Allocated only when someone listens; most streams have one listener at most.
  let listeners: Array<() => void> | undefined;
  let done = false;
  return {
    announce(stream) {
      return Object.assign(stream, {
        [END_LISTENERS](listener: () => void) {
          if (done) listener();
          else (listeners ??= []).push(listener);
        },
      });
    },
    ended() {
      if (done) return;
      done = true;
      const called = listeners ?? [];
      listeners = undefined;
      for (const listener of called) {
        try {
          listener();
        } catch {
          // An observer's fault must not change how the stream ends.
        }
      }
    },
  };
}
