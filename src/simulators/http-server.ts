/**
 * A tiny HTTP server base for the upstream simulators: real sockets on loopback, a request log
 * (so tests can count upstream calls), JSON and text replies. Each simulator supplies a route
 * function; this file knows nothing about any backend.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the simulator saw it. */
export interface LoggedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/messages`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

/** What a route returns. */
export interface SimulatorReply {
  status: number;
  /** Serialized as JSON unless it is a string (then sent as text/plain). */
  body?: unknown;
  headers?: Record<string, string>;
}

export type SimulatorRoute = (request: LoggedRequest, body: unknown) => SimulatorReply | Promise<SimulatorReply>;

/** A running simulator. */
export interface SimulatorHandle {
  /** Origin, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  origin: string;
  /** Every request received, oldest first. Tests may clear it with `requests.length = 0`. */
  requests: LoggedRequest[];
  close(): Promise<void>;
}

/** A simulator started for a gateway source: the handle plus the config entry that points at it. */
export interface StartedSimulator extends SimulatorHandle {
  /** A `sources[]` config entry without `id`, e.g. `{ kind: 'dify', baseUrl, apiKey }`. */
  sourceConfig: Record<string, unknown>;
}

/**
 * Starts `route` on `host:port` (port 0 picks a free one).
 * @throws when the port cannot be bound
 */
export async function startSimulatorServer(
  route: SimulatorRoute,
  options: { port?: number; host?: string } = {},
): Promise<SimulatorHandle> {
  const requests: LoggedRequest[] = [];
  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const logged: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
    };
    requests.push(logged);
    let body: unknown;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    let reply: SimulatorReply;
    try {
      reply = await route(logged, body);
    } catch {
      reply = { status: 500, body: { error: 'simulator failure' } };
    }
    if (res.destroyed) return;
    const isText = typeof reply.body === 'string';
    const payload = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...(reply.body === undefined ? {} : { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json' }),
      ...reply.headers,
    });
    res.end(payload);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    origin: `http://${host}:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
