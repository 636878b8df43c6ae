/** A switch the vendor simulators share to answer their documented rate-limit reply on demand. */

/**
 * Makes a simulator answer its vendor's rate-limit reply for the next `count` requests, so tests
 * can see 429 mapped without waiting for a real limit.
 */
export class Throttle {
  private remaining = 0;
  private seconds = 1;

  /** The next `count` requests are refused, announcing `retryAfterSeconds`. */
  limitNext(count: number, retryAfterSeconds = 1): void {
    this.remaining = count;
    this.seconds = retryAfterSeconds;
  }

  /** @returns the seconds to announce when this request is refused, else null */
  take(): number | null {
    if (this.remaining <= 0) return null;
    this.remaining -= 1;
    return this.seconds;
  }
}
