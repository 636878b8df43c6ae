/**
 * The services the gateway injects into one source's adapter: its logger and its HTTP client
 * factory. The factory fills in everything the config says about talking to the upstream
 * (URL, time-outs, retries, size cap) and puts every call behind the source's one circuit
 * breaker, so the gateway, not the adapter, owns the breaker and can report its state.
 */
import type { Logger } from 'pino';
import { prefixCache, type SharedCache } from '../core/cache.js';
import { CIRCUIT_BREAKER_DEFAULTS, createSourceBreaker, type CircuitState } from '../upstream/circuit-breaker.js';
import { createUpstreamClient } from '../upstream/http.js';
import { upstreamOptionsOf } from '../upstream/options.js';
import type { UpstreamObserver } from '../upstream/observer.js';
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
 */
export function createSourceServices(
  config: SourceCommonConfig,
  logger: Logger,
  cache: SharedCache,
  observe?: UpstreamObserver,
): SourceServices {
  const sourceLogger = logger.child({ sourceId: config.id });
  const breaker = createSourceBreaker(config.id, config.circuitBreaker ?? CIRCUIT_BREAKER_DEFAULTS, sourceLogger);
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
      }),
    cache: prefixCache(cache, `source:${config.id}:`),
    circuitState: () => breaker.state(),
    close: () => breaker.shutdown(),
  };
}
