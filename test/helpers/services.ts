/**
 * Adapter services for tests that create an adapter through its provider kind: the same
 * per-source services the gateway injects (HTTP factory behind a circuit breaker), silent logs.
 */
import { createMemoryCache } from '../../src/core/cache.js';
import { createLogger } from '../../src/core/logger.js';
import { createSourceServices, type SourceServices } from '../../src/gateway/source-services.js';
import type { SourceCommonConfig } from '../../src/providers/contract.js';

/** The services the gateway would create for `config`. */
export function testServices(config: SourceCommonConfig): SourceServices {
  return createSourceServices(config, createLogger('silent'), createMemoryCache());
}
