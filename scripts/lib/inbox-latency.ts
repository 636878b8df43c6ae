/**
 * The inbox figure of `npm run bench`: 20 conversations merged across the demo sources, each
 * with its last 5 messages, with every upstream call delayed by a fixed latency (fault proxies in
 * front of all three simulators). At that latency the operation's wall time, divided by the
 * latency, is the number of upstream round trips it waits for one after another; the proxies
 * count its calls.
 *
 * The simulators and their proxies run in a child process (`upstream-process.ts`); only the
 * gateway runs in this one. Real upstreams never share the gateway's event loop: run in the
 * same process, their CPU work (answering, forwarding, logging) would queue behind the
 * gateway's and add about a round trip of time the gateway does not spend. What remains above
 * `calls waited for × latency` is the gateway's own CPU time plus the loopback hops. The calls
 * are counted by the proxies, exactly as before: every request each one received during the
 * operation.
 */
import { fileURLToPath } from 'node:url';
import { startListeningGateway } from '../../test/helpers/proxied-gateway.js';
import { graphql } from './load.js';
import { ask, forkWithReady, stopChild } from './peer-processes.js';
import type { UpstreamCommand, UpstreamReady } from './upstream-process.js';

/** The inbox operation: what a support UI opens with. */
export const INBOX_OPERATION = /* GraphQL */ `query Inbox {
  conversations(first: 20) {
    edges { node { id title updatedAt source { name }
      messages(last: 5) { edges { node { id role text createdAt } } pageInfo { hasPreviousPage startCursor } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Operations run before measuring, without the added latency. */
const WARM_UP_OPERATIONS = 100;

export interface InboxFigures {
  /** Median wall time of one inbox operation, ms. */
  medianMs: number;
  /** `medianMs / latencyMs`: sequential upstream round trips. */
  roundTrips: number;
  /** Upstream calls of one operation, by source and in all. */
  calls: Record<string, number> & { total: number };
  conversations: number;
}

/**
 * Runs the inbox `runs` times, one at a time, each with cold per-request loaders, against the
 * demo upstreams in a child process.
 * @param latencyMs delay the proxies add to every upstream call
 * @throws when the operation answers errors, or the upstream process does not start
 */
export async function measureInbox(latencyMs: number, runs = 7): Promise<InboxFigures> {
  const { child, ready } = await forkWithReady<UpstreamReady>(fileURLToPath(new URL('upstream-process.ts', import.meta.url)));
  const command = <T>(message: UpstreamCommand) => ask<T>(child, message as string);
  try {
    const target = await startListeningGateway(ready.config);
    try {
      // Warm-up, first without latency so it is quick: connections, the JIT (V8 optimizes a
      // function only after many calls, so a handful of operations leaves the gateway and the
      // simulators interpreted, as no running gateway is), and the cross-request lookups a
      // running gateway already holds.
      for (let warmUp = 0; warmUp < WARM_UP_OPERATIONS; warmUp += 1) await graphql(target.url, INBOX_OPERATION);
      await command({ latencyMs });
      await graphql(target.url, INBOX_OPERATION);
      const times: number[] = [];
      let calls: InboxFigures['calls'] = { total: 0 };
      let conversations = 0;
      for (let run = 0; run < runs; run += 1) {
        await command('count');
        const started = performance.now();
        const answer = await graphql(target.url, INBOX_OPERATION);
        times.push(performance.now() - started);
        if (answer.errors) throw new Error(`inbox failed: ${JSON.stringify(answer.errors).slice(0, 500)}`);
        conversations = answer.data.conversations.edges.length;
        const counts = await command<Record<string, number>>('count');
        calls = { total: 0 };
        for (const [name, count] of Object.entries(counts)) {
          calls[name] = count;
          calls.total += count;
        }
      }
      times.sort((a, b) => a - b);
      const medianMs = times[Math.floor(times.length / 2)]!;
      return { medianMs, roundTrips: medianMs / latencyMs, calls, conversations };
    } finally {
      await target.close();
    }
  } finally {
    await stopChild(child);
  }
}
