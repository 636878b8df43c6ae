/**
 * The poll lease on a real redis-server: taken once (`SET NX PX`) with a fencing number that
 * only grows, extended only by its holder, and a commit (watermark + publish) that Redis refuses
 * from a holder whose lease ran out — the paused-old-leader case, without timing luck. The
 * watermark outlives a holder and goes with the last interested process. A replica drops a
 * published result older than the newest fence it has seen.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { createFleetPollerRegistry } from '../../src/live/fleet-poller.js';
import { createPollLeases, type HeldLease, type PollLeases } from '../../src/live/poll-lease.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: TestRedis;
let client: Redis;
let listener: Redis;
let first: PollLeases;
let second: PollLeases;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
  listener = new Redis(redis.url);
  first = createPollLeases(client, 'test:', 'replica-one');
  second = createPollLeases(new Redis(redis.url), 'test:', 'replica-two');
});
afterAll(async () => {
  client.disconnect();
  listener.disconnect();
  await redis.stop();
});

/** Messages published on `channel` while `run` runs (and shortly after). */
async function publishedDuring(channel: string, run: () => Promise<unknown>): Promise<string[]> {
  const heard: string[] = [];
  const onMessage = (from: string, message: string) => from === channel && heard.push(message);
  listener.on('message', onMessage);
  await listener.subscribe(channel);
  await run();
  await wait(50);
  await listener.unsubscribe(channel);
  listener.off('message', onMessage);
  return heard;
}

describe('poll lease', () => {
  it('is taken once, renewed only by its holder, and refuses a late commit from an expired holder', async () => {
    const mine = (await first.acquire('feed-a', 300, 10_000)) as HeldLease;
    expect(mine.fence).toBeGreaterThan(0);
    expect(mine.state).toBeUndefined();
    const refused = await second.acquire('feed-a', 300, 10_000);
    expect(refused).toEqual({ heldForMs: expect.any(Number) });
    expect((refused as { heldForMs: number }).heldForMs).toBeLessThanOrEqual(300);
    expect(await second.renew('feed-a', `replica-two:${mine.fence}`, 300, 10_000)).toBe(false);
    expect(await first.renew('feed-a', mine.token, 300, 10_000)).toBe(true);
    expect(await publishedDuring('chan-a', () => first.commit('feed-a', mine.token, '"m1"', 10_000, 'chan-a', 'one'))).toEqual(['one']);

    // The holder stalls past its lease; another replica takes over from the stored watermark.
    await wait(400);
    const theirs = (await second.acquire('feed-a', 5_000, 10_000)) as HeldLease;
    expect(theirs.fence).toBeGreaterThan(mine.fence);
    expect(theirs.state).toBe('"m1"');

    // The old holder wakes up: nothing it commits lands, nor can it extend or free the lease.
    const late = await publishedDuring('chan-a', async () => {
      expect(await first.commit('feed-a', mine.token, '"m2-stale"', 10_000, 'chan-a', 'stale')).toBe(false);
    });
    expect(late).toEqual([]);
    expect(await first.renew('feed-a', mine.token, 5_000, 10_000)).toBe(false);
    await first.release('feed-a', mine.token);
    expect(await client.get('test:poll:feed-a:state')).toBe('"m1"');
    expect(await client.get('test:poll:feed-a:lease')).toBe(theirs.token);

    // A holder that gives the lease back leaves the watermark to the next one.
    expect(await second.commit('feed-a', theirs.token, '"m2"', 10_000, 'chan-a', '')).toBe(true);
    await second.release('feed-a', theirs.token);
    const next = (await first.acquire('feed-a', 5_000, 10_000)) as HeldLease;
    expect(next.fence).toBeGreaterThan(theirs.fence);
    expect(next.state).toBe('"m2"');

    // The watermark lives while any process is interested, and goes with the last one.
    await first.leave('feed-a', next.token);
    expect(await client.get('test:poll:feed-a:lease')).toBeNull();
    expect(await client.get('test:poll:feed-a:state')).toBe('"m2"');
    await second.leave('feed-a', undefined);
    expect(await client.get('test:poll:feed-a:state')).toBeNull();
    const fresh = (await second.acquire('feed-a', 5_000, 10_000)) as HeldLease;
    expect(fresh.state).toBeUndefined();
  });

  it('a replica drops a published result whose fence is older than the newest it has seen', async () => {
    const { createRedisEventTarget } = await import('@graphql-yoga/redis-event-target');
    const subscriber = new Redis(redis.url);
    const eventTarget = createRedisEventTarget({ publishClient: client, subscribeClient: subscriber });
    const registry = createFleetPollerRegistry({
      // Never the holder here: every lease is someone else's.
      leases: { ...first, acquire: async () => ({ heldForMs: 60_000 }) },
      eventTarget,
      channelPrefix: 'test:live:',
      logger: createLogger('silent'),
      leaseMs: 1_000,
      renewMs: 300,
      intervalMs: () => 100,
      circuitState: () => 'closed',
      available: () => true,
    });
    const received: string[] = [];
    const leave = registry.join(
      'feed-b',
      'assistant',
      () => ({
        start: async () => {},
        poll: async () => {},
        snapshot: () => 'null',
        restore: () => {},
        encode: (item: string) => item,
        decode: (wire: unknown) => wire as string,
      }),
      { next: (item) => received.push(item), fail: () => received.push('failed') },
    );
    await wait(100); // SUBSCRIBE
    const { createHash } = await import('node:crypto');
    const channel = `test:live:poll:${createHash('sha256').update('feed-b').digest('base64url').slice(0, 22)}`;
    await client.publish(channel, JSON.stringify({ fence: 7, items: ['from 7'] }));
    await client.publish(channel, JSON.stringify({ fence: 5, items: ['from a deposed 5'] }));
    await client.publish(channel, JSON.stringify({ fence: 8, items: ['from 8'] }));
    await wait(100);
    expect(received).toEqual(['from 7', 'from 8']);
    leave();
    registry.close();
    subscriber.disconnect();
  });
});
