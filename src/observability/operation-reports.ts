/**
 * One report per GraphQL operation, for the access log and the operation metrics: its name and
 * type, how long it took, its outcome code and what it asked of the upstreams. Observes only;
 * never changes a result.
 *
 * Over HTTP (and SSE) the report is made from yoga's final execution result, after error masking
 * and partial errors, so it covers parse, validation and context failures too. Operations that
 * bypass yoga's HTTP pipeline (a WebSocket transport calling the enveloped `execute` /
 * `subscribe`) are reported from envelop's execute and subscribe hooks instead.
 */
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,127}$/;

/** What one operation did. */
export interface OperationReport {
  /** The operation's name as sent (not yet bounded for metric labels); `Anonymous` without one. */
  name: string;
  /** `query`, `mutation`, `subscription`, or `unknown` when the document did not parse. */
  type: string;
  /**
   * `OK`, or the `extensions.code` of the first error (`INTERNAL_SERVER_ERROR` for a masked
   * error without one). A result with data and errors is reported by its first error's code.
   */
  code: string;
  /** From the HTTP request's arrival (or the parse, off HTTP) to the result, in milliseconds. A subscription's is its set-up. */
  durationMs: number;
  /** Upstream calls the operation sent, when the call budget counts them. */
  upstreamCalls?: number;
  /** Upstream calls refused because the budget was spent. */
  upstreamRefused?: number;
}

/** Reads the per-request upstream call counts from the GraphQL context (src/plugins/use-deadline.ts). */
export type UpstreamCallsOf = (context: object) => { calls: number; refused: number } | undefined;

export interface OperationReportsOptions {
  /** Called once per operation. Must not throw (a throw is swallowed). */
  onReport: (report: OperationReport, context: object) => void;
  /** Where the upstream call counts of a request are kept. */
  upstreamCallsOf?: UpstreamCallsOf;
}

interface OperationState {
  started: number;
  name: string | undefined;
  type: string;
  /** Reported from yoga's execution result (HTTP), rather than envelop's hooks. */
  http: boolean;
  done: boolean;
}

/** The code an operation's result stands for. */
export function outcomeCode(result: ExecutionResult | AsyncIterable<unknown> | undefined): string {
  if (!result || isAsyncIterable(result)) return 'OK';
  const first = result.errors?.[0] as { extensions?: { code?: unknown } } | undefined;
  if (!first) return 'OK';
  const code = first.extensions?.code;
  return typeof code === 'string' && code.length > 0 ? code : 'INTERNAL_SERVER_ERROR';
}

/** The observing plugin. Put it first, so that it sees operations other plugins end early. */
export function useOperationReports(options: OperationReportsOptions): Plugin {
  const startedAt = new WeakMap<Request, number>();
  const states = new WeakMap<object, OperationState>();

  function finish(context: object, state: OperationState, result: ExecutionResult | AsyncIterable<unknown> | undefined) {
    if (state.done) return;
    state.done = true;
    const counts = options.upstreamCallsOf?.(context);
    const report: OperationReport = {
      name: state.name || 'Anonymous',
      type: state.type,
      code: outcomeCode(result),
      durationMs: Math.round((performance.now() - state.started) * 10) / 10,
      ...(counts ? { upstreamCalls: counts.calls, upstreamRefused: counts.refused } : {}),
    };
    try {
      options.onReport(report, context);
    } catch {
      // Reporting must never change what the client gets.
    }
  }

  /** The state of a context yoga's HTTP pipeline never saw starts at its first envelop hook. */
  function stateOf(context: object): OperationState {
    let state = states.get(context);
    if (!state) {
      state = { started: performance.now(), name: undefined, type: 'unknown', http: false, done: false };
      states.set(context, state);
    }
    return state;
  }

  function describe(state: OperationState, document: DocumentNode, operationName: string | undefined) {
    const operation = getOperationAST(document, operationName);
    if (operation) {
      state.type = operation.operation;
      state.name = operation.name?.value ?? state.name;
    }
  }

  return {
    onRequest({ request }) {
      startedAt.set(request, performance.now());
    },
    onParams({ request, params, context }) {
      states.set(context, {
        started: startedAt.get(request) ?? performance.now(),
        // Only a GraphQL name is kept: the raw parameter may be any string a client sent.
        name: typeof params.operationName === 'string' && GRAPHQL_NAME.test(params.operationName) ? params.operationName : undefined,
        type: 'unknown',
        http: true,
        done: false,
      });
    },
    onParse({ context }) {
      return ({ result }) => {
        const state = stateOf(context);
        const operationName = (context as { params?: { operationName?: unknown } }).params?.operationName;
        if (result && typeof result === 'object' && 'kind' in result) {
          describe(state, result as DocumentNode, typeof operationName === 'string' ? operationName : undefined);
        }
      };
    },
    onExecutionResult({ context, result }) {
      const state = states.get(context);
      if (state?.http) finish(context, state, result as ExecutionResult | AsyncIterable<unknown> | undefined);
    },
    onExecute({ args }) {
      const context = args.contextValue as object;
      const state = stateOf(context);
      if (state.http) return;
      describe(state, args.document, args.operationName ?? undefined);
      return {
        onExecuteDone: ({ result }) => finish(context, state, result as ExecutionResult | AsyncIterable<unknown>),
      };
    },
    onSubscribe({ args }) {
      const context = args.contextValue as object;
      const state = stateOf(context);
      if (state.http) return;
      describe(state, args.document, args.operationName ?? undefined);
      return {
        onSubscribeResult: ({ result }) => finish(context, state, result as ExecutionResult | AsyncIterable<unknown>),
        onSubscribeError: () => finish(context, state, { errors: [{ extensions: {} }] } as unknown as ExecutionResult),
      };
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
