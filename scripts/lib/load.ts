/**
 * Shared by the soak and bench scripts: a gateway listening on a loopback port over the demo
 * simulators (optionally behind fault proxies), an autocannon run, and memory figures.
 */
import autocannon from 'autocannon';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DemoBackends } from '../../src/demo/demo.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { FaultProxy } from '../../test/helpers/fault-proxy.js';
import { startProxiedGateway, type ProxiedGatewayOptions, type SourceName } from '../../test/helpers/proxied-gateway.js';

export type { SourceName };

export interface LoadTarget {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  gateway: Gateway;
  backends: DemoBackends;
  proxies: Partial<Record<SourceName, FaultProxy>>;
  /** Requests each proxy saw and how many of them got a fault, since the start. */
  proxyCounts(): Record<string, { requests: number; faults: number }>;
  /** Runs `fn` with the request logs left alone (to count the upstream calls of one operation). */
  keepingLogs<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Starts the simulators, a fault proxy in front of each source listed in `proxied`, and the
 * gateway on a free loopback port.
 * @param sourceConfig keys merged into every source's config
 */
export async function startLoadTarget(options: ProxiedGatewayOptions = {}): Promise<LoadTarget> {
  const { url, gateway, backends, proxies, close } = await startProxiedGateway(options);

  // The simulators and proxies log every request; emptied each second (after counting) so the
  // memory figures show the gateway, not the logs.
  const counts: Record<string, { requests: number; faults: number }> = {};
  let holding = 0;
  const drain = () => {
    if (holding > 0) return;
    for (const simulator of Object.values(backends.simulators)) simulator.requests.length = 0;
    for (const [name, proxy] of Object.entries(proxies)) {
      const count = (counts[name] ??= { requests: 0, faults: 0 });
      count.requests += proxy.requests.length;
      count.faults += proxy.requests.filter((request) => request.fault !== 'pass').length;
      proxy.requests.length = 0;
    }
  };
  const trimmer = setInterval(drain, 1_000);
  return {
    url,
    gateway,
    backends,
    proxies,
    proxyCounts() {
      drain();
      return counts;
    },
    async keepingLogs(fn) {
      holding += 1;
      try {
        return await fn();
      } finally {
        holding -= 1;
      }
    },
    async close() {
      clearInterval(trimmer);
      await close();
    },
  };
}

/** POSTs one GraphQL operation as `demo-user`; returns the parsed body. */
export async function graphql(url: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

/** Headers of every GraphQL request the scripts send. */
export const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json', 'x-chat-user': 'demo-user' };

/** One autocannon request: a GraphQL operation as `demo-user`. */
export function operation(query: string, variables?: Record<string, unknown>, onResponse?: (status: number, body: string) => void): autocannon.Request {
  return {
    method: 'POST',
    path: '/graphql',
    headers: JSON_HEADERS,
    body: JSON.stringify({ query, variables }),
    ...(onResponse ? { onResponse: (status: number, body: string) => onResponse(status, body) } : {}),
  };
}

/** Runs autocannon to completion (it stops itself after `duration` seconds). */
export function runLoad(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

setFlagsFromString('--expose-gc');
/** V8's collector, so that heap figures are live objects, not garbage not yet collected. */
const collectGarbage = runInNewContext('gc') as () => void;

/** `rss 123.4 MB, heap used 45.6 MB` of this process, measured after a full collection. */
export function memory(): { rssMB: number; heapMB: number; text: string } {
  collectGarbage();
  const usage = process.memoryUsage();
  const rssMB = usage.rss / 1024 / 1024;
  const heapMB = usage.heapUsed / 1024 / 1024;
  return { rssMB, heapMB, text: `rss ${rssMB.toFixed(1)} MB, heap used ${heapMB.toFixed(1)} MB` };
}

/** One line of figures for a finished run. */
export function describeRun(result: autocannon.Result): string {
  return (
    `${result.requests.total} requests in ${result.duration.toFixed(1)} s ` +
    `(${(result.requests.total / result.duration).toFixed(0)} req/s), ` +
    `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; ` +
    `non-2xx ${result.non2xx}, socket errors ${result.errors}, timeouts ${result.timeouts}`
  );
}

/** Reads a positive number from the environment, clamped to [min, max]. */
export function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number`);
  return Math.min(max, Math.max(min, value));
}
