/**
 * `Message` and its parts. Dify exchanges arrive here already split into a USER and an
 * ASSISTANT message; every message carries its conversation's source id.
 */
import { requireViewer } from './context.js';
import { globalIdOf, innerId } from '../core/global-id.js';
import { notFound } from '../core/errors.js';
import type { AgentThoughtRecord, AttachmentRecord, CitationRecord, SenderRecord } from '../core/records.js';
import { builder } from './builder.js';
import { ConversationObject, FeedbackObject, MessageObject } from './refs.js';
import { selectionNeedsRecord } from './conversation-open.js';
import { conversationReference, conversationShape, feedbackShape } from './shapes.js';

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

builder.node(MessageObject, {
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
      type: ConversationObject,
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
    feedback: t.field({
      type: FeedbackObject,
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
