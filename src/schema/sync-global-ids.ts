/**
 * Synchronous `id` resolvers for the Node types. Pothos relay resolves every node's `id`
 * through an `async` wrapper, so each id of a 20-message page is a promise the executor has to
 * await; the global ID is a pure function of the shape already in hand. This swaps those
 * resolvers, after the schema is built, for ones returning the same string at once.
 */
import { assertObjectType, type GraphQLSchema } from 'graphql';
import { globalIdOf } from '../core/global-id.js';
import {
  type AnnotationShape,
  attachmentNodeRef,
  senderNodeRef,
  type AttachmentShape,
  type ConversationShape,
  type MessageShape,
  type SenderShape,
  type SourceShape,
  type ViewerShape,
} from './shapes.js';

const ENCODERS = {
  Source: (shape: SourceShape) => globalIdOf({ type: 'Source', sourceId: shape.source.id }),
  Conversation: (shape: ConversationShape) =>
    globalIdOf({ type: 'Conversation', sourceId: shape.sourceId, conversationId: shape.record.externalId }),
  Message: (shape: MessageShape) =>
    globalIdOf({ type: 'Message', sourceId: shape.sourceId, conversationId: shape.record.conversationExternalId, key: shape.record.key }),
  Sender: (shape: SenderShape) => globalIdOf(senderNodeRef(shape)),
  Attachment: (shape: AttachmentShape) => globalIdOf(attachmentNodeRef(shape)),
  Viewer: (shape: ViewerShape) => globalIdOf({ type: 'Viewer', viewerId: shape.id }),
  Annotation: (shape: AnnotationShape) => globalIdOf({ type: 'Annotation', sourceId: shape.sourceId, annotationId: shape.record.id }),
} as const;

/**
 * Replaces the `id` resolver of the Node types in `ENCODERS` in `schema` (in place).
 * @returns the same schema
 * @throws Error when one of those types or its `id` field is missing (a schema change to follow here)
 */
export function withSyncGlobalIds(schema: GraphQLSchema): GraphQLSchema {
  for (const [typename, encode] of Object.entries(ENCODERS)) {
    const field = assertObjectType(schema.getType(typename)).getFields().id;
    if (!field) throw new Error(`${typename} has no id field`);
    field.resolve = encode as (shape: unknown) => string;
  }
  return schema;
}
