/**
 * The demo simulators with chosen sources behind fault proxies, and a gateway listening on a
 * free loopback port in front of them. Shared by the fault-injection tests and the soak and
 * bench scripts, so that all three measure the same set-up.
 */
import { createViewerResolver } from '../../src/auth/viewer.js';
import { validateConfig } from '../../src/gateway/load-config.js';
import { startDemoBackends, type DemoBackends } from '../../src/demo/demo.js';
import { createGateway, type Gateway } from '../../src/gateway/gateway.js';
import { createLogger } from '../../src/core/logger.js';
import { startServer } from '../../src/server/server.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { createGatewayYoga } from '../../src/yoga/yoga.js';

export type SourceName = keyof DemoBackends['simulators'];

export interface ProxiedGatewayOptions {
  /** Sources to put behind a fault proxy. */
  proxied?: SourceName[];
  /** Keys merged into every source's config (time-outs, retries, breaker). */
  sourceConfig?: Record<string, unknown>;
  /** Keys merged into `server`. */
  serverConfig?: Record<string, unknown>;
}

export interface ProxiedGateway {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  gateway: Gateway;
  backends: DemoBackends;
  proxies: Partial<Record<SourceName, FaultProxy>>;
  close(): Promise<void>;
}

/** Starts simulators, proxies and a listening gateway (requests without a viewer get 401). */
export async function startProxiedGateway(options: ProxiedGatewayOptions = {}): Promise<ProxiedGateway> {
  const backends = await startDemoBackends();
  const proxies: Partial<Record<SourceName, FaultProxy>> = {};
  for (const name of options.proxied ?? []) proxies[name] = await startFaultProxy(backends.simulators[name].origin);
  const raw = structuredClone(backends.config) as Record<string, any>;
  for (const source of raw.sources as Array<Record<string, unknown>>) {
    const proxy = proxies[source.id as SourceName];
    if (proxy) source.baseUrl = proxy.origin + new URL(String(source.baseUrl)).pathname.replace(/\/$/, '');
  }
  const listening = await startListeningGateway(raw, options);
  return {
    ...listening,
    backends,
    proxies,
    async close() {
      await listening.close();
      await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
      await backends.close();
    },
  };
}

/** A gateway listening on a free loopback port, without the upstreams it reads. */
export interface ListeningGateway {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  gateway: Gateway;
  /** Stops the server (and the gateway); the upstreams are the caller's. */
  close(): Promise<void>;
}

/**
 * Validates `raw` (a config such as `DemoBackends['config']`, wherever its upstreams run),
 * merges `options.serverConfig` into `server` and `options.sourceConfig` into every source,
 * and starts the gateway on a free loopback port (requests without a viewer get 401).
 * @throws when the config is invalid or the port cannot be bound
 */
export async function startListeningGateway(
  raw: Record<string, any>,
  options: Pick<ProxiedGatewayOptions, 'serverConfig' | 'sourceConfig'> = {},
): Promise<ListeningGateway> {
  const merged = structuredClone(raw);
  merged.server = { ...merged.server, ...options.serverConfig };
  for (const source of merged.sources as Array<Record<string, unknown>>) Object.assign(source, options.sourceConfig);
  const config = await validateConfig(merged);
  const gateway = await createGateway(config, createLogger('silent'));
  const yoga = createGatewayYoga(gateway, { resolveViewer: createViewerResolver({ auth: config.auth }) });
  const server = await startServer(yoga, gateway, { port: 0, host: '127.0.0.1' });
  return { url: server.url, gateway, close: () => server.stop() };
}
