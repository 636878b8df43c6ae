/**
 * Redis for several replicas (ioredis): the pub/sub event target of live updates
 * (`@graphql-yoga/redis-event-target`, one connection publishing, one subscribed) and the
 * cross-request cache (`SharedCache`). Commands are never queued while Redis is away
 * (`enableOfflineQueue: false`) and each waits at most `commandTimeoutMs`, so a dead Redis costs
 * a request nothing: cache reads answer "absent", writes are dropped, and live subscriptions
 * end with `UPSTREAM_UNAVAILABLE` (the hub is told through `onDown`). ioredis reconnects by itself.
 */
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { TypedEventTarget } from '@graphql-yoga/typed-event-target';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SharedCache } from '../core/cache.js';
import type { GatewayConfig } from '../config/config.js';

/** The validated `redis` section of the config. */
export type RedisConfig = NonNullable<GatewayConfig['redis']>;

export interface RedisConnection {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  eventTarget: TypedEventTarget<any>;
  /** The shared cache; keys under `<keyPrefix>cache:`. */
  cache: SharedCache;
  /** Pub/sub channels go under this prefix. */
  channelPrefix: string;
  /** Both connections are up. */
  available(): boolean;
  /** Called whenever a connection that was up goes away. */
  onDown(listener: () => void): void;
  close(): Promise<void>;
}

/** Longest wait at start for Redis to answer before serving without it (it may come later), ms. */
const CONNECT_WAIT_MS = 3_000;

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
    subscribe: (channel: string) => subscriber.subscribe(channel).catch(ignore),
    unsubscribe: (channel: string) => subscriber.unsubscribe(channel).catch(ignore),
  };
  const eventTarget = createRedisEventTarget({
    publishClient: publishClient as unknown as Redis,
    subscribeClient: subscribeClient as unknown as Redis,
  });

  const key = (name: string) => `${config.keyPrefix}cache:${name}`;
  const cache: SharedCache = {
    async get<T>(name: string) {
      try {
        const text = await publisher.get(key(name));
        return text === null ? undefined : (JSON.parse(text) as T);
      } catch {
        return undefined;
      }
    },
    async set(name, value, ttlMs) {
      await publisher.set(key(name), JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs))).catch(ignore);
    },
    async delete(name) {
      await publisher.del(key(name)).catch(ignore);
    },
    async setIfAbsent(name, value, ttlMs) {
      try {
        return (await publisher.set(key(name), JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK';
      } catch {
        return true;
      }
    },
    close: async () => {},
  };

  return {
    eventTarget,
    cache,
    channelPrefix: `${config.keyPrefix}live:`,
    available: () => publisher.status === 'ready' && subscriber.status === 'ready',
    onDown: (listener) => void downListeners.push(listener),
    async close() {
      closing = true;
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
