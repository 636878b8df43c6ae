/**
 * Closes connections whose peer stopped taking what the gateway writes: a live stream (SSE or
 * WebSocket) to a client that no longer reads would otherwise hold its socket, its buffers and
 * its subscriptions forever, since TCP keeps a zero-window connection open indefinitely. A
 * connection is closed when its output has waited above the socket's high-water mark for
 * `maxStalledWriteMs` without a `drain`, or at once when more than `maxConnectionBufferBytes`
 * are waiting. One timer checks every connection; it never keeps the process alive.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

export interface ConnectionWatchdogOptions {
  /** How long output may wait above the high-water mark without draining, ms. */
  maxStalledWriteMs: number;
  /** Unsent bytes one connection may hold. */
  maxConnectionBufferBytes: number;
  logger: Logger;
}

export interface ConnectionWatchdog {
  /** Watches `socket` until it closes. */
  watch(socket: Socket): void;
  /**
   * How to close `socket` when it stalls, instead of destroying it (a WebSocket sends a close
   * code first). The closer must end the socket soon.
   */
  setCloser(socket: Socket, close: (reason: 'stalled' | 'buffer') => void): void;
  /** Stops the timer. */
  stop(): void;
}

interface Watched {
  needDrainSince: number | undefined;
  close?: (reason: 'stalled' | 'buffer') => void;
}

/** Creates the watchdog of one HTTP server. */
export function createConnectionWatchdog({ maxStalledWriteMs, maxConnectionBufferBytes, logger }: ConnectionWatchdogOptions): ConnectionWatchdog {
  const sockets = new Map<Socket, Watched>();
  const check = () => {
    const now = Date.now();
    for (const [socket, state] of sockets) {
      if (socket.destroyed) {
        sockets.delete(socket);
        continue;
      }
      let reason: 'stalled' | 'buffer' | undefined;
      if (socket.writableLength > maxConnectionBufferBytes) reason = 'buffer';
      else if (socket.writableNeedDrain) {
        state.needDrainSince ??= now;
        if (now - state.needDrainSince >= maxStalledWriteMs) reason = 'stalled';
      } else state.needDrainSince = undefined;
      if (!reason) continue;
      sockets.delete(socket);
      logger.warn({ reason, pendingBytes: socket.writableLength, peer: socket.remoteAddress }, 'closing a connection whose peer does not read');
      if (state.close) state.close(reason);
      else socket.destroy();
    }
  };
  const timer = setInterval(check, Math.max(50, Math.min(1_000, Math.floor(maxStalledWriteMs / 4))));
  timer.unref();
  return {
    watch(socket) {
      const state: Watched = { needDrainSince: undefined };
      sockets.set(socket, state);
      socket.on('drain', () => (state.needDrainSince = undefined));
      socket.once('close', () => sockets.delete(socket));
    },
    setCloser(socket, close) {
      const state = sockets.get(socket);
      if (state) state.close = close;
    },
    stop: () => clearInterval(timer),
  };
}
