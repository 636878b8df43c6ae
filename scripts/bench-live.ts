/**
 * Live updates at scale: this gateway beside a bare graphql-yoga 5 + graphql-ws server with an
 * in-memory pub/sub (scripts/peer/bare-live-server.mjs), the floor of this stack, in one run.
 *
 * Per target, N and mode, a fresh server process: the gateway as `npm start` runs it (built
 * `dist/`, `node --max-semi-space-size=32 bin/chat-gateway.js`, NODE_ENV=production, a config
 * file with header auth and the Chatwoot source only), the simulators in their own process
 * (scripts/lib/live-upstream-process.ts), and the subscribers in `--clients` processes of their
 * own (scripts/lib/live-bench-clients.ts). Subscriber i is viewer `agent-<i>` (role agent) with
 * one `messageAdded` subscription on one Chatwoot conversation; mode `sse`, `ws` (graphql-ws,
 * one socket each) or `mixed` (even i SSE, odd i graphql-ws). Loopback only; every wait is
 * bounded; it stops by itself.
 *
 *   npm run bench:live                                   # N = 1,000 and 10,000, mixed, 5 webhooks
 *   npm run bench:live -- --n 1000 --modes sse,ws,mixed --webhooks 10
 *   npm run bench:live -- --n 20 --targets gateway       # a smoke
 *   npm run bench:live -- --n 2000 --targets gateway --heapsnapshots /tmp/heap  # heap idle and with all open
 *
 * Printed per target, N and mode:
 * - open: until every subscriber was answered (SSE response headers; graphql-ws `connection_ack`
 *   with its `subscribe` sent), s; live: until every subscriber received a first event (probe
 *   webhooks are posted every 500 ms meanwhile), s;
 * - RSS idle (before any subscriber) → with subscribers, MB, and KB per subscription;
 * - idle CPU with subscribers open and no events, % of one core over 5 s (from /proc);
 * - fan-out p50 / p99 / max, ms: webhook POST sent → each subscriber's receipt, over
 *   `--webhooks` signed `message_created` webhooks posted one after another (the next once the
 *   previous reached everyone, or after 30 s);
 * - delivered / expected (N × webhooks), duplicates and out-of-order receipts, streams that ended;
 * - upstream calls while subscribing (requests the simulators received from the first open until
 *   everyone was live, probes included) and during the measured webhooks;
 * - CPU of the server and of each client process during the webhooks, % of one core (a client
 *   near 100 % would be the bottleneck).
 *
 * The fd limit: `npm run bench:live` raises the soft limit to the hard one (`ulimit -n`); each
 * client process and the server need about N descriptors, which the script checks.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_CHATWOOT_WEBHOOK_SECRET } from '../src/demo/demo.js';
import { messageCreated, signWebhook } from '../test/live/helpers.js';
import type { LiveClientReport, LiveClientRequest, OpenResult, SubscriberSpec } from './lib/live-bench-clients.js';
import type { LiveUpstreamReady } from './lib/live-upstream-process.js';
import { ask, forkWithReady, sampleProcess, startServerProcess, stopChild, type ServerProcess } from './lib/peer-processes.js';

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '1000,10000' },
    modes: { type: 'string', default: 'mixed' },
    webhooks: { type: 'string', default: '5' },
    targets: { type: 'string', default: 'gateway,bare' },
    clients: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '100' },
    // A directory: the gateway then writes a heap snapshot there when idle and once all are live.
    heapsnapshots: { type: 'string' },
  },
});
const list = (raw: string) => raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
const clamp = (raw: string, min: number, max: number, name: string) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${raw}`);
  return value;
};
const sizes = list(flags.n).map((raw) => clamp(raw, 1, 20_000, 'n'));
const modes = list(flags.modes) as Array<'sse' | 'ws' | 'mixed'>;
for (const mode of modes) if (!['sse', 'ws', 'mixed'].includes(mode)) throw new Error(`--modes takes sse, ws and mixed, got ${mode}`);
const targets = list(flags.targets) as Array<'gateway' | 'bare'>;
for (const target of targets) if (!['gateway', 'bare'].includes(target)) throw new Error(`--targets takes gateway and bare, got ${target}`);
const webhookCount = clamp(flags.webhooks, 1, 100, 'webhooks');
const clientCount = clamp(flags.clients, 1, 8, 'clients');
const concurrency = clamp(flags.concurrency, 1, 1_000, 'concurrency');

const root = fileURLToPath(new URL('..', import.meta.url));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();
const step = (what: string) => process.stderr.write(`bench:live: ${what}\n`);
const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { id externalId text createdAt } }`;
/** Fan-out waits for everyone this long at most per webhook, ms. */
const FAN_OUT_TIMEOUT_MS = 30_000;
/** Opening and going live are given this long at most, ms. */
const OPEN_TIMEOUT_MS = 120_000;

// --- the fd limit ------------------------------------------------------------------------------

const openFiles = Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? Number.NaN);
const needed = Math.max(...sizes) + 200;
if (openFiles < needed) {
  process.stderr.write(`bench:live: the open-file limit is ${openFiles}, N = ${Math.max(...sizes)} needs about ${needed} per process; raise it (ulimit -n) or lower --n\n`);
  process.exit(2);
}

// --- processes -----------------------------------------------------------------------------------

step('building dist/ if stale');
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
step('starting the simulators');
const { child: upstream, ready } = await forkWithReady<LiveUpstreamReady>(fileURLToPath(new URL('./lib/live-upstream-process.ts', import.meta.url)));
const upstreamCalls = async () => Object.values(await ask<Record<string, number>>(upstream, 'calls')).reduce((sum, count) => sum + count, 0);
const chatwoot = ready.config.sources.find((source) => source.kind === 'chatwoot')!;
const configDir = await mkdtemp(join(tmpdir(), 'bench-live-'));
const configFile = join(configDir, 'gateway.json');
await writeFile(
  configFile,
  JSON.stringify({
    server: { host: '127.0.0.1', port: 0, graphiql: false, shutdownDelayMs: 0, cursorSecret: randomBytes(24).toString('base64url') },
    auth: { mode: 'header' },
    sources: [{ ...chatwoot, webhookSecret: DEMO_CHATWOOT_WEBHOOK_SECRET }],
  }),
);

/** Starts one server to measure. */
function startTarget(target: 'gateway' | 'bare'): Promise<ServerProcess> {
  if (target === 'bare') {
    return startServerProcess('bare', process.execPath, [join(root, 'scripts/peer/bare-live-server.mjs')], {
      env: { ...process.env, CHATWOOT_WEBHOOK_SECRET: DEMO_CHATWOOT_WEBHOOK_SECRET },
      ready: /listening (http:\/\/\S+\/graphql)/,
    });
  }
  const snapshotArgs = flags.heapsnapshots ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${flags.heapsnapshots}`] : [];
  return startServerProcess('gateway', process.execPath, ['--max-semi-space-size=32', ...snapshotArgs, join(root, 'bin/chat-gateway.js'), '--config', configFile, '--port', '0'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', PORT: '', REDIS_URL: '' },
    ready: /listening on (http:\/\/\S+\/graphql)/,
  });
}

/** A request before the channel numbers it (`Omit` over each member of the union). */
type ClientRequest = LiveClientRequest extends infer Request ? (Request extends unknown ? Omit<Request, 'seq'> : never) : never;

/** A client process and a request/answer channel to it. */
interface ClientProcess {
  child: ChildProcess;
  call<T>(request: ClientRequest): Promise<T>;
}

async function startClient(): Promise<ClientProcess> {
  const { child } = await forkWithReady<{ ready: true }>(fileURLToPath(new URL('./lib/live-bench-clients.ts', import.meta.url)));
  const waiting = new Map<number, (reply: any) => void>();
  child.on('message', (message: { seq?: number }) => {
    if (message.seq === undefined) return;
    waiting.get(message.seq)?.(message);
    waiting.delete(message.seq);
  });
  let seq = 0;
  return {
    child,
    call: <T>(request: ClientRequest) =>
      new Promise<T>((resolve) => {
        seq += 1;
        waiting.set(seq, resolve);
        child.send({ ...request, seq });
      }),
  };
}

/** With --heapsnapshots, has the gateway write a heap snapshot (SIGUSR2) and waits for it to finish. */
async function heapSnapshot(pid: number, when: string): Promise<void> {
  if (!flags.heapsnapshots) return;
  const count = () => readdirSync(flags.heapsnapshots!).filter((name) => name.endsWith('.heapsnapshot')).length;
  const before = count();
  process.kill(pid, 'SIGUSR2');
  // Node writes the file while the process is blocked; a second later it answers again.
  while (count() === before) await wait(500);
  await wait(2_000);
  step(`heap snapshot ${when} written to ${flags.heapsnapshots}`);
}

let nextMessageId = 8_000_000;
/** Posts one signed `message_created` webhook; resolves with the POST's start (epoch ms) and status. */
async function postWebhook(url: string, displayId: number, externalId: number): Promise<{ sentAt: number; status: number }> {
  const { body } = messageCreated(displayId, { id: externalId, content: `bench message ${externalId}` });
  const headers = signWebhook(body);
  const sentAt = now();
  const response = await fetch(url.replace(/\/graphql$/, '/webhooks/support'), { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
  await response.arrayBuffer();
  return { sentAt, status: response.status };
}

/** The Chatwoot conversation every subscriber watches: its gateway global ID and display id. */
async function pickConversation(url: string): Promise<{ id: string; displayId: number }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chat-user': 'agent-0', 'x-chat-roles': 'agent' },
    body: JSON.stringify({ query: `{ source(name: "support") { conversations(first: 1) { edges { node { id externalId } } } } }` }),
    signal: AbortSignal.timeout(30_000),
  });
  const node = ((await response.json()) as any).data.source.conversations.edges[0].node;
  return { id: node.id, displayId: Number(node.externalId) };
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
const merge = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
};

/** Figures of one run. */
interface RunFigures {
  openS: number;
  liveS: number;
  opened: number;
  /** Subscribers that received a first event. */
  live: number;
  failures: Record<string, number>;
  rssIdleMB: number;
  rssWithMB: number;
  kbPerSubscription: number;
  idleCpuPercent: number;
  p50: number;
  p99: number;
  max: number;
  delivered: number;
  expected: number;
  duplicates: number;
  outOfOrder: number;
  ended: Record<string, number>;
  callsSubscribing: number;
  callsWebhooks: number;
  webhookStatuses: Record<string, number>;
  /** CPU while the webhooks fanned out, % of one core: the server's and each client process's. */
  webhookCpu: { server: number; clients: number[] };
}

async function run(target: 'gateway' | 'bare', n: number, mode: 'sse' | 'ws' | 'mixed'): Promise<RunFigures> {
  step(`${target}, N = ${n}, ${mode}: starting`);
  const server = await startTarget(target);
  const clients = await Promise.all(Array.from({ length: clientCount }, startClient));
  try {
    // The bare server keys subscriptions by the webhook's display id; it has no upstream to ask.
    const conversation = target === 'gateway' ? await pickConversation(server.url) : { id: '1', displayId: 1 };
    await wait(1_000);
    const rssIdleMB = sampleProcess(server.pid).rssMB;
    if (target === 'gateway') await heapSnapshot(server.pid, 'idle');

    const callsBefore = await upstreamCalls();
    const shares: SubscriberSpec[][] = clients.map(() => []);
    for (let index = 0; index < n; index++) {
      const transport = mode === 'mixed' ? (index % 2 === 0 ? 'sse' : 'ws') : mode;
      shares[index % clients.length]!.push({ viewer: `agent-${index}`, transport });
    }
    step(`${target}, N = ${n}, ${mode}: opening`);
    const started = now();
    const openResults = await Promise.all(
      clients.map((client, index) =>
        client.call<OpenResult>({ type: 'open', url: server.url, query: MESSAGE_ADDED, variables: { id: conversation.id }, subscribers: shares[index]!, concurrency, timeoutMs: 60_000 }),
      ),
    );
    const opened = openResults.reduce((sum, result) => sum + result.opened, 0);
    const failures: Record<string, number> = {};
    for (const result of openResults) merge(failures, result.failures);
    const openS = (Math.max(started, ...openResults.map((result) => result.lastOpenedAt)) - started) / 1000;

    // Live: probe webhooks until every opened subscriber received one.
    step(`${target}, N = ${n}, ${mode}: ${opened} open in ${openS.toFixed(1)} s; probing until all are live`);
    const webhookStatuses: Record<string, number> = {};
    let lastLiveAt = started;
    let live = 0;
    for (;;) {
      const probe = await postWebhook(server.url, conversation.displayId, nextMessageId++);
      merge(webhookStatuses, { [`probe ${probe.status}`]: 1 });
      await wait(500);
      const states = await Promise.all(clients.map((client) => client.call<{ live: number; lastLiveAt: number }>({ type: 'live' })));
      live = states.reduce((sum, state) => sum + state.live, 0);
      lastLiveAt = Math.max(lastLiveAt, ...states.map((state) => state.lastLiveAt));
      if (live >= opened || now() - started > OPEN_TIMEOUT_MS) break;
    }
    const liveS = live >= opened ? (lastLiveAt - started) / 1000 : Number.NaN;
    // Let the probes' fan-out finish before measuring idle figures.
    await wait(2_000);
    const callsSubscribing = (await upstreamCalls()) - callsBefore;
    const rssWithMB = sampleProcess(server.pid).rssMB;
    if (target === 'gateway') await heapSnapshot(server.pid, 'with subscribers');
    const cpuFrom = sampleProcess(server.pid).cpuMs;
    await wait(5_000);
    const idleCpuPercent = ((sampleProcess(server.pid).cpuMs - cpuFrom) / 5_000) * 100;

    step(`${target}, N = ${n}, ${mode}: ${webhookCount} webhooks`);
    const callsBeforeWebhooks = await upstreamCalls();
    // CPU of the server and of the client processes over the webhooks: clients near a full core
    // each would mean the clients, not the server, set the fan-out figures.
    const cpuOf = () => [server.pid, ...clients.map((client) => client.child.pid!)].map((pid) => sampleProcess(pid).cpuMs);
    const cpuBefore = cpuOf();
    const webhooksStarted = now();
    const posted: Array<{ externalId: string; sentAt: number }> = [];
    for (let index = 0; index < webhookCount; index++) {
      const externalId = nextMessageId++;
      await Promise.all(clients.map((client) => client.call({ type: 'expect', externalId: String(externalId) })));
      const { sentAt, status } = await postWebhook(server.url, conversation.displayId, externalId);
      merge(webhookStatuses, { [String(status)]: 1 });
      posted.push({ externalId: String(externalId), sentAt });
      const deadline = now() + FAN_OUT_TIMEOUT_MS;
      while (now() < deadline) {
        const counts = await Promise.all(clients.map((client) => client.call<{ count: number }>({ type: 'received', externalId: String(externalId) })));
        if (counts.reduce((sum, reply) => sum + reply.count, 0) >= opened) break;
        await wait(50);
      }
      await wait(200);
    }
    const cpuAfter = cpuOf();
    const webhookSeconds = (now() - webhooksStarted) / 1000;
    const cpuPercent = (index: number) => (cpuAfter[index]! - cpuBefore[index]!) / 10 / webhookSeconds;
    const webhookCpu = { server: cpuPercent(0), clients: clients.map((_, index) => cpuPercent(index + 1)) };
    await wait(1_000);
    const callsWebhooks = (await upstreamCalls()) - callsBeforeWebhooks;
    const reports = await Promise.all(clients.map((client) => client.call<LiveClientReport>({ type: 'report', externalIds: posted.map((item) => item.externalId) })));
    const latencies: number[] = [];
    let delivered = 0;
    const ended: Record<string, number> = {};
    for (const report of reports) {
      merge(ended, report.ended);
      for (const { externalId, sentAt } of posted) {
        for (const at of report.receipts[externalId] ?? []) latencies.push(at - sentAt);
        delivered += report.receipts[externalId]?.length ?? 0;
      }
    }
    latencies.sort((a, b) => a - b);
    return {
      openS,
      liveS,
      opened,
      live,
      failures,
      rssIdleMB,
      rssWithMB,
      kbPerSubscription: opened > 0 ? ((rssWithMB - rssIdleMB) * 1024) / opened : Number.NaN,
      idleCpuPercent,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      delivered,
      expected: n * webhookCount,
      duplicates: reports.reduce((sum, report) => sum + report.duplicates, 0),
      outOfOrder: reports.reduce((sum, report) => sum + report.outOfOrder, 0),
      ended,
      callsSubscribing,
      callsWebhooks,
      webhookStatuses,
      webhookCpu,
    };
  } finally {
    // The server closes first, so that TIME_WAIT lands on its side, not on the clients' ports.
    await server.stop();
    await Promise.all(clients.map(async (client) => (await Promise.race([client.call({ type: 'close' }), wait(10_000)]), await stopChild(client.child))));
  }
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const json = (table: Record<string, number>) => (Object.keys(table).length ? JSON.stringify(table) : 'none');

function rows(figures: RunFigures): Array<[string, string]> {
  return [
    ['opened / N', `${figures.opened}${Object.keys(figures.failures).length ? ` (failed: ${json(figures.failures)})` : ''}`],
    ['time to open all (answered)', `${fixed(figures.openS, 1)} s`],
    ['time until all live (first event)', figures.live >= figures.opened ? `${fixed(figures.liveS, 1)} s` : `only ${figures.live} live after ${OPEN_TIMEOUT_MS / 1000} s`],
    ['RSS idle → with subscribers', `${fixed(figures.rssIdleMB)} → ${fixed(figures.rssWithMB)} MB`],
    ['KB per subscription', fixed(figures.kbPerSubscription, 1)],
    ['idle CPU with subscribers (5 s)', `${fixed(figures.idleCpuPercent, 1)} % of a core`],
    ['fan-out p50 / p99 / max', `${fixed(figures.p50)} / ${fixed(figures.p99)} / ${fixed(figures.max)} ms`],
    ['delivered / expected', `${figures.delivered} / ${figures.expected} (${fixed((100 * figures.delivered) / figures.expected, 1)} %)`],
    ['duplicates, out of order', `${figures.duplicates}, ${figures.outOfOrder}`],
    ['streams ended early', json(figures.ended)],
    ['upstream calls: subscribing, webhooks', `${figures.callsSubscribing}, ${figures.callsWebhooks}`],
    ['webhook answers', json(figures.webhookStatuses)],
    ['CPU during webhooks: server; clients', `${fixed(figures.webhookCpu.server)} %; ${figures.webhookCpu.clients.map((cpu) => `${fixed(cpu)} %`).join(', ')}`],
  ];
}

const tables: string[] = [];
try {
  for (const n of sizes) {
    for (const mode of modes) {
      const results: Array<[string, RunFigures]> = [];
      for (const target of targets) results.push([target === 'gateway' ? 'this gateway' : 'bare yoga + graphql-ws', await run(target, n, mode)]);
      const columns = results.map(([name, figures]) => [name, ...rows(figures).map(([, value]) => value)]);
      const labels = [`N = ${n.toLocaleString('en')} (${mode}), ${webhookCount} webhooks`, ...rows(results[0]![1]).map(([label]) => label)];
      const lines = labels.map((label, row) => `| ${[label, ...columns.map((column) => column[row])].join(' | ')} |`);
      lines.splice(1, 0, `| ${['---', ...columns.map(() => '---')].join(' | ')} |`);
      tables.push(lines.join('\n'));
      process.stdout.write(`\n${tables.at(-1)}\n`);
    }
  }
} finally {
  upstream.disconnect();
  await rm(configDir, { recursive: true, force: true });
}
process.stdout.write(`\nbench:live on ${process.platform}, node ${process.version}, ${clientCount} client processes, open concurrency ${concurrency} per client process\n`);
process.exit(0);
