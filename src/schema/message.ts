/**
 * `Message` and its parts. Dify exchanges arrive here already split into a USER and an
 * ASSISTANT message; every message carries its conversation's source id.
 */
import { innerId } from '../global-id.js';
import { notFound } from '../providers/errors.js';
import type { AttachmentRecord, CitationRecord, SenderRecord } from '../providers/types.js';
import { builder } from './builder.js';
import { ConversationRef, MessageRef } from './refs.js';
import { selectionNeedsRecord } from './conversation-open.js';
import { conversationReference, conversationShape } from './shapes.js';

const MessageRole = builder.enumType('MessageRole', {
  description: 'Who wrote a message.',
  values: {
    USER: { description: 'The end user (Dify query, Chatwoot incoming, REST user).' },
    ASSISTANT: { description: 'An AI or bot (Dify answer, Chatwoot bot or template, REST ai).' },
    AGENT: { description: 'A human support agent (Chatwoot outgoing from a user).' },
    SYSTEM: { description: 'Activity and system messages.' },
  } as const,
});

const SenderKind = builder.enumType('SenderKind', {
  values: ['USER', 'CONTACT', 'AGENT', 'BOT', 'SYSTEM'] as const,
});

const FeedbackRating = builder.enumType('FeedbackRating', { values: ['LIKE', 'DISLIKE'] as const });

const Sender = builder.objectRef<SenderRecord>('Sender').implement({
  description: "A message's author as the upstream names it.",
  fields: (t) => ({
    id: t.exposeString('id', { nullable: true, description: "The upstream's id of the author." }),
    name: t.exposeString('name', { nullable: true }),
    kind: t.field({ type: SenderKind, resolve: (sender) => sender.kind }),
  }),
});

const Attachment = builder.objectRef<AttachmentRecord>('Attachment').implement({
  description: 'A file attached to a message.',
  fields: (t) => ({
    id: t.exposeString('id'),
    url: t.exposeString('url', { nullable: true }),
    type: t.exposeString('type', { nullable: true, description: 'Upstream file type, e.g. `image`, `document`.' }),
    name: t.exposeString('name', { nullable: true }),
    mimeType: t.exposeString('mimeType', { nullable: true }),
    size: t.exposeInt('size', { nullable: true, description: 'Size in bytes.' }),
  }),
});

const Feedback = builder.objectRef<{ rating: 'LIKE' | 'DISLIKE' }>('Feedback').implement({
  description: "The end user's rating of an assistant answer.",
  fields: (t) => ({ rating: t.field({ type: FeedbackRating, resolve: (feedback) => feedback.rating }) }),
});

const Citation = builder.objectRef<CitationRecord>('Citation').implement({
  description: 'A knowledge-base passage an assistant answer drew on.',
  fields: (t) => ({
    position: t.exposeInt('position', { nullable: true }),
    documentName: t.exposeString('documentName', { nullable: true }),
    content: t.exposeString('content', { nullable: true }),
    score: t.exposeFloat('score', { nullable: true, description: 'Retrieval score, higher is closer.' }),
  }),
});

builder.node(MessageRef, {
  description: 'One message of a conversation.',
  id: {
    resolve: ({ sourceId, record }) =>
      innerId({ type: 'Message', sourceId, conversationId: record.conversationExternalId, key: record.key }),
  },
  isTypeOf: (value) => (value as { kind?: string }).kind === 'Message',
  fields: (t) => ({
    externalId: t.string({
      description: "The backend's own message id (both halves of a Dify exchange share it).",
      resolve: ({ record }) => record.externalId,
    }),
    conversation: t.field({
      type: ConversationRef,
      nullable: true,
      resolve: async ({ sourceId, record }, _args, context, info) => {
        // The message was read in the viewer's scope, so its conversation is theirs: only
        // fields beyond the id need its record.
        if (!selectionNeedsRecord(info)) return conversationReference(sourceId, record.conversationExternalId);
        const found = await context.loaders.forSource(sourceId).conversation.load(record.conversationExternalId);
        if (!found) throw notFound('conversation', sourceId);
        return conversationShape(sourceId, found);
      },
    }),
    role: t.field({ type: MessageRole, resolve: ({ record }) => record.role }),
    text: t.string({ nullable: true, resolve: ({ record }) => record.text }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: ({ record }) => record.createdAt }),
    sender: t.field({ type: Sender, nullable: true, resolve: ({ record }) => record.sender }),
    attachments: t.field({ type: [Attachment], resolve: ({ record }) => record.attachments }),
    feedback: t.field({ type: Feedback, nullable: true, resolve: ({ record }) => record.feedback }),
    citations: t.field({ type: [Citation], resolve: ({ record }) => record.citations }),
    isPrivate: t.boolean({
      description: 'A private note (Chatwoot), only ever shown to agents.',
      resolve: ({ record }) => record.isPrivate,
    }),
  }),
});
