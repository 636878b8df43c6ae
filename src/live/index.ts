/**
 * Builds the gateway's live-update machinery from the config: pub/sub (in memory, or Redis when
 * `redis.url` is set), the shared pollers, the hub every subscription goes through, and the
 * cross-request cache (Redis-backed beside a Redis pub/sub, in memory otherwise).
 */
import type { Logger } from 'pino';
import { createMemoryCache, type SharedCache } from '../core/cache.js';
import type { GatewayConfig } from '../config/config.js';
import { GatewayError } from '../core/errors.js';
import type { LiveTopics } from './events.js';
import { createLiveHub, type LiveHub } from './hub.js';
import { createPollerRegistry } from './poller.js';

export interface Live {
  hub: LiveHub;
  cache: SharedCache;
  /** With Redis: whether it answers (`/ready` reports it). Undefined without Redis. */
  redisAnswering?: () => boolean;
  /** Ends subscriptions and pollers, then closes Redis. */
  close(): Promise<void>;
}

/**
 * @param circuitState the breaker state of a source (pollers back off while it is open)
 */
export async function createLive(
  config: GatewayConfig,
  logger: Logger,
  circuitState: (sourceId: string) => 'closed' | 'open' | 'half-open',
): Promise<Live> {
  // ioredis is loaded only with `redis.url`: an in-memory gateway never imports it.
  const redis = config.redis ? await (await import('./redis.js')).connectRedis(config.redis, logger) : undefined;
  const intervals = new Map(config.sources.map((source) => [source.id, source.pollIntervalMs ?? 5_000]));
  const pollers = createPollerRegistry({ logger, intervalMs: (id) => intervals.get(id) ?? 5_000, circuitState });
  const hub = createLiveHub({
    eventTarget: redis?.eventTarget ?? new EventTarget(),
    pollers,
    logger,
    maxSubscriptionsPerViewer: config.server.limits.maxSubscriptionsPerViewer ?? 20,
    subscriberBufferEvents: config.server.limits.subscriberBufferEvents,
    channelPrefix: redis?.channelPrefix,
    pubsubAvailable: redis ? () => redis.available() : undefined,
    publish: redis ? (topic, payload) => redis.publish(topic, payload) : undefined,
  });
  redis?.onDown(() =>
    hub.failPubSub(new GatewayError('UPSTREAM_UNAVAILABLE', 'live updates interrupted: the pub/sub store went away; subscribe again')),
  );
  return {
    hub,
    cache: redis?.cache ?? createMemoryCache(),
    ...(redis ? { redisAnswering: () => redis.answering() } : {}),
    async close() {
      hub.close();
      await redis?.close();
    },
  };
}
