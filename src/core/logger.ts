/**
 * The gateway's logger (pino, JSON lines). Credentials never reach a log line:
 * - values under credential keys (`authorization`, `api_access_token`, `token`, …, any case, at
 *   any depth) are replaced by `[redacted]`;
 * - strings (messages, values, serialized errors) have bearer/basic credentials, JWT-shaped
 *   tokens and credentials in URLs (`user:pass@`, `?token=`, `?api_key=`, …) masked.
 */
import { format } from 'node:util';
import { pino, type Logger } from 'pino';

/** Log keys whose values are always replaced by `[redacted]` (compared case-insensitively). */
export const REDACTED_KEYS = [
  'authorization',
  'proxy-authorization',
  'api_access_token',
  'apiKey',
  'apiAccessToken',
  'token',
  'secret',
  'cursorSecret',
  'password',
  'cookie',
  'set-cookie',
  'x-api-key',
];

const REDACTED = '[redacted]';
const redactedKeys = new Set(REDACTED_KEYS.map((key) => key.toLowerCase()));
/** Nesting walked when scrubbing a log object; deeper values are logged as `[depth]`. */
const MAX_DEPTH = 8;

/** Bytes of log lines gathered before one write to stdout. */
const STDOUT_BATCH_BYTES = 4096;
/** The longest a gathered line waits for its write, ms. */
const STDOUT_FLUSH_MS = 100;
/** Bytes of lines waiting for a stalled stdout beyond which new lines are dropped. */
const STDOUT_MAX_PENDING_BYTES = 8 * 1024 * 1024;

/**
 * Stdout for log lines, written in batches: lines are gathered up to 4 KiB and written
 * asynchronously, each at most 100 ms after it was logged. pino's default, one synchronous
 * write per line, cost up to a tenth of the gateway's CPU per query under load, where the access
 * log writes a line per operation (`npm run bench:peer`). pino writes what is still gathered
 * synchronously when the process exits, after an uncaught exception too; a process killed with
 * SIGKILL can lose the last 100 ms of lines. When nothing reads stdout, lines wait in memory up
 * to 8 MiB and later ones are dropped, rather than the process blocking or growing without end.
 */
export function batchedStdout(): pino.DestinationStream & { flush(callback?: (error?: Error) => void): void } {
  const stream = pino.destination({ dest: 1, sync: false, minLength: STDOUT_BATCH_BYTES, maxLength: STDOUT_MAX_PENDING_BYTES });
  let gathered = false;
  // An empty flush would still make a write: the timer flushes only what was logged since.
  setInterval(() => {
    if (!gathered) return;
    gathered = false;
    stream.flush();
  }, STDOUT_FLUSH_MS).unref();
  return {
    write(line: string) {
      gathered = true;
      return stream.write(line);
    },
    flush(callback?: (error?: Error) => void) {
      gathered = false;
      stream.flush(callback);
    },
  };
}

/**
 * Creates the root logger.
 * @param level pino level name; `silent` in tests
 * @param destination where JSON lines go (default `batchedStdout()`); tests pass a memory stream
 */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  const paths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `headers["${key}"]`]);
  return pino(
    {
      level,
      base: undefined,
      // Path-based redaction stays as a second line behind the deep scrub below.
      redact: { paths, censor: REDACTED },
      formatters: { log: (object) => scrub(object, 0) as Record<string, unknown> },
      // pino's serialized error is a class instance: made plain first so that it is scrubbed too.
      serializers: { err: (error: Error) => scrub(JSON.parse(JSON.stringify(pino.stdSerializers.err(error))), 0) },
      // pino writes a child's bindings and a line's own fields side by side, so a field given
      // both ways would appear twice in one JSON object: the line drops what is already bound.
      onChild: (child) => {
        (child as BoundLogger)[BOUND_KEYS] = new Set(Object.keys(child.bindings()));
      },
      hooks: {
        logMethod(args, method) {
          const bound = (this as BoundLogger)[BOUND_KEYS];
          const clean = args.map((arg, index) =>
            typeof arg === 'string' ? redactText(arg) : index === 0 && bound ? withoutKeys(arg, bound) : arg,
          );
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    // A silent logger (tests) writes nothing: no stdout batching for it.
    destination ?? (level === 'silent' ? undefined : batchedStdout()),
  );
}

/**
 * Sends what libraries print with `console` through `logger` as JSON lines (`console: true`):
 * `console.error` and `console.warn` at warn, the others at info (`console.debug` at debug).
 * For production, where every output line must be one JSON object; it replaces the global
 * console's methods for the rest of the process.
 */
export function routeConsoleTo(logger: Logger): void {
  const to = (level: 'warn' | 'info' | 'debug') => (...args: unknown[]) => logger[level]({ console: true }, format(...args));
  console.error = to('warn');
  console.warn = to('warn');
  console.log = to('info');
  console.info = to('info');
  console.debug = to('debug');
}

/** Where a child logger keeps the names of the fields it is bound to (set by `onChild`). */
const BOUND_KEYS = Symbol('boundKeys');
type BoundLogger = Logger & { [BOUND_KEYS]?: Set<string> };

/** A log call's object without the keys its logger is bound to (the same object when it has none). */
function withoutKeys(value: unknown, keys: Set<string>): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (!Object.keys(value).some((key) => keys.has(key))) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.has(key)));
}

/** Masks credentials that can ride in a URL (`user:pass@`, `token=`, `api_key=`, …). */
export function redactUrl(url: string): string {
  return url
    .replace(/\/\/[^/@\s"']+@/g, `//${REDACTED}@`)
    .replace(/([?&](?:token|access_token|api_key|apikey|api_access_token|key|secret|password)=)[^&#\s"']*/gi, `$1${REDACTED}`);
}

/** Masks credentials anywhere in free text: URL credentials, `Bearer …`/`Basic …`, JWTs. */
export function redactText(text: string): string {
  return redactUrl(text)
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`)
    .replace(/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED);
}

/** A copy of `value` with credential keys redacted and every string passed through `redactText`. */
function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[depth]';
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  // Errors are left to the `err` serializer (which scrubs its output); dates, buffers and other
  // class instances are logged as pino would.
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = redactedKeys.has(key.toLowerCase()) ? REDACTED : scrub(item, depth + 1);
  }
  return copy;
}
