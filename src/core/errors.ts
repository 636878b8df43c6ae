/**
 * The gateway's coded errors. Providers and the schema layer throw `GatewayError`; the yoga
 * error masker (src/yoga/yoga.ts) is the one place that turns it into a GraphQL error with
 * `extensions.code` and `extensions.sourceId`. Anything else is masked as an internal error.
 */

/** Error codes of DESIGN §5. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'NOT_SUPPORTED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR'
  | 'RATE_LIMITED'
  /** A live subscriber fell too far behind its stream (bounded buffer); that stream ended. */
  | 'SUBSCRIBER_TOO_SLOW';

export interface GatewayErrorOptions {
  /** The configured source involved, if any (becomes `extensions.sourceId`). */
  sourceId?: string;
  /** For `RATE_LIMITED`: seconds the upstream asked to wait. */
  retryAfter?: number;
  /** For `NOT_SUPPORTED` on a list: the filter argument the source cannot honour (`extensions.filter`). */
  filter?: string;
  /** Upstream HTTP status, kept for logs; never shown to clients. */
  status?: number;
  /** The upstream's own error code (e.g. Dify `app_unavailable`), kept for logs; never shown to clients. */
  upstreamCode?: string;
  /**
   * Level the HTTP client logs this upstream answer at. Default: `error` for UPSTREAM_ERROR,
   * `warn` for other failures, nothing for NOT_FOUND and BAD_USER_INPUT.
   */
  logLevel?: 'warn' | 'error';
  cause?: unknown;
}

/**
 * An error meant for the client. The message must never contain a secret or an upstream URL
 * with credentials in it: it is shown as-is.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly sourceId: string | undefined;
  readonly retryAfter: number | undefined;
  readonly filter: string | undefined;
  readonly status: number | undefined;
  readonly upstreamCode: string | undefined;
  readonly logLevel: 'warn' | 'error' | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.sourceId = options.sourceId;
    this.retryAfter = options.retryAfter;
    this.filter = options.filter;
    this.status = options.status;
    this.upstreamCode = options.upstreamCode;
    this.logLevel = options.logLevel;
  }

  /** The GraphQL `extensions` this error carries. */
  get extensions(): Record<string, unknown> {
    const extensions: Record<string, unknown> = { code: this.code };
    if (this.sourceId !== undefined) extensions.sourceId = this.sourceId;
    if (this.retryAfter !== undefined) extensions.retryAfter = this.retryAfter;
    if (this.filter !== undefined) extensions.filter = this.filter;
    return extensions;
  }
}

/** The answer for anything absent or not the viewer's: the same whether or not it exists. */
export function notFound(what: string, sourceId?: string): GatewayError {
  return new GatewayError('NOT_FOUND', `${what} not found`, { sourceId });
}

export function badInput(message: string, sourceId?: string): GatewayError {
  return new GatewayError('BAD_USER_INPUT', message, { sourceId });
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}
