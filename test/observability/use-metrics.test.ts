/**
 * `useMetrics` on a yoga of its own with a small subscription schema (the gateway's schema has
 * none of its own yet): an SSE subscription raises `chat_gateway_subscriptions_open` while it
 * streams and lowers it when the client goes away; subscription operations are counted too.
 */
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayMetrics, type GatewayMetrics } from '../../src/observability/gateway-metrics.js';
import { useMetrics } from '../../src/observability/use-metrics.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let test: TestGateway;
let metrics: GatewayMetrics;

beforeAll(async () => {
  test = await startTestGateway();
  metrics = createGatewayMetrics(test.gateway, { defaultMetrics: false });
});
afterAll(async () => {
  metrics?.close();
  await test?.close();
});

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    type Query { ok: Boolean }
    type Subscription { ticks: Int! }
  `,
  resolvers: {
    Subscription: {
      ticks: {
        async *subscribe() {
          for (let i = 0; ; i += 1) {
            yield { ticks: i };
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        },
      },
    },
  },
});

async function gauge(): Promise<number> {
  const text = await metrics.registry.getSingleMetricAsString('chat_gateway_subscriptions_open');
  const line = text.split('\n').find((entry) => entry.startsWith('chat_gateway_subscriptions_open{operation_name="Ticks"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('open subscriptions', () => {
  it('counts an SSE subscription while it streams and forgets it when the client leaves', async () => {
    const yoga = createYoga({ schema, plugins: [useMetrics(test.gateway, { metrics })], logging: false });
    const controller = new AbortController();
    const response = await yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription Ticks { ticks }' }),
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/data|:/);
    expect(await gauge()).toBe(1);
    await reader.cancel();
    controller.abort();
    for (let i = 0; i < 50 && (await gauge()) !== 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await gauge()).toBe(0);
    const operations = await metrics.registry.getSingleMetricAsString('chat_gateway_operations_total');
    expect(operations).toContain('chat_gateway_operations_total{operation_name="Ticks",operation_type="subscription",code="OK"} 1');
  });
});
