/**
 * OpenTelemetry tracing, switched on by `telemetry.otlp.endpoint` or `OTEL_EXPORTER_OTLP_ENDPOINT`.
 * The CLI imports this file (and with it every OpenTelemetry package) only then, so a gateway
 * without tracing loads none of it.
 *
 * Spans: one SERVER span per incoming HTTP request (`@opentelemetry/instrumentation-http`,
 * which also continues the client's W3C `traceparent`), one per GraphQL operation
 * (`@envelop/opentelemetry`, named `query.RecentConversations`; no document, variables or
 * result recorded), and one CLIENT span per upstream HTTP request
 * (`@opentelemetry/instrumentation-undici`, which sends `traceparent` upstream), named
 * `GET /conversations/:id/messages` and carrying `peer.service` (the source id), `url.template`
 * and `http.response.status_code`. Query strings (viewer ids, webhook tokens) are dropped from
 * every recorded URL. Traces are exported over OTLP/HTTP to `<endpoint>/v1/traces`.
 */
import { createRequire } from 'node:module';
import { useOpenTelemetry } from '@envelop/opentelemetry';
import { SpanKind, trace, type Span, type TracerProvider } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Plugin } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { currentUpstreamCall, trackUpstreamCalls } from '../upstream/observer.js';

export interface TelemetryOptions {
  /**
   * OTLP/HTTP collector base URL, e.g. `http://otel-collector:4318` (config
   * `telemetry.otlp.endpoint`). Undefined: the exporter follows the standard `OTEL_EXPORTER_OTLP_*`
   * variables itself.
   */
  endpoint?: string;
  /** `service.name` of every span. @default chat-history-gateway */
  serviceName?: string;
  /** Replaces the OTLP exporter (tests pass an in-memory exporter's processor). */
  spanProcessors?: SpanProcessor[];
  /**
   * Says at start (info) that tracing is on and where it exports, and warns once when the
   * collector stops answering (again only after it answered in between).
   */
  logger?: Logger;
  /** The environment the exporter reads `OTEL_EXPORTER_OTLP_*` from, for the start line. @default {} */
  env?: NodeJS.ProcessEnv;
}

/** Running tracing. */
export interface Telemetry {
  tracerProvider: TracerProvider;
  /** The yoga plugin opening one span per GraphQL operation; pass it to `createGatewayYoga`. */
  plugin: Plugin;
  /** Flushes pending spans (waiting at most 2 s) and stops. Safe to call twice. */
  shutdown(): Promise<void>;
}

/** Longest wait for pending spans to reach the collector at shutdown, ms. */
const SHUTDOWN_FLUSH_MS = 2_000;

/** Paths whose requests open no span: probes and scrapes would drown the traces. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/livez', '/metrics']);

/**
 * Starts the SDK: registers the global tracer provider and the HTTP and undici instrumentations.
 * Call it before the gateway's server starts listening. Metrics and logs stay with Prometheus
 * and pino: the SDK exports traces only.
 */
export function startTelemetry(options: TelemetryOptions = {}): Telemetry {
  const endpoint = traceExportUrl(options.endpoint, options.env ?? {});
  const spanProcessors = options.spanProcessors ?? [
    new BatchSpanProcessor(
      reportingExporter(new OTLPTraceExporter(options.endpoint ? { url: endpoint } : {}), endpoint, options.logger),
    ),
  ];
  if (!options.spanProcessors) options.logger?.info({ endpoint }, 'tracing on: spans are exported over OTLP/HTTP');
  const sdk = new NodeSDK({
    serviceName: options.serviceName ?? 'chat-history-gateway',
    spanProcessors,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        // Upstream calls go through undici; node:http clients here are the exporter's own.
        disableOutgoingRequestInstrumentation: true,
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has(pathOf(request.url)),
        requestHook: (span, request) => {
          if ('headers' in request && !('setHeader' in request)) dropIncomingQuery(span, request as IncomingMessage);
        },
      }),
      new UndiciInstrumentation({
        // Upstream calls run inside a request's span; a call outside any (a background poll) opens no trace of its own.
        requireParentforSpans: true,
        requestHook: (span, request) => {
          const call = currentUpstreamCall();
          const path = pathOf(request.path);
          replaceAttributes(span, { 'url.full': `${request.origin}${path}`, 'url.path': path, 'url.query': undefined });
          if (!call) return;
          span.updateName(`${call.method} ${call.endpoint}`);
          span.setAttribute('peer.service', call.sourceId);
          span.setAttribute('url.template', call.endpoint);
        },
      }),
    ],
  });
  trackUpstreamCalls();
  sdk.start();
  // Under ESM, `node:http` is imported without passing through `require`, so the
  // instrumentation's require hook never sees it; requiring it once patches the module every
  // importer shares (its Server.prototype carries the incoming-request hook).
  createRequire(import.meta.url)('node:http');
  const tracerProvider = trace.getTracerProvider();
  const plugin = useOpenTelemetry(
    { resolvers: false, variables: false, result: false, document: false },
    tracerProvider as never,
    SpanKind.INTERNAL,
    {},
    options.serviceName ?? 'chat-history-gateway',
  ) as Plugin;
  let stopping: Promise<void> | undefined;
  return {
    tracerProvider,
    plugin,
    // A collector that is down must not hold a shutdown: pending spans get SHUTDOWN_FLUSH_MS.
    shutdown: () =>
      (stopping ??= Promise.race([
        sdk.shutdown().catch(() => undefined),
        new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_FLUSH_MS).unref()),
      ])),
  };
}

/**
 * Where the OTLP/HTTP exporter sends spans: `<endpoint>/v1/traces` for a configured endpoint,
 * else the standard variables' (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is,
 * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`), else the SDK's default.
 */
export function traceExportUrl(endpoint: string | undefined, env: NodeJS.ProcessEnv): string {
  if (endpoint) return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  return `${(env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`;
}

/** What an exporter reports for one batch (`ExportResult`; code 0 is success). */
type ExportOutcome = { code: number; error?: Error };

/**
 * The exporter, with its failures logged: one warning when exports start failing (a batch
 * every few seconds would otherwise say it again and again), one info line when they succeed
 * again. Without a logger, the exporter itself.
 */
function reportingExporter(exporter: SpanExporter, endpoint: string, logger: Logger | undefined): SpanExporter {
  if (!logger) return exporter;
  let failing = false;
  return {
    export(spans, done) {
      exporter.export(spans, (outcome: ExportOutcome) => {
        if (outcome.code !== 0 && !failing) {
          failing = true;
          logger.warn({ endpoint, reason: outcome.error?.message }, 'trace collector unreachable: spans are dropped until it answers');
        } else if (outcome.code === 0 && failing) {
          failing = false;
          logger.info({ endpoint }, 'trace collector answers again');
        }
        done(outcome as Parameters<typeof done>[0]);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] || '/';
}

/** Incoming URLs lose their query: it can carry a webhook token or a GET operation's variables. */
function dropIncomingQuery(span: Span, request: IncomingMessage): void {
  const path = pathOf(request.url);
  const withoutQuery = (url: unknown) => (typeof url === 'string' ? url.split('?')[0] : undefined);
  const attributes = attributesOf(span);
  replaceAttributes(span, {
    'http.target': path,
    'url.path': path,
    'url.query': undefined,
    'http.url': withoutQuery(attributes['http.url']),
    'url.full': withoutQuery(attributes['url.full']),
  });
}

/** The attributes a recording SDK span holds so far (empty for a non-recording one). */
function attributesOf(span: Span): Record<string, unknown> {
  return (span as unknown as { attributes?: Record<string, unknown> }).attributes ?? {};
}

/**
 * Overwrites those of `values` the span already has; an undefined value blanks the attribute
 * (the API cannot remove one).
 */
function replaceAttributes(span: Span, values: Record<string, string | undefined>): void {
  const current = attributesOf(span);
  for (const [key, value] of Object.entries(values)) {
    if (key in current) span.setAttribute(key, value ?? '');
  }
}
