/**
 * `ConversationStatus`, in a file of its own: `Conversation.status`, `setConversationStatus`'s
 * input and the `statuses` of `ConversationFilter` all use it.
 */
import { builder } from './builder.js';

/** The graph's conversation statuses, also `setConversationStatus`'s input. */
export const ConversationStatus = builder.enumType('ConversationStatus', {
  description: 'Where a conversation stands. Unknown upstream values map to OPEN (see `upstreamStatus`).',
  values: {
    OPEN: { description: 'Active (Dify `normal`, Chatwoot `open`).' },
    PENDING: {},
    SNOOZED: {},
    RESOLVED: {},
  } as const,
});
