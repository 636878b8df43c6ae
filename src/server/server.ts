/**
 * Puts the yoga server on a socket and shuts it down without dropping a request (DESIGN §9):
 *
 * 1. `/ready` turns 503 (`draining`) at once, and responses carry `Connection: close` so
 *    keep-alive clients reconnect elsewhere; requests are still served for
 *    `server.shutdownDelayMs` while load balancers take the replica out;
 * 2. the listener closes (new connections are refused) and every subscription (SSE and
 *    WebSocket) ends cleanly (`closeLive`); an open connection is never cut while a request may
 *    be arriving on it: it closes after its next response, or once silent for 250 ms
 *    (src/connection-drain.ts);
 * 3. in-flight requests finish, bounded by `server.shutdownTimeoutMs`, after which the
 *    remaining connections are closed and upstream calls still running are aborted;
 * 4. yoga's plugins are disposed, then the upstream connection pools close, last.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ViewerResolver } from '../auth/viewer.js';
import { createConnectionWatchdog } from './connection-watchdog.js';
import { trackConnections } from './connection-drain.js';
import type { Gateway } from '../gateway/gateway.js';
import { attachGraphQLWs, type GraphQLWsServer } from './ws.js';
import type { GatewayYoga } from '../yoga/yoga.js';

export interface RunningServer {
  server: Server;
  /** e.g. `http://127.0.0.1:4000` */
  url: string;
  /**
   * Drains and closes (the sequence above); resolves when every connection and pool is closed.
   * Calling it again (a second SIGTERM) returns the same promise and changes nothing.
   * @param reason logged with the drain, e.g. `SIGTERM`
   */
  stop(reason?: string): Promise<void>;
  /** Ends every subscription (SSE and WebSocket) and closes the WebSocket endpoint. Safe to call twice. */
  closeLive(): Promise<void>;
}

export interface StartServerOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** Extra clean-up after the pools closed (demo simulators). */
  onStop?: () => Promise<void>;
  /** Enables graphql-ws on `/graphql`, authenticating connections like HTTP requests. */
  resolveViewer?: ViewerResolver;
}

/**
 * Listens on `host:port`.
 * @throws the listen error (`EADDRINUSE`, `EACCES`) when the port cannot be bound
 */
export async function startServer(yoga: GatewayYoga, gateway: Gateway, { port, host, onStop, resolveViewer }: StartServerOptions): Promise<RunningServer> {
  const { requestTimeoutMs, shutdownDelayMs, shutdownTimeoutMs } = gateway.config.server;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    // Node then ends the connection after this response instead of keeping it for the next one.
    if (gateway.draining) response.setHeader('connection', 'close');
    void yoga(request, response);
  });
  let ws: GraphQLWsServer | undefined;
  let liveClosed: Promise<void> | undefined;
  const closeLive = () => {
    // Subscriptions never finish by themselves: they end here so that draining can complete.
    liveClosed ??= (async () => {
      gateway.live.close();
      await ws?.close();
    })();
    return liveClosed;
  };
  server.requestTimeout = requestTimeoutMs + 5_000;
  const watchdog = createConnectionWatchdog({ ...gateway.config.server.limits, logger: gateway.logger });
  server.on('connection', (socket) => watchdog.watch(socket));
  const connections = trackConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Attached once listening, so a failed listen (a port in use) is reported once, by the CLI,
  // and never also by the WebSocket server as an internal error with a stack.
  ws = resolveViewer ? attachGraphQLWs(server, yoga, gateway, { resolveViewer, watchdog }) : undefined;
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const logger = gateway.logger;
  let stopping: Promise<void> | undefined;
  const stop = (reason?: string) => {
    if (stopping) {
      if (reason) logger.info({ reason }, 'shutdown already in progress: signal ignored');
      return stopping;
    }
    stopping = (async () => {
      const started = Date.now();
      gateway.draining = true;
      logger.info({ reason, shutdownDelayMs, shutdownTimeoutMs }, 'shutdown: readiness 503, still serving until the delay ends');
      if (shutdownDelayMs > 0) await sleep(shutdownDelayMs);
      const closed = connections.stopListening();
      await closeLive();
      // The deadline: what still runs then (a request, or an upstream call whose client left,
      // such as a blocking send) is cut, so the process never outlives delay + time-out.
      const deadline = setTimeout(() => {
        logger.warn({ shutdownTimeoutMs }, 'shutdown: still running after the time-out, closing connections and aborting upstream calls');
        server.closeAllConnections();
        gateway.abortUpstreamCalls();
      }, Math.max(0, started + shutdownDelayMs + shutdownTimeoutMs - Date.now()));
      await closed;
      watchdog.stop();
      await yoga.dispose();
      await gateway.close();
      clearTimeout(deadline);
      await onStop?.();
      logger.info({ durationMs: Date.now() - started }, 'shutdown: complete');
    })();
    return stopping;
  };
  return { server, url: `http://${shownHost}:${address.port}`, stop, closeLive };
}

