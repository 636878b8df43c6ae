/**
 * What resolvers pass around as parents. Each carries its source id, because the source id is
 * part of every global ID and decides which adapter and DataLoaders serve its fields.
 */
import type { SourceEntry } from '../providers/contract.js';
import type { NodeRef, SenderNodeRef } from '../core/global-id.js';
import type { AnnotationRecord, AttachmentRecord, ConversationRecord, MessageRecord, MessageRef, SenderRecord } from '../core/records.js';

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
/** An app's curated Q&A pair (`Annotation`), with the source it belongs to. */
export interface AnnotationShape {
  kind: 'Annotation';
  sourceId: string;
  record: AnnotationRecord;
}

export const annotationShape = (sourceId: string, record: AnnotationRecord): AnnotationShape => ({ kind: 'Annotation', sourceId, record });

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

/** A message's author, with the source its ids belong to. */
export interface SenderShape {
  kind: 'Sender';
  sourceId: string;
  record: SenderRecord;
}

export const senderShape = (sourceId: string, record: SenderRecord): SenderShape => ({ kind: 'Sender', sourceId, record });

/** The identity of an author: its backend id within source, kind and id scope, else its name there. */
export const senderNodeRef = ({ sourceId, record }: SenderShape): SenderNodeRef => ({
  type: 'Sender',
  sourceId,
  kind: record.kind,
  idScope: record.idScope ?? null,
  externalId: record.id,
  name: record.id === null ? record.name : null,
});

/** A file of one message: the message's position is part of the attachment's identity. */
export interface AttachmentShape {
  kind: 'Attachment';
  sourceId: string;
  message: MessageRef;
  record: AttachmentRecord;
}

export const attachmentShape = (sourceId: string, message: MessageRef, record: AttachmentRecord): AttachmentShape => ({
  kind: 'Attachment',
  sourceId,
  message,
  record,
});

/** The identity of an attachment: its message's position and the backend's file id. */
export const attachmentNodeRef = ({ sourceId, message, record }: AttachmentShape): Extract<NodeRef, { type: 'Attachment' }> => ({
  type: 'Attachment',
  sourceId,
  conversationId: message.conversationExternalId,
  key: message.key,
  attachmentId: record.id,
});

/** The viewer an operation runs as. */
export interface ViewerShape {
  kind: 'Viewer';
  id: string;
  roles: string[];
}
