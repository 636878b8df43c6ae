/**
 * What `/ready` says about each source: a human status (`up`, `down`, `unknown`) beside its
 * circuit-breaker state (`closed` reads as "down" to most people, so it is never shown alone).
 *
 * A source is `up` after its upstream last answered (a probe or real traffic, any status below
 * 500), `down` while its circuit is open or after its upstream last failed to answer, and
 * `unknown` before anything was heard from it. The CLI probes every source once at start
 * (`probeAll`) and logs each one found down (warn, with its `sourceId`). After that, a source
 * nothing was heard from for `REPROBE_INTERVAL_MS` is probed again when `/ready` is asked, in
 * the background, whether it was up or down: a recovered upstream shows as `up`, and one that
 * died while idle as `down`, without waiting for traffic (which keeps a busy source fresh, so it
 * is never probed). A change a probe finds is logged once.
 */
import type { Gateway } from './gateway.js';
import { PROBE_TIMEOUT_MS, probeUpstream } from '../upstream/probe.js';

/** A source's status as people read it. */
export type SourceStatus = 'up' | 'down' | 'unknown';

/** The `/ready` body. */
export interface ReadinessBody {
  /**
   * `starting` (503: nothing heard from any source yet), `ready` (200), `degraded` (200: some
   * sources down), `down` (503: every source down), `draining` (503: shutting down).
   */
  status: 'starting' | 'ready' | 'degraded' | 'down' | 'draining';
  sources: Record<string, { kind: string; status: SourceStatus; state: 'closed' | 'open' | 'half-open' }>;
  /**
   * Only with `redis.url`: `down` while Redis does not answer (webhooks and idempotent sends are
   * then refused, live updates end) — the gateway reads on, so this makes it `degraded`, not 503.
   */
  redis?: { status: 'up' | 'down' };
}

/** Tracks the sources of one gateway. */
export interface Readiness {
  /**
   * Probes every source once, in parallel, and logs each one found down; resolves when all
   * answered or timed out. From then on `/ready` probes again a source not heard from for
   * `options.reprobeIntervalMs` (default `REPROBE_INTERVAL_MS`).
   * @param timeoutMs bound of one probe, ms
   */
  probeAll(timeoutMs?: number, options?: { reprobeIntervalMs?: number }): Promise<void>;
  /** The body and HTTP status `/ready` answers. */
  snapshot(): { httpStatus: number; body: ReadinessBody };
}

/** Least time without news of a source (traffic or a probe) before `/ready` probes it again, ms. */
export const REPROBE_INTERVAL_MS = 10_000;
export { PROBE_TIMEOUT_MS };

const trackers = new WeakMap<Gateway, Readiness>();

/** The readiness tracker of `gateway` (created on first use, listening to its upstream calls). */
export function readinessOf(gateway: Gateway): Readiness {
  let tracker = trackers.get(gateway);
  if (!tracker) {
    tracker = createReadiness(gateway);
    trackers.set(gateway, tracker);
  }
  return tracker;
}

function createReadiness(gateway: Gateway): Readiness {
  let reprobeIntervalMs = REPROBE_INTERVAL_MS;
  const heard = new Map<string, { status: 'up' | 'down'; at: number }>();
  const probing = new Set<string>();
  let probesEnabled = false;
  gateway.upstreamCalls.subscribe((call) => {
    // A call the open circuit refused says nothing new about the upstream.
    if (call.status === 'CIRCUIT_OPEN') return;
    const status = /^\d{3}$/.test(call.status) && Number(call.status) < 500 ? 'up' : 'down';
    heard.set(call.sourceId, { status, at: Date.now() });
  });

  const probe = async (sourceId: string, timeoutMs: number) => {
    const source = gateway.config.sources.find((entry) => entry.id === sourceId);
    if (!source || probing.has(sourceId)) return;
    probing.add(sourceId);
    try {
      const before = heard.get(sourceId)?.status;
      const status = await probeUpstream(source.baseUrl, timeoutMs);
      heard.set(sourceId, { status, at: Date.now() });
      if (before !== undefined && before !== status) {
        if (status === 'down') gateway.logger.warn({ sourceId }, 'upstream stopped answering its readiness probe');
        else gateway.logger.info({ sourceId }, 'upstream answers its readiness probe again');
      }
    } finally {
      probing.delete(sourceId);
    }
  };

  return {
    async probeAll(timeoutMs = PROBE_TIMEOUT_MS, options = {}) {
      probesEnabled = true;
      reprobeIntervalMs = options.reprobeIntervalMs ?? REPROBE_INTERVAL_MS;
      await Promise.all(gateway.config.sources.map((source) => probe(source.id, timeoutMs)));
      for (const source of gateway.sources.values()) {
        if (heard.get(source.id)?.status !== 'down') continue;
        gateway.logger.warn({ sourceId: source.id, kind: source.kind }, 'upstream unreachable at start-up: /ready shows it down until it answers');
      }
    },
    snapshot() {
      const sources: ReadinessBody['sources'] = {};
      const now = Date.now();
      for (const source of gateway.sources.values()) {
        const state = gateway.circuitState(source.id);
        const last = heard.get(source.id);
        const status: SourceStatus = state === 'open' ? 'down' : (last?.status ?? 'unknown');
        if (probesEnabled && state !== 'open' && now - (last?.at ?? 0) >= reprobeIntervalMs) {
          void probe(source.id, PROBE_TIMEOUT_MS);
        }
        sources[source.id] = { kind: source.kind, status, state };
      }
      const statuses = Object.values(sources).map((source) => source.status);
      const down = statuses.filter((status) => status === 'down').length;
      const redisStatus = gateway.redisStatus();
      const extra = redisStatus ? { redis: { status: redisStatus } } : {};
      if (gateway.draining) return { httpStatus: 503, body: { status: 'draining', sources, ...extra } };
      if (statuses.length > 0 && down === statuses.length) return { httpStatus: 503, body: { status: 'down', sources, ...extra } };
      if (statuses.every((status) => status === 'unknown')) return { httpStatus: 503, body: { status: 'starting', sources, ...extra } };
      const degraded = down > 0 || redisStatus === 'down';
      return { httpStatus: 200, body: { status: degraded ? 'degraded' : 'ready', sources, ...extra } };
    },
  };
}
