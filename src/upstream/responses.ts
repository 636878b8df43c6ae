/**
 * Reading and judging an upstream answer: the size- and time-capped body read, JSON parsing,
 * zod validation of a payload, and the default mapping of an error status to a `GatewayError`
 * (DESIGN §5) for answers the adapter's `mapError` did not claim.
 */
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { GatewayError } from '../core/errors.js';
import { retryAfterSeconds } from './retry-policy.js';
import { loadedUndici } from './undici.js';

/** A non-2xx upstream answer, handed to the adapter's `mapError`. */
export interface UpstreamErrorResponse {
  status: number;
  /** Parsed JSON body, or the raw text when it was not JSON (Chatwoot's plain-text 429). */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** What a body read is bounded by: the source (named in errors) and its size cap, bytes. */
export interface BodyLimits {
  sourceId: string;
  maxResponseBytes: number;
}

/**
 * Reads the body as text, failing once it passes `maxResponseBytes` instead of buffering it
 * whole, and once reading it takes longer than `bodyTimeoutMs` in total (undici's own body
 * time-out only bounds the gap between two chunks, so a slow trickle would pass it).
 */
export async function readCapped(
  response: Dispatcher.ResponseData,
  options: BodyLimits,
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
export function validatePayload<T>(sourceId: string, body: unknown, status: number, schema: z.ZodType<T>): T {
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

/** The body as JSON, or the raw text when it is not JSON; undefined when empty. */
export function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    void contentType;
    return text;
  }
}

/** UPSTREAM_ERROR for a body over `maxResponseBytes`. */
export function tooLarge(options: BodyLimits): GatewayError {
  return new GatewayError(
    'UPSTREAM_ERROR',
    `source "${options.sourceId}" answered with a body over ${options.maxResponseBytes} bytes`,
    { sourceId: options.sourceId },
  );
}

/** UPSTREAM_UNAVAILABLE naming the source and why (never a value of the request). */
export function unavailable(sourceId: string, reason: string, cause?: unknown): GatewayError {
  return new GatewayError('UPSTREAM_UNAVAILABLE', `source "${sourceId}" is unavailable (${reason})`, { sourceId, cause });
}

/** Why calls fail once the client's `stopSignal` fired. */
export const SHUTDOWN_REASON = 'gateway shutting down';

/** What the pool is destroyed with at the shutdown deadline; calls on it fail with this. */
export class ShutdownAbortError extends Error {
  constructor() {
    super('upstream call aborted at the shutdown deadline');
    this.name = 'ShutdownAbortError';
  }
}

/** A short reason for a network failure (time-out kind, abort, error code) for errors and logs. */
export function networkReason(error: unknown): string {
  if (error instanceof ShutdownAbortError) return SHUTDOWN_REASON;
  // Network errors come from a pool, so undici is loaded by the time one is described.
  const errors = loadedUndici()?.errors;
  if (errors && error instanceof errors.ConnectTimeoutError) return 'connect time-out';
  if (errors && error instanceof errors.HeadersTimeoutError) return 'time-out waiting for response headers';
  if (errors && error instanceof errors.BodyTimeoutError) return 'time-out reading the response body';
  if ((errors && error instanceof errors.RequestAbortedError) || (error as Error)?.name === 'AbortError') {
    return 'request deadline exceeded';
  }
  const code = (error as { code?: string })?.code;
  return code ? `network error ${code}` : 'network error';
}

/** An error's name and code (or message) for a log line. */
export function describe(error: unknown): string {
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
