/**
 * `Source`: one configured backend, `Query.sources` and `Query.source(name)`.
 */
import { requireViewer } from './context.js';
import { innerId } from '../core/global-id.js';
import { badInput, GatewayError } from '../core/errors.js';
import { builder } from './builder.js';
import { providerKindList } from '../providers/kinds.js';
import { ConversationConnection, resolveConversationConnection } from './conversation-connection.js';
import { ConversationFilterInput, ConversationOrderInput, parseConversationListing } from './conversation-filter.js';
import { ConversationObject, SourceObject } from './refs.js';
import { openConversation } from './conversation-open.js';
import { sourceShape } from './shapes.js';

// One value per provider kind, from the list of their names: building the enum loads no adapter.
const SourceKind = builder.enumType('SourceKind', {
  description: 'The kind of backend a source is.',
  values: Object.fromEntries(providerKindList.map((kind) => [kind.graphKind, { description: kind.description }])),
});

builder.node(SourceObject, {
  description: 'A configured chat-history backend.',
  id: { resolve: ({ source }) => innerId({ type: 'Source', sourceId: source.id }) },
  isTypeOf: (value) => (value as { kind?: string }).kind === 'Source',
  fields: (t) => ({
    name: t.string({ description: 'The source id from the config.', resolve: ({ source }) => source.id }),
    kind: t.field({ type: SourceKind, resolve: ({ source }) => source.graphKind }),
    canListConversations: t.boolean({
      description: 'False for sources that can only open a conversation by its id.',
      resolve: ({ source }) => source.adapter.capabilities.listConversations,
    }),
    conversations: t.field({
      type: ConversationConnection,
      nullable: true,
      description: "The viewer's conversations in this source, most recently updated first.",
      args: {
        ...t.arg.connectionArgs(),
        filter: t.arg({ type: ConversationFilterInput, required: false }),
        orderBy: t.arg({ type: ConversationOrderInput, required: false }),
      },
      resolve: ({ source }, args, context, info) => {
        if (!source.adapter.capabilities.listConversations) {
          throw new GatewayError('NOT_SUPPORTED', `source "${source.id}" cannot list conversations; open one by externalId`, {
            sourceId: source.id,
          });
        }
        return resolveConversationConnection(context, info, [source.id], args, parseConversationListing(args.filter, args.orderBy));
      },
    }),
    conversation: t.field({
      type: ConversationObject,
      nullable: true,
      description: "Opens a conversation by the backend's own id (Chatwoot: display id), e.g. from a deep link.",
      args: { externalId: t.arg.string({ required: true }) },
      resolve: ({ source }, { externalId }, context, info) => {
        requireViewer(context);
        if (externalId.length === 0 || externalId.length > 256) throw badInput('externalId must be 1–256 characters');
        return openConversation(context, info, source.id, externalId);
      },
    }),
  }),
});

builder.queryField('sources', (t) =>
  t.field({
    type: [SourceObject],
    description: 'Every configured source, in config order.',
    resolve: (_root, _args, context) => {
      requireViewer(context);
      return [...context.gateway.sources.values()].map(sourceShape);
    },
  }),
);

builder.queryField('source', (t) =>
  t.field({
    type: SourceObject,
    nullable: true,
    description: 'A source by its config id; null when there is none.',
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, context) => {
      requireViewer(context);
      const source = context.gateway.sources.get(name);
      return source ? sourceShape(source) : null;
    },
  }),
);
