/**
 * The inbox figure of `npm run bench`: 20 conversations merged across the demo sources, each
 * with its last 5 messages, with every upstream call delayed by a fixed latency (fault proxies in
 * front of all three simulators). At that latency the operation's wall time, divided by the
 * latency, is the number of upstream round trips it waits for one after another; the proxies
 * count its calls.
 */
import { graphql, startLoadTarget, type SourceName } from './load.js';

/** The inbox operation: what a support UI opens with. */
export const INBOX_OPERATION = /* GraphQL */ `query Inbox {
  conversations(first: 20) {
    edges { node { id title updatedAt source { name }
      messages(last: 5) { edges { node { id role text createdAt } } pageInfo { hasPreviousPage startCursor } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

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
 * Runs the inbox `runs` times, one at a time, each with cold per-request loaders.
 * @param latencyMs delay the proxies add to every upstream call
 * @throws when the operation answers errors
 */
export async function measureInbox(latencyMs: number, runs = 7): Promise<InboxFigures> {
  const names: SourceName[] = ['assistant', 'support', 'legacy'];
  const target = await startLoadTarget({ proxied: names });
  try {
    for (const proxy of Object.values(target.proxies)) proxy.setFault({ kind: 'latency', ms: latencyMs });
    // Warm-up: connections, JIT, and the cross-request lookups a running gateway already holds.
    await graphql(target.url, INBOX_OPERATION);
    await graphql(target.url, INBOX_OPERATION);
    const times: number[] = [];
    let calls: InboxFigures['calls'] = { total: 0 };
    let conversations = 0;
    for (let run = 0; run < runs; run += 1) {
      for (const proxy of Object.values(target.proxies)) proxy.requests.length = 0;
      const started = performance.now();
      const answer = await target.keepingLogs(() => graphql(target.url, INBOX_OPERATION));
      times.push(performance.now() - started);
      if (answer.errors) throw new Error(`inbox failed: ${JSON.stringify(answer.errors).slice(0, 500)}`);
      conversations = answer.data.conversations.edges.length;
      calls = { total: 0 };
      for (const name of names) {
        const count = target.proxies[name]!.requests.length;
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
}
