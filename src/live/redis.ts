/**
 * Redis for several replicas (ioredis): the pub/sub event target of live updates
 * (`@graphql-yoga/redis-event-target`, one connection publishing, one subscribed) and the
 * cross-request cache (`SharedCache`). Commands are never queued while Redis is away
 * (`enableOfflineQueue: false`) and each waits at most `commandTimeoutMs`, so a dead or stalled
 * Redis costs a request little: lookup caching falls back to a copy in this process (so a
 * viewer's contact lookups do not spend an upstream's search budget meanwhile), deduplication
 * (`setIfAbsent`, `getOrThrow`) fails closed with `UPSTREAM_UNAVAILABLE`, and live
 * subscriptions end with `UPSTREAM_UNAVAILABLE` (the hub is told through `onDown`). A PING every
 * `HEALTH_INTERVAL_MS` tells `/ready` whether Redis answers. ioredis reconnects by itself.
 */
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { TypedEventTarget } from '@graphql-yoga/typed-event-target';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createMemoryCache, type SharedCache } from '../core/cache.js';
import type { GatewayConfig } from '../config/config.js';
import { GatewayError } from '../core/errors.js';

/** The validated `redis` section of the config. */
export type RedisConfig = NonNullable<GatewayConfig['redis']>;

export interface RedisConnection {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  eventTarget: TypedEventTarget<any>;
  /** The shared cache; keys under `<keyPrefix>cache:`. */
  cache: SharedCache;
  /** Pub/sub channels go under this prefix. */
  channelPrefix: string;
  /**
   * The command connection (never the subscribed one), for modules that define their own
   * scripts on it (src/live/poll-lease.ts). It never queues and gives up after `commandTimeoutMs`.
   */
  commands: Redis;
  /** Both connections are up. */
  available(): boolean;
  /**
   * Publishes `message` on `channel` and resolves once Redis took it (what the event target's
   * fire-and-forget publish cannot say).
   * @throws GatewayError UPSTREAM_UNAVAILABLE when Redis does not take it
   */
  publish(channel: string, message: string): Promise<void>;
  /** Whether Redis answered its last command or PING (false while it is away or stalled). */
  answering(): boolean;
  /** Called whenever a connection that was up goes away. */
  onDown(listener: () => void): void;
  close(): Promise<void>;
}

/** Longest wait at start for Redis to answer before serving without it (it may come later), ms. */
const CONNECT_WAIT_MS = 3_000;
/** How often Redis is PINGed to know whether it answers (`/ready`), ms. */
export const HEALTH_INTERVAL_MS = 1_000;
/** Entries of the in-process copy lookup caching falls back on while Redis is away. */
const FALLBACK_ENTRIES = 10_000;

/**
 * Opens the two connections and waits (bounded) until they are ready.
 * @param config `redis` of the config; `url` may hold a password, which is never logged
 */
export async function connectRedis(config: RedisConfig, logger: Logger): Promise<RedisConnection> {
  const options = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: Math.max(config.commandTimeoutMs, 1_000),
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    lazyConnect: true,
  };
  const publisher = new Redis(config.url, options);
  const subscriber = new Redis(config.url, options);
  const downListeners: Array<() => void> = [];
  let closing = false;
  for (const [role, client] of [['publish', publisher], ['subscribe', subscriber]] as const) {
    let wasReady = false;
    client.on('ready', () => {
      if (!wasReady) logger.info({ redis: role }, 'redis connected');
      wasReady = true;
    });
    client.on('close', () => {
      if (!wasReady || closing) return;
      wasReady = false;
      logger.warn({ redis: role }, 'redis connection lost; live updates end and the shared cache is skipped');
      for (const listener of downListeners) listener();
    });
    // Errors are reported by 'close'; without a listener ioredis would print each retry.
    client.on('error', () => {});
  }
  await Promise.race([
    Promise.allSettled([publisher.connect(), subscriber.connect()]),
    new Promise((resolve) => setTimeout(resolve, CONNECT_WAIT_MS).unref()),
  ]);
  if (publisher.status !== 'ready' || subscriber.status !== 'ready') logger.warn('redis not reachable at start; serving without it');

  const ignore = () => undefined;
  // The event target calls these without handling a rejection; a dead Redis must not crash us.
  const publishClient = { publish: (channel: string, message: string) => publisher.publish(channel, message).catch(ignore) };
  const subscribeClient = {
    on: (event: string, listener: (...args: any[]) => void) => subscriber.on(event, listener), // eslint-disable-line @typescript-eslint/no-explicit-any
    // A SUBSCRIBE that fails leaves its streams deaf while the event target counts them as
    // listening: they are ended (UPSTREAM_UNAVAILABLE) so that their clients subscribe again.
    subscribe: (channel: string) =>
      subscriber.subscribe(channel).catch(() => {
        logger.warn({ redis: 'subscribe' }, 'redis subscribe failed; live updates of that channel end');
        for (const listener of downListeners) listener();
      }),
    unsubscribe: (channel: string) => subscriber.unsubscribe(channel).catch(ignore),
  };
  const eventTarget = createRedisEventTarget({
    publishClient: publishClient as unknown as Redis,
    subscribeClient: subscribeClient as unknown as Redis,
  });

  // Every command's outcome says whether Redis answers; the PING covers quiet periods.
  let answering = publisher.status === 'ready';
  const heard = <T>(result: T) => ((answering = true), result);
  const silent = (error: unknown): never => {
    answering = false;
    throw error;
  };
  const command = <T>(run: () => Promise<T>): Promise<T> => run().then(heard, silent);
  let pinging = false;
  const health = setInterval(() => {
    if (publisher.status !== 'ready') answering = false;
    else if (!pinging) {
      pinging = true;
      command(() => publisher.ping())
        .catch(ignore)
        .finally(() => (pinging = false));
    }
  }, HEALTH_INTERVAL_MS);
  health.unref();
  const unavailable = (cause: unknown) =>
    new GatewayError('UPSTREAM_UNAVAILABLE', 'the shared store (Redis) does not answer; try again shortly', { cause });

  const key = (name: string) => `${config.keyPrefix}cache:${name}`;
  const ttl = (ttlMs: number) => Math.max(1, Math.round(ttlMs));
  // Lookup caching keeps a copy here too: while Redis is away, lookups answer from it.
  const fallback = createMemoryCache({ max: FALLBACK_ENTRIES });
  const cache: SharedCache = {
    async get<T>(name: string) {
      try {
        const text = await command(() => publisher.get(key(name)));
        return text === null ? undefined : (JSON.parse(text) as T);
      } catch {
        return fallback.get<T>(name);
      }
    },
    async getOrThrow<T>(name: string) {
      let text: string | null;
      try {
        text = await command(() => publisher.get(key(name)));
      } catch (error) {
        throw unavailable(error);
      }
      return text === null ? undefined : (JSON.parse(text) as T);
    },
    async set(name, value, ttlMs) {
      await fallback.set(name, value, ttlMs);
      await command(() => publisher.set(key(name), JSON.stringify(value), 'PX', ttl(ttlMs))).catch(ignore);
    },
    async delete(name) {
      await fallback.delete(name);
      await command(() => publisher.del(key(name))).catch(ignore);
    },
    async setIfAbsent(name, value, ttlMs) {
      try {
        return (await command(() => publisher.set(key(name), JSON.stringify(value), 'PX', ttl(ttlMs), 'NX'))) === 'OK';
      } catch (error) {
        throw unavailable(error);
      }
    },
    close: () => fallback.close(),
  };

  return {
    eventTarget,
    cache,
    channelPrefix: `${config.keyPrefix}live:`,
    commands: publisher,
    available: () => publisher.status === 'ready' && subscriber.status === 'ready',
    async publish(channel, message) {
      try {
        await command(() => publisher.publish(channel, message));
      } catch (error) {
        throw unavailable(error);
      }
    },
    answering: () => answering && publisher.status === 'ready',
    onDown: (listener) => void downListeners.push(listener),
    async close() {
      closing = true;
      clearInterval(health);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
