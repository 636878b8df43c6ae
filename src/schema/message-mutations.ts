/**
 * Mutations on messages: `rateMessage` (Dify feedback on an ASSISTANT half) and
 * `transcribeAudio` (speech to text of an uploaded file). `sendMessage` lives in send-message.ts.
 */
import type { GatewayContext } from './context.js';
import { badInput, notFound } from '../core/errors.js';
import { builder } from './builder.js';
import { FeedbackRating } from './message.js';
import { MessageObject } from './refs.js';
import { messageShape, type MessageShape } from './shapes.js';
import { requireCapability, runWrite, sourceByIdOrName, sourceOf } from './write-support.js';

/** Longest feedback comment, characters. */
export const MAX_FEEDBACK_CONTENT = 4_000;

interface RatePayload {
  sourceId: string;
  conversationId: string;
  key: string;
  rating: 'LIKE' | 'DISLIKE' | null;
  content: string | null;
}

/**
 * Reads the rated message after the write (the loaders forgot the old one). Dify's message
 * list shows a rating without its comment, so the comment just written is shown with it.
 */
async function freshMessage(context: GatewayContext, payload: RatePayload): Promise<MessageShape> {
  const { sourceId, conversationId, key } = payload;
  const record = await context.loaders.forSource(sourceId).message.load({ conversationExternalId: conversationId, key });
  if (!record) throw notFound('message', sourceId);
  const feedback =
    payload.rating !== null && record.feedback?.rating === payload.rating
      ? { ...record.feedback, content: record.feedback.content ?? payload.content }
      : record.feedback;
  return messageShape(sourceId, { ...record, feedback });
}

builder.relayMutationField(
  'rateMessage',
  {
    description: 'Rates an assistant message (Dify). A USER half → BAD_USER_INPUT.',
    inputFields: (t) => ({
      messageId: t.id({ required: true }),
      rating: t.field({ type: FeedbackRating, description: 'LIKE or DISLIKE; null clears the rating.' }),
      content: t.string({ description: 'A comment to go with the rating.' }),
    }),
  },
  {
    nullable: true,
    resolve: async (_root, { input }, context) => {
      const { source, ref } = sourceOf(context, String(input.messageId), 'Message');
      const adapter = requireCapability(source, 'rateMessage', 'rate messages');
      if (input.content != null && input.content.length > MAX_FEEDBACK_CONTENT) {
        throw badInput(`content must be at most ${MAX_FEEDBACK_CONTENT} characters`);
      }
      const messageRef = { conversationExternalId: ref.conversationId, key: ref.key };
      await runWrite(context, { operation: 'rateMessage', sourceId: source.id, targetExternalId: ref.conversationId }, (viewer) =>
        adapter.rateMessage!(viewer, messageRef, input.rating ?? null, input.content ?? null, context.loaders.scope),
      );
      const payload: RatePayload = {
        sourceId: source.id,
        conversationId: ref.conversationId,
        key: ref.key,
        rating: input.rating ?? null,
        content: input.content ?? null,
      };
      return payload;
    },
  },
  {
    outputFields: (t) => ({
      message: t.field({
        type: MessageObject,
        nullable: true,
        description: 'The rated message, showing its new `feedback`.',
        resolve: (payload, _args, context) => freshMessage(context, payload),
      }),
    }),
  },
);

builder.relayMutationField(
  'transcribeAudio',
  {
    description: 'Speech to text of an uploaded audio file (Dify `/audio-to-text`; GraphQL multipart request).',
    inputFields: (t) => ({
      sourceId: t.id({ required: true, description: 'The source (its ID or name).' }),
      file: t.field({ type: 'File', required: true }),
    }),
  },
  {
    nullable: true,
    resolve: async (_root, { input }, context) => {
      const source = sourceByIdOrName(context, String(input.sourceId));
      const adapter = requireCapability(source, 'transcribeAudio', 'transcribe audio');
      const text = await runWrite(context, { operation: 'transcribeAudio', sourceId: source.id, targetExternalId: null }, (viewer) =>
        adapter.transcribeAudio!(viewer, input.file, context.loaders.scope),
      );
      return { text };
    },
  },
  {
    outputFields: (t) => ({
      text: t.string({ nullable: true, resolve: (payload) => payload.text }),
    }),
  },
);
