/**
 * One poller per polled feed across every replica on one Redis (with `redis` configured; without
 * it src/live/poller.ts polls in each process). A feed is what src/live/poller.ts calls a poll
 * key: (messages, source, conversation, upstream user and roles) or (conversations, source,
 * upstream user and roles). The hub joins feeds exactly as it joins local pollers.
 *
 * Who polls. Every replica with at least one subscriber of a feed competes for the feed's lease
 * in Redis (src/live/poll-lease.ts: `SET NX PX`, a fencing number from `INCR`). The holder polls
 * every `sources[].pollIntervalMs` and renews every `redis.pollRenewMs`; the others only listen
 * and retry the lease when it would run out. Only replicas that have subscribers of a feed
 * compete for it, so the holder always has a viewer of its own to poll as — the viewer (with a
 * forwarded token, when the source forwards one) never has to travel through Redis, and there
 * is no registry of other replicas' subscribers to keep beyond one sorted set per feed that says
 * who is interested (src/live/poll-lease.ts). A holder whose last subscriber leaves releases
 * the lease; another replica that still has subscribers takes it at its next try; the last
 * replica to leave deletes the watermark, so the feed subscribed again later starts afresh.
 * A holder that dies stops renewing; its lease runs out within `redis.pollLeaseMs` and a
 * waiting replica, which retries when the lease would expire, takes over then.
 *
 * Exactly once across a handover. Each poll's result is committed by one Lua script that, only
 * while the poller still holds the lease, stores the new watermark (the poll task's snapshot:
 * the last message key, or the conversations already seen) and publishes the new items on the
 * feed's channel. A new holder restores that watermark and reads forward from it, so it neither
 * re-announces what the old one published nor misses what arrived in between. A holder that
 * cannot tell whether its commit landed (Redis did not answer) drops its in-memory state and
 * starts again from Redis' copy, which is right either way.
 *
 * Fencing. A holder stops polling once its lease may have run out (no renew answered within
 * `pollLeaseMs`), and Redis refuses a commit from a token that no longer holds the lease, so a
 * paused old holder that wakes up publishes nothing. Every published result also carries the
 * holder's fencing number and a replica drops results older than the newest it has seen.
 *
 * Scope. The published items are the feed's poll result, read as the feed's viewer; each
 * replica hands them to its subscribers, which filter them exactly as before (private notes,
 * each message once) in src/live/hub.ts.
 *
 * Redis away or stalled: fails closed. A join while Redis is down is refused and a Redis that
 * goes away ends the feeds' subscriptions (`UPSTREAM_UNAVAILABLE`, like the pub/sub ones). A
 * stalled Redis (commands time out) stops all polling — nothing can be committed, so nothing is
 * published twice — with one warn line per feed; polling resumes from the stored watermark
 * when Redis answers again.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { GatewayError, isGatewayError, type ErrorCode } from '../core/errors.js';
import type { LiveEventTarget } from './hub.js';
import type { PollLeases } from './poll-lease.js';
import { MAX_BACKOFF_MS, type PollerRegistry, type PollListener, type PollTask } from './poller.js';

/**
 * Shortest life of a feed's watermark after its last commit, ms: polling that stopped for
 * less (a stalled Redis, a handover) resumes where it stopped. A feed whose last subscriber
 * left is forgotten at once (src/live/poll-lease.ts `leave`); only after a crash of the last
 * process interested in it does its watermark linger this long.
 */
const MIN_STATE_TTL_MS = 60_000;
/** A retry of a held lease waits this much past its expiry, so that it finds the lease gone. */
const EXPIRY_SLACK_MS = 20;

export interface FleetPollerOptions {
  leases: PollLeases;
  /** Carries committed results to every replica (the Redis event target). */
  eventTarget: LiveEventTarget;
  /** Prefix of the result channels (`<keyPrefix>live:`). */
  channelPrefix: string;
  logger: Logger;
  /** How long a lease lasts unless renewed, ms (`redis.pollLeaseMs`). */
  leaseMs: number;
  /** How often the holder renews, ms (`redis.pollRenewMs`, below half of `leaseMs`). */
  renewMs: number;
  /** The source's poll interval, ms. */
  intervalMs(sourceId: string): number;
  /** The source's breaker state (in this process). */
  circuitState(sourceId: string): 'closed' | 'open' | 'half-open';
  /** False while Redis cannot be reached. */
  available(): boolean;
}

/** A committed poll result as published: the holder's fence, then items or the feed's end. */
interface FeedEvent {
  fence: number;
  items?: unknown[];
  error?: { code: ErrorCode; message: string; sourceId?: string };
}

interface Leadership<T> {
  token: string;
  fence: number;
  task: PollTask<T>;
  /** Whether a watermark exists (restored, or `start` committed). */
  started: boolean;
  /** Local time until which the lease is surely ours, ms since the epoch. */
  validUntil: number;
  delay: number;
  timer: NodeJS.Timeout | undefined;
}

interface Feed<T> {
  key: string;
  /** The poll key's hash: names its Redis keys and channel without naming the viewer. */
  hash: string;
  topic: string;
  sourceId: string;
  createTask: () => PollTask<T>;
  /** Decodes received items (a task's `decode` keeps no state). */
  codec: PollTask<T>;
  listeners: Set<PollListener<T>>;
  highestFence: number;
  lead: Leadership<T> | undefined;
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
  redisFailing: boolean;
  onEvent: (event: Event) => void;
}

/** The fleet pollers of one process, plus what metrics and shutdown need. */
export interface FleetPollerRegistry extends PollerRegistry {
  /** Feeds this process polls now (holds the lease of), by source id. */
  leading(): Map<string, number>;
  /** Ends every feed's subscriptions with `error` (Redis went away). */
  failAll(error: GatewayError): void;
  /** Resolves once the leases `close` gave back were released (or Redis did not answer). */
  drained(): Promise<void>;
}

/** Creates the fleet poller registry of one process; feeds start on the first `join` of their key. */
export function createFleetPollerRegistry(options: FleetPollerOptions): FleetPollerRegistry {
  const { leases, logger, leaseMs, renewMs } = options;
  const feeds = new Map<string, Feed<unknown>>();
  const releases = new Set<Promise<void>>();

  /** Runs a lease hand-back in the background; `drained` waits for it. */
  function track(work: Promise<void>) {
    const tracked = work.catch(() => undefined).finally(() => releases.delete(tracked));
    releases.add(tracked);
  }

  function release(feed: Feed<unknown>, lead: Leadership<unknown>) {
    track(leases.release(feed.hash, lead.token));
  }

  /** Stops polling `feed` here; `giveBack` deletes the lease so another replica takes over at once. */
  function resign(feed: Feed<unknown>, giveBack: boolean) {
    const lead = feed.lead;
    if (!lead) return;
    feed.lead = undefined;
    clearTimeout(lead.timer);
    if (giveBack) release(feed, lead);
    logger.debug({ sourceId: feed.sourceId, fence: lead.fence }, 'live poll lease given up');
  }

  /** This process stops listening to `feed`: gives its lease back and says it is no longer interested. */
  function stop(feed: Feed<unknown>) {
    // Once only: a failed feed is stopped, then left by each of its failed subscribers.
    if (feed.stopped) return;
    feed.stopped = true;
    clearTimeout(feed.timer);
    const token = feed.lead?.token;
    resign(feed, false);
    track(leases.leave(feed.hash, token));
    options.eventTarget.removeEventListener(feed.topic, feed.onEvent);
    if (feeds.get(feed.key) === feed) feeds.delete(feed.key);
  }

  function failFeed(feed: Feed<unknown>, error: unknown) {
    stop(feed);
    for (const listener of [...feed.listeners]) listener.fail(error);
  }

  function receive(feed: Feed<unknown>, event: FeedEvent) {
    if (feed.stopped) return;
    if (event.fence < feed.highestFence) {
      logger.warn({ sourceId: feed.sourceId, fence: event.fence, newest: feed.highestFence }, 'live poll result from an old lease holder dropped');
      return;
    }
    feed.highestFence = event.fence;
    for (const wire of event.items ?? []) {
      const item = feed.codec.decode(wire);
      for (const listener of feed.listeners) listener.next(item);
    }
    if (event.error) {
      const { code, message, sourceId } = event.error;
      failFeed(feed, new GatewayError(code, message, sourceId === undefined ? {} : { sourceId }));
    }
  }

  /** Renews the lease (holder) or tries to take it (others), then schedules the next try. */
  async function contend(feed: Feed<unknown>) {
    feed.timer = undefined;
    if (feed.stopped) return;
    let next = renewMs;
    const asked = Date.now();
    try {
      const lead = feed.lead;
      if (lead) {
        const held = await leases.renew(feed.hash, lead.token, leaseMs, stateTtlMs(feed));
        if (feed.lead === lead) {
          if (held) lead.validUntil = asked + leaseMs;
          else {
            logger.warn({ sourceId: feed.sourceId, fence: lead.fence }, 'live poll lease lost to another replica; only listening now');
            resign(feed, false);
          }
        }
      } else {
        const taken = await leases.acquire(feed.hash, leaseMs, stateTtlMs(feed));
        if ('token' in taken) {
          if (feed.stopped) return track(leases.leave(feed.hash, taken.token));
          takeLead(feed, taken.token, taken.fence, taken.state, asked);
        } else {
          next = Math.min(renewMs, taken.heldForMs + EXPIRY_SLACK_MS);
        }
      }
      if (feed.redisFailing) logger.info({ sourceId: feed.sourceId }, 'live poll lease: redis answers again');
      feed.redisFailing = false;
    } catch (error) {
      if (!feed.redisFailing) {
        logger.warn({ sourceId: feed.sourceId, err: { message: (error as Error).message } }, 'live poll lease: redis does not answer; polling paused');
      }
      feed.redisFailing = true;
      // The lease may run out before Redis answers again: stop polling before it can.
      if (feed.lead && Date.now() >= feed.lead.validUntil) resign(feed, false);
    }
    if (!feed.stopped) feed.timer = setTimeout(() => void contend(feed), next);
  }

  function takeLead(feed: Feed<unknown>, token: string, fence: number, state: string | undefined, asked: number) {
    const task = feed.createTask();
    if (state !== undefined) task.restore(state);
    const base = options.intervalMs(feed.sourceId);
    const leadership: Leadership<unknown> = {
      token,
      fence,
      task,
      started: state !== undefined,
      validUntil: asked + leaseMs,
      delay: base,
      timer: undefined,
    };
    feed.lead = leadership;
    logger.debug({ sourceId: feed.sourceId, fence, resumed: leadership.started }, 'live poll lease taken');
    // A new holder polls at once: whatever arrived during the handover is read now.
    void poll(feed, leadership);
  }

  /** One poll by the holder: read, then commit the watermark and publish, atomically. */
  async function poll(feed: Feed<unknown>, lead: Leadership<unknown>) {
    lead.timer = undefined;
    if (feed.lead !== lead) return;
    if (Date.now() >= lead.validUntil) return resign(feed, false);
    const base = options.intervalMs(feed.sourceId);
    const schedule = () => {
      if (feed.lead === lead) lead.timer = setTimeout(() => void poll(feed, lead), lead.delay);
    };
    if (options.circuitState(feed.sourceId) === 'open') {
      lead.delay = Math.min(lead.delay * 2, MAX_BACKOFF_MS);
      return schedule();
    }
    const items: unknown[] = [];
    let failure: unknown;
    let fatal = false;
    try {
      if (!lead.started) await lead.task.start();
      else await lead.task.poll((item) => items.push(lead.task.encode(item)));
      lead.delay = base;
    } catch (error) {
      failure = error;
      // Absent or foreign now, or the breaker opened: every replica's subscribers end.
      fatal = (isGatewayError(error) && error.code === 'NOT_FOUND') || options.circuitState(feed.sourceId) === 'open';
    }
    if (feed.lead !== lead) return; // lost meanwhile: the next holder reads this again
    if (failure !== undefined && !fatal && !lead.started) {
      logger.warn({ sourceId: feed.sourceId, code: isGatewayError(failure) ? failure.code : 'INTERNAL' }, 'live poll failed; retrying');
      return schedule();
    }
    const event: FeedEvent = { fence: lead.fence };
    if (items.length > 0) event.items = items;
    if (fatal) event.error = publicError(failure, feed.sourceId);
    const payload = event.items || event.error ? JSON.stringify(event) : '';
    let committed: boolean;
    try {
      committed = await leases.commit(feed.hash, lead.token, fatal ? '' : lead.task.snapshot(), stateTtlMs(feed), feed.topic, payload);
    } catch {
      // Whether it landed is unknown: the next holder (maybe this process) goes on from Redis' copy.
      logger.warn({ sourceId: feed.sourceId }, 'live poll result not committed: redis does not answer; polling paused');
      return resign(feed, true);
    }
    if (!committed) {
      logger.warn({ sourceId: feed.sourceId, fence: lead.fence }, 'live poll result dropped: the lease is held by another replica');
      return resign(feed, false);
    }
    lead.started = true;
    if (fatal) return resign(feed, true);
    if (failure !== undefined) {
      logger.warn({ sourceId: feed.sourceId, code: isGatewayError(failure) ? failure.code : 'INTERNAL' }, 'live poll failed; retrying');
    }
    schedule();
  }

  /**
   * A watermark (and a process's interest in its feed) outlives a takeover and a Redis stall of
   * up to `MIN_STATE_TTL_MS`; the last process to leave the feed deletes it at once.
   */
  const stateTtlMs = (feed: Feed<unknown>) => Math.max(MIN_STATE_TTL_MS, 2 * (leaseMs + options.intervalMs(feed.sourceId)));

  return {
    join<T>(key: string, sourceId: string, createTask: () => PollTask<T>, listener: PollListener<T>) {
      if (!options.available()) {
        throw new GatewayError('UPSTREAM_UNAVAILABLE', 'live updates are unavailable: the pub/sub store cannot be reached');
      }
      let feed = feeds.get(key) as Feed<T> | undefined;
      if (!feed) {
        const hash = createHash('sha256').update(key).digest('base64url').slice(0, 22);
        const created: Feed<T> = {
          key,
          hash,
          topic: `${options.channelPrefix}poll:${hash}`,
          sourceId,
          createTask,
          codec: createTask(),
          listeners: new Set(),
          highestFence: 0,
          lead: undefined,
          timer: undefined,
          stopped: false,
          redisFailing: false,
          onEvent: (event) => receive(created as Feed<unknown>, (event as CustomEvent<FeedEvent>).detail),
        };
        feed = created;
        feeds.set(key, created as Feed<unknown>);
        options.eventTarget.addEventListener(created.topic, created.onEvent);
        void contend(created as Feed<unknown>);
      }
      feed.listeners.add(listener);
      const joined = feed;
      return () => {
        joined.listeners.delete(listener);
        if (joined.listeners.size === 0) stop(joined as Feed<unknown>);
      };
    },
    size: () => feeds.size,
    leading() {
      const counts = new Map<string, number>();
      for (const feed of feeds.values()) if (feed.lead) counts.set(feed.sourceId, (counts.get(feed.sourceId) ?? 0) + 1);
      return counts;
    },
    failAll(error) {
      for (const feed of [...feeds.values()]) failFeed(feed, error);
    },
    close() {
      for (const feed of [...feeds.values()]) stop(feed);
    },
    async drained() {
      await Promise.all([...releases]);
    },
  };
}

/** What a fatal poll error tells subscribers on every replica: its code and client-facing message only. */
function publicError(error: unknown, sourceId: string): NonNullable<FeedEvent['error']> {
  if (isGatewayError(error)) return { code: error.code, message: error.message, ...(error.sourceId ? { sourceId: error.sourceId } : {}) };
  return { code: 'UPSTREAM_UNAVAILABLE', message: 'live updates of this source failed; subscribe again shortly', sourceId };
}
