/**
 * Error mapping of the `http` kind: an upstream answer becomes a coded `GatewayError` by, in
 * order, a condition on its body (`errors.body`: on 2xx answers, and on error answers where the
 * rule says `anyStatus`), its status (`errors.status`), the forwarded-token rule (401 → FORBIDDEN, 403 → NOT_FOUND) and the
 * gateway's default mapping (404 NOT_FOUND, 429 RATE_LIMITED, 5xx UPSTREAM_UNAVAILABLE, other 4xx
 * UPSTREAM_ERROR). RATE_LIMITED carries `retryAfter` (seconds) from `Retry-After`, else from the
 * configured body path. Messages name the source and the status, never a body value.
 */
import { GatewayError, type ErrorCode } from '../../core/errors.js';
import type { UpstreamErrorResponse } from '../../upstream/responses.js';
import { retryAfterSeconds } from '../../upstream/retry-policy.js';
import type { ErrorsConfig, MappedErrorCode } from './config.js';
import { compilePath, truthy, type Path } from './paths.js';

/** The compiled error rules of one source. */
export interface ErrorRules {
  /** The error a body signals (any status), or undefined. */
  fromBody(body: unknown, status: number, headers: UpstreamErrorResponse['headers']): GatewayError | undefined;
  /** `UpstreamClientOptions.mapError` for non-2xx answers. */
  mapError(response: UpstreamErrorResponse): GatewayError | undefined;
}

const DESCRIPTIONS: Record<MappedErrorCode, string> = {
  NOT_FOUND: 'not found',
  FORBIDDEN: 'refused the viewer',
  UNAUTHENTICATED: 'needs the viewer to sign in again',
  RATE_LIMITED: 'is rate limiting the gateway',
  UPSTREAM_ERROR: 'answered with an error',
  UPSTREAM_UNAVAILABLE: 'is unavailable',
  BAD_USER_INPUT: 'refused the request as invalid',
};

/** Compiles `errors` for source `sourceId`; `forward` when the viewer's own token is sent. */
export function compileErrorRules(sourceId: string, config: ErrorsConfig, forward: boolean): ErrorRules {
  const conditions = config.body.map((rule) => ({
    when: compilePath(rule.when),
    code: rule.code,
    anyStatus: rule.anyStatus,
    codeFrom: rule.codeFrom ? { path: compilePath(rule.codeFrom.path), values: rule.codeFrom.values } : undefined,
  }));
  const retryPath: Path | undefined = config.retryAfter ? compilePath(config.retryAfter.path) : undefined;
  const retryUnit = config.retryAfter?.unit ?? 'seconds';

  function retryAfter(body: unknown, headers: UpstreamErrorResponse['headers']): number | undefined {
    const fromHeader = retryAfterSeconds(headers['retry-after']);
    if (fromHeader !== undefined) return fromHeader;
    const value = retryPath?.(body);
    const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    if (!Number.isFinite(number) || number < 0) return undefined;
    return Math.ceil(retryUnit === 'ms' ? number / 1000 : number);
  }

  function coded(code: ErrorCode, status: number, body: unknown, headers: UpstreamErrorResponse['headers'], upstreamCode?: string): GatewayError {
    if (code === 'UPSTREAM_UNAVAILABLE') return new GatewayError(code, `source "${sourceId}" is unavailable (HTTP ${status})`, { sourceId, status });
    const rate = code === 'RATE_LIMITED' ? { retryAfter: retryAfter(body, headers) } : {};
    const message = code === 'NOT_FOUND' ? 'not found' : `source "${sourceId}" ${DESCRIPTIONS[code as MappedErrorCode]} (HTTP ${status})`;
    return new GatewayError(code, message, { sourceId, status, ...rate, ...(upstreamCode ? { upstreamCode } : {}) });
  }

  function fromBody(body: unknown, status: number, headers: UpstreamErrorResponse['headers']): GatewayError | undefined {
    if (body === null || typeof body !== 'object') return undefined;
    for (const rule of conditions) {
      if ((status >= 300 && !rule.anyStatus) || !truthy(rule.when(body))) continue;
      const value = rule.codeFrom?.path(body);
      const refined = typeof value === 'string' ? rule.codeFrom?.values[value] : undefined;
      return coded(refined ?? rule.code, status, body, headers, typeof value === 'string' ? value.slice(0, 64) : undefined);
    }
    return undefined;
  }

  function mapError({ status, body, headers }: UpstreamErrorResponse): GatewayError | undefined {
    const signalled = fromBody(body, status, headers);
    if (signalled) return signalled;
    const mapped = config.status[String(status)];
    if (mapped) return coded(mapped, status, body, headers);
    if (forward && status === 401) return coded('FORBIDDEN', status, body, headers);
    if (forward && status === 403) return coded('NOT_FOUND', status, body, headers);
    if (status === 429) return coded('RATE_LIMITED', status, body, headers);
    return undefined;
  }

  return { fromBody, mapError };
}
