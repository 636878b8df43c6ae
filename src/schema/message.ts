/**
 * `Message` and its parts. Dify exchanges arrive here already split into a USER and an
 * ASSISTANT message; every message carries its conversation's source id.
 */
import { requireViewer } from '../context.js';
import { globalIdOf, innerId } from '../global-id.js';
import { notFound } from '../providers/errors.js';
import type { AgentThoughtRecord, CitationRecord } from '../providers/types.js';
import { builder } from './builder.js';
import { AttachmentRef, ConversationRef, FeedbackRef, MessageRef, SenderRef } from './refs.js';
import { selectionNeedsRecord } from './conversation-open.js';
import {
  attachmentNodeRef,
  attachmentShape,
  conversationReference,
  conversationShape,
  feedbackShape,
  senderNodeRef,
  senderShape,
} from './shapes.js';

/** The audio route's path for a message global ID (served by src/plugins/use-audio-route.ts). */
export function audioPath(messageGlobalId: string): string {
  return `/audio/messages/${messageGlobalId}`;
}

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

/** LIKE or DISLIKE: a message's rating, and what `rateMessage` sets. */
export const FeedbackRating = builder.enumType('FeedbackRating', { values: ['LIKE', 'DISLIKE'] as const });

builder.node(SenderRef, {
  description: [
    "A message's author. Its `id` is global: it includes the source and the author's kind, because",
    'a backend numbers each kind apart (Chatwoot agent 1 and bot 1 are different people). An author',
    "the backend does not identify (Dify's assistant) is one stable identity per source, kind and name.",
    '`node(id)` cannot fetch a Sender (no backend reads an author by id): it answers null with',
    'NOT_SUPPORTED. Read authors through the messages they wrote.',
  ].join(' '),
  id: { resolve: (shape) => innerId(senderNodeRef(shape)) },
  isTypeOf: (value) => (value as { kind?: string }).kind === 'Sender',
  fields: (t) => ({
    externalId: t.string({
      nullable: true,
      description: "The backend's id of the author, unique only within its `kind` (Chatwoot: within its model, e.g. agent bot or Captain assistant); null where the backend gives none (Dify's assistant).",
      resolve: ({ record }) => record.id,
    }),
    name: t.string({ nullable: true, resolve: ({ record }) => record.name }),
    kind: t.field({ type: SenderKind, resolve: ({ record }) => record.kind }),
  }),
});

builder.node(AttachmentRef, {
  description: 'A file attached to a message. Its `id` is global (source, message and file); `node(id)` reads it through its message.',
  id: { resolve: (shape) => innerId(attachmentNodeRef(shape)) },
  isTypeOf: (value) => (value as { kind?: string }).kind === 'Attachment',
  fields: (t) => ({
    externalId: t.string({ description: "The backend's id of the file.", resolve: ({ record }) => record.id }),
    url: t.string({ nullable: true, resolve: ({ record }) => record.url }),
    type: t.string({ nullable: true, description: 'Upstream file type, e.g. `image`, `document`.', resolve: ({ record }) => record.type }),
    name: t.string({ nullable: true, resolve: ({ record }) => record.name }),
    mimeType: t.string({ nullable: true, resolve: ({ record }) => record.mimeType }),
    size: t.int({ nullable: true, description: 'Size in bytes.', resolve: ({ record }) => record.size }),
  }),
});

const AgentThought = builder.objectRef<AgentThoughtRecord>('AgentThought').implement({
  description: 'One step of an agent answer (Dify agent apps): its reasoning, the tool it used and what came back.',
  fields: (t) => ({
    position: t.exposeInt('position', { nullable: true }),
    thought: t.exposeString('thought', { nullable: true }),
    observation: t.exposeString('observation', { nullable: true }),
    tool: t.exposeString('tool', { nullable: true, description: 'Tool name(s); several are joined with `;`.' }),
    toolInput: t.exposeString('toolInput', { nullable: true, description: 'The tool input as sent (usually JSON text).' }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (thought) => thought.createdAt }),
  }),
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
    sender: t.field({
      type: SenderRef,
      nullable: true,
      resolve: ({ sourceId, record }) => (record.sender ? senderShape(sourceId, record.sender) : null),
    }),
    attachments: t.field({
      type: [AttachmentRef],
      resolve: ({ sourceId, record }) =>
        record.attachments.map((file) => attachmentShape(sourceId, { conversationExternalId: record.conversationExternalId, key: record.key }, file)),
    }),
    feedback: t.field({
      type: FeedbackRef,
      nullable: true,
      description: "The viewer's rating of an assistant answer.",
      resolve: ({ sourceId, record }) =>
        record.feedback
          ? feedbackShape(sourceId, { conversationExternalId: record.conversationExternalId, key: record.key }, record.feedback)
          : null,
    }),
    suggestedQuestions: t.field({
      type: ['String'],
      nullable: true,
      description: 'Follow-up questions the app suggests after this answer (Dify); `[]` elsewhere. NOT_SUPPORTED when the app has them off.',
      resolve: async ({ sourceId, record }, _args, context) => {
        const source = context.gateway.sources.get(sourceId);
        if (!source?.adapter.capabilities.suggestedQuestions || record.role !== 'ASSISTANT') return [];
        return source.adapter.suggestedQuestions!(
          requireViewer(context),
          { conversationExternalId: record.conversationExternalId, key: record.key },
          context.loaders.scope,
        );
      },
    }),
    agentThoughts: t.field({
      type: [AgentThought],
      description: 'Agent steps behind this answer (Dify agent apps); `[]` elsewhere.',
      resolve: ({ record }) => record.agentThoughts ?? [],
    }),
    audioUrl: t.string({
      nullable: true,
      description: 'Path of this answer read aloud (`GET`, same auth as /graphql), for Dify assistant messages; null elsewhere.',
      resolve: ({ sourceId, record }, _args, context) => {
        const source = context.gateway.sources.get(sourceId);
        if (!source?.adapter.capabilities.textToAudio || record.role !== 'ASSISTANT') return null;
        return audioPath(globalIdOf({ type: 'Message', sourceId, conversationId: record.conversationExternalId, key: record.key }));
      },
    }),
    citations: t.field({ type: [Citation], resolve: ({ record }) => record.citations }),
    isPrivate: t.boolean({
      description: 'A private note (Chatwoot), only ever shown to agents.',
      resolve: ({ record }) => record.isPrivate,
    }),
  }),
});
