/**
 * `Annotation` (a node: one of an app's curated question-and-answer pairs, Dify
 * `/apps/annotations`) and `Source.annotations`, for viewers with the source's admin role
 * (the adapter refuses others with FORBIDDEN, as for `Source.feedbacks`). Dify pages the list
 * by `page`/`limit`; offset-connection.ts turns that into offset cursors bound to the source,
 * the keyword and the viewer. Mutations are in annotation-mutations.ts.
 */
import type { GatewayContext } from './context.js';
import { requireViewer } from './context.js';
import { innerId } from '../core/global-id.js';
import { badInput, notFound } from '../core/errors.js';
import type { SourceEntry } from '../providers/contract.js';
import { builder } from './builder.js';
import { resolveOffsetConnection, type OffsetConnection } from './offset-connection.js';
import { AnnotationObject, SourceObject } from './refs.js';
import { annotationShape, type AnnotationShape } from './shapes.js';
import { requireCapability } from './write-support.js';

/** Dify's largest `/apps/annotations` page. */
const MAX_UPSTREAM_PAGE = 100;
/** Longest `keyword`, characters. */
export const MAX_ANNOTATION_KEYWORD = 256;

builder.node(AnnotationObject, {
  description:
    "One of an app's curated question-and-answer pairs (Dify annotation): with the app's annotation reply on, a user question close enough to `question` is answered with `answer` instead of a generated reply.",
  id: { resolve: ({ sourceId, record }) => innerId({ type: 'Annotation', sourceId, annotationId: record.id }) },
  isTypeOf: (value) => (value as { kind?: string }).kind === 'Annotation',
  fields: (t) => ({
    externalId: t.string({ description: "The backend's annotation id.", resolve: ({ record }) => record.id }),
    question: t.string({ nullable: true, resolve: ({ record }) => record.question }),
    answer: t.string({ nullable: true, resolve: ({ record }) => record.answer }),
    hitCount: t.int({ nullable: true, description: 'How often the app has answered with it.', resolve: ({ record }) => record.hitCount }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: ({ record }) => record.createdAt }),
  }),
});

/** An edge of `Source.annotations`: its cursor works as `after` there. */
export const AnnotationEdge = builder.objectRef<{ cursor: string; node: AnnotationShape }>('AnnotationEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.field({ type: AnnotationObject, resolve: (edge) => edge.node }),
  }),
});

const AnnotationConnection = builder.objectRef<OffsetConnection<AnnotationShape>>('AnnotationConnection').implement({
  description: "A page of an app's annotations, newest first.",
  fields: (t) => ({
    edges: t.field({ type: [AnnotationEdge], resolve: (connection) => connection.edges }),
    pageInfo: t.field({ type: builder.pageInfoRef(), resolve: (connection) => connection.pageInfo }),
    totalCount: t.int({
      nullable: true,
      description: 'How many annotations match (the keyword, if any), as the backend counts them.',
      resolve: (connection) => connection.totalCount,
    }),
  }),
});

/** The cursor scope of one source's annotation list under one keyword (null: unfiltered). */
export function annotationListScope(sourceId: string, keyword: string | null): string {
  return `annotations:${JSON.stringify([sourceId, keyword])}`;
}

/** A `keyword` argument: trimmed, blank = none. @throws GatewayError BAD_USER_INPUT when too long */
function keywordOf(raw: string | null | undefined): string | null {
  const keyword = raw?.trim() ?? '';
  if (keyword.length > MAX_ANNOTATION_KEYWORD) throw badInput(`keyword must be at most ${MAX_ANNOTATION_KEYWORD} characters`);
  return keyword === '' ? null : keyword;
}

builder.objectField(SourceObject, 'annotations', (t) =>
  t.field({
    type: AnnotationConnection,
    nullable: true,
    description:
      "The app's curated question-and-answer pairs (Dify), newest first; only for the source's admin role (others FORBIDDEN), NOT_SUPPORTED on other kinds.",
    args: {
      first: t.arg.int(),
      after: t.arg.string(),
      keyword: t.arg.string({ description: 'Only annotations whose question or answer contains this text (any case).' }),
    },
    resolve: async ({ source }, args, context) => {
      const viewer = requireViewer(context);
      const adapter = requireCapability(source, 'listAnnotations', 'list annotations');
      const keyword = keywordOf(args.keyword);
      return resolveOffsetConnection(context, {
        scope: annotationListScope(source.id, keyword),
        first: args.first,
        after: args.after,
        maxUpstreamPage: MAX_UPSTREAM_PAGE,
        fetchPage: (page, limit) => adapter.listAnnotations!(viewer, { page, limit, keyword }, context.loaders.scope),
        toNode: (record) => annotationShape(source.id, record),
      });
    },
  }),
);

/**
 * An annotation by its id, for `node(id:)`. Dify has no read of one annotation: this walks the
 * list, newest first, in pages of 100 until it is found, each call counted against the
 * request's upstream call budget.
 * @throws GatewayError NOT_FOUND (absent), FORBIDDEN (not the admin role), NOT_SUPPORTED
 */
export async function loadAnnotation(context: GatewayContext, source: SourceEntry, annotationId: string): Promise<AnnotationShape> {
  const viewer = requireViewer(context);
  const adapter = requireCapability(source, 'listAnnotations', 'list annotations');
  for (let page = 1; ; page += 1) {
    const answer = await adapter.listAnnotations!(viewer, { page, limit: MAX_UPSTREAM_PAGE, keyword: null }, context.loaders.scope);
    const found = answer.items.find((record) => record.id === annotationId);
    if (found) return annotationShape(source.id, found);
    if (!answer.hasMore || answer.items.length < MAX_UPSTREAM_PAGE) throw notFound('annotation', source.id);
  }
}
