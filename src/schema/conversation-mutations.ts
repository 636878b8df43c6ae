/**
 * Mutations on conversations: `renameConversation` and `deleteConversation` (Dify),
 * `setConversationStatus` (Chatwoot agents). Each payload reads the conversation after the write.
 */
import type { GatewayContext } from './context.js';
import { globalIdOf } from '../core/global-id.js';
import { badInput, notFound } from '../core/errors.js';
import { builder } from './builder.js';
import { ConversationStatus } from './conversation.js';
import { ConversationObject } from './refs.js';
import { conversationShape, type ConversationShape } from './shapes.js';
import { requireCapability, runWrite, sourceOf } from './write-support.js';

/** Longest conversation name, characters. */
export const MAX_CONVERSATION_NAME = 256;

/** What a conversation mutation's payload carries: where the changed conversation is. */
export interface ConversationPayload {
  sourceId: string;
  conversationId: string;
}

/** The conversation after a write, read through the request's (forgotten) loaders. @throws NOT_FOUND */
export async function freshConversation(context: GatewayContext, payload: ConversationPayload): Promise<ConversationShape> {
  const record = await context.loaders.forSource(payload.sourceId).conversation.load(payload.conversationId);
  if (!record) throw notFound('conversation', payload.sourceId);
  return conversationShape(payload.sourceId, record);
}

/**
 * The `conversation` field of a conversation write's payload (a `ConversationPayload`): the
 * conversation as read after the write. @throws NOT_FOUND when it is gone
 */
export const conversationAfterWrite = {
  type: ConversationObject,
  nullable: true as const,
  description: 'The conversation after the write.',
  resolve: (payload: unknown, _args: unknown, context: GatewayContext) => freshConversation(context, payload as ConversationPayload),
};

builder.relayMutationField(
  'renameConversation',
  {
    description: 'Renames a conversation (Dify), or has the app generate a name (`autoGenerate`).',
    inputFields: (t) => ({
      conversationId: t.id({ required: true }),
      name: t.string({ description: 'The new name. Give this or `autoGenerate: true`.' }),
      autoGenerate: t.boolean({ description: 'Let the app name the conversation from its content.' }),
    }),
  },
  {
    nullable: true,
    resolve: async (_root, { input }, context) => {
      const { source, ref } = sourceOf(context, String(input.conversationId), 'Conversation');
      const autoGenerate = input.autoGenerate ?? false;
      const name = input.name?.trim() ? input.name.trim() : null;
      if (!autoGenerate && name === null) throw badInput('give a non-blank name or autoGenerate: true');
      if (name !== null && name.length > MAX_CONVERSATION_NAME) {
        throw badInput(`name must be at most ${MAX_CONVERSATION_NAME} characters`);
      }
      const adapter = requireCapability(source, 'renameConversation', 'rename conversations');
      const renamed = await runWrite(
        context,
        { operation: 'renameConversation', sourceId: source.id, targetExternalId: ref.conversationId },
        (viewer) =>
          adapter.renameConversation!(viewer, ref.conversationId, { name: autoGenerate ? null : name, autoGenerate }, context.loaders.scope),
      );
      // The upstream's answer is the state after the write: no second read needed.
      if (renamed) context.loaders.forSource(source.id).conversation.prime(ref.conversationId, renamed);
      return { sourceId: source.id, conversationId: ref.conversationId };
    },
  },
{
    outputFields: (t) => ({
      conversation: t.field(conversationAfterWrite),
    }),
  },
);

builder.relayMutationField(
  'deleteConversation',
  {
    description: 'Deletes a conversation for the viewer (Dify). Reading it afterwards is NOT_FOUND.',
    inputFields: (t) => ({ conversationId: t.id({ required: true }) }),
  },
  {
    nullable: true,
    resolve: async (_root, { input }, context) => {
      const { source, ref } = sourceOf(context, String(input.conversationId), 'Conversation');
      const adapter = requireCapability(source, 'deleteConversation', 'delete conversations');
      await runWrite(context, { operation: 'deleteConversation', sourceId: source.id, targetExternalId: ref.conversationId }, (viewer) =>
        adapter.deleteConversation!(viewer, ref.conversationId, context.loaders.scope),
      );
      return { deletedConversationId: globalIdOf(ref) };
    },
  },
  {
    outputFields: (t) => ({
      deletedConversationId: t.id({ nullable: true, resolve: (payload) => payload.deletedConversationId }),
    }),
  },
);

builder.relayMutationField(
  'setConversationStatus',
  {
    description: 'Opens, resolves, snoozes or sets pending a conversation (Chatwoot agents).',
    inputFields: (t) => ({
      conversationId: t.id({ required: true }),
      status: t.field({ type: ConversationStatus, required: true }),
      snoozedUntil: t.field({ type: 'DateTime', description: 'With SNOOZED only: when it reopens.' }),
    }),
  },
  {
    nullable: true,
    resolve: async (_root, { input }, context) => {
      const { source, ref } = sourceOf(context, String(input.conversationId), 'Conversation');
      const snoozedUntil = input.snoozedUntil ?? null;
      if (snoozedUntil && input.status !== 'SNOOZED') throw badInput('snoozedUntil goes with status SNOOZED only');
      if (snoozedUntil && snoozedUntil.getTime() <= Date.now()) throw badInput('snoozedUntil must be in the future');
      const adapter = requireCapability(source, 'setConversationStatus', 'change conversation status');
      await runWrite(
        context,
        { operation: 'setConversationStatus', sourceId: source.id, targetExternalId: ref.conversationId },
        (viewer) => adapter.setConversationStatus!(viewer, ref.conversationId, input.status, snoozedUntil, context.loaders.scope),
      );
      return { sourceId: source.id, conversationId: ref.conversationId };
    },
  },
{
    outputFields: (t) => ({
      conversation: t.field(conversationAfterWrite),
    }),
  },
);
