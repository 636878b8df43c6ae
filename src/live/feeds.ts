/**
 * Poll tasks over the adapter contract, for sources that do not push. They read through the
 * same adapter calls as `Conversation.messages` and `Query.conversations`, as the subscriber,
 * so a poll sees exactly what a read would.
 */
import type { ConversationRecord, MessageRecord, Viewer } from '../core/records.js';
import type { ProviderAdapter } from '../providers/contract.js';
import { fromWireConversation, fromWireMessage, toWireConversation, toWireMessage, type WireConversation, type WireMessage } from './events.js';
import type { PollTask } from './poller.js';

/** Pages read by one message poll before the rest waits for the next tick (100 messages each). */
const MAX_PAGES_PER_POLL = 10;
/** Conversations a list poll compares: the most recently updated ones. */
const LIST_WINDOW = 20;

/**
 * New messages of one conversation: the baseline is the newest message's key; each poll reads
 * forward from the last key delivered, so a message is emitted once and none is skipped even
 * when many arrive between two polls.
 */
export function messagePollTask(adapter: ProviderAdapter, viewer: Viewer, conversationId: string): PollTask<MessageRecord> {
  let last: string | null = null;
  return {
    async start() {
      const newest = await adapter.listMessages(viewer, conversationId, { direction: 'backward', cursor: null, limit: 1 });
      last = newest.messages.at(-1)?.key ?? null;
    },
    async poll(emit) {
      for (let page = 0; page < MAX_PAGES_PER_POLL; page += 1) {
        const slice = await adapter.listMessages(viewer, conversationId, { direction: 'forward', cursor: last, limit: 100 });
        for (const message of slice.messages) {
          emit(message);
          last = message.key;
        }
        if (!slice.hasMore || slice.messages.length === 0) break;
      }
    },
    snapshot: () => JSON.stringify(last),
    restore(snapshot) {
      last = JSON.parse(snapshot) as string | null;
    },
    encode: toWireMessage,
    decode: (wire) => fromWireMessage(wire as WireMessage),
  };
}

/** What a change is seen by: status, title, last activity and, where there is one, the agent-side state. */
const signature = (record: ConversationRecord) => {
  const agent = record.agentState;
  return JSON.stringify([
    record.status,
    record.title,
    record.updatedAt?.getTime() ?? null,
    agent ? [agent.assignee?.id ?? null, agent.labels, agent.priority, agent.unreadCount, agent.lastSeenAt?.getTime() ?? null] : null,
  ]);
};

/**
 * Conversations of one viewer that appeared, or whose status, title, last activity or agent-side
 * state (assignee, labels, priority, read state) changed,
 * among the `LIST_WINDOW` most recently updated (a changed conversation moves to the top).
 */
export function conversationPollTask(adapter: ProviderAdapter, viewer: Viewer): PollTask<ConversationRecord> {
  const known = new Map<string, string>();
  const read = () => adapter.listConversations(viewer, { after: null, limit: LIST_WINDOW });
  return {
    async start() {
      for (const record of (await read()).items) known.set(record.externalId, signature(record));
    },
    async poll(emit) {
      const { items } = await read();
      // Oldest change first, so that subscribers see changes in the order they happened.
      for (const record of [...items].reverse()) {
        const now = signature(record);
        if (known.get(record.externalId) === now) continue;
        known.set(record.externalId, now);
        emit(record);
      }
    },
    snapshot: () => JSON.stringify([...known]),
    restore(snapshot) {
      known.clear();
      for (const [id, seen] of JSON.parse(snapshot) as Array<[string, string]>) known.set(id, seen);
    },
    encode: toWireConversation,
    decode: (wire) => fromWireConversation(wire as WireConversation),
  };
}
