/**
 * The services the gateway injects into one source's adapter: its logger and its HTTP client
 * factory. The factory fills in everything the config says about talking to the upstream
 * (URL, time-outs, retries, size cap) and puts every call behind the source's one circuit
 * breaker, so the gateway, not the adapter, owns the breaker and can report its state.
 */
import type { Logger } from 'pino';
import { prefixCache, type SharedCache } from '../core/cache.js';
import { GatewayError } from '../core/errors.js';
import { CIRCUIT_BREAKER_DEFAULTS, createSourceBreaker, type CircuitState } from '../upstream/circuit-breaker.js';
import { createUpstreamClient } from '../upstream/http.js';
import { upstreamOptionsOf } from '../upstream/options.js';
import { PROBE_TIMEOUT_MS, probeStatus } from '../upstream/probe.js';
import { observeCall, type UpstreamObserver } from '../upstream/observer.js';
import type { AdapterServices, SourceCommonConfig } from '../providers/contract.js';

/** `AdapterServices` plus what the gateway keeps for itself. */
export interface SourceServices extends AdapterServices {
  /** The source's circuit state, for `/ready`. */
  circuitState(): CircuitState;
  /** Stops the breaker's timers (the adapter closes its own connection pools). */
  close(): void;
}

/**
 * Creates the services of one source.
 * @param config the source's validated config (common keys; defaults apply to optional ones)
 * @param logger the gateway's logger; a child carrying `sourceId` is handed to the adapter
 * @param cache the gateway's cross-request cache; the adapter sees it under `source:<id>:`
 * @param observe told about every finished upstream call of the source (metrics)
 * @param stopSignal aborted at the shutdown deadline: every call of the source still running fails
 */
export function createSourceServices(
  config: SourceCommonConfig,
  logger: Logger,
  cache: SharedCache,
  observe?: UpstreamObserver,
  stopSignal?: AbortSignal,
): SourceServices {
  const sourceLogger = logger.child({ sourceId: config.id });
  const breaker = createSourceBreaker(config.id, config.circuitBreaker ?? CIRCUIT_BREAKER_DEFAULTS, sourceLogger, () =>
    probeThroughObserver(config, observe),
  );
  return {
    logger: sourceLogger,
    http: (options) =>
      createUpstreamClient({
        ...options,
        ...upstreamOptionsOf(config),
        sourceId: config.id,
        logger: sourceLogger,
        breaker,
        observe,
        stopSignal,
      }),
    cache: prefixCache(cache, `source:${config.id}:`),
    circuitState: () => breaker.state(),
    close: () => breaker.shutdown(),
  };
}

/**
 * The half-open trial call: the credential-less `GET <baseUrl>` of probe.ts, reported like any
 * upstream call (metrics, and `/ready`, which then shows the source up again).
 * @throws GatewayError UPSTREAM_UNAVAILABLE on no answer or a 5xx
 */
function probeThroughObserver(config: SourceCommonConfig, observe: UpstreamObserver | undefined): Promise<void> {
  return observeCall(observe, { sourceId: config.id, method: 'GET', endpoint: '/' }, async (outcome) => {
    outcome.sent = true;
    const status = await probeStatus(config.baseUrl, PROBE_TIMEOUT_MS);
    outcome.status = status;
    if (status === undefined || status >= 500) {
      throw new GatewayError('UPSTREAM_UNAVAILABLE', `source "${config.id}" still does not answer its probe`, { sourceId: config.id });
    }
  });
}
