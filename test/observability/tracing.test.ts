/**
 * Tracing on: spans captured with the SDK's in-memory exporter while a client calls the
 * listening gateway over HTTP with a W3C `traceparent`. The gateway continues that trace (the
 * HTTP server span's parent is the client's span), opens one span per operation and one
 * CLIENT span per upstream call (source, endpoint template, status), and the Dify simulator
 * receives a `traceparent` of the same trace.
 */
import { randomBytes } from 'node:crypto';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createViewerResolver } from '../../src/auth/viewer.js';
import { validateConfig } from '../../src/gateway/load-config.js';
import { startDemoBackends, type DemoBackends } from '../../src/demo/demo.js';
import { createGateway } from '../../src/gateway/gateway.js';
import { createLogger } from '../../src/core/logger.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { startTelemetry, type Telemetry } from '../../src/observability/telemetry.js';
import { createGatewayYoga } from '../../src/yoga/yoga.js';

const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;
let backends: DemoBackends;
let server: RunningServer;

beforeAll(async () => {
  telemetry = startTelemetry({ spanProcessors: [new SimpleSpanProcessor(exporter)], serviceName: 'gateway-under-test' });
  backends = await startDemoBackends();
  const config = await validateConfig(backends.config);
  const gateway = await createGateway(config, createLogger('silent'));
  const yoga = createGatewayYoga(gateway, {
    resolveViewer: createViewerResolver({ auth: config.auth }),
    plugins: [telemetry.plugin],
  });
  server = await startServer(yoga, gateway, { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.stop();
  await backends?.close();
  await telemetry?.shutdown();
});

async function spansOf(traceId: string, until: (spans: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> {
  for (let i = 0; i < 100; i += 1) {
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    if (until(spans)) return spans;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('tracing', () => {
  it('continues the client trace through the operation to every upstream call', async () => {
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    backends.simulators.assistant.requests.length = 0;
    const response = await fetch(`${server.url}/graphql?probe=query-value`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-chat-user': 'demo-user',
        traceparent: `00-${traceId}-${clientSpanId}-01`,
      },
      body: JSON.stringify({ query: 'query Traced { conversations(first: 5) { edges { node { id title } } } }' }),
    });
    expect(((await response.json()) as any).errors).toBeUndefined();

    const spans = await spansOf(traceId, (found) => found.some((span) => span.name.startsWith('POST')));
    const incoming = spans.find((span) => span.kind === 1 /* SERVER */ && parentOf(span) === clientSpanId);
    expect(incoming, spans.map((span) => span.name).join(', ')).toBeDefined();
    const operation = spans.find((span) => span.name === 'query.Traced');
    expect(operation).toBeDefined();
    expect(operation!.attributes['graphql.execute.operationName']).toBe('Traced');
    expect(operation!.attributes['graphql.execute.document']).toBeUndefined();

    const upstream = spans.filter((span) => span.kind === 2 /* CLIENT */);
    const dify = upstream.find((span) => span.attributes['peer.service'] === 'assistant');
    expect(dify, upstream.map((span) => span.name).join(', ')).toBeDefined();
    expect(dify!.name).toBe('GET /conversations');
    expect(dify!.attributes['url.template']).toBe('/conversations');
    expect(dify!.attributes['http.request.method']).toBe('GET');
    expect(dify!.attributes['http.response.status_code']).toBe(200);
    expect(new Set(upstream.map((span) => span.attributes['peer.service']))).toEqual(new Set(['assistant', 'support', 'legacy']));
    // Upstream spans hang below the operation, which hangs below the HTTP request.
    const ids = new Set(spans.map((span) => span.spanContext().spanId));
    for (const span of upstream) expect(ids.has(parentOf(span)!)).toBe(true);

    // The simulator saw the same trace, from the upstream span.
    const sent = backends.simulators.assistant.requests.map((request) => String(request.headers.traceparent ?? ''));
    expect(sent.length).toBeGreaterThan(0);
    for (const header of sent) expect(header).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(upstream.map((span) => span.spanContext().spanId)).toContain(sent[0]!.split('-')[2]);
  });

  it('records no query string, viewer id or credential in any span', async () => {
    const everything = JSON.stringify(exporter.getFinishedSpans().map((span) => [span.name, span.attributes]));
    expect(everything).not.toContain('query-value');
    expect(everything).not.toContain('demo-user');
    for (const source of backends.config.sources) {
      for (const [key, value] of Object.entries(source)) {
        if (/key|token/i.test(key)) expect(everything).not.toContain(String(value));
      }
    }
  });

  it('opens no span for probes and scrapes', async () => {
    exporter.reset();
    await (await fetch(`${server.url}/health`)).text();
    await (await fetch(`${server.url}/metrics`)).text();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual([]);
  });
});
