/**
 * Pothos references to the GraphQL object types (`…Object`), shared between the type files so
 * that `Conversation.messages` and `Message.conversation` can name each other without circular
 * imports. (A provider's `MessageRef`, src/core/records.ts, is the backend address of a message.)
 */
import { builder } from './builder.js';
import type { AnnotationShape, AttachmentShape, ConversationShape, FeedbackShape, MessageShape, SenderShape, SourceShape, ViewerShape } from './shapes.js';

export const SourceObject = builder.objectRef<SourceShape>('Source');
export const ConversationObject = builder.objectRef<ConversationShape>('Conversation');
export const MessageObject = builder.objectRef<MessageShape>('Message');
export const FeedbackObject = builder.objectRef<FeedbackShape>('Feedback');
export const SenderObject = builder.objectRef<SenderShape>('Sender');
export const AttachmentObject = builder.objectRef<AttachmentShape>('Attachment');
export const ViewerObject = builder.objectRef<ViewerShape>('Viewer');
export const AnnotationObject = builder.objectRef<AnnotationShape>('Annotation');
