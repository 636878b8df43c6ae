/**
 * `Feedback` (a node: one rating of one assistant message) and `Source.feedbacks`, every end
 * user's feedback on a Dify app (`GET /app/feedbacks`), for viewers with the source's admin role.
 * Dify pages that list by `page`/`limit` without a has-more flag; the connection turns that into
 * offset cursors (signed, bound to the source and viewer) and asks one row more than wanted.
 */
import { requireViewer } from './context.js';
import { innerId } from '../core/global-id.js';
import { badInput, GatewayError, notFound } from '../core/errors.js';
import type { FeedbackRecord } from '../core/records.js';
import { builder } from './builder.js';
import { FeedbackRating } from './message.js';
import { FeedbackObject, MessageObject, SourceObject } from './refs.js';
import { messageShape, type FeedbackShape } from './shapes.js';

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

interface FeedbackEdgeShape {
  cursor: string;
  node: FeedbackShape;
}

interface FeedbackConnectionShape {
  edges: FeedbackEdgeShape[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const FeedbackEdge = builder.objectRef<FeedbackEdgeShape>('FeedbackEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.field({ type: FeedbackObject, resolve: (edge) => edge.node }),
  }),
});

const FeedbackConnection = builder.objectRef<FeedbackConnectionShape>('FeedbackConnection').implement({
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
      const first = args.first ?? 20;
      if (!Number.isInteger(first) || first < 0 || first > 100) throw badInput('first must be between 0 and 100');
      const scope = `feedbacks:${source.id}`;
      let offset = 0;
      if (args.after != null) {
        const decoded = context.gateway.cursors.decode(scope, viewer.id, args.after);
        if (typeof decoded !== 'number' || !Number.isInteger(decoded) || decoded < 0) throw badInput('invalid cursor');
        offset = decoded + 1;
      }
      // Rows offset … offset + first (one extra to know whether more exist), read in Dify pages
      // of one size: the smallest that covers the window from a page boundary.
      const want = first + 1;
      const size = Math.min(MAX_UPSTREAM_PAGE, want);
      const rows: FeedbackRecord[] = [];
      let upstreamMore = true;
      for (let page = Math.floor(offset / size) + 1; rows.length < want + (offset % size) && upstreamMore; page += 1) {
        const answer = await source.adapter.listFeedbacks(viewer, { page, limit: size }, context.loaders.scope);
        rows.push(...answer.items);
        upstreamMore = answer.hasMore;
      }
      const window = rows.slice(offset % size, (offset % size) + want);
      const shown = window.slice(0, first);
      const edges = shown.flatMap((record, index) => {
        const node = toShape(source.id, record);
        return node ? [{ cursor: context.gateway.cursors.encode(scope, viewer.id, offset + index), node }] : [];
      });
      return {
        edges,
        pageInfo: {
          hasNextPage: window.length > first,
          hasPreviousPage: offset > 0,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
);
