/**
 * Live-update soak with injected faults: two gateway replicas (the built CLI, `dist/`, config
 * mode) on one real Redis, the simulators in their own process, and a few hundred subscribers
 * (SSE and graphql-ws) of whom some read, some stop reading, some reconnect in a loop and some
 * send garbage; signed Chatwoot webhooks, `sendMessage` with idempotency keys (the same key sent
 * to both replicas at once) and streamed `assistantReply` throughout. Redis is paused
 * (SIGSTOP/SIGCONT) once and killed and restarted once. Loopback only; stops by itself.
 *
 *   npm run soak:live                    # 300 s
 *   npm run soak:live -- --seconds 60
 *
 * Prints: replica exits (must be 0), acknowledged webhooks a reading subscriber did not get (0),
 * idempotency keys sent upstream more than once (0), each replica's RSS at start and end, and
 * how streams ended. A reading subscriber owes a webhook when it asked for its stream 2 s before
 * the webhook was sent and the stream was still open 3 s after the webhook was acknowledged.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createParser } from 'eventsource-parser';
import WebSocket from 'ws';
import { DEMO_CHATWOOT_WEBHOOK_SECRET } from '../src/demo/demo.js';
import { startRedis, type TestRedis } from '../test/helpers/redis-server.js';
import { messageCreated, signWebhook } from '../test/live/helpers.js';
import type { LiveUpstreamReady } from './lib/live-upstream-process.js';
import { ask, forkWithReady, sampleProcess } from './lib/peer-processes.js';

const { values: flags } = parseArgs({ options: { seconds: { type: 'string', default: '300' } } });
const seconds = Math.min(3_600, Math.max(20, Number(flags.seconds) || 300));
const root = fileURLToPath(new URL('..', import.meta.url));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const count = (tally: Record<string, number>, key: string) => void (tally[key] = (tally[key] ?? 0) + 1);

const soakUnhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => soakUnhandled.push(reason));

// --- upstreams, Redis, replicas -------------------------------------------------------------

const step = (what: string) => process.stderr.write(`soak:live: ${what}\n`);
step('building dist/ if stale');
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
step('starting Redis and the simulators');
let redis: TestRedis = await startRedis();
const { child: upstream, ready } = await forkWithReady<LiveUpstreamReady>(fileURLToPath(new URL('./lib/live-upstream-process.ts', import.meta.url)));
const configFile = join(mkdtempSync(join(tmpdir(), 'soak-live-')), 'gateway.json');
writeFileSync(
  configFile,
  JSON.stringify({
    server: { host: '127.0.0.1', shutdownDelayMs: 0, cursorSecret: randomBytes(24).toString('hex') },
    auth: { mode: 'header' },
    sources: ready.config.sources.map((source) => (source.kind === 'chatwoot' ? { ...source, webhookSecret: DEMO_CHATWOOT_WEBHOOK_SECRET } : source)),
    redis: { url: redis.url, commandTimeoutMs: 500 },
  }),
);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Replica {
  name: string;
  url: string;
  child: ChildProcess;
  rssStartMB: number;
  exits: Array<number | string | null>;
  logLevels: Record<string, number>;
  errorLines: string[];
}

let stopping = false;
async function startReplica(replica: Omit<Replica, 'child' | 'rssStartMB'> & { port: number }): Promise<Replica> {
  const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), '--config', configFile, '--port', String(replica.port)], {
    cwd: root,
    env: { ...process.env, PORT: '', LOG_LEVEL: 'info', NODE_ENV: 'production', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = replica as Replica & { port: number };
  started.child = child;
  let pending = '';
  let listening: () => void;
  let failed: (error: Error) => void;
  let up = false;
  const isListening = new Promise<void>((resolve, reject) => ((listening = () => ((up = true), resolve())), (failed = reject)));
  const onLine = (line: string) => {
    if (line.includes('listening on')) listening();
    const level = /"level":(\d+)/.exec(line)?.[1];
    if (level) count(started.logLevels, level);
    if (Number(level) >= 50 && started.errorLines.length < 5) started.errorLines.push(line.slice(0, 300));
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) onLine(line);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    if (started.errorLines.length < 5) started.errorLines.push(`stderr: ${chunk.slice(0, 300)}`);
  });
  child.once('exit', (code, signal) => {
    if (!up) return failed(new Error(`replica ${started.name} exited (${code ?? signal}) before listening: ${started.errorLines.join(' | ')}`));
    if (stopping) return;
    started.exits.push(code ?? signal);
    void startReplica(started); // keep the soak going; the exit is reported
  });
  await isListening;
  started.rssStartMB ??= sampleProcess(child.pid!).rssMB;
  return started;
}

step('starting two replicas');
const replicas: Replica[] = [];
for (const name of ['a', 'b']) {
  const port = await freePort();
  replicas.push(await startReplica({ name, port, url: `http://127.0.0.1:${port}`, exits: [], logLevels: {}, errorLines: [] }));
}
const anyReplica = () => pick(replicas).url;

async function graphql(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  return (await response.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
}

const agent = (id: string) => ({ 'x-chat-user': id, 'x-chat-roles': 'agent' });
const listed = await graphql(replicas[0]!.url, `{ source(name: "support") { conversations(first: 4) { edges { node { id externalId } } } } }`, {}, agent('soak-lister'));
const conversations: Array<{ id: string; externalId: string }> = listed.data.source.conversations.edges.map((edge: any) => edge.node);
const difyList = await graphql(replicas[0]!.url, `{ source(name: "assistant") { conversations(first: 1) { edges { node { id } } } } }`, {}, { 'x-chat-user': 'demo-user' });
const difyConversation: string = difyList.data.source.conversations.edges[0].node.id;

const started = Date.now();
const deadline = started + seconds * 1_000;
const running = () => Date.now() < deadline && !stopping;
const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { externalId } }`;

// --- reading subscribers ---------------------------------------------------------------------

interface Reader {
  conversation: number;
  /** [subscribed at, ended at] per stream this reader held. */
  intervals: Array<[number, number | undefined]>;
  received: Set<string>;
}
const readers: Reader[] = [];
const endings: Record<string, number> = {};

function sseStream(url: string, query: string, variables: unknown, headers: Record<string, string>, onData: (data: any) => void, signal: AbortSignal) {
  return (async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
      body: JSON.stringify({ query, variables }),
      signal,
    });
    const parser = createParser({ onEvent: (event) => event.data && onData(JSON.parse(event.data)) });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
  })();
}

/** One SSE reader: subscribes, reads, and subscribes again whenever its stream ends. */
async function sseReader(reader: Reader, viewer: string) {
  while (running()) {
    const interval: [number, number | undefined] = [Date.now(), undefined];
    reader.intervals.push(interval);
    const abort = new AbortController();
    const stop = setTimeout(() => abort.abort(), Math.max(0, deadline - Date.now()));
    let code = 'complete';
    try {
      await sseStream(anyReplica(), MESSAGE_ADDED, { id: conversations[reader.conversation]!.id }, agent(viewer), (data) => {
        if (data.errors) code = data.errors[0]?.extensions?.code ?? 'error';
        else reader.received.add(data.data.messageAdded.externalId);
      }, abort.signal);
    } catch {
      code = abort.signal.aborted ? 'soak end' : 'connection lost';
    }
    clearTimeout(stop);
    interval[1] = Date.now();
    count(endings, `sse ${code}`);
    if (running()) await wait(500 + Math.random() * 500);
  }
}

/** One graphql-ws socket carrying `group` readers' subscriptions; reconnects when it closes. */
async function wsReaders(group: Reader[], viewer: string) {
  while (running()) {
    const socket = new WebSocket(`${anyReplica().replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers: agent(viewer) });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => undefined);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    const opened = new Map<string, [number, number | undefined]>();
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw));
      if (message.type === 'connection_ack') {
        group.forEach((reader, index) => {
          const interval: [number, number | undefined] = [Date.now(), undefined];
          reader.intervals.push(interval);
          opened.set(String(index), interval);
          socket.send(JSON.stringify({ id: String(index), type: 'subscribe', payload: { query: MESSAGE_ADDED, variables: { id: conversations[reader.conversation]!.id } } }));
        });
      } else if (message.type === 'next') {
        const reader = group[Number(message.id)]!;
        if (message.payload.errors) {
          count(endings, `ws ${message.payload.errors[0]?.extensions?.code ?? 'error'}`);
          opened.get(message.id)![1] = Date.now();
        } else reader.received.add(message.payload.data.messageAdded.externalId);
      } else if (message.type === 'error' || message.type === 'complete') {
        const interval = opened.get(message.id);
        if (interval && interval[1] === undefined) interval[1] = Date.now();
        // Resubscribe that one operation after a pause, on the same socket.
        setTimeout(() => {
          if (!running() || socket.readyState !== WebSocket.OPEN) return;
          const again: [number, number | undefined] = [Date.now(), undefined];
          group[Number(message.id)]!.intervals.push(again);
          opened.set(message.id, again);
          socket.send(JSON.stringify({ id: message.id, type: 'subscribe', payload: { query: MESSAGE_ADDED, variables: { id: conversations[group[Number(message.id)]!.conversation]!.id } } }));
        }, 500);
      }
    });
    const stop = setTimeout(() => socket.close(1000), Math.max(0, deadline - Date.now()));
    const code = await closed;
    clearTimeout(stop);
    for (const interval of opened.values()) interval[1] ??= Date.now();
    count(endings, `ws socket closed ${code}`);
    if (running()) await wait(500 + Math.random() * 500);
  }
}

// --- misbehaving clients -----------------------------------------------------------------------

const tallies = { stalledOpened: 0, stalledClosedByServer: 0, reconnectCycles: 0, garbageSent: 0 };

/** A subscriber that stops reading: opens a stream, pauses its socket, waits to be cut off. */
async function stalledSubscriber(index: number) {
  while (running()) {
    const url = new URL(anyReplica());
    tallies.stalledOpened += 1;
    if (index % 2 === 0) {
      const socket: Socket = connect(Number(url.port), '127.0.0.1');
      socket.on('error', () => undefined);
      const body = JSON.stringify({ query: MESSAGE_ADDED, variables: { id: conversations[index % conversations.length]!.id } });
      socket.write(
        `POST /graphql HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\naccept: text/event-stream\r\n` +
          `x-chat-user: soak-stalled-${index}\r\nx-chat-roles: agent\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      socket.once('data', () => socket.pause());
      await Promise.race([new Promise((resolve) => socket.once('close', resolve)), wait(Math.max(0, deadline - Date.now()))]);
      if (socket.destroyed && running()) tallies.stalledClosedByServer += 1;
      socket.destroy();
    } else {
      const socket = new WebSocket(`${url.origin.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers: agent(`soak-stalled-${index}`) });
      socket.on('error', () => undefined);
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
      socket.once('message', () => {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: MESSAGE_ADDED, variables: { id: conversations[index % conversations.length]!.id } } }));
        setTimeout(() => socket.pause(), 100);
      });
      const closed = new Promise((resolve) => socket.once('close', resolve));
      await Promise.race([closed, wait(Math.max(0, deadline - Date.now()))]);
      if (socket.readyState === WebSocket.CLOSED && running()) tallies.stalledClosedByServer += 1;
      socket.terminate();
    }
  }
}

/** Subscribes, leaves after 0.3–2 s, and does it again. */
async function reconnector(index: number) {
  while (running()) {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300 + Math.random() * 1_700);
    await sseStream(anyReplica(), MESSAGE_ADDED, { id: pick(conversations).id }, agent(`soak-reconnect-${index}`), () => undefined, abort.signal).catch(() => undefined);
    tallies.reconnectCycles += 1;
  }
}

const GARBAGE: Array<() => Promise<void>> = [
  async () => {
    const socket = new WebSocket(`${anyReplica().replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers: agent('soak-garbage') });
    socket.on('error', () => undefined);
    await new Promise((resolve) => (socket.once('open', resolve), socket.once('close', resolve)));
    if (socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: 'connection_init' }));
      await wait(50);
      const choice = Math.floor(Math.random() * 5);
      if (choice === 0) socket.send('{not json');
      else if (choice === 1) socket.send(JSON.stringify({ id: 'x', type: 'subscribe', payload: { query: 'subscription { messageAdded(' } }));
      else if (choice === 2) socket.send(JSON.stringify({ id: 'x', type: 'subscribe', payload: { query: `{ viewer { ${'id '.repeat(3000)} } }` } }));
      else if (choice === 3) socket.send(Buffer.alloc(2 * 1024 * 1024, 1));
      else socket.send(JSON.stringify({ id: 'x', type: 'subscribe', payload: { query: 'mutation { nope }' } }));
      await wait(200);
    }
    socket.terminate();
  },
  async () => {
    const response = await fetch(`${anyReplica()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...agent('soak-garbage') },
      body: '{"query": "subscription { messageAdded(conversationId: ',
      signal: AbortSignal.timeout(5_000),
    });
    await response.arrayBuffer();
  },
  async () => {
    const url = new URL(anyReplica());
    const socket = connect(Number(url.port), '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(Buffer.from(Array.from({ length: 512 }, () => Math.floor(Math.random() * 256))));
    await wait(100);
    socket.destroy();
  },
  async () => {
    const body = JSON.stringify({ event: 'message_created', id: 1 });
    const response = await fetch(`${anyReplica()}/webhooks/support`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chatwoot-signature': 'sha256=00', 'x-chatwoot-timestamp': String(Math.floor(Date.now() / 1000)) },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    await response.arrayBuffer();
  },
];

async function garbageSender() {
  while (running()) {
    await pick(GARBAGE)().catch(() => undefined);
    tallies.garbageSent += 1;
    await wait(150);
  }
}

// --- webhooks, sends, streamed replies ---------------------------------------------------------

interface Acked {
  conversation: number;
  id: string;
  sentAt: number;
  ackedAt: number;
}
const acked: Acked[] = [];
const webhookRefusals: Record<string, number> = {};
let nextMessageId = 5_000_000;

async function webhookSender() {
  while (running()) {
    const conversation = Math.floor(Math.random() * conversations.length);
    const id = nextMessageId++;
    const content = `soak message ${id} `.padEnd(id % 5 === 0 ? 20_000 : 1_000, '.');
    const { body } = messageCreated(Number(conversations[conversation]!.externalId), { content, id });
    const headers = signWebhook(body);
    const sentAt = Date.now();
    try {
      const response = await fetch(`${anyReplica()}/webhooks/support`, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.status === 200) acked.push({ conversation, id: String(id), sentAt, ackedAt: Date.now() });
      else count(webhookRefusals, String(response.status));
    } catch {
      count(webhookRefusals, 'no answer');
    }
    await wait(50);
  }
}

const sendOutcomes: Record<string, number> = {};
async function idempotentSender() {
  let key = 0;
  while (running()) {
    key += 1;
    const input = { conversationId: pick(conversations).id, text: `soak-send-${process.pid}-${key}`, idempotencyKey: `soak-${process.pid}-${key}` };
    await Promise.all(
      [0, 1, 0, 1].map(async (replica) => {
        try {
          const result = await graphql(replicas[replica]!.url, `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { messages { id } } }`, { input }, agent('soak-sender'));
          count(sendOutcomes, result.errors ? (result.errors[0]?.extensions?.code ?? 'error') : 'ok');
        } catch {
          count(sendOutcomes, 'no answer');
        }
      }),
    );
    await wait(1_000);
  }
}

const replyOutcomes: Record<string, number> = {};
async function replyStreamer() {
  while (running()) {
    const abort = new AbortController();
    const leaveEarly = Math.random() < 0.25;
    const timer = setTimeout(() => abort.abort(), leaveEarly ? 300 : 30_000);
    let outcome = 'ended without completion';
    await sseStream(
      anyReplica(),
      `subscription ($input: SendMessageInput!) { assistantReply(input: $input) { __typename } }`,
      { input: { conversationId: difyConversation, text: 'How do I merge two tickets?' } },
      { 'x-chat-user': 'demo-user' },
      (data) => {
        if (data.errors) outcome = data.errors[0]?.extensions?.code ?? 'error';
        else if (data.data.assistantReply.__typename === 'AssistantReplyCompleted') outcome = 'completed';
      },
      abort.signal,
    ).catch(() => (outcome = leaveEarly ? 'left early' : 'connection lost'));
    clearTimeout(timer);
    count(replyOutcomes, outcome);
    await wait(1_000);
  }
}

// --- Redis faults --------------------------------------------------------------------------------

const redisEvents: string[] = [];
async function redisFaults() {
  const since = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  await wait(seconds * 350);
  if (!running()) return;
  redisEvents.push(`${since()}: Redis paused (SIGSTOP) for 5 s`);
  redis.pause();
  await wait(5_000);
  redis.resume();
  await wait(seconds * 300 - 5_000);
  if (!running()) return;
  redisEvents.push(`${since()}: Redis killed (SIGKILL), restarted after 3 s`);
  process.kill(redis.pid, 'SIGKILL');
  await wait(3_000);
  redis = await startRedis(redis.port);
}

// --- run ------------------------------------------------------------------------------------------

const loops: Array<Promise<void>> = [];
const READERS_SSE = 120;
const WS_SOCKETS = 24;
const WS_PER_SOCKET = 5;
for (let index = 0; index < READERS_SSE; index++) {
  const reader: Reader = { conversation: index % conversations.length, intervals: [], received: new Set() };
  readers.push(reader);
  loops.push(sseReader(reader, `soak-sse-${index % 40}`));
}
for (let socket = 0; socket < WS_SOCKETS; socket++) {
  const group = Array.from({ length: WS_PER_SOCKET }, (_, index): Reader => ({ conversation: (socket + index) % conversations.length, intervals: [], received: new Set() }));
  readers.push(...group);
  loops.push(wsReaders(group, `soak-ws-${socket}`));
}
for (let index = 0; index < 20; index++) loops.push(stalledSubscriber(index));
for (let index = 0; index < 20; index++) loops.push(reconnector(index));
for (let index = 0; index < 3; index++) loops.push(garbageSender());
// Subscriptions settle (Redis SUBSCRIBE round trips) before the first webhook.
await wait(5_000);
loops.push(webhookSender(), webhookSender(), idempotentSender(), replyStreamer(), replyStreamer(), redisFaults());
process.stdout.write(
  `soak:live for ${seconds} s: ${readers.length} reading subscribers (${READERS_SSE} SSE, ${WS_SOCKETS * WS_PER_SOCKET} graphql-ws on ${WS_SOCKETS} sockets), ` +
    `20 that stop reading, 20 reconnecting, 3 garbage senders; replicas ${replicas.map((replica) => replica.url).join(', ')}\n`,
);
const progress = setInterval(() => process.stdout.write(`  ${((Date.now() - started) / 1000).toFixed(0)} s: ${acked.length} webhooks acknowledged\n`), 30_000);
await Promise.race([Promise.all(loops), wait(seconds * 1_000 + 40_000)]);
clearInterval(progress);
await wait(3_000);

// --- report ---------------------------------------------------------------------------------------

/** A stream is counted as listening this long after it was requested (Redis SUBSCRIBE is asynchronous). */
const SETTLE_MS = 2_000;
let owed = 0;
let missing = 0;
const missingExamples: string[] = [];
for (const reader of readers) {
  for (const webhook of acked) {
    if (webhook.conversation !== reader.conversation) continue;
    const covering = reader.intervals.some(([from, to]) => from + SETTLE_MS <= webhook.sentAt && (to === undefined || webhook.ackedAt + 3_000 <= to));
    if (!covering) continue;
    owed += 1;
    if (!reader.received.has(webhook.id)) {
      missing += 1;
      if (missingExamples.length < 5) missingExamples.push(`message ${webhook.id} acked at ${((webhook.ackedAt - started) / 1000).toFixed(1)} s`);
    }
  }
}
const sends = await ask<Record<string, number>>(upstream, 'sends');
const duplicateKeys = Object.values(sends).filter((times) => times > 1).length;
stopping = true;
const rss = replicas.map((replica) => {
  let end = Number.NaN;
  try {
    end = sampleProcess(replica.child.pid!).rssMB;
  } catch {
    // exited
  }
  return `${replica.name}: ${replica.rssStartMB.toFixed(0)} MB → ${end.toFixed(0)} MB`;
});
const lines = [
  `soak:live ${seconds} s`,
  `replica exits (crashes/restarts): ${replicas.reduce((sum, replica) => sum + replica.exits.length, 0)} ${JSON.stringify(Object.fromEntries(replicas.map((r) => [r.name, r.exits])))}`,
  `acknowledged webhooks not delivered to a reading subscriber: ${missing} of ${owed} owed deliveries (${acked.length} webhooks acknowledged; refused: ${JSON.stringify(webhookRefusals)})${missingExamples.length ? ` e.g. ${missingExamples.join('; ')}` : ''}`,
  `idempotency keys sent upstream more than once: ${duplicateKeys} of ${Object.keys(sends).length} keys (sendMessage outcomes: ${JSON.stringify(sendOutcomes)})`,
  `RSS: ${rss.join(', ')}`,
  `redis: ${redisEvents.join('; ') || 'no fault injected (run too short)'}`,
  `streams ended: ${JSON.stringify(endings)}`,
  `assistantReply: ${JSON.stringify(replyOutcomes)}`,
  `misbehaving clients: ${JSON.stringify(tallies)}`,
  `replica log lines by level: ${replicas.map((replica) => `${replica.name} ${JSON.stringify(replica.logLevels)}`).join(', ')}`,
  ...replicas.flatMap((replica) => replica.errorLines.map((line) => `  ${replica.name} error line: ${line}`)),
  `soak process unhandled rejections: ${soakUnhandled.length}`,
];
process.stdout.write(`\n${lines.join('\n')}\n`);

for (const replica of replicas) replica.child.kill('SIGTERM');
await Promise.race([Promise.all(replicas.map((replica) => new Promise((resolve) => (replica.child.exitCode !== null ? resolve(null) : replica.child.once('exit', resolve))))), wait(15_000)]);
upstream.disconnect();
await redis.stop();
process.exit(0);
