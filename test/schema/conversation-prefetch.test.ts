/**
 * The inbox (first page of the merged list × each conversation's last messages) over a REST
 * source that checks ownership item by item (`access: owner`, the demo's `legacy`): the
 * borderline conversation, which makes the page only because a candidate ranked above it fails
 * its check, has its messages read while the checks are still running, not after them, once an
 * earlier listing showed that candidate dropped; and no message read is spent that the answer
 * does not use, on the first listing or later.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId, globalIdOf } from '../../src/core/global-id.js';
import { startFaultHarness, type FaultHarness } from '../faults/harness.js';

const inbox = (first: number) => /* GraphQL */ `query Inbox {
  conversations(first: ${first}) {
    edges { node { id messages(last: 5) { edges { node { id } } } } }
  }
}`;
const INBOX = inbox(20);

/** How long the proxy holds each REST history read (the ownership checks). */
const CHECK_DELAY_MS = 1_500;

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startFaultHarness({ proxied: ['assistant', 'support', 'legacy'] });
});

afterAll(async () => {
  await harness.close();
});

/** Records when each proxied request arrives; REST history reads are held `checkDelayMs`. */
function recordArrivals(checkDelayMs = 0): Array<{ source: string; url: string; at: number }> {
  harness.reset();
  const arrivals: Array<{ source: string; url: string; at: number }> = [];
  for (const source of ['assistant', 'support', 'legacy'] as const) {
    harness.proxy(source).setFault(({ url }) => {
      arrivals.push({ source, url, at: performance.now() });
      return source === 'legacy' && url.includes('/chat/history') && checkDelayMs > 0 ? { kind: 'latency', ms: checkDelayMs } : null;
    });
  }
  return arrivals;
}

/** Upstream calls by source, and the calls the answer needs: each listing, one message read per listed conversation. */
function callsOf(arrivals: Array<{ source: string }>, ids: string[]) {
  const count = (source: string) => arrivals.filter((arrival) => arrival.source === source).length;
  const listed = (source: string) => ids.filter((id) => JSON.parse(decodeGlobalId(id).id)[0] === source).length;
  return {
    made: { assistant: count('assistant'), support: count('support'), legacy: count('legacy') },
    // The REST conversations' messages come from their ownership checks' history reads (4 candidates).
    needed: { assistant: 1 + listed('assistant'), support: 1 + listed('support'), legacy: 1 + 4 },
  };
}

describe('inbox over an owner-checked REST listing', () => {
  it('spends no message read the answer does not use, on the first listing and after it', async () => {
    // first: 10: every REST candidate above the borderline conversation is the viewer's.
    for (const round of ['first', 'second']) {
      const arrivals = recordArrivals();
      const answer = await harness.query(inbox(10));
      expect(answer.errors, round).toBeUndefined();
      const ids: string[] = answer.data.conversations.edges.map((edge: any) => edge.node.id);
      expect(ids, round).toHaveLength(10);
      // The first one also looks up the viewer's Chatwoot contact (held from then on).
      const { made, needed } = callsOf(arrivals.filter((arrival) => !arrival.url.includes('/contacts/search')), ids);
      expect(made, round).toEqual(needed);
    }
  });

  it("reads the borderline conversation's messages before the ownership checks answer", async () => {
    // Once before: the REST source then knows which candidate the viewer's listing drops, and
    // only per-request reads are left (the viewer's Chatwoot contact is held too).
    expect((await harness.query(INBOX)).errors).toBeUndefined();
    const arrivals = recordArrivals(CHECK_DELAY_MS);
    const answer = await harness.query(INBOX);
    expect(answer.errors).toBeUndefined();
    const ids: string[] = answer.data.conversations.edges.map((edge: any) => edge.node.id);
    expect(ids).toHaveLength(20);
    // support/16 is last on the page: above it, one of the four REST candidates is not the viewer's.
    expect(ids.at(-1)).toBe(globalIdOf({ type: 'Conversation', sourceId: 'support', conversationId: '16' }));
    expect(answer.data.conversations.edges.at(-1).node.messages.edges.length).toBeGreaterThan(0);

    const checks = arrivals.filter((arrival) => arrival.source === 'legacy' && arrival.url.includes('/chat/history'));
    expect(checks).toHaveLength(4);
    const firstCheck = Math.min(...checks.map((check) => check.at));
    const borderline = arrivals.filter((arrival) => arrival.source === 'support' && arrival.url.includes('/conversations/16/messages'));
    expect(borderline).toHaveLength(1);
    // Sent while every check is still held by the proxy: it did not wait for their answers.
    expect(borderline[0]!.at - firstCheck).toBeLessThan(CHECK_DELAY_MS);

    // Exactly the calls the answer needs.
    const { made, needed } = callsOf(arrivals, ids);
    expect(made).toEqual(needed);
  });
});

