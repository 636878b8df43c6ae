/**
 * The Redis side of fleet polling (src/live/fleet-poller.ts): a lease per polled feed, taken
 * with `SET lease token NX PX leaseMs` and a fencing number from `INCR`, extended only by its
 * holder (compare-and-extend), and a commit that stores the feed's watermark and publishes a
 * poll's result only while the caller still holds the lease. Each is one Lua script, so Redis
 * runs it atomically: between the holder check and the write nothing else can run, which is
 * what makes a paused old holder's late commit harmless (it finds another token and writes
 * nothing). Scripts go through ioredis `defineCommand` (EVALSHA, EVAL when Redis lost the script).
 *
 * Why not a lock library: `redlock` / `@sesamecare-oss/redlock` add quorum over several
 * independent Redis servers (one Redis here) and auto-extension, but no fencing number and no
 * way to make "publish and move the watermark only while I hold the lock" one atomic step;
 * that check is what gives exactly-once across a handover, so it is written here in ~20 lines.
 *
 * Keys (under `<keyPrefix>poll:`, the feed named only by a hash of its poll key, never by a
 * viewer id): `<hash>:lease` = `<owner>:<fence>` with a TTL; `<hash>:state` = the watermark as
 * JSON text, with a TTL refreshed by every commit; `<hash>:interest` = the processes that have
 * subscribers of the feed (a sorted set scored by when each entry lapses, refreshed with every
 * acquire or renew): the last one to leave deletes the watermark, so a feed subscribed again
 * later starts from a fresh baseline instead of replaying what arrived while nobody listened;
 * `fence` = the one fencing counter of the prefix (never expires, so fencing numbers only grow).
 * Scripts read the clock with `TIME` (Redis 5 or newer replicates their effects, not the script).
 */
import type { Redis } from 'ioredis';

/** `PTTL` of a held lease, or the acquired lease's fence and stored watermark ('' for none). */
type AcquireReply = [fence: number, heldForMs: number, state: string];

interface LeaseCommands {
  pollLeaseAcquire(lease: string, fence: string, state: string, interest: string, owner: string, leaseMs: number, interestMs: number): Promise<AcquireReply>;
  pollLeaseRenew(lease: string, interest: string, token: string, leaseMs: number, owner: string, interestMs: number): Promise<number>;
  pollLeaseCommit(lease: string, state: string, token: string, snapshot: string, stateTtlMs: number, channel: string, payload: string): Promise<number>;
  pollLeaseRelease(lease: string, token: string): Promise<number>;
  pollLeaseLeave(lease: string, state: string, interest: string, owner: string, token: string): Promise<number>;
}

/** Lua: this process (ARGV owner) is interested in the feed until `interestMs` from now (KEYS interest). */
const INTEREST = (interestKey: string, owner: string, ttl: string) => `
    local clock = redis.call('TIME')
    local now = clock[1] * 1000 + math.floor(clock[2] / 1000)
    redis.call('ZADD', ${interestKey}, now + ${ttl}, ${owner})
    redis.call('PEXPIRE', ${interestKey}, ${ttl})`;

const SCRIPTS = {
  // The SET … NX PX pattern; the fence is drawn only when the lease is free, so each holder
  // gets a number larger than every earlier holder's.
  pollLeaseAcquire: `${INTEREST('KEYS[4]', 'ARGV[1]', 'ARGV[3]')}
    local held = redis.call('PTTL', KEYS[1])
    if held ~= -2 then return {0, held, ''} end
    local fence = redis.call('INCR', KEYS[2])
    redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence, 'NX', 'PX', ARGV[2])
    return {fence, 0, redis.call('GET', KEYS[3]) or ''}`,
  pollLeaseRenew: `${INTEREST('KEYS[2]', 'ARGV[3]', 'ARGV[4]')}
    if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])`,
  // ARGV: token, snapshot ('' drops the watermark), its TTL ms, channel, payload ('' publishes nothing)
  pollLeaseCommit: `
    if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
    if ARGV[2] == '' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
    if ARGV[5] ~= '' then redis.call('PUBLISH', ARGV[4], ARGV[5]) end
    return 1`,
  pollLeaseRelease: `
    if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
    return redis.call('DEL', KEYS[1])`,
  // KEYS: lease, state, interest; ARGV: owner, token ('' when not the holder)
  pollLeaseLeave: `
    local clock = redis.call('TIME')
    local now = clock[1] * 1000 + math.floor(clock[2] / 1000)
    redis.call('ZREM', KEYS[3], ARGV[1])
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
    if ARGV[2] ~= '' and redis.call('GET', KEYS[1]) == ARGV[2] then redis.call('DEL', KEYS[1]) end
    if redis.call('ZCARD', KEYS[3]) > 0 then return 0 end
    redis.call('DEL', KEYS[2], KEYS[3])
    return 1`,
} as const;

const KEY_COUNTS: Record<keyof typeof SCRIPTS, number> = {
  pollLeaseAcquire: 4,
  pollLeaseRenew: 2,
  pollLeaseCommit: 2,
  pollLeaseRelease: 1,
  pollLeaseLeave: 3,
};

/** A lease this process holds on one feed. */
export interface HeldLease {
  /** The value stored in the lease key: `<owner>:<fence>`. */
  token: string;
  /** Fencing number: larger than every earlier holder's of any feed under this prefix. */
  fence: number;
  /** The watermark the previous holder committed, or undefined when there is none (start afresh). */
  state: string | undefined;
}

/** The lease operations on one feed. Each rejects when Redis does not answer (`commandTimeoutMs`). */
export interface PollLeases {
  /**
   * `SET NX PX` on the feed's lease; either way this process counts as interested in the feed
   * for `interestMs`.
   * @returns the lease, or the ms until the current holder's lease runs out unless renewed
   */
  acquire(feed: string, leaseMs: number, interestMs: number): Promise<HeldLease | { heldForMs: number }>;
  /**
   * Extends the lease to `leaseMs` from now if `token` still holds it, and the interest to `interestMs`.
   * @returns false when it does not hold it
   */
  renew(feed: string, token: string, leaseMs: number, interestMs: number): Promise<boolean>;
  /**
   * If `token` still holds the lease: stores `snapshot` (for `stateTtlMs`; '' deletes it) and
   * publishes `payload` on `channel` ('' publishes nothing), atomically.
   * @returns false when the lease is someone else's or gone (nothing was written)
   */
  commit(feed: string, token: string, snapshot: string, stateTtlMs: number, channel: string, payload: string): Promise<boolean>;
  /** Deletes the lease if `token` holds it (the watermark stays for the next holder). */
  release(feed: string, token: string): Promise<void>;
  /**
   * This process has no subscriber of the feed any more: gives back the lease if `token` (when
   * given) holds it, and deletes the watermark when no other process is interested.
   */
  leave(feed: string, token: string | undefined): Promise<void>;
}

/**
 * The lease operations over `client` (its command connection; scripts are defined on it).
 * @param keyPrefix `redis.keyPrefix`
 * @param owner this process's random id, part of every token it holds
 */
export function createPollLeases(client: Redis, keyPrefix: string, owner: string): PollLeases {
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    client.defineCommand(name, { lua, numberOfKeys: KEY_COUNTS[name as keyof typeof SCRIPTS] });
  }
  const commands = client as unknown as LeaseCommands;
  const lease = (feed: string) => `${keyPrefix}poll:${feed}:lease`;
  const state = (feed: string) => `${keyPrefix}poll:${feed}:state`;
  const interest = (feed: string) => `${keyPrefix}poll:${feed}:interest`;
  const fence = `${keyPrefix}poll:fence`;
  return {
    async acquire(feed, leaseMs, interestMs) {
      const [drawn, heldForMs, stored] = await commands.pollLeaseAcquire(lease(feed), fence, state(feed), interest(feed), owner, leaseMs, interestMs);
      if (drawn === 0) return { heldForMs: Math.max(0, heldForMs) };
      return { token: `${owner}:${drawn}`, fence: drawn, state: stored === '' ? undefined : stored };
    },
    async renew(feed, token, leaseMs, interestMs) {
      return (await commands.pollLeaseRenew(lease(feed), interest(feed), token, leaseMs, owner, interestMs)) === 1;
    },
    async commit(feed, token, snapshot, stateTtlMs, channel, payload) {
      return (await commands.pollLeaseCommit(lease(feed), state(feed), token, snapshot, stateTtlMs, channel, payload)) === 1;
    },
    async release(feed, token) {
      await commands.pollLeaseRelease(lease(feed), token);
    },
    async leave(feed, token) {
      await commands.pollLeaseLeave(lease(feed), state(feed), interest(feed), owner, token ?? '');
    },
  };
}
