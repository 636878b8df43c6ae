/**
 * The live-update hub: every subscription of one gateway process goes through here. A
 * subscription is an async iterable (a Repeater) fed either by pub/sub — webhook deliveries,
 * which may come from another replica through Redis — or by a shared poller (src/live/poller.ts)
 * for sources that do not push. Each event is checked against the subscriber's scope when it
 * arrives: private notes only for viewers the adapter says may see them, conversations only
 * when the adapter returns them to this viewer, each message once.
 *
 * A subscription that must end with an error yields a `LiveFailure` as its last value; the
 * resolver throws its error, so the client gets it as a GraphQL error (`extensions.code`) and
 * then the end of the stream.
 */
import { Repeater, type PubSub } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { SourceEntry } from '../providers/contract.js';
import { GatewayError, isGatewayError } from '../core/errors.js';
import type { ConversationRecord, MessageRecord, Viewer, WebhookDelivery } from '../core/records.js';
import {
  conversationKey,
  fromWireConversation,
  fromWireMessage,
  toWireConversation,
  toWireMessage,
  type LiveTopics,
} from './events.js';
import { conversationPollTask, messagePollTask } from './feeds.js';
import type { PollerRegistry } from './poller.js';
import { onTokenExpiry, tokenExpiresAt } from './token-expiry.js';

/** The last value of a subscription that ends with an error. */
export class LiveFailure {
  constructor(readonly error: unknown) {}
}

/** A conversation event as delivered to one subscriber. */
export interface LiveConversation {
  sourceId: string;
  record: ConversationRecord;
}

export interface LiveHubOptions {
  pubsub: PubSub<LiveTopics>;
  pollers: PollerRegistry;
  logger: Logger;
  /** Open subscriptions one viewer (by id) may hold on this process. */
  maxSubscriptionsPerViewer: number;
  /** Prefixes every pub/sub key, so that several gateways can share one Redis. */
  channelPrefix?: string;
  /** False while the pub/sub store (Redis) cannot be reached. */
  pubsubAvailable?: () => boolean;
}

export interface LiveHub {
  /**
   * New messages of one conversation the caller has already checked is the viewer's.
   * @throws GatewayError RATE_LIMITED past the per-viewer cap, UPSTREAM_UNAVAILABLE while pub/sub is down
   */
  messageAdded(viewer: Viewer, source: SourceEntry, conversationExternalId: string): AsyncIterable<MessageRecord | LiveFailure>;
  /** The viewer's conversations of `sources` when one appears or changes. Throws like `messageAdded`. */
  conversationUpdated(viewer: Viewer, sources: SourceEntry[]): AsyncIterable<LiveConversation | LiveFailure>;
  /**
   * A stream this process produces itself (a streamed reply), held to the same per-viewer cap
   * and ended on shutdown. `run` pushes values and resolves when done (or rejects: the stream
   * ends with that error); `signal` aborts when the subscriber goes away first.
   */
  track<T>(viewer: Viewer, run: (push: (value: T) => void, signal: AbortSignal) => Promise<void>): AsyncIterable<T | LiveFailure>;
  /** Publishes what a webhook delivery changed, to every replica's subscribers. */
  publish(sourceId: string, delivery: WebhookDelivery): Promise<void>;
  /** Ends every subscription that depends on pub/sub with `error` (the pub/sub store went away). */
  failPubSub(error: GatewayError): void;
  /** Subscriptions open on this process. */
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

/** Message keys remembered per subscription to deliver each once. */
const SEEN_PER_SUBSCRIPTION = 1000;

/** Creates the hub of one gateway process. */
export function createLiveHub(options: LiveHubOptions): LiveHub {
  const { pubsub, pollers, logger } = options;
  const prefix = options.channelPrefix ?? '';
  const active = new Set<ActiveSubscription>();
  const perViewer = new Map<string, number>();

  function admit(viewer: Viewer, usesPubSub: boolean) {
    if ((perViewer.get(viewer.id) ?? 0) >= options.maxSubscriptionsPerViewer) {
      throw new GatewayError('RATE_LIMITED', `at most ${options.maxSubscriptionsPerViewer} open subscriptions per viewer`);
    }
    if (usesPubSub && options.pubsubAvailable && !options.pubsubAvailable()) {
      throw new GatewayError('UPSTREAM_UNAVAILABLE', 'live updates are unavailable: the pub/sub store cannot be reached');
    }
  }

  /** Runs `setup` when the stream starts and its clean-ups when it ends, however it ends. */
  function stream<T>(
    viewer: Viewer,
    usesPubSub: boolean,
    setup: (push: (value: T) => void, end: (error?: unknown) => void) => Array<() => void>,
  ): AsyncIterable<T | LiveFailure> {
    admit(viewer, usesPubSub);
    return new Repeater<T | LiveFailure>(async (push, stop) => {
      let ended = false;
      const subscription: ActiveSubscription = {
        usesPubSub,
        end(error) {
          if (ended) return;
          ended = true;
          if (error !== undefined) void push(new LiveFailure(error));
          stop();
        },
      };
      active.add(subscription);
      perViewer.set(viewer.id, (perViewer.get(viewer.id) ?? 0) + 1);
      let cleanups: Array<() => void> = [];
      try {
        cleanups = setup((value) => {
          if (!ended) void push(value);
        }, subscription.end);
      } catch (error) {
        subscription.end(error);
      }
      // A stream outlives the request that opened it, never the viewer's token.
      const expires = tokenExpiresAt(viewer);
      const cancelExpiry =
        expires === undefined
          ? undefined
          : onTokenExpiry(expires, () => subscription.end(new GatewayError('UNAUTHENTICATED', 'token expired: subscribe again with a fresh one')));
      await stop;
      cancelExpiry?.();
      ended = true;
      active.delete(subscription);
      const left = (perViewer.get(viewer.id) ?? 1) - 1;
      if (left > 0) perViewer.set(viewer.id, left);
      else perViewer.delete(viewer.id);
      for (const cleanup of cleanups) cleanup();
    });
  }

  /** Consumes a pub/sub iterable until the stream ends; returns its clean-up. */
  function consume<E>(iterable: AsyncIterable<E>, handle: (event: E) => Promise<void> | void, end: (error?: unknown) => void) {
    const iterator = iterable[Symbol.asyncIterator]();
    void (async () => {
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          await handle(next.value);
        }
      } catch (error) {
        end(error);
      }
    })();
    return () => void iterator.return?.();
  }

  /** Who may be polled together: the same upstream user with the same roles sees the same. */
  const viewerKey = (viewer: Viewer) => JSON.stringify([viewer.id, [...viewer.roles].sort()]);

  return {
    messageAdded(viewer, source, conversationExternalId) {
      const { adapter } = source;
      const pushed = adapter.receiveWebhook !== undefined;
      const privateVisible = adapter.seesPrivateNotes?.(viewer) ?? false;
      return stream<MessageRecord>(viewer, pushed, (push, end) => {
        const seen = new LRUCache<string, true>({ max: SEEN_PER_SUBSCRIPTION });
        const deliver = (record: MessageRecord) => {
          if (record.isPrivate && !privateVisible) return;
          if (seen.has(record.key)) return;
          seen.set(record.key, true);
          push(record);
        };
        if (pushed) {
          const key = prefix + conversationKey(source.id, conversationExternalId);
          return [consume(pubsub.subscribe('message:added', key), (event) => deliver(fromWireMessage(event.message)), end)];
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

    conversationUpdated(viewer, sources) {
      const usesPubSub = sources.some((source) => source.adapter.receiveWebhook !== undefined);
      return stream<LiveConversation>(viewer, usesPubSub, (push, end) =>
        sources.map((source) => {
          const { adapter } = source;
          if (adapter.receiveWebhook) {
            // The event says which conversation changed; whether this viewer sees it, and how
            // it looks now, comes from the same lookup reads use.
            return consume(
              pubsub.subscribe('conversation:updated', prefix + source.id),
              async (event) => {
                const hinted = fromWireConversation(event.conversation);
                const [found] = await adapter.getConversations(viewer, [hinted.externalId]);
                if (found instanceof Error) {
                  logger.warn({ sourceId: source.id, code: isGatewayError(found) ? found.code : 'INTERNAL' }, 'live conversation check failed');
                  return;
                }
                if (found) push({ sourceId: source.id, record: found });
              },
              end,
            );
          }
          const pollKey = JSON.stringify(['conversations', source.id, viewerKey(viewer)]);
          return pollers.join(pollKey, source.id, () => conversationPollTask(adapter, viewer), {
            next: (record) => push({ sourceId: source.id, record }),
            fail: end,
          });
        }),
      );
    },

    track(viewer, run) {
      return stream(viewer, false, (push, end) => {
        const controller = new AbortController();
        run(push, controller.signal).then(
          () => end(),
          (error: unknown) => end(error),
        );
        return [() => controller.abort()];
      });
    },

    async publish(sourceId, delivery) {
      for (const message of delivery.messages) {
        pubsub.publish('message:added', prefix + conversationKey(sourceId, message.conversationExternalId), {
          sourceId,
          message: toWireMessage(message),
        });
      }
      for (const conversation of delivery.conversations) {
        pubsub.publish('conversation:updated', prefix + sourceId, { sourceId, conversation: toWireConversation(conversation) });
      }
    },

    failPubSub(error) {
      for (const subscription of [...active]) if (subscription.usesPubSub) subscription.end(error);
    },

    openSubscriptions: () => active.size,

    available: () => options.pubsubAvailable?.() ?? true,

    close() {
      for (const subscription of [...active]) subscription.end();
      pollers.close();
    },
  };
}
