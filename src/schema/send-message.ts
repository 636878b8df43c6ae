/**
 * `sendMessage` and what a streamed send reuses: the `SendMessageInput` type, resolving an input
 * to a source and an adapter request (`resolveSend`), idempotency keys in the gateway's
 * cross-request cache (`recallSend`/`rememberSend`) and the payload (`sendPayload`).
 *
 * Idempotency: a repeat with the same `idempotencyKey` from the same viewer to the same source
 * within 24 h answers the first result and calls no upstream. The cache key is a SHA-256 of
 * source id, viewer id and key, so no viewer data is readable in the store.
 */
import { createHash } from 'node:crypto';
import type { GatewayContext } from './context.js';
import { requireViewer } from './context.js';
import type { SourceEntry } from '../providers/contract.js';
import { badInput } from '../core/errors.js';
import type { MessageRecord, SendMessageRequest, SendMessageResult, Viewer } from '../core/records.js';
import { builder } from './builder.js';
import { ConversationObject, MessageObject } from './refs.js';
import { conversationShape, messageShape, type ConversationShape, type MessageShape } from './shapes.js';
import { notFound } from '../core/errors.js';
import { requireCapability, runWrite, sourceByIdOrName, sourceOf } from './write-support.js';

/** How long an idempotency key is remembered, ms (24 h). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
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
  clientMutationId?: string | number | null;
}

/** A send resolved against the config: which source, and what to ask its adapter. */
export interface ResolvedSend {
  source: SourceEntry;
  request: SendMessageRequest;
  /** Cache key of the idempotency record, or null without `idempotencyKey`. */
  idempotencyCacheKey: string | null;
}

/** The payload of a send: its conversation and the messages it created, oldest first. */
export interface SendPayload {
  sourceId: string;
  conversationExternalId: string;
  messages: MessageRecord[];
}

/**
 * Checks an input and names its source.
 * @throws GatewayError BAD_USER_INPUT (neither or both of conversationId/sourceId, blank or
 *   oversize text, `inputs` not an object), NOT_FOUND (unknown source), NOT_SUPPORTED (the
 *   backend cannot send, or cannot start conversations)
 */
export function resolveSend(context: GatewayContext, input: SendMessageInputValue): ResolvedSend {
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
  const idempotencyCacheKey =
    input.idempotencyKey == null
      ? null
      : `idempotency:send:${createHash('sha256')
          .update(JSON.stringify([source.id, viewer.id, input.idempotencyKey]))
          .digest('hex')}`;
  return {
    source,
    request: { conversationExternalId, text: input.text, private: input.private ?? false, inputs: inputs as Record<string, unknown> },
    idempotencyCacheKey,
  };
}

/** JSON form of a result in the cache (dates as ISO strings, so a shared store keeps them). */
interface StoredSend {
  conversationExternalId: string;
  messages: Array<Omit<MessageRecord, 'createdAt'> & { createdAt: string | null }>;
}

/** The first result of an earlier send with the same key, if any. */
export async function recallSend(context: GatewayContext, resolved: ResolvedSend): Promise<SendMessageResult | undefined> {
  if (!resolved.idempotencyCacheKey) return undefined;
  const stored = await context.gateway.cache.get<StoredSend>(resolved.idempotencyCacheKey);
  if (!stored) return undefined;
  return {
    conversationExternalId: stored.conversationExternalId,
    messages: stored.messages.map((message) => ({ ...message, createdAt: message.createdAt ? new Date(message.createdAt) : null })),
  };
}

/** Remembers a send's result under its key for 24 h. */
export async function rememberSend(context: GatewayContext, resolved: ResolvedSend, result: SendMessageResult): Promise<void> {
  if (!resolved.idempotencyCacheKey) return;
  const stored: StoredSend = {
    conversationExternalId: result.conversationExternalId,
    messages: result.messages.map((message) => ({ ...message, createdAt: message.createdAt?.toISOString() ?? null })),
  };
  await context.gateway.cache.set(resolved.idempotencyCacheKey, stored, IDEMPOTENCY_TTL_MS);
}

/**
 * Sends with an idempotency key still in progress on this instance, by cache key: a repeat that
 * arrives meanwhile joins the first instead of sending again.
 */
const inFlight = new Map<string, Promise<{ result: SendMessageResult; replayed: boolean }>>();

/** A replay of the first result for this key, or one upstream send remembered under it. */
async function replayOrSend(
  context: GatewayContext,
  resolved: ResolvedSend,
  viewer: Viewer,
): Promise<{ result: SendMessageResult; replayed: boolean }> {
  const replay = await recallSend(context, resolved);
  if (replay) return { result: replay, replayed: true };
  const result = await resolved.source.adapter.sendMessage!(viewer, resolved.request, context.loaders.scope);
  await rememberSend(context, resolved, result);
  return { result, replayed: false };
}

/**
 * The whole blocking send: input checks, an idempotent replay or one upstream call (never
 * retried), the audit line, and the payload.
 */
export async function sendMessageOnce(context: GatewayContext, input: SendMessageInputValue): Promise<SendPayload> {
  const resolved = resolveSend(context, input);
  const key = resolved.idempotencyCacheKey;
  const audit = { replayed: false };
  return runWrite(
    context,
    { operation: 'sendMessage', sourceId: resolved.source.id, targetExternalId: resolved.request.conversationExternalId },
    async (viewer) => {
      let attempt = key ? inFlight.get(key) : undefined;
      const joined = attempt !== undefined;
      if (!attempt) {
        attempt = replayOrSend(context, resolved, viewer);
        if (key) {
          inFlight.set(key, attempt);
          attempt.then(
            () => inFlight.delete(key),
            () => inFlight.delete(key),
          );
        }
      }
      const { result, replayed } = await attempt;
      audit.replayed = joined || replayed;
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
      idempotencyKey: t.string({
        description: 'A repeat with the same key (same viewer, within 24 h) returns the first result without sending again.',
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
    }),
  },
);

/** `SendMessageInput`, for `Subscription.assistantReply(input:)`. */
export const SendMessageInput = sendMessageMutation.inputType;
