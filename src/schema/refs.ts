/**
 * Type references shared between the type files, so that `Conversation.messages` and
 * `Message.conversation` can name each other without circular imports.
 */
import { builder } from './builder.js';
import type { AttachmentShape, ConversationShape, FeedbackShape, MessageShape, SenderShape, SourceShape, ViewerShape } from './shapes.js';

export const SourceRef = builder.objectRef<SourceShape>('Source');
export const ConversationRef = builder.objectRef<ConversationShape>('Conversation');
export const MessageRef = builder.objectRef<MessageShape>('Message');
export const FeedbackRef = builder.objectRef<FeedbackShape>('Feedback');
export const SenderRef = builder.objectRef<SenderShape>('Sender');
export const AttachmentRef = builder.objectRef<AttachmentShape>('Attachment');
export const ViewerRef = builder.objectRef<ViewerShape>('Viewer');
