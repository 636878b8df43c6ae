/**
 * A short benchmark (under a minute) of typical operations through the gateway (a real HTTP
 * server on loopback) on the demo simulators, without faults:
 * 0. the inbox (20 conversations merged across sources × their last 5 messages) with 50 ms
 *    added to every upstream call: its wall time in upstream round trips, and its calls (the
 *    simulators and their proxies in a child process, off the gateway's event loop);
 * 1. the example operation: recent conversations merged across sources, each with its last
 *    five messages;
 * 2. a deep backward message scroll: `last: 20, before: <cursor>` pages spread over a
 *    460-message Dify conversation;
 * 3. the same upstream calls as (2), sent straight to the Dify simulator: the difference to (2)
 *    is the gateway's own overhead (parsing, validation, mapping, cursors, GraphQL), shown as
 *    CPU time per page (from the saturated throughputs) and as added latency per page on one
 *    connection (no queueing).
 * 4. a declarative `http` source (presets/rest-chat-history.yaml) against the hand-written `rest`
 *    kind on the same reads: upstream calls and CPU per read of each (lib/declarative-compare.ts;
 *    alone: `npm run bench:declarative`).
 * Prints throughput, p50/p99 latency, upstream calls per operation, and memory.
 *
 *   npm run bench                      # 5 runs of 8 s, about 50 s in all
 *   BENCH_SECONDS=5 BENCH_CONNECTIONS=16 npm run bench
 */
import type autocannon from 'autocannon';
import { globalIdOf } from '../src/core/global-id.js';
import { DIFY_DEEP_CONVERSATION_ID } from '../src/demo/simulators/dify/fixtures.js';
import { EXAMPLE_OPERATION } from '../src/yoga/yoga.js';
import { compareDeclarative, describeComparison } from './lib/declarative-compare.js';
import { measureInbox } from './lib/inbox-latency.js';
import { describeRun, envNumber, graphql, memory, operation, runLoad, startLoadTarget } from './lib/load.js';

const seconds = envNumber('BENCH_SECONDS', 8, 2, 10);
const connections = envNumber('BENCH_CONNECTIONS', 8, 1, 64);

const INBOX_LATENCY_MS = 50;
const inbox = await measureInbox(INBOX_LATENCY_MS);

const target = await startLoadTarget({});
const dify = target.backends.simulators.assistant;
const before = memory();

const DEEP_PAGE = `query ($id: ID!, $before: String) { conversation(id: $id) {
  messages(last: 20, before: $before) { edges { cursor node { id role text createdAt } } pageInfo { hasPreviousPage startCursor } } } }`;
const deepId = globalIdOf({ type: 'Conversation', sourceId: 'assistant', conversationId: DIFY_DEEP_CONVERSATION_ID });

// Every `before` cursor of a full backward scroll: the pages a chat UI loads scrolling up.
const cursors: string[] = [];
for (let cursor: string | null = null, guard = 0; guard < 100; guard += 1) {
  const page = await graphql(target.url, DEEP_PAGE, { id: deepId, before: cursor });
  if (page.errors) throw new Error(`deep scroll failed: ${JSON.stringify(page.errors)}`);
  const { pageInfo } = page.data.conversation.messages;
  if (!pageInfo.hasPreviousPage) break;
  cursor = pageInfo.startCursor;
  cursors.push(pageInfo.startCursor);
}

/** Upstream calls one operation makes, counted on the simulators' request logs. */
function upstreamCalls(query: string, variables?: Record<string, unknown>): Promise<{ total: number; dify: URL[] }> {
  return target.keepingLogs(async () => {
    const simulators = Object.values(target.backends.simulators);
    for (const simulator of simulators) simulator.requests.length = 0;
    const answer = await graphql(target.url, query, variables);
    if (answer.errors) throw new Error(`operation failed: ${JSON.stringify(answer.errors)}`);
    const dify = target.backends.simulators.assistant.requests.map((request) => new URL(`${request.path}?${request.query}`, 'http://x'));
    return { total: simulators.reduce((sum, simulator) => sum + simulator.requests.length, 0), dify };
  });
}

const exampleCalls = await upstreamCalls(EXAMPLE_OPERATION);
// The Dify calls behind each deep page, replayed directly for the baseline.
const direct: autocannon.Request[] = [];
let deepCallsTotal = 0;
for (const cursor of cursors) {
  const calls = await upstreamCalls(DEEP_PAGE, { id: deepId, before: cursor });
  deepCallsTotal += calls.total;
  for (const url of calls.dify) {
    direct.push({ method: 'GET', path: url.pathname + url.search, headers: { authorization: `Bearer ${String(dify.sourceConfig.apiKey)}` } });
  }
}

async function run(title: string, url: string, requests: autocannon.Request[], clients = connections): Promise<autocannon.Result> {
  await runLoad({ url, connections: clients, duration: 1, requests }); // warm-up: JIT, pools, caches
  const result = await runLoad({ url, connections: clients, duration: seconds, requests });
  console.log(`${title}\n  ${describeRun(result)}`);
  return result;
}

console.log(`bench: ${seconds} s per run, ${connections} connections, Node ${process.version}`);
console.log(`memory at start: ${before.text}\n`);
const { total, ...bySource } = inbox.calls;
console.log(
  `0. inbox, ${inbox.conversations} conversations × last 5 messages, ${INBOX_LATENCY_MS} ms upstream latency: ` +
    `${inbox.medianMs.toFixed(0)} ms = ${inbox.roundTrips.toFixed(2)} round trips, ${total} upstream calls ` +
    `(${Object.entries(bySource).map(([name, count]) => `${name} ${count}`).join(', ')})`,
);
await run(
  `1. recent conversations, merged, with last 5 messages each (${exampleCalls.total} upstream calls per operation)`,
  target.url,
  [operation(EXAMPLE_OPERATION)],
);
const deep = await run(
  `2. deep backward scroll, last: 20 before a cursor, ${cursors.length} pages of a 460-message conversation (${(deepCallsTotal / cursors.length).toFixed(2)} upstream calls per page)`,
  target.url,
  cursors.map((cursor) => operation(DEEP_PAGE, { id: deepId, before: cursor })),
);
const baseline = await run(`3. the same Dify calls, straight to the simulator (${direct.length} calls, cycled)`, dify.origin, direct);
const deepOne = await run('4. as 2, one connection', target.url, cursors.map((cursor) => operation(DEEP_PAGE, { id: deepId, before: cursor })), 1);
const directOne = await run('5. as 3, one connection', dify.origin, direct, 1);

const perPage = direct.length / cursors.length;
console.log(
  `\ngateway overhead per deep page: ${(1000 / deep.requests.average - perPage * (1000 / baseline.requests.average)).toFixed(2)} ms of ` +
    `process time at saturation (${deep.requests.average.toFixed(0)} pages/s through the gateway vs ` +
    `${(baseline.requests.average / perPage).toFixed(0)} pages/s for the same upstream calls direct); ` +
    `${(deepOne.latency.mean - perPage * directOne.latency.mean).toFixed(2)} ms added latency on one connection ` +
    `(mean ${deepOne.latency.mean.toFixed(2)} ms vs ${(perPage * directOne.latency.mean).toFixed(2)} ms for ${perPage.toFixed(0)} direct calls)`,
);
const after = memory();
console.log(`memory at end: ${after.text} (rss ${(after.rssMB - before.rssMB).toFixed(1)} MB, heap ${(after.heapMB - before.heapMB).toFixed(1)} MB vs start)`);
console.log('(1–5: one process holds the simulators, the gateway and the load generator, on the same cores)');
await target.close();

console.log('\n4. declarative source vs the rest kind, same reads of the demo REST simulator (in a child process):');
for (const line of describeComparison(await compareDeclarative())) console.log(line);
