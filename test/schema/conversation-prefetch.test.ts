/**
 * The inbox (first page of the merged list × each conversation's last messages) over a REST
 * source that checks ownership item by item (`access: owner`, the demo's `legacy`): the
 * borderline conversation, which makes the page only because a candidate ranked above it fails
 * its check, has its messages read while the checks are still running, not after them, and no
 * message read is spent that the answer does not use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId, globalIdOf } from '../../src/global-id.js';
import { startFaultHarness, type FaultHarness } from '../faults/harness.js';

const INBOX = /* GraphQL */ `query Inbox {
  conversations(first: 20) {
    edges { node { id messages(last: 5) { edges { node { id } } } } }
  }
}`;

/** How long the proxy holds each REST history read (the ownership checks). */
const CHECK_DELAY_MS = 1_500;

let harness: FaultHarness;

beforeAll(async () => {
  harness = await startFaultHarness({ proxied: ['assistant', 'support', 'legacy'] });
});

afterAll(async () => {
  await harness.close();
});

describe('inbox over an owner-checked REST listing', () => {
  it("reads the borderline conversation's messages before the ownership checks answer", async () => {
    // Once cold, so that only the per-request reads are left (a running gateway holds the rest,
    // e.g. the Chatwoot contact of the viewer).
    expect((await harness.query(INBOX)).errors).toBeUndefined();
    harness.reset();
    const arrivals: Array<{ source: string; url: string; at: number }> = [];
    for (const source of ['assistant', 'support', 'legacy'] as const) {
      harness.proxy(source).setFault(({ url }) => {
        arrivals.push({ source, url, at: performance.now() });
        return source === 'legacy' && url.includes('/chat/history') ? { kind: 'latency', ms: CHECK_DELAY_MS } : null;
      });
    }
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

    // Exactly the calls the answer needs: each listing once, one message read per conversation
    // on the page (the REST ones come from the checks' history reads).
    const count = (source: string) => arrivals.filter((arrival) => arrival.source === source).length;
    const listed = (source: string) => ids.filter((id) => JSON.parse(decodeGlobalId(id).id)[0] === source).length;
    expect({ assistant: count('assistant'), support: count('support'), legacy: count('legacy') }).toEqual({
      assistant: 1 + listed('assistant'),
      support: 1 + listed('support'),
      legacy: 1 + 4,
    });
  });
});

