/**
 * The events that flow through pub/sub, and their wire form. Events may cross a Redis channel,
 * so they are JSON: times travel as ISO 8601 strings and are revived into `Date`s on arrival.
 * An event names its source and the backend's own ids; who may see it is decided per
 * subscriber when it arrives (src/live/hub.ts), never by the publisher.
 */
import type { ConversationAgentState, ConversationRecord, MessageRecord } from '../core/records.js';

/** A message record with its `Date`s as ISO 8601 strings (or null). */
export type WireMessage = Omit<MessageRecord, 'createdAt'> & { createdAt: string | null };
/** A conversation record with its `Date`s as ISO 8601 strings (or null). */
export type WireConversation = Omit<ConversationRecord, 'createdAt' | 'updatedAt' | 'agentState'> & {
  createdAt: string | null;
  updatedAt: string | null;
  agentState?: (Omit<ConversationAgentState, 'lastSeenAt'> & { lastSeenAt: string | null }) | null;
};

/** `message:added`: one new (or edited) message of one conversation. */
export interface MessageEvent {
  sourceId: string;
  message: WireMessage;
}

/** `conversation:updated`: a conversation appeared, or its status, title or last activity changed. */
export interface ConversationEvent {
  sourceId: string;
  conversation: WireConversation;
}

/**
 * The typed topics (graphql-yoga `createPubSub`). Each is keyed by an id so that a replica
 * subscribes to the one channel it needs: `message:added` by `<sourceId>:<conversation id>`,
 * `conversation:updated` by `<sourceId>`.
 */
export type LiveTopics = {
  'message:added': [key: string, payload: MessageEvent];
  'conversation:updated': [sourceId: string, payload: ConversationEvent];
};

/** The `message:added` key of one conversation. */
export const conversationKey = (sourceId: string, conversationExternalId: string): string =>
  `${sourceId}:${conversationExternalId}`;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
const revive = (value: string | null): Date | null => {
  if (value === null) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
};

/** A message record → its JSON-safe wire form. */
export function toWireMessage(record: MessageRecord): WireMessage {
  return { ...record, createdAt: iso(record.createdAt) };
}

/** The wire form → a message record with `Date`s (an unparsable time becomes null). */
export function fromWireMessage(wire: WireMessage): MessageRecord {
  return { ...wire, createdAt: revive(wire.createdAt) };
}

/** A conversation record → its JSON-safe wire form. */
export function toWireConversation(record: ConversationRecord): WireConversation {
  const { agentState, ...rest } = record;
  return {
    ...rest,
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
    ...(agentState ? { agentState: { ...agentState, lastSeenAt: iso(agentState.lastSeenAt) } } : {}),
  };
}

/** The wire form → a conversation record with `Date`s. */
export function fromWireConversation(wire: WireConversation): ConversationRecord {
  const { agentState, ...rest } = wire;
  return {
    ...rest,
    createdAt: revive(wire.createdAt),
    updatedAt: revive(wire.updatedAt),
    ...(agentState ? { agentState: { ...agentState, lastSeenAt: revive(agentState.lastSeenAt) } } : {}),
  };
}
