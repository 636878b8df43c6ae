/**
 * Agent actions on support conversations (Chatwoot): `assignConversation`,
 * `addConversationLabels`, `removeConversationLabels`, `setConversationPriority` and
 * `markConversationRead`. Like `setConversationStatus`: NOT_SUPPORTED before any upstream call
 * on kinds without them, FORBIDDEN for contacts, NOT_FOUND for a foreign conversation, one audit
 * line each, never retried; each payload returns the conversation after the write.
 */
import type { GatewayContext } from './context.js';
import { parseGlobalId } from '../core/global-id.js';
import { badInput } from '../core/errors.js';
import type { AssigneeChoice } from '../core/records.js';
import { builder } from './builder.js';
import { ConversationPriority } from './conversation-agent.js';
import { conversationAfterWrite, freshConversation, type ConversationPayload } from './conversation-mutations.js';
import { requireCapability, runWrite, sourceOf, type WriteOperation } from './write-support.js';

/** Labels one call may add or remove, at most. */
export const MAX_LABELS_PER_CALL = 50;
/** Longest label, characters (Chatwoot label titles). */
export const MAX_LABEL_LENGTH = 255;

const AssignTarget = builder.enumType('AssignTarget', {
  description: 'Whom `assignConversation` assigns to.',
  values: {
    ME: { description: 'The viewer’s own agent (Chatwoot: the agent whose email is the viewer’s).' },
    AGENT: { description: 'The agent named by `agentId`.' },
    NOBODY: { description: 'Unassigns the conversation.' },
  } as const,
});

/** The audit target of a write on one conversation. */
const target = (operation: WriteOperation, sourceId: string, conversationId: string) => ({ operation, sourceId, targetExternalId: conversationId });

/**
 * Whom to assign to, from the input.
 * @throws GatewayError BAD_USER_INPUT for `agentId` missing with AGENT, given otherwise, or not
 *   an agent `Sender` of the conversation's source
 */
function assigneeChoice(assignTo: 'ME' | 'AGENT' | 'NOBODY', agentId: string | null | undefined, sourceId: string): AssigneeChoice {
  if (assignTo !== 'AGENT') {
    if (agentId != null) throw badInput('agentId goes with assignTo: AGENT only');
    return assignTo === 'ME' ? { kind: 'viewer' } : { kind: 'nobody' };
  }
  if (agentId == null) throw badInput('assignTo: AGENT needs agentId');
  const ref = parseGlobalId(agentId, 'Sender');
  if (ref.sourceId !== sourceId || ref.kind !== 'AGENT' || ref.externalId === null) {
    throw badInput('agentId must be the Sender ID of an agent of the conversation’s source');
  }
  return { kind: 'agent', externalId: ref.externalId };
}

builder.relayMutationField(
  'assignConversation',
  {
    description: 'Assigns a conversation to the viewer, to another agent, or to nobody (Chatwoot agents).',
    inputFields: (t) => ({
      conversationId: t.id({ required: true }),
      assignTo: t.field({ type: AssignTarget, required: true }),
      agentId: t.id({ description: 'With AGENT: the agent’s `Sender` ID (`Conversation.assignee.id`, a message’s `sender.id`).' }),
    }),
  },
  {
    nullable: true,
    resolve: async (_root, { input }, context) => {
      const { source, ref } = sourceOf(context, String(input.conversationId), 'Conversation');
      const choice = assigneeChoice(input.assignTo, input.agentId == null ? input.agentId : String(input.agentId), source.id);
      const adapter = requireCapability(source, 'assignConversation', 'assign conversations');
      await runWrite(context, target('assignConversation', source.id, ref.conversationId), (viewer) =>
        adapter.assignConversation!(viewer, ref.conversationId, choice, context.loaders.scope),
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

/**
 * Trimmed, distinct labels of an input.
 * @throws GatewayError BAD_USER_INPUT for none, too many, a blank or too long one, or one with a comma
 */
function labelsOf(labels: readonly string[]): string[] {
  const cleaned = [...new Set(labels.map((label) => label.trim()))];
  if (cleaned.length === 0 || cleaned.length > MAX_LABELS_PER_CALL) throw badInput(`give 1–${MAX_LABELS_PER_CALL} labels`);
  for (const label of cleaned) {
    if (label === '' || label.length > MAX_LABEL_LENGTH) throw badInput(`a label must be 1–${MAX_LABEL_LENGTH} characters`);
    // Chatwoot keeps labels as a comma-separated tag list: a comma would split one label in two.
    if (label.includes(',')) throw badInput('a label cannot contain a comma');
  }
  return cleaned;
}

/**
 * Resolves a label mutation: checks the input, changes the labels as the viewer, and answers
 * where the conversation is plus the labels to add that it does not have afterwards.
 */
async function changeLabels(context: GatewayContext, action: 'add' | 'remove', conversationId: string | number, requested: readonly string[]) {
  const { source, ref } = sourceOf(context, String(conversationId), 'Conversation');
  const labels = labelsOf(requested);
  const adapter = requireCapability(source, 'changeConversationLabels', 'label conversations');
  const change = action === 'add' ? { add: labels, remove: [] } : { add: [], remove: labels };
  const kept = await runWrite(context, target('changeConversationLabels', source.id, ref.conversationId), (viewer) =>
    adapter.changeConversationLabels!(viewer, ref.conversationId, change, context.loaders.scope),
  );
  return { sourceId: source.id, conversationId: ref.conversationId, ignoredLabels: change.add.filter((label) => !kept.includes(label)) };
}

builder.relayMutationField(
  'addConversationLabels',
  {
    description:
      'Adds labels to a conversation, keeping those it has (Chatwoot agents). Labels the backend does not define are not kept: see `ignoredLabels`.',
    inputFields: (t) => ({
      conversationId: t.id({ required: true }),
      labels: t.stringList({ required: true, description: `1–${MAX_LABELS_PER_CALL} labels.` }),
    }),
  },
  { nullable: true, resolve: (_root, { input }, context) => changeLabels(context, 'add', input.conversationId, input.labels) },
  {
    outputFields: (t) => ({
      conversation: t.field(conversationAfterWrite),
      ignoredLabels: t.stringList({
        description: 'Labels asked for that the conversation does not have after the write (Chatwoot keeps only labels the account defines).',
        resolve: (payload) => payload.ignoredLabels,
      }),
    }),
  },
);

builder.relayMutationField(
  'removeConversationLabels',
  {
    description: 'Removes labels from a conversation, keeping the others (Chatwoot agents).',
    inputFields: (t) => ({
      conversationId: t.id({ required: true }),
      labels: t.stringList({ required: true, description: `1–${MAX_LABELS_PER_CALL} labels.` }),
    }),
  },
  { nullable: true, resolve: (_root, { input }, context) => changeLabels(context, 'remove', input.conversationId, input.labels) },
  {
    outputFields: (t) => ({
      conversation: t.field(conversationAfterWrite),
    }),
  },
);

builder.relayMutationField(
  'setConversationPriority',
  {
    description: 'Sets or clears a conversation’s priority (Chatwoot agents).',
    inputFields: (t) => ({
      conversationId: t.id({ required: true }),
      priority: t.field({ type: ConversationPriority, description: 'The new priority; null clears it (Chatwoot `none`).' }),
    }),
  },
  {
    nullable: true,
    resolve: async (_root, { input }, context) => {
      const { source, ref } = sourceOf(context, String(input.conversationId), 'Conversation');
      const adapter = requireCapability(source, 'setConversationPriority', 'set conversation priority');
      await runWrite(context, target('setConversationPriority', source.id, ref.conversationId), (viewer) =>
        adapter.setConversationPriority!(viewer, ref.conversationId, input.priority ?? null, context.loaders.scope),
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

builder.relayMutationField(
  'markConversationRead',
  {
    description: 'Marks a conversation read by the support team: `unreadCount` drops to 0 (Chatwoot agents).',
    inputFields: (t) => ({ conversationId: t.id({ required: true }) }),
  },
  {
    nullable: true,
    resolve: async (_root, { input }, context) => {
      const { source, ref } = sourceOf(context, String(input.conversationId), 'Conversation');
      const adapter = requireCapability(source, 'markConversationRead', 'mark conversations read');
      await runWrite(context, target('markConversationRead', source.id, ref.conversationId), (viewer) =>
        adapter.markConversationRead!(viewer, ref.conversationId, context.loaders.scope),
      );
      await announceRead(context, { sourceId: source.id, conversationId: ref.conversationId });
      return { sourceId: source.id, conversationId: ref.conversationId };
    },
  },
  {
    outputFields: (t) => ({
      conversation: t.field(conversationAfterWrite),
    }),
  },
);

/**
 * Publishes `conversationUpdated` for a read-state change, which backends do not announce
 * (Chatwoot's `update_last_seen` writes with `update_columns`: no callbacks, no webhook). The
 * event names the conversation only; each subscriber's hub reads it again as that subscriber.
 * A pub/sub failure is logged, not the write's error: the write happened.
 */
async function announceRead(context: GatewayContext, payload: ConversationPayload): Promise<void> {
  try {
    const { record } = await freshConversation(context, payload);
    await context.gateway.live.publish(payload.sourceId, { event: 'conversation_updated', messages: [], conversations: [record] });
  } catch (error) {
    context.gateway.logger.warn({ sourceId: payload.sourceId, err: error instanceof Error ? error.message : String(error) }, 'read state not announced');
  }
}
