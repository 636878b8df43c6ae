/**
 * The one way adapters talk HTTP: a pooled undici dispatcher per source with per-attempt
 * connect/headers/body time-outs, retries of idempotent reads (undici's retry interceptor with
 * the decisions of retry-policy.ts), the source's circuit breaker, a response-size cap, the
 * request's overall deadline, JSON parsing and zod validation. Every failure leaves here as a
 * `GatewayError` naming the source. Adapters get their client from `AdapterServices.http`
 * (src/gateway/source-services.ts), which fills these options from the source's config.
 * Beside it: the request's deadline and call budget (request-scope.ts), reading and judging an
 * answer (responses.ts), the retry decisions (retry-policy.ts), the breaker (circuit-breaker.ts),
 * the call observer for metrics and traces (observer.ts), the options (options.ts).
 */
import { Readable } from 'node:stream';
import type { Agent, Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { SourceBreaker } from './circuit-breaker.js';
import { GatewayError } from '../core/errors.js';
import { createRetryPolicy, RETRY_ERROR_CODES, RETRY_STATUS_CODES } from './retry-policy.js';
import { UPSTREAM_DEFAULTS, type UpstreamOptions } from './options.js';
import { admitUpstreamCall, deadlineOf, type RequestScope } from './request-scope.js';
import {
  defaultError,
  describe,
  networkReason,
  parseBody,
  readCapped,
  SHUTDOWN_REASON,
  ShutdownAbortError,
  unavailable,
  validatePayload,
  type UpstreamErrorResponse,
} from './responses.js';
import { loadUndici, type Undici } from './undici.js';
import { endpointTemplate, observeCall, runInUpstreamCall, type UpstreamObserver } from './observer.js';

/** One source's HTTP client: its upstream keys (options.ts) plus what the gateway and the adapter add. */
export interface UpstreamClientOptions extends UpstreamOptions {
  sourceId: string;
  /** Sent on every call (credentials live here and nowhere else). */
  headers: Record<string, string>;
  /** The source's circuit breaker; every call runs through it. */
  breaker?: Pick<SourceBreaker, 'run'>;
  /** The source's logger (its bindings already name the source). */
  logger: Logger;
  /**
   * Maps an upstream error body to a coded error; return undefined for the default mapping
   * (401/403 → rejected credentials, 404 → NOT_FOUND, 429 → RATE_LIMITED, 5xx → UNAVAILABLE).
   */
  mapError?: (response: UpstreamErrorResponse) => GatewayError | undefined;
  /** Told about every finished call (metrics); see observer.ts. */
  observe?: UpstreamObserver;
  /**
   * Aborted when the gateway's shutdown reaches its deadline: every call still running then
   * (a blocking send included, whatever its `sendTimeoutMs`) fails at once with
   * UPSTREAM_UNAVAILABLE "gateway shutting down", and the pool closes without waiting for it.
   */
  stopSignal?: AbortSignal;
}

export interface UpstreamRequest {
  /** Path after `baseUrl`, e.g. `/messages`. */
  path: string;
  /** Query parameters; a list repeats its key once per value (e.g. Rails' `labels[]`). Absent values are left out. */
  query?: Record<string, string | number | boolean | readonly string[] | undefined | null>;
  /** Extra headers for this call only (e.g. a forwarded viewer token). */
  headers?: Record<string, string>;
  /**
   * The documented endpoint this path instantiates, ids replaced by `:name`, e.g.
   * `/conversations/:id/messages`. Labels metrics and traces, so it must never hold an id.
   * @default the path with every segment after the first replaced by `:param`
   */
  endpoint?: string;
  /** Told the headers of a successful answer (e.g. to read a `Link` header); not called for errors. */
  onHeaders?: (headers: Record<string, string | string[] | undefined>) => void;
}

/** A source's HTTP client. */
export interface UpstreamClient {
  /**
   * GETs `baseUrl + path` and validates the JSON body with `schema`.
   * @param scope the GraphQL request this read serves, if any: its deadline aborts the read
   *   (and bounds retries), its call budget counts it
   * @throws GatewayError UPSTREAM_UNAVAILABLE (network, time-out, 5xx, the request deadline),
   *   RATE_LIMITED, NOT_FOUND, UPSTREAM_ERROR (bad JSON, schema mismatch, oversize body,
   *   rejected credentials), BAD_USER_INPUT (the request's call budget is spent; not sent), or
   *   whatever the adapter's `mapError` chose.
   */
  getJson<T>(request: UpstreamRequest, schema: z.ZodType<T>, scope?: RequestScope): Promise<T>;
  /**
   * Sends a write (POST, PUT, PATCH or DELETE with a JSON or multipart body). Never retried: a
   * write that timed out may have happened. Counts toward the circuit breaker like a read. Runs
   * under its own time-out (`request.timeoutMs`, default the source's `sendTimeoutMs`) instead of
   * the request deadline, so a blocking send is not cut short by it.
   * @param scope the GraphQL request this write serves, if any: only its call budget applies
   * @returns the body validated by `schema`, or undefined for an empty body (204) or a null schema
   * @throws GatewayError like `getJson`; 429 → RATE_LIMITED with `retryAfter`
   */
  send<T>(request: UpstreamWriteRequest, schema: z.ZodType<T> | null, scope?: RequestScope): Promise<T | undefined>;
  /**
   * Sends a request whose answer is streamed back, e.g. Dify `/text-to-audio` (audio bytes) or a
   * server-sent-event stream. Never retried; an error status is read (capped) and mapped like
   * `getJson`; a 2xx body is handed over unread. The caller must consume or cancel `body`.
   * `request.bodyTimeoutMs` bounds the longest gap between chunks (default: the source's).
   * `scope`, like `send`'s, only counts the call against the request's budget.
   */
  stream(request: UpstreamWriteRequest & { bodyTimeoutMs?: number }, scope?: RequestScope): Promise<UpstreamStream>;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

/** A write request: method, body and its own time-out. */
export interface UpstreamWriteRequest extends UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON body (serialised here). */
  json?: unknown;
  /** Multipart body, streamed as `multipart/form-data`. */
  form?: FormData;
  /** Time-out of the whole call, ms. @default the source's `sendTimeoutMs` (120 000) */
  timeoutMs?: number;
}

/** A 2xx streamed answer. */
export interface UpstreamStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body, unread. */
  body: ReadableStream<Uint8Array>;
}


/** A source's connection pool: the bare agent (writes) and the agent with retries (reads). */
interface Pool {
  agent: Agent;
  dispatcher: Dispatcher;
}

/**
 * Creates the pooled client of one source. Its pool is made on the first call, once undici is
 * loaded (`loadUndici`); creating clients costs nothing at start-up.
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const bodyTimeoutMs = options.bodyTimeoutMs ?? options.timeoutMs;
  let pool: Pool | undefined;
  let poolLoading: Promise<Pool> | undefined;
  /** Set by `close()` when no call had started a pool yet. */
  let closedUnused = false;
  let closing: Promise<void> | undefined;
  /** Set when `stopSignal` fired: failures are then reported as the shutdown's doing. */
  let stopped = false;
  const closePool = (current: Pool) => (closing ??= current.agent.close());
  // One listener per client, not one per call: destroying the pool fails every request on it.
  options.stopSignal?.addEventListener(
    'abort',
    () => {
      stopped = true;
      if (pool) closing = pool.agent.destroy(new ShutdownAbortError());
      else closedUnused = true;
    },
    { once: true },
  );
  const poolOf = (): Pool | Promise<Pool> =>
    pool ??
    (poolLoading ??= loadUndici().then((module) => {
      pool = createPool(module);
      // Closed before its first call: calls fail as on any closed pool.
      if (closedUnused) void closePool(pool);
      return pool;
    }));

  const createPool = ({ Agent, interceptors }: Undici): Pool => {
    const agent = new Agent({
      connectTimeout: options.connectTimeoutMs ?? options.timeoutMs,
      headersTimeout: options.headersTimeoutMs ?? options.timeoutMs,
      bodyTimeout: bodyTimeoutMs,
      connections: 16,
    });
    const dispatcher: Dispatcher = agent.compose(
      interceptors.retry({
        maxRetries: options.retries,
        methods: ['GET'],
        statusCodes: RETRY_STATUS_CODES,
        errorCodes: RETRY_ERROR_CODES,
        retry: createRetryPolicy({
          maxRetries: options.retries,
          backoffMs: options.retryBackoffMs ?? UPSTREAM_DEFAULTS.retryBackoffMs,
          maxWaitMs: options.retryMaxWaitMs ?? UPSTREAM_DEFAULTS.retryMaxWaitMs,
          expiresAt: deadlineOf,
        }),
        // Hand the last answer (a 503 body, a 429 with Retry-After) to us instead of a bare error.
        throwOnError: false,
      }),
    );
    return { agent, dispatcher };
  };

  function getJson<T>(request: UpstreamRequest, schema: z.ZodType<T>, scope?: RequestScope): Promise<T> {
    const signal = scope?.signal;
    try {
      admitUpstreamCall(options.sourceId, scope, options.logger);
    } catch (error) {
      return Promise.reject(error);
    }
    const call = { sourceId: options.sourceId, method: 'GET', endpoint: request.endpoint ?? endpointTemplate(request.path) };
    return observeCall(options.observe, call, (outcome) => {
      const run = () => runInUpstreamCall(call, () => attempt(request, schema, signal, outcome));
      return options.breaker ? options.breaker.run(run, signal) : run();
    });
  }

  async function attempt<T>(
    request: UpstreamRequest,
    schema: z.ZodType<T>,
    signal: AbortSignal | undefined,
    outcome: { sent: boolean; status?: number } = { sent: false },
  ): Promise<T> {
    outcome.sent = true;
    const path = prefix + request.path;
    const query = queryOf(request);
    const { dispatcher } = pool ?? (await poolOf());
    if (signal?.aborted) throw unavailable(options.sourceId, 'request deadline exceeded');
    const started = performance.now();
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request({
        origin: base.origin,
        path,
        method: 'GET',
        query,
        headers: { accept: 'application/json', ...options.headers, ...request.headers },
        signal,
      });
    } catch (error) {
      const reason = stopped ? SHUTDOWN_REASON : signal?.aborted ? 'request deadline exceeded' : networkReason(error);
      options.logger.warn({ path, err: describe(error), reason }, 'upstream call failed');
      throw unavailable(options.sourceId, reason, error);
    }
    outcome.status = response.statusCode;
    const text = await readCapped(response, options, bodyTimeoutMs, signal);
    options.logger.debug(
      { path, status: response.statusCode, ms: Math.round(performance.now() - started) },
      'upstream call',
    );
    const body = parseBody(text, response.headers['content-type']);
    if (response.statusCode >= 400) {
      const answer = { status: response.statusCode, body, headers: response.headers };
      const error = options.mapError?.(answer) ?? defaultError(options.sourceId, answer);
      if (error.logLevel || (error.code !== 'NOT_FOUND' && error.code !== 'BAD_USER_INPUT')) {
        // Operators need these (a rejected key, a struggling upstream); clients get the coded error.
        const level = error.logLevel ?? (error.code === 'UPSTREAM_ERROR' ? 'error' : 'warn');
        const upstreamCode = error.upstreamCode === undefined ? {} : { upstreamCode: error.upstreamCode };
        options.logger[level]({ path, status: response.statusCode, code: error.code, ...upstreamCode }, error.message);
      }
      throw error;
    }
    request.onHeaders?.(response.headers);
    return validatePayload(options.sourceId, body, response.statusCode, schema);
  }

  /**
   * A write through the same accounting as a read: the request's call budget, the observer
   * (metrics, traces) and the circuit breaker. Never retried.
   */
  function observedWrite<T>(
    request: UpstreamWriteRequest,
    scope: RequestScope | undefined,
    fn: (outcome: { sent: boolean; status?: number }) => Promise<T>,
  ): Promise<T> {
    try {
      admitUpstreamCall(options.sourceId, scope, options.logger);
    } catch (error) {
      return Promise.reject(error);
    }
    const call = { sourceId: options.sourceId, method: request.method, endpoint: request.endpoint ?? endpointTemplate(request.path) };
    return observeCall(options.observe, call, (outcome) => {
      const run = () => runInUpstreamCall(call, () => fn(outcome));
      return options.breaker ? options.breaker.run(run) : run();
    });
  }

  /** Dispatches a write on the bare agent (no retry interceptor) under its own time-out. */
  async function dispatchWrite(
    request: UpstreamWriteRequest & { bodyTimeoutMs?: number },
  ): Promise<{ response: Dispatcher.ResponseData; signal: AbortSignal; timeoutMs: number }> {
    const { agent } = pool ?? (await poolOf());
    const timeoutMs = request.timeoutMs ?? options.sendTimeoutMs ?? UPSTREAM_DEFAULTS.sendTimeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const query = queryOf(request);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers, ...request.headers };
    let body: string | Readable | undefined;
    if (request.form) {
      // The Fetch API's own multipart encoder, streamed rather than built in memory.
      const encoded = new Response(request.form);
      headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
      body = encoded.body ? Readable.fromWeb(encoded.body as import('node:stream/web').ReadableStream) : undefined;
    } else if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    const path = prefix + request.path;
    try {
      const response = await agent.request({
        origin: base.origin,
        path,
        method: request.method,
        query,
        headers,
        body,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: request.bodyTimeoutMs ?? Math.max(bodyTimeoutMs, timeoutMs),
      });
      return { response, signal, timeoutMs };
    } catch (error) {
      const reason = stopped ? SHUTDOWN_REASON : signal.aborted ? `no answer within ${timeoutMs} ms` : networkReason(error);
      options.logger.warn({ path, method: request.method, err: describe(error), reason }, 'upstream write failed');
      throw unavailable(options.sourceId, reason, error);
    }
  }

  /** Reads and maps a non-2xx answer of a write. */
  async function writeError(response: Dispatcher.ResponseData, path: string, signal: AbortSignal): Promise<GatewayError> {
    const text = await readCapped(response, options, bodyTimeoutMs, signal);
    const answer = { status: response.statusCode, body: parseBody(text, response.headers['content-type']), headers: response.headers };
    const error = options.mapError?.(answer) ?? defaultError(options.sourceId, answer);
    if (error.code !== 'NOT_FOUND' && error.code !== 'BAD_USER_INPUT') {
      const level = error.code === 'UPSTREAM_ERROR' ? 'error' : 'warn';
      options.logger[level]({ path, status: response.statusCode, code: error.code }, error.message);
    }
    return error;
  }

  async function sendOnce<T>(
    request: UpstreamWriteRequest,
    schema: z.ZodType<T> | null,
    outcome: { sent: boolean; status?: number },
  ): Promise<T | undefined> {
    const started = performance.now();
    outcome.sent = true;
    const { response, signal, timeoutMs } = await dispatchWrite(request);
    outcome.status = response.statusCode;
    options.logger.debug(
      { path: request.path, method: request.method, status: response.statusCode, ms: Math.round(performance.now() - started) },
      'upstream write',
    );
    if (response.statusCode >= 400) throw await writeError(response, request.path, signal);
    let text: string;
    try {
      text = await readCapped(response, options, Math.max(bodyTimeoutMs, timeoutMs), signal);
    } catch (error) {
      if (error instanceof GatewayError && signal.aborted) {
        throw unavailable(options.sourceId, `no answer within ${timeoutMs} ms`, error);
      }
      throw error;
    }
    const body = parseBody(text, response.headers['content-type']);
    if (schema === null || body === undefined) return undefined;
    return validatePayload(options.sourceId, body, response.statusCode, schema);
  }

  async function streamOnce(
    request: UpstreamWriteRequest & { bodyTimeoutMs?: number },
    outcome: { sent: boolean; status?: number },
  ): Promise<UpstreamStream> {
    outcome.sent = true;
    const { response, signal } = await dispatchWrite(request);
    outcome.status = response.statusCode;
    if (response.statusCode >= 400) throw await writeError(response, request.path, signal);
    options.logger.debug({ path: request.path, method: request.method, status: response.statusCode }, 'upstream stream');
    return {
      status: response.statusCode,
      headers: response.headers,
      body: webStreamOf(response.body),
    };
  }

  return {
    getJson,
    send: (request, schema, scope) => observedWrite(request, scope, (outcome) => sendOnce(request, schema, outcome)),
    stream: (request, scope) => observedWrite(request, scope, (outcome) => streamOnce(request, outcome)),
    // Graceful: calls already dispatched finish first. Closing twice waits for the same close.
    close: async () => {
      if (!pool && !poolLoading) {
        closedUnused = true;
        return;
      }
      await closePool(pool ?? (await poolLoading!));
    },
  };
}

/**
 * A web stream that reads `body` as it is pulled. Not `Readable.toWeb`: on Node 20 its data
 * listener enqueues after the consumer cancelled (a subscriber that went away mid-reply) and
 * throws `ERR_INVALID_STATE` as an uncaught exception.
 */
function webStreamOf(body: Readable): ReadableStream<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      try {
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      } catch {
        // Cancelled while this read was waiting: nothing left to deliver to.
      }
    },
    async cancel() {
      body.destroy();
      await chunks.return?.();
    },
  });
}


/** A request's query as undici takes it: strings, lists kept (one `key=value` per item), absent values dropped. */
function queryOf(request: { query?: UpstreamRequest['query'] }): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value === undefined || value === null) continue;
    query[key] = Array.isArray(value) ? [...(value as readonly string[])] : String(value);
  }
  return query;
}
