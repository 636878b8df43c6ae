/**
 * A gateway listening on a real loopback port, on the three simulators, with chosen sources
 * behind fault proxies. Queries go over HTTP like a client's, so a crash or a hung socket shows.
 */
import { expect } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { FaultProxy } from '../helpers/fault-proxy.js';
import type { GraphQLResponse } from '../helpers/gateway.js';
import { startProxiedGateway, type ProxiedGatewayOptions, type SourceName } from '../helpers/proxied-gateway.js';

export type { SourceName };

export interface FaultHarness {
  gateway: Gateway;
  /** The proxies, by source, of the sources started behind one. */
  proxies: Partial<Record<SourceName, FaultProxy>>;
  /** The proxy of `source` (throws when it has none). */
  proxy(source: SourceName): FaultProxy;
  /** POSTs an operation as `demo-user` over HTTP. */
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** `GET path` (e.g. `/health`, `/ready`): status and JSON body. */
  get(path: string): Promise<{ status: number; body: any }>;
  /** Clears every proxy's request log and fault. */
  reset(): void;
  close(): Promise<void>;
}

export interface FaultHarnessOptions extends ProxiedGatewayOptions {
  /** Sources to put behind a fault proxy. */
  proxied: SourceName[];
}

/** Starts simulators, proxies and a listening gateway. Call `close()` in `afterAll`. */
export async function startFaultHarness(options: FaultHarnessOptions): Promise<FaultHarness> {
  const { url, gateway, proxies, close } = await startProxiedGateway(options);
  return {
    gateway,
    proxies,
    proxy(source) {
      const proxy = proxies[source];
      if (!proxy) throw new Error(`source ${source} has no proxy`);
      return proxy;
    },
    async query(query, variables) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-chat-user': 'demo-user' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
      return { status: response.status, ...body };
    },
    async get(path) {
      const response = await fetch(`${url}${path}`);
      return { status: response.status, body: await response.json() };
    },
    reset() {
      for (const proxy of Object.values(proxies)) {
        proxy.setFault(null);
        proxy.requests.length = 0;
      }
    },
    close,
  };
}

/** The one error of a response whose `extensions.sourceId` is `sourceId`. */
export function errorOf(response: GraphQLResponse, sourceId: string) {
  const errors = (response.errors ?? []).filter((error) => error.extensions?.sourceId === sourceId);
  expect(errors, JSON.stringify(response.errors)).toHaveLength(1);
  return errors[0]!;
}

/** Fails the test file if any promise rejection went unhandled while it ran. */
export function trackUnhandledRejections(): { check(): void } {
  const seen: unknown[] = [];
  process.on('unhandledRejection', (reason) => seen.push(reason));
  return {
    check() {
      expect(seen.map(String)).toEqual([]);
    },
  };
}
