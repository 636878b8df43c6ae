/**
 * The DataLoader batch functions: conversations by display id and messages by reference, one
 * slot per input in input order holding the record, null (absent or not the viewer's: the
 * same answer either way) or an Error for that slot alone. Upstream calls are shared where
 * Chatwoot allows: one contact-conversations list serves every id of a contact viewer, and one
 * `after`+`before` range read serves nearby messages of one conversation. Every call runs under
 * the `requestScope` given (the GraphQL request's deadline and call budget).
 */
import { asError, eachLimited, groupRefs, toSlot, type Slot } from '../adapter-kit.js';
import { GatewayError, isGatewayError } from '../../core/errors.js';
import type { SharedCache } from '../../core/cache.js';
import type { RequestScope } from '../../upstream/request-scope.js';
import type { ConversationRecord, MessageRecord, MessageRef, Viewer } from '../../core/records.js';
import { CHATWOOT_PAGE, type ChatwootClient } from './client.js';
import { parseDisplayId, parseMessageKey } from './ids.js';
import { mapConversation, mapMessage } from './mapping.js';
import type { ChatwootConversation, ChatwootMessage } from './schemas.js';
import { assertConversationVisible, seesPrivateNotes, type ResolvedScope, type ScopeResolver } from './scope.js';

/** What the batch functions need from the adapter. */
export interface BatchContext {
  client: ChatwootClient;
  sourceId: string;
  resolve: ScopeResolver;
  /** The source's cross-request cache (filters.ts keeps the token owner there); absent in tests that build a context alone. */
  cache?: SharedCache;
}

/** Upstream calls one batch keeps in flight at once. */
const CONCURRENCY = 6;

/**
 * Conversations by display id. Records loaded this way are not list positions: their
 * `cursorKey` is the display id, which `listConversations` refuses as `after`.
 */
export async function loadConversations(
  context: BatchContext,
  viewer: Viewer,
  externalIds: readonly string[],
  requestScope?: RequestScope,
): Promise<Array<Slot<ConversationRecord>>> {
  let scope: ResolvedScope;
  try {
    scope = await context.resolve(viewer, requestScope);
  } catch (error) {
    return externalIds.map(() => asError(error));
  }
  const ids = [...new Set(externalIds.map(parseDisplayId).filter((id): id is number => id !== null))];
  const found = new Map<number, Slot<ChatwootConversation>>();
  if (scope.kind === 'contact') {
    const contactId = scope.contactId;
    if (contactId === null) return externalIds.map(() => null);
    let listed: ChatwootConversation[];
    try {
      listed = (await context.client.contactConversations(contactId, requestScope)).payload;
    } catch (error) {
      const gone = isGatewayError(error) && error.code === 'NOT_FOUND';
      return externalIds.map(() => (gone ? null : asError(error)));
    }
    for (const conversation of listed) found.set(conversation.id, conversation);
    // A full list may have left older conversations out: those are checked one by one.
    const unseen = listed.length >= CHATWOOT_PAGE.contactConversations ? ids.filter((id) => !found.has(id)) : [];
    await eachLimited(unseen, CONCURRENCY, async (id) => {
      const conversation = await fetchConversation(context.client, id, requestScope);
      found.set(id, conversation instanceof Error || conversation?.meta?.sender?.id === contactId ? conversation : null);
    });
  } else {
    await eachLimited(ids, CONCURRENCY, async (id) => {
      found.set(id, await fetchConversation(context.client, id, requestScope));
    });
  }
  return externalIds.map((externalId) => {
    const id = parseDisplayId(externalId);
    const conversation = id === null ? null : (found.get(id) ?? null);
    if (conversation === null || conversation instanceof Error) return conversation;
    return mapConversation(conversation, String(conversation.id), { agentView: scope.kind === 'account' });
  });
}

/**
 * Messages by reference. Per conversation, ids within 1000 of each other are read with one
 * `after=<first>&before=<last + 1>` call (Chatwoot returns up to 1000 messages for a range,
 * and a range that narrow cannot hold more). A malformed key is BAD_USER_INPUT in its slot.
 */
export async function loadMessages(
  context: BatchContext,
  viewer: Viewer,
  refs: readonly MessageRef[],
  requestScope?: RequestScope,
): Promise<Array<Slot<MessageRecord>>> {
  let scope: ResolvedScope;
  try {
    scope = await context.resolve(viewer, requestScope);
  } catch (error) {
    return refs.map(() => asError(error));
  }
  const { sourceId } = context;
  const { results, groups } = groupRefs<MessageRecord, number, number>(refs, (ref) => {
    const id = parseMessageKey(ref.key);
    if (id === null) return new GatewayError('BAD_USER_INPUT', 'invalid message key', { sourceId });
    const displayId = parseDisplayId(ref.conversationExternalId);
    return displayId === null ? null : { conversation: displayId, key: id };
  });
  const privateVisible = seesPrivateNotes(scope);
  await eachLimited(groups, CONCURRENCY, async ([displayId, wanted]) => {
    const messages = await fetchMessagesById(context, scope, displayId, [...new Set(wanted.map(({ key }) => key))], requestScope);
    for (const { slot, key } of wanted) {
      if (messages === null || messages instanceof Error) {
        results[slot] = messages;
        continue;
      }
      const message = messages.get(key);
      const visible = message && (message.private !== true || privateVisible);
      results[slot] = visible ? mapMessage(message, String(displayId)) : null;
    }
  });
  return results;
}

/** The messages of one conversation with the given ids; null when the conversation is not visible. */
async function fetchMessagesById(
  context: BatchContext,
  scope: ResolvedScope,
  displayId: number,
  ids: number[],
  requestScope: RequestScope | undefined,
): Promise<Map<number, ChatwootMessage> | null | Error> {
  const found = new Map<number, ChatwootMessage>();
  const sorted = [...ids].sort((a, b) => a - b);
  let verified = false;
  try {
    for (const range of ranges(sorted, CHATWOOT_PAGE.messagesBetween)) {
      const page = await context.client.listMessages(displayId, { after: range.from, before: range.to }, requestScope);
      if (!verified) await assertConversationVisible(context.client, context.sourceId, scope, displayId, page.meta, requestScope);
      verified = true;
      for (const message of page.payload) found.set(message.id, message);
    }
  } catch (error) {
    return toSlot(error);
  }
  return found;
}

/** Sorted ids → half-open ranges [from, to) no wider than `width`. */
function ranges(sorted: number[], width: number): Array<{ from: number; to: number }> {
  const result: Array<{ from: number; to: number }> = [];
  for (const id of sorted) {
    const last = result.at(-1);
    if (last && id < last.from + width) last.to = id + 1;
    else result.push({ from: id, to: id + 1 });
  }
  return result;
}

async function fetchConversation(
  client: ChatwootClient,
  displayId: number,
  requestScope: RequestScope | undefined,
): Promise<ChatwootConversation | null | Error> {
  try {
    return await client.getConversation(displayId, requestScope);
  } catch (error) {
    return toSlot(error);
  }
}
