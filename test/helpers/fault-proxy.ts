/**
 * A fault-injecting HTTP proxy: a real server on loopback in front of an upstream (usually one
 * of the simulators) that forwards requests unchanged, or answers them badly on purpose —
 * slowly, never, with a reset socket, a 5xx, a 429 with `Retry-After`, cut-off JSON, an HTML
 * page, a huge streamed body, or JSON whose fields changed type. It counts every request it
 * sees, so tests can tell how many attempts the gateway made. Used by the fault-injection tests
 * and the soak script; never by the gateway itself.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One way of answering badly. */
export type Fault =
  /** Forward after `ms` milliseconds. */
  | { kind: 'latency'; ms: number }
  /** Never answer (the socket stays open until the client gives up or the proxy closes). */
  | { kind: 'hang' }
  /** Destroy the connection without answering. */
  | { kind: 'reset' }
  /** Answer `status` (e.g. 500, 502, 503) with a JSON body. */
  | { kind: 'status'; status: number; body?: unknown }
  /** 429 with a plain-text body and `Retry-After: retryAfter` (delta-seconds or an HTTP date). */
  | { kind: 'rate-limit'; retryAfter?: string }
  /** Forward, but send only the first half of the upstream's body (a complete, short answer). */
  | { kind: 'truncate' }
  /** An HTML error page instead of JSON (status 200 by default: a misrouted proxy or portal). */
  | { kind: 'html'; status?: number }
  /** A 200 JSON body of `bytes` bytes, streamed in chunks; with `declareLength`, Content-Length says so up front. */
  | { kind: 'oversize'; bytes: number; declareLength?: boolean }
  /** Forward, but send the body `chunkBytes` (default 16) at a time, one chunk every `intervalMs` (a slow trickle). */
  | { kind: 'trickle'; intervalMs: number; chunkBytes?: number }
  /** Forward, replacing the value of every `field` key anywhere in the JSON body with `value`. */
  | { kind: 'wrong-type'; field: string; value: unknown };

/** A request as the proxy saw it. */
export interface ProxiedRequest {
  method: string;
  /** Path with query string, e.g. `/v1/messages?limit=20`. */
  url: string;
  /** The fault applied, or `pass`. */
  fault: Fault['kind'] | 'pass';
}

/** Chooses the fault for one request (null: forward it unchanged). */
export type FaultChooser = (request: { method: string; url: string }) => Fault | null;

export interface FaultOptions {
  /** Apply to this many matching requests, then forward normally. @default unlimited */
  times?: number;
  /** Only requests whose URL contains this string get the fault. @default every request */
  match?: string;
}

export interface FaultProxy {
  /** e.g. `http://127.0.0.1:41234` */
  origin: string;
  /** Every request received, oldest first (clear with `requests.length = 0`). */
  requests: ProxiedRequest[];
  /** Bytes of oversize bodies handed to the socket so far (counted as written), summed. */
  oversizeBytesSent: number;
  /** Sets what to do from now on; null forwards everything. */
  setFault(fault: Fault | FaultChooser | null, options?: FaultOptions): void;
  close(): Promise<void>;
}

const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n';

/**
 * Starts a proxy in front of `target` (an origin such as `http://127.0.0.1:5001`).
 * @throws when the port cannot be bound
 */
export async function startFaultProxy(target: string, options: { port?: number } = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  // Reused connections to the target: a new one per forwarded request would add its set-up to
  // every call the gateway makes through the proxy, which the gateway never pays itself.
  const agent = new Agent({ keepAlive: true });
  let chooser: FaultChooser = () => null;

  const proxy: FaultProxy = {
    origin: '',
    requests: [],
    oversizeBytesSent: 0,
    setFault(fault, faultOptions = {}) {
      let left = faultOptions.times ?? Number.POSITIVE_INFINITY;
      const pick: FaultChooser = typeof fault === 'function' ? fault : () => fault;
      chooser = (request) => {
        if (faultOptions.match !== undefined && !request.url.includes(faultOptions.match)) return null;
        if (left <= 0) return null;
        const chosen = pick(request);
        if (chosen) left -= 1;
        return chosen;
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) res.writeHead(502).end();
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const fault = chooser({ method, url });
    proxy.requests.push({ method, url, fault: fault?.kind ?? 'pass' });
    const body = await readAll(req);
    switch (fault?.kind) {
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'status':
        sendJson(res, fault.status, fault.body ?? { error: `injected ${fault.status}` });
        return;
      case 'rate-limit':
        res.writeHead(429, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': fault.retryAfter ?? '1' });
        res.end('Retry later\n');
        return;
      case 'html':
        res.writeHead(fault.status ?? 200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(HTML_PAGE);
        return;
      case 'oversize':
        await streamOversize(res, fault.bytes, fault.declareLength === true, (bytes) => {
          proxy.oversizeBytesSent += bytes;
        });
        return;
      case 'latency':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        break;
      default:
        break;
    }
    const answer = await forward(upstream, agent, method, url, req.headers, body);
    if (res.destroyed) return;
    let payload = answer.body;
    if (fault?.kind === 'truncate') payload = payload.subarray(0, Math.floor(payload.length / 2));
    if (fault?.kind === 'wrong-type') payload = rewriteField(payload, fault.field, fault.value);
    const headers: Record<string, string> = { ...answer.headers, 'content-length': String(payload.length) };
    delete headers['transfer-encoding'];
    res.writeHead(answer.status, headers);
    if (fault?.kind === 'trickle') {
      const size = fault.chunkBytes ?? 16;
      for (let offset = 0; offset < payload.length && !res.destroyed; offset += size) {
        res.write(payload.subarray(offset, offset + size));
        await new Promise((resolve) => setTimeout(resolve, fault.intervalMs));
      }
      res.end();
      return;
    }
    res.end(payload);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  proxy.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

interface Forwarded {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Sends the request on to the upstream and reads its whole answer (simulator answers are small). */
function forward(upstream: URL, agent: Agent, method: string, url: string, headers: IncomingMessage['headers'], body: Buffer): Promise<Forwarded> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: upstream.hostname, port: upstream.port, method, path: url, agent, headers: { ...headers, host: upstream.host } },
      (incoming) => {
        readAll(incoming).then((data) => {
          const copied: Record<string, string> = {};
          for (const [key, value] of Object.entries(incoming.headers)) {
            if (value !== undefined && key !== 'connection' && key !== 'keep-alive') copied[key] = String(value);
          }
          resolve({ status: incoming.statusCode ?? 502, headers: copied, body: data });
        }, reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * Streams a valid JSON document of about `bytes` bytes in 64 KiB chunks, waiting for the client
 * to take each one (so nothing piles up here), and stops when the client goes away.
 * @param onWritten told of every chunk handed to the socket
 */
async function streamOversize(res: ServerResponse, bytes: number, declareLength: boolean, onWritten: (bytes: number) => void): Promise<void> {
  const item = Buffer.from(`{"id":"x","pad":"${'x'.repeat(1000)}"},`);
  const head = Buffer.from('{"data":[');
  const tail = Buffer.from('{"id":"end"}],"has_more":false}');
  const count = Math.max(0, Math.floor((bytes - head.length - tail.length) / item.length));
  const total = head.length + count * item.length + tail.length;
  res.writeHead(200, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(total) } : {}) });
  const perChunk = Math.max(1, Math.floor(65_536 / item.length));
  const chunk = Buffer.concat(Array.from({ length: perChunk }, () => item));
  const write = async (data: Buffer): Promise<boolean> => {
    if (res.destroyed) return false;
    onWritten(data.length);
    if (res.write(data)) return true;
    await drainedOrClosed(res);
    return !res.destroyed;
  };
  if (!(await write(head))) return;
  for (let written = 0; written < count; written += perChunk) {
    const n = Math.min(perChunk, count - written);
    if (!(await write(n === perChunk ? chunk : chunk.subarray(0, n * item.length)))) return;
  }
  if (await write(tail)) res.end();
}

/** Waits for the client to read what is buffered, or to hang up (listeners removed either way). */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Replaces the value of every `field` key in a JSON body; a body that is not JSON is left alone. */
function rewriteField(payload: Buffer, field: string, value: unknown): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return payload;
  }
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, key === field ? value : visit(item)]));
    }
    return node;
  };
  return Buffer.from(JSON.stringify(visit(parsed)));
}
