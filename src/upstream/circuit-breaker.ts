/**
 * One circuit breaker per source (opossum). After repeated failures every call to the source
 * fails at once with `UPSTREAM_UNAVAILABLE` instead of waiting for time-outs; after a cool-down
 * one call is let through as a probe (half-open) and its outcome closes or re-opens the circuit.
 *
 * Only failures that say the upstream is unwell count: network errors, time-outs, 5xx (all
 * `UPSTREAM_UNAVAILABLE`) and 429 (`RATE_LIMITED`). Never a 4xx answer (NOT_FOUND, rejected
 * credentials, refused parameters) and never a malformed payload: one viewer probing foreign ids
 * must not open the circuit for everyone (DESIGN §5). Calls cut short by the request's own
 * deadline do not count either, since one heavy operation could otherwise open every source.
 */
import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { GatewayError, isGatewayError } from '../core/errors.js';
import { z } from 'zod';

/** A breaker's state as `/ready` shows it. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** The defaults of `CircuitBreakerConfig`, documented in the README's config reference. */
export const CIRCUIT_BREAKER_DEFAULTS = {
  errorThresholdPercent: 50,
  minimumRequests: 5,
  windowMs: 10_000,
  coolDownMs: 10_000,
} as const;

/** Config `sources[].circuitBreaker`: when one source's circuit opens and how long it stays open. */
export const circuitBreakerSchema = z
  .object({
    /** Open when more than this share of the window's calls failed, percent. @default 50 */
    errorThresholdPercent: z.number().min(1).max(100).default(CIRCUIT_BREAKER_DEFAULTS.errorThresholdPercent),
    /** Calls the window must hold before the share is judged. @default 5 */
    minimumRequests: z.number().int().min(1).default(CIRCUIT_BREAKER_DEFAULTS.minimumRequests),
    /** Length of the rolling window the share is computed over, ms. @default 10000 */
    windowMs: z.number().int().min(10).default(CIRCUIT_BREAKER_DEFAULTS.windowMs),
    /** Time an open circuit waits before letting one probe through, ms. @default 10000 */
    coolDownMs: z.number().int().min(1).default(CIRCUIT_BREAKER_DEFAULTS.coolDownMs),
  })
  .strict()
  .default({ ...CIRCUIT_BREAKER_DEFAULTS });

/** Circuit-breaker thresholds of one source (inferred from `circuitBreakerSchema`). */
export type CircuitBreakerConfig = z.output<typeof circuitBreakerSchema>;

/** The breaker of one source. */
export interface SourceBreaker {
  /**
   * Runs one upstream call through the breaker.
   * @param signal the request's deadline: a failure after it fired does not count
   * @throws GatewayError UPSTREAM_UNAVAILABLE without calling `fn` while the circuit is open
   *   (or half-open with its probe in flight); otherwise whatever `fn` throws
   */
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  state(): CircuitState;
  /** Stops its timers. Calls after this fail with UPSTREAM_UNAVAILABLE. */
  shutdown(): void;
}

/** Whether an error says the upstream is unwell (and so counts toward opening the circuit). */
export function countsTowardBreaker(error: unknown): boolean {
  return isGatewayError(error) && (error.code === 'UPSTREAM_UNAVAILABLE' || error.code === 'RATE_LIMITED');
}

/**
 * Creates the breaker of `sourceId`.
 * @param probe run as the half-open trial call as soon as the cool-down ends, so a recovered
 *   upstream closes the circuit without waiting for user traffic; it must reject (with a
 *   GatewayError UPSTREAM_UNAVAILABLE) when the upstream is still unwell, and must be a cheap read
 */
export function createSourceBreaker(
  sourceId: string,
  config: CircuitBreakerConfig,
  logger: Logger,
  probe?: () => Promise<unknown>,
): SourceBreaker {
  const breaker = new CircuitBreaker((fn: () => Promise<unknown>, _signal?: AbortSignal) => fn(), {
    name: sourceId,
    // undici bounds every attempt and the request deadline bounds the whole; a second clock here
    // would only race them.
    timeout: false,
    errorThresholdPercentage: config.errorThresholdPercent,
    volumeThreshold: config.minimumRequests,
    rollingCountTimeout: config.windowMs,
    rollingCountBuckets: 10,
    resetTimeout: config.coolDownMs,
    // `true` means "not a failure": opossum then counts the call as a success.
    errorFilter: ((error: unknown, _fn: unknown, signal?: AbortSignal) =>
      !countsTowardBreaker(error) || signal?.aborted === true) as (error: unknown) => boolean,
  });
  breaker.on('open', () => logger.warn({ sourceId, coolDownMs: config.coolDownMs }, 'circuit opened: failing fast'));
  breaker.on('halfOpen', () => {
    logger.info({ sourceId }, 'circuit half-open: probing the upstream');
    // The one trial call half-open allows; a user call arriving meanwhile fails fast as if open.
    if (probe) breaker.fire(probe).catch(() => undefined);
  });
  breaker.on('close', () => logger.info({ sourceId }, 'circuit closed: upstream answers again'));

  return {
    async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      try {
        return (await breaker.fire(fn, signal)) as T;
      } catch (error) {
        const code = (error as { code?: unknown })?.code;
        if (!isGatewayError(error) && (code === 'EOPENBREAKER' || code === 'ESHUTDOWN')) {
          throw new GatewayError(
            'UPSTREAM_UNAVAILABLE',
            code === 'EOPENBREAKER'
              ? `source "${sourceId}" is unavailable (circuit open after repeated failures; probed again after a cool-down)`
              : `source "${sourceId}" is unavailable (shutting down)`,
            { sourceId },
          );
        }
        throw error;
      }
    },
    state: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed'),
    shutdown: () => breaker.shutdown(),
  };
}
