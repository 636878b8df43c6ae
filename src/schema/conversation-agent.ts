/**
 * The agent-side state of a support conversation on `Conversation` (Chatwoot): who it is
 * assigned to, its labels and priority, and whether the team has read it. Null on kinds without
 * it and for viewers who are not agents (it is the team's own triage). `Source.agents` lists
 * whom a conversation can be assigned to.
 */
import type { GatewayContext } from './context.js';
import { requireViewer } from './context.js';
import { GatewayError } from '../core/errors.js';
import type { ConversationAgentState } from '../core/records.js';
import { builder } from './builder.js';
import { recordOf } from './conversation-open.js';
import { ConversationObject, SenderObject, SourceObject } from './refs.js';
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

builder.objectField(SourceObject, 'agents', (t) =>
  t.field({
    type: [SenderObject],
    nullable: true,
    description:
      'The support team’s agents (Chatwoot `GET …/agents`): whom `assignConversation` can assign to. Agents only (others FORBIDDEN); NOT_SUPPORTED on other kinds.',
    resolve: async ({ source }, _args, context) => {
      const viewer = requireViewer(context);
      if (!source.adapter.capabilities.listAgents || !source.adapter.listAgents) {
        throw new GatewayError('NOT_SUPPORTED', `source "${source.id}" (${source.kind}) has no agents`, { sourceId: source.id });
      }
      const agents = await source.adapter.listAgents(viewer, context.loaders.scope);
      return agents.map((agent) => senderShape(source.id, agent));
    },
  }),
);
