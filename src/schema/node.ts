/**
 * `Query.node(id)` and `Query.nodes(ids)`. Each id succeeds or fails on its own: a malformed
 * one is `BAD_USER_INPUT`, an absent or foreign one `NOT_FOUND` (the same answer either way),
 * and the other ids still resolve. Loads go through the per-request DataLoaders, so `nodes`
 * batches by source.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from './context.js';
import { requireViewer } from './context.js';
import { parseGlobalId, type NodeRef } from '../core/global-id.js';
import { badInput, GatewayError, notFound } from '../core/errors.js';
import { builder } from './builder.js';
import { loadAnnotation } from './annotation.js';
import { openConversation } from './conversation-open.js';
import { settleItem } from './errors.js';
import {
  type AnnotationShape,
  attachmentShape,
  feedbackShape,
  messageShape,
  sourceShape,
  type AttachmentShape,
  type ConversationShape,
  type FeedbackShape,
  type MessageShape,
  type SourceShape,
  type ViewerShape,
} from './shapes.js';
import { viewerShape } from './viewer.js';

/** Most ids one `nodes` call may ask for. */
export const MAX_NODES = 100;

/**
 * Loads the node a ref points at, for the field `info` resolves (its selection decides which
 * reads a conversation needs). A Viewer ID resolves only for the viewer it names.
 * @throws GatewayError NOT_FOUND when it is absent, foreign, or of an unknown source;
 *   NOT_SUPPORTED for a Sender ID
 */
export async function loadNode(
  context: GatewayContext,
  ref: NodeRef,
  info: GraphQLResolveInfo,
): Promise<SourceShape | ConversationShape | MessageShape | FeedbackShape | AttachmentShape | ViewerShape | AnnotationShape> {
  if (ref.type === 'Viewer') {
    const viewer = requireViewer(context);
    if (ref.viewerId !== viewer.id) throw notFound('viewer');
    return viewerShape(viewer);
  }
  const source = context.gateway.sources.get(ref.sourceId);
  if (!source) throw notFound(ref.type.toLowerCase());
  if (ref.type === 'Source') return sourceShape(source);
  // No backend reads an author by id, and echoing the ID's own parts could describe an author
  // that never wrote anything here: refuse rather than answer data that may be wrong.
  if (ref.type === 'Sender') {
    throw new GatewayError('NOT_SUPPORTED', 'a Sender cannot be fetched by ID: read it through the messages it wrote', {
      sourceId: ref.sourceId,
    });
  }
  if (ref.type === 'Annotation') return loadAnnotation(context, source, ref.annotationId);
  // A conversation costs only what the selection on it needs (conversation-open.ts).
  if (ref.type === 'Conversation') return openConversation(context, info, ref.sourceId, ref.conversationId);
  const loaders = context.loaders.forSource(ref.sourceId);
  const message = { conversationExternalId: ref.conversationId, key: ref.key };
  const record = await loaders.message.load(message);
  if (ref.type === 'Feedback') {
    if (!record?.feedback) throw notFound('feedback', ref.sourceId);
    return feedbackShape(ref.sourceId, message, record.feedback);
  }
  if (ref.type === 'Attachment') {
    const file = record?.attachments.find((attachment) => attachment.id === ref.attachmentId);
    if (!file) throw notFound('attachment', ref.sourceId);
    return attachmentShape(ref.sourceId, message, file);
  }
  if (!record) throw notFound('message', ref.sourceId);
  return messageShape(ref.sourceId, record);
}

const NodeInterface = builder.nodeInterfaceRef();

builder.queryField('node', (t) =>
  t.field({
    type: NodeInterface,
    nullable: true,
    // Other subgraphs of a federated graph may serve Relay's node/nodes too.
    shareable: true,
    description: 'Any object by its global ID.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context, info) => {
      requireViewer(context);
      return loadNode(context, parseGlobalId(String(id)), info);
    },
  }),
);

builder.queryField('nodes', (t) =>
  t.field({
    type: [NodeInterface],
    nullable: { list: false, items: true },
    shareable: true,
    description: `Objects by global ID (at most ${MAX_NODES}), in the order asked; a bad or missing one is null with an error.`,
    args: { ids: t.arg.idList({ required: true }) },
    resolve: (_root, { ids }, context, info) => {
      requireViewer(context);
      if (ids.length > MAX_NODES) throw badInput(`nodes takes at most ${MAX_NODES} ids`);
      return ids.map((id) => {
        try {
          return settleItem(loadNode(context, parseGlobalId(String(id)), info));
        } catch (error) {
          return error as Error;
        }
      });
    },
  }),
);
