/**
 * The Chatwoot simulator's writes, as Chatwoot's controllers and `Messages::MessageBuilder`
 * perform them (app/controllers/api/v1/accounts/conversations{,/messages}_controller.rb):
 * - `POST …/conversations/{id}/messages` `{content, message_type, private, content_type}`, as
 *   JSON or as multipart with `attachments[]` files (files.ts):
 *   `message_type` defaults to `outgoing` (sent by the token's user); `incoming` (sent as the
 *   contact) only in API inboxes; `private: true` makes a private note. Errors are 422
 *   `{"error": "…"}`. An incoming message reopens a resolved or snoozed conversation. Answers the
 *   message (`push_event_data`) and fires `message_created`.
 * - `POST …/conversations/{id}/toggle_status` `{status, snoozed_until}` (epoch seconds, only
 *   kept while snoozed; no `status` toggles open ↔ resolved): answers
 *   `{"meta":{},"payload":{"success","conversation_id","current_status"}}`, adds the activity
 *   message Chatwoot writes, and fires `conversation_status_changed` then `conversation_updated`.
 * Every write updates `last_activity_at`, so it shows in the next list.
 */
import type { SimulatorReply } from '../http-server.js';
import type { ChatwootFixture, SimAttachment, SimConversation, SimMessage, SimStatus, SimUser } from './fixtures.js';
import { CHATWOOT_MAX_ATTACHMENT_BYTES, chatwootFileType } from './files.js';
import type { createViews } from './views.js';
import type { createWebhookSender, createWebhookViews } from './webhooks.js';

/** What the write handlers share. */
export interface ChatwootWriteContext {
  data: ChatwootFixture;
  views: ReturnType<typeof createViews>;
  webhookViews: ReturnType<typeof createWebhookViews>;
  webhooks: ReturnType<typeof createWebhookSender>;
  /** Epoch seconds, never going backwards. */
  now(): number;
  /** Called after a message was created through the API (demo auto-reply hooks in here). */
  onMessageCreated?(message: SimMessage): void;
}

const STATUSES: readonly SimStatus[] = ['open', 'resolved', 'pending', 'snoozed'];
const MAX_CONTENT = 150_000;
const ACTIVITY: Record<SimStatus, string> = {
  open: 'Conversation was reopened by {user}',
  resolved: 'Conversation was marked resolved by {user}',
  pending: 'Conversation was marked as pending by {user}',
  snoozed: 'Conversation was snoozed by {user}',
};

const unprocessable = (error: string): SimulatorReply => ({ status: 422, body: { error } });

/** `POST /api/v1/accounts/{a}/conversations/{id}/messages`. */
export function createMessage(ctx: ChatwootWriteContext, user: SimUser, conversation: SimConversation, body: Record<string, unknown>): SimulatorReply {
  const type = body.message_type ?? 'outgoing';
  if (type !== 'outgoing' && type !== 'incoming') return unprocessable(`'${String(type)}' is not a valid message_type`);
  const inbox = ctx.data.inboxes.find((item) => item.id === conversation.inboxId)!;
  if (type === 'incoming' && inbox.channelType !== 'Channel::Api') return unprocessable('Incoming messages are only allowed in Api inboxes');
  const content = typeof body.content === 'string' ? body.content : '';
  if (content.trim() === '') return unprocessable("Validation failed: Content can't be blank");
  if (content.length > MAX_CONTENT) return unprocessable(`Validation failed: Content is too long (maximum is ${MAX_CONTENT} characters)`);
  const isPrivate = body.private === true || body.private === 'true';
  const files = Array.isArray(body.attachments) ? (body.attachments as File[]) : [];
  if (files.some((file) => file.size > CHATWOOT_MAX_ATTACHMENT_BYTES)) return unprocessable('Validation failed: Attachments file size is too big');
  let attachmentId = Math.max(300, ...ctx.data.messages.flatMap((item) => item.attachments.map((file) => file.id)));
  const attachments: SimAttachment[] = files.map((file) => ({
    id: ++attachmentId,
    fileType: chatwootFileType(file.type),
    fileName: file.name || 'file',
    size: file.size,
  }));
  const message = addMessage(ctx, conversation, {
    messageType: type === 'incoming' ? 0 : 1,
    content,
    private: isPrivate,
    sender: type === 'incoming' ? { type: 'Contact', id: conversation.contactId } : { type: 'User', id: user.id },
    attachments,
  });
  if (type === 'incoming' && (conversation.status === 'resolved' || conversation.status === 'snoozed')) {
    setStatus(ctx, conversation, 'open', null, null);
  }
  ctx.onMessageCreated?.(message);
  return { status: 200, body: ctx.views.message(message) };
}

/** `POST /api/v1/accounts/{a}/conversations/{id}/toggle_status`. */
export function toggleStatus(ctx: ChatwootWriteContext, user: SimUser, conversation: SimConversation, body: Record<string, unknown>): SimulatorReply {
  const requested = body.status;
  let status: SimStatus;
  if (requested === undefined || requested === null || requested === '') {
    status = conversation.status === 'open' ? 'resolved' : 'open';
  } else if (typeof requested === 'string' && (STATUSES as readonly string[]).includes(requested)) {
    status = requested as SimStatus;
  } else {
    return unprocessable(`'${String(requested)}' is not a valid status`);
  }
  let snoozedUntil: number | null = null;
  if (status === 'snoozed' && body.snoozed_until !== undefined && body.snoozed_until !== null && body.snoozed_until !== '') {
    const value = Number(body.snoozed_until);
    if (!Number.isFinite(value)) return unprocessable('Invalid snoozed_until');
    snoozedUntil = Math.floor(value);
  }
  setStatus(ctx, conversation, status, snoozedUntil, user);
  return { status: 200, body: { meta: {}, payload: { success: true, conversation_id: conversation.id, current_status: conversation.status } } };
}

/** Appends a message with the next account-wide id, bumps the activity time, fires `message_created` (not for activity messages). */
export function addMessage(
  ctx: ChatwootWriteContext,
  conversation: SimConversation,
  draft: Pick<SimMessage, 'messageType' | 'content' | 'private' | 'sender'> & Partial<Pick<SimMessage, 'attachments'>>,
): SimMessage {
  const message: SimMessage = {
    id: (ctx.data.messages.at(-1)?.id ?? 4000) + 1,
    conversationId: conversation.id,
    contentType: 'text',
    createdAt: ctx.now(),
    ...draft,
    attachments: draft.attachments ?? [],
  };
  ctx.data.messages.push(message);
  conversation.lastActivityAt = message.createdAt;
  // Chatwoot's `webhook_sendable?`: incoming, outgoing and template messages, private notes included.
  if (message.messageType !== 2) ctx.webhooks.send('message_created', ctx.webhookViews.message(message));
  return message;
}

function setStatus(ctx: ChatwootWriteContext, conversation: SimConversation, status: SimStatus, snoozedUntil: number | null, by: SimUser | null): void {
  const previous = { status: conversation.status, snoozedUntil: conversation.snoozedUntil ?? null };
  conversation.status = status;
  conversation.snoozedUntil = status === 'snoozed' ? snoozedUntil : null;
  if (by) addMessage(ctx, conversation, { messageType: 2, content: ACTIVITY[status].replace('{user}', by.name), private: false, sender: null });
  else conversation.lastActivityAt = ctx.now();
  const changed: Record<string, { previous_value: unknown; current_value: unknown }> = {};
  if (previous.status !== status) changed.status = { previous_value: previous.status, current_value: status };
  if (previous.snoozedUntil !== conversation.snoozedUntil) {
    const iso = (value: number | null) => (value === null ? null : new Date(value * 1000).toISOString());
    changed.snoozed_until = { previous_value: iso(previous.snoozedUntil), current_value: iso(conversation.snoozedUntil) };
  }
  if (Object.keys(changed).length === 0) return;
  if (changed.status) ctx.webhooks.send('conversation_status_changed', ctx.webhookViews.conversation(conversation, changed));
  ctx.webhooks.send('conversation_updated', ctx.webhookViews.conversation(conversation, changed));
}
