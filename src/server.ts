/**
 * Puts the yoga server on a socket and shuts it down gracefully: on SIGTERM/SIGINT `/ready`
 * turns 503 (draining), the socket stops accepting, in-flight requests finish (bounded by the
 * request deadline), then upstream connection pools close.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from './gateway.js';
import type { GatewayYoga } from './yoga.js';

export interface RunningServer {
  server: Server;
  /** e.g. `http://127.0.0.1:4000` */
  url: string;
  /** Drains and closes; resolves when every connection and pool is closed. */
  stop(): Promise<void>;
}

/**
 * Listens on `host:port` (port 0 picks a free one).
 * @param onStop extra clean-up after the gateway closes (demo simulators)
 */
export async function startServer(
  yoga: GatewayYoga,
  gateway: Gateway,
  { port, host, onStop }: { port: number; host: string; onStop?: () => Promise<void> },
): Promise<RunningServer> {
  const server = createServer(yoga);
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
  return { server, url: `http://${shownHost}:${address.port}`, stop };
}
