/**
 * Builds the gateway's live-update machinery from the config: pub/sub (in memory, or Redis when
 * `redis.url` is set), the shared pollers (one per feed in this process; with Redis one per
 * feed across every replica, src/live/fleet-poller.ts), the hub every subscription goes
 * through, and the cross-request cache (Redis-backed beside a Redis pub/sub, in memory otherwise).
 */
import type { Logger } from 'pino';
import { createMemoryCache, type SharedCache } from '../core/cache.js';
import type { GatewayConfig } from '../config/config.js';
import { GatewayError } from '../core/errors.js';
import type { LiveTopics } from './events.js';
import { createLiveHub, type LiveHub } from './hub.js';
import { randomUUID } from 'node:crypto';
import { createPollerRegistry, type PollerRegistry } from './poller.js';

export interface Live {
  hub: LiveHub;
  cache: SharedCache;
  /** With Redis: whether it answers (`/ready` reports it). Undefined without Redis. */
  redisAnswering?: () => boolean;
  /** Feeds this process polls now, by source id (with Redis: those it holds the lease of). */
  pollersLeading(): Map<string, number>;
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
  const intervalMs = (id: string) => intervals.get(id) ?? 5_000;
  let pollers: PollerRegistry;
  let pollersLeading: () => Map<string, number>;
  let drainPollers = async () => {};
  if (redis && config.redis) {
    const { createFleetPollerRegistry } = await import('./fleet-poller.js');
    const { createPollLeases } = await import('./poll-lease.js');
    const fleet = createFleetPollerRegistry({
      leases: createPollLeases(redis.commands, config.redis.keyPrefix, randomUUID()),
      eventTarget: redis.eventTarget,
      channelPrefix: redis.channelPrefix,
      logger,
      leaseMs: config.redis.pollLeaseMs,
      renewMs: config.redis.pollRenewMs,
      intervalMs,
      circuitState,
      available: () => redis.available(),
    });
    redis.onDown(() =>
      fleet.failAll(new GatewayError('UPSTREAM_UNAVAILABLE', 'live updates interrupted: the pub/sub store went away; subscribe again')),
    );
    pollers = fleet;
    pollersLeading = () => fleet.leading();
    drainPollers = () => fleet.drained();
  } else {
    const local = createPollerRegistry({ logger, intervalMs, circuitState });
    pollers = local;
    pollersLeading = () => local.running();
  }
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
    pollersLeading,
    async close() {
      hub.close();
      // Leases given back let another replica take over at once instead of after pollLeaseMs.
      await drainPollers();
      await redis?.close();
    },
  };
}
