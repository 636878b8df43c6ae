/**
 * The live-update hub: every subscription of one gateway process goes through here. A
 * subscription is an async iterable (a Repeater) fed either by pub/sub — webhook deliveries,
 * which may come from another replica through Redis — or by a shared poller (src/live/poller.ts)
 * for sources that do not push. Each event is checked against the subscriber's scope when it
 * arrives: private notes only for viewers the adapter says may see them, conversations only
 * when the adapter returns them to the viewer's access class (one lookup per class and event,
 * src/live/conversation-lookups.ts), each message once.
 *
 * A subscription that must end with an error yields a `LiveFailure` as its last value; the
 * resolver throws its error, so the client gets it as a GraphQL error (`extensions.code`) and
 * then the end of the stream.
 *
 * Admission is counted when the operation is accepted: a resolver reserves a `SubscriptionSlot`
 * synchronously, before any await or upstream call, and the slot is released when the stream
 * ends, so a burst of subscribes cannot pass the per-viewer cap. Every subscriber has its own
 * bounded buffer (src/live/bounded-queue.ts): feeds push without waiting, and a subscriber that
 * stops reading loses its stream (`SUBSCRIBER_TOO_SLOW`), never another's or the process.
 */
import type { Logger } from 'pino';
import type { SourceEntry } from '../providers/contract.js';
import { GatewayError } from '../core/errors.js';
import type { MessageRecord, Viewer, WebhookDelivery } from '../core/records.js';
import {
  conversationKey,
  fromWireConversation,
  fromWireMessage,
  toWireConversation,
  toWireMessage,
  type ConversationEvent,
  type MessageEvent,
} from './events.js';
import { conversationPollTask, messagePollTask } from './feeds.js';
import { sharedConversationEvent, type SharedConversation, type SharedConversationEvent } from './conversation-lookups.js';
import { createBoundedQueue, type BoundedQueue } from './bounded-queue.js';
import type { PollerRegistry } from './poller.js';
import { onTokenExpiry, tokenExpiresAt } from './token-expiry.js';

/** The last value of a subscription that ends with an error. */
export class LiveFailure {
  constructor(readonly error: unknown) {}
}

/**
 * A conversation event as delivered to a subscriber: from a pushed source, the same object for
 * every subscriber of one access class (src/live/conversation-lookups.ts).
 */
export type LiveConversation = SharedConversation;

/**
 * Where events are dispatched: an in-memory `EventTarget`, or the Redis event target (which
 * subscribes to a channel per event type while it has listeners). Events are `CustomEvent`s.
 */
export interface LiveEventTarget {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  dispatchEvent(event: Event): boolean;
}

export interface LiveHubOptions {
  /** Carries published events to subscribers (to every replica's, with Redis). */
  eventTarget: LiveEventTarget;
  pollers: PollerRegistry;
  logger: Logger;
  /** Open subscriptions one viewer (by id) may hold on this process. */
  maxSubscriptionsPerViewer: number;
  /**
   * Events held for one subscriber that has not read them; one more ends that stream with
   * `SUBSCRIBER_TOO_SLOW`. @default 100
   */
  subscriberBufferEvents?: number;
  /** Prefixes every pub/sub key, so that several gateways can share one Redis. */
  channelPrefix?: string;
  /** False while the pub/sub store (Redis) cannot be reached. */
  pubsubAvailable?: () => boolean;
  /**
   * Publishes one event and resolves once the pub/sub store took it (Redis), so a webhook is
   * acknowledged only when its events went out. Without it events go to `eventTarget`.
   */
  publish?: (topic: string, payload: string) => Promise<void>;
}

/**
 * A place under the per-viewer cap, taken when an operation is accepted and held by the stream
 * it opens. `release` is idempotent: a resolver that fails before opening its stream releases
 * it; a stream releases it when it ends.
 */
export interface SubscriptionSlot {
  readonly viewer: Viewer;
  release(): void;
}

export interface LiveHub {
  /**
   * Takes a place under `maxSubscriptionsPerViewer` at once (no await in between, so a burst of
   * subscribes cannot all pass a check of the same count).
   * @throws GatewayError RATE_LIMITED past the per-viewer cap
   */
  reserve(viewer: Viewer): SubscriptionSlot;
  /**
   * New messages of one conversation the caller has already checked is the viewer's.
   * @throws GatewayError UPSTREAM_UNAVAILABLE while pub/sub is down (the slot is released)
   */
  messageAdded(slot: SubscriptionSlot, source: SourceEntry, conversationExternalId: string): AsyncIterable<MessageRecord | LiveFailure>;
  /** The viewer's conversations of `sources` when one appears or changes. Throws like `messageAdded`. */
  conversationUpdated(slot: SubscriptionSlot, sources: SourceEntry[]): AsyncIterable<LiveConversation | LiveFailure>;
  /**
   * A stream this process produces itself (a streamed reply), held to the same per-viewer cap
   * and ended on shutdown. `run` pushes values and resolves when done (or rejects: the stream
   * ends with that error); `signal` aborts when the subscriber goes away first.
   */
  track<T>(slot: SubscriptionSlot, run: (push: (value: T) => void, signal: AbortSignal) => Promise<void>): AsyncIterable<T | LiveFailure>;
  /** Publishes what a webhook delivery changed, to every replica's subscribers. */
  publish(sourceId: string, delivery: WebhookDelivery): Promise<void>;
  /** Ends every subscription that depends on pub/sub with `error` (the pub/sub store went away). */
  failPubSub(error: GatewayError): void;
  /** Subscriptions open (or reserved) on this process. */
  openSubscriptions(): number;
  /** False while the pub/sub store (Redis) cannot be reached. */
  available(): boolean;
  /** Ends every subscription (shutdown). */
  close(): void;
}

interface ActiveSubscription {
  usesPubSub: boolean;
  end(error?: unknown): void;
}

/** Message keys remembered per topic to deliver each once (webhooks are redelivered). */
const SEEN_PER_TOPIC = 1000;

/**
 * The subscribers of one pub/sub topic, behind one listener: each event is read (parsed, and
 * for messages checked for a repeat) once, and every subscriber gets the same value (which lets
 * src/plugins/use-shared-live-execution.ts execute it once per group of alike subscribers).
 */
interface Topic {
  subscribers: Set<(value: unknown) => void>;
  stop(): void;
}

/** Reads one event of a topic: the value its subscribers get, or undefined to drop it. */
type TopicReader<T> = (detail: unknown) => T | undefined;

/** The error a subscriber's stream ends with when its buffer overflows. */
export function subscriberTooSlow(capacity: number): GatewayError {
  return new GatewayError(
    'SUBSCRIBER_TOO_SLOW',
    `the subscriber fell ${capacity} events behind and its stream was ended: read faster, or subscribe again`,
  );
}

/** Creates the hub of one gateway process. */
export function createLiveHub(options: LiveHubOptions): LiveHub {
  const { eventTarget, pollers, logger } = options;
  const prefix = options.channelPrefix ?? '';
  const capacity = options.subscriberBufferEvents ?? 100;
  const active = new Set<ActiveSubscription>();
  const perViewer = new Map<string, number>();
  let reserved = 0;

  function reserve(viewer: Viewer): SubscriptionSlot {
    const held = perViewer.get(viewer.id) ?? 0;
    if (held >= options.maxSubscriptionsPerViewer) {
      throw new GatewayError('RATE_LIMITED', `at most ${options.maxSubscriptionsPerViewer} open subscriptions per viewer`);
    }
    perViewer.set(viewer.id, held + 1);
    reserved += 1;
    let released = false;
    return {
      viewer,
      release() {
        if (released) return;
        released = true;
        reserved -= 1;
        const left = (perViewer.get(viewer.id) ?? 1) - 1;
        if (left > 0) perViewer.set(viewer.id, left);
        else perViewer.delete(viewer.id);
      },
    };
  }

  /**
   * Opens a stream on `slot`: runs `setup` at once, and its clean-ups and the slot's release
   * when the stream ends, however it ends (read to the end, returned by the transport,
   * overflowed, failed, shut down).
   */
  function stream<T>(
    slot: SubscriptionSlot,
    usesPubSub: boolean,
    setup: (push: (value: T) => void, end: (error?: unknown) => void) => Array<() => void>,
  ): AsyncIterable<T | LiveFailure> {
    if (usesPubSub && options.pubsubAvailable && !options.pubsubAvailable()) {
      slot.release();
      throw new GatewayError('UPSTREAM_UNAVAILABLE', 'live updates are unavailable: the pub/sub store cannot be reached');
    }
    const { viewer } = slot;
    let cleanups: Array<() => void> = [];
    let cancelExpiry: (() => void) | undefined;
    const queue: BoundedQueue<T | LiveFailure> = createBoundedQueue<T | LiveFailure>({
      capacity,
      overflow: () => {
        logger.warn({ viewerId: viewer.id, bufferedEvents: capacity }, 'live subscriber too slow: its stream was ended');
        return new LiveFailure(subscriberTooSlow(capacity));
      },
      onEnd: () => {
        cancelExpiry?.();
        active.delete(subscription);
        slot.release();
        for (const cleanup of cleanups.splice(0)) cleanup();
      },
    });
    const subscription: ActiveSubscription = {
      usesPubSub,
      end(error) {
        queue.finish(error === undefined ? undefined : new LiveFailure(error));
        // An overflowed or failed stream stops listening at once, not when its reader returns.
        for (const cleanup of cleanups.splice(0)) cleanup();
      },
    };
    active.add(subscription);
    const push = (value: T) => {
      if (!queue.push(value)) for (const cleanup of cleanups.splice(0)) cleanup();
    };
    try {
      cleanups = setup(push, subscription.end);
    } catch (error) {
      subscription.end(error);
    }
    // A stream outlives the request that opened it, never the viewer's token.
    const expires = tokenExpiresAt(viewer);
    if (expires !== undefined && !queue.closed) {
      cancelExpiry = onTokenExpiry(expires, () =>
        subscription.end(new GatewayError('UNAUTHENTICATED', 'token expired: subscribe again with a fresh one')),
      );
    }
    return queue;
  }

  /**
   * Runs async checks one after another, in arrival order, holding at most `capacity` waiting:
   * past that the stream ends as a too-slow subscriber would.
   */
  function serially<E>(check: (event: E) => Promise<void>, end: (error?: unknown) => void): (event: E) => void {
    let chain = Promise.resolve();
    let waiting = 0;
    let stopped = false;
    return (event) => {
      if (stopped) return;
      if (waiting >= capacity) {
        stopped = true;
        logger.warn({ bufferedEvents: capacity }, 'live subscriber checks fell behind: its stream was ended');
        end(subscriberTooSlow(capacity));
        return;
      }
      waiting += 1;
      chain = chain
        .then(() => (stopped ? undefined : check(event)))
        .catch((error: unknown) => {
          stopped = true;
          end(error);
        })
        .finally(() => {
          waiting -= 1;
        });
    };
  }

  const topics = new Map<string, Topic>();

  /**
   * Adds `deliver` to the subscribers of `topic`, listening to the topic while it has any; the
   * first subscriber's `createReader` makes the topic's reader. Returns the clean-up that removes
   * it. A subscriber whose `deliver` throws ends alone.
   */
  function joinTopic<T>(topic: string, createReader: () => TopicReader<T>, deliver: (value: T) => void, end: (error?: unknown) => void): () => void {
    let joined = topics.get(topic);
    if (!joined) {
      const subscribers = new Set<(value: unknown) => void>();
      const read = createReader();
      const listener = (event: Event) => {
        let value: T | undefined;
        try {
          value = read((event as CustomEvent<unknown>).detail);
        } catch (error) {
          logger.warn({ topic, err: error }, 'live event could not be read: dropped');
          return;
        }
        if (value === undefined) return;
        for (const subscriber of [...subscribers]) subscriber(value);
      };
      eventTarget.addEventListener(topic, listener);
      joined = { subscribers, stop: () => eventTarget.removeEventListener(topic, listener) };
      topics.set(topic, joined);
    }
    const safely = (value: unknown) => {
      try {
        deliver(value as T);
      } catch (error) {
        end(error);
      }
    };
    const topicOf = joined;
    topicOf.subscribers.add(safely);
    return () => {
      topicOf.subscribers.delete(safely);
      if (topicOf.subscribers.size === 0 && topics.get(topic) === topicOf) {
        topicOf.stop();
        topics.delete(topic);
      }
    };
  }

  /**
   * A message topic's reader: each message once, by the keys of the last `SEEN_PER_TOPIC` seen
   * (oldest first; a Set keeps insertion order). It grows with the messages seen, never
   * preallocated: most topics (one customer's conversation) see a handful.
   */
  const messageReader = (): TopicReader<MessageRecord> => {
    const seen = new Set<string>();
    return (detail) => {
      const record = fromWireMessage((detail as MessageEvent).message);
      if (seen.has(record.key)) return undefined;
      seen.add(record.key);
      if (seen.size > SEEN_PER_TOPIC) seen.delete(seen.values().next().value!);
      return record;
    };
  };

  /** A conversation topic's reader: the event, with its lookups shared by access class. */
  const conversationReader =
    (source: SourceEntry): (() => TopicReader<SharedConversationEvent>) =>
    () =>
    (detail) =>
      sharedConversationEvent(source, fromWireConversation((detail as ConversationEvent).conversation).externalId, logger);

  /** Who may be polled together: the same upstream user with the same roles sees the same. */
  const viewerKey = (viewer: Viewer) => JSON.stringify([viewer.id, [...viewer.roles].sort()]);

  return {
    reserve,

    messageAdded(slot, source, conversationExternalId) {
      const { viewer } = slot;
      const { adapter } = source;
      const pushed = adapter.receiveWebhook !== undefined;
      const privateVisible = adapter.seesPrivateNotes?.(viewer) ?? false;
      return stream<MessageRecord>(slot, pushed, (push, end) => {
        // Repeats are dropped before this: by the topic (webhooks), by the poll's cursor (polls).
        const deliver = (record: MessageRecord) => {
          if (record.isPrivate && !privateVisible) return;
          push(record);
        };
        if (pushed) {
          const topic = `message:added:${prefix}${conversationKey(source.id, conversationExternalId)}`;
          return [joinTopic(topic, messageReader, deliver, end)];
        }
        const pollKey = JSON.stringify(['messages', source.id, conversationExternalId, viewerKey(viewer)]);
        return [
          pollers.join(pollKey, source.id, () => messagePollTask(adapter, viewer, conversationExternalId), {
            next: deliver,
            fail: end,
          }),
        ];
      });
    },

    conversationUpdated(slot, sources) {
      const { viewer } = slot;
      const usesPubSub = sources.some((source) => source.adapter.receiveWebhook !== undefined);
      return stream<LiveConversation>(slot, usesPubSub, (push, end) =>
        sources.map((source) => {
          const { adapter } = source;
          if (adapter.receiveWebhook) {
            // One listener and one lookup per access class for all subscribers of the source
            // (src/live/conversation-lookups.ts); each subscriber awaits them in its own order.
            const check = serially<SharedConversationEvent>(async (event) => {
              const visible = await event.visibleTo(viewer);
              if (visible) push(visible);
            }, end);
            return joinTopic(`conversation:updated:${prefix}${source.id}`, conversationReader(source), check, end);
          }
          const pollKey = JSON.stringify(['conversations', source.id, viewerKey(viewer)]);
          return pollers.join(pollKey, source.id, () => conversationPollTask(adapter, viewer), {
            next: (record) => push({ sourceId: source.id, record }),
            fail: end,
          });
        }),
      );
    },

    track(slot, run) {
      return stream(slot, false, (push, end) => {
        const controller = new AbortController();
        run(push, controller.signal).then(
          () => end(),
          (error: unknown) => end(error),
        );
        return [() => controller.abort()];
      });
    },

    async publish(sourceId, delivery) {
      const events: Array<[string, MessageEvent | ConversationEvent]> = [
        ...delivery.messages.map((message): [string, MessageEvent] => [
          `message:added:${prefix}${conversationKey(sourceId, message.conversationExternalId)}`,
          { sourceId, message: toWireMessage(message) },
        ]),
        ...delivery.conversations.map((conversation): [string, ConversationEvent] => [
          `conversation:updated:${prefix}${sourceId}`,
          { sourceId, conversation: toWireConversation(conversation) },
        ]),
      ];
      // In order: a message and the conversation change it caused arrive as they happened.
      for (const [topic, event] of events) {
        if (options.publish) await options.publish(topic, JSON.stringify(event));
        else eventTarget.dispatchEvent(new CustomEvent(topic, { detail: event }));
      }
    },

    failPubSub(error) {
      for (const subscription of [...active]) if (subscription.usesPubSub) subscription.end(error);
    },

    openSubscriptions: () => reserved,

    available: () => options.pubsubAvailable?.() ?? true,

    close() {
      for (const subscription of [...active]) subscription.end();
      pollers.close();
    },
  };
}
