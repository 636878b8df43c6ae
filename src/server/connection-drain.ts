/**
 * Closes an HTTP server's connections during a drain without resetting a request.
 *
 * `http.Server#close()` is not used: since Node 19 it destroys every connection that is idle at
 * that instant, and idle includes a keep-alive connection whose next request is already on the
 * wire, or a just-accepted one whose first request is; the kernel then answers those bytes with
 * a reset. Here the listener closes, requests that arrive are served (each response carries
 * `Connection: close` while draining, so Node closes the connection after it), and a connection
 * closes on its own side only once nothing has arrived on it for a whole `idleGraceMs`.
 */
import type { Server } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** How long a connection must stay silent during a drain before it is closed, in ms. */
export const DRAIN_IDLE_GRACE_MS = 250;

export interface ConnectionDrain {
  /**
   * Stops accepting connections and starts closing the silent ones; resolves once every
   * connection has closed (by itself, after its last response, or as silent).
   */
  stopListening(): Promise<void>;
}

/**
 * Tracks `server`'s connections from now on (call it before `listen`): which are serving a
 * request, which were upgraded (WebSocket: closed by their own endpoint, never here).
 */
export function trackConnections(server: Server, idleGraceMs = DRAIN_IDLE_GRACE_MS): ConnectionDrain {
  const open = new Set<Socket>();
  const requestsOn = new WeakMap<Socket, number>();
  const upgraded = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    requestsOn.set(socket, (requestsOn.get(socket) ?? 0) + 1);
    response.once('close', () => requestsOn.set(socket, (requestsOn.get(socket) ?? 1) - 1));
  });
  server.on('upgrade', (request: { socket: Socket }) => upgraded.add(request.socket));

  /** Every `idleGraceMs`, closes each connection that served nothing and received no byte since the last look. */
  const closeSilentConnections = () => {
    const bytesSeen = new Map<Socket, number>();
    const look = () => {
      for (const socket of open) {
        const idle = !requestsOn.get(socket) && !upgraded.has(socket);
        if (idle && bytesSeen.get(socket) === socket.bytesRead) socket.destroy();
        else bytesSeen.set(socket, socket.bytesRead);
      }
    };
    look();
    const timer = setInterval(look, idleGraceMs);
    timer.unref();
    return timer;
  };

  return {
    stopListening() {
      return new Promise<void>((resolve) => {
        const timer = closeSilentConnections();
        // net.Server#close: stop listening; the callback runs once no connection is left.
        NetServer.prototype.close.call(server, () => {
          clearInterval(timer);
          resolve();
        });
      });
    },
  };
}
