/**
 * `ConversationVariable`: state an app keeps per conversation (Dify conversation variables),
 * `Conversation.variables` (a forward-only Relay connection: Dify pages with `last_id` only) and
 * `updateConversationVariable`. Other backends answer NOT_SUPPORTED at the field's path.
 *
 * The variable is not a `Node`: no backend reads one by id, and a `Node` must be refetchable.
 * Its backend id is `externalId`; the mutation's payload returns the changed variable and its
 * conversation (a `Node`), whose `variables` a client refetches or updates from the payload.
 * The write is scoped like every other (the viewer's own conversation; a foreign one answers
 * NOT_FOUND like an absent one), audited, never retried, and idempotent by nature: setting a
 * value twice leaves the same state, so it takes no idempotency key.
 */
import type { ConversationVariableRecord } from '../core/app-records.js';
import { badInput, notFound } from '../core/errors.js';
import { requireViewer, type GatewayContext } from './context.js';
import { builder } from './builder.js';
import { ConversationObject } from './refs.js';
import { conversationShape, type ConversationShape } from './shapes.js';
import { requireCapability, runWrite, sourceOf } from './write-support.js';

/** Largest page of `Conversation.variables` (Dify's own `limit` maximum). */
export const MAX_VARIABLE_PAGE = 100;

const ConversationVariableObject = builder.objectRef<ConversationVariableRecord>('ConversationVariable').implement({
  description: 'A variable the app keeps for one conversation (Dify conversation variables).',
  fields: (t) => ({
    externalId: t.exposeString('externalId', { description: "The backend's id of the variable (`updateConversationVariable`'s `variableExternalId`)." }),
    name: t.exposeString('name'),
    valueType: t.exposeString('valueType', { description: 'e.g. `string`, `number`, `boolean`, `object`, `array[string]`.' }),
    value: t.exposeString('value', { nullable: true, description: 'The value as the backend shows it: the text itself for `string`, JSON text for other types.' }),
    description: t.exposeString('description', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (variable) => variable.createdAt }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (variable) => variable.updatedAt }),
  }),
});

interface VariableEdgeShape {
  cursor: string;
  node: ConversationVariableRecord;
}

const ConversationVariableEdge = builder.objectRef<VariableEdgeShape>('ConversationVariableEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.field({ type: ConversationVariableObject, resolve: (edge) => edge.node }),
  }),
});

const ConversationVariableConnection = builder
  .objectRef<{ edges: VariableEdgeShape[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null } }>(
    'ConversationVariableConnection',
  )
  .implement({
    description: "A page of a conversation's variables, oldest first; pages forward only (`first`/`after`).",
    fields: (t) => ({
      edges: t.field({ type: [ConversationVariableEdge], resolve: (connection) => connection.edges }),
      pageInfo: t.field({ type: builder.pageInfoRef(), resolve: (connection) => connection.pageInfo }),
    }),
  });

const cursorScope = (sourceId: string, conversationExternalId: string) => `variables:${JSON.stringify([sourceId, conversationExternalId])}`;

builder.objectField(ConversationObject, 'variables', (t) =>
  t.field({
    type: ConversationVariableConnection,
    nullable: true,
    description: 'Variables the app keeps for this conversation (Dify), oldest first; NOT_SUPPORTED for other backends.',
    args: {
      first: t.arg.int({ description: `Page size, 0–${MAX_VARIABLE_PAGE}; default 20.` }),
      after: t.arg.string(),
    },
    resolve: async ({ sourceId, record }, args, context) => {
      const viewer = requireViewer(context);
      const source = context.gateway.sources.get(sourceId);
      if (!source) throw notFound('source', sourceId);
      const adapter = requireCapability(source, 'listConversationVariables', 'keep conversation variables');
      const first = args.first ?? 20;
      if (!Number.isInteger(first) || first < 0 || first > MAX_VARIABLE_PAGE) throw badInput(`first must be between 0 and ${MAX_VARIABLE_PAGE}`);
      const scope = cursorScope(sourceId, record.externalId);
      let afterId: string | null = null;
      if (args.after != null) {
        const decoded = context.gateway.cursors.decode(scope, viewer.id, args.after);
        if (typeof decoded !== 'string') throw badInput('invalid cursor');
        afterId = decoded;
      }
      // `first: 0` still asks for one, to tell whether there is a next page.
      const page = await adapter.listConversationVariables!(viewer, record.externalId, { afterId, first: Math.max(1, first) }, context.loaders.scope);
      const edges = page.items.slice(0, first).map((node) => ({ cursor: context.gateway.cursors.encode(scope, viewer.id, node.externalId), node }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.hasMore || page.items.length > first,
          hasPreviousPage: afterId !== null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
);

interface VariablePayload {
  sourceId: string;
  conversationId: string;
  variable: ConversationVariableRecord;
}

async function payloadConversation(context: GatewayContext, payload: VariablePayload): Promise<ConversationShape> {
  const record = await context.loaders.forSource(payload.sourceId).conversation.load(payload.conversationId);
  if (!record) throw notFound('conversation', payload.sourceId);
  return conversationShape(payload.sourceId, record);
}

builder.relayMutationField(
  'updateConversationVariable',
  {
    description:
      'Sets a variable the app keeps for one of your conversations (Dify), named by `variableExternalId` or `name`. ' +
      "A value that does not fit the variable's type is BAD_USER_INPUT; another viewer's conversation is NOT_FOUND.",
    inputFields: (t) => ({
      conversationId: t.id({ required: true }),
      variableExternalId: t.string({ description: '`ConversationVariable.externalId`. Give this or `name`.' }),
      name: t.string({ description: 'The variable\'s name. Give this or `variableExternalId`.' }),
      value: t.field({ type: 'JSON', required: true, description: "The new value, of the variable's `valueType` (a string, a number, an object, …)." }),
    }),
  },
  {
    nullable: true,
    resolve: async (_root, { input }, context): Promise<VariablePayload> => {
      const { source, ref } = sourceOf(context, String(input.conversationId), 'Conversation');
      if ((input.variableExternalId == null) === (input.name == null)) throw badInput('give exactly one of variableExternalId or name');
      const target =
        input.variableExternalId != null
          ? { externalId: input.variableExternalId }
          : { name: input.name! };
      const adapter = requireCapability(source, 'updateConversationVariable', 'keep conversation variables');
      return runWrite(
        context,
        { operation: 'updateConversationVariable', sourceId: source.id, targetExternalId: ref.conversationId },
        async (viewer) => ({
          sourceId: source.id,
          conversationId: ref.conversationId,
          variable: await adapter.updateConversationVariable!(viewer, ref.conversationId, target, input.value, context.loaders.scope),
        }),
      );
    },
  },
  {
    outputFields: (t) => ({
      variable: t.field({ type: ConversationVariableObject, description: 'The variable as stored after the write.', resolve: (payload) => payload.variable }),
      conversation: t.field({
        type: ConversationObject,
        nullable: true,
        description: 'The conversation, read after the write.',
        resolve: (payload, _args, context) => payloadConversation(context, payload),
      }),
    }),
  },
);
