/**
 * `Feedback` (a node: one rating of one assistant message) and `Source.feedbacks`, every end
 * user's feedback on a Dify app (`GET /app/feedbacks`), for viewers with the source's admin role.
 * Dify pages that list by `page`/`limit` without a has-more flag; offset-connection.ts turns
 * that into offset cursors (signed, bound to the source and viewer).
 */
import { requireViewer } from './context.js';
import { innerId } from '../core/global-id.js';
import { GatewayError, notFound } from '../core/errors.js';
import type { FeedbackRecord } from '../core/records.js';
import { builder } from './builder.js';
import { FeedbackRating } from './message.js';
import { FeedbackObject, MessageObject, SourceObject } from './refs.js';
import { messageShape, type FeedbackShape } from './shapes.js';
import { resolveOffsetConnection, type OffsetConnection } from './offset-connection.js';

/** Dify's largest `/app/feedbacks` page. */
const MAX_UPSTREAM_PAGE = 100;

builder.node(FeedbackObject, {
  description: 'One rating of one assistant message.',
  id: {
    resolve: ({ sourceId, message }) =>
      innerId({ type: 'Feedback', sourceId, conversationId: message.conversationExternalId, key: message.key }),
  },
  isTypeOf: (value) => (value as { kind?: string }).kind === 'Feedback',
  fields: (t) => ({
    rating: t.field({ type: FeedbackRating, resolve: (feedback) => feedback.rating }),
    content: t.string({ nullable: true, description: 'The comment given with the rating.', resolve: (feedback) => feedback.content }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (feedback) => feedback.createdAt }),
    fromSource: t.string({
      nullable: true,
      description: 'Who gave it: `user` (an end user through the API) or `admin` (the console).',
      resolve: (feedback) => feedback.fromSource,
    }),
    message: t.field({
      type: MessageObject,
      nullable: true,
      description: 'The rated message, when the viewer may read it.',
      resolve: async (feedback, _args, context) => {
        const record = await context.loaders.forSource(feedback.sourceId).message.load(feedback.message);
        if (!record) throw notFound('message', feedback.sourceId);
        return messageShape(feedback.sourceId, record);
      },
    }),
  }),
});

const FeedbackEdge = builder.objectRef<{ cursor: string; node: FeedbackShape }>('FeedbackEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.field({ type: FeedbackObject, resolve: (edge) => edge.node }),
  }),
});

const FeedbackConnection = builder.objectRef<OffsetConnection<FeedbackShape>>('FeedbackConnection').implement({
  description: "A page of an app's feedback, newest first.",
  fields: (t) => ({
    edges: t.field({ type: [FeedbackEdge], resolve: (connection) => connection.edges }),
    pageInfo: t.field({ type: builder.pageInfoRef(), resolve: (connection) => connection.pageInfo }),
  }),
});

function toShape(sourceId: string, record: FeedbackRecord): FeedbackShape | null {
  if (!record.message) return null;
  return {
    kind: 'Feedback',
    sourceId,
    message: record.message,
    rating: record.rating,
    content: record.content,
    createdAt: record.createdAt,
    fromSource: record.fromSource,
  };
}

builder.objectField(SourceObject, 'feedbacks', (t) =>
  t.field({
    type: FeedbackConnection,
    nullable: true,
    description: "Every end user's feedback on the app (Dify), newest first; only for the source's admin role.",
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async ({ source }, args, context) => {
      const viewer = requireViewer(context);
      if (!source.adapter.capabilities.listFeedbacks || !source.adapter.listFeedbacks) {
        throw new GatewayError('NOT_SUPPORTED', `source "${source.id}" (${source.kind}) has no app feedback list`, {
          sourceId: source.id,
        });
      }
      const listFeedbacks = source.adapter.listFeedbacks.bind(source.adapter);
      return resolveOffsetConnection(context, {
        scope: `feedbacks:${source.id}`,
        first: args.first,
        after: args.after,
        maxUpstreamPage: MAX_UPSTREAM_PAGE,
        fetchPage: (page, limit) => listFeedbacks(viewer, { page, limit }, context.loaders.scope),
        toNode: (record) => toShape(source.id, record),
      });
    },
  }),
);
