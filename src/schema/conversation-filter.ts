/**
 * `ConversationFilter` and `ConversationOrder`, the arguments of `Query.conversations`,
 * `Source.conversations` and `Source.conversationCounts`, and their checks. Which source
 * honours which filter, and how, is the adapters' business (README "Filtering conversations").
 */
import { badInput, GatewayError } from '../core/errors.js';
import { DEFAULT_CONVERSATION_ORDER, type ConversationListing } from '../core/conversation-filter.js';
import type { ConversationFilter, ConversationOrder, ConversationStatus as Status } from '../core/records.js';
import { builder } from './builder.js';
import { ConversationStatus } from './conversation-status.js';

/** Labels one filter may name at most. */
export const MAX_FILTER_LABELS = 20;
/** Longest `search` text, characters. */
export const MAX_SEARCH_LENGTH = 200;

const ConversationAssignee = builder.enumType('ConversationAssignee', {
  description: 'Whom a conversation is assigned to, relative to the viewer: the tabs of a support inbox.',
  values: {
    ME: { description: 'Assigned to the viewer.' },
    UNASSIGNED: { description: 'Assigned to nobody.' },
    ASSIGNED: { description: 'Assigned to any agent.' },
    ANY: { description: 'No assignee filter (the default).' },
  } as const,
});

const ConversationOrderField = builder.enumType('ConversationOrderField', {
  description: 'The time a conversation list is ordered by.',
  values: {
    UPDATED_AT: { description: 'Last activity (`Conversation.updatedAt`).' },
    CREATED_AT: { description: 'Creation (`Conversation.createdAt`).' },
  } as const,
});

const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Ascending (oldest first) or descending (newest first).',
  values: { ASC: {}, DESC: {} } as const,
});

/** `orderBy` of conversation lists. */
export const ConversationOrderInput = builder.inputType('ConversationOrder', {
  description: 'Order of a conversation list; absent: `{ field: UPDATED_AT, direction: DESC }`. A source that cannot list in this order answers NOT_SUPPORTED.',
  fields: (t) => ({
    field: t.field({ type: ConversationOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: true }),
  }),
});

/** `filter` of conversation lists and counts. */
export const ConversationFilterInput = builder.inputType('ConversationFilter', {
  description:
    'Narrows a conversation list; every field given applies, absent fields do not. A source that cannot honour a field ' +
    'answers NOT_SUPPORTED (`extensions.filter` names it) while the other sources still answer.',
  fields: (t) => ({
    statuses: t.field({ type: [ConversationStatus], required: false, description: 'Any of these statuses.' }),
    assignee: t.field({ type: ConversationAssignee, required: false, description: 'Assignment tab (Chatwoot).' }),
    labels: t.stringList({ required: false, description: `Tagged with any of these labels (Chatwoot), at most ${MAX_FILTER_LABELS}.` }),
    search: t.string({ required: false, description: `The backend's text search (Chatwoot: message content), 1–${MAX_SEARCH_LENGTH} characters.` }),
    pinned: t.boolean({ required: false, description: 'Only pinned (true) or only unpinned (false) conversations (Dify, where the deployment honours it).' }),
    updatedAfter: t.field({
      type: 'DateTime',
      required: false,
      description: 'Last activity strictly after this instant (ISO 8601). Only with the default order.',
    }),
  }),
});

/** The `filter` argument as GraphQL hands it over. */
export interface ConversationFilterArg {
  statuses?: Status[] | null;
  assignee?: 'ME' | 'UNASSIGNED' | 'ASSIGNED' | 'ANY' | null;
  labels?: string[] | null;
  search?: string | null;
  pinned?: boolean | null;
  updatedAfter?: Date | null;
}

/** The `orderBy` argument as GraphQL hands it over. */
export interface ConversationOrderArg {
  field: 'UPDATED_AT' | 'CREATED_AT';
  direction: 'ASC' | 'DESC';
}

/**
 * The checked filter: nulls and `ANY` dropped, labels de-duplicated, search trimmed.
 * @throws GatewayError BAD_USER_INPUT for an empty status list, too many or blank labels, a blank or too long search
 */
export function parseConversationFilter(arg: ConversationFilterArg | null | undefined): ConversationFilter {
  const filter: ConversationFilter = {};
  if (!arg) return filter;
  if (arg.statuses != null) {
    if (arg.statuses.length === 0) throw badInput('filter.statuses must name at least one status');
    filter.statuses = [...new Set(arg.statuses)];
  }
  if (arg.assignee != null && arg.assignee !== 'ANY') filter.assignee = arg.assignee;
  if (arg.labels != null) {
    const labels = [...new Set(arg.labels.map((label) => label.trim()))];
    if (labels.length === 0 || labels.length > MAX_FILTER_LABELS) throw badInput(`filter.labels must name 1–${MAX_FILTER_LABELS} labels`);
    if (labels.some((label) => label.length === 0 || label.length > 255)) throw badInput('filter.labels must be 1–255 characters each');
    filter.labels = labels;
  }
  if (arg.search != null) {
    const search = arg.search.trim();
    if (search.length === 0 || search.length > MAX_SEARCH_LENGTH) throw badInput(`filter.search must be 1–${MAX_SEARCH_LENGTH} characters`);
    filter.search = search;
  }
  if (arg.pinned != null) filter.pinned = arg.pinned;
  if (arg.updatedAfter != null) filter.updatedAfter = arg.updatedAfter;
  return filter;
}

/**
 * Filter and order of one list request.
 * @throws GatewayError BAD_USER_INPUT (see `parseConversationFilter`); NOT_SUPPORTED for
 *   `updatedAfter` with another order than the default (the gateway ends the list at the first
 *   conversation not updated after it, which only the newest-activity-first order allows)
 */
export function parseConversationListing(
  filterArg: ConversationFilterArg | null | undefined,
  orderArg: ConversationOrderArg | null | undefined,
): ConversationListing {
  const filter = parseConversationFilter(filterArg);
  const order: ConversationOrder = orderArg ? `${orderArg.field}_${orderArg.direction}` : DEFAULT_CONVERSATION_ORDER;
  if (filter.updatedAfter && order !== DEFAULT_CONVERSATION_ORDER) {
    throw new GatewayError('NOT_SUPPORTED', 'filter.updatedAfter works only with orderBy { field: UPDATED_AT, direction: DESC }', {
      filter: 'updatedAfter',
    });
  }
  return { filter, order };
}
