/**
 * `Conversation`, `Query.conversation(id)` and the merged `Query.conversations`.
 */
import { requireViewer } from './context.js';
import { innerId, parseGlobalId } from '../core/global-id.js';
import { badInput, notFound } from '../core/errors.js';
import { builder } from './builder.js';
import { ConversationConnection, resolveConversationConnection } from './conversation-connection.js';
import { ConversationFilterInput, ConversationOrderInput, parseConversationListing } from './conversation-filter.js';
import { MessageConnection, resolveMessageConnection } from './message-connection.js';
import { ConversationObject, SourceObject } from './refs.js';
import { openConversation, recordOf } from './conversation-open.js';
import { sourceShape, type ConversationShape } from './shapes.js';
import type { GatewayContext } from './context.js';
import type { ConversationRecord } from '../core/records.js';

import { ConversationStatus } from './conversation-status.js';

export { ConversationStatus };

/**
 * A resolver reading one record field: at once for a listed conversation, through the request's
 * loader for a reference opened by id (see conversation-open.ts).
 */
function fromRecord<T>(pick: (record: ConversationRecord) => T) {
  return (shape: ConversationShape, _args: unknown, context: GatewayContext): T | Promise<T> =>
    shape.partial ? recordOf(context, shape).then(pick) : pick(shape.record);
}

builder.node(ConversationObject, {
  description: 'One conversation in one source.',
  id: { resolve: ({ sourceId, record }) => innerId({ type: 'Conversation', sourceId, conversationId: record.externalId }) },
  isTypeOf: (value) => (value as { kind?: string }).kind === 'Conversation',
  fields: (t) => ({
    externalId: t.string({
      description: "The backend's own id (Dify UUID, Chatwoot display id, REST conversation id).",
      resolve: ({ record }) => record.externalId,
    }),
    source: t.field({
      type: SourceObject,
      resolve: ({ sourceId }, _args, context) => {
        const source = context.gateway.sources.get(sourceId);
        if (!source) throw notFound('source', sourceId);
        return sourceShape(source);
      },
    }),
    title: t.string({ nullable: true, resolve: fromRecord((record) => record.title) }),
    status: t.field({ type: ConversationStatus, resolve: fromRecord((record) => record.status) }),
    introduction: t.string({
      nullable: true,
      description: "The app's opening message (Dify), when it has one.",
      resolve: fromRecord((record) => record.introduction ?? null),
    }),
    inputs: t.field({
      type: 'JSON',
      nullable: true,
      description: 'App input variables the conversation was started with (Dify `inputs`).',
      resolve: fromRecord((record) => record.inputs ?? null),
    }),
    upstreamStatus: t.string({
      nullable: true,
      description: 'The raw upstream status, e.g. Dify `normal`, Chatwoot `snoozed`.',
      resolve: fromRecord((record) => record.upstreamStatus),
    }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: fromRecord((record) => record.createdAt) }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Last activity (Chatwoot `last_activity_at`); the order of conversation lists.',
      resolve: fromRecord((record) => record.updatedAt),
    }),
    messages: t.field({
      type: MessageConnection,
      nullable: true,
      description: 'Messages, oldest first. `last: 20` is the newest twenty; `before` scrolls back.',
      args: t.arg.connectionArgs(),
      resolve: ({ sourceId, record }, args, context) =>
        resolveMessageConnection(context, sourceId, record.externalId, args),
    }),
  }),
});

builder.queryField('conversation', (t) =>
  t.field({
    type: ConversationObject,
    nullable: true,
    description: 'A conversation by global ID; null with NOT_FOUND when absent or not yours.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context, info) => {
      requireViewer(context);
      const ref = parseGlobalId(String(id), 'Conversation');
      if (ref.type !== 'Conversation') throw notFound('conversation');
      return openConversation(context, info, ref.sourceId, ref.conversationId);
    },
  }),
);

builder.queryField('conversations', (t) =>
  t.field({
    type: ConversationConnection,
    nullable: true,
    description:
      'Conversations of every source that can list them, merged, most recently updated first. ' +
      'A failing source adds an error and leaves the others intact; so does a source that cannot honour `filter` or `orderBy` (NOT_SUPPORTED).',
    args: {
      ...t.arg.connectionArgs(),
      sourceIds: t.arg.idList({
        required: false,
        description: 'Only these sources (their names, or Source global IDs).',
      }),
      filter: t.arg({ type: ConversationFilterInput, required: false }),
      orderBy: t.arg({ type: ConversationOrderInput, required: false }),
    },
    resolve: (_root, args, context, info) => {
      requireViewer(context);
      const { sources } = context.gateway;
      let ids = [...sources.values()].filter((source) => source.adapter.capabilities.listConversations).map((source) => source.id);
      if (args.sourceIds) {
        const wanted = args.sourceIds.map((value) => sourceIdOf(String(value)));
        for (const id of wanted) if (!sources.has(id)) throw badInput(`unknown source "${id}"`);
        ids = ids.filter((id) => wanted.includes(id));
      }
      return resolveConversationConnection(context, info, ids, args, parseConversationListing(args.filter, args.orderBy));
    },
  }),
);

/** Accepts a source's name or its global ID. */
function sourceIdOf(value: string): string {
  if (/^[a-z][a-z0-9-]{0,31}$/.test(value)) return value;
  const ref = parseGlobalId(value, 'Source');
  return ref.sourceId;
}
