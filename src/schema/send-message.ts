/**
 * `sendMessage` and what a streamed send reuses: the `SendMessageInput` type, resolving an input
 * to a source and an adapter request (`resolveSend`) and the payload (`sendPayload`).
 *
 * Idempotency (src/schema/idempotency.ts): a repeat with the same `idempotencyKey` from the same
 * viewer to the same source within 24 h answers the first result and calls no upstream, on
 * every replica; a concurrent repeat waits for the first; another request under a used key is
 * BAD_USER_INPUT.
 *
 * Files (`files`, GraphQL multipart request) go with the message where the backend takes them
 * (Dify: each uploaded to `/files/upload`, then `files[]` of `/chat-messages`; Chatwoot:
 * `attachments[]` of the message create); elsewhere a send with files is NOT_SUPPORTED. The
 * upload limits apply (src/plugins/use-upload-limits.ts, send-files.ts), and the idempotency
 * fingerprint includes each file's name, type and SHA-256.
 */
import type { GatewayContext } from './context.js';
import { requireViewer } from './context.js';
import type { SourceEntry } from '../providers/contract.js';
import { badInput } from '../core/errors.js';
import type { MessageRecord, SendMessageRequest, SendMessageResult } from '../core/records.js';
import { builder } from './builder.js';
import { idempotencyCacheKey, reserveSend, type ResolvedSend } from './idempotency.js';
import { messageEdgesOf, MessageEdge } from './message-connection.js';
import { ConversationObject, MessageObject } from './refs.js';
import { conversationShape, messageShape, type ConversationShape, type MessageShape } from './shapes.js';
import { notFound } from '../core/errors.js';
import { requireCapability, runWrite, sourceByIdOrName, sourceOf } from './write-support.js';
import { readSendFiles } from './send-files.js';
import type { SendFile } from '../core/records.js';

export { IDEMPOTENCY_TTL_MS } from './idempotency.js';
/** Longest message text, characters. */
export const MAX_SEND_TEXT = 32_000;
/** Longest idempotency key, characters. */
export const MAX_IDEMPOTENCY_KEY = 256;

/** The fields of `SendMessageInput` as resolvers receive them. */
export interface SendMessageInputValue {
  conversationId?: string | null;
  sourceId?: string | null;
  text: string;
  private?: boolean | null;
  inputs?: unknown;
  idempotencyKey?: string | null;
  /** Uploaded files (GraphQL multipart request); `assistantReply` cannot carry them. */
  files?: readonly Blob[] | null;
  clientMutationId?: string | number | null;
}

/** The payload of a send: its conversation and the messages it created, oldest first. */
export interface SendPayload {
  sourceId: string;
  conversationExternalId: string;
  messages: MessageRecord[];
}

/**
 * Checks an input and names its source. `files` are the input's files as `readSendFiles` read
 * them (none by default).
 * @throws GatewayError BAD_USER_INPUT (neither or both of conversationId/sourceId, blank or
 *   oversize text, `inputs` not an object), NOT_FOUND (unknown source), NOT_SUPPORTED (the
 *   backend cannot send, cannot start conversations, or cannot take files)
 */
export function resolveSend(context: GatewayContext, input: SendMessageInputValue, files: readonly SendFile[] = []): ResolvedSend {
  const viewer = requireViewer(context);
  const hasConversation = input.conversationId != null;
  if (hasConversation === (input.sourceId != null)) {
    throw badInput('give exactly one of conversationId (an existing conversation) or sourceId (a new one)');
  }
  if (input.text.trim().length === 0) throw badInput('text must not be blank');
  if (input.text.length > MAX_SEND_TEXT) throw badInput(`text must be at most ${MAX_SEND_TEXT} characters`);
  const inputs = input.inputs ?? {};
  if (typeof inputs !== 'object' || Array.isArray(inputs) || inputs === null) throw badInput('inputs must be a JSON object');
  if (input.idempotencyKey != null && (input.idempotencyKey.length === 0 || input.idempotencyKey.length > MAX_IDEMPOTENCY_KEY)) {
    throw badInput(`idempotencyKey must be 1–${MAX_IDEMPOTENCY_KEY} characters`);
  }
  let source: SourceEntry;
  let conversationExternalId: string | null = null;
  if (hasConversation) {
    const target = sourceOf(context, String(input.conversationId), 'Conversation');
    source = target.source;
    conversationExternalId = target.ref.conversationId;
  } else {
    source = sourceByIdOrName(context, String(input.sourceId));
  }
  requireCapability(source, 'sendMessage', 'send messages');
  if (!hasConversation) requireCapability(source, 'startConversation', 'start conversations');
  if (files.length > 0) requireCapability(source, 'sendFiles', 'send files');
  return {
    source,
    request: { conversationExternalId, text: input.text, private: input.private ?? false, inputs: inputs as Record<string, unknown>, files },
    idempotencyCacheKey: idempotencyCacheKey(source.id, viewer.id, input.idempotencyKey),
  };
}

/**
 * The whole blocking send: input checks, an idempotent replay or one upstream call (never
 * retried), the audit line, and the payload.
 */
export async function sendMessageOnce(context: GatewayContext, input: SendMessageInputValue): Promise<SendPayload> {
  const files = await readSendFiles(input.files, context.gateway.config.server.limits);
  const resolved = resolveSend(context, input, files);
  const audit = { replayed: false };
  return runWrite(
    context,
    { operation: 'sendMessage', sourceId: resolved.source.id, targetExternalId: resolved.request.conversationExternalId },
    async (viewer) => {
      const reservation = await reserveSend(context, resolved, viewer);
      if (reservation?.kind === 'replay') {
        audit.replayed = true;
        return sendPayload(resolved.source.id, reservation.result);
      }
      let result: SendMessageResult;
      try {
        result = await resolved.source.adapter.sendMessage!(viewer, resolved.request, context.loaders.scope);
      } catch (error) {
        await reservation?.release();
        throw error;
      }
      await reservation?.commit(result);
      return sendPayload(resolved.source.id, result);
    },
    audit,
  );
}

/** A send result as the payload's parent. */
export function sendPayload(sourceId: string, result: SendMessageResult): SendPayload {
  return { sourceId, conversationExternalId: result.conversationExternalId, messages: result.messages };
}

/** The conversation of a send payload, read after the write. */
export async function payloadConversation(context: GatewayContext, payload: SendPayload): Promise<ConversationShape> {
  const record = await context.loaders.forSource(payload.sourceId).conversation.load(payload.conversationExternalId);
  if (!record) throw notFound('conversation', payload.sourceId);
  return conversationShape(payload.sourceId, record);
}

/** The messages of a send payload. */
export function payloadMessages(payload: SendPayload): MessageShape[] {
  return payload.messages.map((message) => messageShape(payload.sourceId, message));
}

const sendMessageMutation = builder.relayMutationField(
  'sendMessage',
  {
    description: 'Sends a message (Dify: to the app, blocking until its answer; Chatwoot: an agent reply or private note).',
    inputFields: (t) => ({
      conversationId: t.id({ description: 'An existing conversation. Give this or `sourceId`.' }),
      sourceId: t.id({ description: 'Starts a new conversation in this source (its ID or name).' }),
      text: t.string({ required: true }),
      private: t.boolean({ description: 'A private note, seen by agents only (Chatwoot).' }),
      inputs: t.field({ type: 'JSON', description: 'App input variables (Dify `inputs`); default `{}`.' }),
      files: t.field({
        type: ['File'],
        description:
          'Files to attach (GraphQL multipart request; `server.limits` caps their size, count and types). Dify: uploaded, then passed as `files`; Chatwoot: the message\'s attachments; other backends: NOT_SUPPORTED. `assistantReply` takes none.',
      }),
      idempotencyKey: t.string({
        description:
          'A repeat with the same key (same viewer, within 24 h) returns the first result without sending again, on every replica; a repeat while the first is still sending waits for it. The key reused for a different request is BAD_USER_INPUT.',
      }),
    }),
  },
  {
    nullable: true,
    resolve: (_root, { input }, context) => sendMessageOnce(context, input),
  },
  {
    outputFields: (t) => ({
      conversation: t.field({
        type: ConversationObject,
        nullable: true,
        resolve: (payload, _args, context) => payloadConversation(context, payload as SendPayload),
      }),
      messages: t.field({
        type: [MessageObject],
        description: 'What the send created, oldest first (Dify: the USER and ASSISTANT halves).',
        resolve: (payload) => payloadMessages(payload as SendPayload),
      }),
      messageEdges: t.field({
        type: [MessageEdge],
        description:
          "`messages` as edges of the conversation's `messages` connection, for Relay's `@appendEdge(connections:)`: each cursor works as `after`/`before` there.",
        resolve: (payload, _args, context) => {
          const { sourceId, messages } = payload as SendPayload;
          return messageEdgesOf(context, sourceId, messages);
        },
      }),
    }),
  },
);

/** `SendMessageInput`, for `Subscription.assistantReply(input:)`. */
export const SendMessageInput = sendMessageMutation.inputType;
