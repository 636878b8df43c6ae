/**
 * A tiny HTTP server base for the upstream simulators: real sockets on loopback, a request log
 * (so tests can count upstream calls), JSON, text, binary and streamed replies. Each simulator
 * supplies a route function; this file knows nothing about any backend.
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
  /** The body parsed as JSON (undefined when empty or not JSON), so tests can see what was sent. */
  body?: unknown;
  /** The raw body, at most `maxBodyBytes` of it (empty when the request had none). */
  raw: Buffer;
  /** Bytes the request body really had (may exceed `raw.length`). */
  bodyBytes: number;
  /** True when the body was longer than `maxBodyBytes` and `raw` holds only its start. */
  bodyTruncated: boolean;
}

/** What a route returns. */
export interface SimulatorReply {
  status: number;
  /**
   * Serialized as JSON unless it is a string (then sent as text/plain) or a Buffer (sent as is,
   * `application/octet-stream` unless `headers` name a content type).
   */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Writes the body itself after the status line and `headers` went out (SSE, chunked audio).
   * `closed` aborts when the client goes away. Resolves when the body is complete; the server
   * then ends the response.
   */
  stream?: (response: ServerResponse, closed: AbortSignal) => Promise<void>;
}

export type SimulatorRoute = (request: LoggedRequest, body: unknown) => SimulatorReply | Promise<SimulatorReply>;

/** A running simulator. */
export interface SimulatorHandle {
  /** Origin, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  origin: string;
  /** Every request received, oldest first. Tests may clear it with `requests.length = 0`. */
  requests: LoggedRequest[];
  /**
   * How many logged requests match `method` and `path` (exact path, or a RegExp tested against
   * it), e.g. `calls('POST', '/v1/chat-messages')`, so tests can assert "one upstream call".
   */
  calls(method: string, path: string | RegExp): number;
  close(): Promise<void>;
}

/** A simulator started for a gateway source: the handle plus the config entry that points at it. */
export interface StartedSimulator extends SimulatorHandle {
  /** A `sources[]` config entry without `id`, e.g. `{ kind: 'dify', baseUrl, apiKey }`. */
  sourceConfig: Record<string, unknown>;
}

/** Bodies longer than this are counted but not kept (a simulator answers 413 from `bodyTruncated`). */
const DEFAULT_MAX_BODY_BYTES = 40 * 1024 * 1024;

/**
 * Starts `route` on `host:port` (port 0 picks a free one). `maxBodyBytes` bounds what is kept
 * of one request body (default 40 MiB).
 * @throws when the port cannot be bound
 */
export async function startSimulatorServer(
  route: SimulatorRoute,
  options: { port?: number; host?: string; maxBodyBytes?: number } = {},
): Promise<SimulatorHandle> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
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
      raw: Buffer.alloc(0),
      bodyBytes: 0,
      bodyTruncated: false,
    };
    requests.push(logged);
    let body: unknown;
    try {
      const chunks: Buffer[] = [];
      let kept = 0;
      for await (const chunk of req) {
        const bytes = chunk as Buffer;
        logged.bodyBytes += bytes.length;
        if (kept + bytes.length <= maxBodyBytes) {
          chunks.push(bytes);
          kept += bytes.length;
        } else {
          logged.bodyTruncated = true;
        }
      }
      logged.raw = Buffer.concat(chunks);
      const isJson = !/^multipart\//i.test(req.headers['content-type'] ?? '');
      const text = isJson && !logged.bodyTruncated ? logged.raw.toString('utf8') : '';
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    logged.body = body;
    let reply: SimulatorReply;
    try {
      reply = await route(logged, body);
    } catch {
      reply = { status: 500, body: { error: 'simulator failure' } };
    }
    if (res.destroyed) return;
    if (reply.stream) {
      await streamReply(res, reply);
      return;
    }
    const isText = typeof reply.body === 'string';
    const isBinary = Buffer.isBuffer(reply.body);
    const payload =
      reply.body === undefined ? '' : isText || isBinary ? (reply.body as string | Buffer) : JSON.stringify(reply.body);
    const contentType = isBinary ? 'application/octet-stream' : isText ? 'text/plain; charset=utf-8' : 'application/json';
    res.writeHead(reply.status, {
      ...(reply.body === undefined ? {} : { 'content-type': contentType }),
      ...reply.headers,
    });
    res.end(payload);
  }

  async function streamReply(res: ServerResponse, reply: SimulatorReply): Promise<void> {
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    res.writeHead(reply.status, reply.headers);
    res.flushHeaders();
    try {
      await reply.stream!(res, closed.signal);
    } finally {
      if (!res.destroyed) res.end();
    }
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
    calls: (method, path) =>
      requests.filter(
        (request) =>
          request.method === method.toUpperCase() && (typeof path === 'string' ? request.path === path : path.test(request.path)),
      ).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
