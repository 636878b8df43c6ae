/**
 * The gateway's logger (pino, JSON lines). Credentials are redacted by key wherever they appear,
 * and tokens in URLs are masked before a URL is logged.
 */
import { pino, type Logger } from 'pino';

/** Log keys whose values are always replaced by `[redacted]`. */
export const REDACTED_KEYS = ['authorization', 'api_access_token', 'apiKey', 'apiAccessToken', 'token', 'secret', 'cookie'];

/**
 * Creates the root logger.
 * @param level pino level name; `silent` in tests
 */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  const paths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `headers["${key}"]`]);
  return pino({ level, redact: { paths, censor: '[redacted]' }, base: undefined }, destination);
}

/** Masks credentials that can ride in a URL (`token=`, `api_key=`, `user:pass@`). */
export function redactUrl(url: string): string {
  return url
    .replace(/\/\/[^/@\s]+@/, '//[redacted]@')
    .replace(/([?&](?:token|access_token|api_key|apikey|api_access_token|key|secret)=)[^&#\s]*/gi, '$1[redacted]');
}
