/**
 * The logger yoga is given. Yoga logs every error it masks at `error`, stack included; most of
 * those are the client's or an upstream's (a malformed id, `NOT_FOUND`, `UNAUTHENTICATED`, a
 * source that is down), answered with a coded error and already visible in the access line and
 * the metrics. Those go to `debug`; only what is no coded error — the gateway's own faults —
 * stays at `error`.
 */
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { isGatewayError } from '../core/errors.js';

/** The shape of yoga's `logging` option. */
export interface YogaLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Whether `error` is an answer the gateway meant to give (a coded `GatewayError`), not a fault. */
export function isExpectedError(error: unknown): boolean {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  return isGatewayError(original);
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Adapts `logger` for yoga, demoting expected errors to `debug`. */
export function createYogaLogger(logger: Logger): YogaLogger {
  const write = (level: 'debug' | 'info' | 'warn' | 'error', args: unknown[]) => {
    const [first, ...rest] = args;
    if (first instanceof Error) {
      logger[level]({ err: first }, rest.length > 0 ? rest.map(String).join(' ') : first.message);
    } else {
      logger[level](args.map(text).join(' '));
    }
  };
  return {
    debug: (...args) => {
      if (logger.isLevelEnabled('debug')) write('debug', args);
    },
    info: (...args) => write('info', args),
    warn: (...args) => write('warn', args),
    error: (...args) => write(args.some(isExpectedError) ? 'debug' : 'error', args),
  };
}
