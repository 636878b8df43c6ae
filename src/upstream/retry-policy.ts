/**
 * When an upstream read is tried again, and how long to wait first. Plugged into undici's retry
 * interceptor as its `retry` option, so undici still does the re-dispatching and body handling;
 * this file only decides. Rules:
 * - only GET, only network errors (reset, refused, connect time-out, …) and 429/502/503/504;
 *   a 500 is a bug upstream and a headers or body time-out already cost a whole attempt, so
 *   neither is tried again;
 * - exponential back-off with jitter, so replicas that failed together do not retry together;
 * - a `Retry-After` (seconds or an HTTP date) longer than `maxWaitMs`, or longer than what is
 *   left of the request's deadline, is not waited for: the answer goes back at once and becomes
 *   `RATE_LIMITED` with `extensions.retryAfter`;
 * - a wait in progress ends early when the request's deadline fires.
 */
import type { Dispatcher, RetryHandler } from 'undici';

/** Statuses worth another attempt: rate limiting and the gateway/proxy family of 5xx. */
export const RETRY_STATUS_CODES = [429, 502, 503, 504];

/** Network failures worth another attempt (undici's defaults plus a connect time-out). */
export const RETRY_ERROR_CODES = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ENOTFOUND',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
];

export interface RetryPolicyOptions {
  /** Extra attempts after the first (config `retries`). */
  maxRetries: number;
  /** First back-off, ms; doubled on each further attempt (config `retryBackoffMs`). */
  backoffMs: number;
  /** Longest single wait, ms, back-off and `Retry-After` alike (config `retryMaxWaitMs`). */
  maxWaitMs: number;
  /** Epoch ms at which the request carrying `signal` must be answered, if known. */
  expiresAt: (signal: AbortSignal | undefined) => number | undefined;
  /** Jitter source in [0, 1); tests may pin it. @default Math.random */
  random?: () => number;
}

/** Milliseconds to wait from a `Retry-After` value (delta-seconds or an HTTP date); undefined if absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Whole seconds to wait from a `Retry-After` value, rounded up; undefined if absent or unreadable. */
export function retryAfterSeconds(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const ms = retryAfterMs(value, now);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

/**
 * The n-th back-off (n from 1): `backoffMs * 2^(n-1)`, capped at `maxWaitMs`, of which a random
 * half is kept ("equal jitter": never zero, never in lock-step).
 */
export function backoffDelay(attempt: number, options: Pick<RetryPolicyOptions, 'backoffMs' | 'maxWaitMs' | 'random'>): number {
  const ceiling = Math.min(options.maxWaitMs, options.backoffMs * 2 ** Math.max(0, attempt - 1));
  const random = options.random ?? Math.random;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Builds the `retry` option of undici's retry interceptor. */
export function createRetryPolicy(options: RetryPolicyOptions): RetryHandler.RetryCallback {
  return (error, { state, opts }, callback) => {
    const { statusCode, code, headers } = error as Error & {
      statusCode?: number;
      code?: string;
      headers?: Record<string, string | string[] | undefined>;
    };
    const signal = (opts as Dispatcher.DispatchOptions & { signal?: AbortSignal }).signal ?? undefined;
    const retryable =
      opts.method === 'GET' &&
      state.counter <= options.maxRetries &&
      !signal?.aborted &&
      (statusCode !== undefined ? RETRY_STATUS_CODES.includes(statusCode) : code !== undefined && RETRY_ERROR_CODES.includes(code));
    if (!retryable) return callback(error);

    let wait = backoffDelay(state.counter, options);
    const asked = statusCode !== undefined ? retryAfterMs(headers?.['retry-after']) : undefined;
    if (asked !== undefined) {
      if (asked > options.maxWaitMs) return callback(error);
      wait = Math.max(wait, asked);
    }
    const expiresAt = options.expiresAt(signal);
    if (expiresAt !== undefined && Date.now() + wait >= expiresAt) return callback(error);

    const onAbort = () => {
      clearTimeout(timer);
      callback(error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      callback(null);
    }, wait);
    signal?.addEventListener('abort', onAbort, { once: true });
  };
}
