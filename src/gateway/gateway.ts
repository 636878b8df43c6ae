/**
 * The gateway's long-lived state, built once at start from a validated config: one adapter per
 * configured source (each with its HTTP client services and circuit breaker:
 * source-services.ts), the cursor codec, the logger, the cross-request cache (in memory, or
 * Redis) with its lookup listeners, the live hub that every subscription goes through, the hub
 * of finished upstream calls that metrics subscribe to, and the draining flag `/ready` reads.
 * Per-request state (viewer, DataLoaders, request scope) lives in the GraphQL context instead
 * (src/schema/context.ts).
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { observeCache, type CacheLookupListener, type SharedCache } from '../core/cache.js';
import { ConfigError, type GatewayConfig } from '../config/config.js';
import { createCursorCodec, type CursorCodec } from '../core/cursor.js';
import { createLive } from '../live/index.js';
import type { LiveHub } from '../live/hub.js';
import { loadProviderKinds } from '../providers/registry.js';
import { createSourceServices, type SourceServices } from './source-services.js';
import type { ProviderAdapter, SourceEntry } from '../providers/contract.js';
import { createUpstreamObserverHub, type UpstreamObserverHub } from '../upstream/observer.js';

export interface Gateway {
  config: GatewayConfig;
  logger: Logger;
  /** Sources in config order. */
  sources: Map<string, SourceEntry>;
  cursors: CursorCodec;
  /** The cross-request cache (in memory; Redis when configured). */
  cache: SharedCache;
  /** Live updates: every subscription goes through it (src/live/). */
  live: LiveHub;
  /** Set while shutting down: `/ready` answers 503 so load balancers stop sending traffic. */
  draining: boolean;
  /** Every finished upstream call of every source, for whoever subscribes (metrics). */
  upstreamCalls: UpstreamObserverHub;
  /** Adds a listener told about every cross-request cache lookup; returns its remover. */
  observeCacheLookups(listener: CacheLookupListener): () => void;
  /** The circuit-breaker state of a source's upstream. */
  circuitState(sourceId: string): 'closed' | 'open' | 'half-open';
  /** With `redis.url`: `up` while Redis answers, `down` while it is away or stalled. Undefined without Redis. */
  redisStatus(): 'up' | 'down' | undefined;
  /**
   * Polled feeds (a conversation's messages, or a viewer's list, of a source that does not push)
   * this process polls now, by source id; with Redis, those whose fleet-wide lease it holds.
   */
  pollersLeading(): Map<string, number>;
  /**
   * Fails every upstream call still running (UPSTREAM_UNAVAILABLE "gateway shutting down") and
   * destroys the connection pools, so `close()` does not wait for them: the shutdown deadline.
   */
  abortUpstreamCalls(): void;
  /** Closes every adapter's connection pool, after the calls in flight finish. Safe to call twice. */
  close(): Promise<void>;
}

export interface CreateGatewayOptions {
  /** Refuse to start without `server.cursorSecret` (the CLI sets it under NODE_ENV=production). @default false */
  requireCursorSecret?: boolean;
}

/**
 * Builds the adapters of every configured source.
 * @throws ConfigError when there is no usable cursor key (see `cursorKeyOf`)
 * @throws Error when a source's kind has no adapter (config validation normally prevents it)
 */
export async function createGateway(config: GatewayConfig, logger: Logger, options: CreateGatewayOptions = {}): Promise<Gateway> {
  const cursorKey = cursorKeyOf(config, options.requireCursorSecret ?? false);
  const kinds = await loadProviderKinds();
  const upstreamCalls = createUpstreamObserverHub();
  const sources = new Map<string, SourceEntry>();
  // Per source: the injected logger and HTTP factory, and the circuit breaker behind it.
  const services = new Map<string, SourceServices>();
  const stop = new AbortController();
  const circuitState = (sourceId: string) => services.get(sourceId)?.circuitState() ?? 'closed';
  const live = await createLive(config, logger, circuitState);
  const cacheListeners = new Set<CacheLookupListener>();
  const cache = observeCache(live.cache, (key, hit) => {
    for (const listener of cacheListeners) listener(key, hit);
  });
  for (const source of config.sources) {
    const kind = kinds.get(source.kind);
    if (!kind) throw new Error(`no provider adapter for kind "${source.kind}"`);
    const sourceServices = createSourceServices(source, logger, cache, upstreamCalls.observe, stop.signal);
    services.set(source.id, sourceServices);
    const adapter = kind.create(source as never, sourceServices);
    sources.set(source.id, { id: source.id, kind: source.kind, graphKind: kind.graphKind, adapter });
  }
  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    sources,
    cursors: createCursorCodec(cursorKey),
    cache,
    live: live.hub,
    draining: false,
    upstreamCalls,
    observeCacheLookups(listener) {
      cacheListeners.add(listener);
      return () => cacheListeners.delete(listener);
    },
    circuitState,
    redisStatus: () => (live.redisAnswering ? (live.redisAnswering() ? 'up' : 'down') : undefined),
    pollersLeading: () => live.pollersLeading(),
    abortUpstreamCalls: () => stop.abort(),
    close() {
      live.hub.close();
      closing ??= Promise.allSettled([...sources.values()].map((source) => source.adapter.close())).then(async () => {
        for (const entry of services.values()) entry.close();
        await cache.close();
        await live.close();
      });
      return closing;
    },
  };
}

/** Source config keys whose string values are credentials (apiKey, token, webhookSecret, …). */
const CREDENTIAL_KEY = /key|token|secret|password/i;

/**
 * Without `server.cursorSecret`, replicas sharing a config still agree on cursors: the key is
 * derived from the credentials in the config (the sources' keys and tokens, the JWT secret),
 * and from nothing else, since source ids and kinds are public (`Query.sources`) and a key
 * built from them could be recomputed by any client. Tuning a time-out leaves existing cursors
 * valid; rotating a credential does not (set `server.cursorSecret` in production).
 * @returns undefined when the config holds no credential to derive from
 */
export function deriveCursorSecret(config: GatewayConfig): Buffer | undefined {
  const secrets: string[] = [];
  if (config.auth.mode === 'jwt' && config.auth.jwt.secret) secrets.push(`auth.jwt.secret=${config.auth.jwt.secret}`);
  config.sources.forEach((source, index) => {
    for (const [key, value] of Object.entries(source).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (CREDENTIAL_KEY.test(key) && typeof value === 'string' && value.length > 0) secrets.push(`${index}.${key}=${value}`);
    }
  });
  if (secrets.length === 0) return undefined;
  const hash = createHash('sha256').update('chat-gateway cursor key');
  for (const secret of secrets) hash.update(`\u0000${secret}`);
  return hash.digest();
}

/**
 * The cursor key: `server.cursorSecret`, else one derived from the config's credentials.
 * @throws ConfigError naming `server.cursorSecret` when it is unset and either nothing secret
 *   can be derived from or `requireCursorSecret` (NODE_ENV=production) is set
 */
function cursorKeyOf(config: GatewayConfig, requireCursorSecret: boolean): string | Buffer {
  if (config.server.cursorSecret) return config.server.cursorSecret;
  if (requireCursorSecret) {
    throw new ConfigError('server.cursorSecret: required when NODE_ENV=production (so cursors survive credential rotation and replicas agree)');
  }
  const derived = deriveCursorSecret(config);
  if (!derived) {
    throw new ConfigError(
      'server.cursorSecret: required, because the config holds no source credential or JWT secret to derive ' +
        'the cursor key with (a key derived only from public data would let clients forge cursors)',
    );
  }
  return derived;
}
