/**
 * One poller per polled feed across the fleet, with real processes: up to three gateway
 * processes (the built CLI from dist/) on one real redis-server and the Dify simulator, a
 * `messageAdded` subscriber over SSE and one over graphql-ws on every replica, all watching one
 * Dify conversation as one viewer.
 *
 * - Upstream polls per interval stay the same as replicas go 1 → 2 → 3 (only the lease holder
 *   polls; the others listen to its results through Redis).
 * - A leader frozen (SIGSTOP) past its lease loses it: another replica takes over, and the old
 *   one, thawed, publishes nothing twice.
 * - A leader killed (SIGKILL): another takes over within one lease time, and every subscriber
 *   on the surviving replicas receives each message — the one sent during the handover
 *   included — exactly once and in order.
 * - A leader stopped (SIGTERM) gives its lease back: the last replica takes over sooner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoBackends, type DemoBackends } from '../../src/demo/demo.js';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../helpers/gateway-process.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { graphql, subscribeSse, viewerHeaders, wsClient } from './helpers.js';

const INTERVAL_MS = 250;
const LEASE_MS = 2_000;
const RENEW_MS = 400;
const METRICS_TOKEN = 'fleet-poller-metrics-token';
const VIEWER = viewerHeaders('demo-user');
const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { externalId role text } }`;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Subscriber {
  name: string;
  replica: Replica;
  /** `ROLE text` of each message received, in order. */
  received: string[];
  errors: unknown[];
}

interface Replica {
  name: string;
  process: GatewayProcess;
  subscribers: Subscriber[];
  closers: Array<() => void>;
}

let redis: TestRedis;
let backends: DemoBackends;
let configFile: string;
let conversation: { id: string; externalId: string };
const replicas: Replica[] = [];

async function startReplica(name: string): Promise<Replica> {
  const process = await startGatewayProcess(configFile, { LOG_LEVEL: 'info' }, { dist: true });
  const replica: Replica = { name, process, subscribers: [], closers: [] };
  replicas.push(replica);
  return replica;
}

/** One SSE and one graphql-ws subscriber on `replica`, answered (the ownership check passed). */
async function subscribe(replica: Replica) {
  const sse = await subscribeSse(replica.process.url, MESSAGE_ADDED, { id: conversation.id }, VIEWER);
  expect(sse.status).toBe(200);
  const ws = wsClient(replica.process.url, { headers: VIEWER });
  const operation = ws.subscribe(MESSAGE_ADDED, { id: conversation.id });
  replica.closers.push(sse.close, () => void ws.client.dispose());
  for (const [kind, queue] of [['sse', sse.queue], ['ws', operation.queue]] as const) {
    const subscriber: Subscriber = { name: `${replica.name}/${kind}`, replica, received: [], errors: [] };
    replica.subscribers.push(subscriber);
    void (async () => {
      for (;;) {
        const result = await queue.next(600_000).catch(() => undefined);
        if (result === undefined) return;
        if (result.errors || result.transportError) subscriber.errors.push(result.errors ?? result.transportError);
        else subscriber.received.push(`${result.data.messageAdded.role} ${result.data.messageAdded.text}`);
      }
    })();
  }
}

/** The feeds a replica polls now (the fleet-wide lease it holds), from its /metrics. */
async function leading(replica: Replica): Promise<number> {
  const response = await fetch(`${replica.process.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await response.text();
  const match = /^chat_gateway_live_pollers_leading\{[^}]*source="assistant"[^}]*\} (\d+)$/m.exec(text);
  return match ? Number(match[1]) : -1;
}

/** Waits until exactly one of `among` holds the lease, and returns it. */
async function leaderAmong(among: Replica[], timeoutMs = LEASE_MS * 3): Promise<Replica> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await Promise.all(among.map((replica) => leading(replica)));
    if (counts.filter((count) => count === 1).length === 1 && counts.every((count) => count <= 1)) {
      return among[counts.indexOf(1)]!;
    }
    if (Date.now() > deadline) throw new Error(`no single leader among ${among.map((r) => r.name)}: ${counts}`);
    await wait(50);
  }
}

/** `GET /v1/messages` calls the Dify simulator answered during `ms`. */
async function pollsDuring(ms: number): Promise<number> {
  const before = backends.simulators.assistant.calls('GET', '/v1/messages');
  await wait(ms);
  return backends.simulators.assistant.calls('GET', '/v1/messages') - before;
}

/** A blocking send straight to the Dify simulator, as another client of the app would. */
async function sendToDify(query: string): Promise<string[]> {
  const { baseUrl, apiKey } = backends.simulators.assistant.sourceConfig as { baseUrl: string; apiKey: string };
  const response = await fetch(`${baseUrl}/chat-messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: {}, query, user: 'demo-user', response_mode: 'blocking', conversation_id: conversation.externalId }),
  });
  expect(response.status).toBe(200);
  const { answer } = (await response.json()) as { answer: string };
  return [`USER ${query}`, `ASSISTANT ${answer}`];
}

/** Waits until every subscriber of `among` received at least `count` messages. */
async function receivedBy(among: Replica[], count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const subscribers = among.flatMap((replica) => replica.subscribers);
  while (subscribers.some((subscriber) => subscriber.received.length < count)) {
    if (Date.now() > deadline) {
      throw new Error(`not delivered within ${timeoutMs} ms: ${subscribers.map((s) => `${s.name}=${s.received.length}`).join(' ')}`);
    }
    await wait(20);
  }
}

beforeAll(async () => {
  redis = await startRedis();
  backends = await startDemoBackends({ chatwootReplyDelayMs: null });
  const dify = backends.config.sources.find((source) => source.kind === 'dify')!;
  configFile = writeConfig({
    server: { host: '127.0.0.1', shutdownDelayMs: 0, metricsToken: METRICS_TOKEN },
    auth: { mode: 'header' },
    redis: { url: redis.url, commandTimeoutMs: 500, pollLeaseMs: LEASE_MS, pollRenewMs: RENEW_MS },
    sources: [{ ...dify, pollIntervalMs: INTERVAL_MS }],
  });
  const first = await startReplica('a');
  const list = await graphql(first.process.url, `{ source(name: "assistant") { conversations(first: 1) { edges { node { id externalId } } } } }`, {}, VIEWER);
  conversation = list.data.source.conversations.edges[0].node;
}, 60_000);

afterAll(async () => {
  for (const replica of replicas) for (const close of replica.closers) close();
  for (const replica of replicas) replica.process.child.kill('SIGCONT');
  await Promise.all(replicas.map((replica) => replica.process.stop()));
  await backends?.close();
  await redis?.stop();
});

describe('one Dify poller across three gateway processes on one Redis', () => {
  it('polls the upstream as often with 2 and 3 replicas as with 1', async () => {
    const [a] = replicas as [Replica];
    await subscribe(a);
    await leaderAmong([a]);
    await wait(2 * INTERVAL_MS);
    const window = 12 * INTERVAL_MS;
    const one = await pollsDuring(window);

    const b = await startReplica('b');
    await subscribe(b);
    await wait(2 * INTERVAL_MS);
    const two = await pollsDuring(window);

    const c = await startReplica('c');
    await subscribe(c);
    await wait(2 * INTERVAL_MS);
    const three = await pollsDuring(window);

    console.info(`GET /v1/messages per ${window} ms: 1 replica ${one}, 2 replicas ${two}, 3 replicas ${three}`);
    expect(one).toBeGreaterThanOrEqual(6);
    // One poller for the fleet: the same count ± scheduling jitter, not 2× and 3×.
    expect(two).toBeLessThanOrEqual(Math.ceil(one * 1.25) + 1);
    expect(three).toBeLessThanOrEqual(Math.ceil(one * 1.25) + 1);
    await leaderAmong([a, b, c]);
  }, 90_000);

  it('a frozen leader loses its lease and, thawed, publishes nothing twice; a killed one is replaced within one lease time, a stopped one sooner', async () => {
    const expected: string[] = [];
    expected.push(...(await sendToDify('Before anything happens')));
    await receivedBy(replicas, expected.length, 10_000);

    // Frozen past its lease: another replica takes over and delivers what arrives meanwhile.
    const frozen = await leaderAmong(replicas);
    const others = replicas.filter((replica) => replica !== frozen);
    frozen.process.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    expected.push(...(await sendToDify('While the leader is frozen')));
    const successor = await leaderAmong(others);
    const frozenTakeover = Date.now() - frozenAt;
    await receivedBy(others, expected.length, LEASE_MS + 5_000);
    frozen.process.child.kill('SIGCONT');
    // The thawed replica's subscribers get what the successor published, once; it leads nothing.
    await receivedBy(replicas, expected.length, 10_000);
    await wait(4 * INTERVAL_MS);
    expect(await leaderAmong(replicas)).toBe(successor);

    // Killed: a survivor takes over within one lease time, and nothing is missed or repeated.
    const killed = successor;
    const survivors = replicas.filter((replica) => replica !== killed);
    killed.process.child.kill('SIGKILL');
    const killedAt = Date.now();
    expected.push(...(await sendToDify('During the handover')));
    await leaderAmong(survivors);
    const killTakeover = Date.now() - killedAt;
    await receivedBy(survivors, expected.length, LEASE_MS + 5_000);
    expected.push(...(await sendToDify('After the handover')));
    await receivedBy(survivors, expected.length, 10_000);
    await wait(4 * INTERVAL_MS);

    console.info(`takeover after SIGSTOP ${frozenTakeover} ms, after SIGKILL ${killTakeover} ms (lease ${LEASE_MS} ms)`);
    expect(killTakeover).toBeLessThanOrEqual(LEASE_MS + 500);
    for (const subscriber of survivors.flatMap((replica) => replica.subscribers)) {
      expect({ subscriber: subscriber.name, errors: subscriber.errors }).toEqual({ subscriber: subscriber.name, errors: [] });
      expect({ subscriber: subscriber.name, received: subscriber.received }).toEqual({ subscriber: subscriber.name, received: expected });
    }

    // Stopped (SIGTERM, a rolling deploy): it gives its lease back, the last replica takes over
    // at its next try instead of after a whole lease time.
    const stopped = await leaderAmong(survivors);
    const last = survivors.filter((replica) => replica !== stopped);
    const stoppedAt = Date.now();
    await stopped.process.stop();
    await leaderAmong(last);
    const stopTakeover = Date.now() - stoppedAt;
    expected.push(...(await sendToDify('After a rolling restart')));
    await receivedBy(last, expected.length, 10_000);
    await wait(4 * INTERVAL_MS);
    console.info(`takeover after SIGTERM ${stopTakeover} ms`);
    expect(stopTakeover).toBeLessThan(LEASE_MS);
    for (const subscriber of last.flatMap((replica) => replica.subscribers)) expect(subscriber.received).toEqual(expected);
  }, 90_000);
});
