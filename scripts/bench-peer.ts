/**
 * This gateway side by side with what a user would run instead: GraphQL Mesh over Dify's
 * published OpenAPI document, served by Hive Gateway (scripts/peer/mesh-gateway.mjs). Each
 * runs in its own process against one Dify simulator process seeded with one conversation of
 * 10 exchanges (= 20 graph messages). No response caching anywhere: every query reads upstream.
 *
 * 1. both answer the same 10 exchanges (ids, texts, times) or the script stops;
 * 2. each is warmed up, then loaded with autocannon in alternating rounds (the order swapped
 *    each round), every response compared byte for byte with the checked answer;
 * 3. printed per server: req/s, p50 and p99 latency (mean of the rounds), upstream calls per
 *    query (counted at the simulator over 20 queries sent one at a time), CPU ms per query (the server process's user + system
 *    time from /proc over the rounds), RSS idle → after; then this gateway's ratios to Mesh.
 *
 *   npm run bench:peer                                   # 3 rounds of 5 s each, 50 connections
 *   PEER_ROUNDS=2 PEER_SECONDS=3 PEER_CONNECTIONS=50 npm run bench:peer
 *   PEER_PROFILE=/tmp/prof npm run bench:peer          # and a CPU profile of the gateway
 *   PEER_GATEWAY_FLAGS=--trace-gc npm run bench:peer  # node flags for the gateway process only
 *   PEER_MESH_FLAGS=--max-semi-space-size=32 npm run bench:peer  # … and for Mesh's
 *
 * The gateway runs as `npm start` runs it: `node --max-semi-space-size=32 bin/chat-gateway.js`
 * (built JavaScript, dist/ rebuilt when stale) with NODE_ENV=production and a config file (header
 * auth, a fixed cursor secret) written to a temporary directory.
 */
import type autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envNumber, runLoad } from './lib/load.js';
import { ask, forkWithReady, sampleProcess, startServerProcess, stopChild, type ServerProcess } from './lib/peer-processes.js';
import type { BenchSimulatorReady } from './peer/dify-simulator.js';

const rounds = envNumber('PEER_ROUNDS', 3, 1, 10);
const seconds = envNumber('PEER_SECONDS', 5, 1, 30);
const connections = envNumber('PEER_CONNECTIONS', 50, 1, 200);
const root = new URL('..', import.meta.url).pathname;
/** Queries sent one at a time to count upstream calls per query. */
const CALL_SAMPLES = 20;

// The gateway runs built JavaScript, as `npm start` does: build dist/ first when it is stale.
execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });

const { child: simulator, ready: dify } = await forkWithReady<BenchSimulatorReady>(join(root, 'scripts/peer/dify-simulator.ts'));
const countCalls = async () => (await ask<{ count: number }>(simulator, 'count')).count;

// The node flags `npm start` and the Dockerfile run the gateway with (README, "Memory and garbage
// collection"); GraphQL Mesh runs with node's defaults, as its own CLI does.
const gatewayFlags = ['--max-semi-space-size=32'];
// PEER_PROFILE=<dir>: the gateway writes a V8 CPU profile there when it stops (node --cpu-prof).
if (process.env.PEER_PROFILE) gatewayFlags.push('--cpu-prof', `--cpu-prof-dir=${process.env.PEER_PROFILE}`);
// PEER_GATEWAY_FLAGS="--trace-gc …": extra node flags for the gateway process only (later flags win).
gatewayFlags.push(...(process.env.PEER_GATEWAY_FLAGS ?? '').split(/\s+/).filter((flag) => flag.length > 0));
const meshFlags = (process.env.PEER_MESH_FLAGS ?? '').split(/\s+/).filter((flag) => flag.length > 0);
const configDir = await mkdtemp(join(tmpdir(), 'bench-peer-'));
const configFile = join(configDir, 'gateway.json');
await writeFile(
  configFile,
  JSON.stringify({
    // No load balancer reads /ready here: stop at once, so that a --cpu-prof profile is written
    // before stopChild's SIGKILL.
    server: { host: '127.0.0.1', port: 0, graphiql: false, shutdownDelayMs: 0, cursorSecret: randomBytes(24).toString('base64url') },
    auth: { mode: 'header' },
    sources: [{ id: 'assistant', kind: 'dify', baseUrl: `${dify.origin}/v1`, apiKey: dify.apiKey }],
  }),
);

const [mesh, gateway] = await Promise.all([
  startServerProcess('mesh', process.execPath, [...meshFlags, join(root, 'scripts/peer/mesh-gateway.mjs')], {
    env: { ...process.env, DIFY_BASE_URL: `${dify.origin}/v1`, DIFY_API_KEY: dify.apiKey },
    ready: /listening (http:\/\/\S+\/graphql)/,
  }),
  startServerProcess('gateway', process.execPath, [...gatewayFlags, join(root, 'bin/chat-gateway.js'), '--config', configFile, '--port', '0'], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    ready: /listening on (http:\/\/\S+\/graphql)/,
  }),
]);

/** What each server is asked: the newest 10 exchanges of the conversation, as each names them. */
const QUERIES = {
  mesh: {
    query: `query ($cid: String!, $user: String!) { getConversationHistory(conversation_id: $cid, user: $user, limit: 10) {
  ... on ConversationHistoryResponse { data { id query answer created_at } } } }`,
    variables: { cid: dify.conversationId, user: dify.user },
    headers: {} as Record<string, string>,
  },
  gateway: {
    query: `query ($cid: String!) { source(name: "assistant") { conversation(externalId: $cid) {
  messages(last: 20) { edges { node { id externalId role text createdAt } } } } } }`,
    variables: { cid: dify.conversationId },
    headers: { 'x-chat-user': dify.user } as Record<string, string>,
  },
};
type Name = keyof typeof QUERIES;
interface Exchange {
  id: string;
  query: string;
  answer: string;
  createdAt: string;
}

function request(name: Name): autocannon.Request {
  const { query, variables, headers } = QUERIES[name];
  return {
    method: 'POST',
    path: new URL(servers[name].url).pathname,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  };
}

async function post(name: Name): Promise<{ text: string; body: any }> {
  const { body, headers } = request(name);
  const response = await fetch(servers[name].url, { method: 'POST', headers: headers as Record<string, string>, body: body as string });
  const text = await response.text();
  if (!response.ok) throw new Error(`${name} answered HTTP ${response.status}: ${text.slice(0, 500)}`);
  return { text, body: JSON.parse(text) };
}

function exchangesOf(name: Name, body: any): Exchange[] {
  if (body.errors) throw new Error(`${name} answered errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
  if (name === 'mesh') {
    return body.data.getConversationHistory.data.map((item: any) => ({
      id: item.id,
      query: item.query,
      answer: item.answer,
      createdAt: new Date(item.created_at * 1000).toISOString(),
    }));
  }
  const nodes = body.data.source.conversation.messages.edges.map((edge: any) => edge.node);
  const exchanges: Exchange[] = [];
  for (let index = 0; index < nodes.length; index += 2) {
    const [user, assistant] = [nodes[index], nodes[index + 1]];
    if (user.role !== 'USER' || assistant?.role !== 'ASSISTANT' || user.externalId !== assistant.externalId) {
      throw new Error(`gateway: messages ${index} and ${index + 1} are not the two halves of one exchange`);
    }
    exchanges.push({ id: user.externalId, query: user.text, answer: assistant.text, createdAt: user.createdAt });
  }
  return exchanges;
}

const servers: Record<Name, ServerProcess> = { mesh, gateway };
// Interrupted (Ctrl-C, a time-out): take the servers down too instead of leaving them running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([mesh.stop(), gateway.stop(), stopChild(simulator)]).finally(() => process.exit(130));
  });
}
const names: Name[] = ['mesh', 'gateway'];
const expected: Record<Name, string> = { mesh: '', gateway: '' };
const stats = Object.fromEntries(
  names.map((name) => [name, { requests: 0, seconds: 0, cpuMs: 0, calls: 0, p50: [] as number[], p99: [] as number[], bad: 0, idleMB: 0, afterMB: 0 }]),
) as Record<Name, { requests: number; seconds: number; cpuMs: number; calls: number; p50: number[]; p99: number[]; bad: number; idleMB: number; afterMB: number }>;

try {
  const answers = {} as Record<Name, Exchange[]>;
  for (const name of names) {
    const { text, body } = await post(name);
    answers[name] = exchangesOf(name, body);
    expected[name] = text;
  }
  if (answers.gateway.length !== 10 || JSON.stringify(answers.gateway) !== JSON.stringify(answers.mesh)) {
    throw new Error(`the two answers differ:\nmesh ${JSON.stringify(answers.mesh).slice(0, 400)}\ngateway ${JSON.stringify(answers.gateway).slice(0, 400)}`);
  }
  console.log(`both answer the same ${answers.gateway.length} exchanges (${answers.gateway.length * 2} messages) of conversation ${dify.conversationId}`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const name of names) stats[name].idleMB = sampleProcess(servers[name].pid).rssMB;

  // Calls per query one at a time: under load, the queries cut off when a round ends have made
  // their upstream calls without being counted as answered.
  for (const name of names) {
    await countCalls();
    for (let index = 0; index < CALL_SAMPLES; index += 1) exchangesOf(name, (await post(name)).body);
    stats[name].calls = (await countCalls()) / CALL_SAMPLES;
  }

  const load = async (name: Name, duration: number) => {
    const before = sampleProcess(servers[name].pid);
    const result = await runLoad({ url: servers[name].url, connections, duration, requests: [{ ...request(name), expectBody: expected[name] } as autocannon.Request] });
    const after = sampleProcess(servers[name].pid);
    return { result, cpuMs: after.cpuMs - before.cpuMs };
  };
  for (const name of names) await load(name, 2); // warm-up: JIT, pools
  console.log(`load: ${rounds} alternating rounds of ${seconds} s per server, ${connections} connections, Node ${process.version}`);
  for (let round = 0; round < rounds; round += 1) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const { result, cpuMs } = await load(name, seconds);
      const stat = stats[name];
      stat.requests += result.requests.total;
      stat.seconds += result.duration;
      stat.cpuMs += cpuMs;
      stat.p50.push(result.latency.p50);
      stat.p99.push(result.latency.p99);
      stat.bad += result.non2xx + result.errors + result.timeouts + ((result as { mismatches?: number }).mismatches ?? 0);
      console.log(`  round ${round + 1} ${name.padEnd(7)} ${(result.requests.total / result.duration).toFixed(0).padStart(6)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms`);
    }
  }
  for (const name of names) stats[name].afterMB = sampleProcess(servers[name].pid).rssMB;
  printTable();
} finally {
  await Promise.all([mesh.stop(), gateway.stop()]);
  await stopChild(simulator);
  await rm(configDir, { recursive: true, force: true });
}

function printTable(): void {
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const figures = Object.fromEntries(
    names.map((name) => {
      const stat = stats[name];
      return [
        name,
        {
          rps: stat.requests / stat.seconds,
          p50: mean(stat.p50),
          p99: mean(stat.p99),
          calls: stat.calls,
          cpu: stat.cpuMs / stat.requests,
          idle: stat.idleMB,
          after: stat.afterMB,
          bad: stat.bad,
          startup: servers[name].startupMs,
        },
      ];
    }),
  ) as Record<Name, { rps: number; p50: number; p99: number; calls: number; cpu: number; idle: number; after: number; bad: number; startup: number }>;
  const label = { mesh: 'GraphQL Mesh + Hive Gateway', gateway: 'chat-history-gateway' };
  console.log('\n| | req/s | p50 ms | p99 ms | upstream calls / query | CPU ms / query | RSS idle → after | failed or wrong answers | start-up ms |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const name of names) {
    const f = figures[name];
    console.log(
      `| ${label[name]} | ${f.rps.toFixed(0)} | ${f.p50.toFixed(1)} | ${f.p99.toFixed(1)} | ${f.calls.toFixed(2)} | ${f.cpu.toFixed(2)} | ` +
        `${f.idle.toFixed(0)} → ${f.after.toFixed(0)} MB | ${f.bad} | ${f.startup.toFixed(0)} |`,
    );
  }
  const [m, g] = [figures.mesh, figures.gateway];
  console.log(
    `\nchat-history-gateway vs Mesh: throughput ${(g.rps / m.rps).toFixed(2)}× (target ≥ 2×), p50 ${(g.p50 / m.p50).toFixed(2)}× (≤ 0.5), ` +
      `CPU per query ${(g.cpu / m.cpu).toFixed(2)}× (≤ 0.5), upstream calls per query ${g.calls.toFixed(2)} (1.00), ` +
      `RSS after load ${(g.after / m.after).toFixed(2)}× (≤ 1)`,
  );
  console.log('(start-up: spawn to listening, including composition for Mesh; every server shares the machine with the load generator)');
}
