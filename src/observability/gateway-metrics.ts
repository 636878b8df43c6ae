/**
 * The gateway's own Prometheus series, on a registry of their own (one per gateway, so several
 * gateways in one process never share or clash): operations, upstream calls, circuit states,
 * open subscriptions, cross-request cache lookups and upstream call-budget refusals, plus the
 * Node process metrics. `useMetrics` (src/observability/use-metrics.ts) serves the registry.
 *
 * Labels: `source` (config id), `kind`, `method`, `endpoint` (template, never a URL), `status`
 * (HTTP status or error code), `operation_name` (bounded, see labels.ts), `operation_type`,
 * `code`, `scope`, `state`. None carries an id, a viewer's data or a secret.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Gateway } from '../gateway/gateway.js';
import type { OperationReport } from './operation-reports.js';
import type { UpstreamObservation } from '../upstream/observer.js';
import { createBoundedLabel, createCacheScopeLabel, createOperationNameLabel } from './labels.js';

/** Seconds; from a cached lookup to a slow model answer. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const CIRCUIT_STATES = ['closed', 'half-open', 'open'] as const;

/** The series of one gateway and the listeners that feed them. */
export interface GatewayMetrics {
  registry: Registry;
  /** Records one finished operation (from `useOperationReports`). */
  recordOperation(report: OperationReport): void;
  /** Records one finished upstream call (the gateway's upstream observer hub calls it). */
  recordUpstream(observation: UpstreamObservation): void;
  /** A subscription started (+1) or ended (-1). */
  subscriptionDelta(operationName: string | undefined, delta: 1 | -1): void;
  /** Stops listening to the gateway. Safe to call twice. */
  close(): void;
}

/**
 * Creates the registry of `gateway` and subscribes to its upstream calls and cache lookups.
 * @param options.defaultMetrics also export prom-client's process metrics (`process_*`, `nodejs_*`). @default true
 */
export function createGatewayMetrics(gateway: Gateway, options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const operationName = createOperationNameLabel();
  const code = createBoundedLabel(64, (value) => /^[A-Z][A-Z0-9_]{0,63}$/.test(value));
  const operationType = createBoundedLabel(4, (value) => /^(query|mutation|subscription|unknown)$/.test(value));
  const cacheScope = createCacheScopeLabel(gateway.sources.keys());
  const status = createBoundedLabel(64, (value) => /^([1-5]\d\d|[A-Z][A-Z0-9_]{0,63})$/.test(value));
  const endpoint = createBoundedLabel(256, (value) => /^\/[A-Za-z0-9_:./-]{0,200}$/.test(value));

  const operationLabels = ['operation_name', 'operation_type', 'code'] as const;
  const operations = new Counter({
    name: 'chat_gateway_operations_total',
    help: 'GraphQL operations by name, type and outcome code (OK or the first error code)',
    labelNames: operationLabels,
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: 'chat_gateway_operation_duration_seconds',
    help: 'GraphQL operation duration, from the HTTP request to the result (a subscription: its set-up)',
    labelNames: operationLabels,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const upstreamLabels = ['source', 'method', 'endpoint', 'status'] as const;
  const upstreamRequests = new Counter({
    name: 'chat_gateway_upstream_requests_total',
    help: 'Upstream calls by source, method, endpoint template and status (HTTP status, or the error code when no answer came)',
    labelNames: upstreamLabels,
    registers: [registry],
  });
  const upstreamDuration = new Histogram({
    name: 'chat_gateway_upstream_request_duration_seconds',
    help: 'Upstream call latency including retries, by source, method, endpoint template and status',
    labelNames: upstreamLabels,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: 'chat_gateway_circuit_state',
    help: "Each source's circuit breaker: 1 for its current state (closed, half-open or open), 0 for the others",
    labelNames: ['source', 'kind', 'state'] as const,
    registers: [registry],
    collect() {
      for (const source of gateway.sources.values()) {
        const current = gateway.circuitState(source.id);
        for (const state of CIRCUIT_STATES) this.set({ source: source.id, kind: source.kind, state }, state === current ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'chat_gateway_live_pollers_leading',
    help: 'Polled live feeds this replica polls now, by source (with Redis: the feeds whose fleet-wide poll lease it holds)',
    labelNames: ['source', 'kind'] as const,
    registers: [registry],
    collect() {
      const leading = gateway.pollersLeading();
      for (const source of gateway.sources.values()) this.set({ source: source.id, kind: source.kind }, leading.get(source.id) ?? 0);
    },
  });
  const subscriptions = new Gauge({
    name: 'chat_gateway_subscriptions_open',
    help: 'GraphQL subscriptions open now, by operation name',
    labelNames: ['operation_name'] as const,
    registers: [registry],
  });
  const cacheHits = new Counter({
    name: 'chat_gateway_cache_hits_total',
    help: 'Cross-request cache lookups that found a value (negative answers included), by scope',
    labelNames: ['scope'] as const,
    registers: [registry],
  });
  const cacheMisses = new Counter({
    name: 'chat_gateway_cache_misses_total',
    help: 'Cross-request cache lookups that found nothing, by scope',
    labelNames: ['scope'] as const,
    registers: [registry],
  });
  const budgetRefusals = new Counter({
    name: 'chat_gateway_upstream_budget_refusals_total',
    help: 'Upstream calls refused (not sent) because their request spent server.limits.maxUpstreamCallsPerRequest',
    labelNames: ['operation_name', 'operation_type'] as const,
    registers: [registry],
  });
  // Zero series from the start, so that rate() over a source's lookups works from the first scrape.
  for (const source of gateway.sources.values()) {
    cacheHits.inc({ scope: `source:${source.id}` }, 0);
    cacheMisses.inc({ scope: `source:${source.id}` }, 0);
  }

  function recordUpstream(observation: UpstreamObservation): void {
    const labels = {
      source: observation.sourceId,
      method: observation.method,
      endpoint: endpoint(observation.endpoint),
      status: status(observation.status),
    };
    upstreamRequests.inc(labels);
    upstreamDuration.observe(labels, observation.durationMs / 1000);
  }

  const unsubscribers = [
    gateway.upstreamCalls.subscribe(recordUpstream),
    gateway.observeCacheLookups((key, hit) => (hit ? cacheHits : cacheMisses).inc({ scope: cacheScope(key) })),
  ];

  return {
    registry,
    recordOperation(report) {
      const labels = { operation_name: operationName(report.name), operation_type: operationType(report.type), code: code(report.code) };
      operations.inc(labels);
      operationDuration.observe(labels, report.durationMs / 1000);
      if (report.upstreamRefused) {
        budgetRefusals.inc({ operation_name: labels.operation_name, operation_type: labels.operation_type }, report.upstreamRefused);
      }
    },
    recordUpstream,
    subscriptionDelta(name, delta) {
      subscriptions.inc({ operation_name: operationName(name) }, delta);
    },
    close() {
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
    },
  };
}
