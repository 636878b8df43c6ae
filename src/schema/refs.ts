/**
 * Pothos references to the GraphQL object types (`…Object`), shared between the type files so
 * that `Conversation.messages` and `Message.conversation` can name each other without circular
 * imports. (A provider's `MessageRef`, src/core/records.ts, is the backend address of a message.)
 */
import { builder } from './builder.js';
import type { ConversationShape, FeedbackShape, MessageShape, SourceShape } from './shapes.js';

export const SourceObject = builder.objectRef<SourceShape>('Source');
export const ConversationObject = builder.objectRef<ConversationShape>('Conversation');
export const MessageObject = builder.objectRef<MessageShape>('Message');
export const FeedbackObject = builder.objectRef<FeedbackShape>('Feedback');
