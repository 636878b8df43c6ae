/**
 * `Source.conversationCounts(filter)`: how many of the viewer's conversations a filter selects,
 * per assignee tab, where the backend counts them (Chatwoot `GET …/conversations/meta`);
 * NOT_SUPPORTED elsewhere.
 */
import { requireViewer } from './context.js';
import { builder } from './builder.js';
import { ConversationFilterInput, parseConversationFilter } from './conversation-filter.js';
import { SourceObject } from './refs.js';
import { requireCapability } from './write-support.js';
import type { ConversationCounts } from '../core/records.js';

const ConversationCountsObject = builder.objectRef<ConversationCounts>('ConversationCounts').implement({
  description: 'Conversations per assignee tab, for one filter (status, labels, search).',
  fields: (t) => ({
    all: t.exposeInt('all', { description: 'Every conversation the filter selects.' }),
    assigned: t.exposeInt('assigned', { description: 'Those assigned to any agent.' }),
    unassigned: t.exposeInt('unassigned', { description: 'Those assigned to nobody.' }),
    mine: t.exposeInt('mine', {
      nullable: true,
      description: "Those assigned to the viewer; null when the source cannot tell for this viewer (Chatwoot: the viewer is not the access token's owner).",
    }),
  }),
});

builder.objectField(SourceObject, 'conversationCounts', (t) =>
  t.field({
    type: ConversationCountsObject,
    nullable: true,
    description:
      'Counts per assignee tab of the conversations `filter` selects (Chatwoot agents; FORBIDDEN for contacts). NOT_SUPPORTED where ' +
      'the backend has no counts, or cannot count by a filter field given (`extensions.filter`).',
    args: { filter: t.arg({ type: ConversationFilterInput, required: false }) },
    resolve: ({ source }, args, context) => {
      const viewer = requireViewer(context);
      const filter = parseConversationFilter(args.filter);
      const adapter = requireCapability(source, 'countConversations', 'count conversations');
      return adapter.countConversations!(viewer, filter, context.loaders.scope);
    },
  }),
);
