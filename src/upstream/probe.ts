/**
 * A reachability probe of one upstream, for `/ready` at start: `GET <baseUrl>` without
 * credentials (a probe must not send a key to a path it was not meant for). Any HTTP answer
 * below 500 — a 401 or 404 included — proves the upstream is there and answering; a network
 * error, a time-out or a 5xx (often a proxy in front of a dead service) says it is not.
 * `/ready` probes with it (src/readiness.ts), and so does a source's circuit breaker while
 * half-open (source-services.ts): never a write, never a read that costs an upstream budget.
 */
import { loadUndici } from './undici.js';

/** What a probe found. */
export type ProbeResult = 'up' | 'down';

/** Bound of one probe (connecting plus the response headers), ms. */
export const PROBE_TIMEOUT_MS = 2_000;

/**
 * Probes `baseUrl`.
 * @param timeoutMs bound on connecting plus the response headers, ms
 * @returns `up` or `down`; never throws
 */
export async function probeUpstream(baseUrl: string, timeoutMs: number): Promise<ProbeResult> {
  const status = await probeStatus(baseUrl, timeoutMs);
  return status !== undefined && status < 500 ? 'up' : 'down';
}

/**
 * Probes `baseUrl` and returns the HTTP status of its answer.
 * @param timeoutMs bound on connecting plus the response headers, ms
 * @returns the status, or undefined when none came (network error, time-out); never throws
 */
export async function probeStatus(baseUrl: string, timeoutMs: number): Promise<number | undefined> {
  try {
    // undici is loaded here, after the socket listens, rather than at start-up (see loadUndici).
    const { request } = await loadUndici();
    const response = await request(baseUrl, {
      method: 'GET',
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    return response.statusCode;
  } catch {
    return undefined;
  }
}
