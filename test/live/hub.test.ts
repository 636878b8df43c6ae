/**
 * The hub's message topics: however many subscribers one conversation has, the event target
 * carries one listener for it, every subscriber gets the same record object (what shared
 * executions key on), a redelivered message reaches nobody twice, and the listener goes with
 * the last subscriber.
 */
import { describe, expect, it } from 'vitest';
import { createLiveHub, LiveFailure } from '../../src/live/hub.js';
import { createPollerRegistry } from '../../src/live/poller.js';
import { createLogger } from '../../src/core/logger.js';
import type { MessageRecord } from '../../src/core/records.js';
import type { SourceEntry } from '../../src/providers/contract.js';

/** An in-memory event target that counts its listeners per type. */
class CountingTarget extends EventTarget {
  listeners = new Map<string, number>();
  override addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, (this.listeners.get(type) ?? 0) + 1);
    super.addEventListener(type, listener);
  }
  override removeEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, (this.listeners.get(type) ?? 0) - 1);
    super.removeEventListener(type, listener);
  }
}

const logger = createLogger('silent');
const source = {
  id: 'support',
  adapter: { receiveWebhook: async () => ({ event: 'x', messages: [], conversations: [] }), seesPrivateNotes: () => true },
} as unknown as SourceEntry;

function message(key: string): MessageRecord {
  return {
    key,
    externalId: key,
    conversationExternalId: '7',
    role: 'USER',
    text: `text ${key}`,
    createdAt: new Date(0),
    sender: null,
    attachments: [],
    feedback: null,
    citations: [],
    isPrivate: false,
  };
}

describe('live hub message topics', () => {
  it('listens once per topic for 1,000 subscribers and hands each the same record, once', async () => {
    const target = new CountingTarget();
    const pollers = createPollerRegistry({ logger, intervalMs: () => 1_000, circuitState: () => 'closed' });
    const hub = createLiveHub({ eventTarget: target, pollers, logger, maxSubscriptionsPerViewer: 10 });
    const streams = Array.from({ length: 1_000 }, (_, i) =>
      hub.messageAdded(hub.reserve({ id: `agent-${i}`, roles: ['agent'] }), source, '7')[Symbol.asyncIterator](),
    );
    expect([...target.listeners.values()]).toEqual([1]);

    await hub.publish('support', { event: 'message_created', messages: [message('1'), message('2')], conversations: [] });
    // A redelivery of the first message: dropped once for the topic.
    await hub.publish('support', { event: 'message_created', messages: [message('1'), message('3')], conversations: [] });
    const received = await Promise.all(streams.map(async (stream) => [await stream.next(), await stream.next(), await stream.next()]));
    for (const results of received) {
      expect(results.map((result) => (result.value as MessageRecord).key)).toEqual(['1', '2', '3']);
      results.forEach((result, index) => expect(result.value).toBe(received[0]![index]!.value));
      expect(results.some((result) => result.value instanceof LiveFailure)).toBe(false);
    }

    await Promise.all(streams.map((stream) => stream.return!()));
    expect([...target.listeners.values()]).toEqual([0]);
    expect(hub.openSubscriptions()).toBe(0);
    hub.close();
  });

  it('remembers the last 1,000 message keys of a topic', async () => {
    const target = new CountingTarget();
    const pollers = createPollerRegistry({ logger, intervalMs: () => 1_000, circuitState: () => 'closed' });
    const hub = createLiveHub({ eventTarget: target, pollers, logger, maxSubscriptionsPerViewer: 10, subscriberBufferEvents: 5_000 });
    const stream = hub.messageAdded(hub.reserve({ id: 'agent', roles: ['agent'] }), source, '7')[Symbol.asyncIterator]();
    const keys = Array.from({ length: 1_001 }, (_, i) => String(i));
    await hub.publish('support', { event: 'message_created', messages: keys.map(message), conversations: [] });
    // "0" fell out of the last 1,000 and counts as new again; "1000" is still remembered.
    await hub.publish('support', { event: 'message_created', messages: [message('1000'), message('0')], conversations: [] });
    const received: string[] = [];
    for (let i = 0; i < 1_002; i += 1) received.push(((await stream.next()).value as MessageRecord).key);
    expect(received).toEqual([...keys, '0']);
    await stream.return!();
    hub.close();
  });
});
