/**
 * Soak: a bounded load through the gateway (a real HTTP server on loopback) while fault proxies
 * in front of every simulator inject random faults, plus one outage window during which the
 * Dify source answers 503 to everything (so its circuit opens and closes again). Prints requests
 * served, responses by outcome, errors by `extensions.code`, p50/p99 latency, circuit
 * transitions, and the process's memory at start and end. Stops by itself.
 *
 *   npm run soak                       # 60 s
 *   SOAK_SECONDS=120 SOAK_CONNECTIONS=16 SOAK_FAULT_RATE=0.2 npm run soak
 *
 * Everything runs in this one process (simulators, proxies, gateway, load generator), so the
 * memory figures are an upper bound for the gateway; what matters is that they stay flat.
 */
import { globalIdOf } from '../src/core/global-id.js';
import type { Fault } from '../test/helpers/fault-proxy.js';
import { DIFY_DEEP_CONVERSATION_ID } from '../src/demo/simulators/dify/fixtures.js';
import { EXAMPLE_OPERATION } from '../src/yoga/yoga.js';
import { describeRun, envNumber, graphql, memory, operation, runLoad, startLoadTarget, type SourceName } from './lib/load.js';

const seconds = envNumber('SOAK_SECONDS', 60, 5, 300);
const connections = envNumber('SOAK_CONNECTIONS', 8, 1, 64);
const faultRate = envNumber('SOAK_FAULT_RATE', 0.1, 0, 1);
const SOURCES: SourceName[] = ['assistant', 'support', 'legacy'];

/** Faults drawn at random, with weights. Time-outs below keep each one short. */
const FAULTS: Array<[number, Fault]> = [
  [3, { kind: 'latency', ms: 150 }],
  [1, { kind: 'hang' }],
  [2, { kind: 'reset' }],
  [1, { kind: 'status', status: 500 }],
  [2, { kind: 'status', status: 502 }],
  [2, { kind: 'status', status: 503 }],
  [1, { kind: 'rate-limit', retryAfter: '0' }],
  [1, { kind: 'rate-limit', retryAfter: '5' }],
  [1, { kind: 'truncate' }],
  [1, { kind: 'html' }],
  [0.5, { kind: 'oversize', bytes: 20 * 1024 * 1024 }],
  [0.5, { kind: 'trickle', intervalMs: 100 }],
  [1, { kind: 'wrong-type', field: 'created_at', value: { unexpected: 'object' } }],
];
const totalWeight = FAULTS.reduce((sum, [weight]) => sum + weight, 0);

function randomFault(): Fault | null {
  if (Math.random() >= faultRate) return null;
  let pick = Math.random() * totalWeight;
  for (const [weight, fault] of FAULTS) {
    pick -= weight;
    if (pick <= 0) return fault;
  }
  return null;
}

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));
process.on('uncaughtException', (error) => unhandled.push(error));

const target = await startLoadTarget({
  proxied: SOURCES,
  serverConfig: { requestTimeoutMs: 5_000 },
  sourceConfig: {
    timeoutMs: 2_000,
    headersTimeoutMs: 1_000,
    bodyTimeoutMs: 1_000,
    retries: 2,
    retryBackoffMs: 50,
    retryMaxWaitMs: 500,
    maxResponseBytes: 2 * 1024 * 1024,
    circuitBreaker: { errorThresholdPercent: 50, minimumRequests: 10, windowMs: 5_000, coolDownMs: 1_000 },
  },
});

// Operations: the example (merged list with last messages), a deep backward message page,
// nodes across sources, and one source's list.
const listed = await graphql(target.url, `{ conversations(first: 30) { edges { node { id } } } }`);
const someIds: string[] = listed.data.conversations.edges.map((edge: { node: { id: string } }) => edge.node.id).slice(0, 12);
const deepId = globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: DIFY_DEEP_CONVERSATION_ID });
const page = await graphql(target.url, `query ($id: ID!) { conversation(id: $id) { messages(last: 100) { pageInfo { startCursor } } } }`, { id: deepId });
const deepCursor: string = page.data.conversation.messages.pageInfo.startCursor;

const outcomes = { whole: 0, partial: 0, failed: 0, unparsable: 0 };
const codes = new Map<string, number>();
const statuses = new Map<number, number>();
function record(status: number, body: string): void {
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  let parsed: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
  try {
    parsed = JSON.parse(body);
  } catch {
    outcomes.unparsable += 1;
    return;
  }
  const errors = parsed.errors ?? [];
  // Per response: a merged list with two failed sources counts once for its code.
  for (const code of new Set(errors.map((error) => error.extensions?.code ?? '(none)'))) {
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  if (errors.length === 0) outcomes.whole += 1;
  else if (parsed.data && Object.values(parsed.data as object).some((value) => value !== null)) outcomes.partial += 1;
  else outcomes.failed += 1;
}

const requests = [
  operation(EXAMPLE_OPERATION, undefined, record),
  operation(
    `query ($id: ID!, $before: String) { conversation(id: $id) { messages(last: 20, before: $before) { edges { node { id role text } } pageInfo { hasPreviousPage startCursor } } } }`,
    { id: deepId, before: deepCursor },
    record,
  ),
  operation(`query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Conversation { title updatedAt } } }`, { ids: someIds }, record),
  operation(`{ source(name: "support") { conversations(first: 10) { edges { node { id title messages(last: 10) { edges { node { text } } } } } } } }`, undefined, record),
];

// Random faults everywhere; an outage of the Dify source from 40 % to 70 % of the run.
const outage = { from: seconds * 0.4 * 1000, to: seconds * 0.7 * 1000 };
const started = Date.now();
for (const name of SOURCES) {
  target.proxies[name]!.setFault(() => {
    const elapsed = Date.now() - started;
    if (name === 'assistant' && elapsed >= outage.from && elapsed < outage.to) return { kind: 'status', status: 503 };
    return randomFault();
  });
}

const transitions: string[] = [];
const last = new Map<string, string>();
const watch = setInterval(() => {
  for (const name of SOURCES) {
    const state = target.gateway.circuitState(name);
    if (last.get(name) !== state) {
      if (last.has(name)) transitions.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${name} → ${state}`);
      last.set(name, state);
    }
  }
}, 100);
const samples: string[] = [];
const sampler = setInterval(() => samples.push(`${((Date.now() - started) / 1000).toFixed(0)}s: ${memory().text}`), 10_000);

const before = memory();
console.log(`soak: ${seconds} s, ${connections} connections, fault rate ${faultRate} per upstream request, outage of "assistant" ${outage.from / 1000}–${outage.to / 1000} s`);
console.log(`memory at start: ${before.text}`);

const result = await runLoad({ url: target.url, connections, duration: seconds, requests, timeout: 15 });
clearInterval(watch);
clearInterval(sampler);
const after = memory();
const health = await fetch(`${target.url}/health`).then((response) => response.status);
const ready = await fetch(`${target.url}/ready`).then(async (response) => `${response.status} ${await response.text()}`);
const upstream = target.proxyCounts();
await target.close();

const responses = outcomes.whole + outcomes.partial + outcomes.failed + outcomes.unparsable;
const pct = (n: number) => `${((100 * n) / Math.max(1, responses)).toFixed(2)} %`;
console.log(`\nserved: ${describeRun(result)}`);
console.log(`responses: ${responses}; whole ${outcomes.whole} (${pct(outcomes.whole)}), partial ${outcomes.partial} (${pct(outcomes.partial)}), failed ${outcomes.failed} (${pct(outcomes.failed)}), unparsable ${outcomes.unparsable}`);
console.log(`HTTP statuses: ${[...statuses].map(([status, count]) => `${status}×${count}`).join(', ')}`);
console.log(`responses with an error of each extensions.code: ${[...codes].sort((a, b) => b[1] - a[1]).map(([code, count]) => `${code} ${count} (${pct(count)})`).join(', ') || 'none'}`);
console.log(
  `upstream requests seen by the proxies (faults injected): ${Object.entries(upstream).map(([name, count]) => `${name} ${count.requests} (${count.faults})`).join(', ')}`,
);
console.log(`circuit transitions: ${transitions.join('; ') || 'none'}`);
console.log(`memory samples: ${samples.join(' | ')}`);
console.log(`memory at end: ${after.text} (rss ${(after.rssMB - before.rssMB).toFixed(1)} MB, heap ${(after.heapMB - before.heapMB).toFixed(1)} MB vs start)`);
console.log(`after the run: /health ${health}, /ready ${ready}`);
console.log(`unhandled rejections / uncaught exceptions: ${unhandled.length}`);
process.exitCode = unhandled.length === 0 && health === 200 ? 0 : 1;
