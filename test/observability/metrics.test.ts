/**
 * `/metrics` after real traffic over HTTP through the simulators, parsed with a Prometheus text
 * parser: operations by name, type and code; upstream calls by source, endpoint template and
 * status (a failing Dify behind a fault proxy shows in its own series, then its open circuit);
 * cache hits and misses; the bearer token; and no label value carrying an id or a secret.
 */
import parsePrometheus, { type PrometheusSample } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxiedGateway, type ProxiedGateway } from '../helpers/proxied-gateway.js';

const TOKEN = 'scrape-token-0123456789abcdef';
const MERGED = `query Merged { conversations(first: 30) { edges { node { id externalId title source { name } } } } }`;

let gw: ProxiedGateway;
/** Every id the traffic returned, to look for in label values. */
const seenIds = new Set<string>(['demo-user']);
/** prom-client's `nodejs_version_info` labels for the Node running the test. */
const [major, minor, patch] = process.versions.node.split('.');
const RUNTIME_VERSION_LABELS = { version: process.version, major, minor, patch };

async function query(body: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chat-user': 'demo-user' },
    body: JSON.stringify({ query: body, variables }),
  });
  const json = (await response.json()) as any;
  for (const edge of json.data?.conversations?.edges ?? []) {
    seenIds.add(edge.node.id);
    seenIds.add(String(edge.node.externalId));
  }
  return json;
}

async function scrape(token: string | undefined = TOKEN) {
  const response = await fetch(`${gw.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

type Families = Map<string, { type: string; samples: PrometheusSample[] }>;

/**
 * Parses an exposition into samples by series name. The parser folds a histogram's labelled
 * series into one, so histograms are read series by series (`_bucket`, `_sum`, `_count`) with
 * their `TYPE` line set aside; their type is kept from it.
 */
function parseExposition(text: string): Families {
  const histograms = new Set([...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((match) => match[1]!));
  const all: Families = new Map();
  for (const family of parsePrometheus(text.replace(/^# TYPE \S+ histogram$/gm, ''))) {
    const base = family.name.replace(/_(bucket|sum|count)$/, '');
    const type = histograms.has(base) ? 'HISTOGRAM' : family.type;
    const entry = all.get(family.name) ?? { type, samples: [] };
    entry.samples.push(...family.metrics);
    all.set(family.name, entry);
    if (type === 'HISTOGRAM' && !all.has(base)) all.set(base, { type, samples: [] });
  }
  return all;
}

async function families(): Promise<Families> {
  const { status, text } = await scrape();
  expect(status).toBe(200);
  return parseExposition(text);
}

function samples(all: Families, name: string, labels: Record<string, string> = {}) {
  const family = all.get(name);
  expect(family, `${name} is exported`).toBeDefined();
  return family!.samples.filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value));
}

function total(all: Families, name: string, labels: Record<string, string> = {}): number {
  return samples(all, name, labels).reduce((sum, sample) => sum + Number(sample.value ?? 0), 0);
}

beforeAll(async () => {
  gw = await startProxiedGateway({
    proxied: ['assistant'],
    serverConfig: { metricsToken: TOKEN },
    sourceConfig: { retries: 0, timeoutMs: 2_000, circuitBreaker: { minimumRequests: 3, errorThresholdPercent: 50, coolDownMs: 60_000 } },
  });
});
afterAll(() => gw?.close());

describe('/metrics', () => {
  it('refuses a scrape without the bearer token, and with a wrong one', async () => {
    const missing = await scrape(null as unknown as undefined);
    expect(missing.status).toBe(401);
    expect(missing.text).not.toContain('chat_gateway_');
    expect((await scrape('not-the-token-at-all-0000')).status).toBe(401);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.type).toContain('text/plain');
  });

  it('counts operations by name, type and outcome code, with a duration histogram', async () => {
    expect((await query(MERGED)).errors).toBeUndefined();
    const bad = await query(`query Broken { node(id: "not-a-global-id") { id } }`);
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    await query(`query Unparsable { conversations(`);
    const all = await families();
    expect(total(all, 'chat_gateway_operations_total', { operation_name: 'Merged', operation_type: 'query', code: 'OK' })).toBe(1);
    expect(total(all, 'chat_gateway_operations_total', { operation_name: 'Broken', code: 'BAD_USER_INPUT' })).toBe(1);
    expect(total(all, 'chat_gateway_operations_total', { operation_type: 'unknown', code: 'GRAPHQL_PARSE_FAILED' })).toBe(1);
    expect(all.get('chat_gateway_operation_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(total(all, 'chat_gateway_operation_duration_seconds_count', { operation_name: 'Merged', code: 'OK' })).toBe(1);
    expect(total(all, 'chat_gateway_operation_duration_seconds_bucket', { operation_name: 'Merged', le: '+Inf' })).toBe(1);
    // One series per fact: no second request counter or duration histogram restating these.
    expect([...all.keys()].filter((name) => name.startsWith('graphql_'))).toEqual([]);
  });

  it('counts upstream calls by source, endpoint template and status, with a latency histogram in seconds', async () => {
    const all = await families();
    for (const source of ['assistant', 'support', 'legacy']) {
      expect(total(all, 'chat_gateway_upstream_requests_total', { source, status: '200' }), source).toBeGreaterThan(0);
    }
    const labels = { source: 'assistant', method: 'GET', status: '200', endpoint: '/conversations' };
    const count = total(all, 'chat_gateway_upstream_request_duration_seconds_count', labels);
    expect(count).toBeGreaterThan(0);
    expect(total(all, 'chat_gateway_upstream_requests_total', labels)).toBe(count);
    // Seconds, not milliseconds: a loopback call is far below one second.
    expect(total(all, 'chat_gateway_upstream_request_duration_seconds_sum', labels) / count).toBeLessThan(1);
  });

  it('shows a failing source in its own series, then its open circuit', async () => {
    // First a connection the upstream drops (as a stopped server would), then 503s.
    gw.proxies.assistant!.setFault({ kind: 'reset' });
    expect((await query(MERGED)).errors?.[0]?.extensions?.sourceId).toBe('assistant');
    gw.proxies.assistant!.setFault({ kind: 'status', status: 503 });
    for (let i = 0; i < 4; i += 1) {
      const answer = await query(MERGED);
      expect(answer.errors?.[0]?.extensions?.sourceId).toBe('assistant');
    }
    const all = await families();
    expect(total(all, 'chat_gateway_upstream_requests_total', { source: 'assistant', status: 'UPSTREAM_UNAVAILABLE' })).toBe(1);
    expect(total(all, 'chat_gateway_upstream_requests_total', { source: 'assistant', status: '503' })).toBeGreaterThanOrEqual(1);
    expect(total(all, 'chat_gateway_upstream_requests_total', { source: 'assistant', status: 'CIRCUIT_OPEN' })).toBeGreaterThanOrEqual(1);
    expect(total(all, 'chat_gateway_upstream_requests_total', { source: 'support', status: '503' })).toBe(0);
    expect(total(all, 'chat_gateway_circuit_state', { source: 'assistant', state: 'open' })).toBe(1);
    expect(total(all, 'chat_gateway_circuit_state', { source: 'assistant', state: 'closed' })).toBe(0);
    expect(total(all, 'chat_gateway_circuit_state', { source: 'support', state: 'closed' })).toBe(1);
    expect(total(all, 'chat_gateway_operations_total', { operation_name: 'Merged', code: 'UPSTREAM_UNAVAILABLE' })).toBe(5);
  });

  it('counts cross-request cache hits and misses by scope, never by key', async () => {
    const before = await families();
    const hits = total(before, 'chat_gateway_cache_hits_total', { scope: 'source:support' });
    const misses = total(before, 'chat_gateway_cache_misses_total', { scope: 'source:support' });
    // The cache every adapter is handed (under `source:<id>:`) and the gateway's own keys.
    const { cache } = gw.gateway;
    await cache.get('source:support:contact:identifier:nobody-looked-up');
    await cache.set('source:support:contact:identifier:nobody-looked-up', null, 60_000);
    await cache.get('source:support:contact:identifier:nobody-looked-up');
    await cache.get('idempotency:demo-user:key-1');
    await cache.get('7f3c2a9e4b1d:demo-user');
    const all = await families();
    expect(total(all, 'chat_gateway_cache_misses_total', { scope: 'source:support' })).toBe(misses + 1);
    // A cached negative answer is a hit.
    expect(total(all, 'chat_gateway_cache_hits_total', { scope: 'source:support' })).toBe(hits + 1);
    expect(total(all, 'chat_gateway_cache_misses_total', { scope: 'idempotency' })).toBe(1);
    expect(total(all, 'chat_gateway_cache_misses_total', { scope: 'other' })).toBe(1);
  });

  it('puts no id, viewer data or secret in any label value', async () => {
    const { text } = await scrape();
    const secrets = gw.gateway.config.sources.flatMap((source) =>
      Object.entries(source)
        .filter(([key, value]) => /key|token|secret/i.test(key) && typeof value === 'string')
        .map(([, value]) => value as string),
    );
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    expect(seenIds.size).toBeGreaterThan(10);
    const values = new Set<string>();
    for (const [name, family] of parseExposition(text)) {
      if (name === 'nodejs_version_info') {
        // The runtime's own version (patch "3" can equal a seeded id): it must be exactly that,
        // so an id or secret put in this family is still caught.
        for (const sample of family.samples) expect(sample.labels).toEqual(RUNTIME_VERSION_LABELS);
        continue;
      }
      for (const sample of family.samples) for (const value of Object.values(sample.labels ?? {})) values.add(value);
    }
    for (const value of values) {
      for (const secret of [...secrets, TOKEN]) expect(value).not.toContain(secret);
      for (const id of seenIds) expect(value === id || (id.length > 3 && value.includes(id)), `${value} carries ${id}`).toBe(false);
      expect(value).not.toMatch(/127\.0\.0\.1|https?:/);
    }
    const endpoints = [...new Set(samples(await families(), 'chat_gateway_upstream_requests_total').map((s) => s.labels?.endpoint))];
    // Each segment is a word of the documented path or a `:name` placeholder, never an id.
    for (const endpoint of endpoints) {
      for (const segment of endpoint!.split('/').slice(1)) expect(segment, endpoint).toMatch(/^(:[A-Za-z]+|[a-z][a-z_-]*\d?)$/);
    }
    expect(endpoints).toEqual(
      expect.arrayContaining(['/conversations', '/api/v1/accounts/:accountId/contacts/search', '/chat/history']),
    );
  });
});

describe('/metrics switched off', () => {
  let off: ProxiedGateway;
  beforeAll(async () => {
    off = await startProxiedGateway({ serverConfig: { metrics: false } });
  });
  afterAll(() => off?.close());

  it('is not served', async () => {
    const response = await fetch(`${off.url}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('chat_gateway_');
  });
});

describe('upstream call budget refusals', () => {
  let small: ProxiedGateway;
  beforeAll(async () => {
    small = await startProxiedGateway({ serverConfig: { limits: { maxUpstreamCallsPerRequest: 2 } } });
  });
  afterAll(() => small?.close());

  it('counts the calls a request was refused, by operation', async () => {
    const response = await fetch(`${small.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-user': 'demo-user' },
      body: JSON.stringify({ query: MERGED }),
    });
    const body = (await response.json()) as any;
    expect(body.errors.map((error: any) => error.extensions.code)).toContain('BAD_USER_INPUT');
    const all = parseExposition(await (await fetch(`${small.url}/metrics`)).text());
    expect(total(all, 'chat_gateway_upstream_budget_refusals_total', { operation_name: 'Merged', operation_type: 'query' })).toBeGreaterThanOrEqual(1);
    // Refused calls were never sent, so they are no upstream requests.
    expect(total(all, 'chat_gateway_upstream_requests_total')).toBe(2);
  });
});
