/**
 * Gives every operation an overall time budget and an upstream call budget, as one
 * `RequestScope` stored on the request's loaders (`context.loaders.scope`), from where it is
 * handed explicitly to every upstream call the operation causes. Upstream calls
 * still running when the time runs out are aborted (they fail as UPSTREAM_UNAVAILABLE at their
 * own paths), so one slow source cannot hold a response forever; calls past the call budget
 * are not sent and fail as BAD_USER_INPUT at their paths, so one query cannot spend the
 * upstreams' shared keys and rate limits. What was read before either limit still arrives.
 */
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';
import { createCallBudget, createRequestScope, type UpstreamCallCounts } from '../upstream/request-scope.js';

export interface DeadlineOptions {
  /**
   * Most upstream calls one operation may send (config
   * `server.limits.maxUpstreamCallsPerRequest`). @default Infinity (counted, never refused)
   */
  maxUpstreamCalls?: number;
}

/**
 * The upstream calls the operation running with `context` has sent and had refused so far
 * (live counters, not a snapshot): the call budget of its scope (`context.loaders.scope`);
 * undefined before it executes. Access logs and metrics read it in `onExecutionResult`.
 */
export function upstreamCallsOf(context: object): UpstreamCallCounts | undefined {
  return (context as Partial<GatewayContext>).loaders?.scope?.budget;
}

/**
 * @param timeoutMs the time budget in milliseconds (config `server.requestTimeoutMs`), counted
 *   from the moment the operation starts executing
 */
export function useDeadline(timeoutMs: number, options: DeadlineOptions = {}): Plugin {
  const limit = options.maxUpstreamCalls ?? Number.POSITIVE_INFINITY;
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((executeArgs) => {
        const loaders = (executeArgs.contextValue as Partial<GatewayContext> | null | undefined)?.loaders;
        if (loaders) loaders.scope = createRequestScope(timeoutMs, createCallBudget(limit));
        return executeFn(executeArgs);
      });
    },
  };
}
