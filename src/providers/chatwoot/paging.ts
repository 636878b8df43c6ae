/**
 * Filling the gateway's pages from Chatwoot's fixed-size ones. Messages: Chatwoot pages by
 * message id (`before` → 20 older, `after` → 100 newer, no has-more flag: a short page is the
 * end), so a page of up to 101 takes several calls, and hidden private notes are skipped
 * without returning short pages. Conversations: numbered pages of 25 for the account, or the
 * one short list of a contact.
 */
import type { RequestScope } from '../../upstream/request-scope.js';
import type { ConversationRecord } from '../../core/records.js';
import { CHATWOOT_PAGE, type ChatwootClient, type ChatwootListFilters } from './client.js';
import { mapConversation, toDate } from './mapping.js';
import type { ChatwootConversation, ChatwootMessage } from './schemas.js';

/** Upper bound of upstream calls for one page, so a conversation of hidden notes cannot run away. */
export const MAX_CALLS_PER_PAGE = 100;

/** One upstream messages page (already checked to be visible to the viewer), ascending. */
export type FetchMessages = (params: { before?: number; after?: number }) => Promise<ChatwootMessage[]>;

export interface MessageWindow {
  /** Oldest first. */
  messages: ChatwootMessage[];
  /** More visible messages exist beyond the window in the direction of travel. */
  hasMore: boolean;
}

/**
 * Reads `limit` visible messages next to `cursorId` (a message id, or null for either end).
 * Backward walks `before=<oldest id seen>` from the newest page; forward walks `after=` from
 * `cursorId` or from 0 (Chatwoot reads `after=0` as "from the first message"). It reads one
 * message past the window when it can, so `hasMore` is exact; only when `MAX_CALLS_PER_PAGE`
 * runs out is `hasMore` a guess (true).
 */
export async function pageMessages(
  fetchMessages: FetchMessages,
  request: { direction: 'forward' | 'backward'; cursorId: number | null; limit: number },
  visible: (message: ChatwootMessage) => boolean,
): Promise<MessageWindow> {
  const backward = request.direction === 'backward';
  const chunks: ChatwootMessage[][] = [];
  const seen = new Set<number>();
  let count = 0;
  let position: number | undefined = request.cursorId ?? (backward ? undefined : 0);
  for (let call = 0; call < MAX_CALLS_PER_PAGE; call += 1) {
    const batch = await fetchMessages(
      backward ? (position === undefined ? {} : { before: position }) : { after: position ?? 0 },
    );
    const fresh = batch.filter(
      (message) =>
        !seen.has(message.id) && (position === undefined || (backward ? message.id < position : message.id > position)),
    );
    for (const message of fresh) seen.add(message.id);
    const shown = fresh.filter(visible);
    if (backward) chunks.unshift(shown);
    else chunks.push(shown);
    count += shown.length;
    const full = batch.length >= (backward ? CHATWOOT_PAGE.messagesBefore : CHATWOOT_PAGE.messagesAfter);
    if (!full || fresh.length === 0) return window(chunks, request, false);
    const ids = fresh.map((message) => message.id);
    position = backward ? Math.min(...ids) : Math.max(...ids);
    if (count > request.limit) return window(chunks, request, true);
  }
  return window(chunks, request, true);
}

function window(chunks: ChatwootMessage[][], request: { direction: string; limit: number }, more: boolean): MessageWindow {
  const all = chunks.flat();
  const messages = request.direction === 'backward' ? all.slice(-request.limit) : all.slice(0, request.limit);
  return { messages, hasMore: more || all.length > request.limit };
}

/** The `meta` count that is the total of a list with this `assignee_type`. */
const TOTAL_OF: Record<string, 'all_count' | 'mine_count' | 'assigned_count' | 'unassigned_count'> = {
  all: 'all_count',
  me: 'mine_count',
  assigned: 'assigned_count',
  unassigned: 'unassigned_count',
};

/** Position in the account list: `<page>.<index>.<display id>` (page from 1, index from 0). */
interface AccountCursor {
  page: number;
  index: number;
  id: number;
}

/** Parses an account-list cursor key; null when malformed. */
export function parseAccountCursor(key: string): AccountCursor | null {
  const match = /^(\d{1,6})\.(\d{1,3})\.(\d{1,15})$/.exec(key);
  if (!match) return null;
  const [page, index, id] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return page >= 1 && index < CHATWOOT_PAGE.conversations ? { page, index, id } : null;
}

/**
 * The account's conversations after `cursor` in the list `filters` select (filters.ts), most
 * recent activity first, `limit` of them.
 * Pages are offsets into a list that moves as conversations get activity, so on resuming the
 * cursor's conversation is looked up again in its page and reading continues right after it;
 * within one call a conversation is never returned twice. `hasMore` comes from the list's
 * count of its assignee tab (`all_count` unfiltered), or from reading the next page when the count is missing. Every page read runs
 * under `requestScope`.
 */
export async function pageAccountConversations(
  client: ChatwootClient,
  cursor: AccountCursor | null,
  limit: number,
  filters: ChatwootListFilters,
  requestScope?: RequestScope,
): Promise<{ items: ConversationRecord[]; hasMore: boolean }> {
  const items: ConversationRecord[] = [];
  const seen = new Set<number>();
  let page = cursor?.page ?? 1;
  let start = cursor ? cursor.index + 1 : 0;
  for (let call = 0; call < MAX_CALLS_PER_PAGE; call += 1) {
    const { data } = await client.listConversations(page, filters, requestScope);
    if (cursor && page === cursor.page) {
      const moved = data.payload.findIndex((conversation) => conversation.id === cursor.id);
      if (moved >= 0) start = moved + 1;
      seen.add(cursor.id);
    }
    for (let index = start; index < data.payload.length; index += 1) {
      const conversation = data.payload[index] as ChatwootConversation;
      if (seen.has(conversation.id)) continue;
      if (items.length === limit) return { items, hasMore: true };
      seen.add(conversation.id);
      items.push(mapConversation(conversation, `${page}.${index}.${conversation.id}`, { agentView: true }));
    }
    if (data.payload.length < CHATWOOT_PAGE.conversations) return { items, hasMore: false };
    // Chatwoot counts before it applies `assignee_type`: the total of this list is that tab's count.
    const total = data.meta?.[TOTAL_OF[filters.assignee_type ?? 'all'] ?? 'all_count'];
    if (items.length === limit && typeof total === 'number') return { items, hasMore: page * CHATWOOT_PAGE.conversations < total };
    page += 1;
    start = 0;
  }
  return { items, hasMore: true };
}

/** Position in a contact's list: `<index>.<display id>`. */
interface ContactCursor {
  index: number;
  id: number;
}

/** Parses a contact-list cursor key; null when malformed. */
export function parseContactCursor(key: string): ContactCursor | null {
  const match = /^(\d{1,3})\.(\d{1,15})$/.exec(key);
  return match ? { index: Number(match[1]), id: Number(match[2]) } : null;
}

/**
 * A contact's conversations (Chatwoot returns at most the 20 newest by id, unsorted by activity)
 * sorted by last activity, most recent first, then sliced after `cursor`.
 */
export function sliceContactConversations(
  conversations: ChatwootConversation[],
  cursor: ContactCursor | null,
  limit: number,
): { items: ConversationRecord[]; hasMore: boolean } {
  const sorted = [...conversations].sort((a, b) => activity(b) - activity(a) || b.id - a.id);
  let start = 0;
  if (cursor) {
    const found = sorted.findIndex((conversation) => conversation.id === cursor.id);
    start = found >= 0 ? found + 1 : cursor.index + 1;
  }
  const items = sorted.slice(start, start + limit).map((conversation, offset) =>
    mapConversation(conversation, `${start + offset}.${conversation.id}`),
  );
  return { items, hasMore: start + limit < sorted.length };
}

function activity(conversation: ChatwootConversation): number {
  return toDate(conversation.last_activity_at ?? conversation.timestamp)?.getTime() ?? 0;
}
