/**
 * `GET /metrics` in the Prometheus text format (config `server.metrics`, on by default), with an
 * optional bearer token (`server.metricsToken`: without it a scrape answers 401). Serves the
 * gateway's own series (src/observability/gateway-metrics.ts) on the gateway's own registry: one
 * series per fact. `@graphql-yoga/plugin-prometheus` is not used: its request count, request
 * and execute durations and error counts restate `chat_gateway_operations_total` and
 * `chat_gateway_operation_duration_seconds`, for five more hooks and three more histogram
 * observations on every request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Gateway } from '../gateway/gateway.js';
import { createGatewayMetrics, type GatewayMetrics } from './gateway-metrics.js';
import { onStreamEnd } from '../core/stream-end.js';
import { useOperationReports, type UpstreamCallsOf } from './operation-reports.js';

export interface MetricsOptions {
  /** Bearer token a scrape must send (`Authorization: Bearer <token>`); none: open. */
  token?: string;
  /** Reads the per-request upstream call counts, for the budget refusal counter. */
  upstreamCallsOf?: UpstreamCallsOf;
  /** The registry and series to use; default: new ones for `gateway`, closed with yoga. */
  metrics?: GatewayMetrics;
  /** Close the given `metrics` when yoga is disposed, as the default ones are. @default false */
  closeMetrics?: boolean;
  /**
   * Count operations (`chat_gateway_operations_total`, …) with an observer of this plugin's own.
   * `false` when another observer already hands its reports to `metrics.recordOperation`: the
   * gateway's yoga shares the access log's, one observer per request instead of two.
   * @default true
   */
  countOperations?: boolean;
  /** @default '/metrics' */
  endpoint?: string;
}

/** The metrics plugin; put it first among the plugins, so that it sees every operation. */
export function useMetrics(gateway: Gateway, options: MetricsOptions = {}): Plugin {
  const metrics = options.metrics ?? createGatewayMetrics(gateway);
  const endpoint = options.endpoint ?? '/metrics';
  const expected = options.token === undefined ? undefined : digest(options.token);
  const openSubscriptions = new WeakSet<object>();

  return {
    onPluginInit({ addPlugin }) {
      if (options.countOperations !== false) {
        addPlugin(useOperationReports({ onReport: (report) => metrics.recordOperation(report), upstreamCallsOf: options.upstreamCallsOf }));
      }
    },
    onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== endpoint || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      if (expected && !authorized(request.headers.get('authorization'), expected)) {
        endResponse(
          fetchAPI.Response.json(
            { error: 'a bearer token is required for /metrics' },
            { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' } },
          ),
        );
        return;
      }
      return metrics.registry.metrics().then((text) => {
        endResponse(new fetchAPI.Response(text, { headers: { 'content-type': metrics.registry.contentType } }));
      });
    },
    onSubscribe({ args }) {
      const name = getOperationAST(args.document, args.operationName)?.name?.value;
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return;
          metrics.subscriptionDelta(name, 1);
          // Told by the stream itself when it can: an `onEnd` would wrap every subscriber's stream.
          if (onStreamEnd(result, () => metrics.subscriptionDelta(name, -1))) return;
          const key = result as object;
          openSubscriptions.add(key);
          return {
            onEnd() {
              if (!openSubscriptions.delete(key)) return;
              metrics.subscriptionDelta(name, -1);
            },
          };
        },
      };
    },
    onDispose() {
      if (!options.metrics || options.closeMetrics) metrics.close();
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison of the presented bearer token with the configured one. */
function authorized(header: string | null, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
