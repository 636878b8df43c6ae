/**
 * Shutdown under load, on the real CLI process (DESIGN §9): requests racing SIGTERM are all
 * answered (none reset), `/ready` turns 503 at once while requests are still served for
 * `server.shutdownDelayMs`, a repeated SIGTERM (what `npm start` and process groups deliver)
 * does not kill the drain, and SIGTERM to `npm start` stops the gateway instead of orphaning it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { startDifySimulator, type DifySimulator } from '../../src/demo/simulators/dify/server.js';
import { bin, root, spawnGateway, writeTempFile } from './cli-process.js';

const UPSTREAM_LATENCY_MS = 300;
/** How long the first readiness probes take in the start-up test: its window for a SIGTERM. */
const STARTUP_PROBE_LATENCY_MS = 1_500;
const QUERY = '{ source(name: "assistant") { conversations(first: 2) { edges { node { id title } } } } }';

let dify: DifySimulator;
let proxy: FaultProxy;
let configFile: string;
let difyKey: string;

beforeAll(async () => {
  dify = await startDifySimulator();
  proxy = await startFaultProxy(dify.origin);
  proxy.setFault({ kind: 'latency', ms: UPSTREAM_LATENCY_MS });
  difyKey = (dify.sourceConfig as { apiKey: string }).apiKey;
  configFile = configFor(proxy.origin);
});

/** A config file with the one Dify source at `origin` (a proxy of the simulator). */
function configFor(origin: string): string {
  return writeTempFile(
    'gateway.yaml',
    [
      'server: { host: 127.0.0.1, shutdownDelayMs: 2000, shutdownTimeoutMs: 10000 }',
      'auth: { mode: header }',
      'sources:',
      '  - id: assistant',
      '    kind: dify',
      `    baseUrl: ${origin}/v1`,
      '    apiKey: ${DIFY_KEY}',
      '',
    ].join('\n'),
  );
}

// `npm start` first brings dist/ up to date; do that here, untimed, so that the test below times
// only the start and the shutdown (a rebuild takes tens of seconds on a loaded machine).
beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
}, 300_000);

afterAll(async () => {
  await proxy?.close();
  await dify?.close();
});

function query(url: string): Promise<Response> {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chat-user': 'demo-user' },
    body: JSON.stringify({ query: QUERY }),
  });
}

/** Every request answered 200 with data and no errors; returns the failures, described. */
async function failuresOf(requests: Array<Promise<Response>>): Promise<string[]> {
  const settled = await Promise.allSettled(
    requests.map(async (request) => {
      const response = await request;
      const body = (await response.json()) as { data?: any; errors?: unknown[] };
      if (response.status !== 200 || body.errors || !body.data?.source?.conversations) {
        throw new Error(`HTTP ${response.status}: ${JSON.stringify(body).slice(0, 200)}`);
      }
    }),
  );
  return settled.flatMap((result) =>
    result.status === 'rejected' ? [String((result.reason as Error).cause ?? (result.reason as Error).message)] : [],
  );
}

/** Resolves true once nothing accepts connections on the URL's port, false if still accepting after `ms`. */
async function stopsListening(url: string, ms: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), hostname);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (!accepted) return true;
    await sleep(50);
  }
  return false;
}

/**
 * Four keep-alive clients, each sending its next request as soon as the last one is answered,
 * until the gateway refuses their new connection. Returns what each request came to: `ok`, or
 * the error of a request sent on a reused connection (`reused ECONNRESET`); a refused or reset
 * new connection ends that client (the listener is closed: nothing was in flight there).
 */
async function keepAliveClientsUntilStopped(url: string, signal: () => void): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  const body = JSON.stringify({ query: QUERY });
  const send = (agent: Agent) =>
    new Promise<{ outcome: string; reused: boolean }>((resolve) => {
      const request = httpRequest(
        `${url}/graphql`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-chat-user': 'demo-user', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ outcome: response.statusCode === 200 ? 'ok' : `HTTP ${response.statusCode}`, reused: request.reusedSocket }));
          response.on('error', (error: NodeJS.ErrnoException) => resolve({ outcome: error.code ?? error.message, reused: true }));
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => resolve({ outcome: error.code ?? error.message, reused: request.reusedSocket }));
      request.end(body);
    });
  const clients = Array.from({ length: 4 }, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (;;) {
      const { outcome, reused } = await send(agent);
      if (outcome !== 'ok' && !reused) break;
      const key = outcome === 'ok' ? 'ok' : `reused ${outcome}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    agent.destroy();
  });
  // Signalled once the clients are under way (a cold gateway answers its first requests slowly).
  while ((outcomes.ok ?? 0) < 12) await sleep(10);
  signal();
  await Promise.all(clients);
  return outcomes;
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The first HTTP answer at `url` (status and JSON body), polling while nothing listens. */
async function firstAnswer(url: string, ms: number): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const response = await fetch(url);
      return { status: response.status, body: await response.json() };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(20);
    }
  }
}

describe('shutdown of the chat-gateway process', () => {
  it('with shutdownDelayMs 0, resets no request of keep-alive clients sending at SIGTERM (5 runs)', async () => {
    const upstream = await startFaultProxy(dify.origin);
    upstream.setFault({ kind: 'latency', ms: 5 });
    const noDelay = writeTempFile(
      'gateway.yaml',
      readFileSync(configFile, 'utf8').replace('shutdownDelayMs: 2000', 'shutdownDelayMs: 0').replace(proxy.origin, upstream.origin),
    );
    try {
      for (let run = 0; run < 5; run += 1) {
        const gateway = await spawnGateway(['--config', noDelay, '--port', '0'], { env: { DIFY_KEY: difyKey } });
        const outcomes = await keepAliveClientsUntilStopped(gateway.url, () => gateway.child.kill('SIGTERM'));
        expect(await gateway.exited, gateway.output()).toBe(0);
        expect(outcomes.ok, `run ${run}`).toBeGreaterThanOrEqual(12);
        expect(Object.keys(outcomes), `run ${run}: ${JSON.stringify(outcomes)}`).toEqual(['ok']);
      }
    } finally {
      await upstream.close();
    }
  }, 60_000);


  it('answers every request racing SIGTERM (sent twice), serves during the delay, then exits 0', async () => {
    const gateway = await spawnGateway(['--config', configFile, '--port', '0'], {
      env: { DIFY_KEY: difyKey },
    });
    // Cold: the first batch is the gateway's first traffic.
    const first = Array.from({ length: 30 }, () => query(gateway.url));
    await sleep(UPSTREAM_LATENCY_MS / 2);
    gateway.child.kill('SIGTERM');
    // A second SIGTERM, as a process group delivers it (far enough apart not to be merged into one).
    await sleep(200);
    gateway.child.kill('SIGTERM');

    const ready = await fetch(`${gateway.url}/ready`);
    expect(ready.status, gateway.output()).toBe(503);
    expect(((await ready.json()) as { status: string }).status).toBe('draining');
    // Still inside shutdownDelayMs (2 s, a margin for a loaded machine): new requests are served,
    // on new connections as well.
    const second = Array.from({ length: 10 }, () => query(gateway.url));

    expect(await failuresOf(first), gateway.output()).toEqual([]);
    expect(await failuresOf(second), gateway.output()).toEqual([]);
    expect(await gateway.exited, gateway.output()).toBe(0);
    expect(gateway.output()).toContain('shutdown: complete');
    expect(gateway.output()).toContain('shutdown already in progress');
  });

  it('aborts an upstream send still running at the deadline (delay + time-out), whatever its sendTimeoutMs', async () => {
    const upstream = await startFaultProxy(dify.origin);
    upstream.setFault({ kind: 'hang' }, { match: '/chat-messages' });
    const bounded = writeTempFile(
      'gateway.yaml',
      [
        'server: { host: 127.0.0.1, shutdownDelayMs: 200, shutdownTimeoutMs: 800 }',
        'auth: { mode: header }',
        'sources:',
        '  - id: assistant',
        '    kind: dify',
        `    baseUrl: ${upstream.origin}/v1`,
        '    apiKey: ${DIFY_KEY}',
        '    sendTimeoutMs: 20000',
        '',
      ].join('\n'),
    );
    try {
      const gateway = await spawnGateway(['--config', bounded, '--port', '0'], { env: { DIFY_KEY: difyKey } });
      const send = fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-chat-user': 'demo-user' },
        body: JSON.stringify({ query: 'mutation { sendMessage(input: { sourceId: "assistant", text: "hello" }) { messages { text } } }' }),
      }).then(
        (response) => response.status,
        (error: Error) => String(error.cause ?? error.message),
      );
      while (!upstream.requests.some((request) => request.url.includes('/chat-messages'))) await sleep(20);
      const signalled = Date.now();
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited, gateway.output()).toBe(0);
      const exitMs = Date.now() - signalled;
      // 200 ms delay + 800 ms time-out, with a margin for a loaded machine; never the 20 s send.
      expect(exitMs, gateway.output()).toBeLessThan(4_000);
      expect(gateway.output()).toContain('aborting upstream calls');
      await send;
    } finally {
      await upstream.close();
    }
  }, 40_000);

  it('drains on a SIGTERM that arrives while it is still starting, with a request in flight', { timeout: 30_000 }, async () => {
    // It listens before its first readiness probes end (they take the slow proxy's latency);
    // a SIGTERM in that window must drain like any other, not end the process mid-request.
    const slow = await startFaultProxy(dify.origin);
    slow.setFault({ kind: 'latency', ms: STARTUP_PROBE_LATENCY_MS });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [bin, '--config', configFor(slow.origin), '--port', String(port)], {
      cwd: root,
      env: { ...process.env, PORT: '', CHAT_GATEWAY_CONFIG: '', LOG_LEVEL: 'info', DIFY_KEY: difyKey },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const starting = await firstAnswer(`${url}/ready`, 15_000);
      expect(starting, output).toMatchObject({ status: 503, body: { status: 'starting' } });
      const inFlight = query(url);
      await sleep(100);
      child.kill('SIGTERM');
      expect(await failuresOf([inFlight]), output).toEqual([]);
      expect(await exited, output).toBe(0);
      expect(output).toContain('shutdown: complete');
    } finally {
      child.kill('SIGKILL');
      await slow.close();
    }
  });

  // Bounded by its own waits: the listening line (20 s, npm's start-up included), shutdownDelayMs
  // (2 s), the drain and the port check (5 s), with room to spare; the default 20 s is less.
  it('stops the gateway when SIGTERM reaches the `npm start` process only', { timeout: 45_000 }, async () => {
    const gateway = await spawnGateway(['--config', configFile, '--port', '0'], {
      command: 'npm-start',
      env: { DIFY_KEY: difyKey },
    });
    const inFlight = Array.from({ length: 5 }, () => query(gateway.url));
    await sleep(UPSTREAM_LATENCY_MS / 2);
    gateway.child.kill('SIGTERM');
    expect(await failuresOf(inFlight)).toEqual([]);
    await gateway.exited;
    // No gateway left behind, re-parented and still listening.
    expect(await stopsListening(gateway.url, 5_000)).toBe(true);
    expect(gateway.output()).toContain('shutdown: complete');
  });
});
