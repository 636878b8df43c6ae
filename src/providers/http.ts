/**
 * The one way adapters talk HTTP: a pooled undici dispatcher per source with per-attempt
 * time-outs, retries of idempotent reads (undici's retry interceptor), a response-size cap,
 * the request's overall deadline, JSON parsing and zod validation. Every failure leaves here
 * as a `GatewayError` naming the source.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent, errors as undiciErrors, interceptors, type Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { GatewayError } from './errors.js';

/** A non-2xx upstream answer, handed to the adapter's `mapError`. */
export interface UpstreamErrorResponse {
  status: number;
  /** Parsed JSON body, or the raw text when it was not JSON (Chatwoot's plain-text 429). */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface UpstreamClientOptions {
  sourceId: string;
  /** Prefix before the documented paths, e.g. `https://api.dify.ai/v1`. */
  baseUrl: string;
  /** Sent on every call (credentials live here and nowhere else). */
  headers: Record<string, string>;
  /** Per attempt, milliseconds: connect, headers and body are each bounded by it. */
  timeoutMs: number;
  /** Extra attempts for GETs on network errors, 502/503/504 and 429. */
  retries: number;
  /** Largest body read, bytes; a larger one fails with `UPSTREAM_ERROR` without being buffered. */
  maxResponseBytes: number;
  logger: Logger;
  /**
   * Maps an upstream error body to a coded error; return undefined for the default mapping
   * (401/403 → rejected credentials, 404 → NOT_FOUND, 429 → RATE_LIMITED, 5xx → UNAVAILABLE).
   */
  mapError?: (response: UpstreamErrorResponse) => GatewayError | undefined;
}

export interface UpstreamRequest {
  /** Path after `baseUrl`, e.g. `/messages`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Extra headers for this call only (e.g. a forwarded viewer token). */
  headers?: Record<string, string>;
}

/** A source's HTTP client. */
export interface UpstreamClient {
  /**
   * GETs `baseUrl + path` and validates the JSON body with `schema`.
   * @throws GatewayError UPSTREAM_UNAVAILABLE (network, time-out, 5xx), RATE_LIMITED, NOT_FOUND,
   *   UPSTREAM_ERROR (bad JSON, schema mismatch, oversize body, rejected credentials), or
   *   whatever the adapter's `mapError` chose.
   */
  getJson<T>(request: UpstreamRequest, schema: z.ZodType<T>): Promise<T>;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

const deadlineStore = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `fn` with `signal` as the deadline of every upstream call it makes (the GraphQL
 * request's overall time budget). Calls started after the signal fires fail at once.
 */
export function withDeadline<T>(signal: AbortSignal, fn: () => T): T {
  return deadlineStore.run(signal, fn);
}

const RETRY_STATUS = [429, 502, 503, 504];

/** Creates the pooled client of one source. */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const agent = new Agent({
    connectTimeout: options.timeoutMs,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connections: 16,
  });
  const dispatcher: Dispatcher = agent.compose(
    interceptors.retry({
      maxRetries: options.retries,
      methods: ['GET'],
      statusCodes: RETRY_STATUS,
      minTimeout: 100,
      maxTimeout: 2_000,
      timeoutFactor: 2,
      retryAfter: true,
      // Hand the last answer (a 503 body, a 429 with Retry-After) to us instead of a bare error.
      throwOnError: false,
    }),
  );

  async function getJson<T>(request: UpstreamRequest, schema: z.ZodType<T>): Promise<T> {
    const path = prefix + request.path;
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== null) query[key] = String(value);
    }
    const signal = deadlineStore.getStore();
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
      options.logger.warn({ sourceId: options.sourceId, path, err: describe(error) }, 'upstream call failed');
      throw unavailable(options.sourceId, networkReason(error), error);
    }
    const text = await readCapped(response, options, signal);
    options.logger.debug(
      { sourceId: options.sourceId, path, status: response.statusCode, ms: Math.round(performance.now() - started) },
      'upstream call',
    );
    const body = parseBody(text, response.headers['content-type']);
    if (response.statusCode >= 400) {
      const answer = { status: response.statusCode, body, headers: response.headers };
      throw options.mapError?.(answer) ?? defaultError(options.sourceId, answer);
    }
    if (body === undefined || typeof body === 'string') {
      throw new GatewayError('UPSTREAM_ERROR', `source "${options.sourceId}" answered with a body that is not JSON`, {
        sourceId: options.sourceId,
        status: response.statusCode,
      });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unexpected shape';
      throw new GatewayError('UPSTREAM_ERROR', `source "${options.sourceId}" answered with an unexpected payload (${where})`, {
        sourceId: options.sourceId,
      });
    }
    return parsed.data;
  }

  return {
    getJson,
    close: () => agent.close(),
  };
}

/** Reads the body as text, failing once it passes `maxResponseBytes` instead of buffering it whole. */
async function readCapped(
  response: Dispatcher.ResponseData,
  options: UpstreamClientOptions,
  signal: AbortSignal | undefined,
): Promise<string> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxResponseBytes) {
    response.body.destroy();
    throw tooLarge(options);
  }
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
    throw unavailable(options.sourceId, signal?.aborted ? 'request deadline exceeded' : networkReason(error), error);
  }
  return Buffer.concat(chunks).toString('utf8');
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
  if (error instanceof undiciErrors.ConnectTimeoutError) return 'connect time-out';
  if (error instanceof undiciErrors.HeadersTimeoutError) return 'time-out waiting for response headers';
  if (error instanceof undiciErrors.BodyTimeoutError) return 'time-out reading the response body';
  if (error instanceof undiciErrors.RequestAbortedError || (error as Error)?.name === 'AbortError') {
    return 'request deadline exceeded';
  }
  const code = (error as { code?: string })?.code;
  return code ? `network error ${code}` : 'network error';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${(error as { code?: string }).code ?? error.message}` : String(error);
}

/** Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date). */
export function retryAfterSeconds(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
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
