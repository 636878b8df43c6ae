/**
 * The one way adapters talk HTTP: a pooled undici dispatcher per source with per-attempt
 * connect/headers/body time-outs, retries of idempotent reads (undici's retry interceptor with
 * the decisions of retry-policy.ts), the source's circuit breaker, a response-size cap, the
 * request's overall deadline, JSON parsing and zod validation. Every failure leaves here as a
 * `GatewayError` naming the source. Adapters get their client from `AdapterServices.http`
 * (source-services.ts), which fills these options from the source's config.
 */
import { setMaxListeners } from 'node:events';
import { Readable } from 'node:stream';
import type { Agent, Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { SourceBreaker } from './circuit-breaker.js';
import { GatewayError } from '../core/errors.js';
import { createRetryPolicy, RETRY_ERROR_CODES, RETRY_STATUS_CODES, retryAfterSeconds } from './retry-policy.js';
import { UPSTREAM_DEFAULTS, type UpstreamOptions } from './options.js';
import { endpointTemplate, observeCall, runInUpstreamCall, type UpstreamObserver } from './observer.js';

export { retryAfterSeconds } from './retry-policy.js';

/** A non-2xx upstream answer, handed to the adapter's `mapError`. */
export interface UpstreamErrorResponse {
  status: number;
  /** Parsed JSON body, or the raw text when it was not JSON (Chatwoot's plain-text 429). */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

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
}

export interface UpstreamRequest {
  /** Path after `baseUrl`, e.g. `/messages`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined | null>;
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


/**
 * What one GraphQL request has asked of the upstreams so far, across every source: the budget
 * given to `createRequestScope`, live (`upstreamCallsOf(context)` in src/plugins/use-deadline.ts).
 */
export interface UpstreamCallCounts {
  /** Upstream calls sent (one per `getJson`, whatever its retries). */
  readonly calls: number;
  /** Calls refused because the budget was spent; never sent. */
  readonly refused: number;
  /** The budget: most calls one request may send (`server.limits.maxUpstreamCallsPerRequest`). */
  readonly limit: number;
}

/** Mutable counters behind `UpstreamCallCounts`; one per request. */
export interface UpstreamCallBudget extends UpstreamCallCounts {
  calls: number;
  refused: number;
}

/**
 * @param limit most upstream calls the request may send; `Infinity` counts without refusing
 * @throws TypeError when `limit` is not a positive integer (or Infinity)
 */
export function createCallBudget(limit: number): UpstreamCallBudget {
  if (!(limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit > 0))) {
    throw new TypeError(`an upstream call budget must be a positive integer, got ${String(limit)}`);
  }
  return { limit, calls: 0, refused: 0 };
}

/**
 * Everything one GraphQL request carries down to its upstream calls: made once per operation
 * (useDeadline, when it starts executing) and handed explicitly to every client method the
 * operation causes (reads find it as `RequestMemo.scope`, writes take it as their last
 * argument). Work outside a request (live pollers, webhooks, subscriptions) passes none and
 * has neither a deadline nor a call budget.
 */
export interface RequestScope {
  /**
   * The request's deadline: reads started after it fired fail at once with
   * UPSTREAM_UNAVAILABLE "request deadline exceeded"; reads in flight are aborted. Writes
   * (`send`, `stream`) keep their own time-out instead.
   */
  readonly signal: AbortSignal;
  /** The request's call budget; every call (read or write) counts against it. Absent: no counting. */
  readonly budget: UpstreamCallBudget | undefined;
}

/**
 * When each deadline signal fires (epoch ms), so retries know how long they may still wait.
 * Keyed by signal because undici's retry decisions see the dispatch options, not the scope.
 */
const expiries = new WeakMap<AbortSignal, number>();

/**
 * The scope of one GraphQL request whose deadline is `timeoutMs` milliseconds from now (its
 * overall time budget). Reads started after the deadline fail at once; reads in flight are
 * aborted; retries never wait past it. With `budget`, each upstream call counts against it, and
 * calls past its limit fail with `BAD_USER_INPUT` without being sent.
 */
export function createRequestScope(timeoutMs: number, budget?: UpstreamCallBudget): RequestScope {
  const signal = AbortSignal.timeout(timeoutMs);
  expiries.set(signal, Date.now() + timeoutMs);
  // Every upstream call in flight listens for the abort (and stops listening when it settles);
  // one operation may run a hundred at once, which is not the leak Node's warning suspects.
  setMaxListeners(0, signal);
  return { signal, budget };
}

/**
 * Counts one upstream call against the budget of `scope`'s request, before it is sent. Every
 * client method (reads and writes alike) calls it first; without a scope or budget it does nothing.
 * @throws GatewayError BAD_USER_INPUT "upstream call budget of N exceeded" once the request has
 *   sent `limit` calls; the call must then not be sent
 */
export function admitUpstreamCall(sourceId: string, scope: RequestScope | undefined, logger?: Logger): void {
  const budget = scope?.budget;
  if (!budget) return;
  if (budget.calls < budget.limit) {
    budget.calls += 1;
    return;
  }
  budget.refused += 1;
  // Once per request: a client can cause this at will, so it is no fault of the gateway's.
  if (budget.refused === 1) logger?.info({ limit: budget.limit }, 'upstream call budget exceeded');
  throw new GatewayError('BAD_USER_INPUT', `upstream call budget of ${budget.limit} exceeded`, { sourceId });
}

type Undici = typeof import('undici');
/** undici once loaded (`loadUndici`); until then no upstream call has been made. */
let undici: Undici | undefined;
let undiciLoading: Promise<Undici> | undefined;

/**
 * The undici module, imported on the first upstream call (or probe) rather than at start-up:
 * it is a large package and nothing before the listening socket needs it. Later calls get the
 * same module at once.
 */
export function loadUndici(): Promise<Undici> {
  undiciLoading ??= import('undici').then((module) => (undici = module));
  return undiciLoading;
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
  const closePool = (current: Pool) => (closing ??= current.agent.close());
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
          expiresAt: (signal) => (signal ? expiries.get(signal) : undefined),
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
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== null) query[key] = String(value);
    }
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
      const reason = signal?.aborted ? 'request deadline exceeded' : networkReason(error);
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
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== null) query[key] = String(value);
    }
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
      const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : networkReason(error);
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
      body: Readable.toWeb(response.body) as unknown as ReadableStream<Uint8Array>,
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
 * Reads the body as text, failing once it passes `maxResponseBytes` instead of buffering it
 * whole, and once reading it takes longer than `bodyTimeoutMs` in total (undici's own body
 * time-out only bounds the gap between two chunks, so a slow trickle would pass it).
 */
async function readCapped(
  response: Dispatcher.ResponseData,
  options: UpstreamClientOptions,
  bodyTimeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxResponseBytes) {
    response.body.destroy();
    throw tooLarge(options);
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    response.body.destroy();
  }, bodyTimeoutMs);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > options.maxResponseBytes) {
        response.body.destroy();
        throw tooLarge(options);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    const reason = signal?.aborted
      ? 'request deadline exceeded'
      : timedOut
        ? 'time-out reading the response body'
        : networkReason(error);
    throw unavailable(options.sourceId, reason, error);
  } finally {
    clearTimeout(timer);
  }
  // destroy() without an error ends the iteration quietly: a cut-off body must not parse.
  if (timedOut) throw unavailable(options.sourceId, 'time-out reading the response body');
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Checks a parsed upstream body against the zod schema of its endpoint.
 * @throws GatewayError UPSTREAM_ERROR when the body is not JSON or not of the schema's shape
 *   (the message names the first mismatching path, never a value)
 */
function validatePayload<T>(sourceId: string, body: unknown, status: number, schema: z.ZodType<T>): T {
  if (body === undefined || typeof body === 'string') {
    throw new GatewayError('UPSTREAM_ERROR', `source "${sourceId}" answered with a body that is not JSON`, { sourceId, status });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unexpected shape';
    throw new GatewayError('UPSTREAM_ERROR', `source "${sourceId}" answered with an unexpected payload (${where})`, { sourceId });
  }
  return parsed.data;
}

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    void contentType;
    return text;
  }
}

function tooLarge(options: UpstreamClientOptions): GatewayError {
  return new GatewayError(
    'UPSTREAM_ERROR',
    `source "${options.sourceId}" answered with a body over ${options.maxResponseBytes} bytes`,
    { sourceId: options.sourceId },
  );
}

function unavailable(sourceId: string, reason: string, cause?: unknown): GatewayError {
  return new GatewayError('UPSTREAM_UNAVAILABLE', `source "${sourceId}" is unavailable (${reason})`, { sourceId, cause });
}

function networkReason(error: unknown): string {
  // Network errors come from a pool, so undici is loaded by the time one is described.
  const errors = undici?.errors;
  if (errors && error instanceof errors.ConnectTimeoutError) return 'connect time-out';
  if (errors && error instanceof errors.HeadersTimeoutError) return 'time-out waiting for response headers';
  if (errors && error instanceof errors.BodyTimeoutError) return 'time-out reading the response body';
  if ((errors && error instanceof errors.RequestAbortedError) || (error as Error)?.name === 'AbortError') {
    return 'request deadline exceeded';
  }
  const code = (error as { code?: string })?.code;
  return code ? `network error ${code}` : 'network error';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${(error as { code?: string }).code ?? error.message}` : String(error);
}

/** DESIGN §5 mapping for answers the adapter did not claim. */
export function defaultError(sourceId: string, answer: UpstreamErrorResponse): GatewayError {
  const { status } = answer;
  if (status === 401 || status === 403) {
    return new GatewayError('UPSTREAM_ERROR', `source "${sourceId}" rejected the gateway's credentials (HTTP ${status})`, {
      sourceId,
      status,
    });
  }
  if (status === 404) return new GatewayError('NOT_FOUND', 'not found', { sourceId, status });
  if (status === 429) {
    return new GatewayError('RATE_LIMITED', `source "${sourceId}" is rate limiting the gateway`, {
      sourceId,
      status,
      retryAfter: retryAfterSeconds(answer.headers['retry-after']),
    });
  }
  if (status >= 500) return unavailable(sourceId, `HTTP ${status}`);
  return new GatewayError('UPSTREAM_ERROR', `source "${sourceId}" refused the request (HTTP ${status})`, { sourceId, status });
}
