/**
 * Per-request DataLoaders, one set per source, created with the request's viewer and thrown
 * away with the request: identical reads inside one operation reach the upstream once, and
 * reads of the same kind issued in one tick are batched into one adapter call.
 */
import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { Gateway } from '../gateway/gateway.js';
import type { SourceEntry } from '../providers/contract.js';
import { notFound } from '../core/errors.js';
import { DEFAULT_CONVERSATION_ORDER, listingKey } from '../core/conversation-filter.js';
import type { RequestScope } from '../upstream/request-scope.js';
import { createRequestMemo, type RequestMemo } from '../upstream/request-memo.js';
import type { ConversationPage, ConversationRecord, ConversationSlice, MessagePage, MessageRecord, MessageRef, MessageSlice, Viewer } from '../core/records.js';

/** A request for one page of a conversation's messages. */
export interface MessagePageKey {
  conversationId: string;
  page: MessagePage;
}

/** The loaders of one source. Every value may also be an `Error` for its key. */
export interface SourceLoaders {
  source: SourceEntry;
  /**
   * The request's memo of this source, handed to every adapter read so they can share upstream
   * walks; `memo.scope` is the request's deadline and call budget (`Loaders.scope`). Clear it
   * (with the loaders) after a write changes what was read.
   */
  memo: RequestMemo;
  /** Conversation by external id → record, or null when absent or not the viewer's. */
  conversation: DataLoader<string, ConversationRecord | null>;
  /** Message by reference → record, or null. */
  message: DataLoader<MessageRef, MessageRecord | null, string>;
  /** One page of the source's conversation list (filtered and ordered as the page asks). */
  conversationPage: DataLoader<ConversationPage, ConversationSlice, string>;
  /** One page of a conversation's messages. */
  messagePage: DataLoader<MessagePageKey, MessageSlice, string>;
}

export interface Loaders {
  /**
   * The loaders of `sourceId`.
   * @throws GatewayError NOT_FOUND for a source that is not configured
   */
  forSource(sourceId: string): SourceLoaders;
  /** Forgets everything loaded from `sourceId` (after a write), so later reads go upstream again. */
  forget(sourceId: string): void;
  /**
   * Forgets everything loaded from every source and the operation's scope: a live
   * subscription's context outlives each event's execution, and must neither serve the next
   * event from this one's cache nor keep its records alive in between.
   */
  clear(): void;
  /** The gateway's logger, for failures that are the gateway's own (an adapter's bug). */
  logger: Logger;
  /**
   * The operation's deadline and upstream call budget, set by `useDeadline`
   * (src/plugins/use-deadline.ts) when the operation starts executing; undefined before that
   * and for subscriptions. Adapter reads find it as `memo.scope`; resolvers hand it to adapter
   * writes as their last argument.
   */
  scope?: RequestScope;
}

/**
 * The request's loaders. Nothing is allocated per source until a resolver first asks for it,
 * and the methods live on the prototype: an open subscription keeps one of these per
 * subscriber for its whole life, so an unused one must cost a few words, not closures and maps.
 * @param viewer called on first use; throws UNAUTHENTICATED when the request has no viewer
 */
export function createLoaders(gateway: Gateway, viewer: () => Viewer): Loaders {
  return new RequestLoaders(gateway, viewer);
}

class RequestLoaders implements Loaders {
  scope: RequestScope | undefined = undefined;
  private bySource: Map<string, SourceLoaders> | undefined = undefined;

  constructor(
    private readonly gateway: Gateway,
    private readonly viewer: () => Viewer,
  ) {}

  get logger(): Logger {
    return this.gateway.logger;
  }

  forSource(sourceId: string): SourceLoaders {
    let forSource = this.bySource?.get(sourceId);
    if (!forSource) {
      const source = this.gateway.sources.get(sourceId);
      if (!source) throw notFound('source', sourceId);
      forSource = createSourceLoaders(source, this.viewer, () => this.scope);
      (this.bySource ??= new Map()).set(sourceId, forSource);
    }
    return forSource;
  }

  forget(sourceId: string): void {
    this.bySource?.delete(sourceId);
  }

  clear(): void {
    this.bySource = undefined;
    this.scope = undefined;
  }
}

function createSourceLoaders(source: SourceEntry, viewer: () => Viewer, scope: () => RequestScope | undefined): SourceLoaders {
  const { adapter } = source;
  const memo = createRequestMemo(scope);
  // Unambiguous without JSON: the conversation id's length says where the message key starts.
  const messageKey = (ref: MessageRef) => `${ref.conversationExternalId.length}:${ref.conversationExternalId}${ref.key}`;
  // The pages of messages read so far: `message` answers from them without a call. Kept whole
  // and searched on use, not primed into `message` (a cache key and a promise for every message
  // of every page), since few operations ask for a paged message again (Feedback.message, node).
  const pages: Array<{ conversationId: string; messages: readonly MessageRecord[] }> = [];
  const paged = (ref: MessageRef): MessageRecord | undefined => {
    for (const page of pages) {
      if (page.conversationId !== ref.conversationExternalId) continue;
      const found = page.messages.find((record) => record.key === ref.key);
      if (found) return found;
    }
    return undefined;
  };

  const conversation = new DataLoader<string, ConversationRecord | null>(
    (ids) => adapter.getConversations(viewer(), ids, memo),
    { maxBatchSize: 100 },
  );
  const message = new DataLoader<MessageRef, MessageRecord | null, string>(
    async (refs) => {
      // Looked up before the call: a page read finishing meanwhile must not shift the answers.
      const known = refs.map(paged);
      const missing = refs.filter((_, index) => known[index] === undefined);
      const fetched = missing.length === 0 ? [] : await adapter.getMessages(viewer(), missing, memo);
      // What DataLoader itself would say of a batch function answering the wrong number of keys.
      if (fetched.length !== missing.length) {
        throw new Error(`getMessages of source ${source.id} answered ${fetched.length} records for ${missing.length} refs`);
      }
      let next = 0;
      return known.map((record) => record ?? fetched[next++]!);
    },
    { cacheKeyFn: messageKey, maxBatchSize: 100 },
  );
  const conversationPage = new DataLoader<ConversationPage, ConversationSlice, string>(
    (pages) =>
      eachSettled(pages, async (page) => {
        const slice = await adapter.listConversations(viewer(), page, memo);
        for (const item of slice.items) conversation.prime(item.externalId, item);
        return slice;
      }),
    { cacheKeyFn: (page) => JSON.stringify([page.after, page.limit, listingKey({ filter: page.filter ?? {}, order: page.order ?? DEFAULT_CONVERSATION_ORDER })]) },
  );
  const messagePage = new DataLoader<MessagePageKey, MessageSlice, string>(
    (keys) =>
      eachSettled(keys, async ({ conversationId, page }) => {
        const slice = await adapter.listMessages(viewer(), conversationId, page, memo);
        pages.push({ conversationId, messages: slice.messages });
        return slice;
      }),
    { cacheKeyFn: ({ conversationId, page }) => JSON.stringify([conversationId, page.direction, page.cursor, page.limit]) },
  );
  return { source, memo, conversation, message, conversationPage, messagePage };
}

/** Runs `fn` for every key at once; a failure fills that key's slot with its Error. */
function eachSettled<K, V>(keys: readonly K[], fn: (key: K) => Promise<V>): Promise<Array<V | Error>> {
  return Promise.all(
    keys.map((key) => fn(key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))),
  );
}
