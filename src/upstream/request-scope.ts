/**
 * The scope of one GraphQL request as upstream calls see it: its deadline (an abort signal)
 * and its upstream call budget. Built per request by src/plugins/use-deadline.ts and handed
 * explicitly to every upstream call the request causes.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { GatewayError } from '../core/errors.js';

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

/** When the request whose deadline `signal` is runs out (epoch ms); undefined for a signal of no scope. */
export function deadlineOf(signal: AbortSignal | undefined): number | undefined {
  return signal ? expiries.get(signal) : undefined;
}

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
