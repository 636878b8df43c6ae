/**
 * Adapter services for tests that create an adapter through its provider kind: the same
 * per-source services the gateway injects (HTTP factory behind a circuit breaker), silent logs.
 */
import { createMemoryCache } from '../../src/cache.js';
import { createLogger } from '../../src/logger.js';
import { createSourceServices, type SourceServices } from '../../src/providers/source-services.js';
import type { SourceCommonConfig } from '../../src/providers/types.js';

/** The services the gateway would create for `config`. */
export function testServices(config: SourceCommonConfig): SourceServices {
  return createSourceServices(config, createLogger('silent'), createMemoryCache());
}
