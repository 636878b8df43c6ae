/**
 * The agent-side state of a support conversation on `Conversation` (Chatwoot): who it is
 * assigned to, its labels and priority, and whether the team has read it. Null on kinds without
 * it and for viewers who are not agents (it is the team's own triage).
 */
import type { GatewayContext } from './context.js';
import type { ConversationAgentState } from '../core/records.js';
import { builder } from './builder.js';
import { recordOf } from './conversation-open.js';
import { ConversationObject, SenderObject } from './refs.js';
import { senderShape, type ConversationShape } from './shapes.js';

/** A conversation's priority, also `setConversationPriority`'s input. */
export const ConversationPriority = builder.enumType('ConversationPriority', {
  description: 'Triage priority of a support conversation (Chatwoot `urgent`, `high`, `medium`, `low`).',
  values: { URGENT: {}, HIGH: {}, MEDIUM: {}, LOW: {} } as const,
});

/** A resolver reading one agent-side value, loading the record for a conversation opened by id. */
function fromAgentState<T>(pick: (state: ConversationAgentState) => T) {
  return async (shape: ConversationShape, _args: unknown, context: GatewayContext): Promise<T | null> => {
    const state = (await recordOf(context, shape)).agentState;
    return state ? pick(state) : null;
  };
}

builder.objectFields(ConversationObject, (t) => ({
  unreadCount: t.int({
    nullable: true,
    description: 'Incoming messages since an agent last read it (Chatwoot counts at most 10). Agents only.',
    resolve: fromAgentState((state) => state.unreadCount),
  }),
  lastSeenAt: t.field({
    type: 'DateTime',
    nullable: true,
    description: 'When an agent last read it (Chatwoot `agent_last_seen_at`); null when never. Agents only.',
    resolve: fromAgentState((state) => state.lastSeenAt),
  }),
  assignee: t.field({
    type: SenderObject,
    nullable: true,
    description: 'The agent it is assigned to; the same `Sender` as that agent’s messages. Null when unassigned. Agents only.',
    resolve: async (shape, args, context) => {
      const assignee = await fromAgentState((state) => state.assignee)(shape, args, context);
      return assignee ? senderShape(shape.sourceId, assignee) : null;
    },
  }),
  labels: t.stringList({
    nullable: true,
    description: 'Labels, in the order the backend keeps them. Agents only.',
    resolve: fromAgentState((state) => state.labels),
  }),
  priority: t.field({
    type: ConversationPriority,
    nullable: true,
    description: 'Triage priority; null when none is set. Agents only.',
    resolve: fromAgentState((state) => state.priority),
  }),
}));
