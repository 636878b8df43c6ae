/**
 * What the HTTP client layer tells the rest of the gateway about its upstream calls, without
 * knowing who listens: every finished call is reported to an `UpstreamObserver` (metrics), and
 * while a call runs `currentUpstreamCall()` names it (the tracing bootstrap reads it to label the
 * HTTP client span undici's instrumentation opens). Nothing here carries a URL, a query string,
 * a header or an id: only the source id, the method and the endpoint template.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { isGatewayError } from '../core/errors.js';

/** One upstream call as observers see it. */
export interface UpstreamCallInfo {
  /** The config `id` of the source. */
  sourceId: string;
  /** HTTP method, upper case. */
  method: string;
  /** Endpoint template relative to the source's `baseUrl`, e.g. `/conversations/:id/messages`. */
  endpoint: string;
}

/** A finished upstream call. */
export interface UpstreamObservation extends UpstreamCallInfo {
  /**
   * The HTTP status of the upstream's last answer (`"200"`, `"503"`); when none came, the error
   * code (`"UPSTREAM_UNAVAILABLE"` for network errors and time-outs), or `"CIRCUIT_OPEN"` when
   * the source's breaker refused the call without sending it.
   */
  status: string;
  /** The `GatewayError` code the call failed with; undefined when it succeeded. */
  code?: string;
  /** Wall time of the whole call, retries and back-offs included, in milliseconds. */
  durationMs: number;
}

/** Receives every finished upstream call. Must not throw (a throw is swallowed) and must be cheap. */
export type UpstreamObserver = (observation: UpstreamObservation) => void;

/**
 * A safe template for a path whose call site named none: the first segment is kept and every
 * later one becomes `:param`, so no id can reach a label (`/conversations/42/messages` →
 * `/conversations/:param/:param`). The query string is dropped.
 */
export function endpointTemplate(path: string): string {
  const segments = path.split('?')[0]!.split('/').filter((segment) => segment.length > 0);
  if (segments.length === 0) return '/';
  return `/${[segments[0], ...segments.slice(1).map(() => ':param')].join('/')}`;
}

/**
 * Runs one call and reports it to `observer` when it settles. `fn` receives a record to fill in:
 * `sent` once the request left (a breaker refusal never sets it), `status` once an answer came.
 * @returns whatever `fn` resolves to; rejects with what `fn` rejects with
 */
export async function observeCall<T>(
  observer: UpstreamObserver | undefined,
  call: UpstreamCallInfo,
  fn: (outcome: { sent: boolean; status?: number }) => Promise<T>,
): Promise<T> {
  if (!observer) return fn({ sent: false });
  const outcome: { sent: boolean; status?: number } = { sent: false };
  const started = performance.now();
  let code: string | undefined;
  try {
    return await fn(outcome);
  } catch (error) {
    code = isGatewayError(error) ? error.code : 'INTERNAL_SERVER_ERROR';
    throw error;
  } finally {
    const status = outcome.status !== undefined ? String(outcome.status) : outcome.sent ? (code ?? 'OK') : 'CIRCUIT_OPEN';
    try {
      observer({ ...call, status, code, durationMs: performance.now() - started });
    } catch {
      // An observer's fault must never fail an upstream call.
    }
  }
}

const callStore = new AsyncLocalStorage<UpstreamCallInfo>();
/** Off until a reader asks: with tracing off nobody reads the current call, so no context is entered. */
let tracked = false;

/**
 * Makes `runInUpstreamCall` record the current call from now on (the tracing bootstrap calls
 * it). Without it the per-call async context costs every upstream call for no reader.
 */
export function trackUpstreamCalls(): void {
  tracked = true;
}

/** Runs `fn` with `call` as the current upstream call (see `currentUpstreamCall`) while tracked. */
export function runInUpstreamCall<T>(call: UpstreamCallInfo, fn: () => T): T {
  return tracked ? callStore.run(call, fn) : fn();
}

/** The upstream call running in this async context, if any (read by the tracing bootstrap). */
export function currentUpstreamCall(): UpstreamCallInfo | undefined {
  return callStore.getStore();
}

/** Fans one observer out to many listeners added later (metrics plugins of several yogas). */
export interface UpstreamObserverHub {
  /** Pass this to the HTTP clients. */
  observe: UpstreamObserver;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: UpstreamObserver): () => void;
}

/** Creates an empty hub: calls are observed by nobody until a listener subscribes. */
export function createUpstreamObserverHub(): UpstreamObserverHub {
  const listeners = new Set<UpstreamObserver>();
  return {
    observe(observation) {
      for (const listener of listeners) {
        try {
          listener(observation);
        } catch {
          // One listener's fault must not hide the call from the others.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
