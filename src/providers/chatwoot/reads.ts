/**
 * Chatwoot list reads (`ProviderAdapter.listConversations`, `listMessages`), beside the reads by
 * id (batch.ts) and writes.ts. Every read first resolves the viewer's scope (scope.ts): the whole
 * account for agents, one contact's conversations for everyone else.
 */
import { GatewayError, isGatewayError } from '../../core/errors.js';
import type { ConversationPage, ConversationSlice, MessagePage, MessageSlice, Viewer } from '../../core/records.js';
import type { RequestMemo } from '../../upstream/request-memo.js';
import type { BatchContext } from './batch.js';
import { accountListFilters, refuseContactFilters } from './filters.js';
import { parseDisplayId, parseMessageKey } from './ids.js';
import { mapMessage } from './mapping.js';
import { pageAccountConversations, pageMessages, parseAccountCursor, parseContactCursor, sliceContactConversations } from './paging.js';
import { assertConversationVisible, conversationNotFound, seesPrivateNotes } from './scope.js';

const badInput = (sourceId: string, message: string) => new GatewayError('BAD_USER_INPUT', message, { sourceId });

/**
 * `ProviderAdapter.listConversations`: agents page `GET /conversations` of the account, filtered
 * upstream (filters.ts); a contact slices `GET /contacts/{id}/conversations`.
 * @throws GatewayError BAD_USER_INPUT for a cursor of the other scope or a malformed one;
 *   NOT_SUPPORTED for a filter this viewer's list cannot take (filters.ts)
 */
export async function listConversations(
  context: BatchContext,
  viewer: Viewer,
  page: ConversationPage,
  memo?: RequestMemo,
): Promise<ConversationSlice> {
  const { client, sourceId, resolve } = context;
  const requestScope = memo?.scope;
  const scope = await resolve(viewer, requestScope);
  if (scope.kind === 'account') {
    const filters = await accountListFilters(context, viewer, page.filter, page.order, requestScope);
    const cursor = page.after === null ? null : parseAccountCursor(page.after);
    if (page.after !== null && !cursor) throw badInput(sourceId, 'invalid conversation cursor');
    return pageAccountConversations(client, cursor, page.limit, filters, requestScope);
  }
  refuseContactFilters(sourceId, page.filter, page.order);
  const cursor = page.after === null ? null : parseContactCursor(page.after);
  if (page.after !== null && !cursor) throw badInput(sourceId, 'invalid conversation cursor');
  if (scope.contactId === null) return { items: [], hasMore: false };
  // A contact deleted since the search has no conversations left to show.
  const listed = await client.contactConversations(scope.contactId, requestScope).catch((error: unknown) => {
    if (isGatewayError(error) && error.code === 'NOT_FOUND') return { payload: [] };
    throw error;
  });
  return sliceContactConversations(listed.payload, cursor, page.limit);
}

/**
 * `ProviderAdapter.listMessages`: pages of `GET /conversations/{id}/messages`, the conversation's
 * visibility checked before any message is kept; private notes only for agents.
 * @throws GatewayError NOT_FOUND for a conversation the viewer may not see; BAD_USER_INPUT for a malformed cursor
 */
export async function listMessages(
  context: BatchContext,
  viewer: Viewer,
  conversationExternalId: string,
  page: MessagePage,
  memo?: RequestMemo,
): Promise<MessageSlice> {
  const { client, sourceId, resolve } = context;
  const requestScope = memo?.scope;
  const cursorId = page.cursor === null ? null : parseMessageKey(page.cursor);
  if (page.cursor !== null && cursorId === null) throw badInput(sourceId, 'invalid message cursor');
  const displayId = parseDisplayId(conversationExternalId);
  if (displayId === null) throw conversationNotFound(sourceId);
  const scope = await resolve(viewer, requestScope);
  if (scope.kind === 'contact' && scope.contactId === null) throw conversationNotFound(sourceId);
  const privateVisible = seesPrivateNotes(scope);
  let verified = false;
  const window = await pageMessages(
    async (params) => {
      // Chatwoot's 404 and 401 for this conversation read the same as a foreign one.
      const result = await client.listMessages(displayId, params, requestScope).catch((error: unknown) => {
        throw isGatewayError(error) && error.code === 'NOT_FOUND' ? conversationNotFound(sourceId) : error;
      });
      // Checked before any message is kept; ownership does not change between pages.
      if (!verified) await assertConversationVisible(client, sourceId, scope, displayId, result.meta, requestScope);
      verified = true;
      return result.payload;
    },
    { direction: page.direction, cursorId, limit: page.limit },
    (message) => privateVisible || message.private !== true,
  );
  return {
    messages: window.messages.map((message) => mapMessage(message, String(displayId))),
    hasMore: window.hasMore,
  };
}
