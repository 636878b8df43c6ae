/**
 * Puts the yoga server on a socket and shuts it down gracefully: on SIGTERM/SIGINT `/ready`
 * turns 503 (draining), the socket stops accepting, in-flight requests finish (bounded by the
 * request deadline), then upstream connection pools close.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ViewerResolver } from './auth/viewer.js';
import type { Gateway } from './gateway.js';
import { attachGraphQLWs, type GraphQLWsServer } from './live/ws.js';
import type { GatewayYoga } from './yoga.js';

export interface RunningServer {
  server: Server;
  /** e.g. `http://127.0.0.1:4000` */
  url: string;
  /** Drains and closes; resolves when every connection and pool is closed. */
  stop(): Promise<void>;
  /** Ends every subscription (SSE and WebSocket) and closes the WebSocket endpoint. Safe to call twice. */
  closeLive(): Promise<void>;
}

/**
 * Listens on `host:port` (port 0 picks a free one).
 * @param onStop extra clean-up after the gateway closes (demo simulators)
 */
export async function startServer(
  yoga: GatewayYoga,
  gateway: Gateway,
  {
    port,
    host,
    onStop,
    resolveViewer,
  }: {
    port: number;
    host: string;
    onStop?: () => Promise<void>;
    /** Enables graphql-ws on `/graphql`, authenticating connections like HTTP requests. */
    resolveViewer?: ViewerResolver;
  },
): Promise<RunningServer> {
  const server = createServer(yoga);
  const ws: GraphQLWsServer | undefined = resolveViewer ? attachGraphQLWs(server, yoga, gateway, { resolveViewer }) : undefined;
  let liveClosed: Promise<void> | undefined;
  const closeLive = () => {
    // Subscriptions never finish by themselves: they end here so that draining can complete.
    liveClosed ??= (async () => {
      gateway.live.close();
      await ws?.close();
    })();
    return liveClosed;
  };
  server.requestTimeout = gateway.config.server.requestTimeoutMs + 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      gateway.draining = true;
      await closeLive();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), gateway.config.server.requestTimeoutMs);
      await closed;
      clearTimeout(grace);
      await gateway.close();
      await yoga.dispose();
      await onStop?.();
    })();
    return stopping;
  };
  return { server, url: `http://${shownHost}:${address.port}`, stop, closeLive };
}
