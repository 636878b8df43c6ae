/**
 * What resolvers pass around as parents. Each carries its source id, because the source id is
 * part of every global ID and decides which adapter and DataLoaders serve its fields.
 */
import type { SourceEntry } from '../providers/contract.js';
import type { ConversationRecord, MessageRecord, MessageRef } from '../core/records.js';

export interface SourceShape {
  kind: 'Source';
  source: SourceEntry;
}

export interface ConversationShape {
  kind: 'Conversation';
  sourceId: string;
  record: ConversationRecord;
  /**
   * True for a reference whose record holds only `externalId` (its existence already proven,
   * e.g. by the messages read that answered it): list-only fields load the record on demand.
   */
  partial?: boolean;
}

export interface MessageShape {
  kind: 'Message';
  sourceId: string;
  record: MessageRecord;
}

export const sourceShape = (source: SourceEntry): SourceShape => ({ kind: 'Source', source });

export const conversationShape = (sourceId: string, record: ConversationRecord): ConversationShape => ({
  kind: 'Conversation',
  sourceId,
  record,
});

export const messageShape = (sourceId: string, record: MessageRecord): MessageShape => ({
  kind: 'Message',
  sourceId,
  record,
});

/** A feedback row: the rated message and what the rating says. */
export interface FeedbackShape {
  kind: 'Feedback';
  sourceId: string;
  message: MessageRef;
  rating: 'LIKE' | 'DISLIKE';
  content: string | null;
  createdAt: Date | null;
  fromSource: string | null;
}

/** The feedback a message carries, as a `Feedback` node. */
export const feedbackShape = (
  sourceId: string,
  message: MessageRef,
  feedback: NonNullable<MessageRecord['feedback']>,
): FeedbackShape => ({
  kind: 'Feedback',
  sourceId,
  message,
  rating: feedback.rating,
  content: feedback.content ?? null,
  createdAt: null,
  fromSource: 'user',
});

/**
 * A conversation known by id only (see `ConversationShape.partial`): no upstream call made yet.
 * @param externalId the backend's canonical spelling of the id
 */
export const conversationReference = (sourceId: string, externalId: string): ConversationShape => ({
  kind: 'Conversation',
  sourceId,
  record: {
    externalId,
    title: null,
    status: 'OPEN',
    upstreamStatus: null,
    createdAt: null,
    updatedAt: null,
    cursorKey: externalId,
  },
  partial: true,
});
