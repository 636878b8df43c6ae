/**
 * Chatwoot writes (DESIGN §7): agents (config `agentRole`) reply and change a conversation's
 * status through the Application API with the source's token. Contacts may do neither: on a
 * conversation they can see the answer is FORBIDDEN; on one they cannot see (or that does not
 * exist) it is NOT_FOUND, the same answer as a read. Writes are never retried.
 */
import { GatewayError } from '../../core/errors.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import type { ConversationStatus, SendMessageRequest, SendMessageResult, Viewer } from '../../core/records.js';
import { loadConversations, type BatchContext } from './batch.js';
import { parseDisplayId } from './ids.js';
import { mapMessage } from './mapping.js';
import { conversationNotFound } from './scope.js';

/** Chatwoot's status names for the graph's statuses. */
const UPSTREAM_STATUS: Record<ConversationStatus, string> = {
  OPEN: 'open',
  PENDING: 'pending',
  SNOOZED: 'snoozed',
  RESOLVED: 'resolved',
};

/**
 * The display id of a conversation an agent may write to.
 * @throws GatewayError NOT_FOUND when the viewer cannot see it, FORBIDDEN for a contact who can
 */
export async function writableConversation(
  context: BatchContext,
  viewer: Viewer,
  externalId: string,
  action: string,
  requestScope: RequestScope | undefined,
): Promise<number> {
  const displayId = parseDisplayId(externalId);
  if (displayId === null) throw conversationNotFound(context.sourceId);
  const scope = await context.resolve(viewer, requestScope);
  if (scope.kind === 'account') return displayId;
  const [visible] = await loadConversations(context, viewer, [externalId], requestScope);
  if (visible instanceof Error) throw visible;
  if (!visible) throw conversationNotFound(context.sourceId);
  throw new GatewayError('FORBIDDEN', `only agents may ${action} in source "${context.sourceId}"`, { sourceId: context.sourceId });
}

/**
 * `sendMessage` → `POST …/conversations/{id}/messages` as an outgoing message (`private`: a
 * private note), its files as `attachments[]` in one multipart request. Chatwoot conversations are opened by contacts through an inbox, so a send
 * without a conversation is NOT_SUPPORTED.
 */
export async function sendMessage(
  context: BatchContext,
  viewer: Viewer,
  request: SendMessageRequest,
  requestScope?: RequestScope,
): Promise<SendMessageResult> {
  const displayId = await authorizeSend(context, viewer, request, requestScope);
  const attachments = (request.files ?? []).map((file) => ({ name: file.name, data: file.data }));
  const created = await context.client.createMessage(displayId, { content: request.text, private: request.private, attachments }, requestScope);
  return { conversationExternalId: String(displayId), messages: [mapMessage(created, String(displayId))] };
}

/**
 * What a send checks before its upstream call: the display id of a conversation this viewer
 * may send to (agents only).
 * @throws GatewayError NOT_SUPPORTED without a conversation, NOT_FOUND, FORBIDDEN for a contact
 */
export async function authorizeSend(
  context: BatchContext,
  viewer: Viewer,
  request: SendMessageRequest,
  requestScope?: RequestScope,
): Promise<number> {
  if (request.conversationExternalId === null) {
    throw new GatewayError('NOT_SUPPORTED', `source "${context.sourceId}" cannot start conversations`, { sourceId: context.sourceId });
  }
  return writableConversation(context, viewer, request.conversationExternalId, 'send messages', requestScope);
}

/**
 * `setConversationStatus` → `POST …/conversations/{id}/toggle_status` `{ status, snoozed_until }`
 * (epoch seconds, SNOOZED only).
 * @throws GatewayError UPSTREAM_ERROR when Chatwoot answers `success: false`
 */
export async function setConversationStatus(
  context: BatchContext,
  viewer: Viewer,
  externalId: string,
  status: ConversationStatus,
  snoozedUntil: Date | null,
  requestScope?: RequestScope,
): Promise<void> {
  const displayId = await writableConversation(context, viewer, externalId, 'change the status', requestScope);
  const until = status === 'SNOOZED' && snoozedUntil ? Math.floor(snoozedUntil.getTime() / 1000) : null;
  const answer = await context.client.toggleStatus(displayId, UPSTREAM_STATUS[status], until, requestScope);
  if (answer.payload.success === false) {
    throw new GatewayError('UPSTREAM_ERROR', `source "${context.sourceId}" did not change the status`, { sourceId: context.sourceId });
  }
}
